package events

import (
	"strings"

	"github.com/newsline/timeline/timeline"
)

// anchorKind tells what a date expression dates in its sentence.
type anchorKind int

const (
	anchorNone   anchorKind = iota // modifies a noun that names no happening ("its 2024 budget")
	anchorNoun                     // a noun phrase naming a happening ("the 2020 war")
	anchorClause                   // the clause around it ("on Wednesday, he said ...")
)

// anchor is where a date expression attaches, in token indices of its sentence.
type anchor struct {
	kind        anchorKind
	first, last int  // the expression's tokens [first, last)
	np0, np1    int  // the noun phrase [np0, np1) for anchorNoun
	possessor   bool // the date is the possessor of the noun phrase ("this year's summit")
	reported    bool // inside a clause reported by a verb of saying ("reported that ... in 2019")
	rep0        int  // first token of the reported clause
	// rel0, rel1 bound a relative clause set off by commas that holds the
	// date ("Brandt, who had led the city since 2014, said"): [rel0, rel1)
	// from "who" to before the closing comma; rel1 == 0 when none.
	rel0, rel1 int
}

// relativeAside finds the comma-delimited relative clause around the date
// at tokens [i, last): "Brandt, who had led the city since 2014, said", or a
// participle set off by commas after a name or a noun with its article
// ("Jobs, born in San Francisco on February 24, 1955, has built ...", "The
// bridge, opened in 1987, was closed"), which the date dates, not the clause
// it interrupts.
func relativeAside(toks []token, i, last int) (int, int) {
	start, participle := -1, false
	for j := i - 1; j > 0; j-- {
		// (the marks' and the relative words' class bits answer for most
		// words without comparing strings)
		tk := &toks[j]
		if tk.cls&cComma != 0 || tk.cls&cCutMark != 0 && tk.text == ";" {
			return 0, 0
		}
		afterComma := toks[j-1].cls&cComma != 0
		if tk.cls&cRelative != 0 {
			if w := tk.lower(); afterComma && (w == "who" || w == "which" || w == "whose") || (w == "who" || w == "which") && nameBefore(toks, j) {
				start = j
				break
			}
		}
		if afterComma && j >= 2 && asideParticiple(tk) && namesThing(toks, j-2) {
			start, participle = j, true
			break
		}
	}
	if start < 0 {
		return 0, 0
	}
	for j := max(last, i+1); j < len(toks); j++ {
		if toks[j].text == "," || toks[j].text == ";" || toks[j].text == "." {
			if participle && !asideCloses(toks, j) {
				// "The mayor, Ilse Brandt, resigned on Thursday, days after
				// ...": the main verb after an appositive, not an aside
				return 0, 0
			}
			return start, j
		}
	}
	if participle {
		return 0, 0
	}
	return start, len(toks)
}

// nameBefore reports whether a name written without a comma comes right
// before the relative word at j ("He bought Pixar which was acquired by
// Disney in 2005"): a name takes no defining relative clause, so the clause
// is an aside all the same.
func nameBefore(toks []token, j int) bool {
	k := j - 1
	return k > 0 && toks[k].word && !toks[k].quoted && toks[k].capitalised() && toks[k].end < toks[j].start
}

// asideCloses reports whether the mark at j closes an aside: a comma that
// the clause's finite verb follows ("Jobs, born in 1955, has built").
func asideCloses(toks []token, j int) bool {
	return toks[j].text == "," && j+1 < len(toks) && finiteVerb(&toks[j+1])
}

// asideParticiples are irregular past participles that open an aside after a
// name ("Jobs, born in 1955, ...").
var asideParticiples = set("born", "built", "held", "made", "known", "chosen", "taken", "given", "written",
	"won", "sold", "bought", "brought", "seen", "begun", "shown", "grown", "drawn", "driven", "sworn",
	"struck", "caught", "thrown", "laid", "paid", "sent", "spent", "kept", "lost", "left", "led", "hit", "set")

// asideParticiple reports a lower-case past participle: an -ed word or one of
// asideParticiples.
func asideParticiple(tk *token) bool {
	if !tk.word || tk.quoted || tk.capitalised() {
		return false
	}
	w := tk.lower()
	return asideParticiples[w] || len(w) > 4 && strings.HasSuffix(w, "ed") && w != "indeed"
}

// namesThing reports whether token k ends a name ("Jobs") or a noun after
// its article ("the bridge"): what an aside after it can be about.
func namesThing(toks []token, k int) bool {
	tk := &toks[k]
	if !tk.word || tk.quoted {
		return false
	}
	if tk.capitalised() {
		return k > 0 || !sentenceOpeners[tk.text]
	}
	if finiteVerb(tk) {
		return false
	}
	for j := k - 1; j >= 0 && j >= k-3; j-- {
		if !toks[j].word || toks[j].quoted || finiteVerb(&toks[j]) {
			return false
		}
		if toks[j].is(cDeterminer) {
			return true // "the bridge", "the harbour bridge"
		}
	}
	return false
}

