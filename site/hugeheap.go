package site

import (
	"runtime"
	"runtime/debug"
	"sync"
)

// Memory a process touches for the first time costs, on this project's build
// machines (virtual machines with transparent huge pages in "madvise" mode),
// about 6 ms of CPU per MiB in 4 KiB page faults: ~80,000 faults were a third
// of a 10,000-article incremental build's CPU time. Backed by 2 MiB pages it
// costs 512 times fewer faults: about 0.1 ms per MiB when the virtual machine
// hands out memory it used before, and still 4-5 ms when the memory is new to
// the virtual machine itself, whose host then backs it page by page
// (BenchmarkFreshMemory, 27 Nov: 4 KiB 6.18, huge 0.094 over four rounds in
// one process; 5.9-7.0 and 4.0-4.9 for a first round in a fresh one). The
// Go runtime no longer asks for huge pages, and the kernel gives them only to
// memory advised with MADV_HUGEPAGE, so a build that sets Options.HugePages
// prepares its heap (prepareHugeHeap) before it starts:
//
//  1. It allocates one large block at the heap's frontier, the lowest address
//     the runtime never handed out, so the runtime maps it without touching it
//     (fresh memory needs no zeroing). Memory below the frontier that earlier
//     collections freed must be zeroed, which would touch every page of the
//     block, so a small probe block is allocated first and kept until one is
//     found that no page of is resident (freshProbe): the block after it then
//     starts at the frontier.
//  2. It advises the block's whole 2 MiB pages with MADV_HUGEPAGE.
//  3. It drops both, collects them and returns them to the operating system
//     (debug.FreeOSMemory), so they count neither as live nor as resident: the
//     advice stays on the address range, which the runtime reuses first (it
//     allocates at the lowest free address), and the kernel backs each 2 MiB
//     of it the first time it is touched.
//
// The cost: the resident set grows 2 MiB at a time, so a heap with sparse
// huge pages is somewhat larger; the scale benchmark reports the peak. What
// the build allocates beyond the block falls back to 4 KiB pages.

// hugeHeapOnce makes Build prepare the heap once per process.
var hugeHeapOnce sync.Once

// hugeProbeSize is the size of a probe block: small, so a probe that lands in
// freed memory below the frontier costs little to zero.
const hugeProbeSize = 4 << 20

// hugeProbeTries bounds the probes; a heap too fragmented to find its frontier
// in that many goes without huge pages.
const hugeProbeTries = 8

// hugeHeapSize is how much of the heap to prepare: as much as the build's
// memory limit lets it use (the default limit when there is none). Address
// space costs nothing until it is touched.
func hugeHeapSize(memoryLimit int64) int {
	if memoryLimit <= 0 {
		memoryLimit = DefaultMemoryLimit
	}
	return int(memoryLimit)
}

// prepareHugeHeap advises the next size bytes the heap will hand out to be
// backed by huge pages, and returns how many bytes it advised (0 when the
// platform has no such advice or the frontier was not found).
func prepareHugeHeap(size int) int {
	if !hugePagesSupported || size < 2*hugePageSize || strictOvercommit() {
		return 0
	}
	// The probes stay allocated until the block is: freed, the runtime
	// could place the block where they were.
	probes, ok := freshProbe(func() []byte { return make([]byte, hugeProbeSize) }, anyResident, hugeProbeTries)
	advised := 0
	if ok {
		advised += adviseHugePages(probes[len(probes)-1]) // fresh too, and the first the runtime reuses
		block := make([]byte, size)
		if !anyResident(block) { // the runtime did not zero it: nothing was touched
			advised += adviseHugePages(block)
		}
		runtime.KeepAlive(block)
	}
	runtime.KeepAlive(probes)
	debug.FreeOSMemory() // collects the blocks and releases them: no longer resident, still advised
	return advised
}

// freshProbe allocates probes until one has no resident page (it lies at the
// heap's frontier, see prepareHugeHeap), at most tries of them. It returns
// every probe allocated, to be kept alive until the block after them is
// allocated, and whether the last one was fresh.
func freshProbe(alloc func() []byte, resident func([]byte) bool, tries int) (probes [][]byte, ok bool) {
	for range tries {
		p := alloc()
		probes = append(probes, p)
		if !resident(p) {
			return probes, true
		}
	}
	return probes, false
}
