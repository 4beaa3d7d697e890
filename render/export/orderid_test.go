package export

import (
	"math/rand"
	"slices"
	"strings"
	"testing"

	"github.com/newsline/timeline/timeline"
)

// sortByID orders a run as a stable sort by ID does, for IDs that share
// their first eight bytes, are prefixes of one another, repeat, or are
// shorter than eight bytes.
func TestSortByIDIsAStableSortByID(t *testing.T) {
	r := rand.New(rand.NewSource(11))
	var keys []idKey // reused from round to round, as from run to run
	for round := 0; round < 500; round++ {
		n := r.Intn(40)
		events := make([]timeline.Event, n)
		for i := range events {
			id := strings.Repeat("a", r.Intn(10))
			for k := r.Intn(4); k > 0; k-- {
				id += string(rune('a' + r.Intn(3)))
			}
			events[i].ID = id
		}
		run := make([]int, n)
		for i := range run {
			run[i] = i
		}
		r.Shuffle(n, func(i, j int) { run[i], run[j] = run[j], run[i] })
		want := slices.Clone(run)
		slices.SortFunc(want, func(i, j int) int {
			if c := strings.Compare(events[i].ID, events[j].ID); c != 0 {
				return c
			}
			return i - j
		})
		for k := range keys[:cap(keys)] { // the list left by the last round, poisoned
			keys[:cap(keys)][k] = idKey{prefix: 1 << 63, i: -1}
		}
		keys = sortByID(events, run, keys)
		if !slices.Equal(run, want) {
			t.Fatalf("round %d: %v, want %v", round, run, want)
		}
	}
}
