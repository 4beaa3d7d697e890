package merge

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/newsline/timeline/timeline"
)

// TestRunSentenceIDsMatchTheTable: Merge's builder numbers sentences by
// source runs (runSentenceID) and must give every mention the ID the
// table of all sentences gives: on inputs whose sources come in one run
// each, on inputs where a source comes back after another's run (so the
// runs give up halfway), with mentions of several sources in one event,
// shared sentences and offsets that do not pack into 32 bits.
func TestRunSentenceIDsMatchTheTable(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 2026))
	gaveUp, kept := 0, 0
	for trial := 0; trial < 400; trial++ {
		arts, per := randomSentenceInput(rng)
		table, byRuns := internedSentences(arts, per, false), internedSentences(arts, per, true)
		if !slices.Equal(table.sents, byRuns.sents) || !slices.Equal(table.sentAt, byRuns.sentAt) {
			t.Fatalf("trial %d: sentence IDs %v at %v by runs, %v at %v by the table",
				trial, byRuns.sents, byRuns.sentAt, table.sents, table.sentAt)
		}
		for k := range table.pcs {
			if a, b := table.pcs[k], byRuns.pcs[k]; a.source != b.source || a.nSent != b.nSent {
				t.Fatalf("trial %d, candidate %d: source %d, %d sentences by runs; %d, %d by the table",
					trial, k, b.source, b.nSent, a.source, a.nSent)
			}
		}
		if byRuns.sentences.used > 0 {
			gaveUp++
		} else {
			kept++
		}
	}
	if gaveUp == 0 || kept == 0 {
		t.Fatalf("runs gave up on %d inputs and numbered %d: both kinds must be tested", gaveUp, kept)
	}
}

// internedSentences stems and interns the input with a builder that is
// transient (Merge's) or not (a State's).
func internedSentences(arts []timeline.Article, per [][]timeline.Event, transient bool) *indexBuilder {
	firsts := make([]int, len(per)+1)
	for i, evs := range per {
		firsts[i+1] = firsts[i] + len(evs)
	}
	b := newIndexBuilder(firsts[len(per)])
	b.transient = transient
	cands := make([]*candidate, firsts[len(per)])
	b.stem(arts, per, firsts, cands)
	b.intern(cands)
	return b
}

// randomSentenceInput makes a few articles whose events tell sentences of
// their own source, now and then of another's (which breaks the runs), or
// at offsets past 32 bits.
func randomSentenceInput(rng *rand.Rand) ([]timeline.Article, [][]timeline.Event) {
	n := 1 + rng.IntN(5)
	arts := make([]timeline.Article, n)
	per := make([][]timeline.Event, n)
	foreign := rng.IntN(3) == 0
	for a := range arts {
		arts[a] = timeline.Article{Slug: fmt.Sprintf("a%d", a)}
		for e := rng.IntN(4); e >= 0; e-- {
			ev := timeline.Event{Title: fmt.Sprintf("Event %d", rng.IntN(3))}
			for m := rng.IntN(4); m >= 0; m-- {
				src := a
				if foreign && rng.IntN(4) == 0 {
					src = rng.IntN(n)
				}
				start := 100 * rng.IntN(6)
				if rng.IntN(20) == 0 {
					start = 1<<33 + start
				}
				ev.Mentions = append(ev.Mentions, timeline.Mention{Article: arts[src].Slug,
					Source: fmt.Sprintf("content/%d.md", src), Sentence: timeline.Span{Start: start, End: start + 50},
					Text: fmt.Sprintf("Sentence %d.", start)})
			}
			per[a] = append(per[a], ev)
		}
	}
	return arts, per
}
