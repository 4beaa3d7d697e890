package events

import (
	"encoding/binary"
	"strings"
	"unicode/utf8"
	"unsafe"
)

// scanSentence reads one sentence of text, from its first byte (from, not
// white space) to its end, in one pass: it splits it into words and
// punctuation, appending its tokens to toks (offsets relative to from), and
// finds where the sentence ends by the rules of splitSentencesInto,
// deciding at each mark and line break it meets instead of searching the
// text for them beforehand. It is the package's one tokenizer: tokenizeText
// reads a text that is not one sentence with it.
//
// A possessive "'s" is its own token; hyphens, inner periods and inner
// apostrophes stay in words. The lower-case form of an ASCII word is a
// slice of low, the text with its ASCII letters lower-cased (asciiLower),
// rather than a new string per token. quoteOpen tells whether the sentence
// starts inside a quotation.
//
// It returns the end of the sentence (trimmed, in text), where the search for
// the next sentence resumes (next), whether a quotation is still open,
// whether the sentence holds the white space collapseSpace changes
// (needsCollapse, found on the way), and its tokens' classes OR'ed
// (sentence.cls).
//
// A sentence ends only before white space or at the end of the text: no
// word, which the tokenizer reads past its end to decide its joins, runs
// over it, so the tokens are those of the sentence's text read on its own.
// A sentence longer than maxSentence, which splitSentencesInto cuts at a
// space, is not cut: ok is false, and the caller cuts it (longSentence).
//
// The text is passed by its address, and from is worked out again from the
// length of what is left of it (only at a sentence's end): two registers
// fewer for the tokenizer's loop to keep.
func scanSentence(toks []token, text *string, low string, from int, quoteOpen bool) (_ []token, end, next int, inQuote, spaced, ok bool, cls uint32) {
	inQuote = quoteOpen
	s := (*text)[from:] // offsets in s are the tokens' offsets in the sentence
	low = low[from:]
	bad := len(s) // the first white space collapseSpace would change
	i := 0
	for i < len(s) {
		c := s[i]
		if c == ' ' {
			if i+1 < len(s) && s[i+1] == ' ' && i < bad {
				bad = i
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
			// A short ASCII word is looked up straight away, without the
			// filter: half the words of news prose are listed (function
			// words), so the filter's test mostly came before a look-up
			// anyway, and the packed look-up of an unlisted word mostly
			// ends at its first, empty, slot. lw is low[i:j]: its bytes,
			// packed, are the word's eight bytes in one load, cut to its
			// length.
			if n := j - i; ascii && n <= 8 && i+8 <= len(low) {
				k := binary.LittleEndian.Uint64(unsafe.Slice(unsafe.StringData(low[i:i+8]), 8))
				tk.cls = wordClasses.lookupPacked(k&(1<<(8*n)-1), n)
			} else {
				tk.cls = 0
				if wordClasses.mayHold(lw) {
					tk.cls = wordClasses.lookup(lw)
				}
				// A word's only paired-mark byte can be the 0xE2 of
				// a rune not ASCII ("don’t").
				if !ascii && strings.IndexByte(tk.text, 0xE2) >= 0 {
					tk.cls |= cPairedMark
				}
			}
			cls |= tk.cls
			i = j
		case isSpaceRune(r):
			if c == '\n' || c == '\t' || c == '\r' {
				if from := len(*text) - len(s); c == '\n' && paragraphBreak(*text, from+i) {
					// A blank line ends the sentence; the search
					// resumes after the line break.
					return finishScan(toks, from, from+i+1, inQuote, bad, cls)
				}
				if i < bad {
					bad = i
				}
			}
			i += n
		case (r == '\'' || r == '’') && isPossessive(s[i:]):
			toks = append(toks, token{text: "'s", low: "'s", start: int32(i), end: int32(i + n + 1), quoted: inQuote, cls: possessiveClass})
			cls |= possessiveClass
			i += n + 1
		default:
			toks, inQuote, cls = appendMark(toks, s, i, n, r, inQuote, cls)
			i += n
			if c != '.' && c != '!' && c != '?' {
				continue
			}
			// A sentence may end here: splitSentencesInto's test.
			text, from := *text, len(*text)-len(s)
			p := from + i - 1
			e := skipClosers(text, p+1)
			if e == p+1 && e < len(text) && (text[e] == '.' || text[e] == '!' || text[e] == '?') {
				continue // "?!" or "...": decide at the last mark
			}
			if !followedBySentenceStart(text, e) || c == '.' && notSentenceFinalPeriod(text, p) {
				continue
			}
			// It does, after the closing quotes and brackets, which
			// belong to it.
			for i < e-from {
				r, n := decodeRune(s, i)
				toks, inQuote, cls = appendMark(toks, s, i, n, r, inQuote, cls)
				i += n
			}
			return finishScan(toks, from, from+i, inQuote, bad, cls)
		}
	}
	return finishScan(toks, len(*text)-len(s), len(*text), inQuote, bad, cls)
}

// finishScan is scanSentence's return given where the search resumes and
// the first white space collapseSpace would change (only what lies inside
// the sentence, before its last token's end, counts). The sentence, which
// starts at a byte that is no space, has a token.
func finishScan(toks []token, from, next int, inQuote bool, bad int, cls uint32) ([]token, int, int, bool, bool, bool, uint32) {
	last := int(toks[len(toks)-1].end)
	return toks, from + last, next, inQuote, bad < last, last <= maxSentence, cls
}

// appendMark appends the punctuation token of the rune r (n bytes at s[i]),
// a rune that is neither a word's, a space nor a possessive's apostrophe,
// and returns the quotation's state after it.
func appendMark(toks []token, s string, i, n int, r rune, inQuote bool, cls uint32) ([]token, bool, uint32) {
	opens, closes := quoteEffect(r, inQuote, s, i)
	if opens {
		inQuote = true
	}
	var tk *token
	toks, tk = appendToken(toks)
	tk.text, tk.low, tk.start, tk.end = s[i:i+n], s[i:i+n], int32(i), int32(i+n)
	tk.word, tk.hyphen, tk.quoted, tk.upper = false, false, inQuote, false
	// A mark's classes of its own (markClass) follow from its first byte:
	// an ASCII mark has no other, and the others of a rune not ASCII are
	// continuation bytes, none of hasPairedMark's.
	tk.cls = markClass[s[i]]
	if wordClasses.mayHold(s[i : i+n]) {
		tk.cls |= wordClasses.lookup(s[i : i+n])
	}
	cls |= tk.cls
	if closes {
		inQuote = false
	}
	return toks, inQuote, cls
}

// tokenizeText appends the tokens of text[from:] to toks, offsets relative
// to from, as of one sentence: it reads the text with scanSentence, sentence
// by sentence, and shifts each one's offsets. Where scanSentence ends a
// sentence only white space follows, which no token holds or joins over,
// so the tokens are the same as if text had been read without looking for
// ends (the quotation's state runs on from one to the next). It returns
// whether a quotation is still open at the end and the tokens' classes
// OR'ed. The parts of a long sentence (longSentence) and the tests read
// text that is not one sentence this way.
func tokenizeText(toks []token, text, low string, from int, quoteOpen bool) (_ []token, inQuote bool, cls uint32) {
	inQuote = quoteOpen
	for i := skipSpace(text, from); i < len(text); i = skipSpace(text, i) {
		first, d := len(toks), int32(i-from)
		var c uint32
		toks, _, i, inQuote, _, _, c = scanSentence(toks, &text, low, i, inQuote)
		cls |= c
		for k := first; k < len(toks); k++ {
			toks[k].start += d
			toks[k].end += d
		}
	}
	return toks, inQuote, cls
}

// skipSpace returns the first byte at or after i that is not white space
// (unicode.IsSpace), or len(text).
func skipSpace(text string, i int) int {
	for i < len(text) {
		c := text[i]
		if c < utf8.RuneSelf {
			if !asciiSpace[c] {
				return i
			}
			i++
			continue
		}
		r, n := decodeRune(text, i)
		if !isSpaceRune(r) {
			return i
		}
		i += n
	}
	return i
}
