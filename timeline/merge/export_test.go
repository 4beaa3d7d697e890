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
