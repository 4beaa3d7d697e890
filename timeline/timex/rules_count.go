package timex

import (
	"fmt"
	"strconv"

	"github.com/newsline/timeline/timeline"
)

// Counting rules: durations ("three years", "the past two months",
// "30-day"), distances in time ("two weeks ago", "a year earlier") and
// sets ("every day", "each Thursday").

// count reads a number of units at i: "3", "three", "twenty-four", "a",
// "a couple of", "several" (n = -1 when vague).
func count(d *doc, i int) (n, j int, ok bool) {
	if v, isNum := d.num(i); isNum {
		if d.toks[i].ndig > 4 || !d.isolatedNumber(i) {
			return 0, 0, false
		}
		return v, i + 1, true
	}
	if d.is(i, cNumWord) {
		n, j = int(d.toks[i].val), i+1
		if n >= 20 && n < 100 {
			k := j
			if d.dash(k) && d.glued(k) {
				k++
			}
			if d.is(k, cNumWord) && d.toks[k].val < 10 && d.toks[k].val > 0 {
				n, j = n+int(d.toks[k].val), k+1
			}
		}
		if d.is(j, cNumWord) && (d.toks[j].val == 100 || d.toks[j].val == 1000) {
			n, j = n*int(d.toks[j].val), j+1
		}
		return n, j, true
	}
	switch d.modOf(i) {
	case mA:
		switch {
		case d.mod(i+1, mFew):
			return -1, i + 2, true
		case d.mod(i+1, mCouple) && d.mod(i+2, mOf):
			return 2, i + 3, true
		case d.is(i+1, cNumWord) && (d.toks[i+1].val == 100 || d.toks[i+1].val == 1000):
			return int(d.toks[i+1].val), i + 2, true
		}
		return 1, i + 1, true
	case mSeveral, mFew, mMany, mSome:
		return -1, i + 1, true
	case mCouple:
		if d.mod(i+1, mOf) {
			return 2, i + 2, true
		}
	}
	return 0, 0, false
}

// approxPrefix skips "nearly", "almost", "more than", "at least", "up to".
func approxPrefix(d *doc, i int) int {
	switch d.modOf(i) {
	case mNearly:
		return i + 1
	case mAbout:
		// "about five hours": TimeBank leaves "about", "around" out of a
		// duration (as it does "over"), while it keeps "nearly", "almost"
	case mOver:
		// "over three years" reads as a signal ("during"), which TimeML leaves out
	case mMoreThan, mLessThan:
		if d.mod(i+1, mThan) {
			return i + 2
		}
	case mNo:
		if d.mod(i+1, mMoreThan) && d.mod(i+2, mThan) {
			return i + 3 // "no more than sixty days"
		}
	case mAt:
		if d.mod(i+1, mAtLeast) {
			return i + 2
		}
	case mUpTo:
		if d.mod(i+1, mTo) {
			return i + 2
		}
	}
	return i
}

