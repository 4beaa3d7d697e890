package export

import (
	"strconv"
	"unicode/utf8"
)

// appendSlide appends the slide as a json.Encoder with SetEscapeHTML(false)
// writes it (omitempty fields left out, fields in declaration order; no
// newline) without reflection: encoding/json was a quarter of
// timeline.json's cost. < > & stay as they are (appendJSONText): the
// slides' text is HTML, and \u003c, \u003e and \u0026 for its tags took
// 13 MB of the 79 MB timeline.json of 10,000 articles, copied into every
// build's new file. TestAppendSlideAsMarshal compares the two on random
// slides and strings.
func appendSlide(b []byte, s *tljsSlide) []byte {
	b = append(b, '{')
	if s.StartDate != nil {
		b = appendTLJSDate(append(b, `"start_date":`...), s.StartDate)
		b = append(b, ',')
	}
	if s.EndDate != nil {
		b = appendTLJSDate(append(b, `"end_date":`...), s.EndDate)
		b = append(b, ',')
	}
	if s.DisplayDate != "" {
		b = appendJSONText(append(b, `"display_date":`...), s.DisplayDate)
		b = append(b, ',')
	}
	b = appendJSONText(append(b, `"text":{"headline":`...), s.Text.Headline)
	b = appendJSONText(append(b, `,"text":`...), s.Text.Text)
	b = appendJSONText(append(b, `},"unique_id":`...), s.UniqueID)
	return append(b, '}')
}

func appendTLJSDate(b []byte, d *tljsDate) []byte {
	b = strconv.AppendInt(append(b, `{"year":`...), int64(d.Year), 10)
	for _, f := range []struct {
		name string
		v    *int
	}{{`,"month":`, d.Month}, {`,"day":`, d.Day}, {`,"hour":`, d.Hour}, {`,"minute":`, d.Minute}, {`,"second":`, d.Second}} {
		if f.v != nil {
			b = strconv.AppendInt(append(b, f.name...), int64(*f.v), 10)
		}
	}
	return append(b, '}')
}

const hexDigits = "0123456789abcdef"

// AppendJSONString is appendJSONString for render, whose pages embed JSON
// (the listing pages' filter table) in the same encoding as the exports.
func AppendJSONString(b []byte, s string) []byte { return appendJSONString(b, s) }

// appendJSONString quotes s as encoding/json does with HTML escaping on:
// \" \\ and \b \f \n \r \t, other control characters and < > & as \u00XX,
// U+2028 and U+2029 escaped, invalid UTF-8 as \ufffd.
func appendJSONString(b []byte, s string) []byte { return appendJSONQuoted(b, s, true) }

// appendJSONText is appendJSONString with < > & written as they are, as
// encoding/json does with SetEscapeHTML(false): for timeline.json, a file of
// its own that no page embeds (JSON-LD and the pages' scripts keep
// appendJSONString).
func appendJSONText(b []byte, s string) []byte { return appendJSONQuoted(b, s, false) }

// jsonPlain[escapeHTML][c] says whether appendJSONQuoted writes the ASCII
// byte c as it is.
var jsonPlain = func() (t [2][utf8.RuneSelf]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[0][c] = c != '"' && c != '\\'
		t[1][c] = t[0][c] && c != '<' && c != '>' && c != '&'
	}
	return t
}()

// appendJSONQuoted is appendJSONString (escapeHTML) or appendJSONText.
func appendJSONQuoted(b []byte, s string, escapeHTML bool) []byte {
	plain := &jsonPlain[0]
	if escapeHTML {
		plain = &jsonPlain[1]
	}
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if plain[c] {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(append(b, s[start:i]...), `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(append(b, s[start:i]...), '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	return append(append(b, s[start:]...), '"')
}
