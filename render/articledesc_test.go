package render

import (
	"html"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/newsline/timeline/timeline"
	"github.com/newsline/timeline/timeline/ingest"
)

var metaDescriptionRe = regexp.MustCompile(`<meta name="description" content="([^"]*)">`)

// pageDescription is the page's <meta name="description">, unescaped.
func pageDescription(t *testing.T, page string) string {
	t.Helper()
	m := metaDescriptionRe.FindAllStringSubmatch(page, -1)
	if len(m) != 1 {
		t.Fatalf("%d description meta tags, want 1", len(m))
	}
	return html.UnescapeString(m[0][1])
}

// TestArticleDescription: an article page describes the article (its front
// matter description or summary, else its lead sentence), not the site.
func TestArticleDescription(t *testing.T) {
	longLead := "The harbour board of Vellmar voted on Tuesday to close the old " +
		"ferry pier, which has carried passengers between the island and the " +
		"mainland for more than ninety years, after inspectors found its pilings rotten. " +
		"The mayor, Ilse Brandt, called it a sad day."
	files := map[string]string{
		"content/desc.md": "---\ntitle: Bridge vote\ndate: 2024-03-05\n" +
			"description: \"Councillors in <Darnow> & \\\"Old Town\\\" back a new bridge\"\n" +
			"summary: Not this one.\n---\n\nThe council of Darnow voted on Monday. It was close.\n",
		"content/summary.md": "---\ntitle: Rail strike\ndate: 2024-03-06\nsummary: |\n  Drivers on the Kessel line\n  stop work for two days.\n---\n\n" +
			"Train drivers in Kessel walked out on Wednesday.\n",
		"content/lead.md": "---\ntitle: Pier closes\ndate: 2024-03-07\n---\n\n# Pier closes after 90 years\n\n## Background\n\n" +
			longLead + "\n",
		"content/short.md": "---\ntitle: Library\ndate: 2024-03-08\n---\n\nVellmar's library reopened on Friday after a flood. Readers queued.\n",
	}
	var tl timeline.Timeline
	for _, p := range []string{"content/desc.md", "content/summary.md", "content/lead.md", "content/short.md"} {
		a, err := ingest.Parse(p, []byte(files[p]), nil, ingest.Options{})
		if err != nil {
			t.Fatal(err)
		}
		tl.Articles = append(tl.Articles, a)
	}
	site := build(t, tl, Config{Title: "Vellmar news", Description: "The site's own description."})
	for _, c := range []struct{ slug, want string }{
		{"desc", `Councillors in <Darnow> & "Old Town" back a new bridge`},
		{"summary", "Drivers on the Kessel line stop work for two days."},
		{"short", "Vellmar's library reopened on Friday after a flood."},
	} {
		page := site["articles/"+c.slug+"/index.html"]
		if got := pageDescription(t, page); got != c.want {
			t.Errorf("%s: description %q, want %q", c.slug, got, c.want)
		}
	}
	got := pageDescription(t, site["articles/lead/index.html"])
	if n := utf8.RuneCountInString(got); n > maxDescription || !strings.HasSuffix(got, "…") ||
		!strings.HasPrefix(longLead, strings.TrimSuffix(got, "…")) || !strings.HasPrefix(got, "The harbour board of Vellmar voted") {
		t.Errorf("lead: description %q (%d characters), want the lead sentence cut at a word within %d", got, n, maxDescription)
	}
	if strings.HasSuffix(strings.TrimSuffix(got, "…"), " ") || strings.Contains(longLead, strings.TrimSuffix(got, "…")+"t") {
		t.Errorf("lead: description %q is not cut at a word boundary", got)
	}
	if got := pageDescription(t, site["index.html"]); got != "The site's own description." {
		t.Errorf("timeline page: description %q, want the site's", got)
	}
	if page := site["articles/desc/index.html"]; strings.Contains(page, "<Darnow>") {
		t.Error("the front matter description is not escaped")
	}
}

func TestTrimDescription(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"  A  short\n\tone. ", "A short one."},
		{strings.Repeat("word ", 40), strings.TrimSpace(strings.Repeat("word ", 31)) + "…"},
		{strings.Repeat("x", 200), strings.Repeat("x", maxDescription-1) + "…"},
		{"a\x00b\u0085c", "ab c"},
	} {
		if got := trimDescription(c.in); got != c.want {
			t.Errorf("trimDescription(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// TestSidecarDescriptionChangesTheKey: a description given in a sidecar is
// not in the article's file, yet its page shows it: the page's Key follows it.
func TestSidecarDescriptionChangesTheKey(t *testing.T) {
	a := timeline.Article{Path: "seeds/a.txt", Slug: "a", Format: "text", Raw: []byte("Text."), Body: "Text.", Text: "Text."}
	b := a
	b.Meta.Extra = map[string]any{"description": "A sidecar's description."}
	k := borrowKeyWriter()
	defer returnKeyWriter(k)
	if contentDigest(k, &a) == contentDigest(k, &b) {
		t.Error("the description does not change the article's content digest")
	}
}
