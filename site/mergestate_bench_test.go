package site

import (
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"sort"
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

// BenchmarkSaveMergeState saves the merge state of the site BenchmarkIncremental
// keeps in TIMELINE_BENCH_DIR (read once, mapped, as a fresh build reads it)
// into a folder of its own beside it, as a Session's save does
// (saveMergeStateSplit: a temporary file renamed into place, the events
// file appended to, then keepSaved), and reports the median process CPU
// and kernel CPU per save (medians: the machine is shared; the first save
// writes the events file whole, as in a folder without one), the state
// file's size, and the bytes the saves appended to the events file:
//
//	TIMELINE_BENCH_DIR=/tmp/incr10k go test -run '^$' -bench SaveMergeState -benchtime 15x ./site
func BenchmarkSaveMergeState(b *testing.B) {
	dir := keptBenchDir(b, "a site BenchmarkIncremental prepared")
	version := os.Getenv(benchVersionEnv)
	fs := afero.NewOsFs()
	st, _, err := readMergeState(fs, filepath.Join(dir, "cache", mergeStateFile), version, true)
	if err != nil || st == nil {
		b.Fatalf("reading the kept state: %v", err)
	}
	out := filepath.Join(dir, "save-bench")
	defer os.RemoveAll(out)
	name := filepath.Join(out, mergeStateFile)
	cpus, syss := make([]float64, 0, b.N), make([]float64, 0, b.N)
	appended, compacted := 0, 0
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		c0, s0 := processCPU(b), systemCPU()
		saved, err := saveMergeStateSplit(fs, out, name, version, st)
		if err != nil {
			b.Fatal(err)
		}
		keepSaved(fs, name, st, saved)
		cpus, syss = append(cpus, (processCPU(b)-c0).Seconds()*1e3), append(syss, (systemCPU()-s0).Seconds()*1e3)
		appended += len(saved.appended)
		if saved.compacted {
			compacted++
		}
	}
	b.StopTimer()
	if info, err := os.Stat(name); err == nil {
		b.ReportMetric(float64(info.Size())/1e6, "MB-saved")
	}
	if info, err := os.Stat(eventsFileOf(name)); err == nil {
		b.ReportMetric(float64(info.Size())/1e6, "MB-events-file")
	}
	b.ReportMetric(float64(appended)/1e3/float64(b.N), "KB-appended/save")
	b.ReportMetric(float64(compacted), "events-files-written")
	b.ReportMetric(median(cpus), "cpu-ms/save")
	b.ReportMetric(median(syss), "sys-ms/save")
}

// median returns the middle of xs (the mean of the two middle ones for an
// even count), sorting xs.
func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	sort.Float64s(xs)
	m := len(xs) / 2
	if len(xs)%2 == 0 {
		return (xs[m-1] + xs[m]) / 2
	}
	return xs[m]
}
