package merge_test

import (
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"

	"github.com/newsline/timeline/timeline"
	"github.com/newsline/timeline/timeline/merge"
)

// TestPredecodedEventsAreTheUpdatesOwn: a decoded state's first Update
// takes the stored events its predecoder decoded meanwhile, and returns the
// timeline and changes it returns with the predecoder off, equal to Merge's;
// the Updates after it (events built) take none.
func TestPredecodedEventsAreTheUpdatesOwn(t *testing.T) {
	predecoded := 0
	for seed := uint64(0); seed < 6; seed++ {
		var runs [2]struct {
			tl         timeline.Timeline
			ch         timeline.Changes
			predecoded int
		}
		for off := range 2 {
			if off == 1 {
				defer merge.PredecodeOff()()
			}
			rng := rand.New(rand.NewPCG(seed, 31))
			w := newWorld(rng, 30)
			st := decodedStateOf(t, w)
			w.change()
			arts, per, keys := w.input()
			tl, ch := st.Update(arts, func(i int) []timeline.Event { return per[i] }, keys)
			if st.Stats.Full || st.Stats.Recovered {
				t.Fatalf("seed %d: merged in full (%+v)", seed, st.Stats)
			}
			if !reflect.DeepEqual(tl, merge.Merge(arts, per)) {
				t.Fatalf("seed %d, predecoder off %v: Update's timeline differs from Merge's", seed, off == 1)
			}
			runs[off].tl, runs[off].ch, runs[off].predecoded = cloneTimeline(tl), ch, st.Stats.Predecoded
			w.change()
			arts, per, keys = w.input()
			if tl, _ := st.Update(arts, func(i int) []timeline.Event { return per[i] }, keys); !reflect.DeepEqual(tl, merge.Merge(arts, per)) {
				t.Fatalf("seed %d: second Update's timeline differs from Merge's", seed)
			}
			if err := st.BuildEvents(); err != nil { // as a serve session does between builds
				t.Fatal(err)
			}
			w.change()
			arts, per, keys = w.input()
			if tl, _ := st.Update(arts, func(i int) []timeline.Event { return per[i] }, keys); !reflect.DeepEqual(tl, merge.Merge(arts, per)) {
				t.Fatalf("seed %d: third Update's timeline differs from Merge's", seed)
			}
			if st.Stats.Predecoded != 0 {
				t.Fatalf("seed %d: an Update of a state with its events built took %d predecoded events", seed, st.Stats.Predecoded)
			}
		}
		if runs[0].predecoded > len(runs[0].tl.Events) {
			t.Fatalf("seed %d: %d of %d events predecoded", seed, runs[0].predecoded, len(runs[0].tl.Events))
		}
		predecoded += runs[0].predecoded // none when placing the changes built every kept event (a small world)
		if runs[1].predecoded != 0 {
			t.Fatalf("seed %d: %d events predecoded with the predecoder off", seed, runs[1].predecoded)
		}
		if !reflect.DeepEqual(runs[0].tl, runs[1].tl) || !reflect.DeepEqual(runs[0].ch, runs[1].ch) {
			t.Fatalf("seed %d: the predecoder changed the Update's result", seed)
		}
	}
	if predecoded == 0 {
		t.Fatal("no Update took a predecoded event")
	}
}

// TestPredecoderStopsOnRestart: an Update of a decoded state that merges
// from scratch after its predecoder started (a changed article's event
// mentions another article) equals Merge, and the state goes on (run it
// with -race).
func TestPredecoderStopsOnRestart(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 31))
	w := newWorld(rng, 40)
	st := decodedStateOf(t, w)
	arts, per, keys := w.input()
	i := slices.IndexFunc(per, func(evs []timeline.Event) bool { return len(evs) > 0 && len(evs[0].Mentions) > 0 })
	if i < 0 {
		t.Fatal("no article with a mention")
	}
	per[i] = slices.Clone(per[i])
	per[i][0].Mentions = []timeline.Mention{{Article: arts[(i+1)%len(arts)].Slug}}
	keys[i][0] ^= 1
	tl, _ := st.Update(arts, func(i int) []timeline.Event { return per[i] }, keys)
	if !st.Stats.Full || st.Stats.Predecoded != 0 {
		t.Fatalf("want a full merge taking no predecoded event: %+v", st.Stats)
	}
	if !reflect.DeepEqual(tl, merge.Merge(arts, per)) {
		t.Fatal("Update's timeline differs from Merge's")
	}
	w.change()
	arts, per, keys = w.input()
	if tl, _ := st.Update(arts, func(i int) []timeline.Event { return per[i] }, keys); !reflect.DeepEqual(tl, merge.Merge(arts, per)) {
		t.Fatal("the next Update's timeline differs from Merge's")
	}
}

// cloneTimeline copies tl's arrays, which the state reuses in its next Update.
func cloneTimeline(tl timeline.Timeline) timeline.Timeline {
	tl.Events = append([]timeline.Event(nil), tl.Events...)
	tl.Articles = append([]timeline.Article(nil), tl.Articles...)
	return tl
}

// TestStemNotesInChunksOfAnySize: a decoded state's Updates (which load
// the blocking lists of the stems they meet, loadStems) return Merge's
// timeline and the same changes whatever the size of the chunks loadStems
// notes its entries in, one entry a chunk included.
func TestStemNotesInChunksOfAnySize(t *testing.T) {
	for seed := uint64(0); seed < 6; seed++ {
		var first []timeline.Changes
		for _, chunk := range []int{8192, 1, 2, 7} {
			restore := merge.StemNoteChunk(chunk)
			rng := rand.New(rand.NewPCG(seed, 37))
			w := newWorld(rng, 30)
			st := decodedStateOf(t, w)
			var changes []timeline.Changes
			for round := range 3 {
				w.change()
				arts, per, keys := w.input()
				tl, ch := st.Update(arts, func(i int) []timeline.Event { return per[i] }, keys)
				if st.Stats.Full || st.Stats.Recovered {
					t.Fatalf("seed %d, chunk %d, round %d: merged in full (%+v)", seed, chunk, round, st.Stats)
				}
				if !reflect.DeepEqual(tl, merge.Merge(arts, per)) {
					t.Fatalf("seed %d, chunk %d, round %d: Update's timeline differs from Merge's", seed, chunk, round)
				}
				changes = append(changes, ch)
			}
			restore()
			if first == nil {
				first = changes
			} else if !reflect.DeepEqual(changes, first) {
				t.Fatalf("seed %d, chunk %d: changes differ from those with chunks of 8192", seed, chunk)
			}
		}
	}
}

// decodedStateOf is the state of w's articles as a fresh build reads it:
// merged, encoded and decoded again (events stored, not built).
func decodedStateOf(t *testing.T, w *world) *merge.State {
	t.Helper()
	arts, per, keys := w.input()
	_, st := merge.NewState(arts, func(i int) []timeline.Event { return per[i] }, keys)
	decoded, err := merge.DecodeState(st.Encode(nil))
	if err != nil {
		t.Fatal(err)
	}
	return decoded
}
