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
	var keep []int
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
	return shortTitle(render(s, keep))
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
	var keep []int
	if a.rel1 > 0 {
		keep = relativeTitle(s.toks, a)
	} else {
		// A headline needs the first few dozen words at most; the cap keeps
		// the work per title bounded on sentences without end.
		for i := c0; i < len(s.toks) && i < c0+maxTitleTokens; i++ {
			keep = append(keep, i)
		}
	}
	keep = dropBracketed(s.toks, keep)
	keep = dropIntro(s, keep)
	keep = dropParentheticals(s.toks, keep)
	keep = cutTail(s.toks, keep)
	keep = dropDates(s, keep)
	keep = trimPunct(s.toks, keep)
	keep = cutTail(s.toks, keep)
	if len(keep) < 2 {
		return shortTitle(s.text)
	}
	title := render(s, keep)
	title = x.namePronoun(title)
	return shortTitle(title)
}

// relativeTitle titles a date inside a relative clause by the clause and what
// it is about: "Brandt, who had led the city since 2014, said" gives "Brandt
// had led the city since 2014".
func relativeTitle(toks []token, a anchor) []int {
	ante := a.rel0 - 1 // the comma before "who"
	first := ante
	for first > 0 && toks[first-1].word && (toks[first-1].capitalised() || eventNouns[toks[first-1].lower()]) {
		first--
	}
	if first == ante && ante > 0 && toks[ante-1].word {
		first = ante - 1
		for first > 0 && toks[first-1].word && !isArticle(toks[first-1]) && !datePrepositions[toks[first-1].lower()] {
			first--
		}
	}
	var keep []int
	for i := first; i < ante; i++ {
		keep = append(keep, i)
	}
	start := a.rel0 + 1
	if toks[a.rel0].lower() == "whose" {
		keep = append(keep, a.rel0)
	}
	for i := start; i < a.rel1; i++ {
		keep = append(keep, i)
	}
	return keep
}

