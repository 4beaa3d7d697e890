package merge

import (
	"math/rand/v2"
	"testing"
)

// TestTableMatchesMap puts and gets random keys (dense, sparse, zero, the
// largest allowed) in a table grown from its smallest size, against a Go map.
func TestTableMatchesMap(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	tab, want := newTable[int32](0), map[uint64]int32{}
	key := func() uint64 {
		switch rng.IntN(4) {
		case 0:
			return uint64(rng.IntN(50))
		case 1:
			return ^uint64(0) - 1 - uint64(rng.IntN(3))
		}
		return rng.Uint64() >> 1
	}
	for k := 0; k < 100_000; k++ {
		x := key()
		if rng.IntN(2) == 0 {
			v := int32(rng.IntN(1000))
			tab.put(x, v)
			want[x] = v
		}
		got, ok := tab.get(x)
		if w, wok := want[x]; ok != wok || got != w {
			t.Fatalf("key %d: got %d, %v; want %d, %v", x, got, ok, w, wok)
		}
	}
	if tab.used != len(want) {
		t.Errorf("table holds %d keys, want %d", tab.used, len(want))
	}
}
