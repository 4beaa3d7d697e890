package site

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// The resident bytes of a mapped file follow what is touched and released,
// and only that mapping's areas count.
func TestMappedResidentBytesFollowsTouchesAndReleases(t *testing.T) {
	name := filepath.Join(t.TempDir(), "f")
	const size = 64<<20 + 100 // not a whole number of pages, as a pack
	if err := os.WriteFile(name, make([]byte, size), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	m, err := syscall.Mmap(int(f.Fd()), 0, size, syscall.PROT_READ, syscall.MAP_SHARED)
	if err != nil {
		t.Skipf("mmap: %v", err)
	}
	defer syscall.Munmap(m)
	releaseResident(m)
	before, ok := mappedResidentBytes(m)
	if !ok {
		t.Fatal("no area of the mapping found in /proc/self/smaps")
	}
	var sum byte
	for i := 0; i < size; i += 4096 {
		sum += m[i]
	}
	touchSink = sum
	touched, _ := mappedResidentBytes(m)
	releaseResident(m)
	released, _ := mappedResidentBytes(m)
	if before > size/8 || touched < size*7/8 || released > size/8 {
		t.Errorf("resident bytes: %d released, %d touched, %d released again (mapping of %d)", before, touched, released, size)
	}
	if _, ok := mappedResidentBytes(make([]byte, 4096)); ok {
		t.Error("a heap slice was found as a mapping's area")
	}
}

func TestResidentInSumsTheAreasInside(t *testing.T) {
	smaps := []byte("1000-2000 r--s 00000000 fd:01 12 /x\nSize: 4 kB\nRss: 4 kB\n" +
		"2000-4000 r--s 00001000 fd:01 12 /x\nRss:                   8 kB\n" +
		"4000-5000 rw-p 00000000 00:00 0\nRss: 100 kB\n")
	if n, ok := residentIn(smaps, 0x1000, 0x4000); !ok || n != 12<<10 {
		t.Errorf("got %d %v, want %d", n, ok, 12<<10)
	}
	if _, ok := residentIn(smaps, 0x8000, 0x9000); ok {
		t.Error("found an area outside every listed one")
	}
}
