package events

import (
	"encoding/binary"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
	"unsafe"

	"github.com/newsline/timeline/timeline"
)

// nameBook classifies the capitalised names of one article as people, places
// and organisations from their contexts across the whole article: a name
// after a title is a person, one ending in "Ministry" an organisation, one
// after "in" or "to" a place. Names seen in no telling context are left out.
type nameBook struct {
	// Per vote row (one per distinct name, see collectNames): the name's
	// kind, "" when none, and the row of its canonical name, -1 when it has
	// none. Slices by row rather than maps by name: the names are rows
	// already, and a surname is found through the vote table's map.
	kind  []timeline.EntityKind
	alias []int32
	ents  []timeline.Entity // backing array of the sentences' entitiesIn
	rows  []resolvedName    // per vote row, filled by resolveRuns
}

// nameRun is one capitalised name in a sentence and the kind its context suggests.
type nameRun struct {
	name        string
	first, last int // token range [first, last)
	kind        timeline.EntityKind
	// The name's row in the vote table: what the book says of the name is
	// rows[row] (see resolveRuns), so the sentences' look-ups need no map.
	row int
}

func collectNames(sents []sentence, publisher string, sc *scratch) *nameBook {
	// The book and the vote table live in the pooled scratch (putScratch
	// empties them), so an article reuses the maps of the one before.
	b := &sc.book
	// votes[voteOf.row(name)] counts the contexts of a name: one table of
	// counters and an index of its rows, not one allocation per name.
	// nameOf[row] is the name a row counts.
	voteOf, votes, nameOf := &sc.voteOf, sc.votes[:0], sc.nameOf[:0]
	voteOf.reset()
	runs := sc.runs[:0] // the runs of all sentences, sliced per sentence
	for i := range sents {
		from := len(runs)
		runs = runsOf(runs, sents[i].text, sents[i].toks)
		sents[i].runs = runs[from:len(runs):len(runs)]
		for k := range sents[i].runs {
			r := &sents[i].runs[k]
			v, ok := voteOf.row(r.name, nameOf)
			if !ok {
				v = len(votes)
				votes = append(votes, kindVotes{})
				nameOf = append(nameOf, r.name)
				voteOf.set(r.name, v, nameOf)
			}
			votes[v].add(r.kind, 1)
			r.row = v
		}
	}
	sc.runs = runs
	pub := strings.TrimPrefix(strings.TrimSpace(publisher), "The ")
	if pub != "" {
		votes = append(votes, kindVotes{})
		nameOf = append(nameOf, pub)
		voteOf.set(pub, len(votes)-1, nameOf) // its row, even if it had one as a run
		votes[len(votes)-1].add(timeline.Organisation, 100)
	}
	sc.nameOf, sc.votes = nameOf, votes
	// Each distinct name once, by its row (nameOf holds them in order of
	// first appearance): the publisher's row replaces the one its name may
	// have had as a run. No step below depends on the order of the names
	// except the surname's alias, which goes to the greatest full name.
	distinct := func(row int) bool { return pub == "" || row == len(nameOf)-1 || nameOf[row] != pub }
	b.kind = slices.Grow(b.kind[:0], len(nameOf))[:len(nameOf)]
	b.alias = slices.Grow(b.alias[:0], len(nameOf))[:len(nameOf)]
	for row := range nameOf {
		b.kind[row], b.alias[row] = "", -1
		if !distinct(row) {
			continue
		}
		if k := topKind(&votes[row]); k != "" {
			b.kind[row], b.alias[row] = k, int32(row)
		}
	}
	// kindOf is the kind of a name, "" when it has none (or is no name of
	// the article: every kind belongs to a row).
	kindOf := func(name string) timeline.EntityKind {
		if row, ok := voteOf.row(name, nameOf); ok {
			return b.kind[row]
		}
		return ""
	}
	// A full name whose surname alone was seen as a person is a person too.
	// (It reads the kinds of single words, which this loop never sets.)
	for row, n := range nameOf {
		if !distinct(row) {
			continue
		}
		if i := strings.LastIndexByte(n, ' '); i > 0 && b.kind[row] == "" && kindOf(n[i+1:]) == timeline.Person && !hasTitleOrSuffixWords(n) {
			b.kind[row], b.alias[row] = timeline.Person, int32(row)
		}
	}
	// A surname alone refers to the person named in full elsewhere
	// ("Pashinyan"); of two full names with one surname, the greatest
	// (as when the names were visited in sorted order, the last one won).
	// Whether a surname may alias does not depend on the order: its kind
	// only ever changes from none to a person here. A surname that is no
	// name of the article on its own is never looked up, so needs no alias.
	for row, n := range nameOf {
		if !distinct(row) || b.kind[row] != timeline.Person || !strings.Contains(n, " ") {
			continue
		}
		last, ok := voteOf.row(n[strings.LastIndexByte(n, ' ')+1:], nameOf)
		if !ok {
			continue
		}
		if k := b.kind[last]; k == "" || k == timeline.Person {
			// An alias set by this loop is a full name, holding a space;
			// one set above is the surname's own row.
			if cur := b.alias[last]; cur < 0 || int(cur) == last || n > nameOf[cur] {
				b.alias[last] = int32(row)
			}
		}
		if b.kind[last] == "" {
			b.kind[last] = timeline.Person
		}
	}
	b.resolveRuns(nameOf)
	return b
}

