package render

import (
	"io"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/newsline/timeline/internal/cputime"
	"github.com/newsline/timeline/timeline"
)

// warmScale is a warm rebuild at the scale benchmarks' size: the previous
// plan's memo bytes of 116,000 events, and the timeline after one new
// article told twelve events with the Changes that say so.
type warmScale struct {
	cfg  Config
	memo []byte
	tl   timeline.Timeline
	ch   *timeline.Changes
}

func newWarmScale(b *testing.B) warmScale {
	base := synthetic(b, 116000)
	cfg := Config{Title: "Benchmark", BaseURL: "https://school.example/history/"}
	first, err := PlanIncremental(base, cfg, nil, nil)
	if err != nil {
		b.Fatal(err)
	}
	w := warmScale{cfg: cfg, memo: first.AppendMemo(nil), tl: withNewArticle(b, base), ch: &timeline.Changes{Known: true}}
	for _, ev := range w.tl.Events {
		if strings.HasPrefix(ev.ID, "new") {
			w.ch.Changed = append(w.ch.Changed, ev.ID)
		}
	}
	slices.Sort(w.ch.Changed)
	return w
}

// planned parses the memo and plans the new timeline with it.
func (w warmScale) planned(b *testing.B) (*Memo, *Incremental) {
	memo, err := ParseMemo(w.memo)
	if err != nil {
		b.Fatal(err)
	}
	r, err := PlanIncremental(w.tl, w.cfg, memo, w.ch)
	if err != nil {
		b.Fatal(err)
	}
	return memo, r
}

// BenchmarkPlanMemoScale is a warm rebuild's plan at the scale benchmark's
// size (116,000 events) after one new article told twelve events: the
// previous plan's memo read, the plan made with it and the Changes, and the
// next memo written, as a build does. It reports the process CPU
// milliseconds of the three together, of the plan alone and of writing the
// next memo (AppendMemo) alone. arrays=lent plans with one PlanBuffers, as
// a site.Session's builds do; arrays=fresh allocates them every plan.
//
//	go test -run '^$' -bench PlanMemoScale -benchtime 10x ./render
func BenchmarkPlanMemoScale(b *testing.B) {
	w := newWarmScale(b)
	for _, lent := range []bool{false, true} {
		name := map[bool]string{false: "arrays=fresh", true: "arrays=lent"}[lent]
		b.Run(name, func(b *testing.B) {
			if lent {
				w.cfg.Buffers = &PlanBuffers{}
			}
			planMemoScale(b, w)
		})
	}
}

func planMemoScale(b *testing.B, w warmScale) {
	memo, cfg, tl, ch := w.memo, w.cfg, w.tl, w.ch
	var next []byte
	var planCPU, memoCPU float64
	var stats PlanStats
	b.ResetTimer()
	cpu0, _ := cputime.Process()
	for i := 0; i < b.N; i++ {
		m, err := ParseMemo(memo)
		if err != nil {
			b.Fatal(err)
		}
		p0, _ := cputime.Process()
		r, err := PlanIncremental(tl, cfg, m, ch)
		if err != nil {
			b.Fatal(err)
		}
		p1, _ := cputime.Process()
		planCPU += (p1 - p0).Seconds()
		if !r.Stats.MemoUsed || r.Stats.Events-r.Stats.Digests > 12 {
			b.Fatalf("memo not used: %+v", r.Stats)
		}
		p2, _ := cputime.Process()
		next = r.AppendMemo(next[:0])
		p3, _ := cputime.Process()
		memoCPU += (p3 - p2).Seconds()
		stats = r.Stats
	}
	cpu1, _ := cputime.Process()
	b.ReportMetric((cpu1-cpu0).Seconds()*1000/float64(b.N), "cpu-ms/plan+memo")
	b.ReportMetric(planCPU*1000/float64(b.N), "cpu-ms/plan")
	b.ReportMetric(memoCPU*1000/float64(b.N), "cpu-ms/memo")
	b.ReportMetric(float64(stats.Events-stats.Keys), "event-keys-made")
	b.ReportMetric(float64(len(tl.Articles)-stats.Articles), "article-keys-made")
}

