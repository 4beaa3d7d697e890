package merge_test

import (
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/newsline/timeline/timeline"
	"github.com/newsline/timeline/timeline/merge"
)

// heldBytes stands for a mapping of the events file a state holds
// (HoldSide): released, its bytes are scribbled over, so that a state still
// reading them writes or returns garbage.
type heldBytes struct {
	mem      []byte
	released int
}

func (h *heldBytes) release() {
	h.released++
	for k := range h.mem {
		h.mem[k] = 0xAA
	}
}

// hold gives st the bytes its last save wrote (SideSaved), the end of
// files' events file, held as a mapping of the whole file would be (its
// start aligned as a mapping's is: adjacency lists are used in place only
// when aligned). A save that wrote nothing gives nothing to hold.
func hold(t *testing.T, st *merge.State, files *splitFiles, written []byte) *heldBytes {
	t.Helper()
	h := &heldBytes{}
	data := written
	if len(written) > 0 {
		h.mem = append([]byte(nil), files.events...)
		data = h.mem[len(h.mem)-len(written):]
	}
	if !st.SideSaved(data) {
		t.Fatal("the state refused what its save wrote")
	}
	if len(written) > 0 {
		st.HoldSide(h.mem, h.release)
	}
	return h
}

// TestHeldSidesReleasedWhenUnused: the mappings a state holds of its events
// file (what it was decoded from, written anew, appended) are released by
// the save that writes the file anew after them, and by Release, unless an
// event was decoded from them (its strings, and the timelines', point into
// them); released bytes are never read again (they are scribbled over here,
// and the timelines and files that follow are still right); a save that
// appends nothing adds no part of the file.
func TestHeldSidesReleasedWhenUnused(t *testing.T) {
	rng := rand.New(rand.NewPCG(12, 2026))
	w := newWorld(rng, 40)
	arts, per, keys := w.input()
	events := func(i int) []timeline.Event { return per[i] }
	_, st := merge.NewState(arts, events, keys)
	files := &splitFiles{}
	update := func(st *merge.State) {
		t.Helper()
		w.change()
		arts, per, keys = w.input()
		got, _ := st.Update(arts, events, keys)
		if want := merge.Merge(arts, per); !reflect.DeepEqual(got, want) {
			t.Fatal("Update's timeline differs from Merge's")
		}
	}
	first := hold(t, st, files, files.save(t, st).appended) // written anew
	// Saves with nothing changed append less and less (lists the first
	// saves write again), then nothing: that one adds no part.
	var held []*heldBytes
	for k := 0; ; k++ {
		parts, _ := st.SideParts()
		added := files.save(t, st).appended
		held = append(held, hold(t, st, files, added))
		again, _ := st.SideParts()
		if len(added) == 0 {
			if again != parts {
				t.Fatalf("a save that appended nothing: %d parts of the events file, %d before", again, parts)
			}
			break
		}
		if k == 4 {
			t.Fatalf("saves with nothing changed still append (%d bytes)", len(added))
		}
	}
	var appended *heldBytes
	for k := 0; appended == nil || len(appended.mem) == 0; k++ { // until a change touches the state
		if k == 10 {
			t.Fatal("ten changes appended nothing")
		}
		update(st)
		appended = hold(t, st, files, files.save(t, st).appended)
	}
	if files.compactions != 1 || first.released+appended.released != 0 {
		t.Fatalf("%d files written anew, %d+%d released: want one, nothing released", files.compactions, first.released, appended.released)
	}
	// Written anew (another file): the parts held before are released.
	files = &splitFiles{}
	second := hold(t, st, files, files.save(t, st).appended)
	if first.released != 1 || appended.released != 1 || second.released != 0 {
		t.Fatalf("after the file was written anew: released %d, %d, %d times, want 1, 1, 0", first.released, appended.released, second.released)
	}
	for k, h := range held {
		if want := min(len(h.mem), 1); h.released != want { // an empty part is not held
			t.Fatalf("after the file was written anew: the part of unchanged save %d released %d times", k, h.released)
		}
	}
	update(st)
	saved := files.save(t, st)
	hold(t, st, files, saved.appended)

	// A decoded state whose Update decodes its stored events into the
	// timeline keeps the bytes it decoded them from; one that decoded none
	// releases them.
	for _, decodes := range []bool{true, false} {
		dec := files.decode(t, saved)
		read := &heldBytes{mem: files.events}
		dec.HoldSide(read.mem, func() { read.released++ }) // not scribbled: files.events is the file
		if decodes {
			update(dec)
		}
		other := &splitFiles{}
		h := hold(t, dec, other, other.save(t, dec).appended)
		if want := map[bool]int{true: 0, false: 1}[decodes]; read.released != want {
			t.Fatalf("decoded, Update decoding %v: the bytes read released %d times, want %d", decodes, read.released, want)
		}
		dec.Release()
		if h.released != 1 || read.released != map[bool]int{true: 0, false: 1}[decodes] {
			t.Fatalf("decoded, Update decoding %v: after Release, released %d and %d times", decodes, h.released, read.released)
		}
	}
	// The state kept on, its released bytes scribbled over, merges and
	// saves what a fresh decoding merges.
	update(st)
	saved = files.save(t, st)
	hold(t, st, files, saved.appended)
	dec := files.decode(t, saved)
	update(dec)
	update(st)
}

// TestHeldSideKeptWhileListsLieInIt: a state with many dead candidates
// saves its adjacency lists renumbered (a new base for the file) and keeps
// its own, which lie in the part of the file it held before: that part is
// not released by the save that writes the file anew (it is scribbled over
// when released here, and the state's next timelines and saves would be
// garbage), and is once the lists lie elsewhere.
func TestHeldSideKeptWhileListsLieInIt(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 2026))
	w := newWorld(rng, 300)
	arts, per, keys := w.input()
	_, st := merge.NewState(arts, func(i int) []timeline.Event { return per[i] }, keys)
	files := &splitFiles{}
	first := hold(t, st, files, files.save(t, st).appended) // its lists now lie here
	check := func(st *merge.State, n int) {
		t.Helper()
		got, _ := st.Update(arts[:n], func(i int) []timeline.Event { return per[i] }, keys[:n])
		if want := merge.Merge(arts[:n], per[:n]); !reflect.DeepEqual(got, want) || st.Stats.Full {
			t.Fatalf("%d articles: Update's timeline differs from Merge's (or merged in full: %v)", n, st.Stats.Full)
		}
	}
	check(st, 2*len(arts)/3) // a third of the candidates dead
	other := &splitFiles{}
	hold(t, st, other, other.save(t, st).appended)
	if first.released != 0 {
		t.Fatal("the part the state's lists lie in was released")
	}
	for _, n := range []int{2*len(arts)/3 + 1, 2 * len(arts) / 3} {
		check(st, n)
		saved := other.save(t, st)
		hold(t, st, other, saved.appended)
		check(other.decode(t, saved), n)
	}
}
