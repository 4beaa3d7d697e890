package export

import (
	"bytes"
	"math/rand"
	"strings"
	"testing"

	"github.com/newsline/timeline/internal/bytediff"
	"github.com/newsline/timeline/timeline"
)

// With EventURLPattern set, a fragment key still changes with everything the
// event's URL is made of: the pattern, the ID and the base URL.
func TestFragmentKeysFollowTheEventURLPattern(t *testing.T) {
	ev := timeline.Event{ID: "abc", Title: "An event"}
	key := func(base, pattern, id string) [16]byte {
		// The digest covers the ID, as Site.EventDigest says.
		digest := []byte(("0123456789abcdef" + id)[len(id):])
		s := Site{BaseURL: base, EventURLPattern: pattern, EventDigest: func(int) []byte { return digest },
			EventURL: func(e timeline.Event) string { return strings.ReplaceAll(pattern, "{ID}", e.ID) }}
		p, err := prepare(s, timeline.Timeline{})
		if err != nil {
			t.Fatal(err)
		}
		e := ev
		e.ID = id
		return p.spliceKey("ics", 0, &e, "")
	}
	base := key("", "events/{ID}/index.html", "abc")
	for name, other := range map[string][16]byte{
		"another pattern":  key("", "events/{ID}/", "abc"),
		"another ID":       key("", "events/{ID}/index.html", "abd"),
		"another base URL": key("https://x.example/", "events/{ID}/index.html", "abc"),
	} {
		if other == base {
			t.Errorf("%s: same fragment key", name)
		}
	}
	if key("", "events/{ID}/index.html", "abc") != base {
		t.Error("the same inputs gave two keys")
	}
}

// Every export that names an event's sources (the feed, events.ics,
// events.csv, timeline.json) is the same when the cited articles come from
// CitedArticle instead of slug lookups.
func TestExportsWithCitedArticleIndexes(t *testing.T) {
	exports := map[string]func(timeline.Timeline, Site) ([]byte, error){
		"feed.atom": Atom, "events.ics": ICS, "events.csv": CSV, "timeline.json": TimelineJS}
	for seed := int64(1); seed <= 20; seed++ {
		r := rand.New(rand.NewSource(seed))
		tl := randomTimeline(r, 30+r.Intn(300))
		bySlug := map[string]int{}
		for k, a := range tl.Articles {
			if _, dup := bySlug[a.Slug]; !dup {
				bySlug[a.Slug] = k
			}
		}
		for name, export := range exports {
			s := absoluteSite()
			want, err := export(tl, s)
			if err != nil {
				t.Fatal(err)
			}
			s.CitedArticle = func(i, j int) int {
				if k, ok := bySlug[tl.Events[i].Mentions[j].Article]; ok {
					return k
				}
				return -1
			}
			got, err := export(tl, s)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Fatalf("seed %d: %s differs with CitedArticle:\n%s", seed, name, bytediff.First(got, want))
			}
		}
	}
}
