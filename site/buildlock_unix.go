//go:build unix

package site

import (
	"os"
	"syscall"
)

// flockWorks: builds lock each other out (buildlock.go).
const flockWorks = true

// flock locks f exclusively, calling waiting first when another open file
// holds the lock.
func flock(f *os.File, waiting func()) error {
	fd := int(f.Fd())
	err := syscall.Flock(fd, syscall.LOCK_EX|syscall.LOCK_NB)
	if err == syscall.EWOULDBLOCK {
		waiting()
		for err = syscall.Flock(fd, syscall.LOCK_EX); err == syscall.EINTR; err = syscall.Flock(fd, syscall.LOCK_EX) {
		}
	}
	return err
}

// funlock unlocks f.
func funlock(f *os.File) { _ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN) }