var countRule = &rule{
	name: "count",
	triggers: []int{keyNum, keyClass + int(cNumWord), keyMod + mA, keyMod + mThe, keyMod + mSeveral, keyMod + mFew,
		keyMod + mMany, keyMod + mSome, keyMod + mCouple, keyMod + mNearly, keyMod + mAbout, keyMod + mOver,
		keyMod + mMoreThan, keyMod + mLessThan, keyMod + mNo, keyMod + mAt, keyMod + mUpTo, keyMod + mPast, keyMod + mLast,
		keyMod + mNext, keyMod + mRecent, keyMod + mComing, keyUnit},
	match: func(d *doc, i int) (match, bool) {
		j := approxPrefix(d, i)
		the := false
		if d.mod(j, mThe) {
			the = true
			j++
		}
		lead := false
		switch d.modOf(j) {
		case mPast, mLast, mNext, mComing, mPrevious, mFollowing, mRecent:
			if lastIsVerb(d, j) {
				return match{}, false // "the ban could last weeks": the count starts after the verb
			}
			lead = true
			j++
		default:
			if (d.lowerIs(j, "first") || d.lowerIs(j, "latest")) && the {
				lead = true
				j++
			}
		}
		if m, ok := halfOf(d, i); ok {
			return m, true
		}
		if m, ok := quarterOf(d, i); ok {
			return m, true
		}
		n, k, okc := count(d, j)
		if !okc {
			// bare plural: "years", "recent weeks", "the past few days"
			u, plural := d.unit(j)
			if !plural || u == uNone || u == uSecond || u == uWeekend || (u == uQuarter && !lead) || d.glued(j) {
				return match{}, false // bare "quarters" are mostly fractions or lodgings
			}
			if d.mod(j+1, mAgo) {
				return d.fixed(i, j+2, timeline.TypeDate, "PAST_REF")
			}
			if u == uHour && (d.lowerIs(j-1, "early") || d.lowerIs(j-1, "small") || d.lowerIs(j-1, "wee")) {
				return match{}, false // "the early hours (of Sunday)" is a part of the night, not a length
			}
			if d.lowerIs(j+1, "old") || (j > 0 && d.toks[j-1].kind == tNum) {
				return match{}, false // "52 years old", "1.5 years"
			}
			if pm := d.modOf(j - 1); pm == mPast && !the {
				return d.fixed(i, j+1, timeline.TypeDate, "PAST_REF") // "in past years"
			}
			if m := d.modOf(j + 1); m == mOr || m == mAnd {
				if u2, pl2 := d.unit(j + 2); pl2 && u2 != uNone && u2 != u {
					// "weeks or months", "recent weeks and months": one vague stretch
					return d.fixed(i, j+3, timeline.TypeDuration, durationValue(-1, u))
				}
			}
			if the && !lead && (d.mod(j+1, mBefore) || d.mod(j+1, mAfter)) {
				i = j // "the weeks before the vote": the article goes with the event clause
			}
			return d.fixed(i, j+1, timeline.TypeDuration, durationValue(-1, u))
		}
		if n > 0 && (d.mod(k, mTo) || d.mod(k, mOr)) {
			// "two to three weeks", "two or three weeks": a span of counts, read from its lower bound
			if m, e, okm := count(d, k+1); okm && m > n {
				if u, _ := d.unit(e); u != uNone {
					k = e
				}
			}
		}
		half := false
		if n > 0 && n < 1000 {
			k, half = halfFraction(d, k) // "2 1/2 years", "two and a half years"
		}
		filled := false
		if u, _ := d.unit(k); u == uNone && k < d.n() && d.toks[k].kind == tWord && inSet(countFillers, d.textOf(k)) {
			if next, _ := d.unit(k + 1); next != uNone {
				k, filled = k+1, true // "20 more years", "eight trading days"
			}
		}
		adjective := false
		if d.dash(k) && d.glued(k) && d.glued(k+1) {
			k, adjective = k+1, true
		}
		if n == 0 {
			return match{}, false
		}
		if adjective && d.dash(k+1) && d.glued(k+1) && d.lowerIs(k+2, "old") {
			return match{}, false // an age: "a 44-year-old protester"
		}
		if m, ok := frequency(d, i, j, k, n); ok {
			return m, true
		}
		if m := d.modOf(k + 1); d.mod(j, mA) && n == 1 && m != mAgo && m != mEarlier && m != mLater && prevIsAmount(d, j) {
			return match{}, false // a rate: "$500 million a year", "four flights a week"
		}
		if adjective && the && !lead {
			i = j // "the 44-day war": "the" belongs to the noun
		}
		u, plural := d.unit(k)
		if d.dash(k+1) && d.glued(k+1) && d.glued(k+2) && (d.mod(k+2, mEarlier) || d.mod(k+2, mAgo) || d.lowerIs(k+2, "old") || d.lowerIs(k+2, "long")) {
			if !d.lowerIs(k+2, "long") {
				return match{}, false // "a year-earlier profit", "a 44-year-old": not a count of years
			}
		}
		if u == uNone || (n == 1 && plural && d.modOf(j) == mA) || (n >= 1000 && !plural) {
			return match{}, false // "a years", "the 1988 quarter" (a year, not a count)
		}
		if u == uQuarter && !plural && d.mod(j, mA) && (d.lowerIs(j-1, "by") || inSet(changeVerbs, d.textOf(max(j-1, 0)))) {
			return match{}, false // "fell by a quarter", "rose a quarter": a fraction
		}
		if d.lowerIs(k+1, "old") || (adjective && u == uQuarter && plural) || (u == uQuarter && d.mod(k+1, mOf) && n > 0 && !filled) {
			// "52 years old"; "three-quarters", "three quarters of the vote" are
			// fractions, but a vague count ("several quarters of losses") or
			// one with a filler ("three straight quarters of losses") is no numerator
			return match{}, false
		}
		if adjective && (d.lowerIs(k+1, "period") || d.lowerIs(k+1, "term") || d.lowerIs(k+1, "span") || d.lowerIs(k+1, "stretch")) {
			if d.mod(i-1, mA) {
				i-- // "a three-year period" names the duration itself
			}
			return d.fixed(i, k+2, timeline.TypeDuration, durationValue(n, u))
		}
		end := k + 1
		if !adjective && d.mod(end, mOr) && d.lowerIs(end+1, "so") {
			end += 2 // "a week or so (ago)": the hedge belongs to the count
		}
		if !adjective && n > 0 && d.mod(end, mOr) {
			if m, e, okm := count(d, end+1); okm && m > n && e == end+2 && !d.unitAfter(e) {
				end = e // "a year or two": the second count shares the unit
			}
		}
		if !adjective && !plural && n == 1 && d.mod(end, mAnd) && d.mod(end+1, mA) && d.lowerIs(end+2, "half") {
			end, half = end+3, true // "a minute and a half"
		}
		if half {
			if v, ok := halfDuration(n, u); ok {
				return d.fixed(i, end, timeline.TypeDuration, v)
			}
			return match{}, false
		}
		if u == uSecond && n == 1 && end < d.n() && d.toks[end].kind == tWord && !d.mod(end, mAgo) && !d.mod(end, mLater) {
			return match{}, false // "a second opinion"
		}
		if !the && !lead {
			if m, ok := distance(d, i, end, n, u); ok {
				return m, true
			}
		}
		if d.mod(j, mA) && n == 1 && (d.mod(i-1, mPer) || d.lowerIs(i-1, "times")) {
			return match{}, false
		}
		if !the && !lead && !adjective && aheadIn(d, i, end) {
			if m, ok := pointAhead(d, i, end, n, u, end != k+1); ok {
				return m, true
			}
		}
		if someDay(d, i, j, end, u) {
			return d.fixed(i, end, timeline.TypeDate, "FUTURE_REF")
		}
		return d.fixed(i, end, timeline.TypeDuration, durationValue(n, u))
	},
}

