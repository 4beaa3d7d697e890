package site

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/zeebo/xxh3"
)

// TestPathIndexAcrossTagCollisions indexes enough paths that some share the
// high 32 bits of their hash (a slot's tag) and the slot's low bits' probe
// runs: every path is found at its position, absent and removed paths are
// not, and a path listed twice is refused, also when it is inserted after
// the index was built. Fails when a probe trusts the tag alone (two paths of
// one tag: "listed twice", or one found at the other's position) or skips a
// slot whose tag differs from a later one's.
func TestPathIndexAcrossTagCollisions(t *testing.T) {
	const n = 300_000
	paths := make([]string, n)
	tags := map[uint64]int{}
	shared := 0
	for i := range paths {
		paths[i] = fmt.Sprintf("events/%d-%x/index.html", i, i*7919)
		tag := xxh3.HashString(paths[i]) & slotTag
		if _, ok := tags[tag]; ok {
			shared++
		}
		tags[tag] = i
	}
	if shared == 0 {
		t.Fatal("no two paths share a tag: the test checks nothing of the tags")
	}
	x, ok := newPathIndex(paths)
	if !ok {
		t.Fatal("distinct paths refused as listed twice")
	}
	for i, p := range paths {
		if got := x.find(paths, p); got != i {
			t.Fatalf("find(%q) = %d, want %d", p, got, i)
		}
	}
	for i := range 1000 {
		if p := fmt.Sprintf("events/%d-%x/index.html", n+i, i); x.find(paths, p) != -1 {
			t.Fatalf("absent path %q found", p)
		}
	}
	// A removed path (manifestDelta.applyTo) is "" at its position: not found,
	// and may be added again at another.
	removed := 12345
	p := paths[removed]
	paths[removed] = ""
	if got := x.find(paths, p); got != -1 {
		t.Fatalf("removed path found at %d", got)
	}
	paths = append(paths, p)
	if !x.insert(paths, len(paths)-1) || x.find(paths, p) != len(paths)-1 {
		t.Fatal("a removed path added again is not found at its new position")
	}
	// Listed twice: refused when built, and when inserted later.
	r := rand.New(rand.NewPCG(1, 2))
	for range 20 {
		i, j := r.IntN(n), r.IntN(n)
		if i == j || i == removed || j == removed {
			continue
		}
		twice := append([]string(nil), paths...)
		twice[j] = twice[i]
		if _, ok := newPathIndex(twice); ok {
			t.Fatalf("path %q listed at %d and %d accepted", twice[i], i, j)
		}
		if x.insert(append(paths, paths[i]), len(paths)) {
			t.Fatalf("path %q inserted a second time", paths[i])
		}
	}
}
