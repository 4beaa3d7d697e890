package events

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxTitle is the longest title in bytes; longer ones are cut at a word.
const maxTitle = 80

// maxTitleTokens bounds the tokens a clause title is cut from.
const maxTitleTokens = 80

// tailStarters open a trailing phrase that a headline drops after a comma.
var tailStarters = set("which", "who", "whose", "where", "with", "saying", "according", "but", "while",
	"and", "as", "a", "an", "the", "prompting", "citing", "including", "after", "before", "although",
	"though", "because", "ending", "starting", "bringing", "making", "leaving", "adding", "noting", "when",
	"than", "despite", "amid", "in", "on", "at", "its", "his", "her", "their", "one", "some", "two")

// nounTitle titles a dated noun phrase without its date: "Baku's 2020 attack on
// Armenia" becomes "Baku's attack on Armenia".
func nounTitle(s *sentence, a anchor) string {
	var buf [maxTitleTokens]int // most phrases fit: no allocation
	keep := buf[:0]
	for i := a.np0; i < a.np1 && i < len(s.toks); i++ {
		if i >= a.first && i < a.last {
			continue
		}
		if a.possessor && i == a.last {
			continue
		}
		keep = append(keep, i)
	}
	keep = dropDates(s, keep)
	if len(keep) > 0 && isArticle(s.toks[keep[0]]) {
		keep = keep[1:]
	}
	if len(keep) < 2 {
		// "the July 2021 floods": a bare noun says too little; keep the date.
		keep = keep[:0]
		for i := a.np0; i < a.np1 && i < len(s.toks); i++ {
			if !isArticle(s.toks[i]) && !(a.possessor && i == a.last) {
				keep = append(keep, i)
			}
		}
	}
	// Rendered as clauseTitle does, so a tidy phrase is not scanned again.
	t, isTidy := renderTidy(s, keep)
	return shortTitleFrom(t, isTidy, mayPair(s))
}

func isArticle(tk token) bool {
	w := tk.lower()
	return w == "the" || w == "a" || w == "an"
}

// clauseTitle titles a dated clause as a headline: subject and verb phrase,
// without introductory phrases, parentheticals, trailing phrases or dates.
func (x *extractor) clauseTitle(s *sentence, a anchor) string {
	c0 := 0
	if a.reported {
		c0 = a.rep0
	}
	// The kept token indices live on the stack: every step below filters
	// them in place, so a title costs no allocation until it is rendered.
	var buf [maxTitleTokens]int
	keep := buf[:0]
	if a.rel1 > 0 {
		keep = relativeTitle(s.toks, a, keep)
	} else {
		// A headline needs the first few dozen words at most; the cap keeps
		// the work per title bounded on sentences without end.
		for i := c0; i < len(s.toks) && i < c0+maxTitleTokens; i++ {
			keep = append(keep, i)
		}
	}
	if a.rel1 == 0 && s.cls&cJoin != 0 {
		// (A sentence with no "and" or "but" has no conjuncts to choose
		// from: datedConjunct would keep every token.)
		v0 := firstVerb(s.toks, keep)
		if item, ok := datedListItem(s, keep, a, v0); ok {
			keep = item
		} else {
			keep = datedConjunct(s.toks, keep, a, v0)
		}
	}
	if a.rel1 == 0 && s.cls&cRelative != 0 { // else no "which" or "who" to cut at
		keep = cutNameRelative(s.toks, keep, a)
	}
	if mayPair(s) { // else there is no bracket to drop
		keep = dropBracketed(s.toks, keep)
	}
	keep = dropIntro(s, keep, a)
	keep = dropParentheticals(s, keep)
	keep = cutTail(s.toks, keep)
	keep = dropDates(s, keep)
	keep = trimPunct(s.toks, keep)
	keep = cutTail(s.toks, keep)
	if len(keep) < 2 {
		return shortTitle(s.text)
	}
	title, isTidy := renderTidy(s, keep)
	pairs := mayPair(s) // byGerund's title too is the sentence's words
	if len(title) > maxTitle {
		if t, ok := byGerund(s, keep); ok {
			title, isTidy = t, false
		}
	}
	if t, named := x.namePronoun(title); named {
		title, isTidy = t, false
		pairs = pairs || hasPairedMark(x.lastNameBefore())
	}
	return shortTitleFrom(title, isTidy, pairs)
}

// mayPair reports whether a title joined from tokens of s may hold a
// quotation mark or bracket (a byte hasPairedMark looks for): not when no
// token of s does (cPairedMark), as a title is its tokens joined by white
// space (every rune of the text but white space is some token's).
func mayPair(s *sentence) bool { return s.cls&cPairedMark != 0 }

// byGerund retells "he poured oil on the fire by issuing an appeal to ..." as
// "he issued an appeal to ...": in news prose the phrase after "by" + -ing
// names the concrete act that the main verb only sums up, so an over-long
// headline keeps the act. It reports false when the clause has no such phrase
// after a past-tense main verb.
func byGerund(s *sentence, keep []int) (string, bool) {
	verb := -1
	for k, i := range keep {
		tk := &s.toks[i]
		if !tk.word || tk.quoted {
			continue
		}
		w := tk.lower()
		if verb < 0 && k > 0 && (tk.is(cPast) || len(w) > 4 && strings.HasSuffix(w, "ed") && !tk.capitalised()) {
			verb = k
			continue
		}
		if verb >= 0 && w == "by" && k+2 < len(keep) && isParticiple(s.toks[keep[k+1]]) {
			past := pastOfGerund(s.toks[keep[k+1]].lower())
			return render(s, keep[:verb]) + " " + past + " " + render(s, keep[k+2:]), true
		}
	}
	return "", false
}

// irregularPast maps the -ing form of common irregular verbs to their past.
var irregularPast = map[string]string{
	"making": "made", "taking": "took", "giving": "gave", "sending": "sent", "holding": "held",
	"bringing": "brought", "telling": "told", "saying": "said", "writing": "wrote", "leaving": "left",
	"meeting": "met", "putting": "put", "setting": "set", "cutting": "cut", "selling": "sold",
	"buying": "bought", "paying": "paid", "keeping": "kept", "seeking": "sought", "choosing": "chose",
	"speaking": "spoke", "breaking": "broke", "winning": "won", "running": "ran", "getting": "got",
	"becoming": "became", "beginning": "began", "building": "built", "spending": "spent", "leading": "led",
	"striking": "struck", "throwing": "threw", "drawing": "drew", "driving": "drove", "hitting": "hit",
	"letting": "let", "shutting": "shut", "finding": "found", "fighting": "fought", "standing": "stood",
	"losing": "lost", "lending": "lent", "feeding": "fed", "sitting": "sat", "going": "went", "doing": "did",
	"seeing": "saw", "coming": "came", "knowing": "knew", "showing": "showed", "thinking": "thought",
}

