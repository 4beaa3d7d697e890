package merge

import (
	"encoding/binary"
	"math/bits"
	"strings"
	"unicode"
	"unicode/utf8"
	"unsafe"
)

// words.go turns titles and sentences into the content stems the similarity
// score compares: lower-cased, possessives and common inflections stripped,
// function words, reporting verbs, calendar words and numbers dropped, and
// event nouns folded into a few synonym classes.

// eventClasses groups event nouns (and their verbs) that name the same kind of
// happening. Kept small and general on purpose: every class widens what may
// merge, so only near-synonyms belong together.
var eventClasses = map[string][]string{
	"war":         {"war", "wars", "warfare", "attack", "attacks", "attacked", "assault", "conflict", "fighting", "fight", "fought", "battle", "clash", "clashes", "hostilities", "invasion", "invaded"},
	"capture":     {"capture", "captured", "seizure", "seize", "seized", "takeover", "offensive", "conquest", "conquered"},
	"withdrawal":  {"withdrawal", "withdraw", "withdrew", "withdrawn", "exit", "pullout", "leave", "leaving", "quit", "quits"},
	"delivery":    {"delivery", "deliveries", "deliver", "delivered", "supply", "supplied", "supplies", "shipment", "shipments"},
	"election":    {"election", "elections", "elected", "vote", "voted", "ballot", "poll", "polls"},
	"agreement":   {"agreement", "deal", "accord", "treaty", "pact", "agreed"},
	"ceasefire":   {"ceasefire", "truce", "armistice"},
	"protest":     {"protest", "protests", "protested", "demonstration", "demonstrations", "rally", "rallies"},
	"resignation": {"resignation", "resign", "resigned"},
	"meeting":     {"meeting", "summit", "talks", "met"},
	"quake":       {"earthquake", "quake", "tremor"},
}

// classOf maps the stem of every class word to its class token. Class tokens
// start with '#' so they can never collide with a stem.
var classOf = func() map[string]string {
	m := map[string]string{}
	for class, ws := range eventClasses {
		for _, w := range ws {
			m[stem(w)] = "#" + class
		}
	}
	return m
}()

// stopWords are dropped before comparing: function words, reporting verbs
// (every article "says"), and calendar words (the date is compared separately).
var stopWords = func() map[string]bool {
	const list = `a an the and or but nor of in on at to for from by with without into onto over under
	about after before during since until ahead as than then that this these those there here which who whom
	whose what when where why how it its it's he she they them their his her him we our us you your i me my
	is are was were be been being has have had do does did will would shall should can could may might must
	not no yes also only just even still yet very more most less least much many some any all each every both
	either neither other another such same own so too if whether while because though although first second
	later earlier next last ago now today yesterday tomorrow tonight recently previously eventually
	day days week weeks month months year years decade decades century time times
	january february march april may june july august september october november december
	jan feb mar apr jun jul aug sep sept oct nov dec
	monday tuesday wednesday thursday friday saturday sunday
	morning afternoon evening night spring summer autumn fall winter
	said say says saying told tell tells added adding according reported reports report claimed claims
	mr mrs ms dr one two three new`
	m := map[string]bool{}
	for _, w := range strings.Fields(list) {
		m[w] = true
		m[stem(w)] = true
	}
	return m
}()

// prefixLength truncates stems (after suffix stripping) so that a place and
// its adjective meet: "Belarus"/"Belarusian", "Armenia"/"Armenian",
// "Azerbaijan"/"Azerbaijani" all become the same 6-letter prefix. Truncation
// is a crude, well-known stemmer; the cost ("govern" for both "government"
// and "governor") is acceptable because no merge rests on one word.
const prefixLength = 6

// contentStems returns the content stems of text in order of appearance,
// duplicates included (the caller builds sets).
func contentStems(text string, out []string) []string {
	for _, w := range splitWords(text) {
		if s, ok := contentStem(w); ok {
			out = append(out, s)
		}
	}
	return out
}

