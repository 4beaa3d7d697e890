package site

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/spf13/afero"

	"github.com/newsline/timeline/internal/cputime"
	"github.com/newsline/timeline/internal/newscorpus"
	"github.com/newsline/timeline/render/export"
)

const scaleSeed = 20240614

// scaleArticles is 10,000 unless TIMELINE_BENCH_ARTICLES says otherwise (for profiling).
var scaleArticles = func() int {
	if n, err := strconv.Atoi(os.Getenv("TIMELINE_BENCH_ARTICLES")); err == nil && n > 0 {
		return n
	}
	return 10000
}()

// BenchmarkScale10k builds a generated 10,000-article site (about 30 MB) on the
// real filesystem: a full build with empty caches, then an incremental build after
// adding one article. It reports the figures as metrics; the targets (full build
// no slower than Hugo's ~2.9 s here, incremental <= 0.3 s, peak RSS <= 512 MB) are
// for the reader to compare, not asserted.
func BenchmarkScale10k(b *testing.B) {
	dir := b.TempDir()
	opts := scaleOptions(dir)
	content := opts.ContentDir
	size, err := writeCorpus(content, scaleSeed, scaleArticles)
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("corpus: %d articles, %.1f MB in %s", scaleArticles, float64(size)/1e6, content)
	fs := afero.NewOsFs()
	b.ResetTimer()
	events := 0
	for i := 0; i < b.N; i++ {
		full, incr, warm, fullCPU, incrCPU, warmCPU, fullPeak, incrPeak := scaleRun(b, fs, opts, dir, i)
		events = full.Events
		b.ReportMetric(full.Elapsed.Seconds(), "full-s")
		b.ReportMetric(incr.Elapsed.Seconds(), "incr-s")
		b.ReportMetric(fullCPU.Seconds(), "full-cpu-s")
		b.ReportMetric(incrCPU.Seconds(), "incr-cpu-s")
		b.ReportMetric(float64(full.Pages)/full.Elapsed.Seconds(), "pages/s")
		b.ReportMetric(max(fullPeak, incrPeak), "peak-RSS-MB")
		b.ReportMetric(incrPeak, "incr-peak-RSS-MB")
		b.ReportMetric(warm.Elapsed.Seconds(), "warm-s")
		b.ReportMetric(warmCPU.Seconds(), "warm-cpu-s")
	}
	b.StopTimer()
	hugoBuild(b, content)
	pageFloor(b, filepath.Join(dir, "floor"), events) // what the file system alone charges for the event pages
}

// scaleRun returns the two builds' summaries, the process CPU time each took
// (user + system: on a shared, loaded machine the wall clock mostly measures
// the other tenants) and each one's peak RSS. The full build runs in this
// process, the incremental one in a fresh process (see buildInChildEnv), and a
// warm one after it in the same process and Session (one more article).
func scaleRun(b *testing.B, fs afero.Fs, opts Options, dir string, run int) (full, incr, warm Summary, fullCPU, incrCPU, warmCPU time.Duration, fullPeak, incrPeak float64) {
	content := opts.ContentDir
	cold := opts
	cold.NoCache = true
	if name := os.Getenv("TIMELINE_BENCH_HEAPPROFILE"); name != "" {
		defer heapProfileAtPeak(name)()
	}
	stopProfile := cpuProfile(b, os.Getenv("TIMELINE_BENCH_FULL_CPUPROFILE"))
	cpu0 := processCPU(b)
	full, err := Build(fs, cold)
	fullCPU = processCPU(b) - cpu0
	fullPeak = peakRSSMB()
	stopProfile()
	if err != nil {
		b.Fatalf("full build: %v", err)
	}
	b.Logf("full build:        %s\n\tstages (wall/CPU): %s\n\tsystem/all CPU: %s\n\tGC cycles/live heap after: %s\n\tpage faults/peak RSS: %s\n\theap allocated: %s", full, full.TimingString(), full.SystemString(), full.GCString(), full.FaultString(), full.AllocString())
	extra := newscorpus.New(scaleSeed + 1 + uint64(run)).Article(scaleArticles + run)
	if err := os.WriteFile(filepath.Join(content, fmt.Sprintf("added-%d.md", run)), extra, 0o644); err != nil {
		b.Fatal(err)
	}
	// Profiled there when TIMELINE_BENCH_INCR_CPUPROFILE is set (both builds).
	child := buildInChildEnv(b, dir, scaleWarmEnv+"="+filepath.Join(content, fmt.Sprintf("added-warm-%d.md", run)))
	incr, incrCPU, incrPeak = child.Summary, child.CPU, child.PeakRSSMB
	warm, warmCPU = child.Warm.Summary, child.Warm.CPU
	logBuild(b, "incremental build", incr)
	logBuild(b, "warm build (same session)", warm)
	for _, s := range []struct {
		what    string
		sum     Summary
		exports []export.SpliceStats
	}{{"incremental", incr, child.Exports}, {"warm", warm, child.Warm.Exports}} {
		b.Logf("%s build: parsed %d, extracted %d", s.what, s.sum.Parsed, s.sum.Extracted)
		checkExportsVouched(b, s.what, s.exports)
		if s.sum.Extracted != 1 || s.sum.Parsed != 1 {
			b.Errorf("%s build parsed %d and extracted %d articles, want 1 and 1", s.what, s.sum.Parsed, s.sum.Extracted)
		}
	}
	return full, incr, warm, fullCPU, incrCPU, warmCPU, fullPeak, incrPeak
}

