package merge

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/newsline/timeline/timeline"
)

// TestPermuteInPlace checks that every element lands at its destination,
// on random permutations of every length up to 64 (cycles of every shape).
func TestPermuteInPlace(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for n := 0; n <= 64; n++ {
		for trial := 0; trial < 20; trial++ {
			dest := make([]int32, n)
			s := make([]int, n)
			for k, d := range rng.Perm(n) {
				dest[k], s[k] = int32(d), 1000+k
			}
			want := make([]int, n)
			for k := range s {
				want[dest[k]] = s[k]
			}
			got := permuteInPlace(s, dest)
			for k := range want {
				if got[k] != want[k] {
					t.Fatalf("n=%d: position %d holds %d, want %d", n, k, got[k], want[k])
				}
			}
		}
	}
}

// TestInternSizesSentencesForAllMentions: with many more mention sentences
// than candidates (lead events tell many), interning sizes the sentence
// table for every mention at once, so it never grows (rehashing all the
// sentences seen so far), and still gives one ID per distinct sentence.
func TestInternSizesSentencesForAllMentions(t *testing.T) {
	const events, perEvent = 3, 100 // 300 mentions, 150 distinct sentences
	var evs []timeline.Event
	for e := 0; e < events; e++ {
		ev := timeline.Event{Title: fmt.Sprintf("Event %d", e)}
		for m := 0; m < perEvent; m++ {
			start := (e*perEvent + m) % 150 * 100 // events share sentences
			ev.Mentions = append(ev.Mentions, timeline.Mention{Article: "a", Source: "content/a.md",
				Sentence: timeline.Span{Start: start, End: start + 50}, Text: fmt.Sprintf("Sentence %d.", start)})
		}
		evs = append(evs, ev)
	}
	arts := []timeline.Article{{Slug: "a"}}
	per := [][]timeline.Event{evs}
	b := newIndexBuilder(events)
	cands := make([]*candidate, events)
	b.stem(arts, per, []int{0, events}, cands)
	b.intern(cands)
	if got, want := len(b.sentences.keys), 2*events*perEvent; got < want {
		t.Errorf("sentence table has %d slots, want room for all %d mentions (%d)", got, events*perEvent, want)
	}
	if b.sentences.used != 150 {
		t.Errorf("%d sentence IDs, want 150", b.sentences.used)
	}
	ids := map[int]int32{} // sentence start -> ID
	for k, c := range cands {
		for m, men := range c.mentions {
			id := b.sents[int(b.sentAt[k])+m]
			if prev, ok := ids[men.Sentence.Start]; ok && prev != id {
				t.Fatalf("sentence at %d has IDs %d and %d", men.Sentence.Start, prev, id)
			}
			ids[men.Sentence.Start] = id
		}
	}
	seen := map[int32]bool{}
	for _, id := range ids {
		if seen[id] {
			t.Fatalf("ID %d names two sentences", id)
		}
		seen[id] = true
	}
}

// TestDateOrderAsSorted: dateOrder's counting sort gives the order sorting
// (value rank, canonical index) keys gives, and byValue the last Date in
// canonical order of each start value (one value has several spans), as
// one assignment per candidate gave them.
func TestDateOrderAsSorted(t *testing.T) {
	rng := rand.New(rand.NewPCG(17, 3))
	dates := []string{"2020", "2020-09", "2020-09-27", "2020-09-28", "2021", "2019-12-31"}
	var arts []art
	for a := 0; a < 50; a++ {
		var cs []cand
		for k := 0; k < 1+rng.IntN(5); k++ {
			cs = append(cs, cand{title: fmt.Sprintf("t%d", rng.IntN(9)), start: dates[rng.IntN(len(dates))],
				sentence: fmt.Sprintf("Sentence %d of %d.", rng.IntN(3), a)})
		}
		arts = append(arts, art{slug: fmt.Sprintf("a%02d", 49-a), pub: "2021-06-01", cands: cs})
	}
	articles, per := build(t, arts...)
	for _, evs := range per { // one value, several spans: the last one's Date is kept
		for k := range evs {
			if d := &evs[k].Start; d.Value == "2020-09" {
				d.End = d.End.Add(time.Duration(rng.IntN(4)) * time.Hour)
			}
		}
	}
	firsts := []int{0}
	for _, evs := range per {
		firsts = append(firsts, firsts[len(firsts)-1]+len(evs))
	}
	n := firsts[len(per)]
	b := newIndexBuilder(n)
	cands := make([]*candidate, n)
	b.stem(articles, per, firsts, cands)
	b.intern(cands)
	slices.SortStableFunc(cands, compareCandidates)
	rank := b.valueRanks()
	var want []uint64
	wantByValue := map[string]timeline.Date{}
	for i, c := range cands {
		pc := &b.pcs[c.pair]
		want = append(want, uint64(rank[pc.dateID])<<32|uint64(i))
		if pc.hasStart {
			wantByValue[c.in.Start.Value] = c.in.Start
		}
	}
	slices.Sort(want)
	for k := range want {
		want[k] &= 1<<32 - 1
	}
	byValue := map[string]timeline.Date{}
	if got := b.dateOrder(cands, byValue); !slices.Equal(got, want) {
		t.Fatalf("dateOrder gives %v, sorting gives %v", got, want)
	}
	if !maps.EqualFunc(byValue, wantByValue, func(a, b timeline.Date) bool {
		return a.Value == b.Value && a.Start.Equal(b.Start) && a.End.Equal(b.End)
	}) {
		t.Fatalf("byValue %v, want %v", byValue, wantByValue)
	}
	for i, c := range cands {
		if b.pcs[c.pair].canon != int32(i) {
			t.Fatalf("candidate %d numbered %d", i, b.pcs[c.pair].canon)
		}
	}
}
