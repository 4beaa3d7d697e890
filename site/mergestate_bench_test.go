package site

import (
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"testing"
	"time"

	"github.com/spf13/afero"

	"github.com/newsline/timeline/internal/cputime"
)

// BenchmarkReadMergeState reads the merge state of the site BenchmarkIncremental
// keeps in TIMELINE_BENCH_DIR (skipped without it; run that benchmark once
// first, with the same TIMELINE_BENCH_ARTICLES), as a fresh build's merge
// stage does before its Update, under the build's memory limit, with the heap backed by huge pages as
// in the scale benchmark's builds. It reports
// wall and process CPU per read and the collections a read ran:
//
//	TIMELINE_BENCH_DIR=/tmp/incr10k go test -run '^$' -bench ReadMergeState -benchtime 5x ./site
func BenchmarkReadMergeState(b *testing.B) {
	dir := keptBenchDir(b, "a site BenchmarkIncremental prepared")
	version := os.Getenv(benchVersionEnv)
	name := filepath.Join(dir, "cache", mergeStateFile)
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(DefaultMemoryLimit))
	hugeHeapOnce.Do(func() { prepareHugeHeap(hugeHeapSize(DefaultMemoryLimit)) }) // as the scale builds (HugePages)
	fs := afero.NewOsFs()
	var wall, cpu time.Duration
	var gcs uint32
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		runtime.GC() // each read starts from a collected heap, as a fresh build's merge stage
		var m0, m1 runtime.MemStats
		runtime.ReadMemStats(&m0)
		b.StartTimer()
		t0 := time.Now()
		c0, _ := cputime.Process()
		st, mapping, err := readMergeState(fs, name, version, true)
		c1, _ := cputime.Process()
		wall += time.Since(t0)
		b.StopTimer()
		if err != nil || st == nil {
			b.Fatalf("reading %s: %v", name, err)
		}
		runtime.ReadMemStats(&m1)
		cpu += c1 - c0
		gcs += m1.NumGC - m0.NumGC
		runtime.KeepAlive(st)
		unmapSection(mapping) // st is dropped: nothing points into it any more
		b.StartTimer()
	}
	b.ReportMetric(wall.Seconds()*1e3/float64(b.N), "wall-ms/read")
	b.ReportMetric(cpu.Seconds()*1e3/float64(b.N), "cpu-ms/read")
	b.ReportMetric(float64(gcs)/float64(b.N), "GCs/read")
}
