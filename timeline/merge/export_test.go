package merge

import (
	"fmt"
	"math"
	"unsafe"
)

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
	for sid := range s.pc {
		if l := s.adj.get(int32(sid)); len(l) > 0 {
			if p := uintptr(unsafe.Pointer(&l[0])); p >= lo && p < hi {
				n++
			}
		}
	}
	return n
}

// FitsDisagrees sets each checked field of each candidate of s, one at a
// time, to values around the bounds check tests, and returns a description
// of the first case where check's fast test (candidateFits) and its slow
// one (checkCandidate) disagree; "" when they never do. s is restored.
func FitsDisagrees(s *State) string {
	edges := func(n int) []int32 {
		return []int32{math.MinInt32, -2, -1, 0, 1, int32(n) - 1, int32(n), int32(n) + 1, math.MaxInt32}
	}
	for k := range s.pc {
		p := &s.pc[k]
		fields := []struct {
			name  string
			field *int32
			bound int
		}{
			{"start", &p.start, len(s.dates)}, {"end", &p.end, len(s.dates)}, {"date", &p.dateID, len(s.valueSpan)},
			{"sets", &p.sets, len(s.arena)}, {"title", &p.nTitle, len(s.arena)}, {"context", &p.nContext, len(s.arena)},
			{"sentences", &p.nSent, len(s.arena)}, {"article", &s.sidArt[k], len(s.arts)}, {"event", &s.sidEvent[k], len(s.evs)},
		}
		if p.nTitle > 0 {
			fields = append(fields, struct {
				name  string
				field *int32
				bound int
			}{"stem", &s.arena[p.sets], len(s.names.interner)})
		}
		for _, f := range fields {
			old := *f.field
			for _, v := range edges(f.bound) {
				*f.field = v
				if fits, err := s.candidateFits(k, s.patchedCandidates()), s.checkCandidate(k); fits != (err == nil) {
					*f.field = old
					return fmt.Sprintf("candidate %d, %s = %d: fast test %v, slow test %v", k, f.name, v, fits, err)
				}
			}
			*f.field = old
		}
		if old := s.adj.get(int32(k)); len(old) > 0 {
			_, wasChanged := s.adj.changed[int32(k)]
			restore := func() {
				if s.adj.set(int32(k), old); !wasChanged {
					delete(s.adj.changed, int32(k))
				}
			}
			for _, nb := range edges(len(s.pc)) {
				for _, sc := range edges(len(s.scores)) {
					s.adj.set(int32(k), []uint64{uint64(uint32(nb))<<32 | uint64(uint32(sc))})
					if fits, err := s.candidateFits(k, s.patchedCandidates()), s.checkCandidate(k); fits != (err == nil) {
						restore()
						return fmt.Sprintf("candidate %d, edge %d/%d: fast test %v, slow test %v", k, nb, sc, fits, err)
					}
				}
			}
			restore()
		}
	}
	return ""
}

// SetBulkWords switches the encoder's bulk copies of word lists (bulkWords);
// the returned function restores the default.
func SetBulkWords(on bool) (restore func()) {
	old := bulkWords
	bulkWords = on
	return func() { bulkWords = old }
}

// SetRisingParallelism makes every read of the worker count return one more
// than the read before (from 1 up to maxWorkers, then again from 1), with
// pieces of one item: GOMAXPROCS rising between a stage's sizing of its
// per-worker scratch and its goroutines' start, as the runtime may make it
// when a container's CPU limit changes. The returned function restores the
// defaults.
func SetRisingParallelism() (restore func()) {
	restore = SetParallelism(1, 1)
	n := 0
	workers = func() int {
		n = n%maxWorkers + 1
		return n
	}
	return restore
}

// SetStepParallelism makes the first low reads of the worker count return 1
// and every later one maxWorkers, with pieces of one item, counting the reads
// in *reads: each stage in turn meets a count that jumps between its sizing
// of per-worker scratch and its goroutines' start. The returned function
// restores the defaults.
func SetStepParallelism(low int, reads *int) (restore func()) {
	restore = SetParallelism(1, 1)
	workers = func() int {
		*reads++
		if *reads <= low {
			return 1
		}
		return maxWorkers
	}
	return restore
}
