package ingest

import (
	"errors"
	"os"
	"strings"
	"testing"
)

// TestComposeReadsBackAsCleanedText: the Markdown written for pasted text
// parses to the same Text as the pasted text itself.
func TestComposeReadsBackAsCleanedText(t *testing.T) {
	inputs := map[string]string{
		"markup":     "# Not a heading\n\n1. not a list\n\n- not a bullet with *stars*, _under_, `ticks`, <b>tags</b>, [links](x) & &amp; \\ back.\n\n> not a quote | pipe ~ tilde\n\n+ plus\n\n=== equals",
		"hyphen":     "The mili-\ntary \u201cbloc\u201d met in Stras-\nbourg.\n\nA new para-\ngraph.",
		"pagebreak":  "Talks between Paris and\n\nhttps://example.org/x\n\nBerlin stalled.",
		"caption":    "Leaders pose in Vilnius.\nJane Doe / Reuters\n\nThe summit opened.",
		"ligature":   "The \ufb01nal o\ufb00er\u00a0was made.",
		"long-title": strings.Repeat("word ", 40) + "end.",
	}
	if seed, err := os.ReadFile(seedPath); err == nil {
		inputs["seed"] = string(seed)
	}
	for name, raw := range inputs {
		t.Run(name, func(t *testing.T) {
			c, err := Compose("-", []byte(raw), Draft{Date: day, Source: "https://example.org/a"})
			if err != nil {
				t.Fatal(err)
			}
			md, err := Parse(c.Slug+".md", c.Markdown, nil, Options{})
			if err != nil {
				t.Fatalf("%v\n%s", err, c.Markdown)
			}
			txt, err := Parse("x.txt", []byte(raw), nil, Options{Date: day})
			if err != nil {
				t.Fatal(err)
			}
			if md.Text != txt.Text {
				t.Errorf("Markdown Text\n%q\n!= text Text\n%q\nfrom\n%s", md.Text, txt.Text, c.Markdown)
			}
			if !md.Meta.Date.Equal(day) || md.Meta.Source != "https://example.org/a" || md.Meta.Title == "" || len(md.Meta.Title) > 84 {
				t.Errorf("Meta = %+v", md.Meta)
			}
			if !slugForm.MatchString(c.Slug) || len(c.Slug) > 60 {
				t.Errorf("slug %q", c.Slug)
			}
		})
	}
}

func TestComposeTitleAndQuotes(t *testing.T) {
	raw := "Officials \u201cdoubt\u201d the plan: it fails. More text follows."
	c, err := Compose("-", []byte(raw), Draft{Date: day, Title: "A: \"quoted\" title\nwith newline"})
	if err != nil {
		t.Fatal(err)
	}
	a, err := Parse("x.md", c.Markdown, nil, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if a.Meta.Title != "A: \"quoted\" title\nwith newline" || c.Slug != "a-quoted-title-with-newline" {
		t.Errorf("title %q slug %q", a.Meta.Title, c.Slug)
	}
	if !strings.Contains(a.Body, "\u201cdoubt\u201d") {
		t.Errorf("Body lost the original quotes: %q", a.Body)
	}
	c, _ = Compose("-", []byte(raw), Draft{Date: day})
	if !strings.Contains(string(c.Markdown), "title: 'Officials \u201cdoubt\u201d the plan: it fails'") &&
		!strings.Contains(string(c.Markdown), "title: \"Officials \u201cdoubt\u201d the plan: it fails\"") {
		t.Errorf("derived title not the first sentence:\n%s", c.Markdown)
	}
}

func TestComposeRefuses(t *testing.T) {
	tests := []struct {
		raw  string
		d    Draft
		want error
	}{
		{"Text.", Draft{}, ErrNoDate},
		{"Text.", Draft{Date: day, Source: "javascript:alert(1)"}, ErrFrontMatter},
		{"bad \xff", Draft{Date: day}, ErrInvalidUTF8},
		{"https://only.a/url\n", Draft{Date: day}, ErrEmpty},
		{"", Draft{Date: day}, ErrEmpty},
	}
	for _, tc := range tests {
		if _, err := Compose("-", []byte(tc.raw), tc.d); !errors.Is(err, tc.want) {
			t.Errorf("%q: err = %v, want %v", tc.raw, err, tc.want)
		}
	}
}