// contentStem is the stem a split word compares by, or false when the word is
// dropped (function, reporting or calendar word, number, single letter).
func contentStem(w string) (string, bool) {
	if stopWords[w] || hasDigit(w) || len(w) < 2 {
		return "", false
	}
	s := stem(w)
	if stopWords[s] {
		return "", false
	}
	if c, ok := classOf[s]; ok {
		return c, true
	}
	return truncateRunes(s, prefixLength), true
}

// stemmer computes contentStems for many texts as interned IDs. News repeats
// its words, so each distinct word is stemmed once and cached; the scan
// reuses one buffer and allocates only for words it has not seen.
type stemmer struct {
	interner map[string]int32
	cache    wordTable // split word -> interned stem, or -1 when dropped
	buf      []byte
}

func newStemmer(interner map[string]int32) *stemmer {
	st := &stemmer{interner: interner}
	st.cache.grow() // appendIDs probes it before anything is put
	return st
}

// appendIDs appends the interned content stems of text to out, in order of
// appearance, duplicates included (the same words as contentStems).
//
// This loop runs over every byte of every sentence. A word of ASCII letters
// and digits (most words) is read eight bytes at a time where it lies
// (asciiWordMask tells where it ends), hashed a chunk at a time, and looked
// up without being copied or lower-cased: the cache keys such words as
// written, and a slot holds the first eight bytes of its word, so a word of
// up to eight bytes (most) is compared as one number. A word with an
// apostrophe or a non-ASCII rune is spelled in a buffer (spellWord).
func (st *stemmer) appendIDs(text string, out []int32) []int32 {
	for i := 0; i < len(text); {
		c := text[i]
		if asciiWordByte[c] == 0 {
			if c < utf8.RuneSelf {
				i++ // a separator (an apostrophe is one before a word)
				continue
			}
			out, i = st.spellWord(text, i, i, out) // a word starting with a non-ASCII rune
			continue
		}
		// The word's first eight bytes (fewer: zero-padded), then its
		// further chunks mixed into the hash; ends marks the top bit of
		// each byte of a chunk that is not a word byte.
		var head, ends uint64
		j := i
		if j+8 <= len(text) {
			head = load8(text, j)
			ends = ^asciiWordMask(head) & highBits
		} else {
			head, ends = loadTail(text, j)
		}
		acc := uint64(wordSeed)
		if ends != 0 {
			// Most words: shorter than eight bytes. The lowest end
			// bit, shifted down by seven, is the first byte past
			// the word; less one, the mask of the word's bytes.
			head &= (ends&-ends)>>7 - 1
			j += bits.TrailingZeros64(ends) >> 3
			acc = mixChunk(acc, head)
		} else {
			acc = mixChunk(acc, head)
			j += 8
			for {
				var chunk uint64
				if j+8 <= len(text) {
					chunk = load8(text, j)
					ends = ^asciiWordMask(chunk) & highBits
				} else {
					chunk, ends = loadTail(text, j)
				}
				if ends == 0 {
					acc = mixChunk(acc, chunk)
					j += 8
					continue
				}
				if n := bits.TrailingZeros64(ends) >> 3; n > 0 { // else the length is a multiple of eight
					acc = mixChunk(acc, chunk&((ends&-ends)>>7-1))
					j += n
				}
				break
			}
		}
		next := j // where the scan goes on
		if j < len(text) {
			if c := text[j]; c >= utf8.RuneSelf || c == '\'' {
				out, i = st.spellWord(text, i, j, out)
				continue
			}
			// An ASCII separator (no word byte, no apostrophe): the
			// loop's top would only step over it, so it is skipped
			// here (one pass of the loop less per word).
			next = j + 1
		}
		// The cache lookup, inline: nearly every word is found (a few
		// thousand misses in millions), and the two calls it took cost
		// as much as the probe itself.
		h := wordHash(acc)
		w := st.cache.slots
		mask := uint32(len(w) - 1)
		for k := h & mask; ; k = (k + 1) & mask {
			s := &w[k]
			if s.word == "" {
				out = st.fillASCII(out, text[i:j], h, head)
				break
			}
			if s.head == head && len(s.word) == j-i && (j-i <= 8 || s.word[8:] == text[i+8:j]) {
				if s.id >= 0 {
					out = append(out, s.id)
				}
				break
			}
		}
		i = next
	}
	return out
}

