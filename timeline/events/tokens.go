package events

import (
	"encoding/binary"
	"math/bits"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
	"unsafe"
)

// token is a word or a punctuation mark of a sentence, with byte offsets
// relative to the sentence. tokenizeInto sets every field in place (see
// appendToken): a field added here must be set there too.
type token struct {
	text       string
	low        string // text in lower case
	start, end int32  // int32 keeps a token at 48 bytes: a sentence is at most maxSentence bytes
	word       bool   // letters or digits (a word, number or name)
	quoted     bool   // inside quotation marks
	upper      bool   // starts with an upper-case letter, decided once here
	hyphen     bool   // a word with an inner hyphen ("Moscow-led"), so others skip the search
	cls        uint32 // the word classes of low (see wordClasses)
}

// is reports whether the token's lower-case form is in a list of class c.
func (t *token) is(c uint32) bool { return t.cls&c != 0 }

func (t token) lower() string { return t.low }

// capitalised reports whether the token starts with an upper-case letter:
// asked of most tokens several times, so tokenizeInto works it out once.
func (t token) capitalised() bool { return t.upper }

// The slow paths of the rune tests are functions of their own, so that the
// ASCII tests, asked of every byte of a text, are small enough to inline.
func isUpperSlow(r rune) bool                { return unicode.IsUpper(r) }
func isWordSlow(r rune) bool                 { return unicode.IsLetter(r) || unicode.IsDigit(r) }
func decodeRune(s string, i int) (rune, int) { return utf8.DecodeRuneInString(s[i:]) }

// tokenize splits a sentence into words and punctuation. A possessive "'s" is
// its own token; hyphens, inner periods and inner apostrophes stay in words.
// quoteOpen tells whether the sentence starts inside a quotation.
func tokenize(s string, quoteOpen bool) []token {
	toks, _, _, _ := tokenizeInto(make([]token, 0, len(s)/5+4), s, asciiLower(s), quoteOpen)
	return toks
}

// tokenizeInto appends the tokens of s to toks: an article's sentences share
// one backing array instead of growing one slice each. low is s with its ASCII
// letters lower-cased (asciiLower), so the lower-case form of an ASCII word is
// a slice of it rather than a new string per token. It also returns whether
// a quotation is still open at the end of s, and spaced, whether s holds
// the white space collapseSpace changes (needsCollapse), found on the way,
// and cls, the classes of all the tokens OR'ed (sentence.cls).
func tokenizeInto(toks []token, s, low string, quoteOpen bool) (_ []token, inQuote, spaced bool, cls uint32) {
	inQuote = quoteOpen
	for i := 0; i < len(s); {
		c := s[i]
		if c == ' ' {
			if i == 0 || i == len(s)-1 || s[i+1] == ' ' {
				spaced = true
			}
			i++
			continue
		}
		r, n := rune(c), 1 // runeAt, written out: the call costs more than ASCII's test
		if c >= utf8.RuneSelf {
			r, n = decodeRune(s, i)
		}
		switch { // words first: the commonest token (a space was skipped above)
		case isWordRune(r):
			j, ascii, hyphen := i+n, n == 1, false
			for j < len(s) {
				for j+8 <= len(s) { // the common case: ASCII letters and digits
					k := wordBytes8(s[j : j+8])
					j += k
					if k < 8 {
						break
					}
				}
				if j+8 > len(s) {
					for j < len(s) && wordByte[s[j]] {
						j++ // the last few bytes of the text
					}
				}
				if j == len(s) || s[j] == ' ' || s[j] == ',' {
					break // the usual ends of a word, decided before the rune tests
				}
				c := s[j]
				r2, n2 := rune(c), 1
				if c >= utf8.RuneSelf {
					r2, n2 = decodeRune(s, j)
				}
				if isWordRune(r2) {
					j += n2
					ascii = ascii && n2 == 1
					continue
				}
				if (r2 == '-' || r2 == '.' || r2 == '\'' || r2 == '’' || r2 == '&') && j+n2 < len(s) {
					r3, _ := runeAt(s, j+n2)
					if isWordRune(r3) && !isPossessive(s[j:]) {
						hyphen = hyphen || r2 == '-'
						j += n2
						ascii = ascii && n2 == 1
						continue
					}
				}
				break
			}
			lw := low[i:j]
			if !ascii {
				lw = strings.ToLower(s[i:j])
			}
			// Only a word can start with a capital: an upper-case rune is a
			// letter, so the other tokens keep upper false.
			var tk *token
			toks, tk = appendToken(toks)
			tk.text, tk.low, tk.start, tk.end = s[i:j], lw, int32(i), int32(j)
			tk.word, tk.hyphen, tk.quoted = true, hyphen, inQuote
			// A table look-up for the first byte, not a test: whether a
			// word is capitalised follows no pattern a branch predictor
			// learns. A multi-byte rune (upperByte false) is asked apart.
			tk.upper = upperByte[c]
			if c >= utf8.RuneSelf {
				tk.upper = isUpperSlow(r)
			}
			tk.cls = 0 // most words are in no list: the filter, inlined, says so without a call
			if wordClasses.mayHold(lw) {
				if n := j - i; ascii && n <= 8 && i+8 <= len(low) {
					// lw is low[i:j]: its bytes, packed, are the word's
					// eight bytes in one load, cut to its length.
					k := binary.LittleEndian.Uint64(unsafe.Slice(unsafe.StringData(low[i:i+8]), 8))
					tk.cls = wordClasses.lookupPacked(k&(1<<(8*n)-1), n)
				} else {
					tk.cls = wordClasses.lookup(lw)
				}
				cls |= tk.cls
			}
			i = j
		case isSpaceRune(r):
			if c == '\n' || c == '\t' || c == '\r' {
				spaced = true
			}
			i += n
		case (r == '\'' || r == '’') && isPossessive(s[i:]):
			toks = append(toks, token{text: "'s", low: "'s", start: int32(i), end: int32(i + n + 1), quoted: inQuote, cls: possessiveClass})
			cls |= possessiveClass
			i += n + 1
		default:
			opens, closes := quoteEffect(r, inQuote, s, i)
			if opens {
				inQuote = true
			}
			var tk *token
			toks, tk = appendToken(toks)
			tk.text, tk.low, tk.start, tk.end = s[i:i+n], s[i:i+n], int32(i), int32(i+n)
			tk.word, tk.hyphen, tk.quoted, tk.upper = false, false, inQuote, false
			tk.cls = 0
			if wordClasses.mayHold(s[i : i+n]) {
				tk.cls = wordClasses.lookup(s[i : i+n])
				cls |= tk.cls
			}
			if closes {
				inQuote = false
			}
			i += n
		}
	}
	return toks, inQuote, spaced, cls
}