// resolveRuns works out every distinct name's (row's) canonical name and
// kind, once per row rather than once per run and per question; a run reads
// them through its row (b.rows[r.row]) when its sentence is asked, so the
// runs of the sentences no rule asks about are never visited again.
func (b *nameBook) resolveRuns(nameOf []string) {
	b.rows = b.rows[:0]
	for row := range nameOf {
		if b.alias[row] < 0 && row < len(nameOf)-1 && nameOf[row] == nameOf[len(nameOf)-1] {
			row = len(nameOf) - 1 // a run's row the publisher's row replaced
		}
		var rn resolvedName
		if a := b.alias[row]; a >= 0 {
			rn = resolvedName{known: true, canon: nameOf[a], class: b.kind[a]}
		}
		b.rows = append(b.rows, rn)
	}
}

// resolvedName is what the book says of one distinct name.
type resolvedName struct {
	known bool
	canon string
	class timeline.EntityKind
}

// kindVotes counts the contexts that call a name a person, an organisation
// or a place, in that order (the order ties are broken in).
type kindVotes [3]int

var voteKinds = [3]timeline.EntityKind{timeline.Person, timeline.Organisation, timeline.Place}

func (v *kindVotes) add(k timeline.EntityKind, n int) {
	switch k { // the order of voteKinds
	case timeline.Person:
		v[0] += n
	case timeline.Organisation:
		v[1] += n
	case timeline.Place:
		v[2] += n
	}
}

// topKind picks the kind with most votes; ties go to the more specific
// evidence: person, then organisation, then place.
func topKind(v *kindVotes) timeline.EntityKind {
	best, bestN := timeline.EntityKind(""), 0
	for i, k := range voteKinds {
		if v[i] > bestN {
			best, bestN = k, v[i]
		}
	}
	return best
}

// runsOf appends to out the capitalised names of a sentence (its text and
// tokens) with their context votes.
func runsOf(out []nameRun, text string, toks []token) []nameRun {
	var flags [16]uint8
	for i := 0; i < len(toks); {
		for i < len(toks) && !toks[i].upper {
			i++ // most tokens: not capitalised, skipped in a tight loop
		}
		if i == len(toks) {
			break
		}
		if !isNameWord(&toks[i]) {
			i++
			continue
		}
		j := i + 1
		for j < len(toks) && isNameWord(&toks[j]) {
			j++
		}
		fl := flags[:0]
		if j-i > len(flags) {
			fl = make([]uint8, 0, j-i)
		}
		for k := i; k < j; k++ {
			fl = append(fl, uint8(capFlagsOf(&toks[k])))
		}
		if r, ok := splitRun(text, toks, i, j, fl); ok {
			out = append(out, r)
		}
		i = j
	}
	return out
}

// Classes of capitalised words, from the word lists splitRun reads.
const (
	capOpener   = 1 << iota // in sentenceOpeners
	capMonth                // in monthsAndDays
	capTitle                // in personTitles
	capTitleDot             // a person title and a period ("Dr.")
	capOrg                  // in orgSuffixes
)

// capFlags gives the classes of a capitalised word, so a word of a name costs
// one look-up rather than one per list. It is built from the lists.
var capFlags = func() *classTable {
	m := map[string]uint32{}
	for w, ok := range sentenceOpeners {
		if ok {
			m[w] |= capOpener
		}
	}
	for w, ok := range monthsAndDays {
		if ok {
			m[w] |= capMonth
		}
	}
	for w, ok := range personTitles {
		if ok {
			m[w] |= capTitle
			m[w+"."] |= capTitleDot
		}
	}
	for w, ok := range orgSuffixes {
		if ok {
			m[w] |= capOrg
		}
	}
	return newClassTable(m)
}()

// isNameWord reports a capitalised word that can belong to a name: not an
// adjective like "Moscow-led".
func isNameWord(tk *token) bool {
	if !tk.word || !tk.capitalised() {
		return false
	}
	if !tk.hyphen {
		return true
	}
	if k := strings.IndexByte(tk.text, '-'); k > 0 && k+1 < len(tk.text) {
		r, _ := utf8.DecodeRuneInString(tk.text[k+1:])
		if unicode.IsLower(r) {
			return false
		}
	}
	return true
}

