//go:build !unix

package site

import "time"

// systemCPU is not measured here.
func systemCPU() time.Duration { return 0 }
