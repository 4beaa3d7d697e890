package site

import (
	"fmt"
	iofs "io/fs"
	"syscall"
)

// sysIdentity adds a file's device and inode, when info comes from the
// operating system: a file replaced by another has another inode.
func sysIdentity(info iofs.FileInfo) string {
	st, ok := info.Sys().(*syscall.Stat_t)
	if !ok {
		return ""
	}
	return fmt.Sprintf(" %d:%d", st.Dev, st.Ino)
}
