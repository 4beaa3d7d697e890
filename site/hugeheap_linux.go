package site

import (
	"bytes"
	"os"
	"syscall"
	"unsafe"
)

const (
	hugePagesSupported = true
	hugePageSize       = 2 << 20
	madvHugePage       = 14 // MADV_HUGEPAGE
)

// adviseHugePages advises the whole huge pages inside b (MADV_HUGEPAGE) and
// returns how many bytes that covers (0 when the kernel refused).
func adviseHugePages(b []byte) int {
	start := (uintptr(unsafe.Pointer(unsafe.SliceData(b))) + hugePageSize - 1) &^ (hugePageSize - 1)
	end := (uintptr(unsafe.Pointer(unsafe.SliceData(b))) + uintptr(len(b))) &^ (hugePageSize - 1)
	if end <= start {
		return 0
	}
	off := int(start - uintptr(unsafe.Pointer(unsafe.SliceData(b))))
	inner := b[off : off+int(end-start)]
	if err := syscall.Madvise(inner, madvHugePage); err != nil {
		return 0
	}
	return len(inner)
}

// anyResident reports whether any page of b is in memory (mincore), or true
// when that cannot be told: the caller then assumes the worst.
func anyResident(b []byte) bool {
	const page = 4096
	start := uintptr(unsafe.Pointer(unsafe.SliceData(b))) &^ (page - 1)
	end := uintptr(unsafe.Pointer(unsafe.SliceData(b))) + uintptr(len(b))
	vec := make([]byte, (end-start+page-1)/page)
	_, _, errno := syscall.Syscall(syscall.SYS_MINCORE, start, end-start, uintptr(unsafe.Pointer(unsafe.SliceData(vec))))
	if errno != 0 {
		return true
	}
	for _, v := range vec {
		if v&1 != 0 {
			return true
		}
	}
	return false
}

// strictOvercommit reports whether the kernel charges every writable mapping
// against a commit limit (vm.overcommit_memory = 2): there the block, though
// never touched, could exhaust it and make the runtime abort. The setting is
// read with the os package: it is the machine's, not site data.
func strictOvercommit() bool {
	mode, err := os.ReadFile("/proc/sys/vm/overcommit_memory")
	return err == nil && string(bytes.TrimSpace(mode)) == "2"
}
