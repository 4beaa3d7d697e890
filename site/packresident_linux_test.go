package site

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"unsafe"
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

// mapTestFile maps a new file of size bytes read-only and shared, as the
// pack is mapped (the test is skipped where it cannot be).
func mapTestFile(tb testing.TB, size int) []byte {
	tb.Helper()
	name := filepath.Join(tb.TempDir(), "f")
	if err := os.WriteFile(name, make([]byte, size), 0o644); err != nil {
		tb.Fatal(err)
	}
	f, err := os.Open(name)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	m, err := syscall.Mmap(int(f.Fd()), 0, size, syscall.PROT_READ, syscall.MAP_SHARED)
	if err != nil {
		tb.Skipf("mmap: %v", err)
	}
	tb.Cleanup(func() { _ = syscall.Munmap(m) })
	return m
}

// pagemap's count is smaps' Rss of the mapping's areas, page for page, after
// touches that leave part of it resident (runs of 20 pages 77 apart: the
// kernel maps up to 16 pages around a fault), and after a release.
func TestPagemapCountsAsSmaps(t *testing.T) {
	const size = 16<<20 + 100
	m := mapTestFile(t, size)
	page := uint64(os.Getpagesize())
	lo := uint64(uintptr(unsafe.Pointer(unsafe.SliceData(m))))
	hi := (lo + size + page - 1) &^ (page - 1)
	releaseResident(m)
	var sum byte
	for i := 0; i < size; i += 4096 {
		if (i/4096)%97 < 20 {
			sum += m[i]
		}
	}
	touchSink = sum
	for round, what := range []string{"touched", "released"} {
		got, ok := pagemapResident(lo, hi, page)
		if !ok {
			t.Skip("/proc/self/pagemap cannot be read here")
		}
		want, ok := smapsResidentBytes(lo, hi)
		if !ok {
			t.Fatal("no area of the mapping in /proc/self/smaps")
		}
		if got != want || (round == 0 && (got == 0 || got >= size)) {
			t.Errorf("%s: pagemap counts %d bytes resident, smaps %d", what, got, want)
		}
		if n, ok := mappedResidentBytes(m); !ok || n != got {
			t.Errorf("%s: mappedResidentBytes = %d %v, pagemap %d", what, n, ok, got)
		}
		releaseResident(m)
	}
}

func TestMappedInWantsAreasTilingTheRange(t *testing.T) {
	maps := []byte("1000-2000 r--s 00000000 fd:01 12 /x\n2000-4000 r--s 00001000 fd:01 12 /x\n" +
		"4000-9000 rw-p 00000000 00:00 0\n")
	for _, c := range []struct {
		lo, hi uint64
		want   bool
	}{
		{0x1000, 0x4000, true}, {0x1000, 0x2000, true}, {0x2000, 0x4000, true},
		{0x1000, 0x3000, false}, // the second area reaches past it
		{0x5000, 0x6000, false}, // inside an area, not one
		{0x1000, 0xa000, false}, // a gap after 0x9000
		{0x0, 0x1000, false},
	} {
		if got := mappedIn(maps, c.lo, c.hi); got != c.want {
			t.Errorf("mappedIn(%#x, %#x) = %v, want %v", c.lo, c.hi, got, c.want)
		}
	}
}

// BenchmarkMappedResidentBytes reads the resident bytes of a fully resident
// 110 MB mapping (the kept 10k site's pack) in a process holding a 300 MB
// heap, by pagemap (mappedResidentBytes) and by smaps (its fallback).
func BenchmarkMappedResidentBytes(b *testing.B) {
	m := mapTestFile(b, 110<<20)
	var sum byte
	for i := 0; i < len(m); i += 4096 {
		sum += m[i]
	}
	touchSink = sum
	heap := make([]byte, 300<<20)
	for i := range len(heap) / 4096 {
		heap[i*4096] = 1
	}
	lo := uint64(uintptr(unsafe.Pointer(unsafe.SliceData(m))))
	hi := lo + uint64(len(m))
	b.Run("pagemap", func(b *testing.B) {
		for b.Loop() {
			if n, ok := mappedResidentBytes(m); !ok || n < int64(len(m))*7/8 {
				b.Fatalf("%d %v", n, ok)
			}
		}
	})
	b.Run("smaps", func(b *testing.B) {
		for b.Loop() {
			if n, ok := smapsResidentBytes(lo, hi); !ok || n < int64(len(m))*7/8 {
				b.Fatalf("%d %v", n, ok)
			}
		}
	})
	touchSink = heap[len(heap)-4096]
}
