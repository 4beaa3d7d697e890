package export

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/newsline/timeline/timeline"
)

// orderBenchEvents is n events over about n/16 distinct dates (the kept
// 10k corpus: 116,745 events on 7,176 dates) of mixed precision, sorted as
// merge gives them (date, title, ID).
func orderBenchEvents(n int) []timeline.Event {
	base := time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC)
	events := make([]timeline.Event, n)
	for i := range events {
		t := base.AddDate(0, 0, (i*7919)%(n/16+1))
		var value string
		switch i % 4 {
		case 0, 1:
			value = t.Format("2006-01-02")
		case 2:
			value = t.Format("2006-01")
		default:
			value = t.Format("2006")
		}
		d, err := timeline.ParseDate(value)
		if err != nil {
			panic(err)
		}
		events[i] = timeline.Event{ID: fmt.Sprintf("e%06d", (i*131)%n), Title: fmt.Sprintf("Event %d", i%97), Start: d}
	}
	slices.SortStableFunc(events, func(a, b timeline.Event) int {
		if c := a.Start.Compare(b.Start); c != 0 {
			return c
		}
		if c := strings.Compare(a.Title, b.Title); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	return events
}

// BenchmarkOrderedEvents orders 116,745 events sorted as merge gives them:
// the check of neighbouring dates and the sorts of each date's run.
func BenchmarkOrderedEvents(b *testing.B) {
	events := orderBenchEvents(116745)
	order := orderedEvents // called through a variable: never inlined, so callgrind can toggle on it
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if out := order(events, true); len(out) != len(events) {
			b.Fatal(len(out))
		}
	}
}
