package site

import (
	"os"
	"runtime/debug"
	"testing"
)

func TestMemoryLimitIsSetForTheBuildAndRestored(t *testing.T) {
	if _, set := os.LookupEnv("GOMEMLIMIT"); set {
		t.Skip("GOMEMLIMIT is set: the environment decides the limit")
	}
	before := debug.SetMemoryLimit(-1) // -1 reads without changing
	for _, tc := range []struct{ opt, want int64 }{{0, DefaultMemoryLimit}, {300 << 20, 300 << 20}, {-1, before}} {
		restore := applyMemoryLimit(tc.opt)
		if got := debug.SetMemoryLimit(-1); got != tc.want {
			t.Errorf("option %d: limit %d during the build, want %d", tc.opt, got, tc.want)
		}
		restore()
		if got := debug.SetMemoryLimit(-1); got != before {
			t.Errorf("option %d: limit %d after the build, want %d restored", tc.opt, got, before)
		}
	}
}

func TestGOMEMLIMITOverridesTheOption(t *testing.T) {
	t.Setenv("GOMEMLIMIT", "1GiB")
	before := debug.SetMemoryLimit(-1)
	restore := applyMemoryLimit(100 << 20)
	defer restore()
	if got := debug.SetMemoryLimit(-1); got != before {
		t.Errorf("limit %d with GOMEMLIMIT set, want it left at %d", got, before)
	}
}

// Memory the build holds outside the heap (the mapped pack) comes off the
// limit the build set, never below a quarter of it; GOMEMLIMIT is left alone.
func TestMappedPackComesOffTheLimit(t *testing.T) {
	if _, set := os.LookupEnv("GOMEMLIMIT"); set {
		t.Skip("GOMEMLIMIT is set: the environment decides the limit")
	}
	for _, tc := range []struct{ mapped, want int64 }{{100 << 20, 300 << 20}, {0, 400 << 20}, {390 << 20, 100 << 20}} {
		restore := applyMemoryLimit(400 << 20)
		reserveOutsideHeap(400<<20, tc.mapped)
		if got := debug.SetMemoryLimit(-1); got != tc.want {
			t.Errorf("%d bytes mapped: limit %d, want %d", tc.mapped, got, tc.want)
		}
		restore()
	}
	t.Setenv("GOMEMLIMIT", "1GiB")
	before := debug.SetMemoryLimit(-1)
	reserveOutsideHeap(400<<20, 100<<20)
	if got := debug.SetMemoryLimit(-1); got != before {
		t.Errorf("limit %d with GOMEMLIMIT set, want it left at %d", got, before)
	}
}

// The reservation can be changed later against the same base (releasePack
// shrinks it to what stays resident), and does nothing under GOMEMLIMIT.
func TestReservationIsResetAgainstTheBase(t *testing.T) {
	if _, set := os.LookupEnv("GOMEMLIMIT"); set {
		t.Skip("GOMEMLIMIT is set: the environment decides the limit")
	}
	restore := applyMemoryLimit(400 << 20)
	defer restore()
	reserve := reserveOutsideHeap(400<<20, 100<<20)
	for _, tc := range []struct{ n, want int64 }{{20 << 20, 380 << 20}, {0, 400 << 20}, {-5, 400 << 20}, {399 << 20, 100 << 20}} {
		reserve(tc.n)
		if got := debug.SetMemoryLimit(-1); got != tc.want {
			t.Errorf("reserve(%d): limit %d, want %d", tc.n, got, tc.want)
		}
	}
	t.Setenv("GOMEMLIMIT", "1GiB")
	before := debug.SetMemoryLimit(-1)
	reserveOutsideHeap(400<<20, 0)(50 << 20)
	if got := debug.SetMemoryLimit(-1); got != before {
		t.Errorf("limit %d with GOMEMLIMIT set, want it left at %d", got, before)
	}
}
