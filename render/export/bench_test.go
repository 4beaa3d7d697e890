package export

import (
	"fmt"
	"testing"
	"time"

	"github.com/newsline/timeline/timeline"
)

// bigTimeline is n day-precision events told by n/10 articles.
func bigTimeline(b *testing.B, n int) timeline.Timeline {
	var tl timeline.Timeline
	for i := 0; i < n/10; i++ {
		tl.Articles = append(tl.Articles, timeline.Article{Slug: fmt.Sprintf("a%d", i),
			Meta: timeline.Meta{Title: fmt.Sprintf("Article %d", i), Date: day("2024-01-01").AddDate(0, 0, i)}})
	}
	base := day("1990-01-01")
	for i := 0; i < n; i++ {
		d := timeline.DateOf(base.AddDate(0, 0, i))
		tl.Events = append(tl.Events, timeline.Event{ID: fmt.Sprintf("e%05d", i), Title: fmt.Sprintf("Event number %d, with a comma", i), Start: d,
			Mentions: []timeline.Mention{{Article: fmt.Sprintf("a%d", i/10), Text: "A sentence that tells of the event at some length, as news does."}}})
	}
	return tl
}

// BenchmarkExports10k times each timeline-wide export on 10,000 events and
// reports milliseconds per export and output size.
func BenchmarkExports10k(b *testing.B) {
	tl := bigTimeline(b, 10000)
	s := Site{Title: "Bench", BaseURL: "https://x.example/"}
	for _, c := range []struct {
		name string
		fn   func(timeline.Timeline, Site) ([]byte, error)
	}{{"TimelineJS", TimelineJS}, {"ICS", ICS}, {"CSV", CSV}, {"Atom", Atom}} {
		b.Run(c.name, func(b *testing.B) {
			var size int
			start := time.Now()
			for i := 0; i < b.N; i++ {
				out, err := c.fn(tl, s)
				if err != nil {
					b.Fatal(err)
				}
				size = len(out)
			}
			b.ReportMetric(float64(time.Since(start).Milliseconds())/float64(b.N), "ms/export")
			b.ReportMetric(float64(size)/1e6, "MB")
		})
	}
}
