//go:build !unix

package merge_test

import "time"

func processCPU() (time.Duration, bool) { return 0, false }
