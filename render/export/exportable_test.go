package export

import (
	"testing"
	"time"

	"github.com/newsline/timeline/timeline"
)

// TestExportableAsByYear: exportable's UTC comparison says what the rule by
// year (years 1 to 9999, not the zero time) says, at and around both ends,
// in UTC, in other zones (where the year differs from UTC's near the ends)
// and for the zero time.
func TestExportableAsByYear(t *testing.T) {
	byYear := func(d time.Time) bool {
		y := d.Year()
		return !d.IsZero() && y >= 1 && y <= 9999
	}
	zones := []*time.Location{time.UTC, time.FixedZone("east", 14*3600), time.FixedZone("west", -12*3600), time.FixedZone("UTC", 0)}
	var instants []time.Time
	for _, edge := range []time.Time{{}, firstExportable, pastExportable, time.Date(2024, 6, 12, 0, 0, 0, 0, time.UTC)} {
		for _, step := range []time.Duration{-24 * time.Hour, -13 * time.Hour, -time.Second, -time.Nanosecond, 0, time.Nanosecond, time.Second, 13 * time.Hour, 24 * time.Hour} {
			instants = append(instants, edge.Add(step))
		}
	}
	instants = append(instants, time.Date(-5, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(12000, 1, 1, 0, 0, 0, 0, time.UTC))
	fast := 0
	for _, at := range instants {
		for _, z := range zones {
			d := at.In(z)
			if z == time.UTC && at.IsZero() {
				d = time.Time{} // the zero value itself, as a Date without a start holds it
			}
			ev := timeline.Event{Start: timeline.Date{Value: "x", Start: d}}
			if got, want := exportable(&ev), byYear(d); got != want {
				t.Errorf("exportable(%v in %s) = %v, want %v (year %d)", d, z, got, want, d.Year())
			}
			if d.Location() == time.UTC {
				fast++
			}
		}
	}
	if fast == 0 {
		t.Fatal("no instant took the UTC comparison")
	}
}
