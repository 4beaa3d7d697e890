package timex

import (
	"strings"

	"github.com/newsline/timeline/timeline"
)

// Calendar rules: absolute and underspecified dates ("12 June 2024",
// "June 2024", "2024-06-12", "in 2020", "the 1990s", "summer 2019", "Q3").

// matchPoint reads a calendar expression starting at token i.
func matchPoint(d *doc, i int) (point, int, bool) {
	if p, j, ok := matchISO(d, i); ok {
		return p, j, true
	}
	if p, j, ok := matchSlash(d, i); ok {
		return p, j, true
	}
	if d.is(i, cWeekday) {
		// "Wednesday, June 12" / "Wednesday 12 June"
		k := i + 1
		if d.punct(k, ',') {
			k++
		}
		if p, j, ok := matchMonthDate(d, k); ok && p.day > 0 {
			p.weekday = int(d.toks[i].val)
			return p, j, true
		}
		if p, j, ok := matchDayMonth(d, k); ok {
			p.weekday = int(d.toks[i].val)
			return p, j, true
		}
		return point{}, 0, false
	}
	if p, j, ok := matchMonthDate(d, i); ok {
		return p, j, true
	}
	if p, j, ok := matchDayMonth(d, i); ok {
		return p, j, true
	}
	if p, j, ok := matchSeason(d, i); ok {
		return p, j, true
	}
	if p, j, ok := matchDecade(d, i); ok {
		return p, j, true
	}
	if y, j, ok := matchYear(d, i, false); ok {
		p := newPoint()
		p.year, p.yearDig = y, 4
		return p, j, true
	}
	if y, j, ok := matchWordYear(d, i); ok {
		p := newPoint()
		p.year, p.yearDig = y, 4
		return p, j, true
	}
	return point{}, 0, false
}

// matchWordYear reads years spelt out, as transcripts of broadcasts write
// them: "nineteen ninety-six", "twenty twenty", "(the year) two thousand".
func matchWordYear(d *doc, i int) (int, int, bool) {
	if !d.is(i, cNumWord) {
		return 0, 0, false
	}
	hi := int(d.toks[i].val)
	if (hi == 2 || hi == 1) && d.is(i+1, cNumWord) && d.toks[i+1].val == 1000 {
		if !d.lowerIs(i-1, "year") && !spokenYearAfterPrep(d, i) {
			return 0, 0, false // "two thousand people"
		}
		y, j := hi*1000, i+2
		if d.mod(j, mAnd) && d.is(j+1, cNumWord) {
			j++
		}
		if n, e, ok := count(d, j); ok && n > 0 && n < 100 && d.is(j, cNumWord) {
			y, j = y+n, e
		}
		return y, j, true
	}
	if hi < 10 || hi > 20 || !d.is(i+1, cNumWord) {
		return 0, 0, false
	}
	lo, j, ok := count(d, i+1)
	if !ok || lo < 10 || lo > 99 {
		return 0, 0, false
	}
	return hi*100 + lo, j, true
}

// spokenYearAfterPrep reports whether "two thousand and three" at i is a
// year: after a preposition that takes a year, with the "and" and a count
// below a hundred, and no noun after it ("in two thousand and three cases").
func spokenYearAfterPrep(d *doc, i int) bool {
	if !yearPrepBefore(d, i) || !d.mod(i+2, mAnd) || !d.is(i+3, cNumWord) {
		return false
	}
	n, e, ok := count(d, i+3)
	if !ok || n < 1 || n > 99 {
		return false
	}
	t := d.toks[min(e, d.n()-1)]
	return e >= d.n() || t.kind != tWord || t.known || t.upper || inSet(afterClockWords, d.textOf(e))
}

