package merge

import (
	"strings"
	"unicode"
	"unicode/utf8"
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
// and digits (most words) is hashed where it lies, lower-cased on the fly,
// and looked up without being copied; a word with an apostrophe or a
// non-ASCII rune is spelled in a buffer (spellWord).
func (st *stemmer) appendIDs(text string, out []int32) []int32 {
	for i := 0; i < len(text); {
		if c := text[i]; asciiWordByte[c] == 0 && c < utf8.RuneSelf {
			i++ // a separator (an apostrophe is one before a word)
			continue
		}
		h, j := uint32(fnvOffset), i
		for j < len(text) {
			c := text[j]
			if asciiWordByte[c] == 0 { // a separator or a non-ASCII byte
				break
			}
			h = hashByte(h, c) // as written: the cache holds "War" apart from "war"
			j++
		}
		if j == len(text) || (text[j] < utf8.RuneSelf && text[j] != '\'') {
			// The cache lookup, inline: nearly every word is found (a
			// few thousand misses in millions), and the two calls it
			// took cost as much as the probe itself.
			w := st.cache.slots
			mask := uint32(len(w) - 1)
			for k := h & mask; ; k = (k + 1) & mask {
				s := &w[k]
				if s.word == "" {
					out = st.fillASCII(out, text[i:j], h)
					break
				}
				if s.hash == h && s.word == text[i:j] {
					if s.id >= 0 {
						out = append(out, s.id)
					}
					break
				}
			}
			i = j
			continue
		}
		out, i = st.spellWord(text, i, j, out)
	}
	return out
}

// spellWord finishes the word text[i:...] whose ASCII start is text[i:j],
// lower-cased in the stemmer's buffer: apostrophes inside it and non-ASCII
// letters and digits (lower-cased) are part of it. It returns out with the
// word's stem appended, if it has one, and where the scan goes on.
func (st *stemmer) spellWord(text string, i, j int, out []int32) ([]int32, int) {
	buf, h := st.buf[:0], uint32(fnvOffset)
	for k := i; k < j; k++ {
		l := asciiWordByte[text[k]]
		buf, h = append(buf, l), hashByte(h, l)
	}
	for j < len(text) {
		if c := text[j]; c < utf8.RuneSelf {
			j++
			switch l := asciiWordByte[c]; {
			case l != 0:
				buf, h = append(buf, l), hashByte(h, l)
			case c == '\'' && len(buf) > 0:
				buf, h = append(buf, '\''), hashByte(h, '\'')
			default: // a separator ends the word
				st.buf = buf
				if len(buf) > 0 {
					out = st.flush(out, buf, h)
				}
				return out, j
			}
			continue
		}
		r, size := utf8.DecodeRuneInString(text[j:])
		j += size
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			from := len(buf)
			buf = utf8.AppendRune(buf, unicode.ToLower(r))
			for _, c := range buf[from:] {
				h = hashByte(h, c)
			}
		case r == '’' && len(buf) > 0:
			buf, h = append(buf, '\''), hashByte(h, '\'')
		default:
			st.buf = buf
			if len(buf) > 0 {
				out = st.flush(out, buf, h)
			}
			return out, j
		}
	}
	st.buf = buf
	if len(buf) > 0 {
		out = st.flush(out, buf, h)
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
// in the text (h is the hash of those bytes), which appendIDs did not find
// in the cache, and appends its stem ID to out if it has one. The cache
// keys such words as written, so that most are found without being
// lower-cased: "War" and "war" are two keys with one stem.
func (st *stemmer) fillASCII(out []int32, w string, h uint32) []int32 {
	buf := st.buf[:0]
	for k := 0; k < len(w); k++ {
		buf = append(buf, asciiWordByte[w[k]])
	}
	st.buf = buf
	return st.fill(out, st.cache.findString(w, h), strings.Clone(w), buf)
}

// flush appends the stem ID of the word w (not empty, hashed h), if it has one.
func (st *stemmer) flush(out []int32, w []byte, h uint32) []int32 {
	slot := st.cache.find(w, h)
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
// lookup neither converts nor hashes a string, and compares the word only
// when the stored hash matches.
type wordTable struct {
	slots []wordSlot // power-of-two length; an empty word marks a free slot
	used  int
}

type wordSlot struct {
	hash uint32
	id   int32
	word string
}

// find returns the slot holding w (whose hash is h), or the free slot
// where w belongs.
func (t *wordTable) find(w []byte, h uint32) *wordSlot {
	if 2*(t.used+1) > len(t.slots) {
		t.grow()
	}
	mask := uint32(len(t.slots) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		s := &t.slots[i]
		if s.word == "" {
			s.hash = h
			return s
		}
		if s.hash == h && s.word == string(w) {
			return s
		}
	}
}

// findString is find for a word held in a string.
func (t *wordTable) findString(w string, h uint32) *wordSlot {
	if 2*(t.used+1) > len(t.slots) {
		t.grow()
	}
	mask := uint32(len(t.slots) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		s := &t.slots[i]
		if s.word == "" {
			s.hash = h
			return s
		}
		if s.hash == h && s.word == w {
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

// A word's hash is 32-bit FNV-1a of its bytes, built as they are appended.
const fnvOffset, fnvPrime = 2166136261, 16777619

func hashByte(h uint32, c byte) uint32 { return (h ^ uint32(c)) * fnvPrime }
