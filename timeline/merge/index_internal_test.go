package merge

import (
	"fmt"
	"math/rand/v2"
	"testing"

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
