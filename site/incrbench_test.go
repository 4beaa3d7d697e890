package site

import (
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/spf13/afero"

	"github.com/newsline/timeline/internal/newscorpus"
)

// BenchmarkIncremental measures incremental builds alone, each in a fresh
// process (as BenchmarkScale10k's second build): one article added, then
// removed again, alternately; and after each, in the same process and
// Session, a warm build (another article added or removed), as timeline
// serve runs its rebuilds (warm-cpu-s). The site is kept in TIMELINE_BENCH_DIR (the
// benchmark is skipped without it), so the costly full build that prepares it
// runs once across runs of the benchmark (delete the folder to start afresh).
// Its builds' tool version is TIMELINE_BENCH_VERSION, fixed by default
// ("incremental-bench+" and the cache format): set another one after changing
// what the caches hold. TIMELINE_BENCH_ARTICLES sets the site's size (10,000
// by default). TIMELINE_BENCH_NEWEST=1 makes both added articles the site's
// newest (newestIfAsked).
//
//	TIMELINE_BENCH_DIR=/tmp/incr2k TIMELINE_BENCH_ARTICLES=2000 go test -run '^$' -bench Incremental -benchtime 4x ./site
func BenchmarkIncremental(b *testing.B) {
	// Not in `make bench`: BenchmarkScale10k measures the same build once.
	dir := keptBenchDir(b, "the folder to keep the site in")
	prepareIncremental(b, dir)
	added := filepath.Join(dir, "content", "added-incremental.md")
	warmAdded := filepath.Join(dir, "content", "added-warm.md")
	extra := newestIfAsked(newscorpus.New(scaleSeed+7).Article(scaleArticles), "2030-01-01")
	b.ResetTimer()
	var cpu, peak, warmCPU, warmSave, warmPeak float64
	for i := 0; i < b.N; i++ {
		toggleFile(b, added, extra)
		rep := buildInChildEnv(b, dir, scaleWarmEnv+"="+warmAdded)
		cpu += rep.CPU.Seconds()
		peak = max(peak, rep.PeakRSSMB)
		logBuild(b, "incremental build", rep.Summary)
		warmCPU += rep.Warm.CPU.Seconds()
		warmSave += rep.Warm.SaveCPU.Seconds()
		warmPeak = max(warmPeak, rep.Warm.PeakRSSMB)
		logBuild(b, "warm build (same session)", rep.Warm.Summary)
	}
	b.ReportMetric(cpu/float64(b.N), "incr-cpu-s")
	b.ReportMetric(peak, "incr-peak-RSS-MB")
	b.ReportMetric(warmCPU/float64(b.N), "warm-cpu-s")
	b.ReportMetric(warmSave/float64(b.N), "warm-save-cpu-s")
	b.ReportMetric(warmPeak, "warm-peak-RSS-MB")
}

// logBuild logs a build's summary and stage figures.
func logBuild(b *testing.B, what string, s Summary) {
	b.Logf("%s: %s\n\tstages (wall/CPU): %s\n\tsystem/all CPU: %s\n\tGC cycles/live heap after: %s\n\tpage faults/peak RSS: %s\n\theap allocated: %s",
		what, s, s.TimingString(), s.SystemString(), s.GCString(), s.FaultString(), s.AllocString())
}

// benchVersionEnv pins the scale builds' tool version (scaleOptions).
// keptBenchDir returns the kept site's folder, TIMELINE_BENCH_DIR (b is
// skipped without it; what names what the folder is for), and fixes the
// builds' tool version (TIMELINE_BENCH_VERSION) unless it is set: a kept site
// must stay warm across recompiled test binaries, whose own version (the
// executable's hash) changes with every edit.
func keptBenchDir(b *testing.B, what string) string {
	b.Helper()
	dir := os.Getenv("TIMELINE_BENCH_DIR")
	if dir == "" {
		b.Skip("set TIMELINE_BENCH_DIR to " + what)
	}
	if os.Getenv(benchVersionEnv) == "" {
		b.Setenv(benchVersionEnv, "incremental-bench+"+cacheFormat)
	}
	return dir
}

const benchVersionEnv = "TIMELINE_BENCH_VERSION"

// prepareIncremental writes the scale corpus into dir and builds it once,
// unless dir already holds a published build of it.
func prepareIncremental(b *testing.B, dir string) {
	opts := scaleOptions(dir)
	if _, err := os.Stat(filepath.Join(opts.OutDir, "index.html")); err == nil {
		return
	}
	if _, err := writeCorpus(opts.ContentDir, scaleSeed, scaleArticles); err != nil {
		b.Fatal(err)
	}
	if _, err := Build(afero.NewOsFs(), opts); err != nil {
		b.Fatalf("preparing %s: %v", dir, err)
	}
}

// newestIfAsked gives a toggled article the publication date day when
// TIMELINE_BENCH_NEWEST is set, so it is the site's newest (an editor's new
// article usually is; the corpus's dates are spread over 2015-2024).
func newestIfAsked(article []byte, day string) []byte {
	if os.Getenv("TIMELINE_BENCH_NEWEST") == "" {
		return article
	}
	return regexp.MustCompile(`(?m)^date: .*$`).ReplaceAll(article, []byte("date: "+day))
}

// toggleFile adds or removes one article (newscorpus.Toggle) or fails b.
func toggleFile(b *testing.B, name string, data []byte) {
	if err := newscorpus.Toggle(afero.NewOsFs(), name, data); err != nil {
		b.Fatal(err)
	}
}
