package render

import (
	"runtime"
	"testing"
)

// The pages planned on several CPUs are the pages planned on one: same paths,
// same Keys, same order.
func TestPlanOnSeveralCPUsMatchesOne(t *testing.T) {
	if testing.Short() {
		t.Skip("plans a 30,000-event timeline twice")
	}
	tl := synthetic(t, 30000) // 600 articles: both page lists are split
	plan := func(procs int) []Page {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		pages, err := Plan(tl, Config{BaseURL: "https://example.org/"})
		if err != nil {
			t.Fatal(err)
		}
		return pages
	}
	one, three := plan(1), plan(3)
	if len(one) != len(three) {
		t.Fatalf("%d pages on one CPU, %d on three", len(one), len(three))
	}
	for i := range one {
		if one[i].Path != three[i].Path || one[i].Key != three[i].Key {
			t.Fatalf("page %d: %s %s on one CPU, %s %s on three", i, one[i].Path, one[i].Key, three[i].Path, three[i].Key)
		}
	}
}

// inParallel covers every index once, whatever n and the number of CPUs, and
// raises a chunk's panic on the caller.
func TestInParallelCoversEveryIndexOnceAndRaisesPanics(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(3))
	for _, n := range []int{0, 1, minParallel - 1, minParallel, 2*minParallel + 1, 10*minParallel + 7} {
		seen := make([]int, n)
		inParallel(n, func(lo, hi int) {
			for i := lo; i < hi; i++ {
				seen[i]++
			}
		})
		for i, c := range seen {
			if c != 1 {
				t.Fatalf("n=%d: index %d visited %d times", n, i, c)
			}
		}
	}
	defer func() {
		if p := recover(); p != "boom" {
			t.Errorf("recovered %v, want the chunk's panic", p)
		}
	}()
	inParallel(4*minParallel, func(lo, hi int) {
		if lo > 0 {
			panic("boom")
		}
	})
	t.Error("inParallel returned after a chunk panicked")
}
