package site

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
	"testing"
	"time"

	"github.com/spf13/afero"

	"github.com/newsline/timeline/internal/newscorpus"
	"github.com/newsline/timeline/timeline"
)

// BenchmarkExtractStage runs a full build's extract stage (no cache: every
// article extracted) over TIMELINE_BENCH_ARTICLES generated articles (2,000
// by default, the scale corpus's seed), loaded once in memory, on the
// default workers. It prints the stage's process CPU ms per run and the heap
// allocated (heap-MB).
//
//	TIMELINE_BENCH_ARTICLES=2000 go test -run '^$' -bench ExtractStage -benchtime 5x ./site
func BenchmarkExtractStage(b *testing.B) {
	fs, arts := extractStageCorpus(b)
	n := len(arts)
	o := Options{ContentDir: "content", SeedsDir: "-", OutDir: "public", CacheDir: "cache", Version: "bench", NoCache: true}.withDefaults()
	var cpu time.Duration
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		cache := openExtractCache(fs, o.CacheDir, o.Version, false, false)
		t0 := benchCPU(b)
		x := extractLazily(arts, o, cache)
		cpu += benchCPU(b) - t0
		if x.fresh != n {
			b.Fatalf("%d of %d articles extracted", x.fresh, n)
		}
	}
	b.StopTimer()
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(cpu.Microseconds())/1000/float64(b.N), "extract-cpu-ms")
	b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/1e6/float64(b.N), "heap-MB")
	b.ReportMetric(float64(after.Mallocs-before.Mallocs)/float64(b.N), "allocs")
}

// BenchmarkExtractStageOneChanged runs an incremental build's extract stage
// over the same articles, their events cached, one article changed each
// run (one cache miss, extracted): what a fresh incremental build's extract
// stage does. It prints the stage's process CPU µs per run.
//
//	TIMELINE_BENCH_ARTICLES=2000 go test -run '^$' -bench ExtractStageOneChanged -benchtime 200x -cpu 1 ./site
func BenchmarkExtractStageOneChanged(b *testing.B) {
	fs, arts := extractStageCorpus(b)
	n := len(arts)
	o := Options{ContentDir: "content", SeedsDir: "-", OutDir: "public", CacheDir: "cache", Version: "bench"}.withDefaults()
	cache := openExtractCache(fs, o.CacheDir, o.Version, true, false)
	extractLazily(arts, o, cache)
	if err := cache.flush(); err != nil {
		b.Fatal(err)
	}
	text, raw := arts[n/2].Text, arts[n/2].Raw
	var cpu time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		more := fmt.Sprintf("\n\nOn 3 March 2021 the council met for the %dth time.\n", i+2)
		arts[n/2].Text, arts[n/2].Raw = text+more, append(raw[:len(raw):len(raw)], more...) // the key reads Raw
		cache := openExtractCache(fs, o.CacheDir, o.Version, true, false)
		t0 := benchCPU(b)
		x := extractLazily(arts, o, cache)
		cpu += benchCPU(b) - t0
		if x.fresh != 1 || x.hits != n-1 {
			b.Fatalf("%d extracted, %d from the cache; want 1 and %d", x.fresh, x.hits, n-1)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(cpu.Microseconds())/float64(b.N), "extract-cpu-us")
}

// extractStageCorpus writes TIMELINE_BENCH_ARTICLES generated articles
// (2,000 by default, the scale corpus's seed) to content/ in memory and
// loads them.
func extractStageCorpus(b *testing.B) (afero.Fs, []timeline.Article) {
	b.Helper()
	n := 2000
	if v, err := strconv.Atoi(os.Getenv("TIMELINE_BENCH_ARTICLES")); err == nil && v > 0 {
		n = v
	}
	fs := afero.NewMemMapFs()
	c := newscorpus.New(scaleSeed)
	for i := 0; i < n; i++ {
		if err := afero.WriteFile(fs, fmt.Sprintf("content/a%05d.md", i), c.Article(i), 0o644); err != nil {
			b.Fatal(err)
		}
	}
	arts, errs := loadArticles(fs, []string{"content"}, time.Time{})
	if len(errs) > 0 || len(arts) != n {
		b.Fatalf("%d articles, %v", len(arts), errs)
	}
	return fs, arts
}