// BenchmarkAppendMemoScale writes the memo of a warm plan at the scale
// benchmark's size (116,000 events, twelve new) into a reused buffer: the
// entries the previous memo holds as they are copied from it (memoCopies).
// It reports the events copied and the CPU milliseconds per memo, appended
// to a reused buffer (AppendMemo) and streamed (WriteMemo, as a build does,
// here to io.Discard).
//
//	go test -run '^$' -bench AppendMemoScale -benchtime 20x ./render
func BenchmarkAppendMemoScale(b *testing.B) {
	_, r := newWarmScale(b).planned(b)
	next := r.AppendMemo(nil)
	b.ResetTimer()
	var appendCPU, writeCPU float64
	for i := 0; i < b.N; i++ {
		cpu0, _ := cputime.Process()
		next = r.AppendMemo(next[:0])
		cpu1, _ := cputime.Process()
		if err := r.WriteMemo(io.Discard); err != nil {
			b.Fatal(err)
		}
		cpu2, _ := cputime.Process()
		appendCPU += (cpu1 - cpu0).Seconds()
		writeCPU += (cpu2 - cpu1).Seconds()
	}
	b.ReportMetric(appendCPU*1000/float64(b.N), "cpu-ms/append-memo")
	b.ReportMetric(writeCPU*1000/float64(b.N), "cpu-ms/write-memo")
	b.ReportMetric(float64(r.memoCopies().copied()), "events-copied")
	b.ReportMetric(float64(len(r.memoCopies().runs)), "runs")
	b.ReportMetric(float64(len(next))/(1<<20), "MB")
}

// BenchmarkCheckNamesScale is a plan's first pass at the scale benchmark's
// size (116,000 events): the event pages' paths cut from one string
// (eventPaths) and the slugs and IDs checked for safety and repeats. It
// reports the CPU milliseconds of eventPaths alone and of checkNames (which
// calls eventPaths itself: the rest is the checks).
//
//	go test -run '^$' -bench CheckNamesScale -benchtime 20x ./render
func BenchmarkCheckNamesScale(b *testing.B) {
	tl := synthetic(b, 116000)
	var pathsCPU, checkCPU float64
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		s := &site{tl: tl, articles: make(map[string]int, len(tl.Articles))}
		cpu0, _ := cputime.Process()
		s.eventPaths()
		cpu1, _ := cputime.Process()
		if err := s.checkNames(); err != nil {
			b.Fatal(err)
		}
		cpu2, _ := cputime.Process()
		pathsCPU += (cpu1 - cpu0).Seconds()
		checkCPU += (cpu2 - cpu1).Seconds()
	}
	b.ReportMetric(pathsCPU*1000/float64(b.N), "cpu-ms/eventPaths")
	b.ReportMetric(checkCPU*1000/float64(b.N), "cpu-ms/checkNames")
}

// BenchmarkMatchMemoScale is the memo matching of a warm plan at the scale
// benchmark's size (116,000 events, twelve new): which events may take
// their record from the previous memo. It reports CPU milliseconds per match.
//
//	go test -run '^$' -bench MatchMemoScale -benchtime 40x ./render
func BenchmarkMatchMemoScale(b *testing.B) {
	w := newWarmScale(b)
	memo, r := w.planned(b)
	ch, s := w.ch, r.s
	b.ResetTimer()
	c0, _ := cputime.Process()
	for i := 0; i < b.N; i++ {
		if at, refused := s.matchMemo(memo, ch); at == nil || refused {
			b.Fatal("memo refused")
		}
	}
	c1, _ := cputime.Process()
	b.ReportMetric((c1-c0).Seconds()*1000/float64(b.N), "cpu-ms/match")
}

// BenchmarkSitemapScale renders the sitemap files of a 116,000-event site
// with a base URL (an index and three numbered files sharing one sorted list
// of 127,000 URLs). Their Keys follow the whole timeline, so every build
// that changes an event renders them again. It reports the process CPU
// milliseconds and the MB allocated per rendering of all of them.
//
//	go test -run '^$' -bench SitemapScale -benchtime 5x ./render
func BenchmarkSitemapScale(b *testing.B) {
	tl := synthetic(b, 116000)
	plan, err := Plan(tl, Config{Title: "Benchmark", BaseURL: "https://school.example/history/"})
	if err != nil {
		b.Fatal(err)
	}
	var pages []Page
	for _, p := range plan {
		if strings.HasPrefix(p.Path, "sitemap") {
			pages = append(pages, p)
		}
	}
	var m0, m1 runtime.MemStats
	runtime.ReadMemStats(&m0)
	b.ResetTimer()
	cpu0, _ := cputime.Process()
	for i := 0; i < b.N; i++ {
		for _, p := range pages {
			if err := p.Render(io.Discard); err != nil {
				b.Fatal(err)
			}
		}
	}
	cpu1, _ := cputime.Process()
	b.StopTimer()
	runtime.ReadMemStats(&m1)
	b.ReportMetric((cpu1-cpu0).Seconds()*1000/float64(b.N), "cpu-ms/sitemap")
	b.ReportMetric(float64(m1.TotalAlloc-m0.TotalAlloc)/(1<<20)/float64(b.N), "MB/sitemap")
	b.ReportMetric(float64(len(pages)), "files")
}
