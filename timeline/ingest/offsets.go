package ingest

import (
	"unicode"
	"unicode/utf8"
)

// Offsets maps byte offsets of an article's cleaned Text back to byte offsets
// of the file as given (it implements timeline.OffsetMap). It is a list of
// segments: a copied segment maps byte for byte, a replaced one (a curly quote
// turned straight, a ligature spelled out, a space inserted where a line was
// joined) maps every byte to where the original characters start.
type Offsets struct {
	segs    []segment
	textLen int
}

// segment offsets are int32: files are limited to DefaultMaxBytes (and
// MaxBytes is meant to stay far below 2 GB), and half-size segments halve
// the map's memory.
type segment struct {
	text, raw int32 // where the segment starts in Text and in Raw
	textLen   int32
	rawLen    int32 // bytes of Raw the segment stands for
	copied    bool  // byte-for-byte copy (textLen == rawLen)
}

// Original returns the Raw offset of Text offset i. Offsets inside a replaced
// character map to its first byte; len(Text) maps to just past the last
// character, so Original(end) of a half-open span is its end in Raw.
func (o *Offsets) Original(i int) int {
	if o == nil || len(o.segs) == 0 {
		return 0
	}
	if i >= o.textLen {
		last := o.segs[len(o.segs)-1]
		return int(last.raw + last.rawLen)
	}
	if i < 0 {
		i = 0
	}
	s := o.find(i)
	if s.copied {
		return int(s.raw) + i - int(s.text)
	}
	return int(s.raw)
}

// find returns the segment holding Text offset i (0 <= i < textLen).
func (o *Offsets) find(i int) segment {
	return o.segs[segmentAt(o.segs, 0, i)]
}

