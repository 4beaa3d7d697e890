package merge_test

import (
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/newsline/timeline/timeline"
	"github.com/newsline/timeline/timeline/merge"
)

// TestAdoptedPredecodeArrayIsTheTimelines: a decoded state's first Update,
// which turns its predecoder's array (by handle) into the timeline's in
// place, returns Merge's timeline and the changes it returns copying the
// events into an array of its own (AdoptOff), after several changes at once
// (added, removed, moved events: kept events shift both ways), the reused
// array scribbled over; and the next Updates, which reuse that array, too.
func TestAdoptedPredecodeArrayIsTheTimelines(t *testing.T) {
	defer merge.ScribbleReused()()
	adopted, left, right := 0, 0, 0
	for seed := uint64(0); seed < 12; seed++ {
		var runs [2][]timeline.Changes
		var tls [2][]timeline.Timeline
		for off := range 2 {
			restore := func() {}
			if off == 1 {
				restore = merge.AdoptOff()
			}
			rng := rand.New(rand.NewPCG(seed, 43))
			w := newWorld(rng, 120)
			st := decodedStateOf(t, w)
			for round := range 3 {
				for range 1 + rng.IntN(4) {
					w.change()
				}
				arts, per, keys := w.input()
				tl, ch := st.Update(arts, func(i int) []timeline.Event { return per[i] }, keys)
				if st.Stats.Full || st.Stats.Recovered {
					t.Fatalf("seed %d, round %d: merged in full (%+v)", seed, round, st.Stats)
				}
				if !reflect.DeepEqual(tl, merge.Merge(arts, per)) {
					t.Fatalf("seed %d, adopt off %v, round %d: Update's timeline differs from Merge's", seed, off == 1, round)
				}
				if st.Stats.Adopted && (off == 1 || round > 0) {
					t.Fatalf("seed %d, adopt off %v, round %d: adopted", seed, off == 1, round)
				}
				if st.Stats.Adopted {
					adopted++
					l, r := merge.AdoptMoves(st)
					left, right = left+l, right+r
				}
				runs[off] = append(runs[off], ch)
				tls[off] = append(tls[off], cloneTimeline(tl))
			}
			restore()
		}
		if !reflect.DeepEqual(runs[0], runs[1]) || !reflect.DeepEqual(tls[0], tls[1]) {
			t.Fatalf("seed %d: adopting changed the Updates' results", seed)
		}
	}
	if adopted == 0 || left == 0 || right == 0 {
		t.Fatalf("adopted in %d Updates, moving %d events left and %d right: want some of each", adopted, left, right)
	}
	t.Logf("adopted in %d Updates, moving %d events left and %d right", adopted, left, right)
}
