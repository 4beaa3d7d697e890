package site

import (
	"os"
	"sync/atomic"
	"syscall"
	"unsafe"

	"github.com/newsline/timeline/timeline/merge"
)

// releaseArrays unmaps what statePages mapped: nothing may read it after.
func releaseArrays(made [][]byte) {
	for _, mem := range made {
		if syscall.Munmap(mem) == nil {
			arraysReleased.Add(1)
		}
	}
}

// arraysReleased counts the arrays releaseArrays unmapped (for tests).
var arraysReleased atomic.Int64

// statePages maps a split state's arrays (merge.PageMapper) from the
// events file f privately: each run of consecutive pages the array's page
// table names by one mapping, over anonymous memory with room after it for
// the next builds' candidates (taken a page at a time as it is written), so
// that pages come from the page cache until the state writes one (the
// kernel then copies that page). Decoded into the heap instead, these arrays
// were about 45 MB of memory touched for the first time by a fresh 10k
// build (about 5 ms of CPU per MB here). The events file is never written
// in place (readMergeState), and a private mapping never writes back, so the
// pages cannot change under the mapping. The state keeps the mappings for
// as long as it lives and releases them when dropped (merge.State.SetRelease).
//
// Each mapping made is added to *made, for releaseArrays.
func statePages(f *os.File, made *[][]byte) merge.PageMapper {
	page := os.Getpagesize()
	if page != stateHeaderAlign {
		return nil
	}
	return func(pages []int64, n, capBytes int) []byte {
		roundUp := func(v int) int { return (v + page - 1) / page * page }
		if n <= 0 || capBytes < n || len(pages) != roundUp(n)/page {
			return nil
		}
		mem, err := syscall.Mmap(-1, 0, roundUp(capBytes), syscall.PROT_READ|syscall.PROT_WRITE,
			syscall.MAP_PRIVATE|syscall.MAP_ANON|syscall.MAP_NORESERVE)
		if err != nil {
			return nil
		}
		base := uintptr(unsafe.Pointer(unsafe.SliceData(mem)))
		for from := 0; from < len(pages); {
			to := from + 1
			for to < len(pages) && pages[to] == pages[to-1]+int64(page) {
				to++
			}
			addr := base + uintptr(from*page)
			got, _, errno := syscall.Syscall6(syscall.SYS_MMAP, addr, uintptr((to-from)*page), syscall.PROT_READ|syscall.PROT_WRITE,
				syscall.MAP_PRIVATE|syscall.MAP_FIXED, f.Fd(), uintptr(pages[from]))
			if errno != 0 || got != addr {
				_ = syscall.Munmap(mem)
				return nil
			}
			from = to
		}
		// The page's bytes after the array are not the zero the room must
		// start with.
		clear(mem[n:min(roundUp(n), len(mem))])
		*made = append(*made, mem)
		return mem[:capBytes]
	}
}
