package merge

import "unsafe"

// SetParallelism makes the parallel stages use n goroutines and hand out
// pieces of grain items (grain 0 keeps the usual sizes), so tests can show
// the output depends on neither. The returned function restores the defaults.
func SetParallelism(n, grain int) (restore func()) {
	oldWorkers, oldGrains := workers, [6]int{articleGrain, pairGrain, groupGrain, stemGrain, runGrain, componentGrain}
	workers = func() int { return n }
	if grain > 0 {
		articleGrain, pairGrain, groupGrain, stemGrain, runGrain, componentGrain = grain, grain, grain, grain, grain, grain
	}
	return func() {
		workers = oldWorkers
		articleGrain, pairGrain, groupGrain, stemGrain, runGrain, componentGrain = oldGrains[0], oldGrains[1], oldGrains[2], oldGrains[3], oldGrains[4], oldGrains[5]
	}
}

// SetPackedRanks chooses how clustering puts edges in join order: ranks
// packed into keys and sorted per component (true, the default) or all edges
// sorted at once. The returned function restores the default.
func SetPackedRanks(on bool) (restore func()) {
	old := packRanks
	packRanks = on
	return func() { packRanks = old }
}

// ListsIn counts the state's adjacency lists that lie in mem (a decoded
// state uses the kept section's lists in place: wordsOf).
func ListsIn(s *State, mem []byte) int {
	lo := uintptr(unsafe.Pointer(unsafe.SliceData(mem)))
	hi := lo + uintptr(len(mem))
	n := 0
	for _, l := range s.adj {
		if len(l) > 0 {
			if p := uintptr(unsafe.Pointer(&l[0])); p >= lo && p < hi {
				n++
			}
		}
	}
	return n
}