// splitRun turns a run of capitalised words [i, j) into names: openers and
// dates are dropped, a title marks the person after it, a demonym alone is
// an adjective. ok is false when the run names nothing. fl holds the
// capFlags of words [i, j).
func splitRun(text string, toks []token, i, j int, fl []uint8) (r nameRun, ok bool) {
	i0 := i
	for i < j && fl[i-i0]&(capOpener|capMonth) != 0 {
		i++
	}
	for j > i && fl[j-1-i0]&capMonth != 0 {
		j--
	}
	if i >= j {
		return nameRun{}, false
	}
	for k := j - 2; k >= i; k-- {
		if fl[k-i0]&(capTitle|capTitleDot) != 0 {
			if hasTitleOrSuffix(fl[k+1-i0 : j-i0]) {
				return nameRun{}, false // "Chief Operating Officer": a post, not a person
			}
			return nameRun{name: joinWords(text, toks, k+1, j), first: k + 1, last: j, kind: timeline.Person}, true
		}
	}
	if j-i == 1 && j < len(toks) && toks[j].word && isDemonym(toks[i].text) {
		return nameRun{}, false
	}
	if j-i == 1 && fl[i-i0]&(capTitle|capOrg) != 0 {
		return nameRun{}, false // "Union leader ...": a common noun capitalised, not a name
	}
	r = nameRun{name: joinWords(text, toks, i, j), first: i, last: j}
	last := toks[j-1].text
	// Most last words are no acronym, which isAcronym tells at their second
	// letter: only an acronym is searched for a period.
	acronym := isAcronym(last)
	dotted := acronym && strings.Contains(last, ".")
	switch {
	case fl[j-1-i0]&capOrg != 0 || acronym && !dotted:
		r.kind = timeline.Organisation
	case dotted:
		r.kind = timeline.Place // "U.S.", "U.K."
		if !strings.HasSuffix(r.name, ".") {
			r.name += "." // the tokenizer left the final period to the sentence
		}
	case i > 0 && toks[i-1].word && toks[i-1].is(cLowerTitle) && j-i >= 2:
		r.kind = timeline.Person
	case i > 0 && toks[i-1].word && toks[i-1].is(cPlacePrep) && !toks[i-1].capitalised():
		r.kind = timeline.Place
	case j+1 < len(toks) && toks[j].text == "," && toks[j+1].lower() == "who":
		r.kind = timeline.Person // "Brandt, who ..."
	case j-i >= 2 && (i == 0 || toks[i-1].lower() != "of") && (j < len(toks) && toks[j].is(cSaid) || i > 0 && toks[i-1].is(cSaid)):
		r.kind = timeline.Person // "Mike Gikas said", "said Mike Gikas"
	}
	return r, true
}

// saidWords follow or precede a speaker's name.
var saidWords = set("said", "says", "told", "added", "stated", "wrote", "explained", "noted")

func hasTitleOrSuffixWords(name string) bool {
	for _, w := range strings.Fields(name) {
		if isTitleWord(w) || orgSuffixes[w] {
			return true
		}
	}
	return false
}

func isTitleWord(w string) bool {
	if personTitles[w] {
		return true
	}
	return strings.HasSuffix(w, ".") && personTitles[w[:len(w)-1]]
}

// hasTitleOrSuffix reports whether words, given by their capFlags, hold a
// title or an organisation suffix, so they name a post or a body rather than
// a person.
func hasTitleOrSuffix(fl []uint8) bool {
	for _, f := range fl {
		if f&(capTitle|capTitleDot|capOrg) != 0 {
			return true
		}
	}
	return false
}

// joinWords joins words [i, j) of a sentence with single spaces: a slice of
// the sentence's text when they stand so there, else a new string.
func joinWords(text string, toks []token, i, j int) string {
	if j-i == 1 {
		return toks[i].text
	}
	if singleSpaced(text, toks, i, j) {
		return text[toks[i].start:toks[j-1].end]
	}
	parts := make([]string, 0, j-i)
	for k := i; k < j; k++ {
		parts = append(parts, toks[k].text)
	}
	return strings.Join(parts, " ")
}

// singleSpaced reports whether tokens [i, j) are separated by one space each.
func singleSpaced(text string, toks []token, i, j int) bool {
	for k := i; k+1 < j; k++ {
		if toks[k+1].start != toks[k].end+1 || text[toks[k].end] != ' ' {
			return false
		}
	}
	return true
}