// pastOfGerund gives the simple past of an -ing form: "issuing" -> "issued",
// "summoning" -> "summoned", "stopping" -> "stopped", "carrying" -> "carried".
func pastOfGerund(g string) string {
	if p, ok := irregularPast[g]; ok {
		return p
	}
	stem := strings.TrimSuffix(g, "ing")
	switch {
	case strings.HasSuffix(stem, "ee"):
		return stem + "d"
	case len(stem) > 1 && strings.HasSuffix(stem, "y") && !strings.ContainsRune("aeiou", rune(stem[len(stem)-2])):
		return stem[:len(stem)-1] + "ied"
	}
	return stem + "ed"
}

// firstVerb returns the index in keep of the first finite verb, or -1.
func firstVerb(toks []token, keep []int) int {
	for k, i := range keep {
		if finiteVerb(&toks[i]) {
			return k
		}
	}
	return -1
}

// datedConjunct keeps, of verb phrases joined by "and"/"but", the one the
// date is in, with the subject: "Apple was founded in 1976, and launched the
// store in 2003" titles the 2003 date "Apple launched the store".
func datedConjunct(toks []token, keep []int, a anchor, v0 int) []int {
	if v0 <= 0 {
		return keep
	}
	for k := len(keep) - 2; k > v0; k-- {
		if keep[k] < a.first && toks[keep[k]].cls&cComma != 0 && listedVerbPhrase(toks, keep, k) {
			keep = append(listSubject(toks, keep, v0, k), keep[k+1:]...) // "tripled in 2004, doubled in 2005 and ..."
			break
		}
		if keep[k] >= a.first || !toks[keep[k]].is(cJoin) {
			continue // (both joins below start with an "and" or "but")
		}
		if joinsVerbPhrase(toks, keep, k) {
			keep = append(listSubject(toks, keep, v0, k), keep[k+1:]...)
			break
		}
		if joinsClause(toks, keep, k) {
			keep = keep[k+1:] // ", and in 1984 the first Macintosh was released"
			if toks[keep[0]].lower() == "that" {
				keep = keep[1:] // "..., and that applications can be sent"
			}
			break
		}
	}
	for k := v0 + 1; k+1 < len(keep); k++ {
		// (a word neither joins nor lists: its class bits tell, without a call)
		if cls := toks[keep[k]].cls; cls&(cJoin|cComma) != 0 && keep[k] >= a.last &&
			(cls&cJoin != 0 && joinsVerbPhrase(toks, keep, k) || listedVerbPhrase(toks, keep, k)) {
			return keep[:k]
		}
	}
	return keep
}

// maxListItems bounds the items of a list datedListItem reads.
const maxListItems = 8

// datedListItem titles a date told in one item of a list that shares the
// clause's verb, each item with a date of its own: "The port opened a grain
// terminal in 2001 and a ferry quay in 2004" titles 2004 "The port opened a
// ferry quay", and "In 2001 a grain terminal and in 2004 a ferry quay
// opened" titles it "a ferry quay opened". The items are the words after
// the verb (or before it) up to the clause's end, split at commas and at an
// "and" that closes the list; each holds exactly one date, no finite verb,
// and a word outside its date that names something (a determiner, a
// number, a name, or two words: "and again in 2004" names nothing, and "in
// 2019 and 2021" is one date's two ends). It reports false when the words
// are no such list, and the title is made as before.
func datedListItem(s *sentence, keep []int, a anchor, v0 int) ([]int, bool) {
	if len(s.timexes) < 2 {
		return nil, false // a list of dates needs two
	}
	toks := s.toks
	if v0 <= 0 {
		return nil, false
	}
	// The verb group runs to the first item: "opened", "has opened", "will
	// open", "plans to open"; a few lower-case words at most.
	ve := v0 + 1
	for ve < len(keep) && !listItemStart(s, keep, ve) {
		if tk := &toks[keep[ve]]; !tk.word || tk.quoted || tk.capitalised() || ve > v0+4 {
			return nil, false
		}
		ve++
	}
	before := a.first < keep[v0] // "In 2001 a grain terminal and in 2004 a ferry quay opened"
	lo, hi := ve, len(keep)
	if before {
		lo, hi = 0, v0
	}
	// two dates at least on the list's side of the verb (the sentence's
	// dates, a few, are counted before its words)
	dates, vs := 0, int(toks[keep[v0]].start)
	for t := range s.timexes {
		if before == (s.timexes[t].Start < vs) {
			dates++
		}
	}
	if dates < 2 {
		return nil, false
	}
	// One pass reads the items, keep[from[m]:to[m]], and gives up at the
	// first that is none: each opens as an item does, holds exactly one
	// date, no finite verb, and a word outside its date that names
	// something (a determiner, a number or a name counts twice).
	var from, to [maxListItems]int
	n, joined, at := 0, false, -1
	dates, names := 0, 0 // of item n
	from[0] = lo
	k := lo
	for ; k < hi; k++ {
		i := keep[k]
		tk := &toks[i]
		if s.inDate[i] {
			if i == 0 || !s.inDate[i-1] {
				if dates++; dates > 1 {
					return nil, false
				}
				if i == a.first {
					at = n
				}
			}
			continue
		}
		if tk.cls&(cComma|cCutMark|cJoin) == 0 || tk.quoted || tk.is(cJoin) && tk.lower() != "and" {
			switch {
			case tk.quoted || finiteVerb(tk):
				return nil, false
			case !tk.word || tk.is(cDatePrep) && k+1 < hi && s.inDate[keep[k+1]]:
			case tk.cls&cDeterminer != 0 || tk.upper || tk.text[0] <= '9':
				names += 2
			default:
				names++
			}
			continue
		}
		if tk.cls&cCutMark != 0 || joined && tk.cls&cComma != 0 {
			break // the list ends with its "and" item: ", the mayor said" is another phrase
		}
		if k > from[n] {
			if dates != 1 || names < 2 || !listItemStart(s, keep, from[n]) {
				return nil, false
			}
			to[n] = k
			if n++; n == maxListItems {
				return nil, false
			}
			dates, names = 0, 0
		}
		from[n] = k + 1
		joined = joined || tk.is(cJoin)
	}
	if !joined || n == 0 || from[n] >= k || before && k < hi || at < 0 {
		return nil, false
	}
	if dates != 1 || names < 2 || !listItemStart(s, keep, from[n]) {
		return nil, false
	}
	to[n] = k
	if before {
		// the item, then the verb and what follows it
		c := copy(keep, keep[from[at]:to[at]])
		c += copy(keep[c:], keep[v0:])
		return keep[:c], true
	}
	// the subject and verb, then the item; the last one keeps what follows
	// the list, which the title's later steps judge
	end := to[at]
	if at == n {
		end = len(keep)
	}
	c := copy(keep[ve:], keep[from[at]:end])
	return keep[:ve+c], true
}