// anchorOf decides what expression t dates in sentence s.
func anchorOf(s *sentence, t timeline.Timex) anchor {
	a := anchor{first: -1}
	first, last := tokensWithin(s.toks, t.Start, t.End)
	if first == last {
		return a
	}
	a.first, a.last = first, last
	if a.last-a.first > 1 && s.toks[a.first].is(cDeterminer) && a.last < len(s.toks) && s.toks[a.last].word && s.toks[a.last].is(cEventNoun) {
		a.first++ // "the July 2021 floods": the article belongs to the noun phrase
	}
	if inSourcing(s.toks, a.first) || isBaseline(s.toks, a.first) {
		return anchor{kind: anchorNone}
	}
	if inIntro(s.toks, a.first) {
		a.kind = anchorClause
		return a
	}
	if head, ok := premodifiedHead(s.toks, &a); ok {
		a.kind = anchorNoun
		a.np1 = extendPhrase(s.toks, head+1)
		return a
	}
	if a.kind == anchorNone && a.np1 < 0 {
		return anchor{kind: anchorNone}
	}
	if np0, np1, ok := postmodifiedNoun(s.toks, a.first); ok {
		a.kind, a.np0, a.np1 = anchorNoun, np0, np1
		return a
	}
	if s.toks[a.first].quoted && !bracketedDate(s.toks, a.first) {
		// A date quoted without an event noun is a label ("Steve Jobs
		// 1955-2011") or someone's words; it does not date the sentence.
		return anchor{kind: anchorNone}
	}
	a.kind = anchorClause
	if s.cls&cReporting != 0 { // else no clause is reported: saysAt needs a reporting verb
		a.rep0 = insideReportedClause(s.toks, a.first)
	}
	a.reported = a.rep0 > 0
	a.rel0, a.rel1 = relativeAside(s.toks, a.first, a.last)
	return a
}

// premodifiedHead finds the event noun a date premodifies: "the 2020 war",
// "Baku's 2020 attack", "this year's conference". It sets a.np0. When the date
// premodifies a noun that names no happening it sets a.np1 = -1 and reports false.
func premodifiedHead(toks []token, a *anchor) (int, bool) {
	a.np1 = 0
	i := a.first - 1
	start := a.last
	switch {
	case a.last < len(toks) && toks[a.last].text == "'s":
		a.possessor = true
		a.np0 = a.last + 1
		start = a.last + 1
	case i >= 0 && toks[i].text == "'s":
		a.np0 = possessorStart(toks, i)
	case i >= 0 && toks[i].word && toks[i].is(cDeterminer):
		a.np0 = i
	default:
		return 0, false
	}
	head := -1
	for j := start; j < len(toks) && j < start+5; j++ {
		tk := toks[j]
		if !tk.word && tk.text != "'s" && tk.text != "-" {
			break
		}
		if stopsNounPhrase(&toks[j]) {
			break
		}
		if tk.is(cEventNoun) {
			head = j
		}
	}
	if head < 0 {
		if timeNounAfter(toks, start) >= 0 {
			return 0, false // "during the Christmas sales period": a time, which dates the clause
		}
		if !a.possessor {
			a.np1 = -1 // a date modifying a thing, not a happening: dates nothing
		}
		return 0, false
	}
	return head, true
}

// timeNouns name a stretch of time: a date premodifying one ("the 2019
// holiday season", "the Christmas and New Year sales period") names a time,
// not a thing.
var timeNouns = set("period", "season", "holidays", "holiday", "weekend", "break", "rush")

// timeNounAfter returns the index of the time noun that ends the noun
// phrase going on from start, up to the first punctuation or clause word,
// passing over "and" before a capitalised word ("Christmas and New Year");
// -1 when the phrase has none.
func timeNounAfter(toks []token, start int) int {
	for j := start; j < len(toks) && j < start+6; j++ {
		tk := &toks[j]
		if !tk.word || tk.quoted {
			return -1
		}
		if tk.low == "and" && j+1 < len(toks) && toks[j+1].word && toks[j+1].capitalised() {
			continue
		}
		if stopsNounPhrase(tk) {
			return -1
		}
		if timeNouns[tk.low] {
			return j
		}
	}
	return -1
}

// possessorStart walks back from a possessive "'s" over the name that owns it.
func possessorStart(toks []token, apos int) int {
	j := apos - 1
	for j > 0 && toks[j-1].word && toks[j-1].capitalised() && !sentenceOpeners[toks[j-1].text] {
		j--
	}
	if j < 0 {
		return apos
	}
	return j
}

