package export

import (
	"crypto/sha256"
	"fmt"
	"io"
	"math/rand"
	"testing"
	"time"

	"github.com/newsline/timeline/internal/cputime"
	"github.com/newsline/timeline/timeline"
)

// discardRanges is a RangeCopier that keeps nothing: the benchmark measures
// the export's own work, not the copy the operating system does.
type discardRanges struct{ n int64 }

func (d *discardRanges) Write(b []byte) (int, error) { d.n += int64(len(b)); return len(b), nil }

func (d *discardRanges) CopyRange(_ io.ReaderAt, _, n int64) error { d.n += n; return nil }

// scatteredIDs gives every event a freshly allocated ID, in a random order
// and between other allocations, so that, as in a merged timeline read from
// a cache, the IDs do not lie in event order in memory.
func scatteredIDs(tl timeline.Timeline) {
	r := rand.New(rand.NewSource(1))
	var keep [][]byte
	for _, i := range r.Perm(len(tl.Events)) {
		tl.Events[i].ID = fmt.Sprintf("%016x", r.Uint64())
		keep = append(keep, make([]byte, 64+r.Intn(256)))
	}
	_ = keep
}

// BenchmarkSplicedExportsScale writes timeline.json, events.ics and
// events.csv of a 116,000-event timeline (the scale benchmark's 10,000
// articles) after one article added ten events, as a warm incremental build
// does: render's Site (URL pattern, digests, unique IDs, one shared order),
// the previous files vouched for by the store and copied by range. It
// reports the process CPU milliseconds of the three exports together.
// In fixed-date, Site.Updated is the same in both builds; in newest-article
// it is derived from the articles, as render leaves it, and the added
// article is the newest (as an editor's new article usually is).
//
//	go test -run '^$' -bench SplicedExportsScale -benchtime 10x ./render/export
func BenchmarkSplicedExportsScale(b *testing.B) {
	tl := bigTimeline(b, 116000)
	scatteredIDs(tl)
	edited := withTenInserted(tl)
	before, after := digestsOf(tl), digestsOf(edited)
	for _, c := range []struct {
		name    string
		updated time.Time
	}{{"fixed-date", day("2031-01-01")}, {"newest-article", time.Time{}}} {
		b.Run(c.name, func(b *testing.B) {
			site := func(store SpliceStore, digests func(int) []byte) Site {
				return Site{Title: "Bench", BaseURL: "https://x.example/", Splices: store, EventDigest: digests, UniqueIDs: true, SlugIDs: true,
					EventURLPattern: "events/{ID}/", EventURL: func(ev timeline.Event) string { return "events/" + ev.ID + "/" },
					Order: new(EventOrder), Updated: c.updated}
			}
			store := &vouchingStore{memSplices: newMemSplices()}
			s := site(store, before)
			for _, e := range splicedExports {
				store.publish(e.file, renderExport(b, e, tl, s))
			}
			store.statsOnly = true // what a build's store does with the new indexes is not the exports' cost
			b.ResetTimer()
			cpu0, _ := cputime.Process()
			start := time.Now()
			for i := 0; i < b.N; i++ {
				s := site(store, after)
				for _, e := range splicedExports {
					var out discardRanges
					if err := e.write(&out, edited, s); err != nil {
						b.Fatal(err)
					}
					if st := store.stats[e.file]; st.Rendered > 10 || !st.Vouched {
						b.Fatalf("%s: %+v, want 10 fragments rendered, the rest copied", e.file, st)
					}
				}
			}
			cpu1, _ := cputime.Process()
			b.ReportMetric(float64((cpu1-cpu0).Microseconds())/1e3/float64(b.N), "cpu-ms/3-exports")
			b.ReportMetric(float64(time.Since(start).Microseconds())/1e3/float64(b.N), "ms/3-exports")
		})
	}
}

// withTenInserted is tl after one article added ten events, each in its
// place by date (as merge sorts them), spread over the timeline. The
// article is newer than bigTimeline's (dated from 2024 a day apart).
func withTenInserted(tl timeline.Timeline) timeline.Timeline {
	out := tl
	out.Articles = append(tl.Articles[:len(tl.Articles):len(tl.Articles)], timeline.Article{Slug: "added",
		Meta: timeline.Meta{Title: "Added", Date: day("2090-01-01")}})
	out.Events = make([]timeline.Event, 0, len(tl.Events)+10)
	for i := range tl.Events {
		if i%(len(tl.Events)/10) == 0 && i/(len(tl.Events)/10) < 10 {
			out.Events = append(out.Events, timeline.Event{ID: fmt.Sprintf("new%d", i), Title: "A new event", Start: tl.Events[i].Start,
				Mentions: []timeline.Mention{{Article: "added", Text: "A sentence of the added article."}}})
		}
		out.Events = append(out.Events, tl.Events[i])
	}
	return out
}

// digestsOf stands for render's per-event digests (Site.EventDigest).
func digestsOf(tl timeline.Timeline) func(int) []byte {
	digests := make([][16]byte, len(tl.Events))
	for i, ev := range tl.Events {
		sum := sha256.Sum256([]byte(ev.ID + "\x00" + ev.Title + "\x00" + ev.Start.Value))
		digests[i] = [16]byte(sum[:16])
	}
	return func(i int) []byte { return digests[i][:] }
}