// listItemStart reports whether keep[k] can open an item of a dated list:
// a determiner, a number, a name, a date or the preposition before one
// ("a ferry quay in 2004", "in 2004 a ferry quay").
func listItemStart(s *sentence, keep []int, k int) bool {
	i := keep[k]
	if s.inDate[i] {
		return true
	}
	tk := &s.toks[i]
	if tk.cls&(cDeterminer|cDatePrep) == 0 {
		return tk.upper && tk.word && !tk.quoted || tk.word && tk.text[0] <= '9'
	}
	return tk.is(cDeterminer) || k+1 < len(keep) && s.inDate[keep[k+1]]
}

// subjectOf returns the words before a clause's first verb without the
// comma that closed an aside there ("The firm, founded in 1901, moved"
// gives "The firm , founded in 1901 ,": the comma goes).
func subjectOf(toks []token, subj []int) []int {
	if n := len(subj); n > 0 && toks[subj[n-1]].text == "," {
		return subj[:n-1]
	}
	return subj
}

// listSubject returns the subject of a list of verb phrases whose item
// after keep[k] is titled: the words before the first verb v0, or those
// between a "that" and the list's first verb when the list is the clause
// of a "that" ("It should be noted that the capital tripled in 2004,
// doubled in 2005 and ...": "the capital").
func listSubject(toks []token, keep []int, v0, k int) []int {
	for t := k - 1; t > v0; t-- {
		if toks[keep[t]].lower() != "that" || toks[keep[t]].quoted {
			continue
		}
		for m := t + 1; m < k; m++ {
			if finiteVerb(&toks[keep[m]]) {
				if m == t+1 {
					return subjectOf(toks, keep[:v0]) // "that" was the subject
				}
				return keep[t+1 : m]
			}
		}
		break
	}
	return subjectOf(toks, keep[:v0])
}

// listedVerbPhrase reports a comma at keep[k] before a finite verb that is
// no verb of saying: a verb phrase of a list that "and" ends ("tripled in
// 2004, doubled in 2005 and rose 16 percent in 2006").
func listedVerbPhrase(toks []token, keep []int, k int) bool {
	if k+1 >= len(keep) || toks[keep[k]].cls&cComma == 0 || keep[k+1] != keep[k]+1 {
		return false
	}
	if !listVerb(&toks[keep[k+1]]) {
		return false
	}
	// the list goes on to its "and" ("... and rose 16 percent in 2006"),
	// which tells it from a participle phrase (", expected in late 2006")
	for m := k + 2; m < len(keep); m++ {
		if joinsVerbPhrase(toks, keep, m) {
			return true
		}
		if toks[keep[m]].cls&(cComma|cCutMark) != 0 && (toks[keep[m]].text != "," || m+1 >= len(keep) || !listVerb(&toks[keep[m+1]])) {
			return false
		}
	}
	return false
}

// listVerb reports a finite verb that can head an item of a list of verb
// phrases: no verb of saying, present, auxiliary or modal.
func listVerb(v *token) bool {
	return finiteVerb(v) && !v.is(cReporting|cPresent|cAux) && v.lower() != "will" && v.lower() != "would"
}

// joinsVerbPhrase reports an "and"/"but" at keep[k] followed by a finite
// verb. It is asked of most words of a title: the word's classes answer
// for most, without comparing strings.
func joinsVerbPhrase(toks []token, keep []int, k int) bool {
	tk := &toks[keep[k]]
	return tk.is(cJoin) && !tk.quoted && k+1 < len(keep) && finiteVerb(&toks[keep[k+1]])
}

// joinsClause reports a ", and"/", but" at keep[k] opening a clause with its
// own subject and finite verb.
func joinsClause(toks []token, keep []int, k int) bool {
	if !toks[keep[k]].is(cJoin) || toks[keep[k]].quoted || k == 0 || !toks[keep[k-1]].is(cComma) {
		return false
	}
	for _, i := range keep[k+2:] {
		if finiteVerb(&toks[i]) {
			return true
		}
		if toks[i].is(cComma) {
			return false
		}
	}
	return false
}

// finiteVerb reports a word that is most likely a finite verb outside quotes:
// a past or present marker, a modal, or a lower-case -ed form. The markers
// are the token's classes, looked up when it was read.
func finiteVerb(tk *token) bool {
	if !tk.word || tk.quoted || tk.capitalised() {
		return false
	}
	w := tk.lower()
	return tk.is(cPast) || tk.is(cPresent) && w != "'s" || w == "will" || w == "would" ||
		len(w) > 4 && strings.HasSuffix(w, "ed")
}

// relativeTitle titles a date inside a relative clause by the clause and what
// it is about: "Brandt, who had led the city since 2014, said" gives "Brandt
// had led the city since 2014". It appends the indices to keep.
func relativeTitle(toks []token, a anchor, keep []int) []int {
	ante := a.rel0 - 1 // the comma before "who"
	if toks[ante].text != "," {
		ante = a.rel0 // "Pixar which was acquired": the name ends before "which"
	}
	first := ante
	if first > 1 && abbreviationStop(toks, first-1) {
		first-- // "Infogear Technology Corp., which": the name ends with its period
	}
	for first > 0 && toks[first-1].word && (toks[first-1].capitalised() || toks[first-1].is(cEventNoun)) {
		first--
	}
	if first == ante && ante > 0 && toks[ante-1].word {
		first = ante - 1
		for first > 0 && toks[first-1].word && !isArticle(toks[first-1]) && !toks[first-1].is(cDatePrep) {
			first--
		}
	}
	for i := first; i < ante; i++ {
		keep = append(keep, i)
	}
	start := a.rel0 + 1
	if w := toks[a.rel0].lower(); w != "who" && w != "which" {
		keep = append(keep, a.rel0) // "whose", or the participle of an aside
	}
	for i := start; i < a.rel1; i++ {
		keep = append(keep, i)
	}
	return keep
}

// cutNameRelative ends the title of a date told before a relative clause
// written without its comma after a name ("In 1986 he bought Pixar which was
// acquired by Disney in 2005"): the clause is an aside, told apart.
func cutNameRelative(toks []token, keep []int, a anchor) []int {
	for k := 1; k < len(keep); k++ {
		i := keep[k]
		// the class bit, one test, passes over every word but a relative
		// one (this is asked of every word of most titles)
		if toks[i].cls&cRelative == 0 || i < a.last || !toks[i].word || keep[k-1] != i-1 {
			continue
		}
		if w := toks[i].lower(); (w == "which" || w == "who") && nameBefore(toks, i) {
			return keep[:k]
		}
	}
	return keep
}

// abbreviationStop reports a period at i written against a capitalised word
// ("Corp.", "Inc."): part of the name, not the end of a sentence.
func abbreviationStop(toks []token, i int) bool {
	return toks[i].text == "." && i > 0 && toks[i-1].word && toks[i-1].capitalised() && toks[i-1].end == toks[i].start
}

