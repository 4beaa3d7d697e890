package render

import (
	"bytes"
	"testing"
)

// renderSame reports whether two pages render the same bytes (fails t when
// either cannot render).
func renderSame(t *testing.T, a, b Page) bool {
	t.Helper()
	var x, y bytes.Buffer
	if err := a.Render(&x); err != nil {
		t.Fatal(err)
	}
	if err := b.Render(&y); err != nil {
		t.Fatal(err)
	}
	return bytes.Equal(x.Bytes(), y.Bytes())
}

// TestArticleTextEditKeepsSiteWidePages: blank lines appended to an
// article (no event changes) change its own page's Key and no other: the
// exports, the timeline and embed pages and search.js keep theirs, and so
// their bytes (checked), so a build does not rewrite them.
func TestArticleTextEditKeepsSiteWidePages(t *testing.T) {
	for _, cfg := range []Config{{Title: "Armenia"}, {Title: "Armenia", BaseURL: "https://school.example/a/"}} {
		before, err := Plan(fixture(t), cfg)
		if err != nil {
			t.Fatal(err)
		}
		tl := fixture(t)
		a := &tl.Articles[0]
		a.Raw, a.Body, a.Text = append(a.Raw, "\n\n"...), a.Body+"\n\n", a.Text+"\n\n"
		after, err := Plan(tl, cfg)
		if err != nil {
			t.Fatal(err)
		}
		if len(before) != len(after) {
			t.Fatalf("%d pages, then %d", len(before), len(after))
		}
		own := "articles/" + a.Slug + "/index.html"
		seen := map[string]bool{}
		for i := range before {
			p := before[i].Path
			seen[p] = true
			if p == own {
				if before[i].Key == after[i].Key {
					t.Errorf("%s: Key did not change with its text", p)
				}
				continue
			}
			if before[i].Key != after[i].Key {
				t.Errorf("%s: Key changed with another article's blank lines", p)
				continue
			}
			if !renderSame(t, before[i], after[i]) {
				t.Errorf("%s: same Key but different bytes", p)
			}
		}
		for _, p := range []string{own, "timeline.json", "events.ics", "events.csv", "feed.atom", "index.html", "search.js"} {
			if !seen[p] {
				t.Errorf("no page %s", p)
			}
		}
	}
}
