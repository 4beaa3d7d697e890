package site

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/zeebo/xxh3"
)

// checkPagePath accepts only clean, relative, slash-separated paths that stay
// inside the output folder: page paths come from slugs and overrides an editor
// (or an attacker) wrote.
func checkPagePath(p string) error {
	if p == "" || p == "." {
		return fmt.Errorf("page path %q: empty", p)
	}
	// This runs for every one of 127,000 pages when a manifest is read: the
	// characters are checked 8 bytes at a time, and the segments only when
	// the path has a place one could be bad (was: strings.ContainsAny, then
	// a strings.Cut per segment, 5-7 ms of a fresh 10k build's CPU). The
	// errors keep their precedence: a bad character, then absolute, then
	// the first bad segment.
	if hasBadByte(p) {
		return fmt.Errorf("page path %q: contains a backslash, colon or NUL", p)
	}
	if p[0] == '/' {
		return fmt.Errorf("page path %q: absolute", p)
	}
	// A relative path is clean when no segment is empty, "." or "..": a bad
	// segment starts the path with '.', ends it with '/', or follows a '/'
	// with '/' or '.'. Page paths have none of these but in a file name's
	// extension (".html" after a name, never after a '/').
	if p[0] != '.' && p[len(p)-1] != '/' && !slashBeforeDotOrSlash(p) {
		return nil
	}
	bad := 0 // the first bad segment: 1 "..", 2 "" or "."
	for rest := p; bad == 0; {
		seg, more, found := strings.Cut(rest, "/")
		bad = badSegment(seg)
		if !found {
			break
		}
		rest = more
	}
	switch bad {
	case 1:
		return fmt.Errorf("page path %q: leaves the output folder", p)
	case 2:
		return fmt.Errorf("page path %q: not clean", p)
	}
	return nil
}

// slashBeforeDotOrSlash reports whether a '/' of p is followed by '.' or
// '/', 8 bytes at a time as hasBadByte (was: an IndexByte call per slash).
func slashBeforeDotOrSlash(p string) bool {
	const ones = 0x0101010101010101
	carry := uint64(0) // highs' first byte when the word before ended in '/'
	i := 0
	for ; i+8 <= len(p); i += 8 {
		w := le64(p[i : i+8])
		slash := zeroBytes(w ^ '/'*ones)
		next := slash | zeroBytes(w^'.'*ones)
		if (slash<<8|carry)&next != 0 {
			return true
		}
		carry = slash >> 56
	}
	for after := carry != 0; i < len(p); i++ {
		c := p[i]
		if after && (c == '.' || c == '/') {
			return true
		}
		after = c == '/'
	}
	return false
}

// zeroBytes has the high bit of each byte of w that is zero set, and no
// other bit: exact, unlike hasBadByte's test, which only tells whether one
// is.
func zeroBytes(w uint64) uint64 {
	const lows, highs = 0x7f7f7f7f7f7f7f7f, 0x8080808080808080
	return ^((w&lows + lows) | w) & highs
}

// hasBadByte reports whether p holds a backslash, a colon or a NUL, testing
// 8 bytes at a time: a word has a zero byte exactly when
// (w - 0x01...01) &^ w & 0x80...80 is not zero, and w ^ c*0x01...01 has a
// zero byte where w has the byte c.
func hasBadByte(p string) bool {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	zero := func(w uint64) bool { return (w-ones)&^w&highs != 0 }
	i := 0
	for ; i+8 <= len(p); i += 8 {
		w := le64(p[i : i+8])
		if zero(w) || zero(w^':'*ones) || zero(w^'\\'*ones) {
			return true
		}
	}
	for ; i < len(p); i++ {
		if c := p[i]; c == 0 || c == ':' || c == '\\' {
			return true
		}
	}
	return false
}

// le64 reads s's first 8 bytes as a little-endian word (one load).
func le64(s string) uint64 {
	_ = s[7]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

// badSegment tells a path segment that leaves the folder (1: "..") or is
// not clean (2: "" or ".") from a good one (0).
func badSegment(seg string) int {
	switch seg {
	case "..":
		return 1
	case "", ".":
		return 2
	}
	return 0
}

// checkOutDir refuses output folders whose swap would destroy something else:
// the working folder, the root, or a folder holding the content or the cache.
func checkOutDir(out, content, cache string) error {
	clean := filepath.Clean(out)
	if clean == "." || clean == string(filepath.Separator) || filepath.Base(clean) == ".." {
		return fmt.Errorf("output folder %q: refusing to replace it", out)
	}
	if err := checkOutName(out); err != nil { // stale.go
		return err
	}
	for _, inner := range []string{content, cache} {
		if inner != "" && within(clean, inner) {
			return fmt.Errorf("output folder %q contains %q: refusing to replace it", out, inner)
		}
	}
	return nil
}

// within reports whether p is dir or lies inside it (lexically, after making both absolute).
func within(dir, p string) bool {
	ad, err1 := filepath.Abs(dir)
	ap, err2 := filepath.Abs(p)
	if err1 != nil || err2 != nil {
		return false
	}
	rel, err := filepath.Rel(ad, ap)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

// pageSet tells whether a page path is already planned: open addressing over
// XXH3 hashes of the paths, at most half full. The map[string]bool it
// replaced allocated about 6 MB a build for the 127,000 pages of the 10k site.
type pageSet struct{ slots []int32 }

func newPageSet(n int) pageSet {
	size := 16
	for size < 2*n {
		size *= 2
	}
	return pageSet{slots: make([]int32, size)}
}

// add records the path of pages[i], reporting false (and recording nothing)
// when one of the pages already recorded has it. At most n pages are added.
func (s pageSet) add(pages []Page, i int) bool {
	mask := uint64(len(s.slots) - 1)
	j := xxh3.HashString(pages[i].Path) & mask
	for ; s.slots[j] != 0; j = (j + 1) & mask {
		if pages[s.slots[j]-1].Path == pages[i].Path {
			return false
		}
	}
	s.slots[j] = int32(i + 1)
	return true
}
