package site

import (
	"os"
	"runtime"
	"runtime/debug"
	"sync"
	"testing"
)

func TestMemoryLimitIsSetForTheBuildAndRestored(t *testing.T) {
	skipUnderGOMEMLIMIT(t)
	before := debug.SetMemoryLimit(-1) // -1 reads without changing
	for _, tc := range []struct{ opt, want int64 }{{0, DefaultMemoryLimit}, {300 << 20, 300 << 20}, {-1, before}} {
		restore := applyMemoryLimit(tc.opt)
		if got := debug.SetMemoryLimit(-1); got != tc.want {
			t.Errorf("option %d: limit %d during the build, want %d", tc.opt, got, tc.want)
		}
		restore()
		if got := debug.SetMemoryLimit(-1); got != before {
			t.Errorf("option %d: limit %d after the build, want %d restored", tc.opt, got, before)
		}
	}
}

func TestGOMEMLIMITOverridesTheOption(t *testing.T) {
	t.Setenv("GOMEMLIMIT", "1GiB")
	before := debug.SetMemoryLimit(-1)
	restore := applyMemoryLimit(100 << 20)
	defer restore()
	if got := debug.SetMemoryLimit(-1); got != before {
		t.Errorf("limit %d with GOMEMLIMIT set, want it left at %d", got, before)
	}
}

// Memory the build holds outside the heap (the mapped pack) comes off the
// limit the build set, never below a quarter of it; GOMEMLIMIT is left alone.
func TestMappedPackComesOffTheLimit(t *testing.T) {
	skipUnderGOMEMLIMIT(t)
	for _, tc := range []struct{ mapped, want int64 }{{100 << 20, 300 << 20}, {0, 400 << 20}, {390 << 20, 100 << 20}} {
		restore := applyMemoryLimit(400 << 20)
		reserveOutsideHeap(400<<20, tc.mapped)
		if got := debug.SetMemoryLimit(-1); got != tc.want {
			t.Errorf("%d bytes mapped: limit %d, want %d", tc.mapped, got, tc.want)
		}
		restore()
	}
	t.Setenv("GOMEMLIMIT", "1GiB")
	before := debug.SetMemoryLimit(-1)
	reserveOutsideHeap(400<<20, 100<<20)
	if got := debug.SetMemoryLimit(-1); got != before {
		t.Errorf("limit %d with GOMEMLIMIT set, want it left at %d", got, before)
	}
}

// The reservation can be changed later against the same base (releasePack
// shrinks it to what stays resident), and does nothing under GOMEMLIMIT.
func TestReservationIsResetAgainstTheBase(t *testing.T) {
	skipUnderGOMEMLIMIT(t)
	restore := applyMemoryLimit(400 << 20)
	defer restore()
	reserve := reserveOutsideHeap(400<<20, 100<<20)
	for _, tc := range []struct{ n, want int64 }{{20 << 20, 380 << 20}, {0, 400 << 20}, {-5, 400 << 20}, {399 << 20, 100 << 20}} {
		reserve(tc.n)
		if got := debug.SetMemoryLimit(-1); got != tc.want {
			t.Errorf("reserve(%d): limit %d, want %d", tc.n, got, tc.want)
		}
	}
	t.Setenv("GOMEMLIMIT", "1GiB")
	before := debug.SetMemoryLimit(-1)
	reserveOutsideHeap(400<<20, 0)(50 << 20)
	if got := debug.SetMemoryLimit(-1); got != before {
		t.Errorf("limit %d with GOMEMLIMIT set, want it left at %d", got, before)
	}
}

