package merge

import (
	"reflect"
	"testing"
	"time"
	"unsafe"

	"github.com/newsline/timeline/timeline"
)

// TestReaderReusesOnlyEqualDates: one reader decoding events in turn (as a
// predecoder's worker does) gives back each one's dates, also when a date
// differs from the one before it in one field only (its value, precision,
// start or end), or is its own end.
func TestReaderReusesOnlyEqualDates(t *testing.T) {
	day, _ := timeline.ParseDate("2024-06-12")
	week, _ := timeline.ParseDate("2024-W25")
	later := day
	later.Start = later.Start.Add(time.Nanosecond)
	longer := day
	longer.End = longer.End.Add(time.Second)
	coarser := day
	coarser.Gran = week.Gran
	renamed := day
	renamed.Value = "12 June 2024"
	dates := []timeline.Date{day, day, later, later, day, longer, day, coarser, renamed, day, week, day}
	var evs []timeline.Event
	for k, d := range dates {
		e := timeline.Event{Title: "t", Start: d}
		switch k % 3 {
		case 1:
			e.End = &dates[(k+1)%len(dates)]
		case 2:
			e.End = &dates[k]
		}
		evs = append(evs, e)
	}
	var er eventReader
	reused := 0
	for k := range evs {
		enc, ok := appendEvent(nil, &evs[k])
		if !ok {
			t.Fatalf("event %d not encodable", k)
		}
		var got timeline.Event
		before := er.lastDate
		if err := er.event(string(enc), &got); err != nil {
			t.Fatalf("event %d: %v", k, err)
		}
		if before != "" && unsafe.StringData(er.lastDate) == unsafe.StringData(before) { // not decoded again
			reused++
		}
		if !reflect.DeepEqual(got, evs[k]) {
			t.Fatalf("event %d decodes as %+v, want %+v", k, got, evs[k])
		}
	}
	if reused == 0 {
		t.Fatal("no date was taken from the one before")
	}
}