// load8 reads the eight bytes of s from i (i+8 <= len(s)), little-endian.
func load8(s string, i int) uint64 {
	_ = s[i+7] // one bounds test for the eight
	return binary.LittleEndian.Uint64((*[8]byte)(unsafe.Add(unsafe.Pointer(unsafe.StringData(s)), i))[:])
}

// loadTail is load8 and the ends of asciiWordMask for the last few bytes of
// s (i+8 > len(s)): the bytes past the end count as ends.
func loadTail(s string, i int) (w, ends uint64) {
	if len(s) >= 8 { // the last eight bytes, shifted down to start at i
		w = load8(s, len(s)-8) >> (8 * (i + 8 - len(s)))
	} else {
		for k := len(s) - 1; k >= i; k-- {
			w = w<<8 | uint64(s[k])
		}
	}
	return w, ^asciiWordMask(w) & highBits
}

const highBits = 0x8080808080808080

// asciiWordMask returns the top bit (0x80) of every byte of w that is an
// ASCII letter or digit (the same test as asciiWordByte). On the low seven
// bits of each byte (so no sum carries into the next byte): a letter is a
// byte that, with its case bit (0x20) set, lies in 'a'..'z'; a digit lies in
// '0'..'9'; a byte with its top bit set is no ASCII at all.
func asciiWordMask(w uint64) uint64 {
	const ones = 0x0101010101010101
	low := w &^ highBits
	folded := low | 0x20*ones
	letter := (folded + (0x80-'a')*ones) &^ (folded + (0x80-'z'-1)*ones)
	digit := (low + (0x80-'0')*ones) &^ (low + (0x80-'9'-1)*ones)
	return (letter | digit) &^ w & highBits
}

// spellWord finishes the word text[i:...] whose ASCII start is text[i:j],
// lower-cased in the stemmer's buffer: apostrophes inside it and non-ASCII
// letters and digits (lower-cased) are part of it. It returns out with the
// word's stem appended, if it has one, and where the scan goes on.
func (st *stemmer) spellWord(text string, i, j int, out []int32) ([]int32, int) {
	buf := st.buf[:0]
	for k := i; k < j; k++ {
		buf = append(buf, asciiWordByte[text[k]])
	}
	for j < len(text) {
		if c := text[j]; c < utf8.RuneSelf {
			j++
			switch l := asciiWordByte[c]; {
			case l != 0:
				buf = append(buf, l)
			case c == '\'' && len(buf) > 0:
				buf = append(buf, '\'')
			default: // a separator ends the word
				st.buf = buf
				if len(buf) > 0 {
					out = st.flush(out, buf)
				}
				return out, j
			}
			continue
		}
		r, size := utf8.DecodeRuneInString(text[j:])
		j += size
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			buf = utf8.AppendRune(buf, unicode.ToLower(r))
		case r == '’' && len(buf) > 0:
			buf = append(buf, '\'')
		default:
			st.buf = buf
			if len(buf) > 0 {
				out = st.flush(out, buf)
			}
			return out, j
		}
	}
	st.buf = buf
	if len(buf) > 0 {
		out = st.flush(out, buf)
	}
	return out, j
}

// asciiWordByte maps an ASCII letter or digit to its lower-case form, and
// every other byte (non-ASCII ones too) to 0: indexed by any byte, one
// look-up without a bounds check tells a byte that continues an ASCII word
// from one that ends it.
var asciiWordByte = func() (t [256]byte) {
	for c := byte('0'); c <= '9'; c++ {
		t[c] = c
	}
	for c := byte('a'); c <= 'z'; c++ {
		t[c], t[c-'a'+'A'] = c, c
	}
	return t
}()

