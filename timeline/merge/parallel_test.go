package merge_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/newsline/timeline/timeline"
	"github.com/newsline/timeline/timeline/merge"
)

// TestWorkersDoNotChangeOutput merges the same inputs with one worker and
// with several (pieces of one item, so the workers interleave as finely as
// they can, and of the usual sizes) and wants byte-identical JSON: random
// inputs that exercise every rule, and a corpus of real extracted events
// large enough to be split into several pieces at the usual sizes. It also
// compares the two ways of putting edges in join order (see SetPackedRanks).
func TestWorkersDoNotChangeOutput(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 27))
	type input struct {
		name string
		arts []timeline.Article
		per  [][]timeline.Event
	}
	var inputs []input
	for k := 0; k < 300; k++ {
		arts, per := randomInput(rng)
		inputs = append(inputs, input{fmt.Sprintf("random %d", k), arts, per})
	}
	arts, per, _ := extractedCorpus(t, 10_000)
	inputs = append(inputs, input{"10k-candidate corpus", arts, per})
	want := make([][]byte, len(inputs))
	restore := merge.SetParallelism(1, 0)
	for k, in := range inputs {
		want[k] = mergedJSON(t, in.arts, in.per)
	}
	restore()
	restore = merge.SetPackedRanks(false)
	for k, in := range inputs {
		if got := mergedJSON(t, in.arts, in.per); !bytes.Equal(got, want[k]) {
			t.Errorf("%s: edges sorted at once: output differs from edges sorted per component", in.name)
		}
	}
	restore()
	for _, setting := range [][2]int{{2, 1}, {3, 1}, {4, 0}} {
		restore := merge.SetParallelism(setting[0], setting[1])
		for k, in := range inputs {
			if got := mergedJSON(t, in.arts, in.per); !bytes.Equal(got, want[k]) {
				t.Errorf("%s: %d workers, pieces of %d: output differs from one worker's", in.name, setting[0], setting[1])
			}
		}
		restore()
	}
}

// TestRisingWorkerCountKeepsOutput merges, and updates a decoded state, while
// the worker count rises at every read: a stage must not start more workers
// than it sized per-worker scratch for (an index out of range before), and
// the output stays that of one worker.
func TestRisingWorkerCountKeepsOutput(t *testing.T) {
	for seed := uint64(1); seed <= 20; seed++ {
		rng := rand.New(rand.NewPCG(seed, 41))
		w := newWorld(rng, 30)
		arts, per, _ := w.input()
		restore := merge.SetParallelism(1, 0)
		want := mergedJSON(t, arts, per)
		st := decodedStateOf(t, w)
		w.change()
		arts2, per2, keys2 := w.input()
		wantUpdated := mergedJSON(t, arts2, per2)
		restore()

		restore = merge.SetRisingParallelism()
		if got := mergedJSON(t, arts, per); !bytes.Equal(got, want) {
			t.Errorf("seed %d: Merge with a rising worker count differs from one worker's", seed)
		}
		tl, _ := st.Update(arts2, func(i int) []timeline.Event { return per2[i] }, keys2)
		restore()
		if got, err := json.Marshal(tl); err != nil || !bytes.Equal(got, wantUpdated) {
			t.Errorf("seed %d: Update with a rising worker count differs from Merge (%v)", seed, err)
		}
	}
}

// TestWorkerCountStepKeepsOutput is TestRisingWorkerCountKeepsOutput with
// the count jumping from 1 to maxWorkers after each read in turn, so every
// stage (pair scoring too, which sizes its lists by the larger of two reads)
// is caught between a small sizing and a large start (A's review).
func TestWorkerCountStepKeepsOutput(t *testing.T) {
	for seed := uint64(1); seed <= 3; seed++ {
		w := newWorld(rand.New(rand.NewPCG(seed, 43)), 60)
		arts, per, keys := w.input()
		restore := merge.SetParallelism(1, 0)
		want := mergedJSON(t, arts, per)
		_, first := merge.NewState(arts, func(i int) []timeline.Event { return per[i] }, keys)
		encoded := first.Encode(nil)
		w.change()
		arts2, per2, keys2 := w.input()
		wantUpdated := mergedJSON(t, arts2, per2)
		restore()
		total := 1
		for low := 0; low <= total; low++ {
			st, err := merge.DecodeState(encoded) // each Update starts from the state before the change
			if err != nil {
				t.Fatal(err)
			}
			reads := 0
			restore := merge.SetStepParallelism(low, &reads)
			got := mergedJSON(t, arts, per)
			tl, _ := st.Update(arts2, func(i int) []timeline.Event { return per2[i] }, keys2)
			restore()
			total = max(total, reads)
			if !bytes.Equal(got, want) {
				t.Errorf("seed %d, %d reads of 1: Merge differs from one worker's", seed, low)
			}
			if b, err := json.Marshal(tl); err != nil || !bytes.Equal(b, wantUpdated) {
				t.Errorf("seed %d, %d reads of 1: Update differs from Merge (%v)", seed, low, err)
			}
		}
	}
}