// dropBracketed removes (...) and [...] with their contents. Like every
// filter of a title's token indices, it works in place.
func dropBracketed(toks []token, keep []int) []int {
	out := keep[:0]
	depth := 0
	for _, i := range keep {
		if toks[i].cls&cPairedMark == 0 { // no bracket: the usual word
			if depth == 0 {
				out = append(out, i)
			}
			continue
		}
		switch toks[i].text {
		case "(", "[":
			depth++
			continue
		case ")", "]":
			if depth > 0 {
				depth--
			}
			continue
		}
		if depth == 0 {
			out = append(out, i)
		}
	}
	return out
}

// dropIntro removes introductory phrases set off by a comma ("Speaking at a
// debate on Wednesday,", "The next day,") and an opening conjunction. Words
// before the comma that hold the date and a finite verb are no opening
// phrase but the dated clause ("In 1998 Apple introduced the iMac, in 2001
// the iPod ..."): they stay.
func dropIntro(s *sentence, keep []int, a anchor) []int {
	for round := 0; round < 3 && len(keep) > 0; round++ {
		first := s.toks[keep[0]]
		if first.word && (first.lower() == "but" || first.lower() == "and" || first.lower() == "so" || first.lower() == "yet") {
			keep = keep[1:]
			continue
		}
		comma := -1
		for k := 0; k < len(keep) && k < 16; k++ {
			if s.toks[keep[k]].cls&cComma != 0 {
				comma = k
				break
			}
		}
		if comma <= 0 || comma == len(keep)-1 {
			return keep
		}
		if !isIntroWord(first) && !s.inDate[keep[0]] {
			return keep
		}
		if datedClause(s, keep[:comma], a) {
			return keep
		}
		keep = keep[comma+1:]
	}
	return keep
}

// datedClause reports whether the words span, before a comma, open with a
// preposition, hold the date a and, after it, a subject and a finite verb: a
// clause fronted by its date ("In 1998 Apple introduced the iMac"), not an
// opening phrase. A verb after a subordinating or relative word ("After the
// council voted on Tuesday", "In the years that followed") belongs to no
// main clause.
func datedClause(s *sentence, span []int, a anchor) bool {
	if a.first < 0 || len(span) == 0 || a.first < span[0] || a.last > span[len(span)-1]+1 {
		return false
	}
	if first := &s.toks[span[0]]; s.inDate[span[0]] || !first.word || !first.is(cDatePrep) || subordinators[first.lower()] {
		return false // "2007 was the year of ...", "Today's glitches were ...": the date is the subject
	}
	words := 0
	for _, i := range span {
		if i < a.last {
			continue
		}
		tk := &s.toks[i]
		if subordinators[tk.lower()] || tk.lower() == "that" || tk.lower() == "which" || tk.lower() == "who" {
			return false
		}
		if finiteVerb(tk) {
			return words > 0 // a subject between the date and its verb
		}
		if tk.word {
			words++
		}
	}
	return false
}

// subordinators open a clause that is not the sentence's main one.
var subordinators = set("after", "before", "while", "when", "whenever", "once", "since", "until", "till",
	"as", "because", "although", "though", "if", "unless", "whereas", "where")

// speechTag reports whether the tokens are a short closing "she said",
// "the ministry added" after the words reported.
func speechTag(toks []token, rest []int) bool {
	words := 0
	for _, i := range rest {
		if !toks[i].word {
			continue
		}
		words++
		if toks[i].is(cReporting) {
			return true
		}
		if words > 5 {
			return false
		}
	}
	return false
}

// maxTagTokens bounds a speech tag set off by commas in mid-sentence.
const maxTagTokens = 8

// midSpeechTag returns the closing comma of a speech tag set off by commas
// inside a sentence, which opens at the comma c: ", said the harbour
// master," or ", the harbour master said on Tuesday," before the rest of the
// sentence ("The council, said Ms. Varga, voted ..."). It is the speaker and
// the verb of saying, in either order, a few words after the verb at most,
// and no other finite verb; -1 when no such tag opens at c. A relative
// clause after the closing comma tells the words were no tag but what was
// said ("Varga, 54, said the fleet, which ...").
func midSpeechTag(toks []token, c int) int {
	// Most commas open no tag: a verb of saying before the next mark, told
	// by its class bit, is looked for first.
	said := false
	for m := c + 1; m < len(toks) && m <= c+maxTagTokens && !said; m++ {
		if toks[m].cls&(cComma|cCutMark) != 0 {
			return -1
		}
		said = toks[m].cls&cReporting != 0
	}
	if !said {
		return -1
	}
	verb := -1
	for m := c + 1; m < len(toks) && m <= c+maxTagTokens; m++ {
		tk := &toks[m]
		if tk.quoted {
			return -1
		}
		if tk.cls&cComma != 0 {
			if verb < 0 || m == c+1 || m+1 >= len(toks) || !toks[m+1].word || toks[m+1].is(cRelative) {
				return -1
			}
			if verb == c+1 && m == c+2 {
				return -1 // ", said," names no speaker
			}
			return m
		}
		if !tk.word {
			if tk.text == "." || tk.text == "'s" {
				continue // "Ms.", "the port's director"
			}
			return -1
		}
		w := tk.lower()
		switch {
		case m == c+1 && (tk.cls&(cJoin|cRelative) != 0 || w == "that"):
			return -1 // ", and the board said", ", which the board said"
		case verb < 0 && saysAt(toks, m):
			if m == c+1 {
				// ", said the harbour master": the speaker follows the
				// verb; ", estimated at $5 million" has none
				if m+1 >= len(toks) || !toks[m+1].word || toks[m+1].is(cDatePrep) && !toks[m+1].capitalised() {
					return -1
				}
			}
			verb = m
		case w == "that" || finiteVerb(tk):
			return -1 // "said that ...", or a clause of its own
		case verb > c+1 && m > verb+4:
			return -1 // more than a date or a few words after "said"
		}
	}
	return -1
}

// midSpeechTagAt is midSpeechTag at the comma keep[k] of a title's words,
// when one opens there after some (k > 0) in a sentence with a verb of
// saying (its classes tell).
func midSpeechTagAt(s *sentence, keep []int, k int) int {
	if k == 0 || s.cls&cReporting == 0 {
		return -1
	}
	return midSpeechTag(s.toks, keep[k])
}

// isParticiple reports a lowercase "-ing" word opening a trailing phrase
// (", escalating a dispute").
func isParticiple(tk token) bool {
	return !tk.capitalised() && strings.HasSuffix(tk.text, "ing") && len(tk.text) > 5
}