// matchISO reads 2024-06-12 (and 2024/06/12).
func matchISO(d *doc, i int) (point, int, bool) {
	y, ok := d.num(i)
	if !ok || d.toks[i].ndig != 4 || !d.glued(i+1) || !d.glued(i+2) || !d.glued(i+3) || !d.glued(i+4) {
		return point{}, 0, false
	}
	sep := d.toks[i+1].ch
	if d.toks[i+1].kind != tPunct || (sep != '-' && sep != '/') || !d.punct(i+3, sep) {
		return point{}, 0, false
	}
	m, ok1 := d.num(i + 2)
	day, ok2 := d.num(i + 4)
	if !ok1 || !ok2 || d.toks[i+2].ndig > 2 || d.toks[i+4].ndig > 2 || !validMD(m, day) {
		return point{}, 0, false
	}
	if i+5 < d.n() && d.glued(i+5) && (d.toks[i+5].kind == tNum || d.punct(i+5, sep)) {
		return point{}, 0, false
	}
	p := newPoint()
	p.year, p.yearDig, p.month, p.day = y, 4, m, day
	return p, i + 5, true
}

// matchSlash reads US numeric dates: 6/12/2024, 6/12/24.
func matchSlash(d *doc, i int) (point, int, bool) {
	m, ok := d.num(i)
	if !ok || d.toks[i].ndig > 2 || !d.glued(i+1) || !d.glued(i+2) || !d.glued(i+3) || !d.glued(i+4) {
		return point{}, 0, false
	}
	sep := rune('/')
	if d.punct(i+1, '.') && d.toks[min(i+4, d.n()-1)].ndig == 4 {
		sep = '.' // "14.06.2024" is written day first
	}
	if !d.punct(i+1, sep) || !d.punct(i+3, sep) {
		return point{}, 0, false
	}
	day, ok1 := d.num(i + 2)
	y, ok2 := d.num(i + 4)
	if sep == '.' || (m > 12 && day <= 12) {
		m, day = day, m // "25/06/2024" can only be day first
	}
	if !ok1 || !ok2 || d.toks[i+2].ndig > 2 || !validMD(m, day) {
		return point{}, 0, false
	}
	if i+5 < d.n() && d.glued(i+5) && (d.punct(i+5, sep) || d.toks[i+5].kind == tNum) && d.toks[min(i+6, d.n()-1)].kind == tNum {
		return point{}, 0, false // "1.2.2024.7": a version or an address, not a date
	}
	switch d.toks[i+4].ndig {
	case 2:
		if y < 50 {
			y += 2000
		} else {
			y += 1900
		}
	case 4:
	default:
		return point{}, 0, false
	}
	if i > 0 && d.glued(i) && (d.toks[i-1].kind == tNum || d.punct(i-1, '/')) {
		return point{}, 0, false
	}
	p := newPoint()
	p.year, p.yearDig, p.month, p.day = y, 4, m, day
	return p, i + 5, true
}

func validMD(m, d int) bool { return m >= 1 && m <= 12 && d >= 1 && d <= 31 }

// monthAt reads a month name (with an optional abbreviation dot) at i.
// Weak months ("May", "March") must be capitalised; strict asks for more
// evidence, given by the caller (a day or a year next to it).
func monthAt(d *doc, i int) (int, int, bool) {
	e, ok := d.word(i)
	if !ok || e.class != cMonth || !d.toks[i].upper {
		return 0, 0, false
	}
	j := i + 1
	full := len(d.textOf(i)) > 4 || lexiconFullMonth(d.textOf(i))
	if d.punct(j, '.') && d.glued(j) && !full {
		j++
	}
	return int(e.val), j, true
}

var fullShortMonths = map[string]bool{"may": true, "june": true, "july": true}

func lexiconFullMonth(s string) bool {
	return inSet(fullShortMonths, s)
}

// yearAfterDay reads the year that may follow a month and day at j ("June 12,
// 2024", "March eighth 2020") into p, and returns where the date ends.
func yearAfterDay(d *doc, p point, j int) (point, int) {
	k := j
	if d.punct(k, ',') {
		k++
	}
	if y, e, ok := matchYear(d, k, true); ok {
		p.year, p.yearDig, j = y, 4, e
	}
	return p, j
}

