package events

import (
	"encoding/binary"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
	"unsafe"

	"github.com/newsline/timeline/timeline"
)

// abbreviations end with a period that does not end a sentence. Lower-cased,
// without the final period. Titles and common news abbreviations only: an
// unknown abbreviation followed by a capital is rare, a missed split is cheap.
var abbreviations = map[string]bool{
	"mr": true, "mrs": true, "ms": true, "dr": true, "prof": true, "gen": true, "sen": true,
	"rep": true, "st": true, "jr": true, "sr": true, "inc": true, "corp": true, "co": true,
	"ltd": true, "no": true, "vs": true, "etc": true, "e.g": true, "i.e": true, "gov": true,
	"lt": true, "col": true, "capt": true, "sgt": true, "mt": true, "ft": true, "rev": true,
	"jan": true, "feb": true, "mar": true, "apr": true, "jun": true, "jul": true, "aug": true,
	"sep": true, "sept": true, "oct": true, "nov": true, "dec": true, "approx": true, "dept": true,
	"est": true, "fig": true, "vol": true, "pres": true, "gov't": true, "u.s": true, "u.k": true,
	"u.n": true, "e.u": true,
}

// maxSentence is the longest sentence in bytes; longer runs are cut at a space.
const maxSentence = 2048

// SplitSentences cuts text into sentences and returns their byte spans, trimmed
// of surrounding space. A blank line always ends a sentence (paragraph end).
// A period ends a sentence only when followed by space and a capital, a digit or
// an opening quote, and when it does not close an abbreviation, an initial
// ("J. R. Smith") or a dotted acronym that runs on ("the U.S. Senate").
func SplitSentences(text string) []timeline.Span {
	return splitSentencesInto(nil, text)
}

// splitSentencesInto is SplitSentences appending to out. Extraction does not
// call it: scanSentence finds the same ends while it tokenizes, and is
// checked against it (sentscan_test.go).
func splitSentencesInto(out []timeline.Span, text string) []timeline.Span {
	start := 0
	emit := func(end int) {
		s, e := trimSpan(text, start, end)
		for e-s > maxSentence {
			cut := longCut(text, s)
			out = append(out, timeline.Span{Start: s, End: cut})
			s, e = trimSpan(text, cut, e)
		}
		if e > s {
			out = append(out, timeline.Span{Start: s, End: e})
		}
		start = end
	}
	ends := endFinder{text: text, next: [4]int{-1, -1, -1, -1}}
	for i := 0; i < len(text); {
		if i = ends.from(i); i == len(text) {
			break
		}
		c := text[i]
		if c == '\n' && paragraphBreak(text, i) {
			emit(i)
			i++
			continue
		}
		if c != '.' && c != '!' && c != '?' {
			i++
			continue
		}
		end := skipClosers(text, i+1)
		if end == i+1 && end < len(text) && (text[end] == '.' || text[end] == '!' || text[end] == '?') {
			i++ // "?!" or "..." : decide at the last mark
			continue
		}
		if !followedBySentenceStart(text, end) {
			i = end
			continue
		}
		if c == '.' && notSentenceFinalPeriod(text, i) {
			i = end
			continue
		}
		emit(end)
		i = end
	}
	emit(len(text))
	return out
}

// longCut returns where a sentence starting at s and longer than
// maxSentence is cut: text without sentence ends (a list, hostile input) is
// cut at a space so the work per sentence stays bounded. The part before the
// cut, text[s:cut], is a sentence of its own, not trimmed at its end; the
// rest, trimmed at its start, is cut again while still too long.
func longCut(text string, s int) int {
	cut := s + maxSentence
	if k := strings.LastIndexByte(text[s:cut], ' '); k > 0 {
		cut = s + k
	}
	for cut > s && !utf8.RuneStart(text[cut]) {
		cut--
	}
	if cut == s {
		cut = s + maxSentence
	}
	return cut
}

// scratch is the working memory of one extraction that no event refers to
// afterwards: the article's sentences and their tokens, expressions and
// date marks. It is pooled, so a run over many articles reuses it instead
// of allocating and collecting it again for each one.
type scratch struct {
	sents   []sentence
	toks    []token
	timexes []timeline.Timex
	inDate  []bool
	runs    []nameRun
	book    nameBook // the article's names, with its entity buffer
	voteOf  rowIndex
	votes   []kindVotes
	nameOf  []string
	keyed   []keyedEvent                 // the extractor's, emptied on return
	byKey   map[eventKey]*timeline.Event // the extractor's, emptied on return
	// See slab.go: events and the extractor's list of them are reused;
	// spans1 is a block handed out, never reused.
	events    []timeline.Event
	eventList []*timeline.Event
	news      []*timeline.Event // the extractor's news and plans, at most maxNews+1 each
	plans     []*timeline.Event
	entArena  []timeline.Entity // pooled: see appendEntity
	spans1    []timeline.Span
	grown     []timeline.Mention // pooled: see appendMention
	low       []byte             // backs the extractor's lower-cased text (asciiLowerInto)
	extractor extractor          // the article's extractor, emptied on return
}