// exportStats reads, per spliced export (splicedFiles order), what the
// last build did with its fragments and whether it took the published file
// on its stamp or read it whole; a file without an index has zero stats.
func exportStats(fs afero.Fs, cacheDir string) []export.SpliceStats {
	stats := make([]export.SpliceStats, len(splicedFiles))
	for i, f := range splicedFiles {
		stats[i], _ = readSpliceStats(fs, cacheDir, f)
	}
	return stats
}

// checkExportsVouched logs what a build's exports did and fails the
// benchmark unless every one was taken on its stamp and copied fragments:
// the first build after a full build's whole-site swap must vouch for the
// exports as the later ones do (the swap renames the folder, which keeps the
// stamped identity), or its write stage reads 170 MB more.
func checkExportsVouched(b *testing.B, what string, stats []export.SpliceStats) {
	var parts []string
	for i, st := range stats {
		parts = append(parts, splicedFiles[i]+" "+statsLine(st))
		if !st.Vouched || st.Reused == 0 {
			b.Errorf("%s build: %s was not vouched for or copied nothing (%s)", what, splicedFiles[i], statsLine(st))
		}
	}
	b.Logf("%s build's exports: %s", what, strings.Join(parts, "; "))
}

// cpuProfile starts a CPU profile into name (none when name is empty) and
// returns the function that stops it: for profiling one of the two builds alone.
func cpuProfile(b *testing.B, name string) (stop func()) {
	if name == "" {
		return func() {}
	}
	f, err := os.Create(name)
	if err != nil {
		b.Fatal(err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		b.Fatal(err)
	}
	return func() { pprof.StopCPUProfile(); f.Close() }
}

// startProfile is cpuProfile for the child process, which has no *testing.B:
// a profile that cannot be written is left out.
func startProfile(name string) (stop func()) {
	f, err := os.Create(name)
	if err != nil {
		return func() {}
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return func() {}
	}
	return func() { pprof.StopCPUProfile(); f.Close() }
}

// processCPU is the process's CPU time so far; the figures need it.
func processCPU(b *testing.B) time.Duration {
	cpu, ok := cputime.Process()
	if !ok {
		b.Skip("process CPU time is not measured on this platform")
	}
	return cpu
}

// peakRSSMB reads the process's high-water resident set size (Linux).
func peakRSSMB() float64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, _ := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(rest), " kB"))
			return float64(kb) / 1024
		}
	}
	return 0
}

// hugoBuild builds the same articles with Hugo and minimal layouts, when hugo is
// installed, for comparison.
func hugoBuild(b *testing.B, content string) {
	hugo, err := exec.LookPath("hugo")
	if err != nil {
		b.Log("hugo: not on PATH, comparison skipped (apt-get install hugo to compare)")
		return
	}
	root := filepath.Join(filepath.Dir(content), "hugo")
	files := map[string]string{
		"hugo.toml":                    "baseURL = 'http://example.org/'\ntitle = 'bench'\ndisableKinds = ['taxonomy', 'term', 'RSS', 'sitemap']\n",
		"layouts/_default/single.html": "<!doctype html><title>{{ .Title }}</title><h1>{{ .Title }}</h1><time>{{ .Date.Format \"2006-01-02\" }}</time>{{ .Content }}\n",
		"layouts/_default/list.html":   "<!doctype html><title>{{ .Title }}</title><ul>{{ range .Pages }}<li><a href=\"{{ .RelPermalink }}\">{{ .Title }}</a></li>{{ end }}</ul>\n",
		"layouts/index.html":           "<!doctype html><title>{{ .Site.Title }}</title><ul>{{ range .Site.RegularPages }}<li><a href=\"{{ .RelPermalink }}\">{{ .Title }}</a></li>{{ end }}</ul>\n",
	}
	for name, body := range files {
		p := filepath.Join(root, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			b.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			b.Fatal(err)
		}
	}
	if err := os.Symlink(content, filepath.Join(root, "content")); err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	out, err := exec.Command(hugo, "--quiet", "-s", root, "-d", filepath.Join(root, "public")).CombinedOutput()
	if err != nil {
		b.Logf("hugo failed: %v\n%s", err, out)
		return
	}
	secs := time.Since(start).Seconds()
	b.ReportMetric(secs, "hugo-s")
	b.Logf("hugo: full build %.2fs (minimal layouts, no date extraction)", secs)
}

// heapProfileAtPeak samples the live heap every 20 ms during a build and writes
// a heap profile each time it grows past the last maximum by a tenth, so the
// file ends up describing the peak (for finding what drives peak RSS).
func heapProfileAtPeak(name string) (stop func()) {
	quit := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		var peak uint64
		var ms runtime.MemStats
		for {
			select {
			case <-quit:
				return
			case <-time.After(20 * time.Millisecond):
			}
			runtime.ReadMemStats(&ms)
			if ms.HeapAlloc > peak+peak/10 {
				peak = ms.HeapAlloc
				if f, err := os.Create(name); err == nil {
					_ = pprof.WriteHeapProfile(f)
					f.Close()
				}
			}
		}
	}()
	return func() { close(quit); <-finished }
}
