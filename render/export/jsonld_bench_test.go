package export

import (
	"testing"

	"github.com/newsline/timeline/internal/cputime"
	"github.com/newsline/timeline/timeline"
)

// BenchmarkEventJSONLD writes the JSON-LD of 10,000 event pages, as a full
// build does once per event page, and reports CPU microseconds per event.
func BenchmarkEventJSONLD(b *testing.B) {
	tl := bigTimeline(b, 10000)
	for i := range tl.Events {
		tl.Events[i].Entities = []timeline.Entity{{Name: "Yerevan", Kind: timeline.Place}, {Name: "Nikol Pashinyan", Kind: timeline.Person}}
	}
	s := Site{Title: "Bench", BaseURL: "https://x.example/news/", EventURL: func(ev timeline.Event) string { return "events/" + ev.ID + "/" }}
	benchPerItem(b, len(tl.Events), "cpu-µs/event", func() error {
		for i := range tl.Events {
			if _, err := EventJSONLD(tl.Events[i], s); err != nil {
				return err
			}
		}
		return nil
	})
}

// benchPerItem runs work b.N times and reports the process CPU time per item.
func benchPerItem(b *testing.B, items int, unit string, work func() error) {
	cpu0, _ := cputime.Process()
	for i := 0; i < b.N; i++ {
		if err := work(); err != nil {
			b.Fatal(err)
		}
	}
	cpu1, _ := cputime.Process()
	b.ReportMetric(float64((cpu1-cpu0).Nanoseconds())/unitScale[unit]/float64(b.N*items), unit)
}

var unitScale = map[string]float64{"cpu-µs/event": 1e3, "cpu-ms/sitemap": 1e6}