// isAbbrevMonth reports whether the month word at i is an abbreviation.
func isAbbrevMonth(d *doc, i int) bool {
	s := d.textOf(i)
	return len(s) <= 4 && !lexiconFullMonth(s)
}

// matchMonthDate reads "June 12", "June 12, 2024", "June 2024", "June" and
// "Sept. 30".
func matchMonthDate(d *doc, i int) (point, int, bool) {
	m, j, ok := monthAt(d, i)
	if !ok {
		return point{}, 0, false
	}
	p := newPoint()
	p.month = m
	if d.is(j, cOrdinal) && d.toks[j].val <= 31 && !d.unitAfter(j+1) && !d.dash(j+1) && !d.lowerIs(j+1, "half") {
		// "March eighth", as broadcasts say it
		p.day = int(d.toks[j].val)
		p, j = yearAfterDay(d, p, j+1)
		return p, j, true
	}
	if d.mod(j, mThe) {
		// "March the third", as British speech says it
		if day, e, ok := ordinalAt(d, j+1); ok && !d.unitAfter(e) && !d.dash(e) && !d.lowerIs(e, "half") {
			p.day = day
			p, j = yearAfterDay(d, p, e)
			return p, j, true
		}
	}
	if day, ok := d.num(j); ok || (j < d.n() && d.toks[j].kind == tNum && d.toks[j].ord) {
		if !ok {
			day = int(d.toks[j].val)
		}
		if d.toks[j].ndig <= 2 && day >= 1 && day <= 31 && d.isolatedNumber(j) && !d.unitAfter(j+1) {
			p.day = day
			p, j = yearAfterDay(d, p, j+1)
			return p, j, true
		}
		if y, e, ok := matchYear(d, j, true); ok {
			p.year, p.yearDig = y, 4
			return p, e, true
		}
		return point{}, 0, false
	}
	k := j
	if d.punct(k, ',') || d.mod(k, mOf) {
		k++
	}
	if y, e, ok := matchYear(d, k, true); ok {
		p.year, p.yearDig = y, 4
		return p, e, true
	}
	if y, e, ok := matchWordYear(d, k); ok && !isAbbrevMonth(d, i) {
		p.year, p.yearDig = y, 4 // spoken news: "January nineteen ninety-seven"
		return p, e, true
	}
	if y, e, ok := shortYearAt(d, k); ok && k > j {
		p.year, p.yearDig = y, 4 // "June of '69"
		return p, e, true
	}
	// a month on its own: abbreviations and weak names need a temporal cue before
	if isAbbrevMonth(d, i) && j == i+1 {
		return point{}, 0, false
	}
	if j == i+1 && d.toks[i].upper && honorificBefore(d, i) {
		return point{}, 0, false // "Ms. June said", "Mrs May": a surname
	}
	if j == i+1 && d.toks[i].upper && ledBody(d, i, j) {
		return point{}, 0, false // "the May government": Mrs May's, as "the Bush administration"
	}
	if d.toks[i].ent.weak && (!temporalCueBefore(d, i) || d.mod(i-1, mThe) || d.mod(i-1, mOn) || d.mod(i-1, mThat)) && !monthBeforeNoun(d, i, j) {
		return point{}, 0, false
	}
	if d.glued(j) && j < d.n() && d.toks[j].kind != tPunct {
		return point{}, 0, false
	}
	return p, j, true
}

