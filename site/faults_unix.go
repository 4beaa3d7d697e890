//go:build unix

package site

import "syscall"

// pageFaults is the number of page faults the process has taken so far (minor
// and major). On the virtual machines this project builds on, touching memory
// for the first time costs about 27 µs a page (5 ms per MB), so the stage
// timings show them beside the CPU time they explain.
func pageFaults() int64 {
	faults, _ := memoryStats()
	return faults
}

// memoryStats returns the page faults so far and the process's peak resident
// set size in MB (the high-water mark: the stage where it last grew is where
// the build's peak is).
func memoryStats() (faults int64, peakMB float64) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, 0
	}
	return int64(ru.Minflt) + int64(ru.Majflt), float64(ru.Maxrss) / 1024 // Maxrss is in KB on Linux
}
