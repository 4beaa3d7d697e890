package site

import (
	"fmt"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/spf13/afero"

	"github.com/newsline/timeline/internal/newscorpus"
	"github.com/newsline/timeline/timeline"
	"github.com/newsline/timeline/timeline/events"
)

// front is what the stages before the merge give (runFront).
type front struct {
	x      extraction
	errs   []error
	parsed int
	cache  *extractCache
}

// runFront runs the cache, load and extract stages as a build does with the
// caches (loadRecalling, extractLazily), the pack flushed after every event
// was asked for.
func runFront(t *testing.T, fs afero.Fs, opts Options) front {
	t.Helper()
	o := opts.withDefaults()
	start := time.Now()
	cache := openExtractCache(fs, o.CacheDir, o.Version, !o.NoCache, o.MapCache)
	dirs := []string{o.ContentDir}
	if ok, _ := afero.DirExists(fs, o.SeedsDir); ok && o.SeedsDir != "-" {
		dirs = append(dirs, o.SeedsDir)
	}
	var parsed atomic.Int64
	arts, errs := loadRecalling(fs, dirs, o.Date, cache, o.Version, start, o.Workers, &parsed, nil)
	x := extractLazily(arts, o, cache)
	x.allEvents(o.Workers)
	late, _ := x.lateIssues()
	if err := cache.flush(); err != nil {
		t.Fatal(err)
	}
	return front{x: x, errs: append(append(errs, x.errs...), late...), parsed: int(parsed.Load()), cache: cache}
}

// corpusSite writes n generated articles, modified an hour ago.
func corpusSite(t *testing.T, fs afero.Fs, root string, n int) Options {
	t.Helper()
	c := newscorpus.New(8)
	old := time.Now().Add(-time.Hour)
	for i := 0; i < n; i++ {
		name := fmt.Sprintf("%scontent/a%02d.md", root, i)
		writeFiles(t, fs, map[string]string{name: string(c.Article(i))})
		if err := fs.Chtimes(name, old, old); err != nil {
			t.Fatal(err)
		}
	}
	return Options{ContentDir: root + "content", SeedsDir: "-", OutDir: root + "public", CacheDir: root + "cache", Version: "front-test", Workers: 3}
}