// dropParentheticals removes ", who ... ," and ", which ... ," when the
// sentence goes on after them, ", citing ..., " style asides and appositive
// names (", Ilse Brandt,").
func dropParentheticals(s *sentence, keep []int) []int {
	toks := s.toks
	for k := 0; k+1 < len(keep); k++ {
		if toks[keep[k]].cls&cComma == 0 {
			continue
		}
		if m := appositiveName(toks, keep, k); m > 0 {
			keep = append(keep[:k], keep[m:]...)
			k--
			continue
		}
		if m := midSpeechTagAt(s, keep, k); m > 0 {
			// ", said the harbour master,": the tag goes as an aside does;
			// the opening comma stays unless the clause's verb comes next
			// ("The council, said Ms. Varga, voted"), so that what follows
			// (", and the crew swam ashore") is judged as if no tag were there
			e := k + m - keep[k]
			if e+1 < len(keep) && keep[e] == m {
				from := k + 1
				if finiteVerb(&toks[keep[e+1]]) {
					from = k
				}
				keep = append(keep[:from], keep[e+1:]...)
				k-- // what now follows the comma is looked at again
				continue
			}
		}
		w := toks[keep[k+1]].lower()
		// ", born in 1955," and ", the mayor of Orlan," after a name and
		// before the clause's verb: asides
		aside := keep[k] > 0 && (asideParticiple(&toks[keep[k+1]]) || isArticle(toks[keep[k+1]])) && namesThing(toks, keep[k]-1)
		if !aside && w != "who" && w != "which" && w != "whose" && w != "citing" && w != "according" && w != "however" {
			continue
		}
		end := -1
		for m := k + 1; m < len(keep); m++ {
			if toks[keep[m]].cls&cComma != 0 && !s.inDate[keep[m]] { // not "March 3, 1950"
				end = m
				break
			}
		}
		if end < 0 || end == len(keep)-1 {
			continue
		}
		if aside && (keep[end+1] != keep[end]+1 || !asideCloses(toks, keep[end])) {
			continue
		}
		keep = append(keep[:k], keep[end+1:]...)
		k--
	}
	return keep
}

// appositiveName returns the index in keep after ", Name Name," starting at
// the comma keep[k], or 0 when no appositive name starts there.
func appositiveName(toks []token, keep []int, k int) int {
	if k == 0 {
		return 0
	}
	m := k + 1
	for m < len(keep) && toks[keep[m]].word && toks[keep[m]].capitalised() {
		m++
	}
	if m-k < 3 || m >= len(keep)-1 || !toks[keep[m]].is(cComma) {
		return 0 // need two or more capitalised words, then a comma, then more
	}
	return m + 1
}

// cutTail ends the title at a trailing phrase or clause: ", with ...",
// ", saying ...", "; ...", " - ...", ": ...".
func cutTail(toks []token, keep []int) []int {
	for k := 1; k < len(keep); k++ {
		tk := &toks[keep[k]]
		if tk.cls&(cComma|cCutMark|cPairedMark) == 0 {
			continue // a word, or a mark cut at by none of the cases below
		}
		switch t := tk.text; t {
		case ";", ":", "—", "–", "-", "!", "?":
			return keep[:k]
		case ",":
			if k+1 < len(keep) && toks[keep[k+1]].word && (toks[keep[k+1]].is(cTailStarter) || isParticiple(toks[keep[k+1]])) {
				return keep[:k]
			}
			if speechTag(toks, keep[k+1:]) {
				return keep[:k] // "Production will start, she said"
			}
		}
	}
	return keep
}

// dropDates removes every date expression of the sentence from a title, with
// the preposition that introduced it ("on Wednesday", "between 2018 and 2020").
func dropDates(s *sentence, keep []int) []int {
	var buf [256]bool
	drop := buf[:0]
	if len(s.toks) > len(buf) {
		drop = make([]bool, len(s.toks))
	} else {
		drop = buf[:len(s.toks)]
	}
	// Only the tokens of a date, a few of the sentence's, drop themselves
	// or the words before them: the others are passed over by their mark
	// alone (drop is all false to start with).
	for i, in := range s.inDate {
		if !in || s.toks[i].quoted {
			continue // words quoted are kept whole: "another summer of chaos"
		}
		drop[i] = true
		if i > 0 && s.inDate[i-1] {
			continue // inside the expression: its start dropped the words before
		}
		e := i + 1
		for e < len(s.toks) && s.inDate[e] {
			e++
		}
		// "during the first quarter of the financial year": the year the
		// date counts in goes with it
		if n := ofYearAfter(s.toks, e); n >= 0 {
			for k := e; k <= n; k++ {
				drop[k] = true
			}
		}
		// "during the Christmas sales period": the time phrase goes with
		// its date, determiner and all
		phrase := false
		if i > 0 && s.toks[i-1].is(cDeterminer) {
			if n := timeNounAfter(s.toks, e); n >= 0 {
				phrase = true
				for k := e; k <= n; k++ {
					drop[k] = true
				}
			}
		}
		for j := i - 1; j >= 0 && !s.inDate[j]; j-- {
			w := s.toks[j].lower()
			if phrase && j == i-1 {
				drop[j] = true // the determiner
				continue
			}
			between := (w == "and" || w == "to" || w == "through" || w == "-" || w == "–") && j > 0 && s.inDate[j-1]
			opens := w == "this" || w == "last" || w == "next" || w == "starting" || w == "beginning" || w == "effective" || w == "within"
			if !between && (!s.toks[j].word || !(s.toks[j].is(cDatePrep) || opens)) {
				break
			}
			drop[j] = true
		}
	}
	out := keep[:0]
	for _, i := range keep {
		if !drop[i] {
			out = append(out, i)
		}
	}
	return out
}

// yearNouns end an "of" phrase naming the year a date counts in.
var yearNouns = set("year", "season", "term", "session")

// ofYearAfter returns the index of the last word of "of the financial year",
// "of the school year", "of its fiscal year", "of the season" starting at
// e, right after a date; -1 when none starts there.
func ofYearAfter(toks []token, e int) int {
	if e+2 >= len(toks) || toks[e].lower() != "of" || !toks[e+1].word || !toks[e+1].is(cDeterminer) {
		return -1
	}
	for j := e + 2; j < len(toks) && j <= e+4; j++ {
		tk := &toks[j]
		if !tk.word || tk.quoted || tk.capitalised() {
			return -1
		}
		if yearNouns[tk.low] {
			return j
		}
	}
	return -1
}

// trimPunct removes commas and stray marks left at either end or doubled.
func trimPunct(toks []token, keep []int) []int {
	out := keep[:0]
	for _, i := range keep {
		if toks[i].cls&cComma != 0 && (len(out) == 0 || toks[out[len(out)-1]].cls&cComma != 0) {
			continue
		}
		out = append(out, i)
	}
	for len(out) > 0 {
		t := toks[out[len(out)-1]].text
		if t == "," || t == "(" || t == "[" || t == "-" {
			out = out[:len(out)-1]
			continue
		}
		break
	}
	return out
}

// render joins kept tokens, keeping the original spacing between neighbours.
func render(s *sentence, keep []int) string {
	t, _ := renderTidy(s, keep)
	return t
}

// renderTidy is render, also reporting whether the joined tokens were tidy
// already (tidy), so a caller that keeps the title as it is need not scan it
// again (shortTitleFrom).
func renderTidy(s *sentence, keep []int) (string, bool) {
	t, isTidy, known := joinKept(s, keep)
	if !known {
		isTidy = tidy(t)
	}
	if isTidy {
		return t, true
	}
	return respace(t), false
}

