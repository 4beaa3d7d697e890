package site

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"testing"
	"time"

	"github.com/spf13/afero"

	"github.com/newsline/timeline/internal/cputime"
	"github.com/newsline/timeline/internal/newscorpus"
	"github.com/newsline/timeline/render/export"
	"github.com/newsline/timeline/timeline/ingest"
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
	Warm      *childReport         // the warm build, when asked for (scaleWarmEnv)
	SaveCPU   time.Duration        // the warm build's merge state save, after it returned
	Exports   []export.SpliceStats // what the build's spliced exports did, in splicedFiles order
}

// scaleWarmEnv, set to an article file's path, asks the child for a warm
// build too: after its build, a Session (as timeline serve runs its builds)
// builds once, then adds that file (or removes it when it exists) and
// builds again; that rebuild is the warm build. TIMELINE_BENCH_WARM_MAPCACHE=0 runs both builds as
// serve does, without mapping the extraction pack;
// TIMELINE_BENCH_WARM_CPUPROFILE names a CPU profile of the warm build.
const scaleWarmEnv = "TIMELINE_SCALE_WARM"

func runScaleChild(dir string) int {
	if way := os.Getenv(aloneChildEnv); way != "" { // statesave_bench_test.go
		return runAloneChild(dir, way)
	}
	var rep childReport
	stop := func() {}
	if name := os.Getenv("TIMELINE_BENCH_INCR_CPUPROFILE"); name != "" {
		stop = startProfile(name)
	}
	memProfile := os.Getenv("TIMELINE_BENCH_INCR_MEMPROFILE")
	if memProfile != "" {
		runtime.MemProfileRate = 16 << 10 // finer than the default 512 KiB: most allocations are small
	}
	warmFile := os.Getenv(scaleWarmEnv)
	opts := scaleOptions(dir)
	if warmFile != "" && os.Getenv("TIMELINE_BENCH_WARM_MAPCACHE") == "0" {
		opts.MapCache, opts.HugePages = false, false
	}
	// The measured build is what `timeline build` runs: Build, not a
	// Session's first build, which also keeps what its next build reuses.
	cpu0, _ := cputime.Process()
	sum, err := Build(afero.NewOsFs(), opts)
	cpu1, _ := cputime.Process()
	stop()
	if memProfile != "" {
		writeAllocsProfile(memProfile) // what the build allocated, for `go tool pprof -sample_index=alloc_space`
	}
	rep.Summary, rep.CPU, rep.PeakRSSMB = sum, cpu1-cpu0, peakRSSMB()
	rep.Exports = exportStats(afero.NewOsFs(), opts.CacheDir)
	if err != nil {
		rep.Err = err.Error()
	}
	// After the first build's figures: its peak RSS and profiles are its own.
	// The warm build's peak RSS is the process's, both builds' high-water mark.
	if warmFile != "" && err == nil {
		rep.Warm = warmRebuild(opts, warmFile)
	}
	return writeChildReport(dir, rep)
}

// writeChildReport writes rep to <dir>/child.json for the parent benchmark
// and returns the child's exit code (1 when it cannot be written).
func writeChildReport(dir string, rep childReport) int {
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

// warmRebuild starts a Session as timeline serve does (its first build
// finds nothing changed since the measured one), then measures its rebuild
// after warmFile is added or removed.
func warmRebuild(opts Options, warmFile string) *childReport {
	// The warm build's peak RSS is the Session's, as in a server that
	// never ran Build: hand back the measured build's free heap and reset
	// the process's high-water mark (VmHWM) first.
	debug.FreeOSMemory()
	_ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0)
	var session Session
	opts.HeapOnlyLimit = true // as serve.New sets it for a server's builds
	if os.Getenv("TIMELINE_BENCH_WARM_LISTING") != "0" {
		// As timeline serve runs its builds: the load stage's walk answered
		// from a Listing that the watcher (here: rebuildInSession) tells of
		// the toggled file (serve.go, watch.go). On by default since session
		// 12, as the warm figure is serve's; TIMELINE_BENCH_WARM_LISTING=0
		// walks the whole content folder, as the warm builds of earlier
		// sessions' figures did.
		opts.Listing = &ingest.Listing{}
		opts.Listing.Arm()
	}
	if _, err := session.Build(afero.NewOsFs(), opts); err != nil {
		return &childReport{Err: "the session's first build: " + err.Error()}
	}
	session.Wait()
	return rebuildInSession(&session, opts, warmFile)
}

// rebuildInSession adds warmFile (or removes it) and builds again in session.
func rebuildInSession(session *Session, opts Options, warmFile string) *childReport {
	rep := &childReport{}
	opts.HeapOnlyLimit = true // as serve.New sets it for a server's builds
	// Another article than any of the corpus or of the fresh build.
	err := newscorpus.Toggle(afero.NewOsFs(), warmFile, newestIfAsked(newscorpus.New(scaleSeed+99).Article(scaleArticles+99), "2030-01-02"))
	if err != nil {
		rep.Err = err.Error()
		return rep
	}
	if opts.Listing != nil {
		opts.Listing.Changed(warmFile) // as the watcher tells it
	}
	stop := func() {}
	if name := os.Getenv("TIMELINE_BENCH_WARM_CPUPROFILE"); name != "" {
		stop = startProfile(name)
	}
	cpu0, _ := cputime.Process()
	sum, err := session.Build(afero.NewOsFs(), opts)
	cpu1, _ := cputime.Process() // the rebuild as serve's tabs wait for it: the state is saved after
	session.Wait()
	cpu2, _ := cputime.Process()
	stop()
	rep.Summary, rep.CPU, rep.SaveCPU, rep.PeakRSSMB = sum, cpu1-cpu0, cpu2-cpu1, peakRSSMB()
	rep.Exports = exportStats(afero.NewOsFs(), opts.CacheDir)
	if err != nil {
		rep.Err = err.Error()
	} else if session.WarmBuilds() != 1 || session.KeptPacks() != 1 {
		rep.Err = fmt.Sprintf("the warm build did not start from what the session kept (merge state: %v, pack records: %v)",
			session.WarmBuilds() == 1, session.KeptPacks() == 1)
	}
	return rep
}

// buildInChildEnv runs one incremental build of dir in a fresh process of
// this test binary, with env added to its environment, and returns its report.
func buildInChildEnv(b *testing.B, dir string, env ...string) childReport {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(append(os.Environ(), scaleChildEnv+"="+dir), env...)
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
	if rep.Warm != nil && rep.Warm.Err != "" {
		b.Fatalf("warm build: %s", rep.Warm.Err)
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
