//go:build unix

package cputime

import (
	"syscall"
	"time"
)

// Process returns the user + system CPU time of the process so far, and false
// where it cannot be measured.
func Process() (time.Duration, bool) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, false
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), true
}
