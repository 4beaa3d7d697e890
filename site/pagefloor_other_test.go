//go:build !linux

package site

import (
	"testing"
	"time"
)

// pageFloor is measured only on Linux, where the write stage makes pages
// with raw system calls (pagefloor_linux_test.go).
func pageFloor(b *testing.B, dir string, n int) time.Duration {
	b.Log("page floor: measured on Linux only")
	return 0
}