// segmentAt returns the index of the segment of segs[from:] holding Text
// offset i, which lies in segs[from] or after it: the last segment starting
// at or before i. A binary search written out (sort.Search calls a closure
// per step; an extraction asks four times per mention).
func segmentAt(segs []segment, from, i int) int {
	lo, hi := from, len(segs) // segs[lo-1].text <= i < segs[hi].text
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		if int(segs[mid].text) > i {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	return lo - 1
}

// OriginalSpan returns Original(start) and OriginalEnd(end) together, the
// span [start, end) of Text in Raw: the segment of end-1 is searched from
// start's, and a short span (a date, a sentence within one segment) finds
// it at once.
func (o *Offsets) OriginalSpan(start, end int) (int, int) {
	if o == nil || len(o.segs) == 0 || start < 0 || end <= start || end >= o.textLen {
		return o.Original(start), o.OriginalEnd(end)
	}
	segs := o.segs
	k := segmentAt(segs, 0, start)
	s := segs[k]
	rs := int(s.raw)
	if s.copied {
		rs += start - int(s.text)
	}
	i := end - 1
	if k+1 < len(segs) && int(segs[k+1].text) <= i {
		s = segs[segmentAt(segs, k+1, i)]
	}
	if s.copied {
		return rs, int(s.raw) + i - int(s.text) + 1
	}
	return rs, int(s.raw + s.rawLen)
}

// OriginalEnd returns the Raw offset just past the Text byte end-1: the end
// of a half-open span [start, end) in Raw, covering the whole of a replaced
// last character (a straight quote that was a three-byte curly one).
func (o *Offsets) OriginalEnd(end int) int {
	if end <= 0 || o == nil || len(o.segs) == 0 {
		return o.Original(0)
	}
	if end >= o.textLen {
		return o.Original(o.textLen)
	}
	i := end - 1
	s := o.find(i)
	if s.copied {
		return int(s.raw) + i - int(s.text) + 1
	}
	return int(s.raw + s.rawLen)
}

// builder accumulates cleaned text together with its Offsets.
type builder struct {
	buf  []byte
	segs []segment
}

// copyRaw appends raw[start:end] unchanged.
func (b *builder) copyRaw(raw []byte, start, end int) {
	if end <= start {
		return
	}
	if n := len(b.segs); n > 0 {
		last := &b.segs[n-1]
		if last.copied && int(last.raw+last.rawLen) == start && int(last.text+last.textLen) == len(b.buf) {
			last.textLen += int32(end - start)
			last.rawLen += int32(end - start)
			b.buf = append(b.buf, raw[start:end]...)
			return
		}
	}
	n := int32(end - start)
	b.segs = append(b.segs, segment{text: int32(len(b.buf)), raw: int32(start), textLen: n, rawLen: n, copied: true})
	b.buf = append(b.buf, raw[start:end]...)
}

// replace appends s standing for raw[rawStart:rawStart+rawLen].
func (b *builder) replace(s string, rawStart, rawLen int) {
	if s == "" {
		return
	}
	b.segs = append(b.segs, segment{text: int32(len(b.buf)), raw: int32(rawStart), textLen: int32(len(s)), rawLen: int32(rawLen)})
	b.buf = append(b.buf, s...)
}

// lastByte is the last byte written, or 0.
func (b *builder) lastByte() byte {
	if len(b.buf) == 0 {
		return 0
	}
	return b.buf[len(b.buf)-1]
}

// truncate drops everything written after length n (used to take back a
// paragraph that turned out to be set aside).
func (b *builder) truncate(n int) {
	b.buf = b.buf[:n]
	for len(b.segs) > 0 {
		last := &b.segs[len(b.segs)-1]
		switch {
		case int(last.text) >= n:
			b.segs = b.segs[:len(b.segs)-1]
			continue
		case int(last.text+last.textLen) > n:
			cut := last.text + last.textLen - int32(n)
			last.textLen -= cut
			if last.copied {
				last.rawLen -= cut
			}
		}
		return
	}
}

func (b *builder) offsets() *Offsets {
	return &Offsets{segs: b.segs, textLen: len(b.buf)}
}

// normalForm maps characters that PDF and web copy vary on to the form the
// extractors match against. Quotes are only straightened when quotes is set
// (Text for matching); `timeline new` keeps them for display.
func normalForm(r rune, quotes bool) (string, bool) {
	switch r {
	case '\u00AD', '\u200B', '\u200C', '\u200D', '\u2060', '\uFEFF':
		return "", true // soft hyphen, zero-width characters, BOM
	case '\t', '\u00A0', '\u2007', '\u202F', '\v':
		return " ", true
	case '\u2010', '\u2011':
		return "-", true
	case '\uFB00':
		return "ff", true
	case '\uFB01':
		return "fi", true
	case '\uFB02':
		return "fl", true
	case '\uFB03':
		return "ffi", true
	case '\uFB04':
		return "ffl", true
	case '\uFB05', '\uFB06':
		return "st", true
	}
	if unicode.IsSpace(r) && r != '\n' {
		return " ", true // en, em, thin, ideographic... spaces
	}
	if quotes {
		switch r {
		case '\u2018', '\u2019', '\u201A', '\u201B', '\u2032', '\u02BC':
			return "'", true
		case '\u201C', '\u201D', '\u201E', '\u201F', '\u2033', '\u00AB', '\u00BB':
			return "\"", true
		}
	}
	if r < 0x20 || (r >= 0x7F && r < 0xA0) {
		return "", true // control characters never reach the extractors
	}
	return "", false
}

// appendNormal appends raw[start:end] with normalForm applied and runs of
// spaces collapsed to one (no space at the start of a paragraph).
func (b *builder) appendNormal(raw []byte, start, end int, quotes bool) {
	run := start // start of the pending run of bytes copied unchanged
	flush := func(i int) { b.copyRaw(raw, run, i) }
	for i := start; i < end; {
		c := raw[i]
		if c > 0x20 && c < 0x7F || c == ' ' && i > run && raw[i-1] != ' ' {
			i++ // the common case: printable ASCII, or a single space inside a run
			continue
		}
		r, n := rune(c), 1
		if c >= utf8.RuneSelf {
			r, n = utf8.DecodeRune(raw[i:end])
		}
		repl, changed := normalForm(r, quotes)
		if r == ' ' {
			repl, changed = " ", true
		}
		if !changed {
			i += n
			continue
		}
		flush(i)
		switch {
		case repl == " " && (len(b.buf) == 0 || b.lastByte() == ' ' || b.lastByte() == '\n'):
			// collapse
		case repl == " " && r == ' ':
			b.copyRaw(raw, i, i+1)
		default:
			b.replace(repl, i, n)
		}
		i += n
		run = i
	}
	flush(end)
}

// truncateSpace drops trailing spaces (a line break before a block's end).
func (b *builder) truncateSpace() {
	n := len(b.buf)
	for n > 0 && b.buf[n-1] == ' ' {
		n--
	}
	b.truncate(n)
}