// fillASCII stems and caches a word of ASCII letters and digits as written
// in the text (h is its hash and head its first eight bytes, as wordKey
// gives them), which appendIDs did not find in the cache, and appends its
// stem ID to out if it has one. The cache keys such words as written, so
// that most are found without being lower-cased: "War" and "war" are two
// keys with one stem.
func (st *stemmer) fillASCII(out []int32, w string, h uint32, head uint64) []int32 {
	buf := st.buf[:0]
	for k := 0; k < len(w); k++ {
		buf = append(buf, asciiWordByte[w[k]])
	}
	st.buf = buf
	return st.fill(out, st.cache.find(w, h, head), strings.Clone(w), buf)
}

// flush appends the stem ID of the word w (not empty), if it has one.
func (st *stemmer) flush(out []int32, w []byte) []int32 {
	h, head := wordKey(w)
	slot := st.cache.find(unsafe.String(&w[0], len(w)), h, head) // only compared
	if slot.word == "" {
		return st.fill(out, slot, string(w), w)
	}
	if slot.id < 0 {
		return out
	}
	return append(out, slot.id)
}

// fill stems the word lower (lower case) that the free slot is for, caches
// its stem ID there under key (the word as looked up), and appends it to out
// if it has one.
func (st *stemmer) fill(out []int32, slot *wordSlot, key string, lower []byte) []int32 {
	id := int32(-1)
	if s, keep := contentStem(stripPossessive(string(lower))); keep {
		id = internOne(s, st.interner)
	}
	st.cache.insert(slot, key, id)
	if id < 0 {
		return out
	}
	return append(out, id)
}

// splitWords lower-cases text and splits it into words at anything that is
// not a letter, digit or word-internal apostrophe; hyphens split too, so
// "Nagorno-Karabakh" and "Nagorno Karabakh" compare equal.
func splitWords(text string) []string {
	var words []string
	var b strings.Builder
	flush := func() {
		if b.Len() > 0 {
			words = append(words, stripPossessive(b.String()))
			b.Reset()
		}
	}
	for _, r := range text {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(unicode.ToLower(r))
		case (r == '\'' || r == '’') && b.Len() > 0:
			b.WriteByte('\'')
		default:
			flush()
		}
	}
	flush()
	return words
}

func stripPossessive(w string) string {
	w = strings.TrimSuffix(w, "'s")
	return strings.TrimRight(w, "'")
}

func hasDigit(w string) bool {
	for i := 0; i < len(w); i++ {
		if w[i] >= '0' && w[i] <= '9' {
			return true
		}
	}
	return false
}

// stem is a light English suffix stripper: enough to make "captured",
// "capturing" and "capture" (or "allies" and "ally") meet, without the
// dictionary a full stemmer would need. Words of up to three letters are kept.
func stem(w string) string {
	if len(w) <= 3 {
		return w
	}
	switch {
	case strings.HasSuffix(w, "sses"):
		w = w[:len(w)-2]
	case strings.HasSuffix(w, "ies") || strings.HasSuffix(w, "ied"):
		w = w[:len(w)-3] + "i"
	case strings.HasSuffix(w, "ss") || strings.HasSuffix(w, "us") || strings.HasSuffix(w, "is"):
	case strings.HasSuffix(w, "s"):
		w = w[:len(w)-1]
	}
	for _, suf := range []string{"ing", "ed", "ly"} {
		if strings.HasSuffix(w, suf) && hasVowel(w[:len(w)-len(suf)]) && len(w)-len(suf) >= 3 {
			w = w[:len(w)-len(suf)]
			w = undouble(w)
			break
		}
	}
	if strings.HasSuffix(w, "y") && len(w) > 3 {
		w = w[:len(w)-1] + "i"
	}
	if strings.HasSuffix(w, "e") && len(w) > 3 {
		w = w[:len(w)-1]
	}
	return w
}