// ledBody reports whether the month at i, after "the", qualifies a noun at j
// that names a body or a term led by a person ("the May government", "the
// June administration", "the May cabinet's plan"): English names these by
// the leader's surname ("the Bush administration"), and a month that is also
// a name is then that name. The noun must end its phrase: before another
// noun the month dates the thing ("the May government bond auction", "the
// June cabinet meeting"), so what follows must be punctuation, a possessive,
// the end, or a word that cannot be a noun (a preposition, an auxiliary, a
// past verb).
func ledBody(d *doc, i, j int) bool {
	if !d.mod(i-1, mThe) || j >= d.n() || d.toks[j].kind != tWord || d.toks[j].gap != gSpace || !inSet(ledBodies, d.textOf(j)) {
		return false
	}
	k := j + 1
	if k >= d.n() || d.toks[k].kind != tWord || possessiveAt(d, k) {
		return true
	}
	w := d.textOf(k)
	return inSet(notNounAfterMonth, w) || inSet(pastWords, w) || inSet(notSubject, w) || inSet(ledBodyNext, w) ||
		(len(w) > 4 && strings.HasSuffix(w, "ed") && !d.toks[k].upper)
}

// honorificBefore reports whether an honorific ("Mr.", "Mrs", "Ms.", "Dr.")
// comes right before token i, which is then a surname.
func honorificBefore(d *doc, i int) bool {
	k := i - 1
	if d.punct(k, '.') && d.glued(k) {
		k--
	}
	return k >= 0 && d.toks[k].kind == tWord && d.toks[k].upper && inSet(honorifics, d.textOf(k))
}

var honorifics = map[string]bool{"mr": true, "mrs": true, "ms": true, "miss": true, "dr": true, "sir": true,
	"dame": true, "lady": true, "lord": true}

// ledBodies are nouns for a body or a term led by one person.
var ledBodies = map[string]bool{"government": true, "administration": true, "cabinet": true, "ministry": true,
	"regime": true, "premiership": true, "presidency": true, "leadership": true, "doctrine": true}

// ledBodyNext are words after such a noun that end its phrase, besides those
// notNounAfterMonth, pastWords and notSubject list; not "of" ("the June
// administration of the exam" is the month's).
var ledBodyNext = map[string]bool{"in": true, "on": true, "at": true, "as": true, "or": true,
	"said": true, "says": true, "is": true, "has": true, "wants": true, "insisted": true, "to": true, "by": true}

// nameAfter reports whether token j is a capitalised word the lexicon does
// not know, on the same line: a season before it is then part of a name
// ("Summer Johnson", "the Winter Olympics"). Not used for months: a month
// before a capitalised word is as often a date of a named thing ("August
// Brent crude futures", "a June Gallup poll") as a first name.
func nameAfter(d *doc, j int) bool {
	if j >= d.n() {
		return false
	}
	t := &d.toks[j]
	return t.kind == tWord && t.upper && !t.known && t.gap == gSpace
}

// matchDayMonth reads "12 June", "12 June 2024", "12th of June".
func matchDayMonth(d *doc, i int) (point, int, bool) {
	if i >= d.n() || d.toks[i].kind != tNum || d.toks[i].ndig > 2 {
		return point{}, 0, false
	}
	day := int(d.toks[i].val)
	j := i + 1
	if d.mod(j, mOf) {
		j++
	}
	m, k, ok := monthAt(d, j)
	if !ok || day < 1 || day > 31 || (i > 0 && d.glued(i) && d.toks[i-1].kind != tPunct) {
		return point{}, 0, false
	}
	p := newPoint()
	p.month, p.day = m, day
	e := k
	if d.punct(e, ',') {
		e++
	}
	if y, end, ok := matchYear(d, e, true); ok {
		p.year, p.yearDig, k = y, 4, end
	}
	return p, k, true
}

// unitAfter reports whether token i is a unit word (so "May 5 years" is no date).
func (d *doc) unitAfter(i int) bool {
	u, _ := d.unit(i)
	return u != uNone
}