// isDemonym recognises adjectives of origin by their endings ("Russian",
// "Belarusian", "Japanese", "British", "Azerbaijani"): a word ending in one
// of demonymEndings with more than two letters before it. The endings are
// told apart by their last byte, which most words already fail, instead of
// one string comparison per ending: it is asked of every one-word name.
func isDemonym(w string) bool {
	n := len(w)
	if n < 5 {
		return false // "ic" needs five bytes, the other endings six
	}
	switch w[n-1] {
	case 'n': // "ian", "ean", "can"
		return n > 5 && w[n-2] == 'a' && (w[n-3] == 'i' || w[n-3] == 'e' || w[n-3] == 'c')
	case 'e':
		return n > 5 && w[n-3:] == "ese"
	case 'h':
		return n > 5 && w[n-3:] == "ish"
	case 'i':
		return n > 5 && w[n-3:] == "ani"
	case 'c':
		return w[n-2] == 'i'
	}
	return false
}

// demonymEndings are isDemonym's endings, as the rule reads them (the
// function tests them byte by byte; a test checks the two agree).
var demonymEndings = [...]string{"ian", "ean", "ese", "ish", "ani", "can", "ic"}

func isAcronym(w string) bool {
	letters := 0
	for _, r := range w {
		switch {
		case r == '.' || r == '&':
		case 'A' <= r && r <= 'Z' || r >= utf8.RuneSelf && unicode.IsUpper(r): // IsUpper, ASCII inline
			letters++
		default:
			return false // most names: at their second letter
		}
	}
	return letters >= 2 && letters <= 6
}

// entitiesIn returns the classified names of a sentence, in text order. They
// are worked out once per sentence; callers must not modify the slice.
func (b *nameBook) entitiesIn(s *sentence) []timeline.Entity {
	if s.entsDone {
		return s.ents
	}
	from := len(b.ents)
	for k := range s.runs {
		if rr := &b.rows[s.runs[k].row]; rr.known {
			b.ents = append(b.ents, timeline.Entity{Name: rr.canon, Kind: rr.class})
		}
	}
	if len(b.ents) > from {
		s.ents = b.ents[from:len(b.ents):len(b.ents)]
	}
	s.entsDone = true
	return s.ents
}

// lastPerson returns the last person named in a sentence, as written.
func (b *nameBook) lastPerson(s *sentence) string {
	name := ""
	for k := range s.runs {
		r := &s.runs[k]
		if rr := &b.rows[r.row]; rr.known && rr.class == timeline.Person {
			name = r.name
		}
	}
	return name
}

// rowIndex finds the row of a name in the vote table (nameOf[row] is the
// name): an open-addressing table of rows, hashed by the name's first and
// last bytes and length. It is what a map from name to row did, at about
// half the cost per look-up, and keeps no string of its own (the pool may
// hold it across articles).
type rowIndex struct {
	slots []int32 // row+1 of the name hashed here or just after; 0 when empty
	used  int
}

// reset empties the index for the next article.
func (x *rowIndex) reset() {
	clear(x.slots)
	x.used = 0
}

// row returns the row of name, and whether it has one.
func (x *rowIndex) row(name string, nameOf []string) (int, bool) {
	if len(x.slots) == 0 {
		return 0, false
	}
	mask := uint32(len(x.slots) - 1)
	for i := nameHash(name) & mask; ; i = (i + 1) & mask {
		r := x.slots[i]
		if r == 0 {
			return 0, false
		}
		if nameOf[r-1] == name {
			return int(r - 1), true
		}
	}
}

// set makes row the row of name (nameOf[row] == name), replacing any
// row it had.
func (x *rowIndex) set(name string, row int, nameOf []string) {
	if 2*(x.used+1) > len(x.slots) {
		x.grow(nameOf)
	}
	mask := uint32(len(x.slots) - 1)
	for i := nameHash(name) & mask; ; i = (i + 1) & mask {
		r := x.slots[i]
		if r == 0 {
			x.slots[i] = int32(row + 1)
			x.used++
			return
		}
		if nameOf[r-1] == name {
			x.slots[i] = int32(row + 1)
			return
		}
	}
}

// grow doubles the table (at least 32 slots) and places its rows again.
func (x *rowIndex) grow(nameOf []string) {
	old := x.slots
	x.slots = make([]int32, max(32, 2*len(old)))
	mask := uint32(len(x.slots) - 1)
	for _, r := range old {
		if r == 0 {
			continue
		}
		i := nameHash(nameOf[r-1]) & mask
		for x.slots[i] != 0 {
			i = (i + 1) & mask
		}
		x.slots[i] = r
	}
}

// nameHash hashes a name by its length and its first and last eight bytes
// (names of one article tend to differ at one end or the other).
func nameHash(name string) uint32 {
	n := len(name)
	if n < 8 {
		return packedHash(packWord(name), n)
	}
	// Two loads of eight bytes, read and never written, that may overlap.
	p := unsafe.StringData(name)
	first := binary.LittleEndian.Uint64(unsafe.Slice(p, 8))
	last := binary.LittleEndian.Uint64(unsafe.Slice((*byte)(unsafe.Add(unsafe.Pointer(p), n-8)), 8))
	return packedHash(first^last*0x9E3779B97F4A7C15, n)
}