// frequency reads "once a year", "twice a week", "three times a day": a
// recurrence, whose TIMEX3 value is the period (P1Y) and spans the count.
func frequency(d *doc, i, j, k, n int) (match, bool) {
	u, plural := d.unit(k)
	if !d.mod(j, mA) || n != 1 || i != j || u == uNone || plural {
		return match{}, false
	}
	end := k + 1
	switch {
	case d.lowerIs(i-1, "once") || d.lowerIs(i-1, "twice") || d.lowerIs(i-1, "thrice"):
		return d.fixed(i-1, end, timeline.TypeSet, durationValue(1, u))
	case d.lowerIs(i-1, "times"):
		if _, k, ok := count(d, i-2); ok && k == i-1 && !d.mod(i-2, mA) {
			return d.fixed(i-2, end, timeline.TypeSet, durationValue(1, u))
		}
	}
	return match{}, false
}

// aheadIn reports whether the count at [i, end) follows "in" in a clause that
// looks ahead ("will be redeemed in five years", "may, in a year or two,
// save"): then it names the point that far from publication, which TimeML
// marks as a DATE. Not after a superlative or "first" ("the first rise in
// five years", "the biggest gain in a year"): that measures a stretch.
func aheadIn(d *doc, i, end int) bool {
	if !d.lowerIs(i-1, "in") || d.toks[i-1].upper {
		return false
	}
	if d.lowerIs(end, "that") || d.lowerIs(end, "which") || d.lowerIs(end, "when") || d.mod(end, mOf) {
		return false // "minimal in a quarter that lost money": some stretch, described
	}
	for k := i - 2; k >= 0 && k >= i-4; k-- {
		if d.toks[k].kind != tWord {
			break
		}
		w := d.textOf(k)
		if d.lowerIs(k, "first") || d.lowerIs(k, "time") || d.lowerIs(k, "once") || (len(w) > 4 && w[len(w)-3:] == "est") {
			return false
		}
	}
	t := clauseTense(d, i, end)
	return t > 0 || (t == 0 && modalBefore(d, i))
}

