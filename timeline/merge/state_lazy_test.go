package merge_test

import (
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/newsline/timeline/timeline"
	"github.com/newsline/timeline/timeline/merge"
)

// TestDecodedStateBuildsEventsOnce: a decoded state's Update decodes the
// stored events into the timeline it returns, and BuildEvents decodes them
// into the state, or AdoptEvents takes them from that timeline (as a serve
// session does between builds); either way the Updates that follow equal
// Merge, never building a kept event from its members.
func TestDecodedStateBuildsEventsOnce(t *testing.T) {
	for _, mode := range []string{"build first", "build after", "adopt after"} {
		buildFirst := mode == "build first"
		rng := rand.New(rand.NewPCG(21, 2026))
		w := newWorld(rng, 14)
		arts, per, keys := w.input()
		_, st := merge.NewState(arts, func(i int) []timeline.Event { return per[i] }, keys)
		st, err := merge.DecodeState(st.Encode(nil))
		if err != nil {
			t.Fatal(err)
		}
		if buildFirst {
			if err := st.BuildEvents(); err != nil {
				t.Fatal(err)
			}
		}
		for step := 0; step < 4; step++ {
			w.change()
			arts, per, keys = w.input()
			got, _ := st.Update(arts, func(i int) []timeline.Event { return per[i] }, keys)
			if !reflect.DeepEqual(got, merge.Merge(arts, per)) {
				t.Fatalf("%s, step %d: Update's timeline differs from Merge's", mode, step)
			}
			if st.Stats.Full || st.Stats.Materialized != 0 {
				t.Fatalf("%s, step %d: %+v", mode, step, st.Stats)
			}
			if step == 0 {
				if mode == "adopt after" {
					wrong := got
					wrong.Events = got.Events[1:]
					if st.AdoptEvents(wrong) {
						t.Fatal("AdoptEvents took a timeline that is not the Update's")
					}
					if !st.AdoptEvents(got) {
						t.Fatal("AdoptEvents refused the Update's timeline")
					}
				} else if err := st.BuildEvents(); err != nil {
					t.Fatal(err)
				}
				if n := merge.DamageStoredEvents(st); n != 0 {
					t.Fatalf("%d events left undecoded by BuildEvents", n)
				}
			}
		}
	}
}

// TestDamagedStoredEventMergesInFull: a stored event that does not decode
// (the checksum matching) makes the Update merge in full, never panic or
// return a wrong timeline, and BuildEvents report it.
func TestDamagedStoredEventMergesInFull(t *testing.T) {
	rng := rand.New(rand.NewPCG(22, 2026))
	w := newWorld(rng, 10)
	arts, per, keys := w.input()
	_, st := merge.NewState(arts, func(i int) []timeline.Event { return per[i] }, keys)
	enc := st.Encode(nil)
	st, err := merge.DecodeState(enc)
	if err != nil {
		t.Fatal(err)
	}
	if merge.DamageStoredEvents(st) == 0 {
		t.Fatal("no stored event to damage")
	}
	w.change()
	arts, per, keys = w.input()
	got, changes := st.Update(arts, func(i int) []timeline.Event { return per[i] }, keys)
	if !reflect.DeepEqual(got, merge.Merge(arts, per)) {
		t.Fatal("Update's timeline differs from Merge's")
	}
	if !st.Stats.Recovered || changes.Known {
		t.Fatalf("a damaged stored event was not met (stats %+v, changes known %v)", st.Stats, changes.Known)
	}
	again, err := merge.DecodeState(enc)
	if err != nil {
		t.Fatal(err)
	}
	merge.DamageStoredEvents(again)
	if err := again.BuildEvents(); err == nil {
		t.Fatal("BuildEvents decoded a damaged event")
	}
}
