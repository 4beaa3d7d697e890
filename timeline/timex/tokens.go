package timex

import (
	"unicode/utf8"
)

// Token kinds.
const (
	tWord uint8 = iota
	tNum
	tPunct
)

// Gaps before a token.
const (
	gNone  uint8 = iota // glued to the previous token ("mid-2022": "-" and "2022")
	gSpace              // spaces or tabs
	gLine               // one line break (hard wrap: still the same sentence)
	gPara               // a blank line
)

// tok is one token of the text. Words carry their lexicon entry so rules
// compare small integers instead of strings.
type tok struct {
	start, end int32
	val        int32 // numeric value of a number; lexicon value of a word
	kind       uint8
	gap        uint8 // gap before this token
	ndig       uint8 // digits of a number
	ord        bool  // number with an ordinal suffix ("1st", "22nd")
	upper      bool  // word starting with an upper-case letter
	ent        entry // lexicon entry of a word (zero if none)
	known      bool  // word found in the lexicon
	ch         rune  // the character of a punctuation token
}

// tokenize splits text into words, numbers and punctuation, appending to ts.
// It is a single pass over the bytes; only words of letters are looked up.
func tokenize(text string, ts []tok) []tok { return tokenizeRange(text, 0, len(text), ts) }

// tokenizeRange tokenizes text[from:to]; offsets stay offsets into text.
func tokenizeRange(text string, from, to int, ts []tok) []tok {
	gap := gPara
	text = text[:to]
	for i := from; i < len(text); {
		c := text[i]
		switch {
		case c == ' ' || c == '\t' || c == '\r':
			if gap < gSpace {
				gap = gSpace
			}
			i++
			continue
		case c == '\n':
			if gap >= gLine {
				gap = gPara
			} else {
				gap = gLine
			}
			i++
			continue
		}
		t := tok{start: int32(i), gap: gap}
		gap = gNone
		switch {
		case isDigit(c):
			j, v := i, int64(0)
			for j < len(text) && isDigit(text[j]) {
				if v < 1<<40 {
					v = v*10 + int64(text[j]-'0')
				}
				j++
			}
			t.kind, t.ndig = tNum, uint8(min(j-i, 255))
			if v > 1<<30 {
				v = 1 << 30
			}
			t.val = int32(v)
			if j+1 < len(text) && isOrdSuffix(text[j], text[j+1]) && (j+2 >= len(text) || !isLetter(text[j+2])) {
				t.ord = true
				j += 2
			}
			i = j
		case isLetter(c):
			j := i
			for j < len(text) && isLetter(text[j]) {
				j++
			}
			t.kind = tWord
			t.upper = 'A' <= c && c <= 'Z'
			t.ent, t.known = lookup(text[i:j])
			t.val = t.ent.val
			i = j
		case c < utf8.RuneSelf:
			t.kind, t.ch = tPunct, rune(c)
			i++
		default:
			r, n := utf8.DecodeRuneInString(text[i:])
			switch r {
			case '\u00a0', '\u2009', '\u202f', '\u2002', '\u2003':
				if gap < gSpace {
					gap = gSpace
				}
				i += n
				continue
			}
			t.kind, t.ch = tPunct, r
			i += n
			if r == utf8.RuneError && n == 1 {
				t.ch = utf8.RuneError
			}
		}
		t.end = int32(i)
		ts = append(ts, t)
	}
	return ts
}

func isDigit(c byte) bool  { return '0' <= c && c <= '9' }
func isLetter(c byte) bool { return ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') }

func isOrdSuffix(a, b byte) bool {
	a |= 0x20
	b |= 0x20
	return (a == 's' && b == 't') || (a == 'n' && b == 'd') || (a == 'r' && b == 'd') || (a == 't' && b == 'h')
}

// isDash reports whether a punctuation rune joins the two ends of a range.
func isDash(r rune) bool { return r == '-' || r == '\u2013' || r == '\u2014' || r == '\u2212' }
