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

// TestSortKeysSorts: sortKeys gives slices.Sort's order below and above
// radixSortFrom, with keys of a few bits and of all 64, keys that share
// bytes (passes skipped, so the result may end in either buffer) and
// repeated keys, with scratch of any size.
func TestSortKeysSorts(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 12))
	var tmp []uint64
	for _, n := range []int{0, 1, 7, radixSortFrom - 1, radixSortFrom, radixSortFrom + 1, 3*radixSortFrom + 5} {
		for _, mask := range []uint64{0, 0xff, 0xff00ff, 1<<39 - 1, 0xf0f0_0000_0000_ff00, ^uint64(0)} {
			keys := make([]uint64, n)
			for k := range keys {
				keys[k] = rng.Uint64() & mask
				if k > 0 && rng.IntN(10) == 0 {
					keys[k] = keys[rng.IntN(k)]
				}
			}
			want := slices.Clone(keys)
			slices.Sort(want)
			sortKeys(keys, &tmp)
			if !slices.Equal(keys, want) {
				t.Fatalf("%d keys of mask %#x: not sorted as slices.Sort sorts them", n, mask)
			}
		}
	}
}
