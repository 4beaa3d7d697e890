package site

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestReleaseResidentDropsMappedPagesKeepingTheBytes maps a file, reads it
// whole, releases it, and checks that the process's file-backed resident set
// fell by most of the file while every byte still reads the same.
func TestReleaseResidentDropsMappedPagesKeepingTheBytes(t *testing.T) {
	const size = 16 << 20
	want := make([]byte, size)
	for i := range want {
		want[i] = byte(i*7 + i>>12)
	}
	name := filepath.Join(t.TempDir(), "extract.pack")
	if err := os.WriteFile(name, want, 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	data, err := mapFile(f, size)
	if err != nil {
		t.Skipf("cannot map a file here: %v", err)
	}
	if !bytes.Equal(data, want) { // touches every page
		t.Fatal("mapping differs from the file")
	}
	before, ok := rssFileKB()
	if !ok {
		t.Skip("no RssFile in /proc/self/status")
	}
	releaseResident(data)
	after, _ := rssFileKB()
	if dropped := before - after; dropped < size/1024*3/4 {
		t.Errorf("file-backed resident set fell by %d KB (from %d), want most of %d KB", dropped, before, size/1024)
	}
	if !bytes.Equal(data, want) {
		t.Fatal("released mapping no longer reads the file's bytes")
	}
	releaseResident(nil) // no mapping: nothing to do
}

// rssFileKB reads RssFile from /proc/self/status.
func rssFileKB() (int, bool) {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0, false
	}
	_, rest, found := strings.Cut(string(data), "RssFile:")
	if !found {
		return 0, false
	}
	line, _, _ := strings.Cut(rest, "\n")
	kb, err := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(line), " kB"))
	return kb, err == nil
}
