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
// relative to the sentence. scanSentence and appendMark set every field in
// place (see appendToken): a field added here must be set there too.
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
// asked of most tokens several times, so scanSentence works it out once.
func (t token) capitalised() bool { return t.upper }

// The slow paths of the rune tests are functions of their own, so that the
// ASCII tests, asked of every byte of a text, are small enough to inline.
func isUpperSlow(r rune) bool                { return unicode.IsUpper(r) }
func isWordSlow(r rune) bool                 { return unicode.IsLetter(r) || unicode.IsDigit(r) }
func decodeRune(s string, i int) (rune, int) { return utf8.DecodeRuneInString(s[i:]) }

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
