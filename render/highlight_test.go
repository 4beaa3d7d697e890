package render

import (
	"slices"
	"strings"
	"testing"

	"github.com/newsline/timeline/timeline"
)

// TestExpressionDatingTwoEventsLinksToTheFirst: an expression of an article
// that dates two events is marked once, linking to the first of them in
// timeline order (whatever their IDs), in the page and in its Key.
func TestExpressionDatingTwoEventsLinksToTheFirst(t *testing.T) {
	for _, before := range []bool{true, false} {
		tl := fixture(t)
		at := slices.IndexFunc(tl.Events, func(ev timeline.Event) bool { return ev.ID == "pashinyan-2024" })
		twin := tl.Events[at]
		twin.ID, twin.Title = "a-twin", "The same day, another event"
		twin.Mentions = []timeline.Mention{twin.Mentions[1]} // the Markdown article's "12 June 2024"
		want := "pashinyan-2024"
		if before {
			tl.Events = slices.Insert(tl.Events, at, twin)
			want = "a-twin"
		} else {
			tl.Events = slices.Insert(tl.Events, at+1, twin)
		}
		page := renderAll(t, tl, Config{Title: "T"})["articles/hostile/index.html"]
		other := map[string]string{"a-twin": "pashinyan-2024", "pashinyan-2024": "a-twin"}[want]
		marks := markedLinks(page)
		if strings.Count(marks, "events/"+want+"/index.html") != 1 || strings.Contains(marks, "events/"+other+"/") {
			t.Errorf("twin before=%v: the marks link to %q, want %s once and never %s", before, marks, want, other)
		}
	}
}

// markedLinks returns the <mark> elements of a page with what they wrap.
func markedLinks(page string) string {
	var b strings.Builder
	for rest := page; ; {
		i := strings.Index(rest, "<mark")
		if i < 0 {
			return b.String()
		}
		j := strings.Index(rest[i:], "</mark>")
		if j < 0 {
			return b.String()
		}
		b.WriteString(rest[i : i+j])
		rest = rest[i+j:]
	}
}
