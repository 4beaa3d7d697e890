package timex

import (
	"strconv"

	"github.com/newsline/timeline/timeline"
)

// Relative, anaphoric and deictic rules: "yesterday", "last year", "this
// week", "the next day", "that month", "on Wednesday", "now", "recently".

// one is a match of the single point expression [i, j). Its expression
// slice is carved from the doc's arena: a slice of one allocated for every
// match any rule found was a third of the resolver's allocations.
func (d *doc) one(i, j int, typ timeline.TimexType, p point) (match, bool) {
	return d.single(expr{i: i, j: j, typ: typ, pt: p, isPoint: true, rangeTo: -1}), true
}

// fixed is a match of the single expression [i, j) with a fixed value.
func (d *doc) fixed(i, j int, typ timeline.TimexType, v string) (match, bool) {
	return d.single(expr{i: i, j: j, typ: typ, value: v, rangeTo: -1}), true
}

func relPoint(anchor int, unit uint8, shift int) point {
	p := newPoint()
	p.anchor, p.unit, p.shift, p.relative = anchor, unit, shift, true
	return p
}

// deicticRule: words that resolve on their own.
var deicticRule = &rule{
	name:     "deictic",
	triggers: []int{keyClass + int(cDeictic), keyMod + mThe, keyMod + mIn, keyMod + mCurrent, keyMod + mRecent, keyMod + mThese},
	match: func(d *doc, i int) (match, bool) {
		j := i
		if d.mod(i, mThese) {
			// "these days" is an idiom for now
			if d.lowerIs(i+1, "days") {
				return d.fixed(i, i+2, timeline.TypeDate, "PRESENT_REF")
			}
			return match{}, false
		}
		if m := d.modOf(i); m == mCurrent || m == mRecent {
			// "current" and "recent" on their own ("the current crisis") refer to now and the recent past
			if u, _ := d.unit(i + 1); u != uNone || countAhead(d, i+1) {
				return match{}, false
			}
			if m == mCurrent && d.lowerIs(i-1, "then") && !d.toks[i-1].upper {
				return d.fixed(i-1, i+1, timeline.TypeDate, "PAST_REF") // "the then current price"
			}
			if m == mCurrent {
				return d.fixed(i, i+1, timeline.TypeDate, "PRESENT_REF")
			}
			return d.fixed(i, i+1, timeline.TypeDate, "PAST_REF")
		}
		if d.mod(j, mThe) {
			j++
			if (d.mod(j, mFiscal) || d.lowerIs(j, "full")) && d.lowerIs(j+1, "year") {
				j++ // "the fiscal year", "the full year"
			}
			switch {
			case d.lowerIs(j, "future"):
				return d.fixed(i, j+1, timeline.TypeDate, "FUTURE_REF")
			case (d.lowerIs(j, "near") || d.lowerIs(j, "short")) && (d.lowerIs(j+1, "term") || d.lowerIs(j+1, "future")):
				return d.fixed(i, j+2, timeline.TypeDate, "FUTURE_REF")
			case d.mod(j, mPast) && !countAhead(d, j+1):
				return d.fixed(i, j+1, timeline.TypeDate, "PAST_REF")
			case ordinalDayOf(d, i, j):
				// "today is the eighth day of the strike": the day it is told on
				return d.one(i, j+2, timeline.TypeDate, relPoint(anchorDCT, uDay, 0))
			case d.lowerIs(j, "weekend"):
				p := relPoint(anchorDCT, uWeek, 0)
				p.weekend, p.bare = true, true
				return d.one(i, j+1, timeline.TypeDate, p)
			case d.lowerIs(j, "week") && !(d.dash(j+1) && d.glued(j+1)) && !weekQualified(d, j+1):
				// "For the week, the index fell": the narrative's week
				p := relPoint(anchorNarr, uWeek, 0)
				return d.one(i, j+1, timeline.TypeDate, p)
			case d.lowerIs(j, "year") && !(d.dash(j+1) && d.glued(j+1)):
				// "the year ended March 31" is a fiscal year's length; "for the year" the current one
				if d.lowerIs(j+1, "ended") || d.lowerIs(j+1, "ending") || d.lowerIs(j+1, "to") {
					return d.fixed(i, j+1, timeline.TypeDuration, "P1Y")
				}
				if d.lowerIs(j-1, "full") {
					// "forecast a rise for the full year": the year under way at publication
					return d.one(i, j+1, timeline.TypeDate, relPoint(anchorDCT, uYear, 0))
				}
				return d.one(i, j+1, timeline.TypeDate, relPoint(anchorNarr, uYear, 0))
			}
			return match{}, false
		}
		if d.mod(j, mIn) {
			return match{}, false
		}
		e, _ := d.word(j)
		// "later yesterday", "earlier today", "more recently": TimeML keeps the
		// modifier; it leaves the intensifier of "right now" out
		switch {
		case (d.mod(i-1, mLater) || d.mod(i-1, mEarlier)) && (e.val == dYesterday || e.val == dToday || e.val == dTomorrow):
			i--
		case d.mod(i-1, mMoreThan) && e.val == dRecently:
			i--
		}
		if genericDay(d, i, j, e.val) {
			return match{}, false
		}
		switch e.val {
		case dToday:
			return withDayTime(d, i, j+1, relPoint(anchorDCT, uDay, 0))
		case dYesterday:
			return withDayTime(d, i, j+1, relPoint(anchorDCT, uDay, -1))
		case dTomorrow:
			return withDayTime(d, i, j+1, relPoint(anchorDCT, uDay, 1))
		case dTonight:
			p := relPoint(anchorDCT, uDay, 0)
			p.part = 4
			return d.one(i, j+1, timeline.TypeTime, p)
		case dOvernight:
			// the night before the day the narrative tells about, if that is
			// this week's news; else the night before publication
			p := relPoint(anchorNarr, uDay, -1)
			p.nearNarr = true
			p.part = 4
			return d.one(i, j+1, timeline.TypeTime, p)
		case dNow, dCurrently, dNowadays:
			return d.fixed(i, j+1, timeline.TypeDate, "PRESENT_REF")
		case dRecently, dLately:
			if d.lowerIs(i-1, "as") && d.lowerIs(j+1, "as") {
				return match{}, false // "as recently as Tuesday": the date that follows is the time
			}
			return d.fixed(i, j+1, timeline.TypeDate, "PAST_REF")
		case dPreviously, dFormerly, dSoon:
			// TimeML annotators leave these adverbs unmarked far more often than not
			return match{}, false
		case dFuture:
			return match{}, false
		case dDaily, dWeekly, dMonthly:
			if averageRate(d, j) {
				return match{}, false
			}
			return d.fixed(i, j+1, timeline.TypeSet, map[int32]string{dDaily: "P1D", dWeekly: "P1W", dMonthly: "P1M"}[e.val])
		case dQuarterly, dAnnually, dYearly:
			// mostly adjectives of money ("quarterly dividend"), which TimeML leaves out
			return match{}, false
		case dHourly:
			return d.fixed(i, j+1, timeline.TypeSet, "PT1H")
		case dNoon, dMidnight:
			if d.lowerIs(i-1, "high") {
				return match{}, false // "high noon" is a showdown, not a time
			}
			// like a clock time ("at 10 p.m."), noon with no day is on the
			// day the narrative tells about, else on the publication day
			p := relPoint(anchorNarr, uDay, 0)
			p.hour, p.minute = 12, 0
			if e.val == dMidnight {
				p.hour = 24
			}
			p, k := clockDay(d, j+1, p) // "midnight Friday", "noon on Monday"
			return d.one(i, k, timeline.TypeTime, p)
		}
		return match{}, false
	},
}

