package ingest

import (
	"errors"
	"strings"
	"testing"
	"time"
)

const goodMD = `---
title: "Armenia: a test"
date: 2024-06-14
source: https://example.org/a
author: Jane Doe
publisher: Example News
tags: [Armenia, CSTO]
slug: armenia-test
region: Caucasus
scores: {a: 1}
---
# Armenia Leaves the Bloc

Pashinyan said on *Wednesday* that Armenia
will leave the [CSTO](https://example.org).

<script>alert(1)</script>

- First item &amp; more
- Second \*item\*

` + "```\ncode here\n```\n" + `
<https://example.org/autolink>

https://example.org/bare-url

![a photo](p.jpg) Caption text &rsquo;quoted&rsquo; <b>bold</b>.

Leaders meet in Vilnius. Jane Doe / Reuters

Related article: Envoy Says the
Bloc Failed
`

func TestParseMarkdown(t *testing.T) {
	a, err := Parse("content/a.md", []byte(goodMD), nil, Options{})
	if err != nil {
		t.Fatal(err)
	}
	m := a.Meta
	if m.Title != "Armenia: a test" || m.Source != "https://example.org/a" || m.Author != "Jane Doe" ||
		m.Publisher != "Example News" || strings.Join(m.Tags, ",") != "Armenia,CSTO" || m.Draft || m.Sample {
		t.Errorf("Meta = %+v", m)
	}
	if !m.Date.Equal(day) || m.DateText != "2024-06-14" {
		t.Errorf("Date = %v (%q)", m.Date, m.DateText)
	}
	if m.Extra["region"] != "Caucasus" || m.Extra["scores"] == nil {
		t.Errorf("Extra = %#v", m.Extra)
	}
	if a.Slug != "armenia-test" || a.Format != "markdown" || a.Headline != "Armenia Leaves the Bloc" {
		t.Errorf("Slug %q Format %q Headline %q", a.Slug, a.Format, a.Headline)
	}
	if !strings.HasPrefix(a.Body, "# Armenia") {
		t.Errorf("Body starts %q", a.Body[:20])
	}
	want := "Armenia Leaves the Bloc\n\nPashinyan said on Wednesday that Armenia will leave the CSTO.\n\nFirst item & more\n\nSecond *item*\n\nCaption text 'quoted' bold."
	if a.Text != want {
		t.Errorf("Text =\n%q\nwant\n%q", a.Text, want)
	}
	if got := asides(a); len(got) != 3 || got[0] != "https://example.org/bare-url" ||
		got[1] != "Leaders meet in Vilnius. Jane Doe / Reuters" || got[2] != "Related article: Envoy Says the\nBloc Failed" {
		t.Errorf("SetAside = %q", got)
	}
	// offsets land on the same words in the file, front matter included
	for _, w := range []string{"Pashinyan", "Wednesday", "CSTO", "Second", "Caption"} {
		i := strings.Index(a.Text, w)
		o := a.Offsets.Original(i)
		if got := string(a.Raw[o : o+len(w)]); got != w {
			t.Errorf("%q maps to %q", w, got)
		}
	}
	om := a.Offsets.(*Offsets)
	i := strings.Index(a.Text, "&")
	if s, e := om.Original(i), om.OriginalEnd(i+1); string(a.Raw[s:e]) != "&amp;" {
		t.Errorf("& maps to %q", a.Raw[s:e])
	}
}

func TestParseMarkdownOffsetsEveryWord(t *testing.T) {
	md := "---\ndate: 2024-06-14\n---\n\n## Talks \u201cStall\u201d\n\nOne line\nwrapped, with `code span` and **bold** text.\n\n> A quote\n> over lines.\n\n1. listed\n2. items\n"
	a, err := Parse("b.md", []byte(md), nil, Options{})
	if err != nil {
		t.Fatal(err)
	}
	checkWordsMap(t, a)
	if a.Slug != "b" || a.Text != "Talks \"Stall\"\n\nOne line wrapped, with code span and bold text.\n\nA quote over lines.\n\nlisted\n\nitems" {
		t.Errorf("slug %q Text %q", a.Slug, a.Text)
	}
}

