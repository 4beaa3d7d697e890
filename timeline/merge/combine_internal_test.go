package merge

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// TestCentralitiesMatchPairwise: counting each stem's titles once (a large
// group) or comparing each two titles once (a small one) gives every member
// the centrality that comparing its title with each other title gives, on
// random groups of every size up to 40
// with random sorted title sets (empty ones among them) over few stems.
func TestCentralitiesMatchPairwise(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	for trial := 0; trial < 500; trial++ {
		x := &pairIndex{}
		group := make([]*candidate, 1+rng.IntN(40))
		for k := range group {
			var title []int32
			for s := int32(0); s < 12; s++ {
				if rng.IntN(3) == 0 {
					title = append(title, s)
				}
			}
			x.cands = append(x.cands, pairCand{sets: int32(len(x.arena)), nTitle: int32(len(title))})
			x.arena = append(x.arena, title...)
			group[k] = &candidate{pair: int32(k)}
		}
		var want []float64
		for _, c := range group {
			want = append(want, centrality(x, group, c))
		}
		if got := centralities(x, group, nil); !slices.Equal(got, want) {
			t.Fatalf("group of %d: centralities %v, pairwise %v", len(group), got, want)
		}
	}
}

// centrality is the definition centralities computes for every member at
// once: the count of title stems c shares with the other members' titles.
func centrality(x *pairIndex, group []*candidate, c *candidate) float64 {
	sum := 0
	title := x.titleOf(c)
	for _, o := range group {
		if o != c {
			sum += common(title, x.titleOf(o))
		}
	}
	return float64(sum)
}