// stopsNounPhrase reports words that cannot sit inside a premodified noun phrase.
func stopsNounPhrase(tk *token) bool {
	if tk.is(cDatePrep | cPast | cPresent | cReporting) {
		return true
	}
	switch tk.low {
	case "which", "that", "who", "and", "or", "to", "for", "with":
		return true
	}
	return false
}

// phrasePrepositions may continue an event noun phrase ("attack on Armenia").
var phrasePrepositions = set("of", "on", "against", "over", "by", "between", "with", "to", "from", "for", "in", "into")

// extendPhrase extends a noun phrase ending before i over one or two
// prepositional phrases, stopping at punctuation, clause words and verbs.
func extendPhrase(toks []token, i int) int {
	end := i
	for j := i; j < len(toks) && j < i+9; j++ {
		tk := toks[j]
		if !tk.word && tk.text != "'s" && tk.text != "-" {
			break
		}
		w := tk.lower()
		if j == i && !tk.is(cPhrasePrep) {
			break
		}
		if w == "which" || w == "that" || w == "who" || w == "and" || w == "while" || w == "as" || w == "since" ||
			w == "when" || tk.is(cPast|cPresent|cReporting) {
			break
		}
		if !tk.is(cPhrasePrep) {
			end = j + 1
		}
	}
	return end
}

// postmodifiedNoun finds "the 44-day war [in 2020]" and "its launch in 2003":
// a date after in/on/during/of that follows an event noun with a determiner.
func postmodifiedNoun(toks []token, first int) (int, int, bool) {
	p := first - 1
	if p >= 0 && (toks[p].text == "[" || toks[p].text == "(") {
		p--
	}
	if p < 1 || !toks[p].word {
		return 0, 0, false
	}
	switch toks[p].lower() {
	case "in", "on", "during", "of":
	default:
		return 0, 0, false
	}
	k := p - 1
	if k >= 0 && (toks[k].text == "[" || toks[k].text == "(") {
		k--
	}
	if k < 0 || !toks[k].word || !toks[k].is(cEventNoun) {
		return 0, 0, false
	}
	bracketed := first > 0 && (toks[first-1].text == "[" || toks[first-1].text == "(")
	for j := k - 1; j >= 0 && j >= k-3; j-- {
		tk := toks[j]
		if tk.text == "'s" {
			return possessorStart(toks, j), k + 1, true
		}
		if !tk.word {
			break
		}
		if tk.is(cDeterminer) {
			// "suspend the agreement on 3 October" dates the suspending: a
			// noun phrase that is a verb's object takes the date only when
			// it is possessed ("its launch in 2003") or the date is set apart.
			if possessive(tk.lower()) || bracketed || j == 0 || !toks[j-1].word || toks[j-1].is(cPhrasePrep) {
				return j, k + 1, true
			}
			break
		}
		if tk.is(cPast | cPresent | cDatePrep) {
			break
		}
	}
	return 0, 0, false
}

// bracketedDate reports an editor's insertion inside a quotation ("[in 2020]").
func bracketedDate(toks []token, first int) bool {
	for j := first - 1; j >= 0 && j >= first-3; j-- {
		if toks[j].text == "[" {
			return true
		}
	}
	return false
}

func possessive(w string) bool {
	return w == "its" || w == "his" || w == "her" || w == "their" || w == "our" || w == "my" || w == "your"
}

// insideReportedClause reports whether the token at i sits in a clause
// introduced by "that" after a verb of saying ("Politico reported, citing
// leaked documents, that Belarus delivered weapons between 2018 and 2020").
func insideReportedClause(toks []token, i int) int {
	for j := i - 1; j >= 0; j-- {
		tk := &toks[j]
		if tk.text == ";" {
			return 0
		}
		if tk.text == "," && j+1 < i && isParticiple(toks[j+1]) && !reportingVerbs[pastOfGerund(toks[j+1].lower())] {
			// "added night crossings to its routes, prompting the port to
			// sue in 1998": a closing participle phrase reports nothing
			// (", adding that ..." and ", saying ..." report, as before)
			return 0
		}
		if !tk.word {
			continue
		}
		w := tk.lower()
		if w == "that" {
			for k := j - 1; k >= 0 && k >= j-7; k-- {
				if saysAt(toks, k) {
					return j + 1
				}
			}
			continue
		}
		// "Auditors said the port lost money in 2019": a verb of saying
		// followed directly by its clause; "said yesterday" is not one.
		if saysAt(toks, j) && j+1 < i && toks[j+1].word && !insideSpan(toks, j+1, i) && !isIntroWord(toks[j+1]) &&
			!(j > 0 && toks[j-1].text == "," && midSpeechTag(toks, j-1) > 0) {
			// (", said the harbour master, and ...": a tag names the
			// speaker, it reports no clause)
			return j + 1
		}
		if tk.text == "," {
			return 0
		}
	}
	return 0
}

