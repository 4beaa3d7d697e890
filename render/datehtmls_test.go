package render

import (
	"math/rand"
	"sync"
	"testing"
	"time"

	"github.com/newsline/timeline/timeline"
)

// TestEventDatesAsFormattedEach: with the dates' HTML kept by date
// (dateHTMLs), every event's date is what formatting its own start and end
// gives, over events sharing dates, ranges sharing a start, dates alike but
// for their value, granularity, instant or zone, read from four goroutines
// at once.
func TestEventDatesAsFormattedEach(t *testing.T) {
	r := rand.New(rand.NewSource(14))
	values := []string{"2024-06-12", "2024-06", "2024", "2024-W24", "2024-Q2", "199", "2019-SU", "2024-06-12T10:30"}
	var dates []timeline.Date
	for _, v := range values {
		d, err := timeline.ParseDate(v)
		if err != nil {
			t.Fatal(err)
		}
		dates = append(dates, d)
		odd := d
		odd.Value = d.Value + "X" // the same span, another value
		dates = append(dates, odd)
		odd = d
		odd.Gran = timeline.GranDay // another granularity
		dates = append(dates, odd)
		odd = d
		odd.Start = d.Start.In(time.FixedZone("east", 3*3600)) // the same instant in another zone
		dates = append(dates, odd)
		odd = d
		odd.Start = d.Start.Add(time.Hour)
		dates = append(dates, odd)
	}
	var tl timeline.Timeline
	for i := 0; i < 3000; i++ {
		ev := timeline.Event{ID: "e", Start: dates[r.Intn(len(dates))]}
		if r.Intn(3) == 0 {
			end := dates[r.Intn(len(dates))]
			ev.End = &end
		}
		tl.Events = append(tl.Events, ev)
	}
	s := &site{tl: tl, dates: newFragments("date", len(tl.Events))}
	var wg sync.WaitGroup
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range tl.Events {
				j := (i*7 + w*991) % len(tl.Events)
				got, err := eventDate{s, j}.HTML()
				if err != nil {
					t.Error(err)
					return
				}
				if want := dateHTML(dateViewOf(tl.Events[j].Start, tl.Events[j].End)); got != want {
					t.Errorf("event %d: %q, want %q", j, got, want)
					return
				}
			}
		}()
	}
	wg.Wait()
	if n := len(s.dateHTMLs.html); n == 0 || n >= len(tl.Events) {
		t.Errorf("%d dates kept for %d events", n, len(tl.Events))
	}
}