func TestParseMarkdownBOMAndCRLF(t *testing.T) {
	md := "\ufeff---\r\ntitle: T\r\ndate: 2024-06-14\r\n---\r\nLine one\r\nline two.\r\n\r\nNext.\r\n"
	a, err := Parse("c.md", []byte(md), nil, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if a.Meta.Title != "T" || a.Text != "Line one line two.\n\nNext." {
		t.Errorf("Title %q Text %q", a.Meta.Title, a.Text)
	}
	checkWordsMap(t, a)
}

func TestParseDates(t *testing.T) {
	tests := []struct {
		in   string
		want time.Time
	}{
		{"2024-06-14", day},
		{"'2024-06-14'", day},
		{"2024-06-14T09:30:00Z", time.Date(2024, 6, 14, 9, 30, 0, 0, time.UTC)},
		{"2024-06-14T23:30:00-05:00", time.Date(2024, 6, 14, 23, 30, 0, 0, time.FixedZone("", -5*3600))},
	}
	for _, tc := range tests {
		a, err := Parse("d.md", []byte("---\ndate: "+tc.in+"\n---\nText.\n"), nil, Options{})
		if err != nil {
			t.Errorf("%s: %v", tc.in, err)
			continue
		}
		if !a.Meta.Date.Equal(tc.want) || a.Meta.Date.Format("2006-01-02") != "2024-06-14" {
			t.Errorf("%s: Date = %v", tc.in, a.Meta.Date)
		}
	}
}

func TestParseBadInput(t *testing.T) {
	big := Options{MaxBytes: 100}
	tests := []struct {
		name, path, raw string
		opts            Options
		want            error
		line            int
		msg             string
	}{
		{"empty", "a.md", "", Options{}, ErrEmpty, 0, "a.md: empty file"},
		{"blank", "a.txt", " \n\t\n", Options{}, ErrEmpty, 0, "empty"},
		{"NUL", "a.md", "---\ntitle: x\n\x00---\n", Options{}, ErrBinary, 3, "a.md:3: binary"},
		{"invalid UTF-8", "a.txt", "ok\nok\nbad \xff\xfe\n", Options{Date: day}, ErrInvalidUTF8, 3, "a.txt:3: invalid UTF-8"},
		{"too large", "a.txt", strings.Repeat("x", 101), big, ErrTooLarge, 0, "too large"},
		{"no front matter", "a.md", "# Title\n\nBody.", Options{}, ErrNoFrontMatter, 1, "a.md:1: missing front matter"},
		{"toml", "a.md", "+++\ntitle = 'x'\n+++\n", Options{}, ErrNoFrontMatter, 1, "TOML"},
		{"unclosed", "a.md", "---\ntitle: x\ndate: 2024-06-14\n", Options{}, ErrFrontMatter, 1, "never closed"},
		{"malformed yaml", "a.md", "---\ntitle: x\ndate: 2024-06-14\ntags: [a, b\n---\n", Options{}, ErrFrontMatter, 0, "a.md:"},
		{"bad indentation", "a.md", "---\ntitle: x\n  date: 2024-06-14\n---\n", Options{}, ErrFrontMatter, 0, "a.md:"},
		{"not a mapping", "a.md", "---\n- a\n- b\n---\n", Options{}, ErrFrontMatter, 2, "key: value"},
		{"no date", "a.md", "---\ntitle: x\n---\nBody.\n", Options{}, ErrNoDate, 1, "date:"},
		{"bad date", "a.md", "---\ntitle: x\n\ndate: 14 June 2024\n---\n", Options{}, ErrBadDate, 4, "a.md:4: unparseable date"},
		{"zero date", "a.md", "---\ndate: 0000-00-00\n---\n", Options{}, ErrBadDate, 2, "0000-00-00"},
		{"impossible date", "a.md", "---\ndate: 9999-99-99\n---\n", Options{}, ErrBadDate, 2, "9999-99-99"},
		{"year zero", "a.md", "---\ndate: 0000-01-01\n---\n", Options{}, ErrBadDate, 2, "year before 1000"},
		{"duplicate key", "a.md", "---\ndate: 2024-06-14\ntitle: a\ntitle: b\n---\n", Options{}, ErrFrontMatter, 4, "line 3"},
		{"title not scalar", "a.md", "---\ndate: 2024-06-14\ntitle:\n  a: b\n---\n", Options{}, ErrFrontMatter, 3, "title"},
		{"draft not bool", "a.md", "---\ndate: 2024-06-14\ndraft: maybe\n---\n", Options{}, ErrFrontMatter, 3, "true or false"},
		{"javascript source", "a.md", "---\ndate: 2024-06-14\nsource: javascript:alert(1)\n---\n", Options{}, ErrFrontMatter, 3, "http"},
		{"alias", "a.md", "---\ndate: &d 2024-06-14\ntitle: *d\n---\n", Options{}, ErrFrontMatter, 3, "aliases"},
		{"slug path", "a.md", "---\ndate: 2024-06-14\nslug: ../../etc/passwd\n---\n", Options{}, ErrUnsafeSlug, 3, "a.md:3:"},
		{"slug absolute", "a.md", "---\ndate: 2024-06-14\nslug: /tmp/x\n---\n", Options{}, ErrUnsafeSlug, 3, "is a path"},
		{"slug uppercase", "a.md", "---\ndate: 2024-06-14\nslug: Hello World\n---\n", Options{}, ErrUnsafeSlug, 3, "a-z"},
		{"text without date", "seeds/a.txt", "Some text.", Options{}, ErrNoDate, 0, "a.yaml"},
		{"unknown type", "a.html", "<p>x</p>", Options{}, ErrFormat, 0, ".html"},
		{"no slug from name", "content/---.md", "---\ndate: 2024-06-14\n---\nx", Options{}, ErrUnsafeSlug, 0, "slug"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse(tc.path, []byte(tc.raw), nil, tc.opts)
			var ie *Error
			if !errors.As(err, &ie) {
				t.Fatalf("err = %v (%T), want *Error", err, err)
			}
			if !errors.Is(err, tc.want) {
				t.Errorf("err = %v, want %v", err, tc.want)
			}
			if tc.line > 0 && ie.Line != tc.line {
				t.Errorf("line = %d, want %d (%v)", ie.Line, tc.line, err)
			}
			if ie.Path != tc.path || !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("err = %q, want path %q and %q", err, tc.path, tc.msg)
			}
		})
	}
}

