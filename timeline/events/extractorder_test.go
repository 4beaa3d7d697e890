package events_test

import (
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/newsline/timeline/internal/cputime"

	"github.com/newsline/timeline/timeline"
	"github.com/newsline/timeline/timeline/events"
	"github.com/newsline/timeline/timeline/timex"
)

// TestExtractStagesForCallgrind runs the stages of
// BenchmarkExtractionVsResolution once each (after one untimed pass of all)
// over EVENTS_ARTICLES bench articles (default 2,000) when EVENTS_CALLGRIND
// is set, each in a function of its own, so that callgrind (with its cache
// simulation) counts Extract against Resolve and ExtractWith apart. From the
// repository root:
//
//	go test -c -o /tmp/events.test ./timeline/events/ && cd timeline/events &&
//	EVENTS_CALLGRIND=1 GOGC=off GODEBUG=asyncpreemptoff=1 GOMAXPROCS=1 valgrind --tool=callgrind \
//	  --cache-sim=yes --toggle-collect='*events_test.stage*' \
//	  /tmp/events.test -test.run TestExtractStagesForCallgrind
//
// and callgrind_annotate --inclusive=yes lists stageResolve, stageExtract,
// stageExtractWith and stageExtractAll with their instructions and cache
// misses.
func TestExtractStagesForCallgrind(t *testing.T) {
	if os.Getenv("EVENTS_CALLGRIND") == "" {
		t.Skip("set EVENTS_CALLGRIND=1 and run under valgrind (see the comment)")
	}
	n := 2000
	if s := os.Getenv("EVENTS_ARTICLES"); s != "" {
		var err error
		if n, err = strconv.Atoi(s); err != nil {
			t.Fatal(err)
		}
	}
	arts := benchCorpus(t, n)
	dates := make([][]timeline.Timex, len(arts))
	for i, a := range arts {
		dates[i] = timex.Resolve(a.Text, a.Meta.Date)
		events.Extract(a)
	}
	stageResolve(arts)
	per := stageExtract(arts)
	per2 := stageExtractWith(arts, dates)
	per3 := stageExtractAll(arts)
	if len(per) != len(per2) || len(per) != len(per3) {
		t.Fatal("stages saw different corpora")
	}
}

//go:noinline
func stageResolve(arts []timeline.Article) {
	for _, a := range arts {
		timex.Resolve(a.Text, a.Meta.Date)
	}
}

//go:noinline
func stageExtract(arts []timeline.Article) [][]timeline.Event {
	per := make([][]timeline.Event, len(arts))
	for i, a := range arts {
		per[i] = events.Extract(a)
	}
	return per
}

//go:noinline
func stageExtractAll(arts []timeline.Article) [][]timeline.Event {
	return events.ExtractAll(arts, nil)
}

//go:noinline
func stageExtractWith(arts []timeline.Article, dates [][]timeline.Timex) [][]timeline.Event {
	per := make([][]timeline.Event, len(arts))
	for i, a := range arts {
		per[i] = events.ExtractWith(a, dates[i])
	}
	return per
}

// BenchmarkExtractOrder compares, over 10,000 bench articles, Extract (the
// resolver and the extractor alternating article by article) with the same
// work done stage by stage (Resolve for every article, then ExtractWith for
// every article given the dates resolved beforehand, as
// BenchmarkExtractionVsResolution times them), the orders taking turns from
// iteration to iteration, each after a forced collection. It prints the
// process CPU time of each, and cpu-ms-penalty: extract less split.
// EVENTS_VARIANTS adds other orders (see runOrder), comma-separated.
//
// Session 15 found the penalty in neither the instructions nor the garbage
// collector: see runOrder.
func BenchmarkExtractOrder(b *testing.B) {
	arts := benchCorpus(b, benchArticles)
	dates := make([][]timeline.Timex, len(arts))
	for i, a := range arts {
		dates[i] = timex.Resolve(a.Text, a.Meta.Date)
		events.Extract(a)
	}
	names := []string{"extract", "split"}
	if v := os.Getenv("EVENTS_VARIANTS"); v != "" {
		names = append(names, strings.Split(v, ",")...)
	}
	for _, name := range names {
		if !knownOrder(name) {
			b.Fatalf("EVENTS_VARIANTS: unknown order %q", name)
		}
	}
	cpu := make([]time.Duration, len(names))
	var resolve, extractWith time.Duration
	timed := func(run func()) time.Duration {
		runtime.GC()
		c0, _ := cputime.Process()
		run()
		c1, _ := cputime.Process()
		return c1 - c0
	}
	b.ResetTimer()
	for n := 0; n < b.N; n++ {
		for r := range names {
			k := (n + r) % len(names)
			if names[k] == "split" { // timed as two stages, each after a collection
				d1 := timed(func() { stageResolve(arts) })
				d2 := timed(func() { stageExtractWith(arts, dates) })
				resolve, extractWith = resolve+d1, extractWith+d2
				cpu[k] += d1 + d2
				continue
			}
			cpu[k] += timed(func() { runOrder(names[k], arts, dates) })
		}
	}
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1e3 / float64(b.N) }
	for k, name := range names {
		b.ReportMetric(ms(cpu[k]), "cpu-ms-"+name)
	}
	b.ReportMetric(ms(resolve), "cpu-ms-resolve")
	b.ReportMetric(ms(extractWith), "cpu-ms-extractwith")
	b.ReportMetric(ms(cpu[0]-cpu[1]), "cpu-ms-penalty")
}

