package merge

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// Parallel stages. Editors wait on the wall clock, so the stages whose work
// splits into independent items (pair scoring, folding groups, hashing IDs)
// run on GOMAXPROCS goroutines. The output never depends on scheduling:
// every item writes only its own result slot, or per-worker results are
// combined in a way that does not depend on which worker found what (edges
// are sorted into one canonical order before clustering).

// workers is how many goroutines the parallel stages use. Tests set it to
// show that 1 and N workers give the same output.
var workers = func() int { return runtime.GOMAXPROCS(0) }

// parallel cuts [0, n) into pieces of grain items (the last may be shorter)
// and calls do(w, from, to) for each piece on up to workers() goroutines,
// returning when all pieces are done. w (in [0, workers)) names the goroutine,
// so do can use per-worker scratch; which worker takes which piece depends on
// scheduling. With one worker, or a single piece, the pieces run in order on
// the calling goroutine.
func parallel(n, grain int, do func(w, from, to int)) {
	grain = max(grain, 1)
	nw := workerCount(n, grain)
	if nw == 1 {
		for from := 0; from < n; from += grain {
			do(0, from, min(from+grain, n))
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < nw; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				from := int(next.Add(int64(grain))) - grain
				if from >= n {
					return
				}
				do(w, from, min(from+grain, n))
			}
		}()
	}
	wg.Wait()
}

// workerCount is the number of goroutines parallel uses for n items in
// pieces of grain: never more than pieces, at least one.
func workerCount(n, grain int) int {
	grain = max(grain, 1)
	pieces := (n + grain - 1) / grain
	return max(1, min(workers(), pieces))
}
