//go:build unix

package site

import (
	"syscall"
	"time"
)

// processCPU is the process's user + system CPU time so far: on a shared
// machine a stage's wall time mostly measures the other tenants.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
