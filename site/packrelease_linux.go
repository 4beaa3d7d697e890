package site

import "syscall"

// releaseResident drops the resident pages of a read-only shared file
// mapping from the process (MADV_DONTNEED): they stay in the page cache, and
// a later read of the mapping faults them back in from there, with the
// file's bytes (the pack is never written in place, see mapFile). Best
// effort: an error leaves the pages resident, which costs memory only.
func releaseResident(mapping []byte) {
	if len(mapping) > 0 {
		_ = syscall.Madvise(mapping, syscall.MADV_DONTNEED)
	}
}
