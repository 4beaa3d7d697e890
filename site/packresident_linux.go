package site

import (
	"bytes"
	"encoding/binary"
	"os"
	"strconv"
	"unsafe"
)

// mappedResidentBytes is how much of a mapping is resident in the process:
// its pages present in the process's page table, by /proc/self/pagemap, once
// /proc/self/maps lists the mapping's range as mapped areas. It was the Rss
// of smaps' areas inside it: reading smaps makes the kernel walk the page
// tables of every area of the process, the heap's too (5-30 ms in a fresh 10k
// incremental build, on its critical path), where pagemap walks only the
// mapping's (8 bytes a page, 215 KB for the 110 MB pack). smaps is read when
// pagemap cannot be. false when it cannot be read or the range is not mapped.
func mappedResidentBytes(mapping []byte) (int64, bool) {
	if len(mapping) == 0 {
		return 0, true
	}
	lo := uint64(uintptr(unsafe.Pointer(unsafe.SliceData(mapping))))
	page := uint64(os.Getpagesize())
	hi := (lo + uint64(len(mapping)) + page - 1) &^ (page - 1) // the last page's area ends at a page
	maps, err := os.ReadFile("/proc/self/maps")
	if err != nil || !mappedIn(maps, lo, hi) {
		return smapsResidentBytes(lo, hi)
	}
	if n, ok := pagemapResident(lo, hi, page); ok {
		return n, true
	}
	return smapsResidentBytes(lo, hi)
}

// smapsResidentBytes is the Rss of the areas of /proc/self/smaps inside
// [lo, hi) (residentIn).
func smapsResidentBytes(lo, hi uint64) (int64, bool) {
	data, err := os.ReadFile("/proc/self/smaps")
	if err != nil {
		return 0, false
	}
	return residentIn(data, lo, hi)
}

// mappedIn says whether areas listed by maps (the text of /proc/self/maps
// or smaps) tile [lo, hi) exactly, as a mapping's own areas do: the first
// starts at lo, each next at the previous one's end, the last ends at hi (an
// area reaching outside the range belongs to something else, as residentIn's
// areas must lie inside it).
func mappedIn(maps []byte, lo, hi uint64) bool {
	at := lo
	for len(maps) > 0 && at < hi {
		var line []byte
		line, maps, _ = bytes.Cut(maps, []byte("\n"))
		if start, end, ok := areaRange(line); ok && start == at {
			if end > hi {
				return false
			}
			at = end // the areas are listed in address order
		}
	}
	return at == hi
}

// pagemapResident counts the bytes of the pages of [lo, hi) (page-aligned
// lo) present in the process's page table and mapping a file or shared
// memory: /proc/self/pagemap's bits 63 and 61 of each page's 8-byte entry
// (the flags are readable without privileges; the frame numbers are not).
func pagemapResident(lo, hi, page uint64) (int64, bool) {
	f, err := os.Open("/proc/self/pagemap")
	if err != nil {
		return 0, false
	}
	defer f.Close()
	const present, fileOrShared = 1 << 63, 1 << 61
	buf := make([]byte, 64<<10)
	var total int64
	for first, last := lo/page, hi/page; first < last; {
		n := min(uint64(len(buf)/8), last-first)
		chunk := buf[:n*8]
		if _, err := f.ReadAt(chunk, int64(first*8)); err != nil {
			return 0, false
		}
		for i := 0; i < len(chunk); i += 8 {
			if e := binary.LittleEndian.Uint64(chunk[i:]); e&present != 0 && e&fileOrShared != 0 {
				total += int64(page)
			}
		}
		first += n
	}
	return total, true
}

// residentIn sums the Rss lines of the areas of smaps (the file's text)
// that lie within [lo, hi); false when it finds none or cannot read one.
func residentIn(smaps []byte, lo, hi uint64) (int64, bool) {
	var total int64
	inside, found := false, false
	for len(smaps) > 0 {
		var line []byte
		line, smaps, _ = bytes.Cut(smaps, []byte("\n"))
		if start, end, ok := areaRange(line); ok {
			inside = start >= lo && end <= hi
			found = found || inside
			continue
		}
		if !inside {
			continue
		}
		if rest, ok := bytes.CutPrefix(line, []byte("Rss:")); ok {
			kb, err := strconv.ParseInt(string(bytes.TrimSpace(bytes.TrimSuffix(bytes.TrimSpace(rest), []byte("kB")))), 10, 64)
			if err != nil {
				return 0, false
			}
			total += kb << 10
		}
	}
	return total, found
}

// areaRange reads an smaps area header: "start-end perms ..." in hex.
func areaRange(line []byte) (start, end uint64, ok bool) {
	r, _, found := bytes.Cut(line, []byte(" "))
	if !found {
		return 0, 0, false
	}
	a, b, found := bytes.Cut(r, []byte("-"))
	if !found {
		return 0, 0, false
	}
	start, err1 := strconv.ParseUint(string(a), 16, 64)
	end, err2 := strconv.ParseUint(string(b), 16, 64)
	return start, end, err1 == nil && err2 == nil
}