// pointAhead is the date n units after publication ("in five years"), or
// FUTURE_REF when the count is hedged ("in a year or two").
func pointAhead(d *doc, i, end, n int, u uint8, hedged bool) (match, bool) {
	switch u {
	case uDay, uWeek, uMonth, uQuarter, uYear:
	case uDecade:
		u, n = uYear, n*10
	default:
		return match{}, false // hours and minutes ahead are clock times; centuries are no point
	}
	if hedged || n <= 0 {
		return d.fixed(i, end, timeline.TypeDate, "FUTURE_REF")
	}
	return d.one(i, end, timeline.TypeDate, relPoint(anchorDCT, u, n))
}

// daysFrom reads "a week from Monday", "two weeks from Friday", "30 days
// from June 1": the day that many days after the day named (k is "from").
// Not a length that starts then ("for a week from Monday", "a week from
// Monday to Friday").
func daysFrom(d *doc, i, k, n int, u uint8) (match, bool) {
	days := map[uint8]int{uDay: 1, uWeek: 7, uFortnight: 14}[u] * n
	if days <= 0 || d.lowerIs(i-1, "for") || d.lowerIs(i-1, "lasting") || k+1 >= d.n() {
		return match{}, false
	}
	m, ok := dispatch.longest(d, k+1)
	if !ok || len(m.exprs) != 1 || !m.exprs[0].isPoint || m.exprs[0].i != k+1 {
		return match{}, false
	}
	e := m.exprs[0]
	p := e.pt
	if p.hour >= 0 || p.part > 0 || p.dayShift != 0 || p.relative || (p.weekday < 0 && p.day == 0) {
		return match{}, false // a day is needed: "a week from June" is no date
	}
	if d.mod(m.end, mTo) || d.mod(m.end, mUntil) || d.mod(m.end, mThrough) || d.dash(m.end) {
		return match{}, false
	}
	if p.weekday >= 0 && p.month == 0 && p.dir == 0 {
		p.dir = 1 // "a week from Monday" counts from the coming Monday
	}
	p.dayShift = days
	return d.one(i, m.end, timeline.TypeDate, p)
}

