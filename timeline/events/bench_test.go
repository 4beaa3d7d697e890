package events_test

import (
	"fmt"
	"github.com/newsline/timeline/internal/cputime"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/newsline/timeline/timeline"
	"github.com/newsline/timeline/timeline/events"
	"github.com/newsline/timeline/timeline/ingest"
	"github.com/newsline/timeline/timeline/merge"
	"github.com/newsline/timeline/timeline/timex"
)

// benchArticles is the corpus size: the figure of 10,000 articles
// (about 10 s a run).
const benchArticles = 10000

// benchCorpus builds n distinct articles from the invented testdata articles
// (and the seed article, when present, for a long real-world text):
// each copy gets its own publication date and its own place and person names,
// so the merge sees many articles, not one article many times.
func benchCorpus(b testing.TB, n int) []timeline.Article {
	b.Helper()
	paths, _ := filepath.Glob("testdata/*.md")
	var bases [][]byte
	for _, p := range paths {
		raw, err := os.ReadFile(p)
		if err != nil {
			b.Fatal(err)
		}
		bases = append(bases, raw)
	}
	if seed, err := os.ReadFile(seedPath); err == nil {
		// As Markdown with front matter, so every copy carries its own date.
		bases = append(bases, append([]byte("---\ntitle: Seed copy\ndate: 2024-06-14\n---\n"), seed...))
	}
	names := []string{"Kestria", "Norvale", "Orvik", "Tarsk", "Brandt", "Orbis", "Velden", "Lindqvist", "Aldmere", "Morrow"}
	out := make([]timeline.Article, 0, n)
	for i := 0; i < n; i++ {
		src := string(bases[i%len(bases)])
		for _, name := range names {
			src = strings.ReplaceAll(src, name, name+suffix(i))
		}
		day := time.Date(2015, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i%3000)
		src = replaceDate(src, day.Format("2006-01-02"))
		a, err := ingest.Parse(fmt.Sprintf("content/a%05d.md", i), []byte(src), nil, ingest.Options{})
		if err != nil {
			b.Fatal(err)
		}
		out = append(out, a)
	}
	return out
}

// suffix spells i in letters ("a", "b", ... "ba") so names stay words.
func suffix(i int) string {
	s := ""
	for {
		s = string(rune('a'+i%26)) + s
		i /= 26
		if i == 0 {
			return s
		}
	}
}

func replaceDate(src, date string) string {
	lines := strings.Split(src, "\n")
	for i, l := range lines {
		if strings.HasPrefix(l, "date:") {
			lines[i] = "date: " + date
			break
		}
	}
	return strings.Join(lines, "\n")
}

