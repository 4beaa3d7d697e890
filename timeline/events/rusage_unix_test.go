//go:build unix

package events_test

import (
	"syscall"
	"time"
)

// rusage reads the process's kernel CPU time and its page faults so far: the
// benchmark prints them per stage, as fresh memory is paid for in faults and
// kernel time on this machine rather than in the program's own instructions.
func rusage() (kernel time.Duration, faults int64, ok bool) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, 0, false
	}
	return time.Duration(ru.Stime.Nano()), int64(ru.Minflt) + int64(ru.Majflt), true
}