// distance reads "two weeks ago" (from the publication date) and "a year
// earlier", "three days later" (from the narrative).
func distance(d *doc, i, k, n int, u uint8) (match, bool) {
	var anchor, sign int
	end := k + 1
	switch d.modOf(k) {
	case mAgo:
		anchor, sign = anchorDCT, -1
	case mEarlier, mBefore:
		anchor, sign = anchorNarr, -1
	case mLater, mAfter:
		anchor, sign = anchorNarr, 1
	case mFrom:
		// "two years from now", "three months from today": ahead of publication
		e, ok := d.word(k + 1)
		if !ok || e.class != cDeictic || (e.val != dNow && e.val != dToday) || d.lowerIs(k+2, "on") {
			return daysFrom(d, i, k, n, u)
		}
		anchor, sign, end = anchorDCT, 1, k+2
	default:
		return match{}, false
	}
	if (d.modOf(k) == mEarlier || d.modOf(k) == mLater) && d.mod(k+1, mThan) {
		return match{}, false // "a day earlier than planned" compares two dates: a length
	}
	if d.modOf(k) == mBefore || d.modOf(k) == mAfter {
		// "two days before the vote": the distance is a duration with a signal
		if !(k+1 >= d.n() || d.toks[k+1].kind == tPunct) {
			return match{}, false
		}
	}
	if n < 0 {
		ref := "PAST_REF"
		if sign > 0 {
			ref = "FUTURE_REF"
		}
		return d.fixed(i, end, timeline.TypeDate, ref)
	}
	switch u {
	case uDecade:
		u, n = uYear, n*10
	case uCentury:
		u, n = uYear, n*100
	case uFortnight:
		u, n = uWeek, n*2
	case uHour, uMinute, uSecond, uWeekend, uHalf, uMillennium:
		return match{}, false
	}
	p := relPoint(anchor, u, sign*n)
	p.yearBack = u == uYear && n == 1 && sign < 0
	if d.modOf(k) == mAgo {
		// "a year ago today", "ten years ago this week": that day or week, so long ago
		if e, ok := d.word(end); ok && e.class == cDeictic && e.val == dToday && u != uDay {
			p.sameOf, p.yearBack, end = uDay, false, end+1
		} else if d.mod(end, mThis) {
			if u2, plural := d.unit(end + 1); !plural && (u2 == uWeek || u2 == uMonth) && u2 < u {
				p.sameOf, p.yearBack, end = u2, false, end+2
			}
		}
	}
	return d.one(i, end, timeline.TypeDate, p)
}

// setRule: "every day", "each year", "each Thursday", "every other week".
var setRule = &rule{
	name:     "set",
	triggers: []int{keyMod + mEvery, keyMod + mEach},
	match: func(d *doc, i int) (match, bool) {
		j := i + 1
		every := 1
		if d.mod(j, mOther) {
			j, every = j+1, 2 // "every other week" recurs each two weeks
		}
		if u, plural := d.unit(j); u != uNone && !plural {
			return d.fixed(i, j+1, timeline.TypeSet, durationValue(every, u))
		}
		if n, k, ok := count(d, j); ok && n > 1 && every == 1 && d.mod(i, mEvery) {
			if u, plural := d.unit(k); u != uNone && plural {
				return d.fixed(i, k+1, timeline.TypeSet, durationValue(n, u)) // "every three months"
			}
		}
		switch {
		case d.is(j, cWeekday):
			return d.fixed(i, j+1, timeline.TypeSet, "XXXX-WXX-"+string(rune('0'+isoWeekday(int(d.toks[j].val)))))
		case d.is(j, cMonth) && d.toks[j].upper:
			return d.fixed(i, j+1, timeline.TypeSet, "XXXX-"+twoDigits(int(d.toks[j].val)))
		case d.is(j, cPart):
			return d.fixed(i, j+1, timeline.TypeSet, "XXXX-XX-XXT"+partCodes[d.toks[j].val])
		case d.is(j, cSeason):
			return d.fixed(i, j+1, timeline.TypeSet, "XXXX-"+seasonCodes[d.toks[j].val])
		}
		return match{}, false
	},
}

func isoWeekday(wd int) int {
	if wd == 0 {
		return 7
	}
	return wd
}

func twoDigits(n int) string { return string([]byte{byte('0' + n/10), byte('0' + n%10)}) }

