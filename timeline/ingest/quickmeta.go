package ingest

import (
	"bytes"
	"unicode/utf8"

	"github.com/newsline/timeline/timeline"
)

// Front matter is nearly always a few lines of "key: value" with the keys
// Meta knows, and parsing those through the YAML library cost a third of
// loading a generated 10,000-article site (about 10 KB of tokens and nodes
// per article). quickMeta reads that common shape by hand and gives up
// (ok false) on anything else, which decodeMeta then parses in full: the
// shapes it accepts are ones whose meaning in YAML is plain (a test checks
// that each gives what the full parse gives), and anything unusual, an
// error included, goes to the full parse, so errors read as before.

// quickMeta reads data when every line is empty, a comment or "key: value" with a
// known key and a value of one of these forms: nothing (null), a
// double-quoted string without escapes, a plain word run (quickPlain), or
// for tags a flow list of plain words. ok is false otherwise, and when a
// value fails its check (date, source, slug), so the full parse reports it.
func quickMeta(data []byte) (m timeline.Meta, hasDate, ok bool) {
	seen := 0 // bit per key: a repeated key is an error the full parse reports
	for pos := 0; pos < len(data); {
		line, next := lineAt(data, pos)
		pos = next
		if len(line) == 0 {
			continue
		}
		if line[0] == '#' { // a comment line, if nothing in it may break the line
			if !printableASCII(line) {
				return m, false, false
			}
			continue
		}
		colon := bytes.IndexByte(line, ':')
		if colon <= 0 {
			return m, false, false
		}
		bit := quickKeyBit(line[:colon])
		if bit == 0 || seen&bit != 0 {
			return m, false, false
		}
		seen |= bit
		value, kind := quickValue(line[colon+1:])
		if kind == qNone || !setQuick(&m, bit, value, kind, &hasDate) {
			return m, false, false
		}
	}
	return m, hasDate, seen != 0
}

// The keys quickMeta reads, as bits.
const (
	qTitle = 1 << iota
	qDate
	qSource
	qAuthor
	qPublisher
	qSlug
	qTags
	qDraft
	qSample
)

func quickKeyBit(key []byte) int {
	switch string(key) {
	case "title":
		return qTitle
	case "date":
		return qDate
	case "source":
		return qSource
	case "author":
		return qAuthor
	case "publisher":
		return qPublisher
	case "slug":
		return qSlug
	case "tags":
		return qTags
	case "draft":
		return qDraft
	case "sample":
		return qSample
	}
	return 0
}

// What quickValue found.
const (
	qNone   = iota // not a value quickMeta reads
	qNull          // nothing after the colon
	qQuoted        // a double-quoted string
	qPlain         // a plain scalar (quickPlain)
	qList          // a flow list, brackets included (read by quickTags)
)

// quickValue reads what follows a key's colon: nothing (null), or one or
// more spaces and a value with nothing after it. It returns the value as
// written (a quoted one without its quotes; a list with its brackets).
func quickValue(rest []byte) (value []byte, kind int) {
	if len(rest) == 0 {
		return nil, qNull
	}
	v := bytes.TrimLeft(rest, " ")
	if len(v) == len(rest) || len(v) == 0 {
		return nil, qNone // "key:value" or trailing spaces
	}
	switch {
	case v[0] == '"':
		if len(v) < 2 || v[len(v)-1] != '"' || !quickQuoted(v[1:len(v)-1]) {
			return nil, qNone
		}
		return v[1 : len(v)-1], qQuoted
	case v[0] == '[':
		return v, qList
	case quickPlain(v):
		return v, qPlain
	}
	return nil, qNone
}

// quickQuoted: s can stand between double quotes and mean itself: no quote,
// backslash, control character, or character YAML may read as a line
// break or byte order mark, and valid UTF-8.
func quickQuoted(s []byte) bool {
	for len(s) > 0 {
		r, n := utf8.DecodeRune(s)
		switch {
		case r == utf8.RuneError && n == 1, r == '"', r == '\\', r < 0x20, r == 0x7f,
			r == 0x85, r == 0x2028, r == 0x2029, r == 0xfeff:
			return false
		}
		s = s[n:]
	}
	return true
}