// TestExtractOrderForPerf runs one order of runOrder, EVENTS_ORDER,
// EVENTS_PASSES times (default 6) over 10,000 bench articles, each after a
// collection, for perf record to profile the orders apart, e.g.
//
//	EVENTS_ORDER=batch64 GOMAXPROCS=1 perf record -e cpu-clock /tmp/events.test -test.run TestExtractOrderForPerf
func TestExtractOrderForPerf(t *testing.T) {
	order := os.Getenv("EVENTS_ORDER")
	if order == "" {
		t.Skip("set EVENTS_ORDER (see runOrder) and run under perf record")
	}
	if !knownOrder(order) {
		t.Fatalf("EVENTS_ORDER: unknown order %q", order)
	}
	passes := 6
	if s := os.Getenv("EVENTS_PASSES"); s != "" {
		var err error
		if passes, err = strconv.Atoi(s); err != nil {
			t.Fatal(err)
		}
	}
	arts := benchCorpus(t, benchArticles)
	dates := make([][]timeline.Timex, len(arts))
	for i, a := range arts {
		dates[i] = timex.Resolve(a.Text, a.Meta.Date)
		events.Extract(a)
	}
	for p := 0; p < passes; p++ {
		runtime.GC()
		runOrder(order, arts, dates)
	}
}

// runOrder runs the resolver and the extractor over arts in one order:
//
//	extract     Extract per article (they alternate)
//	split       Resolve for all, then ExtractWith for all given dates
//	twice       per article, Resolve, then ExtractWith given dates
//	twiceapart  twice with the resolver given the article half the corpus away
//	batchK      Resolve K articles, then ExtractWith each of them
//	all         ExtractAll (batches of BatchArticles)
//
// Measured in session 15 (BenchmarkExtractOrder, 6x, -cpu 1): the penalty
// of alternating is the same for batch1 to batch64 and gone at batch1024;
// twiceapart pays it as twice does, so it comes from alternating the two
// packages' code, not from sharing a text; callgrind counts the same
// instructions and about the same simulated cache misses both ways, but 11%
// more mispredicted conditional branches alternating (--branch-sim=yes).
func runOrder(order string, arts []timeline.Article, dates [][]timeline.Timex) {
	switch {
	case order == "extract":
		stageExtract(arts)
	case order == "split":
		stageResolve(arts)
		stageExtractWith(arts, dates)
	case order == "twice":
		stageTwice(arts, dates, 0)
	case order == "twiceapart":
		stageTwice(arts, dates, len(arts)/2)
	case order == "all":
		stageExtractAll(arts)
	case strings.HasPrefix(order, "batch"):
		size, _ := strconv.Atoi(order[len("batch"):])
		stageBatch(arts, size)
	}
}

func knownOrder(order string) bool {
	switch order {
	case "extract", "split", "twice", "twiceapart", "all":
		return true
	}
	size, err := strconv.Atoi(strings.TrimPrefix(order, "batch"))
	return strings.HasPrefix(order, "batch") && err == nil && size >= 1
}

//go:noinline
func stageBatch(arts []timeline.Article, k int) {
	ts := make([][]timeline.Timex, k)
	for i := 0; i < len(arts); i += k {
		group := arts[i:min(i+k, len(arts))]
		for j, a := range group {
			ts[j] = timex.ResolveAppend(ts[j][:0], a.Text, a.Meta.Date)
		}
		for j, a := range group {
			events.ExtractWith(a, ts[j])
		}
	}
}

// stageTwice resolves article i+shift (mod the corpus), then extracts
// article i given its dates resolved beforehand.
//
//go:noinline
func stageTwice(arts []timeline.Article, dates [][]timeline.Timex, shift int) {
	for i, a := range arts {
		r := arts[(i+shift)%len(arts)]
		timex.Resolve(r.Text, r.Meta.Date)
		events.ExtractWith(a, dates[i])
	}
}
