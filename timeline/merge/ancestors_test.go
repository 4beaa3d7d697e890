package merge

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"sort"
	"testing"
	"time"

	"github.com/newsline/timeline/timeline"
)

// TestAncestorValuesMatchesEveryPair checks ancestorValues, which scans only
// the longer values of a value's years, against comparing every pair of
// values, on random sets of dates of every precision (some of them under two
// values, as ancestors of one another).
func TestAncestorValuesMatchesEveryPair(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	value := func() string {
		y := 1995 + rng.IntN(6)
		switch rng.IntN(10) {
		case 0:
			return fmt.Sprint(y)
		case 1:
			return fmt.Sprintf("%d-%02d", y, 1+rng.IntN(12))
		case 2:
			return fmt.Sprintf("%d-W%02d", y, 1+rng.IntN(52))
		case 3:
			return fmt.Sprintf("%d-Q%d", y, 1+rng.IntN(4))
		case 4:
			return fmt.Sprintf("%d-%s", y, []string{"SP", "SU", "FA", "WI", "H1", "H2"}[rng.IntN(6)])
		case 5:
			return []string{"199", "200", "19", "20"}[rng.IntN(4)]
		case 6:
			return fmt.Sprintf("%d-%02d-%02dT%02d:00", y, 1+rng.IntN(12), 1+rng.IntN(28), rng.IntN(24))
		case 7:
			return fmt.Sprintf("%d-%02d-%02dT%s", y, 1+rng.IntN(12), 1+rng.IntN(28), []string{"MO", "AF", "EV", "NI", "10"}[rng.IntN(5)])
		}
		return fmt.Sprintf("%d-%02d-%02d", y, 1+rng.IntN(12), 1+rng.IntN(28))
	}
	for round := 0; round < 200; round++ {
		byValue := map[string]timeline.Date{}
		for k := 0; k < 1+rng.IntN(150); k++ {
			v := value()
			if d, err := timeline.ParseDate(v); err == nil && !d.IsZero() {
				byValue[v] = d
				if rng.IntN(5) == 0 { // another value of the same span
					byValue[v+"~"] = d
				}
			}
		}
		got := ancestorValues(byValue)
		for v, d := range byValue {
			var want []string
			for u, du := range byValue {
				if u != v && du.Contains(d) && (!du.Start.Equal(d.Start) || !du.End.Equal(d.End) || u < v) {
					want = append(want, u)
				}
			}
			slices.Sort(want)
			if !slices.Equal(got[v], want) {
				t.Fatalf("round %d: ancestors of %s are %q, want %q", round, v, got[v], want)
			}
		}
	}
}

// TestAncestorValuesAsByYear checks ancestorValues against the way it
// listed values before (by the years they touch, each in its own location:
// ancestorValuesByYear) where the two could part: dates of no length or
// less, and dates in other locations than UTC, at month and year bounds.
func TestAncestorValuesAsByYear(t *testing.T) {
	rng := rand.New(rand.NewPCG(19, 5))
	zones := []*time.Location{time.UTC, time.FixedZone("east", 14*3600), time.FixedZone("west", -12*3600)}
	lengths := []time.Duration{0, -time.Hour, time.Nanosecond, time.Hour, 24 * time.Hour, 7 * 24 * time.Hour,
		31 * 24 * time.Hour, 92 * 24 * time.Hour, 366 * 24 * time.Hour, 400 * 24 * time.Hour}
	instant := func() time.Time {
		at := time.Date(2019+rng.IntN(3), time.Month(1+rng.IntN(12)), 1, 0, 0, 0, 0, time.UTC)
		switch rng.IntN(3) {
		case 0: // a month's first instant, in UTC
		case 1:
			at = at.Add(time.Duration(rng.IntN(31*24)) * time.Hour)
		default:
			at = at.Add(-time.Duration(rng.IntN(3)) * time.Hour)
		}
		return at.In(zones[rng.IntN(len(zones))])
	}
	for round := 0; round < 300; round++ {
		byValue := map[string]timeline.Date{}
		for k := 0; k < 1+rng.IntN(60); k++ {
			from := instant()
			to := from.Add(lengths[rng.IntN(len(lengths))]).In(zones[rng.IntN(len(zones))])
			if rng.IntN(4) == 0 {
				to = instant() // ends on a bound, maybe before its start
			}
			v := fmt.Sprintf("v%03d", k)
			byValue[v] = timeline.Date{Value: v, Start: from, End: to}
		}
		got, want := ancestorValues(byValue), ancestorValuesByYear(byValue)
		if !maps.EqualFunc(got, want, slices.Equal[[]string]) {
			t.Fatalf("round %d: ancestors %v, listing by year gives %v", round, got, want)
		}
	}
}

// ancestorValuesByYear is ancestorValues as it was: values listed under
// the years they touch (in their own location), a value scanning the
// longer values of its years.
func ancestorValuesByYear(byValue map[string]timeline.Date) map[string][]string {
	values := make([]string, 0, len(byValue))
	for v := range byValue {
		values = append(values, v)
	}
	sort.Strings(values)
	spans := make([]span, len(values))
	lengths := make([]time.Duration, len(values))
	sameSpan := map[span][]int32{}
	byYear := map[int][]int32{}
	var long []int32
	for k, v := range values {
		d := byValue[v]
		spans[k], lengths[k] = spanOf(d), d.End.Sub(d.Start)
		sameSpan[spans[k]] = append(sameSpan[spans[k]], int32(k))
		if lengths[k] > 370*24*time.Hour {
			long = append(long, int32(k))
			continue
		}
		for y := d.Start.Year(); y <= d.End.Add(-time.Nanosecond).Year(); y++ {
			byYear[y] = append(byYear[y], int32(k))
		}
	}
	out := map[string][]string{}
	for k, v := range values {
		d := byValue[v]
		found := map[int32]bool{}
		consider := func(u int32) {
			if int(u) != k && isAncestor(spans[u], spans[k], values[u], v) {
				found[u] = true
			}
		}
		for y := d.Start.Year(); y <= d.End.Add(-time.Nanosecond).Year(); y++ {
			for _, u := range byYear[y] {
				if lengths[u] > lengths[k] {
					consider(u)
				}
			}
		}
		for _, u := range sameSpan[spans[k]] {
			consider(u)
		}
		for _, u := range long {
			consider(u)
		}
		var us []string
		for u := range found {
			us = append(us, values[u])
		}
		if us != nil {
			sort.Strings(us)
			out[v] = us
		}
	}
	return out
}
