package export

import (
	"math/rand"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/newsline/timeline/timeline"
)

// TestOrderedEventsIsAStableSort: whatever order the timeline comes in (by
// date as merge gives it, by date with titles and IDs crossing, shuffled),
// the export order is the stable sort by start and ID, with duplicate IDs,
// shared dates and unexportable events.
func TestOrderedEventsIsAStableSort(t *testing.T) {
	r := rand.New(rand.NewSource(8))
	for round := 0; round < 300; round++ {
		n := r.Intn(60)
		events := make([]timeline.Event, n)
		for i := range events {
			d, _ := timeline.ParseDate(spliceDates[r.Intn(5+r.Intn(len(spliceDates)-4))])
			events[i] = timeline.Event{ID: string(rune('a' + r.Intn(6))), Title: randomText(r), Start: d}
		}
		switch round % 3 {
		case 0:
			sortAsMerge(events)
		case 1:
			slices.SortStableFunc(events, func(a, b timeline.Event) int { return a.Start.Compare(b.Start) })
		}
		for _, keepAll := range []bool{true, false} {
			var want []int
			for i := range events {
				if keepAll || exportable(&events[i]) {
					want = append(want, i)
				}
			}
			slices.SortStableFunc(want, func(i, j int) int {
				if c := events[i].Start.Compare(events[j].Start); c != 0 {
					return c
				}
				return strings.Compare(events[i].ID, events[j].ID)
			})
			if got := orderedEvents(events, keepAll); !slices.Equal(got, want) {
				t.Fatalf("round %d, keepAll %v: order %v, want %v", round, keepAll, got, want)
			}
		}
		// The flags EventOrder takes its exportable events from: every
		// event's, whichever way the ordering went (runs, or the whole sorted).
		exp := make([]bool, n)
		orderEvents(events, true, exp)
		for i := range events {
			if exp[i] != exportable(&events[i]) {
				t.Fatalf("round %d: event %d (%v) marked exportable %v", round, i, events[i].Start, exp[i])
			}
		}
	}
}

// TestEventOrderShared: exports sharing an EventOrder get the order each
// would sort, whichever asks first; a call with another timeline (another
// slice, or the same one cut shorter) sorts its own.
func TestEventOrderShared(t *testing.T) {
	r := rand.New(rand.NewSource(9))
	for round := 0; round < 50; round++ {
		tl := randomTimeline(r, 1+r.Intn(80))
		p := &site{Site: Site{Order: new(EventOrder)}}
		for _, keepAll := range []bool{r.Intn(2) == 0, true, false} {
			if got, want := p.order(tl.Events, keepAll), orderedEvents(tl.Events, keepAll); !slices.Equal(got, want) {
				t.Fatalf("round %d, keepAll %v: shared order %v, want %v", round, keepAll, got, want)
			}
		}
		other := mutate(r, tl)
		shorter := tl.Events[:len(tl.Events)/2]
		for _, events := range [][]timeline.Event{other.Events, shorter} {
			if got, want := p.order(events, true), orderedEvents(events, true); !slices.Equal(got, want) {
				t.Fatalf("round %d: order of another timeline %v, want %v", round, got, want)
			}
		}
	}
}

// TestUniqueSlugAsBefore: uniqueSlug names slides as the two-lookup loop
// it replaced did, on sequences full of repeats and of names that collide
// with the suffixes it makes ("a", "a", "a-2").
func TestUniqueSlugAsBefore(t *testing.T) {
	reference := func(slug string, used map[string]bool) string {
		candidate := slug
		for n := 2; used[candidate]; n++ {
			candidate = slug + "-" + strconv.Itoa(n)
		}
		used[candidate] = true
		return candidate
	}
	r := rand.New(rand.NewSource(15))
	names := []string{"a", "a-2", "a-3", "a-2-2", "b", "timeline-title", "ev-a"}
	for round := 0; round < 500; round++ {
		got, want := map[string]bool{"timeline-title": true}, map[string]bool{"timeline-title": true}
		for k := r.Intn(30); k > 0; k-- {
			slug := names[r.Intn(len(names))]
			if g, w := uniqueSlug(slug, got), reference(slug, want); g != w {
				t.Fatalf("round %d: %q named %q, want %q", round, slug, g, w)
			}
		}
	}
}

// TestOrderedEventsOnDatesEqualInPart: the order is the stable sort by
// Date.Compare and ID when neighbouring dates agree in some fields and not
// others: the same instant in another zone (fields differ, Compare ties on
// the instants), the same start with another end (precisions), the same
// span under another value, and dates equal in every field. Sorted, nearly
// sorted and shuffled timelines; fails if dates equal in their instants are
// told equal without their values, or equal fields are not told equal.
func TestOrderedEventsOnDatesEqualInPart(t *testing.T) {
	east, west := time.FixedZone("E", 2*3600), time.FixedZone("W", -5*3600)
	at := func(y, m, d, h int) time.Time { return time.Date(y, time.Month(m), d, h, 0, 0, 0, time.UTC) }
	starts := []time.Time{at(2024, 6, 12, 0), at(2024, 6, 12, 14), at(2024, 6, 13, 0), at(2024, 1, 1, 0)}
	ends := []time.Duration{time.Hour, 24 * time.Hour, 7 * 24 * time.Hour, 366 * 24 * time.Hour}
	values := []string{"2024-06-12", "2024-06-12T14", "2024", "2024-W24", "x"}
	r := rand.New(rand.NewSource(21))
	date := func() timeline.Date {
		s := starts[r.Intn(len(starts))]
		e := s.Add(ends[r.Intn(len(ends))])
		switch r.Intn(4) { // the same instants in other zones
		case 0:
			s = s.In(east)
		case 1:
			e = e.In(west)
		}
		return timeline.Date{Value: values[r.Intn(len(values))], Gran: timeline.Granularity(r.Intn(3)), Start: s, End: e}
	}
	for round := 0; round < 400; round++ {
		n := r.Intn(80)
		events := make([]timeline.Event, n)
		for i := range events {
			events[i] = timeline.Event{ID: string(rune('a' + r.Intn(5))), Start: date()}
			if r.Intn(3) == 0 && i > 0 { // a copy of the neighbour's date, field for field
				events[i].Start = events[i-1].Start
			}
		}
		switch round % 3 {
		case 0:
			slices.SortStableFunc(events, func(a, b timeline.Event) int { return a.Start.Compare(b.Start) })
		case 1: // sorted, then two neighbours swapped
			slices.SortStableFunc(events, func(a, b timeline.Event) int { return a.Start.Compare(b.Start) })
			if n > 1 {
				k := r.Intn(n - 1)
				events[k], events[k+1] = events[k+1], events[k]
			}
		}
		want := make([]int, n)
		for i := range want {
			want[i] = i
		}
		slices.SortStableFunc(want, func(i, j int) int {
			if c := events[i].Start.Compare(events[j].Start); c != 0 {
				return c
			}
			return strings.Compare(events[i].ID, events[j].ID)
		})
		if got := orderedEvents(events, true); !slices.Equal(got, want) {
			t.Fatalf("round %d: order %v, want %v", round, got, want)
		}
	}
}

// sortAsMerge sorts events as merge does: by date, title, then ID.
func sortAsMerge(events []timeline.Event) {
	slices.SortStableFunc(events, func(a, b timeline.Event) int {
		if c := a.Start.Compare(b.Start); c != 0 {
			return c
		}
		if c := strings.Compare(a.Title, b.Title); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
}
