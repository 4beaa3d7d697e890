package merge_test

import (
	"bytes"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/newsline/timeline/timeline"
	"github.com/newsline/timeline/timeline/merge"
)

// writeRecorder keeps what is written and the longest single write.
type writeRecorder struct {
	bytes.Buffer
	longest int
}

func (w *writeRecorder) Write(p []byte) (int, error) {
	w.longest = max(w.longest, len(p))
	return w.Buffer.Write(p)
}

// TestEncodeToOfDecodedStatesMatchesEncode: a decoded state's unchanged
// events are written by EncodeTo straight from its stored section in runs
// (not through its buffer): the bytes are Encode's, build after build of a
// state decoded from EncodeTo's bytes each time (events added, removed,
// changed in between), and each Update equals Merge. A state of a few MB
// has runs longer than the buffer's flushes, so the runs are seen taken.
func TestEncodeToOfDecodedStatesMatchesEncode(t *testing.T) {
	rng := rand.New(rand.NewPCG(17, 2026))
	w := newWorld(rng, 4000)
	arts, per, keys := w.input()
	_, st := merge.NewState(arts, func(i int) []timeline.Event { return per[i] }, keys)
	longest := 0
	for step := 0; step < 8; step++ {
		var out writeRecorder
		if err := st.EncodeTo(&out); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(out.Bytes(), st.Encode(nil)) {
			t.Fatalf("step %d: EncodeTo wrote other bytes than Encode (%d bytes)", step, out.Len())
		}
		if step > 0 && out.Len() < 1<<20 {
			t.Fatalf("step %d: a state of %d bytes, want a few MB", step, out.Len())
		}
		if step > 0 {
			longest = max(longest, out.longest)
		}
		var err error
		if st, err = merge.DecodeState(out.Bytes()); err != nil {
			t.Fatalf("step %d: %v", step, err)
		}
		for k := 0; k < 1+rng.IntN(3); k++ {
			w.change()
		}
		arts, per, keys = w.input()
		got, _ := st.Update(arts, func(i int) []timeline.Event { return per[i] }, keys)
		if want := merge.Merge(arts, per); !reflect.DeepEqual(got, want) || st.Stats.Full {
			t.Fatalf("step %d: Update of the decoded state differs from Merge (full %v)", step, st.Stats.Full)
		}
	}
	if longest <= 256<<10 {
		t.Errorf("longest write %d bytes: the decoded events were copied through the buffer", longest)
	}
}
