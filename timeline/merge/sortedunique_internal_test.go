package merge

import (
	"fmt"
	"math/bits"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestSortedUniqueMatchesSort compares stemShare.sortedUnique with sorting
// and compacting a copy, on random lists of every length up to a few
// hundred over vocabularies small and large, so that both of its ways (the
// bitmap and the sort) run, one call after another on the same share.
func TestSortedUniqueMatchesSort(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 13))
	bitmapped := 0
	for _, stems := range []int{1, 40, 500, 5000, 100_000} {
		sh := newStemShare()
		for len(sh.interner) < stems {
			sh.interner[fmt.Sprint(len(sh.interner))] = int32(len(sh.interner))
		}
		for n := 0; n < 400; n += 1 + n/8 {
			ids := make([]int32, n)
			for k := range ids {
				ids[k] = int32(rng.IntN(len(sh.interner)))
			}
			want := slices.Compact(slices.Sorted(slices.Values(ids)))
			if n >= 32 && (len(sh.interner)+63)/64 <= 2*n {
				bitmapped++
			}
			if got := sh.sortedUnique(ids); !slices.Equal(got, want) {
				t.Fatalf("%d stems, %d IDs: got %v, want %v", stems, n, got, want)
			}
		}
		for k, w := range sh.bits {
			if w != 0 {
				t.Fatalf("%d stems: bitmap word %d left %x", stems, k, w)
			}
		}
	}
	if bitmapped < 20 {
		t.Fatalf("only %d lists went through the bitmap", bitmapped)
	}
}

// TestSortByStemMatchesSort builds fill's keys (each position's sorted
// title stems, positions increasing) for random groups of every size around
// the radix sort's threshold and of stem counts needing one to three
// passes, and wants sortByStem to order them as slices.Sort does, one call
// after another on the same scratch.
func TestSortByStemMatchesSort(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 21))
	var tmp []uint64
	radix := 0
	for _, stems := range []int{2, 200, 70_000, 1 << 20} {
		for size := 0; size < 600; size += 1 + size/4 {
			var keys []uint64
			for p := 0; len(keys) < size; p += 1 + rng.IntN(3) {
				title := make([]int32, 1+rng.IntN(6))
				for k := range title {
					title[k] = int32(rng.IntN(stems))
				}
				for _, s := range sortedSet(title) {
					keys = append(keys, uint64(s)<<32|uint64(p))
				}
			}
			want := slices.Sorted(slices.Values(keys))
			if len(keys) >= 64*((bits.Len(uint(stems-1))+7)/8) {
				radix++
			}
			if got := sortByStem(keys, &tmp, stems); !slices.Equal(got, want) {
				t.Fatalf("%d stems, %d keys: not sorted as slices.Sort sorts", stems, len(keys))
			}
		}
	}
	if radix < 20 {
		t.Fatalf("only %d groups were radix sorted", radix)
	}
}
