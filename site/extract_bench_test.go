package site

import (
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/spf13/afero"

	"github.com/newsline/timeline/internal/cputime"
	"github.com/newsline/timeline/timeline"
)

// BenchmarkFrontStages times the stages before the merge of an incremental
// build in which nothing changed (cache, load, extract), in this process, on
// the site BenchmarkIncremental keeps in TIMELINE_BENCH_DIR (skipped without
// it; run that benchmark once first, with the same TIMELINE_BENCH_ARTICLES).
// It prints each stage's CPU ms per build and, as decode-all, what decoding
// every article's cached events costs (what the whole-site merge asks for and
// an incremental merge does not). In one process the pack's pages are mapped
// already after the first build: a fresh process pays their page faults too
// (BenchmarkIncremental measures that).
//
//	TIMELINE_BENCH_DIR=/tmp/incr2k TIMELINE_BENCH_ARTICLES=2000 go test -run '^$' -bench FrontStages -benchtime 20x ./site
func BenchmarkFrontStages(b *testing.B) {
	dir := keptBenchDir(b, "a site BenchmarkIncremental prepared")
	o := scaleOptions(dir).withDefaults()
	if _, err := os.Stat(filepath.Join(o.CacheDir, "extract.pack")); err != nil {
		b.Skip("no extraction pack in ", o.CacheDir, ": run BenchmarkIncremental first")
	}
	fs := afero.NewOsFs()
	var stage [4]time.Duration // cache, load, extract, decode-all
	var articles, parsed int
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t0 := benchCPU(b)
		cache := openExtractCache(fs, o.CacheDir, o.Version, true, o.MapCache)
		t1 := benchCPU(b)
		var n atomic.Int64
		arts, errs := loadRecalling(fs, []string{o.ContentDir}, o.Date, cache, o.Version, time.Now(), o.Workers, &n, nil)
		if len(errs) > 0 {
			b.Fatal(errs[0])
		}
		t2 := benchCPU(b)
		x := extractLazily(arts, o, cache)
		t3 := benchCPU(b)
		var all [][]timeline.Event
		if os.Getenv("TIMELINE_BENCH_DECODE") != "0" {
			all = x.allEvents(o.Workers)
		}
		t4 := benchCPU(b)
		for k, d := range []time.Duration{t1 - t0, t2 - t1, t3 - t2, t4 - t3} {
			stage[k] += d
		}
		articles, parsed = len(all), int(n.Load())
		if x.fresh != 0 {
			b.Fatalf("%d articles extracted: the kept site changed", x.fresh)
		}
	}
	b.StopTimer()
	for k, name := range []string{"cache", "load", "extract", "decode-all"} {
		b.ReportMetric(float64(stage[k].Microseconds())/1000/float64(b.N), name+"-cpu-ms")
	}
	b.Logf("%d articles, %d parsed per build", articles, parsed)
}

func benchCPU(b *testing.B) time.Duration {
	cpu, ok := cputime.Process()
	if !ok {
		b.Skip("process CPU time is not measured on this platform")
	}
	return cpu
}