// The lazy extraction gives, article by article, the events the eager one
// gives, whether they were extracted this build or come from the cache, and
// the keys are the articles' extraction keys.
func TestLazyAndEagerExtractionGiveTheSameEvents(t *testing.T) {
	fs := afero.NewMemMapFs()
	opts := corpusSite(t, fs, "", 12).withDefaults()
	arts, errs := loadArticles(fs, []string{opts.ContentDir}, time.Time{})
	if len(errs) > 0 || len(arts) != 12 {
		t.Fatalf("%d articles, %v", len(arts), errs)
	}
	var want [][]timeline.Event
	for _, a := range arts {
		want = append(want, events.Extract(a))
	}
	for _, pass := range []string{"fresh", "cached"} {
		for _, lazy := range []bool{false, true} {
			cache := openExtractCache(fs, opts.CacheDir, opts.Version, true, false)
			var x extraction
			if lazy {
				x = extractLazily(arts, opts, cache)
			} else {
				x = extractAll(arts, opts, cache)
			}
			if pass == "cached" && (x.hits != 12 || x.fresh != 0) {
				t.Errorf("%s, lazy %v: %d hits, %d fresh; want all hits", pass, lazy, x.hits, x.fresh)
			}
			for i := range arts {
				if x.keys[i] != articleKey(opts.Version, arts[i]) {
					t.Errorf("%s, lazy %v: article %d has a wrong key", pass, lazy, i)
				}
				if got := x.eventsOf(i); !reflect.DeepEqual(got, want[i]) && !(len(got) == 0 && len(want[i]) == 0) {
					t.Errorf("%s, lazy %v: article %d: events differ from the extractor's", pass, lazy, i)
				}
			}
			if all := x.allEvents(2); len(all) != 12 || !reflect.DeepEqual(all[5], x.eventsOf(5)) {
				t.Errorf("%s, lazy %v: allEvents differs from eventsOf", pass, lazy)
			}
			if err := cache.flush(); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// A cached article's events are decoded once, on the first ask, however many
// goroutines ask at once; those nobody asks for stay encoded.
func TestLazyEventsAreDecodedOnceOnDemand(t *testing.T) {
	fs := afero.NewMemMapFs()
	opts := corpusSite(t, fs, "", 6)
	runFront(t, fs, opts)
	o := opts.withDefaults()
	arts, _ := loadArticles(fs, []string{o.ContentDir}, time.Time{})
	x := extractLazily(arts, o, openExtractCache(fs, o.CacheDir, o.Version, true, false))
	if x.hits != 6 {
		t.Fatalf("%d hits, want 6", x.hits)
	}
	got := make([][]timeline.Event, 16)
	var wg sync.WaitGroup
	for g := range got {
		wg.Add(1)
		go func() { defer wg.Done(); got[g] = x.eventsOf(2) }()
	}
	wg.Wait()
	for g := range got {
		if len(got[g]) == 0 || &got[g][0] != &got[0][0] {
			t.Fatalf("goroutine %d got another decoding of article 2's events (or none)", g)
		}
	}
	for i := range x.lazy.slots {
		s := &x.lazy.slots[i]
		if decoded := !s.cached || s.rec.enc() == ""; decoded != (i == 2) {
			t.Errorf("article %d: decoded %v, want only article 2 decoded", i, decoded)
		}
	}
}

// lazyCorpus is a three-article site extracted once into its cache, with
// the lazy extraction of that build.
func lazyCorpus(t *testing.T) (afero.Fs, Options, []timeline.Article, *extractCache, extraction) {
	fs := afero.NewMemMapFs()
	opts := corpusSite(t, fs, "", 3)
	o := opts.withDefaults()
	arts, _ := loadArticles(fs, []string{o.ContentDir}, time.Time{})
	cache := openExtractCache(fs, o.CacheDir, o.Version, true, false)
	return fs, o, arts, cache, extractLazily(arts, o, cache)
}

// A cached record that passes its checksum but does not decode is found only
// when its events are asked for: the article is extracted again, a warning
// says so, and the pack, flushed afterwards, holds the good record.
func TestLazyUndecodableRecordIsExtractedAgain(t *testing.T) {
	fs, o, arts, cache, x := lazyCorpus(t)
	want := x.eventsOf(1)
	cache.putRecord(x.keys[1], "\xff\xff\xff") // appended after the good one: it wins
	if err := cache.flush(); err != nil {
		t.Fatal(err)
	}

	cache = openExtractCache(fs, o.CacheDir, o.Version, true, false)
	x = extractLazily(arts, o, cache)
	if x.hits != 3 || len(x.warnings) != 0 {
		t.Fatalf("%d hits, warnings %v; want 3 and none before decoding", x.hits, x.warnings)
	}
	if got := x.eventsOf(1); !reflect.DeepEqual(got, want) {
		t.Error("the article extracted again has other events")
	}
	errs, warns := x.lateIssues()
	if len(errs) != 0 || len(warns) != 1 {
		t.Errorf("late errors %v, warnings %v; want one warning", errs, warns)
	}
	if err := cache.flush(); err != nil {
		t.Fatal(err)
	}
	x = extractLazily(arts, o, openExtractCache(fs, o.CacheDir, o.Version, true, false))
	if got := x.eventsOf(1); !reflect.DeepEqual(got, want) || x.hits != 3 {
		t.Errorf("after the flush: %d hits, events equal %v", x.hits, reflect.DeepEqual(got, want))
	}
	if _, warns := x.lateIssues(); len(warns) != 0 {
		t.Errorf("after the flush: warnings %v", warns)
	}
}

// damageRecord flips a byte in the payload of key's record in the pack file.
func damageRecord(t *testing.T, fs afero.Fs, o Options, key [32]byte) {
	t.Helper()
	c := openExtractCache(fs, o.CacheDir, o.Version, true, false)
	e, ok := c.entry(key)
	if !ok || len(e.enc()) == 0 {
		t.Fatal("no record to damage")
	}
	data, err := afero.ReadFile(fs, c.file)
	if err != nil {
		t.Fatal(err)
	}
	at := strings.Index(string(data), e.enc()) + len(e.enc())/2
	data[at] ^= 0x5a
	if err := afero.WriteFile(fs, c.file, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// CRCs are checked when a record is used: a damaged events record is a hit
// until its events are asked for, then the article is extracted again with a
// warning; a damaged parsed form is read again. A record used but never
// checked is not copied into a compacted pack with a new, sound CRC.
func TestDamagedRecordsAreFoundWhenUsed(t *testing.T) {
	fs := afero.NewMemMapFs()
	opts := corpusSite(t, fs, "", 5)
	first := runFront(t, fs, opts)
	o := opts.withDefaults()
	damageRecord(t, fs, o, first.x.keys[1]) // events, decoded below
	damageRecord(t, fs, o, first.x.keys[3]) // events, never decoded
	damageRecord(t, fs, o, (&fileMemo{version: o.Version}).fileKey("content/a02.md"))

	cache := openExtractCache(fs, o.CacheDir, o.Version, true, false)
	if len(cache.warnings) != 0 {
		t.Fatalf("opening warned %v: CRCs are checked on use", cache.warnings)
	}
	var parsed atomic.Int64
	arts, errs := loadRecalling(fs, []string{o.ContentDir}, o.Date, cache, o.Version, time.Now(), o.Workers, &parsed, nil)
	x := extractLazily(arts, o, cache)
	if len(errs) != 0 || parsed.Load() != 0 || x.hits != 5 || len(x.warnings) != 1 || !strings.Contains(x.warnings[0], "1 record(s) failed their checksum") {
		t.Fatalf("errors %v, parsed %d, %d hits, warnings %v; want a02 read again (parsed form cached), 5 hits, one warning", errs, parsed.Load(), x.hits, x.warnings)
	}
	if got := x.eventsOf(1); !reflect.DeepEqual(got, first.x.eventsOf(1)) {
		t.Error("article 1's events differ after extracting it again")
	}
	if _, warns := x.lateIssues(); len(warns) != 1 || !strings.Contains(warns[0], "1 record(s) failed") {
		t.Errorf("late warnings %v, want one for article 1's record", warns)
	}
	if err := cache.flush(); err != nil { // compacts: records were damaged
		t.Fatal(err)
	}
	again := openExtractCache(fs, o.CacheDir, o.Version, true, false)
	if e, ok := again.entry(first.x.keys[3]); ok && e.sound(first.x.keys[3]) {
		t.Error("the damaged record nobody decoded was copied with a sound CRC")
	}
	if e, ok := again.entry(first.x.keys[1]); !ok || !e.sound(first.x.keys[1]) {
		t.Error("article 1's record was not replaced")
	}
	got := runFront(t, fs, opts)
	checkFrontAsNoCache(t, fs, opts, got, "after damage")
}

// Events decoded after the cache was flushed (a build that flushes before
// merging) still come out right; the replacement record is dropped, not
// written into a closed pack, and the next build extracts the article again.
func TestLazyDecodingAfterTheFlush(t *testing.T) {
	fs, o, arts, cache, x := lazyCorpus(t)
	want := x.eventsOf(2)
	cache.putRecord(x.keys[2], "\xff\xff")
	if err := cache.flush(); err != nil {
		t.Fatal(err)
	}
	for round := 0; round < 2; round++ {
		cache = openExtractCache(fs, o.CacheDir, o.Version, true, false)
		x = extractLazily(arts, o, cache)
		if err := cache.flush(); err != nil {
			t.Fatal(err)
		}
		if got := x.eventsOf(2); !reflect.DeepEqual(got, want) {
			t.Fatalf("round %d: events differ", round)
		}
		if errs, warns := x.lateIssues(); len(errs) != 0 || len(warns) != 1 {
			t.Errorf("round %d: late errors %v, warnings %v; want one warning", round, errs, warns)
		}
	}
}