// withDayTime extends a day with a following part of day ("yesterday morning").
func withDayTime(d *doc, i, j int, p point) (match, bool) {
	if d.is(j, cPart) {
		p.part = int(d.toks[j].val)
		return d.one(i, j+1, timeline.TypeDate, p)
	}
	return d.one(i, j, timeline.TypeDate, p)
}

// countAhead reports whether a number or count word starts at i ("the past two years").
func countAhead(d *doc, i int) bool {
	if _, ok := d.num(i); ok {
		return true
	}
	if _, ok := d.unit(i); ok {
		return true
	}
	if d.is(i, cNumWord) || d.mod(i, mFew) || d.mod(i, mSeveral) || d.mod(i, mCouple) || d.mod(i, mA) || d.mod(i, mMany) {
		return true
	}
	return false
}

// weekdayRule: "Wednesday", "on Wednesday", "Wednesday night", "Friday morning".
var weekdayRule = &rule{
	name:     "weekday",
	triggers: []int{keyClass + int(cWeekday), keyClass + int(cPart)},
	match: func(d *doc, i int) (match, bool) {
		p := newPoint()
		p.anchor = anchorDCT
		j := i
		if d.is(j, cPart) && d.is(j+1, cWeekday) {
			p.part = int(d.toks[j].val)
			j++
		}
		if !d.is(j, cWeekday) {
			return match{}, false
		}
		if _, named := namedWeekday(d, j); named && j == i {
			return match{}, false // "Good Friday" is namedDayRule's; "Super Tuesday" no date
		}
		p.weekday = int(d.toks[j].val)
		j++
		if p.part == 0 && d.is(j, cPart) {
			p.part = int(d.toks[j].val)
			j++
		}
		if d.toks[j-1].ent.plural || d.toks[i].ent.plural {
			// "on Mondays", "Tuesday nights": every such day
			return d.fixed(i, j, timeline.TypeSet, weekdaySet(p.weekday, p.part))
		}
		if m := d.modOf(j); p.part == 0 && (m == mAnd || m == mOr) && d.is(j+1, cWeekday) && d.is(j+2, cPart) && d.toks[j+2].ent.plural {
			// "Monday and Tuesday nights": the plural part goes with both days
			part := int(d.toks[j+2].val)
			return match{end: j + 3, exprs: []expr{
				{i: i, j: j, typ: timeline.TypeSet, value: weekdaySet(p.weekday, part), rangeTo: -1},
				{i: j + 1, j: j + 3, typ: timeline.TypeSet, value: weekdaySet(int(d.toks[j+1].val), part), rangeTo: -1},
			}}, true
		}
		// "Wednesday night" stays a DATE (with a part-of-day value), as TimeML annotators mostly type it
		return d.one(i, j, timeline.TypeDate, p)
	},
}

