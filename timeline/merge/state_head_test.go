package merge_test

import (
	"encoding/binary"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"

	"github.com/newsline/timeline/timeline"
	"github.com/newsline/timeline/timeline/merge"
)

// TestDecodedStateKeepsNothingOfTheHead: DecodeStateParts copies what it
// keeps of the head (the encoding before the events section), so the caller
// may unmap or reuse it once decoded (site maps it and unmaps it at once).
// The head is overwritten after decoding; the decoded state must still
// update exactly, through changes that read the candidates and names.
func TestDecodedStateKeepsNothingOfTheHead(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 2026))
	for seq := 0; seq < 20; seq++ {
		w := newWorld(rng, 3+rng.IntN(20))
		arts, per, keys := w.input()
		events := func(i int) []timeline.Event { return per[i] }
		n := len(arts) - 1
		_, st := merge.NewState(arts[:n], events, keys[:n])
		head, section, tail := encodedParts(st)
		head = slices.Clone(head)
		got, err := merge.DecodeStateParts(head, section, tail)
		if err != nil {
			t.Fatalf("sequence %d: %v", seq, err)
		}
		for k := range head {
			head[k] = 0xa5
		}
		binary.LittleEndian.PutUint32(head[len(head)-4:], 0xffffffff)
		tl, ch := got.Update(arts, events, keys)
		if !reflect.DeepEqual(tl, merge.Merge(arts, per)) || !ch.Known {
			t.Fatalf("sequence %d: the state decoded from an overwritten head updates wrongly (changes known %v)", seq, ch.Known)
		}
		tl, _ = got.Update(arts[1:], func(i int) []timeline.Event { return per[i+1] }, keys[1:])
		if !reflect.DeepEqual(tl, merge.Merge(arts[1:], per[1:])) {
			t.Fatalf("sequence %d: second update differs from Merge", seq)
		}
	}
}

// TestCheckFastTestAgrees: decoding checks every candidate with plain
// comparisons and explains a failure with the slow test; the two must agree
// on values around every bound, or damage could pass the fast one.
func TestCheckFastTestAgrees(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 2026))
	for seq := 0; seq < 5; seq++ {
		w := newWorld(rng, 3+rng.IntN(8))
		arts, per, keys := w.input()
		_, st := merge.NewState(arts, func(i int) []timeline.Event { return per[i] }, keys)
		decoded, err := merge.DecodeState(st.Encode(nil))
		if err != nil {
			t.Fatal(err)
		}
		if what := merge.FitsDisagrees(decoded); what != "" {
			t.Fatalf("sequence %d: %s", seq, what)
		}
	}
}

// TestBulkWordsEncodeAsWordByWord: the encoder copies word lists (stems,
// adjacency lists) in bulk on a little-endian machine; the bytes must be
// those it writes word by word, with candidates removed (renumbered lists)
// and without (lists copied as they are).
func TestBulkWordsEncodeAsWordByWord(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 2026))
	for seq := 0; seq < 10; seq++ {
		w := newWorld(rng, 3+rng.IntN(12))
		arts, per, keys := w.input()
		events := func(i int) []timeline.Event { return per[i] }
		_, st := merge.NewState(arts, events, keys)
		for step := 0; step < 4; step++ {
			restore := merge.SetBulkWords(false)
			slow := st.Encode(nil)
			restore()
			if fast := st.Encode(nil); !slices.Equal(fast, slow) {
				t.Fatalf("sequence %d step %d: bulk encoding differs from word by word", seq, step)
			}
			w.change()
			arts, per, keys = w.input()
			st.Update(arts, events, keys)
		}
	}
}

// encodedParts encodes st and cuts it as a state file is read: the head,
// the events section and the tail.
func encodedParts(st *merge.State) (head, events, tail []byte) {
	enc := st.Encode(nil)
	cut := len(enc) - merge.StateTailLen
	evLen, _ := merge.StateEventsLength(enc[cut:])
	at := cut - int(evLen)
	return enc[:at], enc[at:cut], enc[cut:]
}
