package render

import (
	"bytes"
	"fmt"
	"testing"
)

// TestGatheredDigestsAfterAPanic: when reading an event's digest panics
// while gatheredDigests copies them (the first export's page fails;
// sync.Once never runs again), the build's other exports must not read
// the digests the previous plan left in the lent array for the events
// not copied: each later read panics too (its page fails), or gives the
// event's own digest. Fails when the array is published before it is
// whole (then events k on read the previous plan's digests). After
// engineer A's review test (TestAGatheredDigestsAfterAPanic).
func TestGatheredDigestsAfterAPanic(t *testing.T) {
	cfg := Config{Title: "Gathered", Buffers: &PlanBuffers{}}
	tlA := synthetic(t, 200)
	a, err := PlanIncremental(tlA, cfg, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	ga := a.s.gatheredDigests() // plan A's exports fill the lent array
	prev := make([][]byte, len(tlA.Events))
	for i := range prev {
		prev[i] = bytes.Clone(ga(i)) // the array is lent to the next plan
	}
	tlB := tlA
	tlB.Events = append(tlB.Events[:0:0], tlA.Events...)
	for i := range tlB.Events {
		tlB.Events[i].Title = fmt.Sprintf("Edited %d", i) // every digest differs from A's
	}
	b, err := PlanIncremental(tlB, cfg, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	n := len(b.s.tl.Events)
	for i := 0; i < n; i++ {
		if bytes.Equal(prev[i], b.s.eventDigest(i)) {
			t.Fatalf("event %d: the edit left its digest as it was", i)
		}
	}
	const k = 50
	full := b.s.eventDigests
	b.s.eventDigests = full[:k:k] // event k's digest cannot be read: a panic mid-copy
	g := b.s.gatheredDigests()
	if !panics(func() { g(0) }) {
		t.Fatal("the first read did not panic")
	}
	b.s.eventDigests = full
	for i := 0; i < n; i++ { // the build's other exports
		var got []byte
		if !panics(func() { got = g(i) }) && !bytes.Equal(got, b.s.eventDigest(i)) {
			t.Fatalf("after a panic, event %d's export digest is %x, not its own %x (the previous plan's: %v)",
				i, got, b.s.eventDigest(i), bytes.Equal(got, prev[i]))
		}
	}
}

// panics reports whether f panicked.
func panics(f func()) (p bool) {
	defer func() { p = recover() != nil }()
	f()
	return false
}
