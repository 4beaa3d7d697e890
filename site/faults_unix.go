//go:build unix

package site

import (
	"bytes"
	"os"
	"strconv"
	"syscall"
)

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
	peakMB = float64(ru.Maxrss) / 1024 // KB on Linux
	if mb, ok := highWaterMB(); ok {
		peakMB = mb
	}
	return int64(ru.Minflt) + int64(ru.Majflt), peakMB
}

// highWaterMB reads VmHWM from /proc/self/status (Linux). It is preferred to
// getrusage's maxrss, which Linux carries across execve: a process started by
// os/exec from a large parent (the scale benchmark's child build) would report
// the parent's peak as its own.
func highWaterMB() (float64, bool) {
	kb, ok := statusKB("VmHWM:")
	return float64(kb) / 1024, ok
}

// fileResidentBytes is the process's resident file-backed memory (RssFile in
// /proc/self/status, Linux): mapped files such as the extraction pack and the
// executable, which count in the RSS the memory limit is meant to bound but
// not in the Go heap the runtime limits.
func fileResidentBytes() (int64, bool) {
	kb, ok := statusKB("RssFile:")
	return int64(kb) << 10, ok
}

// statusKB reads one "Name: N kB" field of /proc/self/status.
func statusKB(field string) (int, bool) {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0, false
	}
	_, rest, found := bytes.Cut(data, []byte(field))
	if !found {
		return 0, false
	}
	line, _, _ := bytes.Cut(rest, []byte("\n"))
	kb, err := strconv.Atoi(string(bytes.TrimSuffix(bytes.TrimSpace(line), []byte(" kB"))))
	if err != nil {
		return 0, false
	}
	return kb, true
}
