package merge

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// TestMarksScoreAsPairIndex scores every pair of random candidates both ways,
// by marks (the fast path pair scoring uses) and by pairIndex.edge (the
// plain definition), and wants the same decision and the same score bits.
// Titles, sentences and entities come from a small vocabulary with event
// words, so pairs share titles, contexts and classes in every combination.
func TestMarksScoreAsPairIndex(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 15))
	vocab := strings.Fields("Varnia Quellmark Storvik Osterholm harbour bridge port arms budget war attack capture flood election deal protest summit withdrawal the of")
	words := func(n int) string {
		ws := make([]string, n)
		for k := range ws {
			ws[k] = vocab[rng.IntN(len(vocab))]
		}
		return strings.Join(ws, " ")
	}
	pool := make([]string, 10) // retold titles: near-identical pairs
	for k := range pool {
		pool[k] = words(2 + rng.IntN(3))
	}
	title := func() string {
		if rng.IntN(2) == 0 {
			return pool[rng.IntN(len(pool))]
		}
		return words(rng.IntN(5))
	}
	dates := []string{"2020", "2020-09", "2020-09-27", "2020-09-28", "2021"}
	var arts []art
	for a := 0; a < 30; a++ {
		var cs []cand
		for k := 0; k < 1+rng.IntN(8); k++ {
			c := cand{title: title(), start: dates[rng.IntN(len(dates))], sentence: words(1 + rng.IntN(12)), lead: rng.IntN(5) == 0}
			if rng.IntN(6) == 0 {
				c.start, c.end = "2020", "2021"
			}
			for e := 0; e < rng.IntN(3); e++ {
				c.entities = append(c.entities, vocab[rng.IntN(5)])
			}
			cs = append(cs, c)
		}
		arts = append(arts, art{slug: fmt.Sprintf("a%d", a), pub: "2021-06-01", cands: cs})
	}
	_, x := buildCandidates(build(t, arts...))
	m := newMarks(x)
	pairs, near := 0, 0
	for i := range x.cands {
		a := &x.cands[i]
		m.set(a)
		for j := range x.cands {
			b := &x.cands[j]
			if i == j || !a.hasStart || !b.hasStart {
				continue
			}
			want, wantOK := x.edge(a, b)
			got, gotOK := m.edge(b)
			if gotOK != wantOK || math.Float64bits(got.score) != math.Float64bits(want.score) || got.i != want.i || got.j != want.j {
				t.Fatalf("pair %d, %d: marks give %v %v, pairIndex.edge %v %v", i, j, got, gotOK, want, wantOK)
			}
			pairs++
			if want.score >= 1 {
				near++
			}
		}
	}
	if pairs < 1000 || near == 0 {
		t.Fatalf("only %d pairs compared, %d of them near-identical", pairs, near)
	}
}
