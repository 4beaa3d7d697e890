package site

import (
	"bytes"
	"os"
	"strconv"
	"unsafe"
)

// mappedResidentBytes is how much of a mapping is resident in the process:
// the Rss of the areas /proc/self/smaps lists inside it (the kernel may
// split one mapping into several areas). false when it cannot be read.
func mappedResidentBytes(mapping []byte) (int64, bool) {
	if len(mapping) == 0 {
		return 0, true
	}
	data, err := os.ReadFile("/proc/self/smaps")
	if err != nil {
		return 0, false
	}
	lo := uint64(uintptr(unsafe.Pointer(unsafe.SliceData(mapping))))
	page := uint64(os.Getpagesize())
	hi := (lo + uint64(len(mapping)) + page - 1) &^ (page - 1) // the last page's area ends at a page
	return residentIn(data, lo, hi)
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