// dropBracketed removes (...) and [...] with their contents.
func dropBracketed(toks []token, keep []int) []int {
	out := keep[:0:0]
	depth := 0
	for _, i := range keep {
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
// debate on Wednesday,", "The next day,") and an opening conjunction.
func dropIntro(s *sentence, keep []int) []int {
	for round := 0; round < 3 && len(keep) > 0; round++ {
		first := s.toks[keep[0]]
		if first.word && (first.lower() == "but" || first.lower() == "and" || first.lower() == "so" || first.lower() == "yet") {
			keep = keep[1:]
			continue
		}
		comma := -1
		for k := 0; k < len(keep) && k < 16; k++ {
			if s.toks[keep[k]].text == "," {
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
		keep = keep[comma+1:]
	}
	return keep
}

// speechTag reports whether the tokens are a short closing "she said",
// "the ministry added" after the words reported.
func speechTag(toks []token, rest []int) bool {
	words := 0
	for _, i := range rest {
		if !toks[i].word {
			continue
		}
		words++
		if reportingVerbs[toks[i].lower()] {
			return true
		}
		if words > 5 {
			return false
		}
	}
	return false
}

// isParticiple reports a lowercase "-ing" word opening a trailing phrase
// (", escalating a dispute").
func isParticiple(tk token) bool {
	return !tk.capitalised() && strings.HasSuffix(tk.text, "ing") && len(tk.text) > 5
}

// dropParentheticals removes ", who ... ," and ", which ... ," when the
// sentence goes on after them, ", citing ..., " style asides and appositive
// names (", Ilse Brandt,").
func dropParentheticals(toks []token, keep []int) []int {
	for k := 0; k+1 < len(keep); k++ {
		if toks[keep[k]].text != "," {
			continue
		}
		if m := appositiveName(toks, keep, k); m > 0 {
			keep = append(keep[:k:k], keep[m:]...)
			k--
			continue
		}
		w := toks[keep[k+1]].lower()
		if w != "who" && w != "which" && w != "whose" && w != "citing" && w != "according" && w != "however" {
			continue
		}
		end := -1
		for m := k + 1; m < len(keep); m++ {
			if toks[keep[m]].text == "," {
				end = m
				break
			}
		}
		if end < 0 || end == len(keep)-1 {
			continue
		}
		keep = append(keep[:k:k], keep[end+1:]...)
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
	if m-k < 3 || m >= len(keep)-1 || toks[keep[m]].text != "," {
		return 0 // need two or more capitalised words, then a comma, then more
	}
	return m + 1
}

// cutTail ends the title at a trailing phrase or clause: ", with ...",
// ", saying ...", "; ...", " - ...", ": ...".
func cutTail(toks []token, keep []int) []int {
	for k := 1; k < len(keep); k++ {
		t := toks[keep[k]].text
		switch t {
		case ";", ":", "—", "–", "-", "!", "?":
			return keep[:k]
		case ",":
			if k+1 < len(keep) && toks[keep[k+1]].word && (tailStarters[toks[keep[k+1]].lower()] || isParticiple(toks[keep[k+1]])) {
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
	drop := make([]bool, len(s.toks))
	for i := range s.toks {
		if s.toks[i].quoted {
			continue // words quoted are kept whole: "another summer of chaos"
		}
		if !s.inDate[i] || i > 0 && s.inDate[i-1] {
			drop[i] = s.inDate[i]
			continue
		}
		drop[i] = true
		for j := i - 1; j >= 0 && !s.inDate[j]; j-- {
			w := s.toks[j].lower()
			between := (w == "and" || w == "to" || w == "through" || w == "-" || w == "–") && j > 0 && s.inDate[j-1]
			if !between && (!s.toks[j].word || !(datePrepositions[w] || w == "this" || w == "last" || w == "next")) {
				break
			}
			drop[j] = true
		}
	}
	out := keep[:0:0]
	for _, i := range keep {
		if !drop[i] {
			out = append(out, i)
		}
	}
	return out
}

// trimPunct removes commas and stray marks left at either end or doubled.
func trimPunct(toks []token, keep []int) []int {
	out := keep[:0:0]
	for _, i := range keep {
		t := toks[i].text
		if t == "," && (len(out) == 0 || toks[out[len(out)-1]].text == ",") {
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
	var b strings.Builder
	for k, i := range keep {
		if k > 0 {
			prev := keep[k-1]
			if prev == i-1 {
				gap := s.text[s.toks[prev].end:s.toks[i].start]
				if strings.TrimSpace(gap) == "" && gap != "" {
					b.WriteByte(' ')
				} else {
					b.WriteString(gap)
				}
			} else {
				b.WriteByte(' ')
			}
		}
		b.WriteString(s.toks[i].text)
	}
	return tidySpacing(b.String())
}

// tidySpacing undoes tokenised spacing (" , ", " 's", "( x )") and collapses space.
func tidySpacing(t string) string {
	t = collapseSpace(t)
	for _, r := range [][2]string{{" ,", ","}, {" .", "."}, {" 's", "'s"}, {" ' s ", "'s "}, {"( ", "("}, {" )", ")"}, {" ;", ";"}, {" :", ":"}, {" ?", "?"}, {" !", "!"}, {" n't", "n't"}} {
		t = strings.ReplaceAll(t, r[0], r[1])
	}
	return t
}

// namePronoun replaces an opening "He"/"She" with the person last named.
func (x *extractor) namePronoun(title string) string {
	if x.lastName == "" {
		return title
	}
	for _, p := range []string{"He ", "he ", "She ", "she "} {
		if strings.HasPrefix(title, p) {
			return x.lastName + " " + title[len(p):]
		}
	}
	return title
}

// shortTitle makes a headline: one line, capitalised, at most maxTitle bytes
// cut at a word, no dangling quote, bracket or function word at the end.
func shortTitle(t string) string {
	t = tidySpacing(t)
	if len(t) > maxTitle {
		cut := strings.LastIndexByte(t[:maxTitle-1], ' ')
		if cut <= 0 {
			cut = maxTitle
			for cut > 0 && !utf8.RuneStart(t[cut]) {
				cut--
			}
		}
		t = trimDangling(balance(t[:cut])) + "…"
	}
	t = balance(t)
	t = trimDangling(t)
	r, n := utf8.DecodeRuneInString(t)
	if unicode.IsLower(r) {
		t = string(unicode.ToUpper(r)) + t[n:]
	}
	return t
}

// danglers are words a headline does not end on.
var danglers = set("and", "or", "of", "the", "a", "an", "to", "in", "on", "at", "with", "for", "by",
	"from", "that", "which", "who", "as", "but", "its", "his", "her", "their", "is", "was", "were", "are")

func trimDangling(t string) string {
	for {
		t = strings.TrimRight(t, " ,;:-–—")
		if strings.HasSuffix(t, ".\"") || strings.HasSuffix(t, ",\"") {
			t = t[:len(t)-2] + "\"" // the quotation's own stop: chaos." -> chaos"
		}
		if n := len(t); n >= 2 && t[n-1] == '.' && t[n-2] != '.' && !(n >= 3 && t[n-3] == '.') {
			t = t[:n-1] // a full stop, not the end of "U.S."
		}
		i := strings.LastIndexByte(t, ' ')
		if i < 0 || !danglers[strings.ToLower(t[i+1:])] {
			return t
		}
		t = t[:i]
	}
}

// balance removes quotation marks and brackets that are not closed in t.
func balance(t string) string {
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