func hasVowel(s string) bool { return strings.ContainsAny(s, "aeiouy") }

// undouble turns "shipp" into "ship" and "stopp" into "stop", but keeps
// "ll", "ss" and "zz" ("called" -> "call").
func undouble(w string) string {
	n := len(w)
	if n >= 2 && w[n-1] == w[n-2] && !strings.ContainsRune("lsz", rune(w[n-1])) && !strings.ContainsRune("aeiou", rune(w[n-1])) {
		return w[:n-1]
	}
	return w
}

// truncateRunes keeps the first n runes of s (never cutting a UTF-8 sequence).
func truncateRunes(s string, n int) string {
	for i := range s {
		if n == 0 {
			return s[:i]
		}
		n--
	}
	return s
}

// wordTable maps split words (lower case, or ASCII words as written; see
// fillASCII) to their stem IDs. It is the stemmer's hot
// lookup (one per word of every sentence, a third of building candidates with
// a Go map): an open-addressing table probed with the word's bytes, so the
// lookup neither converts nor hashes a string, and compares the word's first
// eight bytes as one number (and the rest, for a longer word, as a string).
type wordTable struct {
	slots []wordSlot // power-of-two length; an empty word marks a free slot
	used  int
}

type wordSlot struct {
	head uint64 // the word's first eight bytes, little-endian (zeros past a shorter word's end)
	word string
	hash uint32
	id   int32
}

// find returns the slot holding w (whose hash and head wordKey gives), or
// the free slot where w belongs.
func (t *wordTable) find(w string, h uint32, head uint64) *wordSlot {
	if 2*(t.used+1) > len(t.slots) {
		t.grow()
	}
	mask := uint32(len(t.slots) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		s := &t.slots[i]
		if s.word == "" {
			s.hash, s.head = h, head
			return s
		}
		if s.head == head && s.word == w {
			return s
		}
	}
}

// insert fills the free slot find returned (word is not empty).
func (t *wordTable) insert(s *wordSlot, word string, id int32) {
	s.word, s.id = word, id
	t.used++
}

// grow doubles the table (keeping it at most half full, so probes stay short).
func (t *wordTable) grow() {
	old := t.slots
	t.slots = make([]wordSlot, max(2*len(old), 1024))
	mask := uint32(len(t.slots) - 1)
	for _, s := range old {
		if s.word == "" {
			continue
		}
		i := s.hash & mask
		for t.slots[i].word != "" {
			i = (i + 1) & mask
		}
		t.slots[i] = s
	}
}

// A word's hash is taken eight bytes at a time: each chunk (the last one
// zero-padded) is mixed into an accumulator, which is folded and mixed once
// more for the hash (a product's high bits depend on all of a chunk's bits,
// its low ones only on the chunk's low bits; the fold lets both count).
// appendIDs mixes the chunks as it reads them; wordKey takes a whole word.
const wordSeed = 0x243f6a8885a308d3

func mixChunk(acc, chunk uint64) uint64 { return (acc ^ chunk) * 0x9e3779b97f4a7c15 }

func wordHash(acc uint64) uint32 { return uint32((acc ^ acc>>32) * 0xff51afd7ed558ccd >> 32) }

// wordKey returns the hash of w and its first eight bytes (zero-padded), as
// appendIDs computes them for a word it reads in place.
func wordKey[S string | []byte](w S) (h uint32, head uint64) {
	acc := uint64(wordSeed)
	for k := 0; k < len(w); k += 8 {
		var chunk uint64
		for b := min(len(w), k+8) - 1; b >= k; b-- {
			chunk = chunk<<8 | uint64(w[b])
		}
		if k == 0 {
			head = chunk
		}
		acc = mixChunk(acc, chunk)
	}
	return wordHash(acc), head
}