// quickPlain: v is a plain (unquoted) scalar that means its own text: it
// starts with an ASCII letter and holds only letters, digits, spaces and
// . _ / - (a colon only in "://"), with no space at either end; or it is
// digits and hyphens (a date). Null words ("null", "Null", "NULL") are
// not, as they mean no value.
func quickPlain(v []byte) bool {
	if len(v) == 0 || v[len(v)-1] == ' ' {
		return false
	}
	if isDigit(v[0]) {
		for _, c := range v {
			if !isDigit(c) && c != '-' {
				return false
			}
		}
		return true
	}
	if !isLetter(v[0]) {
		return false
	}
	for i, c := range v {
		switch {
		case isLetter(c), isDigit(c), c == ' ', c == '.', c == '_', c == '/', c == '-':
		case c == ':' && bytes.HasPrefix(v[i:], []byte("://")):
		default:
			return false
		}
	}
	switch string(v) {
	case "null", "Null", "NULL":
		return false
	}
	return true
}

// printableASCII: s holds only the bytes from space to tilde (no carriage
// return, which YAML reads as a line break, nor anything beyond ASCII).
func printableASCII(s []byte) bool {
	for _, c := range s {
		if c < ' ' || c > '~' {
			return false
		}
	}
	return true
}

func isDigit(c byte) bool  { return '0' <= c && c <= '9' }
func isLetter(c byte) bool { return 'a' <= c|0x20 && c|0x20 <= 'z' }

// setQuick stores one value as setKey and decodeMeta would, or returns
// false when the value is one the full parse must judge.
func setQuick(m *timeline.Meta, bit int, value []byte, kind int, hasDate *bool) bool {
	if bit == qTags {
		tags, ok := quickTags(value, kind)
		m.Tags = tags
		return ok
	}
	if kind == qList {
		return false
	}
	s := string(value)
	switch bit {
	case qTitle:
		m.Title = s
	case qDate:
		m.DateText = s
		if *hasDate = s != ""; *hasDate {
			t, err := parseDate(s)
			if err != nil {
				return false
			}
			m.Date = t
		}
	case qSource:
		m.Source = s
		return checkURL(s) == nil
	case qAuthor:
		m.Author = s
	case qPublisher:
		m.Publisher = s
	case qSlug:
		m.Slug = s
		return s == "" || checkSlug(s) == nil
	case qDraft, qSample:
		flag, ok := quickBool(s, kind)
		if bit == qDraft {
			m.Draft = flag
		} else {
			m.Sample = flag
		}
		return ok
	}
	return true
}

// quickBool reads a flag: null is false; only the plain words true and
// false are read here.
func quickBool(s string, kind int) (bool, bool) {
	switch {
	case kind == qNull:
		return false, true
	case kind != qPlain:
	case s == "true":
		return true, true
	case s == "false":
		return false, true
	}
	return false, false
}

// quickTags reads tags as stringList does: null or "" is none, a single
// value is one tag, a flow list [a, b] of plain words is its items.
func quickTags(value []byte, kind int) ([]string, bool) {
	if len(value) == 0 {
		return nil, true
	}
	if kind != qList {
		return []string{string(value)}, true
	}
	if value[len(value)-1] != ']' {
		return nil, false
	}
	inner := value[1 : len(value)-1]
	if len(bytes.TrimLeft(inner, " ")) == 0 {
		return nil, len(inner) == 0 // "[]"; "[ ]" goes to the full parse
	}
	var tags []string
	for _, item := range bytes.Split(inner, []byte(",")) {
		item = bytes.Trim(item, " ")
		if !quickPlain(item) || bytes.ContainsAny(item, ":/") {
			return nil, false
		}
		tags = append(tags, string(item))
	}
	return tags, true
}
