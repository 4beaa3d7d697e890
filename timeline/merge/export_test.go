package merge

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