// relativeRule: "last year", "this week", "next month", "last July",
// "this summer", "earlier this year", "the next day", "that month".
var relativeRule = &rule{
	name: "relative",
	triggers: []int{keyMod + mLast, keyMod + mNext, keyMod + mThis, keyMod + mPast, keyMod + mComing,
		keyMod + mPrevious, keyMod + mFollowing, keyMod + mThe, keyMod + mThat, keyMod + mCurrent,
		keyMod + mEarlier, keyMod + mLater, keyMod + mEarly, keyMod + mLate, keyMod + mMid, keyMod + mSame},
	match: func(d *doc, i int) (match, bool) {
		j := i
		if m := d.modOf(j); m == mEarlier || m == mLater || m == mEarly || m == mLate || m == mMid {
			j++
			if d.dash(j) && d.glued(j) {
				j++
			}
			if m == mMid && d.is(j, cPart) {
				return midPart(d, i, j)
			}
		}
		the := false
		if d.mod(j, mThe) {
			the = true
			j++
		}
		if d.mod(j, mThis) && (d.mod(j+1, mPast) || d.mod(j+1, mComing)) {
			j++ // "this past spring", "this coming Sunday"
		}
		m := d.modOf(j)
		if m == 0 {
			return match{}, false
		}
		j++
		anchor, shift, strict := anchorDCT, 0, false
		switch m {
		case mLast, mPast:
			shift, strict = -1, true
		case mPrevious:
			shift, strict = -1, true
			if the {
				anchor = anchorNarr
			}
		case mNext, mComing:
			shift, strict = 1, true
			if the && m == mNext {
				anchor = anchorNarr
			}
		case mFollowing:
			if !the {
				return match{}, false
			}
			shift, strict, anchor = 1, true, anchorNarr
		case mThis, mCurrent:
		case mThat, mSame:
			anchor = anchorNarr
			if m == mSame && !the {
				return match{}, false
			}
		default:
			return match{}, false
		}
		return relativeTarget(d, i, j, the, m, anchor, shift, strict)
	},
}

