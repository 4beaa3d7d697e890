package site

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/afero"

	"github.com/newsline/timeline/internal/cputime"
	"github.com/newsline/timeline/internal/newscorpus"
)

// aloneChildEnv asks the scale child (runScaleChild) for one build on its
// own, as `timeline build` runs it (Build, no Session, no warm build), with
// the merge state saved beside the plan and write ("beside") or on the
// merge's path ("inline"); a way naming "nopark" removes the retired folder
// before returning instead of parking it in the cache folder (retire.go).
const aloneChildEnv = "TIMELINE_BENCH_ALONE"

// BenchmarkBuildAlone measures fresh-process incremental builds as
// `timeline build` runs them (one article added or removed, alternately),
// the merge state saved beside the plan and write stages or, every other
// build, on the merge's path, so both ways see the same machine load. The
// site is kept in TIMELINE_BENCH_DIR, as for BenchmarkIncremental (whose
// folder it can share; TIMELINE_BENCH_ARTICLES sets the size).
//
//	TIMELINE_BENCH_DIR=/tmp/incr2k TIMELINE_BENCH_ARTICLES=2000 go test -run '^$' -bench BuildAlone -benchtime 6x ./site
func BenchmarkBuildAlone(b *testing.B) {
	dir := keptBenchDir(b, "the folder to keep the site in")
	prepareIncremental(b, dir)
	added := filepath.Join(dir, "content", "added-alone.md")
	extra := newscorpus.New(scaleSeed + 11).Article(scaleArticles + 11)
	b.ResetTimer()
	ways := []string{"beside", "inline"}
	if w := os.Getenv("TIMELINE_BENCH_ALONE_WAYS"); w != "" {
		ways = strings.Split(w, ",")
	}
	wall, cpu, runs := make([]float64, len(ways)), make([]float64, len(ways)), make([]int, len(ways))
	for i := 0; i < b.N; i++ {
		k := i % len(ways)
		way := ways[k]
		toggleFile(b, added, extra)
		rep := buildInChildEnv(b, dir, aloneChildEnv+"="+way)
		wall[k] += rep.Summary.Elapsed.Seconds()
		cpu[k] += rep.CPU.Seconds()
		runs[k]++
		fmt.Fprintf(os.Stderr, "%s: %.3f s, %.3f cpu-s; %s\n\tfaults: %s\n\tGC: %s\n", way, rep.Summary.Elapsed.Seconds(), rep.CPU.Seconds(), rep.Summary.TimingString(), rep.Summary.FaultString(), rep.Summary.GCString())
	}
	for k, way := range ways {
		if runs[k] > 0 {
			b.ReportMetric(wall[k]/float64(runs[k]), way+"-s")
			b.ReportMetric(cpu[k]/float64(runs[k]), way+"-cpu-s")
		}
	}
}

// runAloneChild is the scale child's build on its own (aloneChildEnv).
func runAloneChild(dir, way string) int {
	stateSaveBeside = !strings.Contains(way, "inline")
	parkRetiredFolders = !strings.Contains(way, "nopark") // retire.go: removed before returning, as before parking
	opts := scaleOptions(dir)
	stop := func() {}
	if name := os.Getenv("TIMELINE_BENCH_INCR_CPUPROFILE"); name != "" {
		stop = startProfile(name)
	}
	cpu0, _ := cputime.Process()
	sum, err := Build(afero.NewOsFs(), opts)
	cpu1, _ := cputime.Process()
	stop()
	rep := childReport{Summary: sum, CPU: cpu1 - cpu0, PeakRSSMB: peakRSSMB()}
	if err != nil {
		rep.Err = err.Error()
	}
	return writeChildReport(dir, rep)
}
