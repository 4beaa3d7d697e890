package site

import (
	"fmt"
	"os"
	"sync/atomic"
	"testing"
	"time"

	"github.com/spf13/afero"

	"github.com/newsline/timeline/internal/newscorpus"
)

func init() {
	if os.Getenv("TIMELINE_BENCH_NO_NOTES") != "" {
		recallNotes = false // see recallNotes
	}
}

// A session's build takes the unchanged files' articles from the notes of
// its previous build, never a changed file's, none after another process
// rewrote the pack or under other parse options; and it publishes what a
// --no-cache build does.
func TestSessionTakesOnlyUnchangedFilesFromItsNotes(t *testing.T) {
	defer func(w time.Duration) { racyWindow = w }(racyWindow)
	racyWindow = -time.Hour // files just written are recorded
	fs := afero.NewMemMapFs()
	corpus := newscorpus.New(53)
	const n = 8
	for i := 0; i < n; i++ {
		writeFiles(t, fs, map[string]string{fmt.Sprintf("content/a%02d.md", i): string(corpus.Article(i))})
	}
	opts := Options{ContentDir: "content", SeedsDir: "-", OutDir: "public", CacheDir: "cache", Version: "notes-test", Workers: 2}
	if _, err := Build(fs, opts); err != nil { // records every file
		t.Fatal(err)
	}
	var s Session
	build := func(step string, wantNoted int64, o Options) {
		t.Helper()
		before := notedRecalls.Load()
		if _, err := s.Build(fs, o); err != nil {
			t.Fatalf("%s: %v", step, err)
		}
		s.Wait()
		if got := notedRecalls.Load() - before; got != wantNoted {
			t.Errorf("%s: %d files taken from notes, want %d", step, got, wantNoted)
		}
		checkSameAsFullBuild(t, fs, o, step)
	}
	build("first build of the session", 0, opts) // recalls from the pack, notes
	writeFiles(t, fs, map[string]string{"content/b00.md": string(corpus.Article(100))})
	build("one added", n, opts) // b00 is parsed, and recorded but not noted
	writeFiles(t, fs, map[string]string{"content/a03.md": string(corpus.Article(101))})
	build("one changed", n-1, opts) // b00 recalled from the pack and noted now; a03 parsed
	sameSizeEdit(t, fs, "content/a05.md")
	build("same-size edit", n-1, opts) // a03's new record recalled from the pack
	other := opts
	other.Date = time.Date(2024, 6, 14, 0, 0, 0, 0, time.UTC)
	build("other parse options", 0, other)
	build("back to the first options", 0, opts) // the notes were made under the other options
	build("again", n+1, opts)
	writeFiles(t, fs, map[string]string{"content/b01.md": string(corpus.Article(102))})
	if _, err := Build(fs, opts); err != nil { // another process appends to the pack
		t.Fatal(err)
	}
	build("after another process", 0, opts)
}

// BenchmarkWarmLoad times a session's load stage when nothing changed, on
// the site BenchmarkIncremental keeps in TIMELINE_BENCH_DIR (skipped without
// it): the cache reopened from the records the previous build kept, its
// mapped pages released as a build releases them after its merge stage,
// then the walk and the recall of every file. Iterations alternate with and
// without the previous build's notes (recallNotes) and report each one's
// CPU ms per build.
//
//	TIMELINE_BENCH_DIR=/tmp/incr2k TIMELINE_BENCH_ARTICLES=2000 go test -run '^$' -bench WarmLoad -benchtime 20x ./site
func BenchmarkWarmLoad(b *testing.B) {
	dir := keptBenchDir(b, "a site BenchmarkIncremental prepared")
	o := scaleOptions(dir).withDefaults()
	fs := afero.NewOsFs()
	defer func() { recallNotes = true }()
	var kept *keptPack
	load := func(notes bool) (cpu time.Duration) {
		recallNotes = notes
		cache := kept.reopen(fs, packFile(o.CacheDir), o.Version, true)
		if cache == nil {
			cache = openExtractCache(fs, o.CacheDir, o.Version, true, o.MapCache)
		}
		cache.noteRecalledFiles()
		releaseResident(cache.mapping)
		t0 := benchCPU(b)
		var n atomic.Int64
		arts, errs := loadRecalling(fs, []string{o.ContentDir}, o.Date, cache, o.Version, time.Now(), o.Workers, &n, nil)
		cpu = benchCPU(b) - t0
		if len(errs) > 0 || n.Load() != 0 || len(arts) == 0 {
			b.Fatalf("%d articles, %d parsed, errors %v: the kept site changed", len(arts), n.Load(), errs)
		}
		if x := extractLazily(arts, o, cache); x.fresh != 0 {
			b.Fatalf("%d articles extracted: the kept site changed", x.fresh)
		}
		if err := cache.flush(); err != nil {
			b.Fatal(err)
		}
		kept = cache.keep()
		return cpu
	}
	load(false) // the first build of the session: notes made
	var with, without time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		with += load(true)
		without += load(false)
		load(false) // notes again for the next iteration
	}
	b.StopTimer()
	b.ReportMetric(float64(with.Microseconds())/1000/float64(b.N), "notes-load-cpu-ms")
	b.ReportMetric(float64(without.Microseconds())/1000/float64(b.N), "recall-load-cpu-ms")
}
