package site

import (
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync"
	"sync/atomic"
)

// DefaultMemoryLimit is the soft memory limit of a build: with the default
// GOGC the heap grows to twice the live data before a collection, which put the
// peak RSS of a 10,000-article build far above its live heap.
const DefaultMemoryLimit = 448 << 20

// buildGCOff pauses the collector while a build under a limit set by
// applyMemoryLimit runs, until the first collection the runtime starts on its
// own (pauseUntilCollected: with GOGC off, the one the limit starts); the GOGC
// found is back from then on (a variable for tests and benchmarks).
// A pause for the whole build (8db28eb) lost on big builds: one whose heap
// reached the limit collected at the limit again and again, and the
// scavenger, which keeps the process under 95% of it, gave pages back that the
// heap faulted in again at once: an every-article-edited 10k build ran 80.0k
// page faults instead of 36.7k (peak RSS 455.7 vs 458.0 MB), a full build's
// stages ~83k instead of ~8k. TIMELINE_BUILD_GC=off in a test binary's
// environment turns it on, on off, for comparing.
// Not yet a win as it stands: in a fresh process (tl build, the benchmarks'
// child) prepareHugeHeap's ~450 MB block, allocated and freed at the build's
// start, makes the limit start a collection before the build's heap has grown,
// which ends the pause: a fresh incremental 10k build still collected in its
// load and merge stages (peak RSS 361-367 MB, as with the collector on). The
// pause would have to end only at a collection after the last forced one
// (the build's runtime.GC, after the block), with the heap's own growth.
var buildGCOff = false

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
//
// When it sets a limit, it also pauses the collector for the build
// (pauseGC, when buildGCOff): the collector then runs only near the limit,
// which bounds the build's memory as before. A build's heap, collected at
// its start, grows by what the build allocates: an incremental 10k build's
// ~230 MB (peak RSS 366 -> ~410 MB) without the 4-5 collections of mostly
// live heap it ran at GOGC=100; a full build's reaches the limit either way.
// The previous GOGC is back after the build: in a server, the heap the build
// left is collected by the first collection its later allocations start
// (above twice the live heap marked at the build's start) or by the next
// build's, and the pages freed go back to the OS as the scavenger returns
// them; until then its RSS stays at the build's peak.
func applyMemoryLimit(limit int64) (restore func()) {
	if _, set := os.LookupEnv("GOMEMLIMIT"); set || limit < 0 {
		return func() {}
	}
	if limit == 0 {
		limit = DefaultMemoryLimit
	}
	resume := func() {}
	if buildGCOff {
		resume = pauseUntilCollected()
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
		resume() // before the limit may be lifted
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

// pauseUntilCollected pauses the collector (pauseGC) until the function it
// returns is called or the runtime starts a collection of its own, which,
// with GOGC off, only the soft memory limit does, whichever comes first: a
// build whose heap stays under the limit collects nothing, and one that
// reaches it collects there once and then as GOGC says, as if never paused
// (see buildGCOff; memory freed but held counts against the limit too, so a
// collection the limit starts may come before the heap has grown). A
// sentinel object's cleanup (runtime.AddCleanup) runs after
// the first collection that finds it unreachable; when only forced ones
// (runtime.GC: the one at a build's start) ran since the pause, it sets
// another sentinel. A sentinel allocated while another pause's limit-started
// collection marks survives that one: the pause then ends at the next.
func pauseUntilCollected() (resume func()) {
	p := &collectedPause{resume: pauseGC(), before: automaticGCs()}
	p.arm()
	return p.end
}

// collectedPause is a pause of the collector that ends at the first
// automatic collection after it (pauseUntilCollected).
type collectedPause struct {
	resume func() // pauseGC's
	before uint64 // automatic collections completed when it began
	done   atomic.Bool
}

// gcSentinel is what a collectedPause's cleanup is attached to: pointer-free
// and of 16 bytes or more, so it is not put in a tiny block with other objects
// that would keep it (and its cleanup) alive.
type gcSentinel [32]byte

func (p *collectedPause) arm() {
	runtime.AddCleanup(new(gcSentinel), (*collectedPause).collected, p)
}

// collected runs on the runtime's cleanup goroutine after a collection.
func (p *collectedPause) collected() {
	if p.done.Load() {
		return
	}
	if automaticGCs() > p.before {
		p.end()
		return
	}
	p.arm() // forced collections only: wait for the next
}

func (p *collectedPause) end() {
	if p.done.CompareAndSwap(false, true) {
		p.resume()
	}
}

// automaticGCs returns the number of collections the runtime started on its
// own (not runtime.GC's) completed so far.
func automaticGCs() uint64 {
	s := []metrics.Sample{{Name: "/gc/cycles/automatic:gc-cycles"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return s[0].Value.Uint64()
}
