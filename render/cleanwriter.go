package render

import (
	"encoding/binary"
	"io"
	"unicode/utf8"
)

// cleanWriter passes a page through to w, replacing what HTML forbids in a
// document and escaping does not remove: each run of invalid UTF-8 becomes one
// U+FFFD, and so does each NUL, other control character (tab, newline, form
// feed and carriage return stay) and Unicode noncharacter. The bytes are those
// of cleanHTMLText on the whole page, without holding the page in memory: a
// rune split across two writes is carried over to the next.
type cleanWriter struct {
	w       io.Writer
	carry   []byte // the start of a rune the next write may complete
	invalid bool   // the last thing written replaced an invalid run
	err     error
}

var replacement = []byte("\uFFFD")

func (c *cleanWriter) Write(p []byte) (int, error) {
	n := len(p)
	if c.err != nil {
		return 0, c.err
	}
	if len(c.carry) > 0 {
		p = append(c.carry, p...)
		c.carry = nil
	}
	start := 0
	for i := 0; i < len(p); {
		if j := skipPlainASCII(p, i); j > i { // most of a page: eight bytes at a time
			c.invalid = false
			if i = j; i >= len(p) {
				break
			}
		}
		b := p[i]
		if b < utf8.RuneSelf {
			c.invalid = false
			if b >= 0x20 && b != 0x7f || b == '\t' || b == '\n' || b == '\f' || b == '\r' {
				i++
				continue
			}
			c.put(p[start:i], replacement)
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRune(p[i:])
		if r == utf8.RuneError && size == 1 {
			if !utf8.FullRune(p[i:]) {
				c.put(p[start:i], nil)
				c.carry = append([]byte(nil), p[i:]...)
				return n, c.err
			}
			if c.invalid {
				c.put(p[start:i], nil)
			} else {
				c.put(p[start:i], replacement)
			}
			c.invalid = true
			i++
			start = i
			continue
		}
		c.invalid = false
		if forbiddenInHTML(r) {
			c.put(p[start:i], replacement)
			start = i + size
		}
		i += size
	}
	c.put(p[start:], nil)
	return n, c.err
}

// skipPlainASCII returns the index after the whole 8-byte words from p[i:]
// made only of printable ASCII (0x20-0x7e), which need no cleaning.
func skipPlainASCII(p []byte, i int) int {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	for i+8 <= len(p) {
		v := binary.LittleEndian.Uint64(p[i:])
		del := v ^ (0x7f * ones)
		// a byte >= 0x80, a byte < 0x20, a byte == 0x7f (a zero byte of del)
		if v&highs != 0 || (v-0x20*ones)&^v&highs != 0 || (del-ones)&^del&highs != 0 {
			break
		}
		i += 8
	}
	return i
}

// put writes clean bytes and then a replacement, if any.
func (c *cleanWriter) put(clean, repl []byte) {
	if c.err == nil && len(clean) > 0 {
		_, c.err = c.w.Write(clean)
	}
	if c.err == nil && len(repl) > 0 {
		_, c.err = c.w.Write(repl)
	}
}

// Close ends the page: a rune left unfinished is an invalid run.
func (c *cleanWriter) Close() error {
	if len(c.carry) > 0 && !c.invalid {
		c.put(nil, replacement)
	}
	c.carry = nil
	return c.err
}

// needsNoCleaning reports whether cleanHTMLText would leave p as it is:
// valid UTF-8 without forbidden characters, which most pages are. It looks
// at eight bytes at a time, newlines and tabs included (the streaming
// cleaner went back to its byte loop at every newline); only a word with a
// byte >= 0x80 is looked at character by character.
func needsNoCleaning(p []byte) bool {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	// zero marks the zero bytes of x, whose bytes are all < 0x80: exactly,
	// as adding 0x7f to a byte below 0x80 never carries into the next one.
	zero := func(x uint64) uint64 { return ^((x + 0x7f*ones) | x) & highs }
	i := 0
	for i+8 <= len(p) {
		v := binary.LittleEndian.Uint64(p[i:])
		if v&highs != 0 {
			ok := true
			if i, ok = cleanRunes(p, i, i+8); !ok {
				return false
			}
			continue
		}
		// The bytes below 0x20 and DEL, exactly: adding 0x60 or 1 to a byte
		// below 0x80 carries into no other byte.
		ctl := ^((v + 0x60*ones) | v) & highs
		if (v+ones)&highs != 0 {
			return false
		}
		if ctl != 0 {
			allowed := zero(v^'\n'*ones) | zero(v^'\t'*ones) | zero(v^'\r'*ones) | zero(v^'\f'*ones)
			if ctl&^allowed != 0 {
				return false
			}
		}
		i += 8
	}
	_, ok := cleanRunes(p, i, len(p))
	return ok
}

// cleanRunes checks the characters that start in p[i:end] (the last may end
// past it) and returns where the next one starts.
func cleanRunes(p []byte, i, end int) (int, bool) {
	for i < end {
		c := p[i]
		if c < utf8.RuneSelf {
			if c < 0x20 && c != '\t' && c != '\n' && c != '\f' && c != '\r' || c == 0x7f {
				return i, false
			}
			i++
			continue
		}
		r, size := utf8.DecodeRune(p[i:])
		if r == utf8.RuneError && size == 1 || forbiddenInHTML(r) {
			return i, false
		}
		i += size
	}
	return i, true
}
