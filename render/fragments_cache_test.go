package render

import (
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// memFragments is a FragmentCache in memory that counts its hits.
type memFragments struct {
	mu         sync.Mutex
	m          map[string][]byte
	hits, puts int
}

func (c *memFragments) Get(key string) ([]byte, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	b, ok := c.m[key]
	if ok {
		c.hits++
	}
	return b, ok
}

func (c *memFragments) Put(key string, b []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = map[string][]byte{}
	}
	c.m[key] = b
	c.puts++
}

// TestFragmentCacheKeepsBytes: the site built with a fragment cache (cold,
// then warm from an earlier build of other content) is byte-identical to
// the site built without one, page Keys included, with and without a base
// URL; a warm cache is actually used, and its keys have the documented form.
func TestFragmentCacheKeepsBytes(t *testing.T) {
	for _, base := range []string{"", "https://school.example/history/"} {
		cache := &memFragments{}
		old := synthetic(t, 300)
		cfg := Config{Title: "Fragments", BaseURL: base}
		cached := cfg
		cached.Fragments = cache
		build(t, old, cached) // fills the cache
		if cache.puts == 0 {
			t.Fatalf("base %q: nothing was put in the fragment cache", base)
		}
		for k := range cache.m {
			kind, sum, ok := strings.Cut(k, "/")
			if !ok || !slices.Contains([]string{"ics", "csv", "tljs"}, kind) || len(sum) != 48 {
				t.Errorf("fragment key %q is not <export>/<48 hex digits>", k)
			}
		}
		// New content: a newer article (so a new build date in every VEVENT),
		// a retitled event and a new one.
		tl := withNewArticle(t, old)
		tl.Events[5].Title = "A retitled event"
		tl.Articles[len(tl.Articles)-1].Meta.Date = time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)
		hits := cache.hits
		want := build(t, tl, cfg)
		got := build(t, tl, cached)
		if cache.hits-hits < 3*250 {
			t.Errorf("base %q: only %d fragment hits on a rebuild of 300 events", base, cache.hits-hits)
		}
		for p, data := range want {
			if got[p] != data {
				t.Errorf("base %q: %s differs with the fragment cache", base, p)
			}
		}
		plain, err := Plan(tl, cfg)
		if err != nil {
			t.Fatal(err)
		}
		withCache, err := Plan(tl, cached)
		if err != nil {
			t.Fatal(err)
		}
		for i := range plain {
			if plain[i].Key != withCache[i].Key {
				t.Errorf("%s: Key depends on the fragment cache", plain[i].Path)
			}
		}
	}
}

// TestFragmentCacheSeesSourceChanges: a cited article's new title reaches the
// cached fragments of the events citing it.
func TestFragmentCacheSeesSourceChanges(t *testing.T) {
	cache := &memFragments{}
	cfg := Config{Title: "Fragments", Fragments: cache}
	tl := fixture(t)
	build(t, tl, cfg)
	tl.Articles = slices.Clone(tl.Articles)
	tl.Articles[0].Headline = "A brand new headline"
	got := build(t, tl, cfg)
	for _, p := range []string{"events.ics", "events.csv", "timeline.json"} {
		if !strings.Contains(got[p], "brand new headline") {
			t.Errorf("%s keeps the old article title from the fragment cache", p)
		}
	}
	want := build(t, tl, Config{Title: "Fragments"})
	for p := range want {
		if got[p] != want[p] {
			t.Errorf("%s differs with the fragment cache", p)
		}
	}
}