var scratchPool = sync.Pool{New: func() any { return &scratch{byKey: map[eventKey]*timeline.Event{}} }}

func getScratch() *scratch { return scratchPool.Get().(*scratch) }

// putScratch returns sc to the pool, first dropping its references to the
// article's strings so the pool holds no text alive. Only the used lengths
// need clearing: appends never write past them, and the rest of each buffer
// was cleared when it was last returned (or is new).
func putScratch(sc *scratch) {
	clear(sc.sents)
	clear(sc.toks)
	clear(sc.timexes)
	clear(sc.runs)
	clear(sc.book.kind)
	clear(sc.book.ents)
	sc.book.ents = sc.book.ents[:0]
	clear(sc.nameOf)
	clear(sc.book.rows)
	switch n := len(sc.byKey); {
	case n > maxPooledKeys:
		sc.byKey = map[eventKey]*timeline.Event{} // a cleared map keeps its size
	case n > 0: // only an article of many events fills it
		clear(sc.byKey)
	}
	sc.dropLarge()
	scratchPool.Put(sc)
}

// maxPooledBuffer bounds, in bytes, each buffer the pool keeps: one huge
// article should not keep megabytes of scratch alive in the pool for the
// articles after it, which need a fraction of that. A dropped buffer is
// allocated again, at the size the next article needs.
const maxPooledBuffer = 1 << 20

// maxPooledKeys bounds the events in the map of repeats (eventOf) the pool
// keeps; a larger one is replaced by a new, empty map.
const maxPooledKeys = 1 << 12

// dropLarge lets go of every buffer of sc larger than maxPooledBuffer
// (already cleared by the caller, so nil loses nothing).
func (sc *scratch) dropLarge() {
	sc.sents = capped(sc.sents)
	sc.toks = capped(sc.toks)
	sc.timexes = capped(sc.timexes)
	sc.inDate = capped(sc.inDate)
	sc.runs = capped(sc.runs)
	sc.votes = capped(sc.votes)
	sc.nameOf = capped(sc.nameOf)
	sc.keyed = capped(sc.keyed)
	sc.events = capped(sc.events)
	sc.eventList = capped(sc.eventList)
	sc.entArena = capped(sc.entArena)
	sc.grown = capped(sc.grown)
	sc.low = capped(sc.low)
	sc.book.kind = capped(sc.book.kind)
	sc.book.alias = capped(sc.book.alias)
	sc.book.ents = capped(sc.book.ents)
	sc.book.rows = capped(sc.book.rows)
}

// capped returns s, or nil when its array is larger than maxPooledBuffer.
func capped[T any](s []T) []T {
	var zero T
	if uintptr(cap(s))*unsafe.Sizeof(zero) > maxPooledBuffer {
		return nil
	}
	return s
}

// endBytes are the bytes that may end a sentence or a paragraph.
var endBytes = [4]byte{'\n', '.', '!', '?'}

// endFinder finds the next byte of text that may end a sentence. It keeps
// the next position of each such byte, found by the strings package's
// vectorised IndexByte, and searches again only past the ones passed: a
// sentence's bytes are then skipped many at a time rather than one by one.
type endFinder struct {
	text string
	next [len(endBytes)]int // position of each end byte at or after the last search; len(text) when none; -1 before the first
}

// from returns the position of the first end byte at or after i, or
// len(text) when there is none.
func (f *endFinder) from(i int) int {
	first := len(f.text)
	for k, c := range endBytes {
		if f.next[k] < i {
			f.next[k] = len(f.text)
			if j := strings.IndexByte(f.text[i:], c); j >= 0 {
				f.next[k] = i + j
			}
		}
		first = min(first, f.next[k])
	}
	return first
}

// blankLineIn reports whether text[from:to], the space between two
// sentences, holds a blank line, as paragraphBreak sees one: a line of
// spaces or a CRLF blank line opens a paragraph as "\n\n" does.
func blankLineIn(text string, from, to int) bool {
	line := false // a newline was seen, and only spaces since
	for _, c := range []byte(text[from:to]) {
		switch c {
		case '\n':
			if line {
				return true
			}
			line = true
		case ' ', '\t', '\r':
		default:
			line = false
		}
	}
	return false
}

// paragraphBreak reports whether the newline at i starts a blank line.
func paragraphBreak(text string, i int) bool {
	for j := i + 1; j < len(text); j++ {
		switch text[j] {
		case '\n':
			return true
		case ' ', '\t', '\r':
			continue
		}
		return false
	}
	return true
}