// matchYear reads a four-digit year. Years outside 1900..2099 need a
// temporal cue before them ("in 1848"), or cue=true from the caller.
func matchYear(d *doc, i int, cue bool) (int, int, bool) {
	y, ok := d.num(i)
	if !ok || d.toks[i].ndig != 4 || !d.isolatedNumber(i) {
		return 0, 0, false
	}
	if d.glued(i+1) && d.lowerIs(i+1, "s") {
		return 0, 0, false // a decade
	}
	if y < 1000 || y > 2199 {
		return 0, 0, false
	}
	if !cue && (y < 1900 || y > 2099) && !temporalCueBefore(d, i) {
		return 0, 0, false
	}
	if !cue && nameBefore(d, i) {
		return 0, 0, false
	}
	if !cue && atWireTime(d, i, y) {
		return 0, 0, false // "at 1930 local time": wireTime's, whose span (before the zone) would tie with the year's
	}
	if _, isUnit := d.unit(i + 1); isUnit && !d.glued(i+1) {
		return 0, 0, false // "2000 years" is a count
	}
	return y, i + 1, true
}

// yearPrepBefore reports whether a preposition that takes a year comes
// before i ("in two thousand and three").
func yearPrepBefore(d *doc, i int) bool {
	switch d.modOf(i - 1) {
	case mIn, mSince, mUntil, mBefore, mAfter, mFrom, mThrough:
		return true
	}
	return d.lowerIs(i-1, "by") || d.lowerIs(i-1, "during")
}

// temporalCueBefore reports whether the word before i introduces a time.
func temporalCueBefore(d *doc, i int) bool {
	k := i - 1
	if k < 0 {
		return false
	}
	if e, ok := d.word(k); ok && e.class == cMod {
		switch e.val {
		case mIn, mSince, mUntil, mThrough, mFrom, mTo, mBetween, mAnd, mOf, mEarly, mMid, mLate,
			mLast, mNext, mThis, mBefore, mAfter, mFiscal, mThe, mEnd, mBeginning, mOn, mThat, mEach, mEvery, mPast, mComing:
			return true
		}
	}
	for _, w := range []string{"by", "during", "late", "early", "mid", "around", "throughout"} {
		if d.lowerIs(k, w) {
			return true
		}
	}
	return d.dash(k) && d.glued(i) && k > 0 && (d.lowerIs(k-1, "mid") || d.lowerIs(k-1, "late") || d.lowerIs(k-1, "early"))
}

// namesBeforeNumbers are words after which a number is a name, not a year.
var namesBeforeNumbers = map[string]bool{
	"route": true, "flight": true, "highway": true, "interstate": true, "boeing": true, "airbus": true,
	"model": true, "room": true, "page": true, "no": true, "number": true, "apollo": true, "windows": true,
	"iphone": true, "galaxy": true, "vol": true, "chapter": true, "article": true, "section": true,
	"resolution": true, "gate": true, "platform": true, "bus": true, "channel": true, "version": true,
	"level": true, "act": true, "amendment": true, "bill": true, "rule": true, "code": true, "phone": true,
	"suite": true, "box": true, "unit": true, "exit": true, "road": true, "street": true, "avenue": true,
	"psalm": true, "verse": true, "figure": true, "table": true, "item": true, "lot": true, "pier": true,
}

func nameBefore(d *doc, i int) bool {
	k := i - 1
	if k < 0 || d.toks[k].kind != tWord {
		return false
	}
	s := d.textOf(k)
	if inSet(namesBeforeNumbers, s) {
		return true
	}
	// a capitalised unknown word inside a sentence is a name: "Orion 1980", "Windows 2000"
	t := d.toks[k]
	return t.upper && !t.known && k > 0 && d.toks[k-1].kind == tWord && !sentenceEndAt(d, k-1) && t.gap < gLine
}

