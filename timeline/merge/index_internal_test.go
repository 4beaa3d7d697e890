package merge

import (
	"math/rand/v2"
	"testing"
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