// relativeTarget reads what "last"/"next"/"this"/"that" apply to.
func relativeTarget(d *doc, i, j int, the bool, m int32, anchor, shift int, strict bool) (match, bool) {
	p := newPoint()
	p.anchor = anchor
	typ := timeline.TypeDate
	if d.mod(j, mFiscal) {
		if u, _ := d.unit(j + 1); u == uYear || u == uQuarter {
			j++ // "the current fiscal year"
		}
	}
	if u, plural := d.unit(j); ok(u) && !plural {
		if the && (m == mPast || m == mLast) {
			// "the past year" is a duration in TimeML
			return d.fixed(i, j+1, timeline.TypeDuration, durationValue(1, u))
		}
		if u == uWeekend {
			p = relPoint(anchor, uWeek, shift)
			p.weekend = true
			return d.one(i, j+1, typ, p)
		}
		if u == uFortnight && the && (m == mNext || m == mComing) {
			return d.fixed(i, j+1, timeline.TypeDuration, durationValue(1, u)) // "the next fortnight", as "the past fortnight"
		}
		if u == uHour || u == uMinute || u == uSecond || u == uMillennium || u == uFortnight || u == uHalf {
			return match{}, false
		}
		p = relPoint(anchor, u, shift)
		if d.mod(j+1, mOr) && d.lowerIs(j+2, "so") {
			return d.one(i, j+3, typ, p) // "the next year or so"
		}
		return d.one(i, j+1, typ, p)
	}
	switch {
	case d.is(j, cWeekday):
		p.weekday = int(d.toks[j].val)
		p.dir, p.strictDir = shift, strict
		if anchor == anchorNarr && shift == 0 {
			p.dir = 0 // "that Friday", "the same Friday"; "the previous Friday" stays strict
		}
		k := j + 1
		if d.is(k, cPart) {
			p.part = int(d.toks[k].val)
			typ = timeline.TypeTime
			k++
		} else if d.punct(k, ',') {
			// "this coming Sunday, March 8": the date says which Sunday
			if q, e, okd := matchMonthDate(d, k+1); okd && q.day > 0 {
				q.weekday, q.anchor = p.weekday, anchorDCT
				return d.one(i, e, typ, q)
			}
		}
		return d.one(i, k, typ, p)
	case d.is(j, cMonth) && d.toks[j].upper:
		_, k, _ := monthAt(d, j)
		p.month = int(d.toks[j].val)
		if n, isNum := d.num(k); isNum && d.toks[k].ndig <= 2 && n >= 1 && n <= 31 {
			p.day = n // "last Oct. 23": the day goes with the month
			k++
		}
		p.dir, p.strictDir = shift, strict
		p.sameYear = m == mThis || m == mThat || m == mSame // "that summer": the one of the narrative's year
		return d.one(i, k, typ, p)
	case d.is(j, cHoliday):
		// "last Thanksgiving", "this Christmas"
		hp, k, okh := holidayAt(d, j)
		if !okh {
			return match{}, false
		}
		hp.anchor = p.anchor
		hp.dir, hp.strictDir = shift, strict
		hp.sameYear = m == mThis || m == mThat || m == mSame // "that summer": the one of the narrative's year
		return d.one(i, k, typ, hp)
	case d.is(j, cSeason):
		p.season = int(d.toks[j].val)
		p.dir, p.strictDir = shift, strict
		p.sameYear = m == mThis || m == mThat || m == mSame // "that summer": the one of the narrative's year
		return d.one(i, j+1, typ, p)
	case d.is(j, cPart):
		// "this morning", "last night", "that evening", "the next morning"
		p = relPoint(anchor, uDay, 0)
		if m == mLast || m == mNext || m == mFollowing || m == mPrevious {
			p.shift = shift
		}
		if m == mLast && d.toks[j].val != 4 {
			return match{}, false // "last morning" is no expression
		}
		p.part = int(d.toks[j].val)
		return d.one(i, j+1, timeline.TypeTime, p)
	}
	return match{}, false
}

func ok(u uint8) bool { return u != uNone }

