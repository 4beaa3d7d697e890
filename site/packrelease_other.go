//go:build !linux

package site

// releaseResident does nothing where MADV_DONTNEED does not drop a shared
// file mapping's pages (see packrelease_linux.go).
func releaseResident([]byte) {}
