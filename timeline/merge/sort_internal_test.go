package merge

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/newsline/timeline/timeline"
)

// TestSortedByKeyMatchesSortEvents: sortedByKey, which compares instants
// read beforehand, orders events as sortEvents (compareEvents) does, on
// events sharing start seconds with other nanoseconds, other ends, other
// values for one span, and equal titles.
func TestSortedByKeyMatchesSortEvents(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	base := time.Date(2020, 5, 1, 0, 0, 0, 0, time.UTC)
	var dates []timeline.Date
	for _, v := range []string{"2020", "2020-05", "2020-05-01", "2020-W18", "2020-Q2"} {
		d, err := timeline.ParseDate(v)
		if err != nil {
			t.Fatal(err)
		}
		dates = append(dates, d)
	}
	for _, d := range []timeline.Date{
		{Value: "x-a", Start: base, End: base.Add(time.Hour)},
		{Value: "x-b", Start: base, End: base.Add(time.Hour)},
		{Value: "x-c", Start: base.Add(time.Nanosecond), End: base.Add(time.Hour)},
		{Value: "x-d", Start: base, End: base.Add(time.Hour + time.Nanosecond)},
		{Value: "x-e", Start: base, End: base.Add(2 * time.Hour)},
		{Value: "x-f", Start: base.Add(-time.Nanosecond), End: base},
		{},
	} {
		dates = append(dates, d)
	}
	titles := []string{"", "a", "b", "ab"}
	for trial := 0; trial < 200; trial++ {
		events := make([]timeline.Event, rng.IntN(60))
		for i := range events {
			events[i] = timeline.Event{ID: fmt.Sprintf("e%03d", rng.IntN(1000)*1000+i),
				Title: titles[rng.IntN(len(titles))], Start: dates[rng.IntN(len(dates))]}
		}
		want := slices.Clone(events)
		sortEvents(want)
		got := sortedByKey(slices.Clone(events))
		for k := range want {
			if got[k].ID != want[k].ID {
				t.Fatalf("trial %d: at %d sortedByKey has %s (%s %q), sortEvents %s (%s %q)", trial, k,
					got[k].ID, got[k].Start.Value, got[k].Title, want[k].ID, want[k].Start.Value, want[k].Title)
			}
		}
	}
}