// skipClosers steps over closing quotes and brackets after a terminator.
func skipClosers(text string, i int) int {
	for i < len(text) {
		r, n := utf8.DecodeRuneInString(text[i:])
		if r == '"' || r == '\'' || r == ')' || r == ']' || r == '”' || r == '’' || r == '»' {
			i += n
			continue
		}
		return i
	}
	return i
}

// followedBySentenceStart reports whether whitespace then a plausible sentence
// opening (capital, digit, opening quote or bracket) follows i.
func followedBySentenceStart(text string, i int) bool {
	if i >= len(text) {
		return true
	}
	j := i
	for j < len(text) && (text[j] == ' ' || text[j] == '\t' || text[j] == '\n' || text[j] == '\r') {
		j++
	}
	if j == i {
		return false
	}
	if j >= len(text) {
		return true
	}
	r, _ := utf8.DecodeRuneInString(text[j:])
	return unicode.IsUpper(r) || unicode.IsDigit(r) || strings.ContainsRune("\"'“‘«([", r)
}

// notSentenceFinalPeriod recognises periods of abbreviations and initials.
func notSentenceFinalPeriod(text string, dot int) bool {
	w := dot
	for w > 0 {
		if c := text[w-1]; c < utf8.RuneSelf {
			// ASCII, decided without decoding: unicode.IsLetter is a-z, A-Z.
			if 'a' <= c|0x20 && c|0x20 <= 'z' || c == '.' || c == '\'' {
				w--
				continue
			}
			break
		}
		r, n := utf8.DecodeLastRuneInString(text[:w])
		if unicode.IsLetter(r) || r == '.' || r == '\'' {
			w -= n
			continue
		}
		break
	}
	word := text[w:dot]
	if word == "" {
		return false
	}
	if r, n := utf8.DecodeRuneInString(word); n == len(word) && unicode.IsUpper(r) {
		return true // an initial: "J. Smith"
	}
	if isAbbreviation(word) {
		return true
	}
	// A dotted acronym ("U.S.") followed by a capitalised word runs on unless the
	// next word opens a clause; we cannot know, and news text rarely ends a
	// sentence on one, so keep the sentence whole.
	return strings.Contains(word, ".") && !strings.HasSuffix(word, ".")
}

// isAbbreviation looks word up in abbreviations. A short ASCII word is
// lower-cased on the stack and found in abbreviationTable by its packed
// bytes, without hashing a string: it is asked of the word before every
// period followed by a capital, about 13 per article.
func isAbbreviation(word string) bool {
	if k, ok := packLower(word); ok {
		return abbreviationTable.lookupPacked(k, len(word)) != 0
	}
	if isASCII(word) {
		return false // empty, or longer than any abbreviation (lower-casing keeps its length)
	}
	return abbreviations[strings.ToLower(word)]
}

// packLower returns packWord of w lower-cased, when w is an ASCII word of
// one to eight bytes (ok false otherwise): the key of its lower-case form
// in a classTable, lower-cased on the stack rather than in a new string.
func packLower(w string) (key uint64, ok bool) {
	var buf [8]byte
	if len(w) == 0 || len(w) > len(buf) {
		return 0, false
	}
	for i := 0; i < len(w); i++ {
		c := w[i]
		if c >= utf8.RuneSelf {
			return 0, false
		}
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		buf[i] = c
	}
	// The bytes past the word are zero, so buf read as one integer is
	// packWord of the lower-cased word.
	return binary.LittleEndian.Uint64(buf[:]), true
}

// abbreviationTable holds abbreviations (at most eight bytes: a test
// checks; a word packLower cannot pack is looked up in the map) for
// isAbbreviation's packed look-up.
var abbreviationTable = setTable(abbreviations)

// setTable is a classTable of a word set's members, each of class 1.
func setTable(words map[string]bool) *classTable {
	m := map[string]uint32{}
	for w, ok := range words {
		if ok {
			m[w] = 1
		}
	}
	return newClassTable(m)
}

// trimSpan trims the white space (unicode.IsSpace) from both ends of
// text[s:e], deciding an ASCII byte by the asciiSpace table, without
// decoding it.
func trimSpan(text string, s, e int) (int, int) {
	s = skipSpace(text[:e], s)
	for e > s {
		if c := text[e-1]; c < utf8.RuneSelf { // a whole rune: no UTF-8 sequence ends below 0x80
			if !asciiSpace[c] {
				break
			}
			e--
			continue
		}
		r, n := utf8.DecodeLastRuneInString(text[:e])
		if !unicode.IsSpace(r) {
			break
		}
		e -= n
	}
	return s, e
}
