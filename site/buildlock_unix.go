//go:build unix

package site

import (
	"os"
	"syscall"
	"time"
)

// flockWorks: builds lock each other out (buildlock.go).
const flockWorks = true

// flock locks f exclusively, calling waiting first when another open file
// holds the lock. It stops waiting, with errWaitStopped, when stop is
// closed; a nil stop waits for good. A blocked flock(2) cannot be called
// off, so with a stop the lock is tried every lockPoll instead.
func flock(f *os.File, waiting func(), stop <-chan struct{}) error {
	fd := int(f.Fd())
	err := syscall.Flock(fd, syscall.LOCK_EX|syscall.LOCK_NB)
	if err != syscall.EWOULDBLOCK {
		return err
	}
	waiting()
	if stop == nil {
		for err = syscall.Flock(fd, syscall.LOCK_EX); err == syscall.EINTR; err = syscall.Flock(fd, syscall.LOCK_EX) {
		}
		return err
	}
	tick := time.NewTicker(lockPoll)
	defer tick.Stop()
	for {
		select {
		case <-stop:
			return errWaitStopped
		case <-tick.C:
		}
		if err = syscall.Flock(fd, syscall.LOCK_EX|syscall.LOCK_NB); err != syscall.EWOULDBLOCK && err != syscall.EINTR {
			return err
		}
	}
}

// lockPoll is how often a wait that can be called off tries the lock again:
// at most that much later than a blocked flock(2) would have taken it, in a
// wait for a build of a second or more.
const lockPoll = 20 * time.Millisecond

// funlock unlocks f.
func funlock(f *os.File) { _ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN) }
