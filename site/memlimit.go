package site

import (
	"os"
	"runtime/debug"
)

// DefaultMemoryLimit is the soft memory limit of a build: with the default
// GOGC the heap grows to twice the live data before a collection, which put the
// peak RSS of a 10,000-article build far above its live heap.
const DefaultMemoryLimit = 448 << 20

// applyMemoryLimit sets the runtime's soft memory limit for the duration of a
// build and returns the function restoring the previous one. GOMEMLIMIT in the
// environment wins, as for any Go program; limit < 0 means none. The limit is
// soft: a build whose live data needs more still runs, collecting more often.
func applyMemoryLimit(limit int64) (restore func()) {
	if _, set := os.LookupEnv("GOMEMLIMIT"); set || limit < 0 {
		return func() {}
	}
	if limit == 0 {
		limit = DefaultMemoryLimit
	}
	prev := debug.SetMemoryLimit(limit)
	return func() { debug.SetMemoryLimit(prev) }
}

// reserveOutsideHeap lowers the soft memory limit the build set (not one from
// GOMEMLIMIT, nor none) by n bytes the build holds outside the Go heap: the
// mapped extraction pack is resident too, and the limit exists to bound the
// process's memory, not only its heap. Build's restore puts the previous
// limit back afterwards. The limit is never lowered below a quarter of itself.
// It returns the function that sets the reservation to another number of
// bytes, once the build holds less outside the heap (see releasePack).
func reserveOutsideHeap(limit, n int64) (reserve func(n int64)) {
	if _, set := os.LookupEnv("GOMEMLIMIT"); set || limit < 0 {
		return func(int64) {}
	}
	base := debug.SetMemoryLimit(-1)
	reserve = func(n int64) { debug.SetMemoryLimit(max(base-max(n, 0), base/4)) }
	reserve(n)
	return reserve
}
