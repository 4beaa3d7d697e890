//go:build linux || darwin || freebsd || netbsd || openbsd

package site

import (
	"os"
	"syscall"
)

// mapFile maps size bytes of f read-only and shared. The mapping is never
// unmapped: decoded events keep strings pointing into it for the rest of the
// process (Options.MapCache says when that is acceptable). It stays valid after
// f is closed, renamed over or deleted; the pack is only ever replaced by
// renaming a new file over it or appended to, never truncated in place, so no
// page of the mapping can vanish under the build. (Truncating the pack by hand
// during a build would make the process fault.)
func mapFile(f *os.File, size int) ([]byte, error) {
	return syscall.Mmap(int(f.Fd()), 0, size, syscall.PROT_READ, syscall.MAP_SHARED)
}