// matchDecade reads "the 1990s", "1990s", "the '90s".
func matchDecade(d *doc, i int) (point, int, bool) {
	p := newPoint()
	if y, ok := d.num(i); ok && d.toks[i].ndig == 4 && y%10 == 0 && d.glued(i+1) && d.lowerIs(i+1, "s") {
		if y%100 == 0 && y < 2000 {
			// "the 1800s", "the early 1900s" are read as the century: the
			// decade would be "the 1800s' first decade", rarely written so
			p.year, p.yearDig = y/100, 2
			return p, i + 2, true
		}
		p.year, p.yearDig = y/10, 3
		return p, i + 2, true
	}
	if y, ok := d.num(i); ok && d.toks[i].ndig == 4 && y%10 == 0 && (d.punct(i+1, '\'') || d.punct(i+1, '\u2019')) && d.glued(i+1) && d.glued(i+2) && d.lowerIs(i+2, "s") {
		p.year, p.yearDig = y/10, 3 // "the 1980's"
		return p, i + 3, true
	}
	if y, ok := d.num(i); ok && d.toks[i].ndig == 4 && y%10 == 0 && (d.punct(i+1, '\'') || d.punct(i+1, '\u2019')) && !d.glued(i+1) && d.glued(i+2) && d.lowerIs(i+2, "s") && (d.mod(i-1, mThe) || d.mod(i-2, mThe)) {
		// "the late 1980 's": text tokenized with a space before the clitic;
		// "the" tells a decade from a year's possessive ("1980 's election")
		p.year, p.yearDig = y/10, 3
		return p, i + 3, true
	}
	if i < d.n() && d.toks[i].kind == tPunct && (d.toks[i].ch == '\'' || d.toks[i].ch == '\u2019') {
		if y, ok := d.num(i + 1); ok && d.glued(i+1) && d.toks[i+1].ndig == 2 {
			if d.glued(i+2) && d.lowerIs(i+2, "s") && y%10 == 0 {
				p.year, p.yearDig = (1900+y)/10, 3
				return p, i + 3, true
			}
			if !d.glued(i+2) || d.toks[i+2].kind == tPunct {
				// '95: a two-digit year
				p.year, p.yearDig = 1900+y, 4
				if y < 30 {
					p.year = 2000 + y
				}
				if temporalCueBefore(d, i) {
					return p, i + 2, true
				}
			}
		}
	}
	return point{}, 0, false
}

// shortYearAt reads a year written with an apostrophe and two digits at i
// ("'69", "'05"), as matchDecade does after a temporal cue.
func shortYearAt(d *doc, i int) (int, int, bool) {
	p, e, ok := matchDecade(d, i)
	if !ok || p.yearDig != 4 {
		return 0, 0, false
	}
	return p.year, e, true
}

// matchSeason reads "summer 2019", "the summer of 2019", "summer".
func matchSeason(d *doc, i int) (point, int, bool) {
	if !d.is(i, cSeason) {
		return point{}, 0, false
	}
	p := newPoint()
	p.season = int(d.toks[i].val)
	j := i + 1
	if d.mod(j, mOf) {
		// "the summer of last year", "the spring of the following year"
		if q, e, ok := relativeAt(d, j+1, uYear); ok {
			q.season = p.season
			return q, e, true
		}
	}
	k := j
	if d.mod(k, mOf) || d.punct(k, ',') {
		k++
	}
	if y, e, ok := matchYear(d, k, true); ok {
		p.year, p.yearDig = y, 4
		return p, e, true
	}
	if y, e, ok := matchWordYear(d, k); ok {
		p.year, p.yearDig = y, 4
		return p, e, true
	}
	if y, e, ok := shortYearAt(d, k); ok && k > j {
		p.year, p.yearDig = y, 4 // "the summer of '69"
		return p, e, true
	}
	if d.toks[i].upper && nameAfter(d, j) {
		return point{}, 0, false // "the Winter Olympics", "Summer Johnson"
	}
	// "fall" is also a verb: a bare season needs a determiner before it
	if d.lowerIs(i, "fall") || d.lowerIs(i, "spring") {
		if !(d.mod(i-1, mThe) || d.mod(i-1, mThis) || d.mod(i-1, mLast) || d.mod(i-1, mNext) || d.mod(i-1, mIn) || d.mod(i-1, mEarly) || d.mod(i-1, mLate)) {
			return point{}, 0, false
		}
	}
	return p, j, true
}

