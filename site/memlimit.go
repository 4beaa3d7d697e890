package site

import (
	"os"
	"runtime/debug"
	"sync"
)

// DefaultMemoryLimit is the soft memory limit of a build: with the default
// GOGC the heap grows to twice the live data before a collection, which put the
// peak RSS of a 10,000-article build far above its live heap.
const DefaultMemoryLimit = 448 << 20

// memLimits counts the builds under way in the process that set a memory limit
// (applyMemoryLimit), as gcPaused counts the collector's pauses: builds may run
// at once (tests; a server's), and the runtime has one limit for all of them.
// The first saves the limit it found and the last puts it back; in between the
// limit is the smallest of the running builds' limits (the base) less the sum
// of the reservations for memory held outside the heap (reserveOutsideHeap),
// never below a quarter of the base. Each build restoring the limit it found,
// one ending while another ran lifted the other's limit (to none, when the
// first build found none), and the last to end could leave the other's limit
// set for the rest of the process.
var memLimits struct {
	sync.Mutex
	prev     int64            // the limit before the first build, restored after the last
	builds   map[*int64]int64 // each running build's limit
	reserved map[*int64]int64 // each reservation's bytes, until the last build ends
	epoch    uint64           // counts the first builds: a reservation's stays its own
}

// setMemoryLimitLocked sets the runtime's limit from the running builds' limits
// and the reservations; memLimits is locked and a build is running.
func setMemoryLimitLocked() {
	base := int64(-1)
	for _, l := range memLimits.builds {
		if base < 0 || l < base {
			base = l
		}
	}
	var held int64
	for _, n := range memLimits.reserved {
		held += n
	}
	debug.SetMemoryLimit(max(base-held, base/4))
}

// applyMemoryLimit sets the runtime's soft memory limit for the duration of a
// build and returns the function restoring the previous one (once; later calls
// do nothing). GOMEMLIMIT in the environment wins, as for any Go program;
// limit < 0 means none. The limit is soft: a build whose live data needs more
// still runs, collecting more often. With other builds running, the process's
// limit is the smallest of theirs and this one's (see memLimits), and the limit
// found before the first is restored after the last.
func applyMemoryLimit(limit int64) (restore func()) {
	if _, set := os.LookupEnv("GOMEMLIMIT"); set || limit < 0 {
		return func() {}
	}
	if limit == 0 {
		limit = DefaultMemoryLimit
	}
	id := new(int64)
	memLimits.Lock()
	defer memLimits.Unlock()
	if len(memLimits.builds) == 0 {
		memLimits.prev = debug.SetMemoryLimit(-1)
		memLimits.builds = map[*int64]int64{}
		memLimits.reserved = map[*int64]int64{}
		memLimits.epoch++
	}
	memLimits.builds[id] = limit
	setMemoryLimitLocked()
	return sync.OnceFunc(func() {
		memLimits.Lock()
		defer memLimits.Unlock()
		delete(memLimits.builds, id)
		if len(memLimits.builds) == 0 {
			memLimits.reserved = nil // a reservation's later changes do nothing (epoch)
			debug.SetMemoryLimit(memLimits.prev)
			return
		}
		setMemoryLimitLocked()
	})
}

// reserveOutsideHeap lowers the soft memory limit the running builds set (not
// one from GOMEMLIMIT, nor none) by n bytes a build holds outside the Go heap:
// the mapped extraction pack is resident too, and the limit exists to bound the
// process's memory, not only its heap. The reservations of builds running at
// once add up. The limit is never lowered below a quarter of the base (see
// memLimits). It returns the function that sets the reservation to another
// number of bytes, once the build holds less outside the heap (see
// releasePack). A reservation lasts until the last running build restores the
// limit: it does not say which build made it, so one ending while another runs
// leaves its reservation in place (a lower limit, never a lifted one). With no
// build running it does nothing.
func reserveOutsideHeap(limit, n int64) (reserve func(n int64)) {
	if _, set := os.LookupEnv("GOMEMLIMIT"); set || limit < 0 {
		return func(int64) {}
	}
	id := new(int64)
	memLimits.Lock()
	running, epoch := len(memLimits.builds) > 0, memLimits.epoch
	memLimits.Unlock()
	reserve = func(n int64) {
		memLimits.Lock()
		defer memLimits.Unlock()
		if !running || len(memLimits.builds) == 0 || memLimits.epoch != epoch {
			return // made with no build running, or the builds it was made under have all ended
		}
		memLimits.reserved[id] = max(n, 0)
		setMemoryLimitLocked()
	}
	reserve(n)
	return reserve
}
