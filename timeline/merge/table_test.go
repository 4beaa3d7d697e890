package merge

import (
	"math/rand/v2"
	"testing"
)

// TestTableMatchesMap puts, gets and getOrPuts random keys (dense, sparse, zero, the
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
		switch rng.IntN(3) {
		case 0:
			v := int32(rng.IntN(1000))
			tab.put(x, v)
			want[x] = v
		case 1:
			v := int32(rng.IntN(1000))
			got, ok := tab.getOrPut(x, v)
			w, wok := want[x]
			if !wok {
				want[x], w = v, v
			}
			if ok != wok || got != w {
				t.Fatalf("getOrPut(%d, %d) = %d, %v; want %d, %v", x, v, got, ok, w, wok)
			}
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

// TestResettableTableEmpties fills a resettable table with rounds of few
// and of many keys (the two ways reset clears, growth in between) and wants
// it empty after each reset, then behaving as a fresh table.
func TestResettableTableEmpties(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	tab := newResettable[uint64](4)
	for round := 0; round < 200; round++ {
		want := map[uint64]uint64{}
		n := rng.IntN(8)
		if round%5 == 0 {
			n = rng.IntN(3000)
		}
		for k := 0; k < n; k++ {
			x, v := uint64(rng.IntN(5000)), rng.Uint64()
			tab.put(x, v)
			want[x] = v
		}
		for x, v := range want {
			if got, ok := tab.get(x); !ok || got != v {
				t.Fatalf("round %d: key %d: got %d, %v; want %d", round, x, got, ok, v)
			}
		}
		tab.reset()
		if tab.used != 0 {
			t.Fatalf("round %d: %d keys left after reset", round, tab.used)
		}
		for x := uint64(0); x < 5000; x++ {
			if _, ok := tab.get(x); ok {
				t.Fatalf("round %d: key %d still there after reset", round, x)
			}
		}
	}
}
