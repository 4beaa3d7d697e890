//go:build linux

package merge_test

import (
	"math/rand/v2"
	"reflect"
	"slices"
	"syscall"
	"testing"

	"github.com/newsline/timeline/timeline"
	"github.com/newsline/timeline/timeline/merge"
)

// TestDecodedStateNeverWritesItsBytes: a decoded state's adjacency lists
// are the kept section's bytes in place (site maps that section read-only),
// so Update must copy a list before changing it. Each build's state is
// encoded and its kept section put in read-only memory before decoding; a
// write into it would kill the test with a fault. Random changes remove and
// re-link candidates (removeArticles, refresh), the paths that edit lists.
func TestDecodedStateNeverWritesItsBytes(t *testing.T) {
	rng := rand.New(rand.NewPCG(77, 2026))
	inPlace := 0
	for seq := 0; seq < 30; seq++ {
		w := newWorld(rng, 4+rng.IntN(16))
		arts, per, keys := w.input()
		_, st := merge.NewState(arts, func(i int) []timeline.Event { return per[i] }, keys)
		for step := 0; step < 6; step++ {
			for k := 0; k < 1+rng.IntN(3); k++ {
				w.change()
			}
			head, events, tail := encodedParts(st)
			kept := readOnlyCopy(t, events)
			decoded, err := merge.DecodeStateParts(slices.Clone(head), kept, tail)
			if err != nil {
				t.Fatalf("sequence %d step %d: %v", seq, step, err)
			}
			inPlace += merge.ListsIn(decoded, kept)
			arts, per, keys = w.input()
			got, _ := decoded.Update(arts, func(i int) []timeline.Event { return per[i] }, keys)
			if want := merge.Merge(arts, per); !reflect.DeepEqual(got, want) {
				t.Fatalf("sequence %d step %d: Update of a state decoded from read-only bytes differs from Merge", seq, step)
			}
			st = decoded
		}
	}
	if inPlace == 0 {
		t.Fatal("no decoded adjacency list lay in the kept section: the test proves nothing")
	}
	t.Logf("%d adjacency lists used in place", inPlace)
}

// readOnlyCopy returns b's bytes in a read-only page-aligned mapping,
// unmapped when the test ends (the decoded states are dropped by then).
func readOnlyCopy(t *testing.T, b []byte) []byte {
	t.Helper()
	if len(b) == 0 {
		return b
	}
	mem, err := syscall.Mmap(-1, 0, len(b), syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_PRIVATE|syscall.MAP_ANON)
	if err != nil {
		t.Skipf("mmap: %v", err)
	}
	copy(mem, b)
	if err := syscall.Mprotect(mem, syscall.PROT_READ); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = syscall.Munmap(mem) })
	return mem[:len(b)]
}

// TestMappedArraysUpdateAsMerge: a state whose candidates' arrays an
// ArrayMapper gave (site maps them privately from the state file) updates as
// Merge merges, build after build, each build's state encoded and decoded
// again: Update writes those arrays (a removed candidate's article) and
// appends into their room, and the arrays' source bytes (the file's) are
// never written.
func TestMappedArraysUpdateAsMerge(t *testing.T) {
	rng := rand.New(rand.NewPCG(78, 2026))
	mapped := 0
	for seq := 0; seq < 20; seq++ {
		w := newWorld(rng, 4+rng.IntN(16))
		arts, per, keys := w.input()
		_, st := merge.NewState(arts, func(i int) []timeline.Event { return per[i] }, keys)
		for step := 0; step < 5; step++ {
			for k := 0; k < 1+rng.IntN(3); k++ {
				w.change()
			}
			head, events, tail := encodedParts(st)
			head = readOnlyCopy(t, head) // as the file's bytes: a write faults
			decoded, err := merge.DecodeStatePartsMapped(head, events, tail, privateCopies(t, head))
			if err != nil {
				t.Fatalf("sequence %d step %d: %v", seq, step, err)
			}
			mapped += decoded.MappedArrays()
			arts, per, keys = w.input()
			got, _ := decoded.Update(arts, func(i int) []timeline.Event { return per[i] }, keys)
			if want := merge.Merge(arts, per); !reflect.DeepEqual(got, want) {
				t.Fatalf("sequence %d step %d: Update of a state with mapped arrays differs from Merge", seq, step)
			}
			st = decoded
		}
	}
	if mapped == 0 {
		t.Fatal("no array was taken from the mapper: the test proves nothing")
	}
	t.Logf("%d arrays taken from the mapper", mapped)
}

// privateCopies is an ArrayMapper over head: each array in private memory
// of its own (page-aligned, zero after the array), unmapped when the test ends.
func privateCopies(t *testing.T, head []byte) merge.ArrayMapper {
	return func(off, n, capBytes int) []byte {
		if off%4096 != 0 || off+n > len(head) {
			t.Errorf("mapper asked for %d bytes at %d (head of %d)", n, off, len(head))
			return nil
		}
		mem, err := syscall.Mmap(-1, 0, capBytes, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_PRIVATE|syscall.MAP_ANON)
		if err != nil {
			return nil
		}
		copy(mem, head[off:off+n])
		t.Cleanup(func() { _ = syscall.Munmap(mem) })
		return mem
	}
}

// TestMappedArraysReleasedOnRestart: an Update that merges from scratch
// gives back the mapped arrays (SetRelease) once, after it stops reading
// them, and its timeline is Merge's; Release gives them back too.
func TestMappedArraysReleasedOnRestart(t *testing.T) {
	rng := rand.New(rand.NewPCG(79, 2026))
	w := newWorld(rng, 12)
	arts, per, keys := w.input()
	_, st := merge.NewState(arts, func(i int) []timeline.Event { return per[i] }, keys)
	decode := func() (*merge.State, *int) {
		head, events, tail := encodedParts(st)
		got, err := merge.DecodeStatePartsMapped(head, events, tail, privateCopies(t, head))
		if err != nil || got.MappedArrays() == 0 {
			t.Fatalf("decoding: %v (%d arrays mapped)", err, got.MappedArrays())
		}
		released := new(int)
		got.SetRelease(func() { *released++ })
		return got, released
	}
	decoded, released := decode()
	dup := append(slices.Clone(arts), arts[0]) // a repeated slug: merged from scratch
	dupPer := append(slices.Clone(per), per[0])
	dupKeys := append(slices.Clone(keys), keys[0])
	got, _ := decoded.Update(dup, func(i int) []timeline.Event { return dupPer[i] }, dupKeys)
	if !decoded.Stats.Full || *released != 1 {
		t.Fatalf("full merge %v, arrays released %d times; want a full merge releasing them once", decoded.Stats.Full, *released)
	}
	if want := merge.Merge(dup, dupPer); !reflect.DeepEqual(got, want) {
		t.Fatal("the restarted Update differs from Merge")
	}
	decoded, released = decode()
	decoded.Release()
	decoded.Release()
	if *released != 1 {
		t.Fatalf("Release gave the arrays back %d times, want once", *released)
	}
}
