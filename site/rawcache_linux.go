package site

import "syscall"

// sysStamp adds what Linux's stat says beyond afero's FileInfo: inode, device
// and status-change time (see fileStamp).
func sysStamp(sys any, s *fileStamp) {
	if st, ok := sys.(*syscall.Stat_t); ok {
		s.sys, s.ino, s.dev, s.ctime = true, st.Ino, uint64(st.Dev), st.Ctim.Nano()
	}
}
