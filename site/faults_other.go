//go:build !unix

package site

// pageFaults is not measured here.
func pageFaults() int64 { return 0 }

// memoryStats is not measured here.
func memoryStats() (faults int64, peakMB float64) { return 0, 0 }

// fileResidentBytes is not measured here.
func fileResidentBytes() (int64, bool) { return 0, false }
