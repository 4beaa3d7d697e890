package site

import (
	"os"
	"sync/atomic"
	"syscall"
	"unsafe"

	"github.com/newsline/timeline/timeline/merge"
)

// stateArrays maps the merge state's candidate arrays (merge.ArrayMapper)
// from f, whose encoding starts at file offset base, privately: each array's
// pages are the page cache's until the state writes one (the kernel then
// copies that page), and the room after it for the next builds' candidates
// is anonymous memory, taken a page at a time as it is written. Decoded into
// the heap instead, these arrays were about 45 MB of memory touched for the
// first time by a fresh 10k build (about 5 ms of CPU per MB here).
//
// The file's bytes cannot change under the mapping: the state file is
// never written in place (see readMergeState), and a private mapping never
// writes back. The state keeps the mappings for as long as it lives (a
// fresh build's whole process; a Session's kept state) and releases them
// when dropped (merge.State.SetRelease: a restarted Update, a kept state a
// Session cannot use).
//
// Each mapping made is added to *made, for releaseArrays once the state
// is dropped (merge.State.SetRelease).
func stateArrays(f *os.File, base int64, made *[][]byte) merge.ArrayMapper {
	page := os.Getpagesize()
	return func(off, n, capBytes int) []byte {
		at := base + int64(off)
		if at%int64(page) != 0 || n <= 0 || capBytes < n {
			return nil
		}
		roundUp := func(v int) int { return (v + page - 1) / page * page }
		mem, err := syscall.Mmap(-1, 0, roundUp(capBytes), syscall.PROT_READ|syscall.PROT_WRITE,
			syscall.MAP_PRIVATE|syscall.MAP_ANON|syscall.MAP_NORESERVE)
		if err != nil {
			return nil
		}
		// The file's pages over the start of that memory (MAP_FIXED: the
		// address is the anonymous mapping's own, replaced in place).
		addr := uintptr(unsafe.Pointer(unsafe.SliceData(mem)))
		got, _, errno := syscall.Syscall6(syscall.SYS_MMAP, addr, uintptr(roundUp(n)), syscall.PROT_READ|syscall.PROT_WRITE,
			syscall.MAP_PRIVATE|syscall.MAP_FIXED, f.Fd(), uintptr(at))
		if errno != 0 || got != addr {
			_ = syscall.Munmap(mem)
			return nil
		}
		// The file's bytes after the array on its last page are not the
		// zero the room must start with.
		clear(mem[n:min(roundUp(n), len(mem))])
		*made = append(*made, mem)
		return mem[:capBytes]
	}
}

// releaseArrays unmaps what stateArrays mapped: nothing may read it after.
func releaseArrays(made [][]byte) {
	for _, mem := range made {
		if syscall.Munmap(mem) == nil {
			arraysReleased.Add(1)
		}
	}
}

// arraysReleased counts the arrays releaseArrays unmapped (for tests).
var arraysReleased atomic.Int64