// saysAt reports whether token i is a verb of saying: a reporting verb that
// is neither a word of a name ("the United States", "Consumer Reports") nor a
// participle used as an adjective ("the recently announced phone", "its
// stated aim"), which report nothing.
func saysAt(toks []token, i int) bool {
	tk := &toks[i]
	if !tk.word || !tk.is(cReporting) {
		return false
	}
	if i > 0 && tk.capitalised() && toks[i-1].word {
		return false
	}
	j := i - 1
	if j >= 0 && toks[j].word && strings.HasSuffix(toks[j].lower(), "ly") {
		j--
	}
	return j < 0 || !toks[j].word || !toks[j].is(cDeterminer)
}

// insideSpan reports whether token k is the first token of the date at i.
func insideSpan(toks []token, k, i int) bool { return k == i }

// isIntroWord reports words that open an adverbial phrase set off by a comma
// before the subject ("Speaking at ...", "Later Thursday", "In 1996, ...").
func isIntroWord(tk token) bool {
	w := tk.lower()
	switch w {
	case "yesterday", "today", "tonight", "later", "earlier", "then", "meanwhile", "however",
		"but", "and", "so", "yet", "also", "afterwards", "subsequently", "finally", "since", "amid",
		"following", "despite", "according", "after", "before", "while", "when", "once", "beyond",
		"under", "for", "with", "without", "within", "among", "besides", "moreover", "instead", "rather":
		return true
	}
	return tk.is(cDatePrep) || strings.HasSuffix(w, "ing") && len(w) > 5 || strings.HasSuffix(w, "ly") && len(w) > 5
}

// inSourcing reports whether token i sits in a phrase naming the source of
// the news ("according to figures released April 3", "citing a May report"):
// such a date dates the source, not the happening the sentence tells.
func inSourcing(toks []token, i int) bool {
	for j := i - 1; j >= 0; j-- {
		w := toks[j].lower()
		if toks[j].text == "," || toks[j].text == ";" {
			return false
		}
		if w == "citing" || w == "according" && j+1 < len(toks) && toks[j+1].lower() == "to" {
			return true
		}
	}
	return false
}

// isBaseline reports a date a comparison measures against ("3.2 percent
// less than in 2019", "compared with 2019", "up 82% from 9 months ago"):
// it dates no happening of its own.
func isBaseline(toks []token, i int) bool {
	for j := i - 1; j >= 0 && j >= i-3; j-- {
		switch toks[j].lower() {
		case "than", "compared", "versus", "vs":
			return true
		case "from":
			if j > 0 && (toks[j-1].text == "%" || toks[j-1].lower() == "percent") {
				return true
			}
			return fromAmount(toks, i)
		}
	}
	return fromAmount(toks, i)
}

// fromAmount reports a date after the amount a change started from: "rose to
// $7.1 billion in 2006 from $5.8 billion in 2005", "up from 4 pence a year
// earlier".
func fromAmount(toks []token, i int) bool {
	j := i - 1
	if j >= 0 && toks[j].lower() == "in" {
		j--
	}
	amount := 0
	for ; j >= 0 && j >= i-8; j-- {
		tk := &toks[j]
		if tk.lower() == "from" {
			return amount > 0
		}
		if !amountWord(tk) {
			return false
		}
		amount++
	}
	return false
}

// amountWord reports a token of an amount: a number, a currency or percent
// sign, or a word of scale or currency.
func amountWord(tk *token) bool {
	if tk.quoted || tk.text == "" {
		return false
	}
	if c := tk.text[0]; c >= '0' && c <= '9' {
		return true
	}
	return tk.cls&cAmount != 0 // amountWords: its bit, not a map look-up
}

var amountWords = set("$", "€", "£", "¥", "%", "us", "c", "us$", "c$", "percent", "per", "cent",
	"thousand", "million", "billion", "trillion", "bn", "m", "dollars", "euros", "pounds", "pence",
	"cents", "crowns", "yen", "francs", "a", "share", "points", "tons", "tonnes", "barrels")

// inIntro reports whether token i lies in an introductory phrase: the words
// before the first comma of a sentence that opens with a preposition or
// adverb ("In a July 16 press conference, Jobs said ..."). A dated noun
// phrase there sets the time of the clause that follows.
func inIntro(toks []token, i int) bool {
	if len(toks) == 0 || !isIntroWord(toks[0]) {
		return false
	}
	for j := 0; j < len(toks) && j < 16; j++ {
		if toks[j].text == "," {
			return i < j
		}
	}
	return false
}