// relativeAt reads a year or day told against another date at i ("last
// year", "that year", "the following year", "the next day") as a point a
// season, a month or a clock time can take.
func relativeAt(d *doc, i int, u uint8) (point, int, bool) {
	m, ok := relativeRule.match(d, i)
	if !ok || len(m.exprs) != 1 {
		return point{}, 0, false
	}
	e := m.exprs[0]
	if e.i != i || !e.pt.relative || e.pt.unit != u || e.typ != timeline.TypeDate {
		return point{}, 0, false
	}
	return e.pt, e.j, true
}

// dateRule wraps matchPoint as a rule: "the" may precede decades and seasons.
var dateRule = &rule{
	name:     "date",
	triggers: []int{keyNum, keyApos, keyClass + int(cNumWord), keyClass + int(cMonth), keyClass + int(cWeekday), keyClass + int(cSeason), keyMod + mThe, keyMod + mFiscal},
	match: func(d *doc, i int) (match, bool) {
		j := i
		if d.mod(j, mThe) || d.mod(j, mFiscal) {
			j++
			if d.lowerIs(j, "year") && !d.mod(i, mFiscal) {
				j++
			}
		}
		p, end, ok := matchPoint(d, j)
		if !ok {
			return match{}, false
		}
		if j > i && p.yearDig != 3 && p.yearDig != 2 && p.season == 0 && !d.mod(i, mFiscal) && !d.lowerIs(i+1, "year") {
			i = j // "the 2020 election", "the Nov. 1 deadline": "the" belongs to the noun phrase
		}
		// "June last year", "January this year", "March of that year"
		if p.yearDig == 0 && p.month > 0 && p.weekday < 0 {
			k := end
			if d.mod(k, mOf) {
				k++
			}
			if q, e, ok := relativeAt(d, k, uYear); ok {
				q.month, q.day = p.month, p.day
				p, end = q, e
			}
		}
		if !p.relative {
			p.anchor = anchorDCT // a year told against another date keeps that date as its anchor
		}
		typ := timeline.TypeDate
		if p.hour >= 0 || p.part > 0 {
			typ = timeline.TypeTime
		}
		return d.single(expr{i: i, j: end, typ: typ, pt: p, isPoint: true, rangeTo: -1}), true
	},
}

// monthBeforeNoun reports whether the weak month at i, after "the", modifies
// the lower-case noun at j ("the March accession", "the May elections"): a
// march or a name would go on with a preposition or a verb ("the March on
// Washington", "the March was peaceful") or with a capital ("the May Queen").
func monthBeforeNoun(d *doc, i, j int) bool {
	if !d.mod(i-1, mThe) || j != i+1 || j >= d.n() {
		return false
	}
	t := &d.toks[j]
	if t.kind != tWord || t.upper || t.gap != gSpace || t.known {
		return false
	}
	w := d.textOf(j)
	return len(w) > 2 && !strings.HasSuffix(w, "ed") && !inSet(notNounAfterMonth, w)
}

// notNounAfterMonth are words after "the March" that make it a march or a
// name: prepositions, conjunctions, auxiliaries and common past verbs.
var notNounAfterMonth = map[string]bool{"for": true, "from": true, "with": true, "against": true, "across": true,
	"through": true, "toward": true, "towards": true, "into": true, "and": true, "but": true, "was": true,
	"were": true, "are": true, "will": true, "would": true, "has": true, "had": true, "have": true, "drew": true,
	"began": true, "took": true, "that": true, "which": true, "who": true, "can": true, "could": true,
	"may": true, "might": true, "must": true, "should": true, "went": true, "came": true, "made": true}

