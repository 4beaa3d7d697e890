package render

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"unsafe"
)

// poison fills every array b lends with bytes no plan writes, so a plan
// that reads an element it did not write makes other Keys or bytes.
func poison(b *PlanBuffers) {
	fill := func(p unsafe.Pointer, n int) {
		if n > 0 {
			s := unsafe.Slice((*byte)(p), n)
			for i := range s {
				s[i] = 0xA5
			}
		}
	}
	a := &b.a
	fill(unsafe.Pointer(unsafe.SliceData(a.digests[:cap(a.digests)])), 16*cap(a.digests))
	fill(unsafe.Pointer(unsafe.SliceData(a.links[:cap(a.links)])), 16*cap(a.links))
	fill(unsafe.Pointer(unsafe.SliceData(a.rows[:cap(a.rows)])), 8*cap(a.rows))
	fill(unsafe.Pointer(unsafe.SliceData(a.memoAt[:cap(a.memoAt)])), 4*cap(a.memoAt))
	fill(unsafe.Pointer(unsafe.SliceData(a.fromMemo[:cap(a.fromMemo)])), cap(a.fromMemo))
	fill(unsafe.Pointer(unsafe.SliceData(a.slots[:cap(a.slots)])), 8*cap(a.slots))
	fill(unsafe.Pointer(unsafe.SliceData(a.citeStart[:cap(a.citeStart)])), 4*cap(a.citeStart))
	fill(unsafe.Pointer(unsafe.SliceData(a.citeIndex[:cap(a.citeIndex)])), 4*cap(a.citeIndex))
	fill(unsafe.Pointer(unsafe.SliceData(a.entities[:cap(a.entities)])), 4*cap(a.entities))
	fill(unsafe.Pointer(unsafe.SliceData(a.articleCounts[:cap(a.articleCounts)])), 4*cap(a.articleCounts))
	fill(unsafe.Pointer(unsafe.SliceData(a.articleEvents[:cap(a.articleEvents)])), 4*cap(a.articleEvents))
	fill(unsafe.Pointer(unsafe.SliceData(a.pageOf[:cap(a.pageOf)])), 4*cap(a.pageOf))
	fill(unsafe.Pointer(unsafe.SliceData(a.pathEnds[:cap(a.pathEnds)])), 4*cap(a.pathEnds))
	fill(unsafe.Pointer(unsafe.SliceData(a.entityEnds[:cap(a.entityEnds)])), 4*cap(a.entityEnds))
	fill(unsafe.Pointer(unsafe.SliceData(a.listed[:cap(a.listed)])), 4*cap(a.listed))
	fill(unsafe.Pointer(unsafe.SliceData(a.gathered[:cap(a.gathered)])), 16*cap(a.gathered))
	stale := []int32{7, 7, 7}
	for _, lists := range [][][]int32{a.articleLists[:cap(a.articleLists)]} {
		for i := range lists {
			lists[i] = stale[:i%3]
		}
	}
	for i := range a.fromMemo[:cap(a.fromMemo)] {
		a.fromMemo[:cap(a.fromMemo)][i] = i%2 == 0 // a bool must stay 0 or 1
	}
}

// TestPlanBuffersChangeNothing plans a timeline through random edits (events
// added and removed, so the arrays shrink and grow) with one PlanBuffers,
// its arrays poisoned between plans, alternately with and without a memo;
// every plan must list the pages, Keys, bytes and memo a plan with fresh
// arrays does.
func TestPlanBuffersChangeNothing(t *testing.T) {
	for _, paged := range []bool{false, true} {
		t.Run(fmt.Sprintf("paged=%v", paged), func(t *testing.T) {
			if paged {
				defer func(n int) { paginateAbove = n }(paginateAbove)
				paginateAbove = 2
			}
			rng := rand.New(rand.NewPCG(21, uint64(len(fmt.Sprint(paged)))))
			cfg := Config{Title: "Buffers", BaseURL: "https://example.org/t/"}
			lent := cfg
			lent.Buffers = &PlanBuffers{}
			tl := synthetic(t, 300)
			first, err := PlanIncremental(tl, lent, nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			memo, serial := roundTrip(t, first), 0
			for round := 0; round < 30; round++ {
				next := editTimeline(rng, tl, 1+rng.IntN(6), &serial)
				prev, ch := memo, referenceChanges(tl, next)
				if round%3 == 2 {
					prev, ch = nil, nil
				}
				poison(lent.Buffers)
				inc, err := PlanIncremental(next, lent, prev, ch)
				if err != nil {
					t.Fatal(err)
				}
				if prev != nil && !inc.Stats.MemoUsed {
					t.Fatalf("round %d: memo not used (%+v)", round, inc.Stats)
				}
				full, err := Plan(next, cfg)
				if err != nil {
					t.Fatal(err)
				}
				what := fmt.Sprintf("round %d (%d events)", round, len(next.Events))
				samePlan(t, what, inc.Pages, full, true)
				sameMemo(t, what, inc, next, cfg)
				tl, memo = next, roundTrip(t, inc)
			}
		})
	}
}

// TestPlanBuffersAreReused: a second plan of the same timeline with the same
// PlanBuffers writes into the arrays of the first (the test above would pass
// as well if nothing were lent).
func TestPlanBuffersAreReused(t *testing.T) {
	cfg := Config{Title: "Buffers", Buffers: &PlanBuffers{}}
	tl := synthetic(t, 200)
	first, err := PlanIncremental(tl, cfg, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	digests, rows := unsafe.SliceData(first.s.eventDigests), unsafe.SliceData(first.s.rowSums)
	memo := roundTrip(t, first)
	second, err := PlanIncremental(tl, cfg, memo, referenceChanges(tl, tl))
	if err != nil {
		t.Fatal(err)
	}
	if unsafe.SliceData(second.s.eventDigests) != digests || unsafe.SliceData(second.s.rowSums) != rows {
		t.Error("the second plan allocated its event digests or row hashes afresh")
	}
	// The exports' copy of the digests (gatheredDigests), made when the
	// first export keys a fragment, the second plan's pages done.
	held := &second.s.gatheredDigests()(0)[0]
	third, err := PlanIncremental(tl, cfg, roundTrip(t, second), referenceChanges(tl, tl))
	if err != nil {
		t.Fatal(err)
	}
	if &third.s.gatheredDigests()(0)[0] != held {
		t.Error("the exports of the third plan copied the digests into a new array")
	}
}