// prevIsAmount reports whether the token before i ends an amount ("$5", "700
// seats", "four flights"), making "a week" after it a rate.
func prevIsAmount(d *doc, i int) bool {
	k := i - 1
	if k < 0 {
		return false
	}
	t := d.toks[k]
	if t.kind == tNum {
		return true
	}
	if t.kind != tWord || t.known {
		return d.lowerIs(k, "times") || d.lowerIs(k, "million") || d.lowerIs(k, "billion")
	}
	// a plural noun after a number: "700 seats a week"
	for b := k - 1; b >= 0 && b >= k-3; b-- {
		if d.toks[b].kind == tPunct {
			break // "three thousand. But a minute": the amount is in another clause
		}
		if d.toks[b].kind == tNum || d.is(b, cNumWord) {
			return true
		}
	}
	return false
}

// countFillers may stand between a number and its unit.
var countFillers = map[string]bool{"more": true, "additional": true, "extra": true, "further": true, "trading": true,
	"business": true, "working": true, "consecutive": true, "straight": true, "full": true, "calendar": true}

// halfFraction skips the half after a count: a glued "1/2" ("2 1/2 years")
// or "and a half" before the unit ("two and a half years").
func halfFraction(d *doc, k int) (int, bool) {
	one, ok1 := d.num(k)
	two, ok2 := d.num(k + 2)
	if ok1 && ok2 && one == 1 && two == 2 && !d.glued(k) && d.punct(k+1, '/') && d.glued(k+1) && d.glued(k+2) {
		return k + 3, true
	}
	if d.mod(k, mAnd) && d.mod(k+1, mA) && d.lowerIs(k+2, "half") {
		if u, plural := d.unit(k + 3); u != uNone && plural {
			return k + 3, true
		}
	}
	return k, false
}

// halfOf reads "half a day", "half an hour" from its article at i (the
// rule reaches back to "half"): a half of one unit, written like the half
// of "2 1/2 years". "half" before anything else ("half the staff", "half a
// point") is a share.
func halfOf(d *doc, i int) (match, bool) {
	if !d.mod(i, mA) || !d.lowerIs(i-1, "half") {
		return match{}, false
	}
	u, plural := d.unit(i + 1)
	if u == uNone || plural {
		return match{}, false
	}
	v, ok := halfDuration(0, u)
	if !ok {
		return match{}, false
	}
	return d.fixed(i-1, i+2, timeline.TypeDuration, v)
}

// changeVerbs tell a change by an amount: the fraction after them is no
// period ("rose a quarter").
var changeVerbs = map[string]bool{"rose": true, "fell": true, "grew": true, "cut": true, "added": true,
	"gained": true, "lost": true, "jumped": true, "dropped": true, "climbed": true, "slid": true, "sank": true,
	"increased": true, "decreased": true, "declined": true, "shed": true, "slumped": true, "soared": true}

// quarterOf reads "a quarter of an hour" (PT15M), "three quarters of an
// hour" (PT45M), "a quarter of a century" (P25Y): a fraction of one unit,
// written in smaller units as halfDuration does.
func quarterOf(d *doc, i int) (match, bool) {
	n := 0
	switch {
	case d.mod(i, mA) || (d.is(i, cNumWord) && d.toks[i].val == 1):
		n = 1
	case d.is(i, cNumWord) && d.toks[i].val == 3:
		n = 3
	default:
		return match{}, false
	}
	u, plural := d.unit(i + 1)
	if u != uQuarter || plural != (n > 1) || !d.mod(i+2, mOf) || !d.mod(i+3, mA) {
		return match{}, false
	}
	var v string
	switch u2, pl := d.unit(i + 4); {
	case pl:
		return match{}, false
	case u2 == uHour:
		v = fmt.Sprintf("PT%dM", 15*n)
	case u2 == uDay:
		v = fmt.Sprintf("PT%dH", 6*n)
	case u2 == uYear:
		v = fmt.Sprintf("P%dM", 3*n)
	case u2 == uCentury:
		v = fmt.Sprintf("P%dY", 25*n)
	default:
		return match{}, false
	}
	return d.fixed(i, i+5, timeline.TypeDuration, v)
}

