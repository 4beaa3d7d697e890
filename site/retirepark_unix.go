//go:build unix

package site

import (
	"os"
	"syscall"
)

// sameFileSystem reports whether a and b are on one file system, so that a
// rename can move a folder from one to the other.
func sameFileSystem(a, b string) bool {
	fa, err1 := os.Stat(a)
	fb, err2 := os.Stat(b)
	if err1 != nil || err2 != nil {
		return false
	}
	sa, ok1 := fa.Sys().(*syscall.Stat_t)
	sb, ok2 := fb.Sys().(*syscall.Stat_t)
	return ok1 && ok2 && sa.Dev == sb.Dev
}