// BenchmarkExtractionVsResolution prints, for 10,000 articles, the time of
// date resolution alone and of extraction (which includes resolution) plus
// merging, and their ratio (target: at most 2), by the wall clock and by
// process CPU time (the fairer figure on a shared, loaded machine). Each stage
// starts after a forced garbage collection, so none pays for the garbage of
// the stage before it, and all run once untimed before the timed runs.
func BenchmarkExtractionVsResolution(b *testing.B) {
	arts := benchCorpus(b, benchArticles)
	var wall, cpu, kernel [5]time.Duration // resolve, extract, merge, extractwith, extractall
	var faults, allocated, gcs [5]int64
	okCPU, okRusage := true, true
	var ms runtime.MemStats
	stage := func(k int, run func()) {
		runtime.GC()
		runtime.ReadMemStats(&ms)
		a0, g0 := ms.TotalAlloc, ms.NumGC
		k0, f0, okr0 := rusage()
		c0, ok0 := cputime.Process()
		t0 := time.Now()
		run()
		wall[k] += time.Since(t0)
		c1, ok1 := cputime.Process()
		k1, f1, okr1 := rusage()
		runtime.ReadMemStats(&ms)
		okCPU = okCPU && ok0 && ok1
		okRusage = okRusage && okr0 && okr1
		cpu[k] += c1 - c0
		kernel[k] += k1 - k0
		faults[k] += f1 - f0
		allocated[k] += int64(ms.TotalAlloc - a0)
		gcs[k] += int64(ms.NumGC - g0)
	}
	// One untimed pass first: the first pass over a fresh heap pays for
	// growing it, and that cost (twice the steady time of resolution on a
	// 2-core machine) would fall on whichever stage happens to run first.
	warm := make([][]timeline.Event, len(arts))
	dates := make([][]timeline.Timex, len(arts))
	for i, a := range arts {
		dates[i] = timex.Resolve(a.Text, a.Meta.Date)
		warm[i] = events.Extract(a)
	}
	merge.Merge(arts, warm)
	warm = nil
	b.ResetTimer()
	for n := 0; n < b.N; n++ {
		stage(0, func() {
			for _, a := range arts {
				timex.Resolve(a.Text, a.Meta.Date)
			}
		})
		per := make([][]timeline.Event, len(arts))
		stage(1, func() {
			for i, a := range arts {
				per[i] = events.Extract(a)
			}
		})
		stage(2, func() { merge.Merge(arts, per) })
		per = nil
		// Extraction's own part: the same extraction given the dates
		// resolved beforehand (reported, not part of the ratio).
		per2 := make([][]timeline.Event, len(arts))
		stage(3, func() {
			for i, a := range arts {
				per2[i] = events.ExtractWith(a, dates[i])
			}
		})
		// The same extraction as a batch (ExtractAll: articles resolved
		// a batch (batchArticles) at a time, then extracted), reported beside Extract's with
		// its own ratio, x-resolution-all, merge included.
		per2 = nil
		var all [][]timeline.Event
		stage(4, func() { all = events.ExtractAll(arts, nil) })
		_ = all
	}
	report := func(d [5]time.Duration, prefix string) {
		for k, name := range []string{"resolve", "extract", "merge", "extractwith", "extractall"} {
			b.ReportMetric(float64(d[k].Milliseconds())/float64(b.N), prefix+"ms-"+name)
		}
		b.ReportMetric(float64(d[1]+d[2])/float64(d[0]), prefix+"x-resolution")
		b.ReportMetric(float64(d[4]+d[2])/float64(d[0]), prefix+"x-resolution-all")
		// The events stage taken apart from resolution (the pipeline's
		// stage after it): extraction given the resolved dates, plus the
		// merge. Reported for comparison; the ratio is the two
		// above, whose extraction includes resolving.
		b.ReportMetric(float64(d[3]+d[2])/float64(d[0]), prefix+"x-events-stage")
	}
	report(wall, "")
	if okCPU {
		report(cpu, "cpu-")
	}
	// Where the time goes besides instructions: the heap each stage
	// allocates, the garbage collections that started while it ran (gcs-*;
	// each marks the whole live corpus), and the page faults and kernel
	// time it pays. Between stages the runtime may hand freed heap back to
	// the OS (its scavenger), and a stage then faults it in again; these
	// figures show how much, under whatever GODEBUG/GOGC the run was given
	// (the benchmark sets none).
	for k, name := range []string{"resolve", "extract", "merge", "extractwith", "extractall"} {
		b.ReportMetric(float64(allocated[k])/1e6/float64(b.N), "MB-"+name)
		b.ReportMetric(float64(gcs[k])/float64(b.N), "gcs-"+name)
		if okRusage {
			b.ReportMetric(float64(faults[k])/float64(b.N), "faults-"+name)
			b.ReportMetric(float64(kernel[k].Milliseconds())/float64(b.N), "sys-ms-"+name)
		}
	}
}

// BenchmarkExtractWith times extraction alone, the expressions resolved
// beforehand, over 1,000 generated articles: the part of Extract this package
// owns, with its allocations.
func BenchmarkExtractWith(b *testing.B) {
	arts := benchCorpus(b, 1000)
	resolved := make([][]timeline.Timex, len(arts))
	for i, a := range arts {
		resolved[i] = timex.Resolve(a.Text, a.Meta.Date)
	}
	b.ReportAllocs()
	runtime.GC()
	b.ResetTimer()
	c0, ok0 := cputime.Process()
	for n := 0; n < b.N; n++ {
		for i, a := range arts {
			events.ExtractWith(a, resolved[i])
		}
	}
	if c1, ok1 := cputime.Process(); ok0 && ok1 {
		// Process CPU time per article, steadier than ns/op on a loaded machine.
		b.ReportMetric(float64((c1-c0).Microseconds())/float64(b.N*len(arts)), "cpu-µs/article")
	}
}

// TestExtractWithForCallgrind runs ExtractWith twice over 1,000 bench
// articles when EVENTS_CALLGRIND is set, to be counted under valgrind: the
// number of instructions is the same run to run (within 0.1%), where CPU time
// on this shared machine moves by a quarter. From the repository root:
//
//	go test -c -o /tmp/events.test ./timeline/events/ && cd timeline/events &&
//	EVENTS_CALLGRIND=1 GOGC=off GODEBUG=asyncpreemptoff=1 GOMAXPROCS=1 valgrind --tool=callgrind \
//	  --toggle-collect='github.com/newsline/timeline/timeline/events.ExtractWith' \
//	  /tmp/events.test -test.run TestExtractWithForCallgrind
//
// and read "Collected" (callgrind_annotate lists it by function and line).
// GOGC=off because with the collector running the runtime executes RDTSCP,
// which valgrind 3.19 cannot run; it also leaves the collector out of the count.
func TestExtractWithForCallgrind(t *testing.T) {
	if os.Getenv("EVENTS_CALLGRIND") == "" {
		t.Skip("set EVENTS_CALLGRIND=1 and run under valgrind (see the comment)")
	}
	arts := benchCorpus(t, 1000)
	dates := make([][]timeline.Timex, len(arts))
	for i, a := range arts {
		dates[i] = timex.Resolve(a.Text, a.Meta.Date)
	}
	for pass := 0; pass < 2; pass++ {
		for i, a := range arts {
			events.ExtractWith(a, dates[i])
		}
	}
}
