package render

import (
	"fmt"
	"hash/maphash"
	"math/rand"
	"testing"

	"github.com/newsline/timeline/timeline"
)

// TestSlugTableFindsAsAMap: the table gives every slug's index, and -1 for
// strings no article has (prefixes, extensions, near misses, the empty
// string), as a map by slug does, at sizes around the table's growth steps.
func TestSlugTableFindsAsAMap(t *testing.T) {
	r := rand.New(rand.NewSource(7))
	for _, n := range []int{0, 1, 2, 7, 8, 9, 100, 1000, 5000} {
		var articles []timeline.Article
		want := map[string]int{}
		for len(articles) < n {
			slug := fmt.Sprintf("a-%x", r.Intn(4*n+10))
			if r.Intn(4) == 0 {
				slug += fmt.Sprintf("-%d", r.Intn(100))
			}
			if _, dup := want[slug]; dup {
				continue
			}
			want[slug] = len(articles)
			articles = append(articles, timeline.Article{Slug: slug})
		}
		tab := newSlugTable(articles)
		probes := []string{"", "a", "a-", "x"}
		for slug := range want {
			probes = append(probes, slug, slug[:len(slug)-1], slug+"0", slug+"-", "b"+slug[1:])
		}
		for k := 0; k < 200; k++ {
			probes = append(probes, fmt.Sprintf("a-%x", r.Intn(8*n+10)))
		}
		for _, p := range probes {
			w, ok := want[p]
			if !ok {
				w = -1
			}
			if got := tab.find(p); got != w {
				t.Fatalf("%d articles: find(%q) = %d, want %d", n, p, got, w)
			}
		}
		// Every slot's 32 bits of hash made the probe's: only the slugs
		// themselves tell the articles apart, as on a collision.
		if n > 100 {
			continue
		}
		for _, p := range probes {
			w, ok := want[p]
			if !ok {
				w = -1
			}
			tag := uint32(maphash.String(tab.seed, p) >> 32)
			for k := range tab.slots {
				if tab.slots[k].at != 0 {
					tab.slots[k].tag = tag
				}
			}
			if got := tab.find(p); got != w {
				t.Fatalf("%d articles, every tag colliding: find(%q) = %d, want %d", n, p, got, w)
			}
		}
	}
}