// halfLengthAt reports whether a unit shorter than a year follows "half" at
// k: "the first half hour" is a length, "the first half year" the half.
func halfLengthAt(d *doc, k int) bool {
	u, _ := d.unit(k)
	return u != uNone && u != uYear
}

// halfUnitRule: "a half hour", "the next half hour", "a half-hour show":
// half of one unit after "half" (a word the lexicon does not know, so the
// rule starts at the unit and reaches back).
var halfUnitRule = &rule{
	name:     "half unit",
	triggers: []int{keyUnit},
	match: func(d *doc, i int) (match, bool) {
		u, plural := d.unit(i)
		if plural || u == uNone || i < 1 {
			return match{}, false
		}
		k := i - 1
		if d.dash(k) && d.glued(k) && d.glued(i) {
			k--
		}
		if k < 0 || !d.lowerIs(k, "half") || (k+1 < i && !d.glued(k+1)) {
			return match{}, false
		}
		v, ok := halfDuration(0, u)
		if !ok {
			return match{}, false
		}
		start := k
		switch m := d.modOf(k - 1); {
		case m == mA:
			start--
		case u == uYear && (d.lowerIs(k-1, "first") || d.lowerIs(k-1, "second")):
			return match{}, false // "the first half year" is the half, H1
		case m == mNext || m == mPast || m == mLast || m == mComing || d.lowerIs(k-1, "first"):
			start--
			if d.mod(start-1, mThe) {
				start--
			}
		}
		return d.fixed(start, i+1, timeline.TypeDuration, v)
	},
}

// halfDuration writes n and a half units in smaller units, as TimeML does
// ("2 1/2 years" is P2Y6M, "a minute and a half" PT1M30S, "half an hour"
// PT30M); a half month is taken as 15 days, a half week as 3 1/2 days.
func halfDuration(n int, u uint8) (string, bool) {
	switch u {
	case uYear:
		return period("P", n, "Y") + "6M", true
	case uMonth:
		return period("P", n, "M") + "15D", true
	case uWeek:
		return fmt.Sprintf("P%dDT12H", 7*n+3), true
	case uDay:
		return period("P", n, "D") + "T12H", true
	case uHour:
		return period("PT", n, "H") + "30M", true
	case uMinute:
		return period("PT", n, "M") + "30S", true
	case uDecade:
		return fmt.Sprintf("P%dY", 10*n+5), true
	case uCentury:
		return fmt.Sprintf("P%dY", 100*n+50), true
	}
	return "", false
}

// period writes the whole units of a duration, or only its designator
// ("P", "PT") when there are none.
func period(designator string, n int, unit string) string {
	if n == 0 {
		return designator
	}
	return designator + strconv.Itoa(n) + unit
}

// verbLeaders are words after which "last" is the verb ("could last weeks").
var verbLeaders = map[string]bool{"will": true, "would": true, "could": true, "can": true, "may": true, "might": true,
	"should": true, "must": true, "to": true, "not": true, "did": true, "does": true, "do": true, "shall": true}

// lastIsVerb reports whether "last" at k is the verb "to last".
func lastIsVerb(d *doc, k int) bool {
	return d.mod(k, mLast) && k > 0 && d.toks[k-1].kind == tWord && inSet(verbLeaders, d.textOf(k-1))
}

// someDay reports whether "one day" at i..end is the adverb "some day" ("Islam
// will one day be ...", "hopes to one day fly"): after a modal or "to" and
// before a verb, it points to an unnamed future, not a length.
func someDay(d *doc, i, j, end int, u uint8) bool {
	if u != uDay || j != i || !d.lowerIs(i, "one") || end != i+2 {
		return false
	}
	if !(d.lowerIs(i-1, "will") || d.lowerIs(i-1, "would") || d.lowerIs(i-1, "could") || d.lowerIs(i-1, "might") ||
		d.lowerIs(i-1, "may") || d.lowerIs(i-1, "can") || d.mod(i-1, mTo)) {
		return false
	}
	return end < d.n() && d.toks[end].kind == tWord && !d.toks[end].known
}
