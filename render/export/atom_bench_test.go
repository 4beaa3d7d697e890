package export

import (
	"fmt"
	"math/rand"
	"testing"

	"github.com/newsline/timeline/internal/cputime"
	"github.com/newsline/timeline/timeline"
)

// BenchmarkNewestReportsScale picks the feed's entries (newestReports) of
// 116,000 events, each citing one to three of 10,000 articles at random, as
// a site's events do, with the mentions' articles given by CitedArticle (as
// render gives them), per mention or by event (CitedArticles, with the
// exports' shared order: see newestReports). It reports the process CPU milliseconds per pick:
// every build makes it, however little changed, since the feed is written
// whole.
//
//	go test -run '^$' -bench NewestReportsScale -benchtime 20x ./render/export
func BenchmarkNewestReportsScale(b *testing.B) {
	r := rand.New(rand.NewSource(1))
	var tl timeline.Timeline
	for i := 0; i < 10000; i++ {
		tl.Articles = append(tl.Articles, timeline.Article{Slug: fmt.Sprintf("article-%05d", i),
			Meta: timeline.Meta{Title: fmt.Sprintf("Article %d", i), Date: day("2015-01-01").AddDate(0, 0, r.Intn(3650))}})
	}
	cites := make([][]int, 116000)
	base := day("1990-01-01")
	for i := range cites {
		var ms []timeline.Mention
		for k := 1 + r.Intn(3); k > 0; k-- {
			a := r.Intn(len(tl.Articles))
			cites[i] = append(cites[i], a)
			ms = append(ms, timeline.Mention{Article: tl.Articles[a].Slug, Text: "A sentence."})
		}
		tl.Events = append(tl.Events, timeline.Event{ID: fmt.Sprintf("e%06d", i), Title: "An event",
			Start: timeline.DateOf(base.AddDate(0, 0, i/4)), Mentions: ms})
	}
	flat := make([][]int32, len(cites))
	for i, c := range cites {
		for _, a := range c {
			flat[i] = append(flat[i], int32(a))
		}
	}
	// per-mention: each event and its mentions read; by-event: as render
	// gives the exports, with the shared order already made by the others.
	for _, byEvent := range []bool{false, true} {
		name := map[bool]string{false: "per-mention", true: "by-event"}[byEvent]
		b.Run(name, func(b *testing.B) {
			s := absoluteSite()
			s.CitedArticle = func(i, j int) int { return cites[i][j] }
			if byEvent {
				s.CitedArticles = func(i int) []int32 { return flat[i] }
				s.Order = new(EventOrder)
			}
			p, err := prepare(s, tl)
			if err != nil {
				b.Fatal(err)
			}
			if byEvent {
				p.order(tl.Events, true)
			}
			b.ResetTimer()
			cpu0, _ := cputime.Process()
			for i := 0; i < b.N; i++ {
				if top, _ := p.newestReports(tl.Events); len(top) != AtomEntries {
					b.Fatalf("%d entries", len(top))
				}
			}
			cpu1, _ := cputime.Process()
			b.ReportMetric(float64((cpu1-cpu0).Microseconds())/1e3/float64(b.N), "cpu-ms/pick")
		})
	}
}
