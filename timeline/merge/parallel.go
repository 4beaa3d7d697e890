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

// workers is how many goroutines the parallel stages use: GOMAXPROCS, at
// most maxWorkers (each worker keeps scratch as long as the candidates, and
// its own stem vocabulary). Tests set it to show that 1 and N workers give
// the same output.
var workers = func() int { return min(runtime.GOMAXPROCS(0), maxWorkers) }

const maxWorkers = 8

// parallel cuts [0, n) into pieces of grain items (the last may be shorter)
// and calls do(w, from, to) for each piece on up to workers() goroutines,
// returning when all pieces are done. w (in [0, workers)) names the goroutine,
// so do can use per-worker scratch; which worker takes which piece depends on
// scheduling. With one worker, or a single piece, the pieces run in order on
// the calling goroutine.
func parallel(n, grain int, do func(w, from, to int)) {
	parallelOn(workerCount(n, grain), n, grain, do)
}

// parallelOn is parallel on at most nw goroutines, for a caller that sized
// per-worker scratch by workerCount beforehand: GOMAXPROCS can change between
// two reads (the runtime follows the container's CPU limit), so w stays below
// the nw the caller was given rather than the count read again here.
func parallelOn(nw, n, grain int, do func(w, from, to int)) {
	grain = max(grain, 1)
	nw = max(1, min(nw, (n+grain-1)/grain)) // never more than pieces
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

// sortGrain is the fewest elements worth sorting as a part of their own.
const sortGrain = 1 << 14

// sortInParts sorts s by cmp: one part per worker is sorted concurrently by
// sortPart, then neighbouring parts are merged until one is left. A merge
// takes from the left part on ties, so a stable sortPart gives a stable sort
// (and any sortPart gives the one result a total order allows).
func sortInParts[T any](s []T, cmp func(a, b T) int, sortPart func([]T, func(a, b T) int)) {
	parts := workerCount(len(s), sortGrain)
	if parts == 1 {
		sortPart(s, cmp)
		return
	}
	bounds := make([]int, parts+1)
	for p := range bounds {
		bounds[p] = p * len(s) / parts
	}
	parallel(parts, 1, func(_, p, _ int) { sortPart(s[bounds[p]:bounds[p+1]], cmp) })
	buf := make([]T, len(s))
	src, dst := s, buf
	for len(bounds) > 2 {
		merged := []int{0}
		pairs := (len(bounds) - 1) / 2
		for k := 0; k < pairs; k++ { // each merge is itself cut among the workers
			lo, mid, hi := bounds[2*k], bounds[2*k+1], bounds[2*k+2]
			mergeInPieces(dst[lo:hi], src[lo:mid], src[mid:hi], cmp)
		}
		for k := 0; k < pairs; k++ {
			merged = append(merged, bounds[2*k+2])
		}
		if (len(bounds)-1)%2 == 1 { // an odd part out is carried over as it is
			lo, hi := bounds[len(bounds)-2], bounds[len(bounds)-1]
			copy(dst[lo:hi], src[lo:hi])
			merged = append(merged, hi)
		}
		bounds, src, dst = merged, dst, src
	}
	if &src[0] != &s[0] {
		copy(s, src)
	}
}

// mergeInPieces merges the sorted a and b into out (len(a)+len(b)), taking
// from a on ties, as mergeParts does, but cut into one piece per worker:
// piece p fills out[p*n/pieces:(p+1)*n/pieces] from the parts of a and b
// that coRank says go there.
func mergeInPieces[T any](out, a, b []T, cmp func(x, y T) int) {
	pieces := workerCount(len(out), sortGrain)
	parallel(pieces, 1, func(_, p, _ int) {
		from, to := p*len(out)/pieces, (p+1)*len(out)/pieces
		i0, i1 := coRank(from, a, b, cmp), coRank(to, a, b, cmp)
		mergeParts(out[from:to], a[i0:i1], b[from-i0:to-i1], cmp)
	})
}

// coRank returns how many of the first k merged elements come from a (the
// rest come from b), with ties taken from a first.
func coRank[T any](k int, a, b []T, cmp func(x, y T) int) int {
	lo, hi := max(0, k-len(b)), min(k, len(a))
	for lo < hi {
		i := (lo + hi) / 2 // a[i] is among the first k when it goes before b[k-i-1]
		if cmp(a[i], b[k-i-1]) <= 0 {
			lo = i + 1
		} else {
			hi = i
		}
	}
	return lo
}

// mergeParts merges the sorted a and b into out (len(a)+len(b)), taking
// from a on ties.
func mergeParts[T any](out, a, b []T, cmp func(x, y T) int) {
	i, j := 0, 0
	for k := range out {
		if j == len(b) || (i < len(a) && cmp(a[i], b[j]) <= 0) {
			out[k] = a[i]
			i++
		} else {
			out[k] = b[j]
			j++
		}
	}
}
