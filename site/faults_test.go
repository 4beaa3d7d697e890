//go:build linux

package site

import (
	"syscall"
	"testing"
)

// pageFaults counts the faults of memory touched for the first time, and the
// summary lists them per stage.
func TestPageFaultsCountFreshMemory(t *testing.T) {
	const size = 8 << 20
	mem, err := syscall.Mmap(-1, 0, size, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
	if err != nil {
		t.Skip("cannot map memory:", err)
	}
	defer syscall.Munmap(mem)
	before := pageFaults()
	for i := 0; i < size; i += 4096 {
		mem[i] = 1
	}
	if got := pageFaults() - before; got < size/(2<<20) { // at least one per huge page
		t.Errorf("touching %d fresh bytes took %d page faults", size, got)
	}
	if _, peak := memoryStats(); peak <= 0 {
		t.Errorf("peak RSS %.1f MB", peak)
	}
	s := Summary{Timings: []Timing{{Stage: "load", Faults: 3100, PeakRSSMB: 150.2}, {Stage: "plan", Faults: 40, PeakRSSMB: 151}}}
	if got := s.FaultString(); got != "load 3.1k/150MB, plan 0.0k/151MB" {
		t.Errorf("FaultString = %q", got)
	}
}

func TestAllocStringListsEveryStage(t *testing.T) {
	s := Summary{Timings: []Timing{{Stage: "load", AllocMB: 41.26}, {Stage: "plan", AllocMB: 0}}}
	if got := s.AllocString(); got != "load 41.3MB, plan 0.0MB" {
		t.Errorf("AllocString = %q", got)
	}
}

// The build's timings count the bytes each stage allocates.
func TestTimingsCountAllocatedBytes(t *testing.T) {
	b := &builder{}
	b.lap("")
	sink = make([]byte, 4<<20)
	b.lap("alloc")
	if got := b.sum.Timings[0].AllocMB; got < 4 {
		t.Errorf("a stage allocating 4 MiB reports %.2f MiB", got)
	}
}

var sink []byte
