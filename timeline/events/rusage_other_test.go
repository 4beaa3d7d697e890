//go:build !unix

package events_test

import "time"

// rusage is not measured on this platform.
func rusage() (kernel time.Duration, faults int64, ok bool) { return 0, 0, false }
