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
