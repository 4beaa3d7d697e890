//go:build unix

package site

import (
	"os"
	"syscall"
)

// flock locks f exclusively, calling waiting first when another open file
// holds the lock, and reports whether it locked it.
func flock(f *os.File, waiting func()) bool {
	fd := int(f.Fd())
	err := syscall.Flock(fd, syscall.LOCK_EX|syscall.LOCK_NB)
	if err == syscall.EWOULDBLOCK {
		waiting()
		for err = syscall.Flock(fd, syscall.LOCK_EX); err == syscall.EINTR; err = syscall.Flock(fd, syscall.LOCK_EX) {
		}
	}
	return err == nil
}

// funlock unlocks f.
func funlock(f *os.File) { _ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN) }