// unitCodes are the TIMEX3 duration designators of each unit.
func durationValue(n int, u uint8) string {
	num := "X"
	if n >= 0 {
		num = strconv.Itoa(n)
	}
	mul := func(k int) string {
		if n < 0 {
			return "X"
		}
		return strconv.Itoa(n * k)
	}
	switch u {
	case uSecond:
		return "PT" + num + "S"
	case uMinute:
		return "PT" + num + "M"
	case uHour:
		return "PT" + num + "H"
	case uDay:
		return "P" + num + "D"
	case uWeek:
		return "P" + num + "W"
	case uWeekend:
		return "P" + mul(2) + "D"
	case uFortnight:
		return "P" + mul(2) + "W"
	case uMonth:
		return "P" + num + "M"
	case uQuarter:
		return "P" + num + "Q"
	case uHalf:
		return "P" + mul(6) + "M"
	case uYear:
		return "P" + num + "Y"
	// An uncounted "decades", "centuries", "millennia" has no number of
	// years to write, so it takes TIMEX3's own unit letters, E, C and L (as
	// TimeBank writes them: PXE, PXC, P2L), not TIMEX2's DE, CE and ML; a
	// counted one is that many years ("two decades" P20Y).
	case uDecade:
		if n < 0 {
			return "PXE"
		}
		return "P" + mul(10) + "Y"
	case uCentury:
		if n < 0 {
			return "PXC"
		}
		return "P" + mul(100) + "Y"
	case uMillennium:
		if n < 0 {
			return "PXL"
		}
		return "P" + mul(1000) + "Y"
	}
	return "P" + num + "D"
}

// weekQualified reports whether the word at k restricts a preceding "the
// week" to some other week ("the week of March 6", "the week before the
// vote"), which the bare rule must not resolve as the narrative's.
func weekQualified(d *doc, k int) bool {
	switch m := d.modOf(k); m {
	case mOf, mBefore, mAfter, mTo:
		return true
	}
	return d.lowerIs(k, "following") || d.lowerIs(k, "ended") || d.lowerIs(k, "ending") || d.lowerIs(k, "ahead")
}

// midPart reads "mid-afternoon", "mid afternoon yesterday", "mid-morning
// Friday": a part of the publication day unless a day follows.
func midPart(d *doc, i, j int) (match, bool) {
	p := relPoint(anchorDCT, uDay, 0)
	p.part = int(d.toks[j].val)
	k := j + 1
	if e, ok := d.word(k); ok && e.class == cDeictic && (e.val == dToday || e.val == dYesterday || e.val == dTomorrow) {
		p.shift = map[int32]int{dToday: 0, dYesterday: -1, dTomorrow: 1}[e.val]
		k++
	} else if d.is(k, cWeekday) {
		p.relative, p.weekday = false, int(d.toks[k].val)
		k++
	}
	return d.one(i, k, timeline.TypeTime, p)
}

// averageRate reports whether "daily", "weekly" or "monthly" at j measures
// an average ("average daily volume"): a rate, not a recurring time.
func averageRate(d *doc, j int) bool { return d.lowerIs(j-1, "average") }

// genericWords after "today's" make it "nowadays", which TimeML leaves
// unmarked ("today's youth", "in today's world").
var genericWords = map[string]bool{"world": true, "youth": true, "society": true, "generation": true, "children": true,
	"kids": true, "young": true, "standards": true, "culture": true}

// genericDay reports whether "today" or "tomorrow" at i..j stands for an era
// rather than a day: "today's world", "the people of tomorrow".
func genericDay(d *doc, i, j int, val int32) bool {
	if val != dToday && val != dTomorrow {
		return false
	}
	if possessiveAt(d, j+1) && j+3 < d.n() && d.toks[j+3].kind == tWord && inSet(genericWords, d.textOf(j+3)) {
		return true
	}
	// "the people of tomorrow": a noun of tomorrow (but not "the events of today")
	return val == dTomorrow && d.mod(i-1, mOf) && i > 1 && d.toks[i-2].kind == tWord && !d.toks[i-2].known
}

// weekdaySet is the TIMEX3 value of every such weekday (and part of day).
func weekdaySet(wd, part int) string {
	v := "XXXX-WXX-" + string(rune('0'+isoWeekday(wd)))
	if part > 0 {
		v += "T" + partCodes[part]
	}
	return v
}

// ordinalDayOf reports whether "the" at i opens "the Nth day of ..." said in
// the present of "to be" ("today is the eighth day of the blockade", "it's
// the second day of the offensive"): a count of days that ends on the day of
// writing. In the past ("it was the third day of") the day is not known.
func ordinalDayOf(d *doc, i, j int) bool {
	if !d.is(j, cOrdinal) || !d.lowerIs(j+1, "day") || !d.mod(j+2, mOf) {
		return false
	}
	if d.lowerIs(i-1, "is") {
		return true
	}
	// "it's": an apostrophe glued between "it" and "s"
	return d.lowerIs(i-1, "s") && d.glued(i-1) && (d.punct(i-2, '\'') || d.punct(i-2, '\u2019')) && d.lowerIs(i-3, "it")
}
