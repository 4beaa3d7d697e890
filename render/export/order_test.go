package export

import (
	"math/rand"
	"slices"
	"strconv"
	"strings"
	"testing"

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
		case 0: // as merge sorts: date, title, ID
			slices.SortStableFunc(events, func(a, b timeline.Event) int {
				if c := a.Start.Compare(b.Start); c != 0 {
					return c
				}
				if c := strings.Compare(a.Title, b.Title); c != 0 {
					return c
				}
				return strings.Compare(a.ID, b.ID)
			})
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