// joinKept joins the kept tokens as render does, before respacing, and
// works out on the way whether the result is tidy (known reports it did).
// A token holds no white space, so the only spaces of the result are the
// ones joining two tokens; they are what tidy would look at, and each is
// judged here by the tokens around it. It gives up (known false) when the
// text between two neighbours is not white space, or a token after a space
// is too short to tell whether "n't" follows: the caller scans instead.
//
// When the kept tokens follow one another in the text, single-spaced or
// touching, each as written (about half the titles), the result is that
// stretch of the sentence's text itself, not a copy.
//
// When the only spaces tidy would object to come before marks respace
// joins to the word before (spaceDropped: a date left out before the full
// stop gives "results ."), joinKept leaves them out: the result is then
// respace's, and tidy, so it is not scanned and respaced again.
func joinKept(s *sentence, keep []int) (t string, isTidy, known bool) {
	if len(keep) == 0 {
		return "", true, true
	}
	isTidy, known = true, true
	// inPlace: the kept tokens stand in the text as they are to be joined,
	// each as written (a possessive written "’s" is the token "'s").
	first := &s.toks[keep[0]]
	inPlace := int(first.end-first.start) == len(first.text)
	// dropped: a space would come before a mark respace removes it before
	// (spaceDropped), where the date before a sentence's full stop was
	// left out ("results in March." gives "results .").
	dropped := false
	for k := 1; k < len(keep); k++ {
		prev, i, space := keep[k-1], keep[k], true
		if tk := &s.toks[i]; int(tk.end-tk.start) != len(tk.text) {
			inPlace = false
		}
		if prev == i-1 {
			switch gap := s.text[s.toks[prev].end:s.toks[i].start]; {
			case gap == "": // "word," and the like: nothing between
				space = false
			case gap == " ":
			case strings.TrimSpace(gap) == "":
				inPlace = false // joined by one space
			default:
				space, known, inPlace = false, false, false
			}
		} else {
			inPlace = false
		}
		if space {
			before, after := s.toks[prev].text, s.toks[i].text
			switch {
			case len(after) == 1 && spaceDropped[after[0]] && before[len(before)-1] != '(':
				dropped = true
			case before[len(before)-1] == '(' || markAfterSpace[after[0]] || strings.HasPrefix(after, "n't"):
				isTidy = false
			case after[0] == 'n' && len(after) < 3:
				known = false
			}
		}
	}
	// When those are the only spaces respace would change, the join leaves
	// them out and is respace's result, tidy; else respace does the work.
	drop := dropped && isTidy && known
	if dropped && !drop {
		isTidy = false
	}
	if inPlace && !dropped {
		return s.text[s.toks[keep[0]].start:s.toks[keep[len(keep)-1]].end], isTidy, known
	}
	var b strings.Builder
	// The kept words' span bounds the result but for the spaces that
	// join words not adjacent: one growth instead of several.
	if n := int(s.toks[keep[len(keep)-1]].end-s.toks[keep[0]].start) + len(keep); n > 0 {
		b.Grow(n)
	}
	for k, i := range keep {
		if k > 0 {
			prev := keep[k-1]
			if after := s.toks[i].text; drop && len(after) == 1 && spaceDropped[after[0]] {
				// No space (there is no text between but white space:
				// known).
			} else if prev == i-1 {
				switch gap := s.text[s.toks[prev].end:s.toks[i].start]; {
				case gap == "":
				case gap == " " || strings.TrimSpace(gap) == "":
					b.WriteByte(' ')
				default:
					b.WriteString(gap)
				}
			} else {
				b.WriteByte(' ')
			}
		}
		b.WriteString(s.toks[i].text)
	}
	return b.String(), isTidy, known
}

// tidySpacing undoes tokenised spacing (" , ", " 's", "( x )") and collapses space.
func tidySpacing(t string) string {
	if tidy(t) {
		return t // most titles: no rule applies, so skip the scans and copies
	}
	return respace(t)
}

// respace is tidySpacing's work on a title that is not tidy.
func respace(t string) string {
	t = collapseSpace(t)
	if !spacedMark(t) {
		return t
	}
	for _, r := range [][2]string{{" ,", ","}, {" .", "."}, {" 's", "'s"}, {" ' s ", "'s "}, {"( ", "("}, {" )", ")"}, {" ;", ";"}, {" :", ":"}, {" ?", "?"}, {" !", "!"}, {" n't", "n't"}} {
		t = strings.ReplaceAll(t, r[0], r[1])
	}
	return t
}

// spacedMark reports whether t may hold a space tidySpacing removes: a space
// before a mark or "n't", or after an opening bracket.
func spacedMark(t string) bool {
	for i := 0; i+1 < len(t); i++ {
		switch {
		case t[i] == '(' && t[i+1] == ' ':
			return true
		case t[i] != ' ':
		case markAfterSpace[t[i+1]]:
			return true
		case strings.HasPrefix(t[i+1:], "n't"):
			return true
		}
	}
	return false
}

// tidy reports whether tidySpacing leaves t as it is: neither the white
// space collapseSpace changes (needsCollapse) nor a space spacedMark finds,
// asked in one pass over t instead of two.
func tidy(t string) bool {
	for i := 0; i < len(t); i++ {
		c := t[i]
		if c > ' ' {
			if c == '(' && i+1 < len(t) && t[i+1] == ' ' {
				return false
			}
			continue
		}
		if c == '\n' || c == '\t' || c == '\r' {
			return false
		}
		if c == ' ' && (i == 0 || i == len(t)-1 || t[i+1] == ' ' || markAfterSpace[t[i+1]] || strings.HasPrefix(t[i+1:], "n't")) {
			return false
		}
	}
	return true
}

// markAfterSpace marks the bytes tidySpacing joins to the word before:
// ",.';:?!)". A table, as spacedMark asks it after every space of a title.
var markAfterSpace = [256]bool{',': true, '.': true, '\'': true, ';': true, ':': true, '?': true, '!': true, ')': true}

// spaceDropped marks the marks respace joins to the word before by removing
// the space before them, and nothing else: all of markAfterSpace but the
// apostrophe (only " 's" and " ' s " lose their space).
var spaceDropped = [256]bool{',': true, '.': true, ';': true, ':': true, '?': true, '!': true, ')': true}

// namePronoun replaces an opening "He"/"She" with the person last named.
// It reports whether it did.
func (x *extractor) namePronoun(title string) (string, bool) {
	for _, p := range []string{"He ", "he ", "She ", "she "} {
		if strings.HasPrefix(title, p) {
			name := x.lastNameBefore() // only now: most titles open with no pronoun
			if name == "" {
				return title, false
			}
			return name + " " + title[len(p):], true
		}
	}
	return title, false
}

