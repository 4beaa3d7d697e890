package export

import (
	"strconv"
	"unicode/utf8"
)

// appendSlide appends the slide as json.Marshal writes it (HTML-safe string
// escaping, omitempty fields left out, fields in declaration order) without
// reflection: encoding/json was a quarter of timeline.json's cost.
// TestAppendSlideAsMarshal compares the two on random slides and strings.
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
		b = appendJSONString(append(b, `"display_date":`...), s.DisplayDate)
		b = append(b, ',')
	}
	b = appendJSONString(append(b, `"text":{"headline":`...), s.Text.Headline)
	b = appendJSONString(append(b, `,"text":`...), s.Text.Text)
	b = appendJSONString(append(b, `},"unique_id":`...), s.UniqueID)
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
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
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
