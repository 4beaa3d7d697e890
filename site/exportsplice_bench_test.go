package site

import (
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"testing"

	"github.com/spf13/afero"

	"github.com/newsline/timeline/internal/newscorpus"
)

// BenchmarkWarmStages measures warm builds alone, as timeline serve runs
// them: one Session builds the kept scale site (TIMELINE_BENCH_DIR, as
// BenchmarkIncremental; skipped without it) once, then each iteration adds
// or removes one article and builds again in the Session. It reports the
// plan and write stages' CPU milliseconds and MiB allocated per warm build,
// and the whole build's CPU. Its options are the scale child's (the pack
// mapped unless TIMELINE_BENCH_WARM_MAPCACHE=0); TIMELINE_BENCH_PLANBUFFERS=0
// plans without render.PlanBuffers. TIMELINE_BENCH_LOOP_CPUPROFILE and
// TIMELINE_BENCH_LOOP_MEMPROFILE name profiles of the iterations only (the
// memory one of what they allocated: -sample_index=alloc_space).
//
//	TIMELINE_BENCH_DIR=/tmp/incr2k TIMELINE_BENCH_ARTICLES=2000 go test -run '^$' -bench WarmStages -benchtime 10x ./site
func BenchmarkWarmStages(b *testing.B) {
	dir := keptBenchDir(b, "the folder to keep the site in")
	prepareIncremental(b, dir)
	opts := scaleOptions(dir)
	if os.Getenv("TIMELINE_BENCH_WARM_MAPCACHE") == "0" { // as serve builds (see scaleWarmEnv)
		opts.MapCache, opts.HugePages = false, false
	}
	if os.Getenv("TIMELINE_BENCH_PLANBUFFERS") == "0" {
		lendPlanBuffers = false // the plans allocate their arrays afresh, as before render.PlanBuffers
		defer func() { lendPlanBuffers = true }()
	}
	var session Session
	fs := afero.NewOsFs()
	if _, err := session.Build(fs, opts); err != nil {
		b.Fatal(err)
	}
	session.Wait()
	name := filepath.Join(dir, "content", "added-warm-stages.md")
	extra := newscorpus.New(scaleSeed + 11).Article(scaleArticles + 11)
	memProfile := os.Getenv("TIMELINE_BENCH_LOOP_MEMPROFILE")
	if memProfile != "" {
		runtime.MemProfileRate = 16 << 10
	}
	stop := cpuProfile(b, os.Getenv("TIMELINE_BENCH_LOOP_CPUPROFILE"))
	cpu, alloc := map[string]float64{}, map[string]float64{}
	var total float64
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		toggleFile(b, name, extra)
		c0 := processCPU(b)
		sum, err := session.Build(fs, opts)
		total += (processCPU(b) - c0).Seconds() * 1000
		session.Wait()
		if err != nil {
			b.Fatal(err)
		}
		for _, t := range sum.Timings {
			cpu[t.Stage] += t.CPU.Seconds() * 1000
			alloc[t.Stage] += t.AllocMB
		}
		if i == b.N-1 {
			logBuild(b, "warm build", sum)
		} else {
			b.Logf("warm build %d: %.0f cpu-ms; GC cycles/live heap after: %s", i, (processCPU(b)-c0).Seconds()*1000, sum.GCString())
		}
	}
	b.StopTimer()
	stop()
	if memProfile != "" {
		if f, err := os.Create(memProfile); err == nil {
			_ = pprof.Lookup("allocs").WriteTo(f, 0)
			f.Close()
		}
	}
	n := float64(b.N)
	for _, s := range []string{"plan", "write"} {
		b.ReportMetric(cpu[s]/n, s+"-cpu-ms")
		b.ReportMetric(alloc[s]/n, s+"-alloc-MB")
	}
	b.ReportMetric(total/n, "build-cpu-ms")
}