// appendToken extends toks by one token and returns a pointer to it, for
// the caller to set every field in place: a token built as a value was
// assembled on the stack and then copied in, about a third of the
// tokenizer's instructions per word. The caller sets all fields, so
// whatever the slot held before does not matter.
func appendToken(toks []token) ([]token, *token) {
	n := len(toks)
	if n == cap(toks) {
		toks = slices.Grow(toks, 1)
	}
	toks = toks[:n+1]
	return toks, &toks[n]
}

// possessiveClass is the classes of "'s" (a present verb and an auxiliary).
var possessiveClass = classOf("'s")

// runeAt decodes the rune at s[i], without the decoder's call for ASCII.
func runeAt(s string, i int) (r rune, n int) {
	if r = rune(s[i]); r < utf8.RuneSelf {
		return r, 1
	}
	return decodeRune(s, i)
}

// asciiLower lower-cases the ASCII letters of s and leaves every other byte
// as it is, so offsets into s are offsets into the result. For ASCII text it
// equals strings.ToLower.
func asciiLower(s string) string {
	low, _ := asciiLowerInto(nil, s)
	return low
}

// asciiLowerInto is asciiLower writing into buf (grown when too small) rather
// than a new copy; it returns the buffer for reuse. The result aliases buf,
// so it must not outlive the next use of buf: the extractor keeps it in its
// pooled scratch, and only compares and slices it while extracting (titles,
// names and mentions are built from the original text or copied).
func asciiLowerInto(buf []byte, s string) (string, []byte) {
	i := 0
	for i < len(s) && !('A' <= s[i] && s[i] <= 'Z') {
		i++
	}
	if i == len(s) {
		return s, buf
	}
	b := append(buf[:0], s...) // one copy, then the capitals are changed in place
	// Eight bytes at a time: the bytes of the word holding a capital get
	// their lower-case bit, with the same test for all eight (capitalMask).
	for ; i+8 <= len(b); i += 8 {
		word := (*[8]byte)(b[i : i+8]) // one bounds test for the load and the store
		w := binary.LittleEndian.Uint64(word[:])
		// Stored back whether or not it holds a capital: a test for one
		// is a branch the processor guesses wrong for many of a text's
		// words, and costs as many instructions as the store it saves.
		binary.LittleEndian.PutUint64(word[:], w|capitalMask(w)>>2)
	}
	for ; i < len(b); i++ {
		if c := b[i]; 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	// b is not written again while the string is in use, so it may back
	// a string, as in strings.Builder.
	return unsafe.String(&b[0], len(b)), b
}

// capitalMask returns the top bit (0x80) of every byte of w that is an
// ASCII capital, 'A' to 'Z'. On the low seven bits of each byte (so no sum
// carries into the next byte), adding 0x80-'A' sets the top bit from 'A' up
// and adding 0x80-'Z'-1 from past 'Z': the bytes where the two differ are
// capitals, unless the byte was not ASCII at all.
func capitalMask(w uint64) uint64 {
	const ones, high = 0x0101010101010101, 0x8080808080808080
	low := w &^ high
	return ((low + (0x80-'A')*ones) ^ (low + (0x80-'Z'-1)*ones)) &^ w & high
}

// ones8 has every byte 1: times a byte, it repeats it in all eight.
const ones8 = 0x0101010101010101

// load8 reads s[i:i+8] (which must lie within s) as one integer, the first
// byte lowest.
func load8(s string, i int) uint64 {
	return binary.LittleEndian.Uint64(unsafe.Slice(unsafe.StringData(s[i:i+8]), 8)) // read, never written
}

// spaceBytes returns the top bit (0x80) of exactly the bytes of w that are
// spaces: on the low seven bits of each byte (so no sum carries into the
// next), adding 0x7F sets the top bit of a byte that is not zero.
func spaceBytes(w uint64) uint64 {
	const low7 = 0x7F7F7F7F7F7F7F7F
	x := w ^ ' '*ones8 // a space is now a zero byte
	return ^((x&low7 + low7) | x | low7)
}

// zeroByte is not zero when a byte of w is zero (and may then mark more
// bytes than that one: it tells whether, not which).
func zeroByte(w uint64) uint64 {
	return (w - ones8) &^ w & (0x80 * ones8)
}

// isSpaceRune is unicode.IsSpace with the ASCII case decided inline.
func isSpaceRune(r rune) bool {
	if r < utf8.RuneSelf {
		return r == ' ' || '\t' <= r && r <= '\r'
	}
	return unicode.IsSpace(r)
}

func isWordRune(r rune) bool {
	if r < utf8.RuneSelf {
		return asciiWord[r]
	}
	return isWordSlow(r)
}

// wordBytes8 returns how many of the eight bytes of b (at least eight
// long), from the first, are ASCII letters and digits: the tokenizer reads a
// word's letters eight at a time, with a few operations per eight rather
// than a look-up and a bounds test each.
func wordBytes8(b string) int {
	// A shorter b panics here rather than being read past its end.
	_ = b[7]
	w := binary.LittleEndian.Uint64(unsafe.Slice(unsafe.StringData(b), 8)) // read, never written
	// All eight are word bytes when no top bit is left: 64/8.
	return bits.TrailingZeros64(^asciiWordMask(w)&0x8080808080808080) / 8
}

// asciiWordMask returns the top bit (0x80) of every byte of w that is an
// ASCII letter or digit. As in capitalMask, sums on the low seven bits of
// each byte carry into its top bit and never into the next byte: a letter
// is a byte that, with its case bit (0x20) set, lies in 'a'..'z'; a digit
// lies in '0'..'9'; a byte with its top bit set is no ASCII at all.
func asciiWordMask(w uint64) uint64 {
	const ones, high = 0x0101010101010101, 0x8080808080808080
	low := w &^ high
	folded := low | 0x20*ones
	letter := (folded + (0x80-'a')*ones) &^ (folded + (0x80-'z'-1)*ones)
	digit := (low + (0x80-'0')*ones) &^ (low + (0x80-'9'-1)*ones)
	return (letter | digit) &^ w & high
}

// wordByte marks the bytes that are ASCII letters and digits.
var wordByte = func() (t [256]bool) {
	for c := range utf8.RuneSelf {
		t[c] = asciiWord[c]
	}
	return t
}()

// asciiWord marks the ASCII letters and digits.
var asciiWord = func() (t [utf8.RuneSelf]bool) {
	for c := range t {
		t[c] = 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
	}
	return t
}()

// upperByte marks the bytes that are ASCII capitals.
var upperByte = func() (t [256]bool) {
	for c := 'A'; c <= 'Z'; c++ {
		t[c] = true
	}
	return t
}()

// isPossessive reports whether s starts with an apostrophe and a final "s".
func isPossessive(s string) bool {
	r, n := utf8.DecodeRuneInString(s)
	if r != '\'' && r != '’' {
		return false
	}
	rest := s[n:]
	if !strings.HasPrefix(rest, "s") && !strings.HasPrefix(rest, "S") {
		return false
	}
	if len(rest) == 1 {
		return true
	}
	r2, _ := utf8.DecodeRuneInString(rest[1:])
	return !isWordRune(r2)
}

// quoteEffect decides whether a quotation mark opens or closes a quotation.
// Curly quotes say which; a straight double quote toggles.
func quoteEffect(r rune, inQuote bool, s string, i int) (opens, closes bool) {
	switch r {
	case '“', '«':
		return true, false
	case '”', '»':
		return false, true
	case '"':
		if inQuote {
			return false, true
		}
		return true, false
	}
	return false, false
}

// isPastMarker is pastMarkers[w] and isPresentMarker presentMarkers[w],
// answered by the filtered wordClasses table the lists are built into.
func isPastMarker(w string) bool    { return classOf(w)&cPast != 0 }
func isPresentMarker(w string) bool { return classOf(w)&cPresent != 0 }