// nthDayRule: a day told by its place in a month: "the first Monday of
// July", "the last Friday in May", "the final day of February 2024", "the
// first of July", "the twenty-first of June", "the second Tuesday of next
// month" (TIMEX3 values the day itself). The month's year is chosen as for
// the month alone (tense, or the nearest when it is close to the anchor);
// the day is computed in that year. A month is required: "the first day of
// the trial", "the last Friday" are left to the other rules.
var nthDayRule = &rule{
	name:     "nth day of month",
	triggers: []int{keyMod + mThe},
	match: func(d *doc, i int) (match, bool) {
		p := newPoint()
		j := i + 1
		n := 0
		if d.mod(j, mLast) || d.lowerIs(j, "final") {
			n, j = -1, j+1
		} else if v, e, ok := ordinalAt(d, j); ok {
			n, j = v, e
		} else {
			return match{}, false
		}
		switch {
		case d.is(j, cWeekday) && (d.mod(j+1, mOf) || d.mod(j+1, mIn)) && n <= 5:
			p.weekday, p.nth = int(d.toks[j].val), int8(n)
			j += 2
		case d.lowerIs(j, "day") && d.mod(j+1, mOf):
			if n < 0 {
				p.nth = -1
			} else {
				p.day = n
			}
			j += 2
		case n > 0 && d.mod(j, mOf):
			p.day = n // "the first of July"
			j++
		default:
			return match{}, false
		}
		if q, e, ok := relativeAt(d, j, uMonth); ok {
			// "the second Tuesday of next month", "the last day of this month"
			q.day, q.weekday, q.nth = p.day, p.weekday, p.nth
			return d.one(i, e, timeline.TypeDate, q)
		}
		m, end, ok := monthAt(d, j)
		if !ok || possessiveAt(d, end) {
			return match{}, false // not "the first of May's three sons"
		}
		p.month = m
		k := end
		if d.punct(k, ',') {
			k++
		}
		if y, e, ok := matchYear(d, k, true); ok {
			p.year, p.yearDig, end = y, 4, e
		} else if q, e, ok := relativeAt(d, end, uYear); ok {
			// "the first Monday of July next year"
			q.month, q.day, q.weekday, q.nth = p.month, p.day, p.weekday, p.nth
			p, end = q, e
		}
		if !p.relative {
			p.anchor = anchorDCT
		}
		return d.one(i, end, timeline.TypeDate, p)
	},
}

// ordinalAt reads an ordinal of at most 31 at i: "first", "twentieth",
// "twenty-first", "21st".
func ordinalAt(d *doc, i int) (int, int, bool) {
	if i >= d.n() {
		return 0, 0, false
	}
	t := &d.toks[i]
	switch {
	case t.kind == tNum && t.ord && t.ndig <= 2 && t.val >= 1 && t.val <= 31:
		return int(t.val), i + 1, true
	case d.is(i, cOrdinal) && t.val <= 31:
		return int(t.val), i + 1, true
	case d.is(i, cNumWord) && (t.val == 20 || t.val == 30) && d.dash(i+1) && d.glued(i+1) && d.glued(i+2) &&
		d.is(i+2, cOrdinal) && d.toks[i+2].val <= 9 && int(t.val)+int(d.toks[i+2].val) <= 31:
		return int(t.val) + int(d.toks[i+2].val), i + 3, true
	}
	return 0, 0, false
}

// beforeLastRule: "the year before last", "the week before last", "the
// month after next": two units from the publication date's. "the day
// before last Tuesday" is a day before a day (dayAroundRule), so "last" or
// "next" must end the phrase.
var beforeLastRule = &rule{
	name:     "before last",
	triggers: []int{keyMod + mThe},
	match: func(d *doc, i int) (match, bool) {
		u, plural := d.unit(i + 1)
		if plural || (u != uDay && u != uWeek && u != uMonth && u != uQuarter && u != uYear) {
			return match{}, false
		}
		shift := 0
		switch {
		case d.mod(i+2, mBefore) && d.mod(i+3, mLast):
			shift = -2
		case d.mod(i+2, mAfter) && d.mod(i+3, mNext):
			shift = 2
		default:
			return match{}, false
		}
		if k := i + 4; k < d.n() && d.toks[k].kind != tPunct && (d.toks[k].known || d.toks[k].kind == tNum) {
			return match{}, false // "the day before last Tuesday", "the week before last year's vote"
		}
		return d.one(i, i+4, timeline.TypeDate, relPoint(anchorDCT, u, shift))
	},
}