// Two builds at once in one process (a server's, tests): B1 sets its limit,
// B2 sets a smaller one, both reserve memory outside the heap and change their
// reservations, B1 ends first. Each step runs on its build's goroutine. The
// limit is the smaller base less both reservations; B1's end does not lift
// B2's limit; B2's end puts back the limit found before B1 (was: each build
// restored the limit it found, so B1's end set the limit before it, none,
// under B2, and B2's end left B1's 400 MiB set for good; a change of B1's
// reservation dropped B2's).
func TestConcurrentBuildsShareTheMemoryLimit(t *testing.T) {
	const mb = 1 << 20
	before := limitOfThisTest(t)
	b1, b2 := make(chan func()), make(chan func())
	done := make(chan bool)
	for _, b := range []chan func(){b1, b2} {
		go func() {
			for step := range b {
				step()
				done <- true
			}
		}()
	}
	defer close(b1)
	defer close(b2)
	run := func(b chan func(), step func()) { b <- step; <-done }
	limit := func() int64 { return debug.SetMemoryLimit(-1) }
	var restore1, restore2 func()
	var reserve1, reserve2 func(int64)
	run(b1, func() { restore1 = applyMemoryLimit(400 * mb) })
	run(b2, func() { restore2 = applyMemoryLimit(300 * mb) })
	if got := limit(); got != 300*mb {
		t.Errorf("both builds set: limit %d MiB, want 300 (the smaller)", got/mb)
	}
	run(b1, func() { reserve1 = reserveOutsideHeap(400*mb, 100*mb) })
	run(b2, func() { reserve2 = reserveOutsideHeap(300*mb, 50*mb) })
	if got := limit(); got != 150*mb {
		t.Errorf("100 and 50 MiB reserved: limit %d MiB, want 150", got/mb)
	}
	run(b1, func() { reserve1(20 * mb) })
	if got := limit(); got != 230*mb {
		t.Errorf("B1's reservation now 20 MiB, B2's 50: limit %d MiB, want 230", got/mb)
	}
	run(b1, func() { restore1() })
	if got := limit(); got > 250*mb || got < 75*mb {
		t.Errorf("B1 ended, B2 running (300 MiB, 50 reserved): limit %d MiB, want 75-250", got/mb)
	}
	run(b2, func() { reserve2(10 * mb) })
	if got := limit(); got > 290*mb || got < 75*mb {
		t.Errorf("B2's reservation now 10 MiB: limit %d MiB, want 75-290", got/mb)
	}
	run(b2, func() { restore2() })
	if got := limit(); got != before {
		t.Errorf("both builds ended: limit %d, want %d restored", got, before)
	}
	// A reservation of builds that have all ended stays ended, also under
	// the next build.
	run(b1, func() { restore1 = applyMemoryLimit(400 * mb) })
	run(b2, func() { reserve2(300 * mb) })
	if got := limit(); got != 400*mb {
		t.Errorf("an ended build's reservation changed under the next: limit %d MiB, want 400", got/mb)
	}
	// Reservations add up to the floor, a quarter of the base, no lower.
	run(b2, func() { reserve2 = reserveOutsideHeap(400*mb, 250*mb) })
	run(b1, func() { reserve1 = reserveOutsideHeap(400*mb, 250*mb) })
	if got := limit(); got != 100*mb {
		t.Errorf("500 MiB reserved off 400: limit %d MiB, want the floor 100", got/mb)
	}
	run(b1, func() { restore1() })
	if got := limit(); got != before {
		t.Errorf("the build ended: limit %d, want %d restored", got, before)
	}
}

// Many builds at once, each checking that while it runs the process's limit
// is never above its own nor below the floor of the smallest; the limit found
// before them is back after them. Run with -race.
func TestManyConcurrentBuildsNeverLiftALimit(t *testing.T) {
	const mb = 1 << 20
	before := limitOfThisTest(t)
	var wg sync.WaitGroup
	start := make(chan bool)
	for g := range 8 {
		wg.Go(func() {
			<-start
			for i := range 200 {
				own := int64(200+50*((g+i)%5)) * mb // 200-400 MiB
				restore := applyMemoryLimit(own)
				reserve := reserveOutsideHeap(own, int64(10*(i%7))*mb)
				for _, n := range []int64{int64(g) * mb, 0, 500 * mb} {
					reserve(n)
					runtime.Gosched() // let the others' builds start and end
					if got := debug.SetMemoryLimit(-1); got > own || got < 50*mb {
						t.Errorf("build %d.%d: limit %d MiB while it runs with %d MiB, want 50-%d", g, i, got/mb, own/mb, own/mb)
						return
					}
				}
				restore()
			}
		})
	}
	close(start)
	wg.Wait()
	if got := debug.SetMemoryLimit(-1); got != before {
		t.Errorf("all builds ended: limit %d, want %d restored", got, before)
	}
}

// skipUnderGOMEMLIMIT skips a test of the memory limit's handling when the
// environment sets GOMEMLIMIT, which then decides the limit.
func skipUnderGOMEMLIMIT(t *testing.T) {
	t.Helper()
	if _, set := os.LookupEnv("GOMEMLIMIT"); set {
		t.Skip("GOMEMLIMIT is set: the environment decides the limit")
	}
}

// limitOfThisTest skips under GOMEMLIMIT and returns the process's memory
// limit, which is put back when the test ends.
func limitOfThisTest(t *testing.T) int64 {
	t.Helper()
	skipUnderGOMEMLIMIT(t)
	before := debug.SetMemoryLimit(-1) // -1 reads without changing
	t.Cleanup(func() { debug.SetMemoryLimit(before) })
	return before
}
