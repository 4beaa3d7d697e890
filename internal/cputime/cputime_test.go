package cputime

import (
	"runtime"
	"testing"
)

func TestProcessGrowsWithWork(t *testing.T) {
	before, ok := Process()
	if !ok {
		if runtime.GOOS == "linux" {
			t.Fatal("CPU time not measured on linux")
		}
		t.Skip("CPU time is not measured on " + runtime.GOOS)
	}
	x := 0
	for i := 0; i < 50_000_000; i++ {
		x += i ^ (x >> 3)
	}
	after, _ := Process()
	if after <= before {
		t.Fatalf("CPU time went from %v to %v over a busy loop (x=%d)", before, after, x)
	}
}
