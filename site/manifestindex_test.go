package site

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/zeebo/xxh3"
)

// TestPathIndexAcrossTagCollisions indexes enough paths that some share the
// high 32 bits of their hash (a slot's tag), in a manifest read back from
// its file (pages as offsets in its text) and in one built in memory: every
// path is found at its position, absent and removed paths are not, a
// removed path added again is found at its new position, and a path listed
// twice is refused, also when it is inserted after the index was built.
// Fails when a probe trusts the tag alone (two paths of one tag: "listed
// twice", or one found at the other's position).
func TestPathIndexAcrossTagCollisions(t *testing.T) {
	const n = 300_000
	built := manifest{Version: "v", Out: "public"}
	tags := map[uint64]int{}
	shared := 0
	for i := range n {
		p := fmt.Sprintf("events/%d-%x/index.html", i, i*7919)
		built.add(p, fmt.Sprintf("k%d", i))
		tag := xxh3.HashString(p) & slotTag
		if _, ok := tags[tag]; ok {
			shared++
		}
		tags[tag] = i
	}
	if shared == 0 {
		t.Fatal("no two paths share a tag: the test checks nothing of the tags")
	}
	built.seal()
	var ok bool
	if built.index, ok = newPathIndex(&built); !ok {
		t.Fatal("distinct paths refused as listed twice")
	}
	read, err := decodeManifest(encodeManifest(built))
	if err != nil {
		t.Fatal(err)
	}
	for name, m := range map[string]*manifest{"built": &built, "read": &read} {
		for i := range n {
			p, k := m.pair(i)
			if got := m.lookup(p); got != i || m.key(got) != k || k != fmt.Sprintf("k%d", i) {
				t.Fatalf("%s: lookup(%q) = %d (key %q), want %d", name, p, got, m.key(max(got, 0)), i)
			}
		}
		for i := range 1000 {
			if p := fmt.Sprintf("events/%d-%x/index.html", n+i, i); m.lookup(p) != -1 {
				t.Fatalf("%s: absent path %q found", name, p)
			}
		}
		// A removed page (manifestDelta.applyTo) reads "": not found, and
		// may be added again at another position.
		removed := 12345
		p := m.path(removed)
		m.remove(removed)
		if got := m.lookup(p); got != -1 || m.path(removed) != "" || m.key(removed) != "" {
			t.Fatalf("%s: removed path found at %d", name, got)
		}
		m.add(p, "again")
		if !m.index.insert(m, m.n()-1) || m.lookup(p) != m.n()-1 || m.key(m.n()-1) != "again" {
			t.Fatalf("%s: a removed path added again is not found at its new position", name)
		}
		// A new Key for a page read from the file or built.
		m.setKey(7, "seven")
		if p, k := m.pair(7); m.lookup(p) != 7 || k != "seven" {
			t.Fatalf("%s: page 7 re-keyed reads %q %q", name, p, k)
		}
		// Listed twice: refused when inserted after the index was built.
		r := rand.New(rand.NewPCG(1, 2))
		for range 20 {
			i := r.IntN(n)
			if i == removed {
				continue
			}
			m.add(m.path(i), "twice")
			if m.index.insert(m, m.n()-1) {
				t.Fatalf("%s: path %q inserted a second time", name, m.path(i))
			}
			m.ents = m.ents[:m.n()-1]
		}
	}
	// And when built: the same path at two positions.
	twice := manifest{}
	for i := range 1000 {
		twice.add(fmt.Sprintf("p%d", i), "k")
	}
	twice.add("p500", "k")
	if _, ok := newPathIndex(&twice); ok {
		t.Fatal("a path listed twice accepted")
	}
}