// shortTitle makes a headline: one line, capitalised, at most maxTitle bytes
// cut at a word, no dangling quote, bracket or function word at the end.
func shortTitle(t string) string { return shortTitleFrom(t, false, true) }

// shortTitleFrom is shortTitle given whether t is known to be tidy (see
// tidy), so its spacing needs no second look, and whether it may hold a
// quotation mark or bracket (pairs; see mayPair), so that balance, which
// removes only those, need not look for them when it holds none.
func shortTitleFrom(t string, isTidy, pairs bool) string {
	if !isTidy {
		t = tidySpacing(t)
	}
	if len(t) > maxTitle {
		b := t // balance(t): a tidy t holds no white space collapseSpace changes
		if pairs || !isTidy {
			b = balanceIf(t, pairs)
		}
		if p, ok := cutAtPhrase(b, pairs); ok {
			t, isTidy = p, false
		}
	}
	if len(t) > maxTitle {
		cut := strings.LastIndexByte(t[:maxTitle-1], ' ')
		if cut <= 0 {
			cut = maxTitle
			for cut > 0 && !utf8.RuneStart(t[cut]) {
				cut--
			}
		}
		t = trimWeakEnd(balanceIf(t[:cut], pairs)) + "…" // (the "…" is no mark balance removes)
		isTidy = false
	}
	// Else balance would only find t needs no collapsing: a tidy t needs
	// none (tidy tells), and neither does what tidySpacing, balance and
	// the cuts above return (TestShortTitleKnowingNoPairsIsShortTitle).
	if pairs && (!isTidy || hasPairedMark(t)) {
		t = balance(t)
	}
	t = trimDangling(t)
	r, n := utf8.DecodeRuneInString(t)
	if unicode.IsLower(r) && !innerCapital(t[n:]) {
		t = string(unicode.ToUpper(r)) + t[n:]
	}
	return t
}

// innerCapital reports whether the rest of a first word holds a capital: a
// name spelled with a small first letter ("iPhone", "eBay") keeps it.
func innerCapital(rest string) bool {
	for _, r := range rest {
		if r == ' ' {
			return false
		}
		if unicode.IsUpper(r) {
			return true
		}
	}
	return false
}

// phraseStarters open a phrase or clause: an over-long title may end before one.
var phraseStarters = set("in", "on", "at", "of", "for", "with", "from", "to", "by", "into", "over", "under",
	"after", "before", "during", "since", "until", "between", "against", "about", "through", "across",
	"within", "without", "amid", "despite", "near", "toward", "towards", "via", "as", "than",
	"but", "while", "when", "where", "because", "although", "though", "which", "who", "whose", "that",
	"including", "according", "following", "along", "alongside", "among", "like", "even")

// isPhraseStarter is phraseStarters[strings.ToLower(w)], a short ASCII word
// found by its packed bytes in phraseStarterTable: asked of most words of
// an over-long title, it copied every capitalised one to lower-case it.
func isPhraseStarter(w string) bool {
	if k, ok := packLower(w); ok {
		return phraseStarterTable.lookupPacked(k, len(w)) != 0
	}
	return phraseStarters[strings.ToLower(w)]
}

// phraseStarterTable holds phraseStarters for isPhraseStarter.
var phraseStarterTable = setTable(phraseStarters)

// weakEnds are words a headline cannot end on: function words, auxiliaries
// and verbs of saying still waiting for what they govern.
var weakEnds = set("and", "or", "but", "of", "the", "a", "an", "to", "in", "on", "at", "with", "for", "by",
	"from", "into", "over", "under", "about", "after", "before", "during", "since", "until", "between",
	"against", "through", "within", "without", "than", "as", "that", "which", "who", "whose", "its", "his",
	"her", "their", "our", "my", "your", "this", "these", "those", "is", "was", "were", "are", "be", "been",
	"being", "has", "have", "had", "will", "would", "shall", "should", "can", "could", "may", "might",
	"must", "do", "does", "did", "not", "also", "very", "more", "most", "such", "both", "either", "every",
	"even", "just", "only", "so")

// minPhraseTitle is the shortest prefix a phrase cut may leave: a shorter one
// says less than a cut mid-phrase.
const minPhraseTitle = 36

// cutAtPhrase shortens an over-long title to its longest prefix of at most
// maxTitle bytes that ends where a phrase or clause begins (before "in",
// "to", "which", after a comma) on a word a headline can end on. It reports
// false when no such prefix is long enough. pairs is shortTitleFrom's: false
// when t holds no quotation mark or bracket.
func cutAtPhrase(t string, pairs bool) (string, bool) {
	words := strings.Fields(t)
	n := 0                       // bytes of words[:b] joined
	bestB := 0                   // the longest good prefix, words[:bestB], joined once at the end
	verb := firstVerbWord(words) // a headline keeps its verb: no cut before it
	for b := 1; b < len(words); b++ {
		if b > 1 {
			n++
		}
		n += len(words[b-1])
		if n > maxTitle {
			break
		}
		if b <= verb {
			continue
		}
		prev, next := words[b-1], words[b]
		comma := strings.HasSuffix(prev, ",") || strings.HasSuffix(prev, ";")
		if !comma && !isPhraseStarter(next) && !joinsClauses(words, b) && !isParticipleWord(next) {
			continue
		}
		if n < minPhraseTitle || !endsWell(words[:b]) || needsComplement(words, b) {
			continue
		}
		bestB = b
	}
	if bestB == 0 {
		return "", false
	}
	best := balanceIf(strings.TrimRight(strings.Join(words[:bestB], " "), ",;:"), pairs)
	return best, len(best) >= minPhraseTitle
}

// firstVerbWord returns the index of the first word that looks like a finite
// verb (as finiteVerb does for tokens), or -1 when none does.
func firstVerbWord(words []string) int {
	for i, w := range words {
		if r, _ := utf8.DecodeRuneInString(w); !unicode.IsLower(r) {
			continue
		}
		w = strings.ToLower(strings.TrimRight(w, ",;:"))
		if isPastMarker(w) || isPresentMarker(w) || w == "will" || w == "would" || len(w) > 4 && strings.HasSuffix(w, "ed") {
			return i
		}
	}
	return -1
}

// joinsClauses reports an "and"/"or" at words[b] that opens a new phrase
// ("laptops and the version of ...", "and said ...") rather than joining two
// nouns ("computer and electronics maker").
func joinsClauses(words []string, b int) bool {
	// EqualFold is strings.ToLower(w) == "and" (or "or") here: only the
	// ASCII letters fold or lower-case to these, and it makes no copy of
	// each word asked.
	w := words[b]
	if !(len(w) == 3 && strings.EqualFold(w, "and") || len(w) == 2 && strings.EqualFold(w, "or")) || b+1 >= len(words) {
		return false
	}
	next := strings.ToLower(words[b+1])
	return determiners[next] || isPastMarker(next) || isPresentMarker(next) || reportingVerbs[next] ||
		len(next) > 4 && strings.HasSuffix(next, "ed")
}

