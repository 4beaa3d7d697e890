package site

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"testing"
	"time"

	"github.com/spf13/afero"

	"github.com/newsline/timeline/internal/cputime"
)

// The scale benchmark runs its incremental build in a fresh process, as an
// editor's `timeline build` runs: in the benchmark's own process the second
// build would start with the first one's heap still resident (the Go runtime
// returns freed memory to the OS only slowly), so its peak RSS would count
// both builds, and its CPU would miss the page faults a fresh process pays.
const scaleChildEnv = "TIMELINE_SCALE_CHILD" // the build's folder; the child's report goes to <dir>/child.json

func TestMain(m *testing.M) {
	if dir := os.Getenv(scaleChildEnv); dir != "" {
		os.Exit(runScaleChild(dir))
	}
	os.Exit(m.Run())
}

// scaleOptions are the options of both scale builds (as the build command sets them).
// TIMELINE_BENCH_VERSION, when set, is their tool version (BenchmarkIncremental);
// TIMELINE_BENCH_HUGEPAGES=0 turns huge pages off, for comparison.
func scaleOptions(dir string) Options {
	return Options{ContentDir: filepath.Join(dir, "content"), SeedsDir: "-", OutDir: filepath.Join(dir, "public"),
		CacheDir: filepath.Join(dir, "cache"), MapCache: true, HugePages: os.Getenv("TIMELINE_BENCH_HUGEPAGES") != "0",
		Version: os.Getenv(benchVersionEnv)}
}

// childReport is what the child process hands back.
type childReport struct {
	Summary   Summary
	CPU       time.Duration
	PeakRSSMB float64
	Err       string
}

func runScaleChild(dir string) int {
	var rep childReport
	stop := func() {}
	if name := os.Getenv("TIMELINE_BENCH_INCR_CPUPROFILE"); name != "" {
		stop = startProfile(name)
	}
	memProfile := os.Getenv("TIMELINE_BENCH_INCR_MEMPROFILE")
	if memProfile != "" {
		runtime.MemProfileRate = 16 << 10 // finer than the default 512 KiB: most allocations are small
	}
	cpu0, _ := cputime.Process()
	sum, err := Build(afero.NewOsFs(), scaleOptions(dir))
	cpu1, _ := cputime.Process()
	stop()
	if memProfile != "" {
		writeAllocsProfile(memProfile) // what the build allocated, for `go tool pprof -sample_index=alloc_space`
	}
	rep.Summary, rep.CPU, rep.PeakRSSMB = sum, cpu1-cpu0, peakRSSMB()
	if err != nil {
		rep.Err = err.Error()
	}
	data, err := json.Marshal(rep)
	if err == nil {
		err = os.WriteFile(filepath.Join(dir, "child.json"), data, 0o644)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

// buildInChild runs one incremental build of dir in a fresh process of this
// test binary and returns its report.
func buildInChild(b *testing.B, dir string) childReport {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), scaleChildEnv+"="+dir)
	if out, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("incremental build in a child process: %v\n%s", err, out)
	}
	data, err := os.ReadFile(filepath.Join(dir, "child.json"))
	if err != nil {
		b.Fatal(err)
	}
	var rep childReport
	if err := json.Unmarshal(data, &rep); err != nil {
		b.Fatal(err)
	}
	if rep.Err != "" {
		b.Fatalf("incremental build: %s", rep.Err)
	}
	return rep
}

// writeAllocsProfile writes the process's allocation profile to name; a
// profile that cannot be written is left out.
func writeAllocsProfile(name string) {
	f, err := os.Create(name)
	if err != nil {
		return
	}
	defer f.Close()
	runtime.GC() // the profile counts allocations up to the last collection
	_ = pprof.Lookup("allocs").WriteTo(f, 0)
}
