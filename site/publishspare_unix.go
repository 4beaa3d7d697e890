//go:build unix

package site

import (
	"os"
	"syscall"
)

// singleLink reports whether fi's file has one link; true where the file
// system does not say (afero's memory file system).
func singleLink(fi os.FileInfo) bool {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return st.Nlink == 1
	}
	return true
}

// sameOwner reports whether a and b have the same owner and group; true
// where the file system does not say.
func sameOwner(a, b os.FileInfo) bool {
	sa, ok1 := a.Sys().(*syscall.Stat_t)
	sb, ok2 := b.Sys().(*syscall.Stat_t)
	if !ok1 || !ok2 {
		return ok1 == ok2
	}
	return sa.Uid == sb.Uid && sa.Gid == sb.Gid
}
