package merge

import (
	"cmp"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestSortInPartsIsStable sorts pairs with many equal keys in parts (one to
// five workers, so an odd part is carried over too) with a stable part sort,
// and wants exactly slices.SortStableFunc's result.
func TestSortInPartsIsStable(t *testing.T) {
	defer func(old func() int) { workers = old }(workers)
	rng := rand.New(rand.NewPCG(3, 5))
	type pair struct{ key, at int }
	byKey := func(a, b pair) int { return cmp.Compare(a.key, b.key) }
	for _, n := range []int{0, 1, 100, sortGrain + 1, 5*sortGrain + 7} {
		in := make([]pair, n)
		for i := range in {
			in[i] = pair{rng.IntN(50), i}
		}
		want := slices.Clone(in)
		slices.SortStableFunc(want, byKey)
		for w := 1; w <= 5; w++ {
			workers = func() int { return w }
			got := slices.Clone(in)
			sortInParts(got, byKey, slices.SortStableFunc[[]pair])
			if !slices.Equal(got, want) {
				t.Errorf("%d elements, %d workers: not the stable sort", n, w)
			}
		}
	}
}