func TestParseYAMLErrorLine(t *testing.T) {
	_, err := Parse("a.md", []byte("---\ntitle: ok\ndate: 2024-06-14\ntags: [a, b\nauthor: x\n---\n"), nil, Options{})
	var ie *Error
	if !errors.As(err, &ie) || ie.Line < 4 || ie.Line > 6 {
		t.Errorf("err = %v: want a line inside the front matter at or after the broken tags", err)
	}
}

func TestParseSidecar(t *testing.T) {
	side := []byte("# the sidecar\ntitle: Seed\ndate: 2024-06-14\nauthor: A\nsample: true\nextra_key: 3\n")
	a, err := Parse("seeds/x.txt", []byte("Body text."), side, Options{Date: time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	if a.Meta.Title != "Seed" || !a.Meta.Date.Equal(day) || !a.Meta.Sample || a.Meta.Extra["extra_key"] == nil || a.Format != "text" || a.Slug != "x" {
		t.Errorf("Article = %+v", a)
	}
	_, err = Parse("seeds/x.txt", []byte("Body."), []byte("title: a\ndate: June\n"), Options{})
	var ie *Error
	if !errors.As(err, &ie) || ie.Path != "seeds/x.yaml" || ie.Line != 2 || !errors.Is(err, ErrBadDate) {
		t.Errorf("sidecar error = %v, want seeds/x.yaml:2 unparseable date", err)
	}
}

func TestParseSidecarWithoutDate(t *testing.T) {
	_, err := Parse("seeds/x.txt", []byte("Body."), []byte("title: a\n"), Options{})
	if !errors.Is(err, ErrNoDate) || !strings.HasPrefix(err.Error(), "seeds/x.yaml:1: no publication date: the sidecar needs date:") {
		t.Errorf("err = %v", err)
	}
}

func TestParseDateFromOptions(t *testing.T) {
	a, err := Parse("-", []byte("Pasted text."), nil, Options{Date: day})
	if err != nil || !a.Meta.Date.Equal(day) || a.Meta.DateText != "2024-06-14" {
		t.Errorf("a = %+v, err = %v", a.Meta, err)
	}
}

func TestErrorFormat(t *testing.T) {
	e := &Error{Path: "content/a.md", Line: 7, Err: ErrBadDate}
	if e.Error() != "content/a.md:7: unparseable date" {
		t.Errorf("Error() = %q", e.Error())
	}
	e.Line = 0
	if e.Error() != "content/a.md: unparseable date" {
		t.Errorf("Error() = %q", e.Error())
	}
}

func TestSlugify(t *testing.T) {
	tests := map[string]string{
		"000_3439a67832322a1f":   "000-3439a67832322a1f",
		"Hello, World!":          "hello-world",
		"Ça va à Zürich":         "ca-va-a-zurich",
		"  --x--  ":              "x",
		"Ереван":                 "",
		"a very long title here": "a-very",
	}
	for in, want := range tests {
		max := 0
		if strings.HasPrefix(in, "a very") {
			max = 8
		}
		if got := Slugify(in, max); got != want {
			t.Errorf("Slugify(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestParseConcurrently: a build may parse articles in parallel (run with -race).
func TestParseConcurrently(t *testing.T) {
	done := make(chan string)
	for i := 0; i < 8; i++ {
		go func() {
			a, err := Parse("content/a.md", []byte(goodMD), nil, Options{})
			if err != nil {
				done <- err.Error()
				return
			}
			b, _ := Parse("x.txt", []byte("A long-\nterm plan.\n\nhttps://x.org\n\nMore."), nil, Options{Date: day})
			done <- a.Text + b.Text
		}()
	}
	first := <-done
	for i := 1; i < 8; i++ {
		if got := <-done; got != first {
			t.Errorf("concurrent parses differ:\n%q\n%q", got, first)
		}
	}
}
