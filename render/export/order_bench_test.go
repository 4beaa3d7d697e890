package export

import (
	"fmt"
	"os"
	"strconv"
	"sync"
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
		prec := i % 4
		if os.Getenv("ORDER_DAYS") != "" { // days only: runs of 16 on average
			prec = 0
		}
		switch prec {
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
	sortAsMerge(events)
	return events
}

var orderBenchOnce = sync.OnceValue(func() []timeline.Event { return orderBenchEvents(116745) })

// BenchmarkOrderedEvents orders 116,745 events sorted as merge gives them:
// the check of neighbouring dates and the sorts of each date's run.
func BenchmarkOrderedEvents(b *testing.B) {
	events := orderBenchOnce() // the same events for every run of the function
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if out := orderedEvents(events, true); len(out) != len(events) {
			b.Fatal(len(out))
		}
	}
}

// TestOrderedEventsCalls (ORDER_CALLS=n) orders the benchmark's events n
// times and nothing else, for callgrind: the instructions of n=11 less those
// of n=1 are ten orderings (callgrind's --toggle-collect on orderedEvents
// miscounts when the goroutine's stack grows inside it, by 2-5x).
func TestOrderedEventsCalls(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("ORDER_CALLS"))
	if n == 0 {
		t.Skip("set ORDER_CALLS=n to order the benchmark's events n times")
	}
	events := orderBenchOnce()
	for range n {
		if out := orderedEvents(events, true); len(out) != len(events) {
			t.Fatal(len(out))
		}
	}
}

// BenchmarkEventOrderShared is what the exports of one build ask of their
// EventOrder: every event in order (timeline.json), then the exportable ones
// (events.ics, events.csv), from a new EventOrder each time, on the 116,745
// events of BenchmarkOrderedEvents (25 MB of them: the second list read
// them all again).
func BenchmarkEventOrderShared(b *testing.B) {
	events := orderBenchOnce()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		p := &site{Site: Site{Order: new(EventOrder)}}
		if all, some := p.order(events, true), p.order(events, false); len(all) != len(events) || len(some) == 0 {
			b.Fatal(len(all), len(some))
		}
	}
}