// isParticipleWord reports a lower-case -ing word, which may open a phrase
// after a noun ("a software bug relating to ...").
func isParticipleWord(w string) bool {
	r, _ := utf8.DecodeRuneInString(w)
	return unicode.IsLower(r) && len(w) > 5 && strings.HasSuffix(w, "ing")
}

// needsComplement reports a last word that governs what follows the cut at b:
// a verb before its infinitive ("intended | to open"), an -ing form before its
// preposition ("relating | to"), a participle opening an aside (", located |
// in"), a title cannot end there.
func needsComplement(words []string, b int) bool {
	last := words[len(words[:b])-1]
	lw := strings.ToLower(last)
	if r, _ := utf8.DecodeRuneInString(last); unicode.IsUpper(r) {
		return false
	}
	participle := len(lw) > 4 && (strings.HasSuffix(lw, "ed") || strings.HasSuffix(lw, "ing"))
	next := strings.ToLower(words[b])
	if participle && next == "to" && b+1 < len(words) {
		r, _ := utf8.DecodeRuneInString(words[b+1])
		return unicode.IsLower(r)
	}
	if strings.HasSuffix(lw, "ing") && len(lw) > 5 && phraseStarters[next] {
		return true
	}
	return participle && b >= 2 && strings.HasSuffix(words[b-2], ",")
}

// endsWell reports whether a headline may end on the last of words: not on a
// function word or auxiliary, a verb of saying, or an infinitive ("to expel").
func endsWell(words []string) bool {
	if len(words) == 0 {
		return false // only spaces after the cut: trim further
	}
	last := strings.ToLower(strings.TrimRight(words[len(words)-1], ",;:"))
	if weakEnds[last] || reportingVerbs[last] || strings.HasSuffix(last, "'s") {
		return false
	}
	if r, _ := utf8.DecodeRuneInString(last); !unicode.IsLetter(r) && !unicode.IsDigit(r) {
		return false
	}
	if len(words) >= 2 && strings.ToLower(words[len(words)-2]) == "to" {
		r, _ := utf8.DecodeRuneInString(words[len(words)-1])
		return unicode.IsUpper(r) || unicode.IsDigit(r) // "to Moscow", not "to expel"
	}
	return true
}

// danglers are words a headline does not end on.
var danglers = set("and", "or", "of", "the", "a", "an", "to", "in", "on", "at", "with", "for", "by",
	"from", "that", "which", "who", "as", "but", "its", "his", "her", "their", "is", "was", "were", "are",
	"within", "into", "over", "under", "about", "after", "before", "during", "since", "until", "between",
	"against", "through", "without", "than", "via", "amid")

func trimDangling(t string) string {
	for {
		t = trimEndMarks(t)
		if strings.HasSuffix(t, ".\"") || strings.HasSuffix(t, ",\"") {
			t = t[:len(t)-2] + "\"" // the quotation's own stop: chaos." -> chaos"
		}
		if n := len(t); n >= 2 && t[n-1] == '.' && t[n-2] != '.' && !(n >= 3 && t[n-3] == '.') {
			t = t[:n-1] // a full stop, not the end of "U.S."
		}
		i := strings.LastIndexByte(t, ' ')
		if i < 0 || !isDangler(t[i+1:]) {
			return t
		}
		t = t[:i]
	}
}

// endMarks are the marks trimDangling trims from the end of a title.
const endMarks = " ,;:-–—"

// trimEndMarks is strings.TrimRight(t, endMarks), answered at once for the
// usual title that ends in none: its last byte is neither an ASCII mark of
// the set nor the last byte of a dash.
func trimEndMarks(t string) string {
	if n := len(t); n > 0 {
		switch t[n-1] {
		case ' ', ',', ';', ':', '-', 0x93, 0x94: // 0x93, 0x94: the last bytes of "–" and "—"
		default:
			return t
		}
	}
	return strings.TrimRight(t, endMarks)
}

// isDangler is danglers[strings.ToLower(w)], without the lower-case copy of
// an ASCII word: the listed words are ASCII and short, so a longer ASCII
// word is none, and a shorter one is lower-cased on the stack.
func isDangler(w string) bool {
	var buf [maxDangler]byte
	if len(w) > maxDangler || !isASCII(w) {
		return !isASCII(w) && danglers[strings.ToLower(w)]
	}
	for i := 0; i < len(w); i++ {
		c := w[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		buf[i] = c
	}
	return danglers[string(buf[:len(w)])]
}

// maxDangler is the length of the longest word of danglers.
const maxDangler = 7

// trimWeakEnd trims a title cut mid-phrase back to a word it can end on:
// no function word, auxiliary or verb of saying before the "…".
func trimWeakEnd(t string) string {
	for {
		t = trimDangling(t)
		i := strings.LastIndexByte(t, ' ')
		if i < 0 || endsWell(strings.Fields(t[i+1:])) {
			return t
		}
		t = t[:i]
	}
}

// hasPairedMark reports whether t may hold a quotation mark or bracket
// (0xE2 leads the UTF-8 of “ and ”).
func hasPairedMark(t string) bool {
	for i := 0; i < len(t); i++ {
		if pairedMarkByte[t[i]] {
			return true
		}
	}
	return false
}

// pairedMarkByte marks the bytes hasPairedMark looks for: a table, as it is
// asked of every byte of most titles.
var pairedMarkByte = [256]bool{'"': true, '(': true, ')': true, '[': true, ']': true, 0xE2: true}

// markClass is the classes the tokenizer gives a mark by its first byte:
// cPairedMark for the bytes of pairedMarkByte, cComma for ",", cCutMark for
// cutTail's ASCII marks.
var markClass = func() (t [256]uint32) {
	for c, paired := range pairedMarkByte {
		if paired {
			t[c] = cPairedMark
		}
	}
	t[','] = cComma
	for _, c := range []byte(";:-!?") {
		t[c] = cCutMark
	}
	return t
}()

// balanceIf is balance(t) given whether t may hold a quotation mark or
// bracket (pairs): with none, balance would only collapse its white space.
func balanceIf(t string, pairs bool) string {
	if !pairs {
		return collapseSpace(t)
	}
	return balance(t)
}

// balance removes quotation marks and brackets that are not closed in t.
func balance(t string) string {
	if !hasPairedMark(t) {
		return collapseSpace(t) // nothing to balance: skip the counting
	}
	if strings.Count(t, "\"")%2 == 1 {
		t = strings.ReplaceAll(t, "\"", "")
	}
	if strings.Count(t, "“") != strings.Count(t, "”") {
		t = strings.NewReplacer("“", "", "”", "").Replace(t)
	}
	for _, p := range [][2]string{{"(", ")"}, {"[", "]"}} {
		if strings.Count(t, p[0]) != strings.Count(t, p[1]) {
			t = strings.NewReplacer(p[0], "", p[1], "").Replace(t)
		}
	}
	return collapseSpace(t)
}
