package export

import (
	"bytes"
	"fmt"
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

// A fragment key made from a 16-byte event digest (masked by its context,
// fragmentContextWith) differs with the export's kind and the fragment's
// extra, whichever was asked for last, and within one context two events'
// keys are equal only when their digests are.
func TestMaskedFragmentKeysFollowKindAndExtra(t *testing.T) {
	digests := [][]byte{[]byte("0123456789abcdef"), []byte("0123456789abcdeg"), []byte("1123456789abcdef")}
	s := Site{BaseURL: "https://x.example/", EventURLPattern: "events/{ID}/", EventDigest: func(i int) []byte { return digests[i] },
		EventURL: func(e timeline.Event) string { return "events/" + e.ID + "/" }}
	p, err := prepare(s, timeline.Timeline{})
	if err != nil {
		t.Fatal(err)
	}
	ev := timeline.Event{ID: "abc"}
	seen := map[[16]byte]string{}
	r := rand.New(rand.NewSource(7))
	for round := 0; round < 200; round++ {
		kind := []string{"ics", "csv", "tljs"}[r.Intn(3)]
		extra := []string{"", ",", "x.example", "ev-abc,"}[r.Intn(4)]
		i := r.Intn(len(digests))
		what := fmt.Sprintf("%s %q digest %d", kind, extra, i)
		k := p.spliceKey(kind, i, &ev, extra)
		if prev, ok := seen[k]; ok && prev != what {
			t.Fatalf("%s and %s share a key", what, prev)
		}
		seen[k] = what
	}
	if len(seen) != 3*4*len(digests) {
		t.Errorf("%d distinct keys, want %d", len(seen), 3*4*len(digests))
	}
}
