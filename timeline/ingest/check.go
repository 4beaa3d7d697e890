package ingest

import (
	"bytes"
	"unicode/utf8"
)

// DefaultMaxBytes is the largest article accepted when Options.MaxBytes is 0.
// News articles are kilobytes; a 20 MB "article" is a mistake or an attack.
const DefaultMaxBytes = 20 << 20

// checkBytes refuses input no reader should see: too large, empty, binary
// (a NUL byte) or not UTF-8. Errors carry the line of the first bad byte.
func checkBytes(path string, data []byte, maxBytes int64) error {
	if int64(len(data)) > maxBytes {
		return errorAt(path, 0, ErrTooLarge, "%d bytes, limit %d", len(data), maxBytes)
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return errorAt(path, 0, ErrEmpty, "")
	}
	if i := bytes.IndexByte(data, 0); i >= 0 {
		return errorAt(path, lineOf(data, i), ErrBinary, "at byte %d", i)
	}
	if !utf8.Valid(data) {
		i := firstInvalid(data)
		return errorAt(path, lineOf(data, i), ErrInvalidUTF8, "at byte %d", i)
	}
	return nil
}

// firstInvalid returns the offset of the first byte that is not valid UTF-8.
func firstInvalid(data []byte) int {
	for i := 0; i < len(data); {
		r, n := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && n <= 1 {
			return i
		}
		i += n
	}
	return len(data)
}

// lineOf returns the 1-based line holding byte offset i.
func lineOf(data []byte, i int) int {
	if i > len(data) {
		i = len(data)
	}
	return bytes.Count(data[:i], []byte{'\n'}) + 1
}
