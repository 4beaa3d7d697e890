package export

import (
	"crypto/sha256"
	"fmt"
	"io"
	"testing"
	"time"

	"github.com/newsline/timeline/internal/cputime"
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

// withOneMoreArticle is tl after a rebuild that adds a newer article telling
// ten new events, spread over the timeline.
func withOneMoreArticle(tl timeline.Timeline) timeline.Timeline {
	tl.Articles = append(tl.Articles[:len(tl.Articles):len(tl.Articles)], timeline.Article{Slug: "added",
		Meta: timeline.Meta{Title: "Added", Date: day("2030-01-01")}})
	tl.Events = append([]timeline.Event(nil), tl.Events...)
	for i := 0; i < 10; i++ {
		tl.Events = append(tl.Events, timeline.Event{ID: fmt.Sprintf("new%d", i), Title: "A new event", Start: tl.Events[i*len(tl.Events)/10].Start,
			Mentions: []timeline.Mention{{Article: "added", Text: "A sentence of the added article."}}})
	}
	return tl
}

// countingDiscard is where the benchmarks stream to: a site build writes
// through a buffer into a file, never into one growing slice.
type countingDiscard struct{ n int64 }

func (c *countingDiscard) Write(b []byte) (int, error) { c.n += int64(len(b)); return len(b), nil }

// BenchmarkExports10k streams each timeline-wide export of 10,000 events and
// reports the process CPU and wall milliseconds per export and its size.
// "spliced" writes the file again after one article added ten events and
// moved the build date, copying the other fragments from the published
// copy (SpliceStore), as an incremental build does.
func BenchmarkExports10k(b *testing.B) {
	tl := bigTimeline(b, 10000)
	edited := withOneMoreArticle(tl)
	s := Site{Title: "Bench", BaseURL: "https://x.example/"}
	exports := []struct {
		name, file string
		write      func(io.Writer, timeline.Timeline, Site) error
	}{{"TimelineJS", "timeline.json", WriteTimelineJS}, {"ICS", "events.ics", WriteICS}, {"CSV", "events.csv", WriteCSV}, {"Atom", "", WriteAtom}}
	for _, e := range exports {
		b.Run(e.name, func(b *testing.B) {
			benchExport(b, func(w io.Writer) error { return e.write(w, tl, s) })
		})
		if e.file == "" {
			continue
		}
		b.Run(e.name+"/spliced", func(b *testing.B) {
			store := newMemSplices()
			spliced := s
			spliced.Splices = store
			spliced.EventDigest = eventDigests(tl, edited) // as render gives them, made at plan time
			published := renderExport(b, spliceExport{e.file, e.write}, tl, spliced)
			store.publish(e.file, published)
			benchExport(b, func(w io.Writer) error { return e.write(w, edited, spliced) })
			if st := store.stats[e.file]; st.Rendered > 10 {
				b.Fatalf("%s: %d fragments rendered, want 10", e.file, st.Rendered)
			}
		})
	}
}

func benchExport(b *testing.B, write func(io.Writer) error) {
	var out countingDiscard
	cpu0, _ := cputime.Process()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		out.n = 0
		if err := write(&out); err != nil {
			b.Fatal(err)
		}
	}
	cpu1, _ := cputime.Process()
	b.ReportMetric(float64((cpu1-cpu0).Microseconds())/1e3/float64(b.N), "cpu-ms/export")
	b.ReportMetric(float64(time.Since(start).Microseconds())/1e3/float64(b.N), "ms/export")
	b.ReportMetric(float64(out.n)/1e6, "MB")
}

// eventDigests stands for render's per-event digests (Site.EventDigest) of
// two timelines that share their first events: one function serves both.
func eventDigests(a, b timeline.Timeline) func(int) []byte {
	digests := make([][]byte, max(len(a.Events), len(b.Events)))
	for i := range digests {
		ev := b.Events[min(i, len(b.Events)-1)]
		if i < len(a.Events) {
			ev = a.Events[i]
		}
		sum := sha256.Sum256([]byte(ev.ID + "\x00" + ev.Title + "\x00" + ev.Start.Value))
		digests[i] = sum[:16]
	}
	return func(i int) []byte { return digests[i] }
}
