package merge_test

import (
	"fmt"
	"runtime"
	"sync"
	"testing"

	"github.com/newsline/timeline/internal/cputime"
	"github.com/newsline/timeline/internal/newscorpus"
	"github.com/newsline/timeline/timeline"
	"github.com/newsline/timeline/timeline/events"
	"github.com/newsline/timeline/timeline/ingest"
	"github.com/newsline/timeline/timeline/merge"
)

// BenchmarkMergeEvents merges the real candidate events (ingest + events.Extract)
// of generated news articles, about 10,000 and 100,000 candidates, and reports
// ns/event and events/s: a flat ns/event from 10k to 100k shows the cost is
// about linear. Process CPU time per event is reported too (it includes the
// garbage collector's work on the other core). The 10,000-article scale corpus (internal/newscorpus, as in
// the site scale benchmark) extracts to about 190,000 candidates.
func BenchmarkMergeEvents(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		b.Run(fmt.Sprintf("%dk", n/1000), func(b *testing.B) {
			articles, per, _ := extractedCorpus(b, n)
			benchMerge(b, articles, per)
		})
	}
}

// benchMerge times merge.Merge on one corpus after an untimed pass (the first
// pass grows the heap) and reports wall and process CPU time per event (CPU
// is the fairer figure on a shared, loaded machine), CPU per build, and the
// number of candidates.
func benchMerge(b *testing.B, articles []timeline.Article, per [][]timeline.Event) {
	total := 0
	for _, evs := range per {
		total += len(evs)
	}
	merge.Merge(articles, per)
	runtime.GC()
	b.ResetTimer()
	cpu0, ok0 := cputime.Process()
	for i := 0; i < b.N; i++ {
		merge.Merge(articles, per)
	}
	cpu1, ok1 := cputime.Process()
	events := float64(b.N * total)
	perEvent := float64(b.Elapsed().Nanoseconds()) / events
	b.ReportMetric(perEvent, "ns/event")
	b.ReportMetric(1e9/perEvent, "events/s")
	if ok0 && ok1 {
		cpu := float64((cpu1 - cpu0).Nanoseconds())
		b.ReportMetric(cpu/events, "cpu-ns/event")
		b.ReportMetric(cpu/float64(b.N)/1e6, "cpu-ms/build")
	}
	b.ReportMetric(float64(total), "candidates")
}

var corpora sync.Map // int -> *extracted

type extracted struct {
	once     sync.Once
	articles []timeline.Article
	per      [][]timeline.Event
	total    int
}

// extractedCorpus returns generated articles and their extracted candidate
// events, whole articles until there are at least n candidates.
func extractedCorpus(b testing.TB, n int) ([]timeline.Article, [][]timeline.Event, int) {
	v, _ := corpora.LoadOrStore(n, &extracted{})
	c := v.(*extracted)
	c.once.Do(func() {
		gen := newscorpus.New(20240614)
		for i := 0; c.total < n; i++ {
			a, err := ingest.Parse(fmt.Sprintf("content/article-%05d.md", i), gen.Article(i), nil, ingest.Options{})
			if err != nil {
				b.Fatalf("generated article %d: %v", i, err)
			}
			evs := events.Extract(a)
			c.articles = append(c.articles, a)
			c.per = append(c.per, evs)
			c.total += len(evs)
		}
	})
	return c.articles, c.per, c.total
}

// BenchmarkMergeScale10k merges the candidates of the site scale benchmark's
// 10,000 generated articles (about 190,000 candidates) and reports the
// process CPU time per event and per build.
func BenchmarkMergeScale10k(b *testing.B) {
	articles, per := scaleCorpus(b)
	benchMerge(b, articles, per)
}
