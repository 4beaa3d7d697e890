package render

import (
	"bytes"
	"strings"
	"testing"

	"github.com/newsline/timeline/timeline"
)

// A redirect stub: relative links to the new page, a canonical link only
// when the base URL is known, noindex, no script, and the new event's title
// (an editor's or an article's text) escaped.
func TestRedirectPage(t *testing.T) {
	to := timeline.Event{ID: "b0b0b0b0b0", Title: `Storvik <script>alert(1)</script> "bridge" & co`}
	for _, base := range []string{"", "https://news.example/storvik/"} {
		p, err := RedirectPage(Config{Title: "Storvik <timeline>", BaseURL: base}, "a0a0a0a0a0", to)
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		if err := p.Render(&b); err != nil {
			t.Fatal(err)
		}
		page := b.String()
		if p.Path != "events/a0a0a0a0a0/index.html" {
			t.Errorf("path %q", p.Path)
		}
		for _, want := range []string{
			`<meta http-equiv="refresh" content="0; url=../b0b0b0b0b0/index.html">`,
			`This event moved to <a href="../b0b0b0b0b0/index.html">Storvik &lt;script&gt;alert(1)&lt;/script&gt; &#34;bridge&#34; &amp; co</a>`,
			`<meta name="robots" content="noindex">`,
			`<title>Storvik &lt;script&gt;alert(1)&lt;/script&gt; &#34;bridge&#34; &amp; co · Storvik &lt;timeline&gt;</title>`,
			`<html lang="en">`,
		} {
			if !strings.Contains(page, want) {
				t.Errorf("base %q: no %s in\n%s", base, want, page)
			}
		}
		canonical := strings.Contains(page, `<link rel="canonical" href="https://news.example/storvik/events/b0b0b0b0b0/">`)
		if canonical != (base != "") || strings.Count(page, "canonical") != map[bool]int{true: 1}[base != ""] {
			t.Errorf("base %q: canonical link %v in\n%s", base, canonical, page)
		}
		if strings.Contains(page, "<script") {
			t.Errorf("base %q: a script in\n%s", base, page)
		}
		q, _ := RedirectPage(Config{Title: "Storvik <timeline>", BaseURL: base}, "a0a0a0a0a0", timeline.Event{ID: to.ID, Title: "Other"})
		if q.Key == p.Key {
			t.Errorf("base %q: the Key does not change with the title", base)
		}
	}
}
