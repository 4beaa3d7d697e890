//go:build linux || darwin || freebsd || netbsd || openbsd

package site

import (
	"errors"
	"os"
	"syscall"
)

// mapSection maps the n bytes of f at off read-only and shared. section is
// those bytes; mapping is the whole mapping (from off rounded down to a page),
// for unmapSection or releaseResident. See readMergeState for why the state
// file's pages cannot vanish under a build.
func mapSection(f *os.File, off int64, n int) (section, mapping []byte, err error) {
	if n <= 0 || off < 0 {
		return nil, nil, errors.New("empty section")
	}
	start := off &^ int64(os.Getpagesize()-1)
	mapping, err = syscall.Mmap(int(f.Fd()), start, int(off-start)+n, syscall.PROT_READ, syscall.MAP_SHARED)
	if err != nil {
		return nil, nil, err
	}
	return mapping[off-start:], mapping, nil
}

// unmapSection unmaps what mapSection mapped. Nothing may point into it
// afterwards: a later read would fault.
func unmapSection(mapping []byte) {
	if len(mapping) > 0 {
		_ = syscall.Munmap(mapping)
	}
}
