package timex

import (
	"github.com/newsline/timeline/timeline"
)

// allRules lists the rules in priority order (the first wins a tie).
var allRules = []*rule{periodCodeRule, ordinalDayRule, nthDayRule, beforeLastRule, dayAroundRule, weekOfRule, lastingRule, dayPartRule, dayListRule, whileRule, dateRule, yearEarlierRule, yearEndRule, centuryRule, rangeRule, modifierRule, quarterRule, timeRule, deicticRule, weekdayRule, relativeRule, countRule, setRule, holidayRule, newYearRule, namedDayRule, clockWordRule, halfUnitRule}

// ordinalDayRule: "on the 15th", "by the 3rd,": a day of the month the
// narrative is in. Only after a preposition of time and before the end of
// a clause: "the 15th floor", "the 3rd Division" name other things.
var ordinalDayRule = &rule{
	name:     "ordinal day",
	triggers: []int{keyMod + mThe},
	match: func(d *doc, i int) (match, bool) {
		j := i + 1
		day, ok := int(0), j < d.n() && d.toks[j].kind == tNum && d.toks[j].ord && d.toks[j].ndig <= 2
		if ok {
			day = int(d.toks[j].val)
		}
		if !ok || day < 1 || day > 31 || !dayPrepBefore(d, i) || !clauseEndAt(d, j+1) || !monthNamedBefore(d, i) {
			return match{}, false
		}
		p := relPoint(anchorNarr, uMonth, 0)
		p.day = day
		return d.one(i, j+1, timeline.TypeDate, p)
	},
}

// monthNamedBefore reports whether a month name comes in the 60 tokens
// before i: "on the 18th" in a report that named no month is more often a
// hole, a floor or a ward than a day.
func monthNamedBefore(d *doc, i int) bool {
	for k := i - 1; k >= 0 && k >= i-60; k-- {
		if d.is(k, cMonth) && d.toks[k].upper {
			return true
		}
	}
	return false
}

// dayPrepBefore tells whether a preposition that takes a day comes before i.
func dayPrepBefore(d *doc, i int) bool {
	switch d.modOf(i - 1) {
	case mOn, mUntil, mSince, mBefore, mAfter, mFrom, mThrough:
		return true
	}
	return d.lowerIs(i-1, "by")
}

// clauseEndAt tells whether a clause ends at token k: punctuation, the end
// of the text, or a conjunction.
func clauseEndAt(d *doc, k int) bool {
	if k >= d.n() {
		return true
	}
	if d.toks[k].kind == tPunct {
		return d.toks[k].ch != '-' && d.toks[k].ch != '/'
	}
	return d.lowerIs(k, "and") || d.lowerIs(k, "but") || d.lowerIs(k, "when") || d.lowerIs(k, "as")
}

// periodCodeRule: the codes business news writes periods in: "H1 2024",
// "FY2024", and a calendar quarter told by its months ("the April-June
// quarter").
var periodCodeRule = &rule{
	name:     "period code",
	triggers: []int{keyNum, keyClass + int(cMonth), keyMod + mThe},
	match: func(d *doc, i int) (match, bool) {
		if d.mod(i, mThe) {
			return monthsQuarter(d, i+1)
		}
		if d.is(i, cMonth) {
			return monthsQuarter(d, i)
		}
		n, ok := d.num(i)
		if !ok || i == 0 || !d.glued(i) || d.toks[i-1].kind != tWord || !d.toks[i-1].upper || (i > 1 && d.glued(i-1)) {
			return match{}, false
		}
		if i+1 < d.n() && d.glued(i+1) && d.toks[i+1].kind != tPunct {
			return match{}, false
		}
		p := newPoint()
		p.anchor = anchorDCT
		switch {
		case d.lowerIs(i-1, "h") && (n == 1 || n == 2) && d.toks[i].ndig == 1:
			// "H1 2024": only with its year ("H1" alone is as often a road or a visa)
			y, e, ok := matchYear(d, i+1, true)
			if !ok {
				return match{}, false
			}
			p.half, p.year, p.yearDig = n, y, 4
			return d.one(i-1, e, timeline.TypeDate, p)
		case d.lowerIs(i-1, "fy") && d.toks[i].ndig == 4 && n >= 1900 && n <= 2199:
			p.year, p.yearDig = n, 4 // "fiscal 2024" is valued as its year, so is "FY2024"
			return d.one(i-1, i+1, timeline.TypeDate, p)
		}
		return match{}, false
	},
}

// monthsQuarter reads a calendar quarter told by its first and last months:
// "the April-June quarter", "the July-September quarter". Months that are no
// calendar quarter ("the February-April quarter", a fiscal one) are left to
// the range rule.
func monthsQuarter(d *doc, i int) (match, bool) {
	m1, k, ok := monthAt(d, i)
	if !ok || !d.dash(k) || !d.glued(k) || !d.glued(k+1) {
		return match{}, false
	}
	m2, e, ok := monthAt(d, k+1)
	if !ok || m2 != m1+2 || (m1-1)%3 != 0 || !d.lowerIs(e, "quarter") {
		return match{}, false
	}
	p := newPoint()
	p.anchor, p.quarter = anchorDCT, (m1+2)/3
	start := i
	if d.mod(i-1, mThe) {
		start = i - 1
	}
	return d.one(start, e+1, timeline.TypeDate, p)
}

// quarterRule: "the third quarter", "third-quarter", "the first half of 2019",
// "the fiscal first quarter", "Q3 2012", "1989's third quarter".
var quarterRule = &rule{
	name:     "quarter",
	triggers: []int{keyMod + mThe, keyMod + mFiscal, keyClass + int(cOrdinal), keyNum, keyMod + mQ, keyMod + mThis, keyMod + mLast, keyMod + mNext},
	match: func(d *doc, i int) (match, bool) {
		j := i
		p := newPoint()
		p.anchor = anchorDCT
		if d.mod(j, mThe) {
			j++
		}
		if d.mod(j, mFiscal) {
			j++
		}
		// "this year's", "last year's", "1989's"
		if y, e, ok := matchYear(d, j, true); ok && (d.punct(e, '\'') || d.punct(e, '\u2019')) && d.lowerIs(e+1, "s") {
			p.year, p.yearDig, j = y, 4, e+2
		} else if d.mod(j, mLast) && d.lowerIs(j+1, "year") && (d.punct(j+2, '\'') || d.punct(j+2, '\u2019')) && d.lowerIs(j+3, "s") && (d.lowerIs(j+4, "quarter") || d.lowerIs(j+4, "period")) {
			// "last year's quarter": the narrative's quarter, a year before
			p = relPoint(anchorNarr, uYear, -1)
			p.yearBack, p.quarterNoun = true, true
			return d.one(i, j+5, timeline.TypeDate, p)
		} else if m := d.modOf(j); (m == mThis || m == mLast || m == mNext) && d.lowerIs(j+1, "year") && (d.punct(j+2, '\'') || d.punct(j+2, '\u2019')) && d.lowerIs(j+3, "s") {
			p.relative, p.unit = true, uYear
			p.shift = map[int32]int{mThis: 0, mLast: -1, mNext: 1}[m]
			j += 4
		}
		if d.mod(j, mFiscal) {
			j++
		}
		if d.mod(j-1, mThe) || d.mod(j-1, mFiscal) {
			k := j
			latest := false
			if d.lowerIs(k, "latest") || d.lowerIs(k, "same") || (d.lowerIs(k, "most") && d.mod(k+1, mRecent)) {
				latest = !d.lowerIs(k, "same")
				k++
				if d.mod(k, mRecent) {
					k++
				}
			}
			if (d.lowerIs(k, "corresponding") || d.lowerIs(k, "comparable") || d.lowerIs(k, "same")) && (d.lowerIs(k+1, "period") || d.lowerIs(k+1, "quarter")) && d.mod(k+2, mLast) && d.lowerIs(k+3, "year") {
				// "the corresponding period last year"
				p = relPoint(anchorNarr, uYear, -1)
				p.yearBack, p.quarterNoun = true, true
				return d.one(i, k+4, timeline.TypeDate, p)
			}
			if latest && d.mod(k, mFiscal) && d.lowerIs(k+1, "year") {
				// "the latest fiscal year": the last one completed before publication
				return d.one(i, k+2, timeline.TypeDate, relPoint(anchorDCT, uYear, -1))
			}
			isPeriod := k > j && d.lowerIs(k, "period") // "the latest period"
			if u, plural := d.unit(k); (isPeriod || (u == uQuarter && !plural)) && !d.mod(k+1, mOf) && !(d.dash(k+1) && d.glued(k+1)) {
				if latest && u == uQuarter {
					// "the latest quarter" is the last one reported: completed before publication
					return d.one(i, k+1, timeline.TypeDate, relPoint(anchorDCT, uQuarter, -1))
				}
				if !latest && u == uQuarter && d.mod(k+1, mA) && d.lowerIs(k+2, "year") && (d.mod(k+3, mAgo) || d.mod(k+3, mEarlier)) {
					// "the quarter a year ago": the narrative's quarter, a year before
					p = relPoint(anchorNarr, uYear, -1)
					p.yearBack, p.quarterNoun = true, true
					return d.one(i, k+4, timeline.TypeDate, p)
				}
				if q, ok := quarterEnded(d, k+1); ok && u == uQuarter {
					p = q // used when the narrative has named no quarter (see resolveExpr)
				}
				p.thatQuarter = true
				return d.one(i, k+1, timeline.TypeDate, p)
			}
		}
		if p.yearDig == 0 && !p.relative && j > i {
			// "the 1988 third quarter"; "the 1988 quarter", "the 1988 period" (in a
			// report of results): the narrative's quarter of that year
			if y, e, ok := matchYear(d, j, true); ok && d.is(e, cOrdinal) {
				p.year, p.yearDig, j = y, 4, e
			} else if ok && (d.lowerIs(e, "quarter") || d.lowerIs(e, "period")) && !(d.dash(e+1) && d.glued(e+1)) && !d.mod(e+1, mOf) {
				p.year, p.yearDig, p.thatQuarter = y, 4, true
				return d.one(i, e+1, timeline.TypeDate, p)
			}
		}
		var part int
		var unit uint8
		if d.lowerIs(j, "q") && d.glued(j+1) {
			if q, ok := d.num(j + 1); ok && q >= 1 && q <= 4 {
				part, unit, j = q, uQuarter, j+2
			}
		} else if d.mod(j, mLast) && d.lowerIs(j+1, "half") && j > i {
			part, unit, j = 2, uHalf, j+2
		} else if (d.mod(j, mLast) || d.lowerIs(j, "final")) && d.lowerIs(j+1, "quarter") && j > i && yearOfAt(d, j+2) {
			// "the last quarter of 2023", "the final quarter of this year": the
			// year's fourth; alone "the last quarter" may be the one before this
			// and "the final quarter" a game's
			part, unit, j = 4, uQuarter, j+2
		} else if d.is(j, cOrdinal) {
			part = int(d.toks[j].val)
			k := j + 1
			if d.dash(k) && d.glued(k) {
				k++
			}
			if u, plural := d.unit(k + 1); part == 1 && d.is(k, cNumWord) && d.toks[k].val == 2 && plural && u == uQuarter && d.mod(k+2, mOf) {
				// "the first two quarters of 1990" is the year's first half
				part, unit, j = 1, uHalf, k+2
			} else if u, plural := d.unit(k); !plural && (u == uQuarter || u == uHalf) {
				if k > j+1 && d.mod(i, mThe) {
					i++ // "the third-quarter results": an adjective; "the" belongs to the noun
				}
				unit, j = u, k+1
			} else if d.lowerIs(k, "half") && !halfLengthAt(d, k+1) && !(d.dash(k+1) && halfLengthAt(d, k+2)) {
				// not "the first half hour": a length
				if k > j+1 && d.mod(i, mThe) {
					i++ // "the first-half profit", as "the third-quarter results"
				}
				unit, j = uHalf, k+1
			}
		}
		if unit == uNone || part < 1 || (unit == uQuarter && part > 4) || (unit == uHalf && part > 2) {
			return match{}, false
		}
		if p.yearDig == 0 && !p.relative && d.mod(j, mOf) {
			// "the last half of the '80s": a part of a decade or century is
			// valued as the whole, as "the late 1980s" is
			k := j + 1
			if d.mod(k, mThe) {
				k++
			}
			if q, e, ok := matchDecade(d, k); ok && q.yearDig == 3 {
				return d.one(i, e, timeline.TypeDate, q)
			}
		}
		if p.yearDig == 0 && !p.relative {
			k := j
			if d.mod(k, mOf) {
				k++
			}
			if d.mod(k, mFiscal) {
				k++
			}
			if y, e, ok := matchYear(d, k, true); ok {
				p.year, p.yearDig, j = y, 4, e
			} else if d.mod(k-1, mOf) && (d.mod(k, mThis) || d.mod(k, mLast) || d.mod(k, mNext)) && d.lowerIs(k+1, "year") {
				p.relative, p.unit = true, uYear
				p.shift = map[int32]int{mThis: 0, mLast: -1, mNext: 1}[d.modOf(k)]
				j = k + 2
			}
		}
		if unit == uQuarter {
			p.quarter = part
		} else {
			p.half = part
		}
		return d.one(i, j, timeline.TypeDate, p)
	},
}

// yearOfAt reports whether "of" and a year follow at k: "of 2023", "of
// fiscal 2023", "of this year", "of last year", "of next year".
func yearOfAt(d *doc, k int) bool {
	if !d.mod(k, mOf) {
		return false
	}
	k++
	if d.mod(k, mFiscal) {
		k++
	}
	if _, _, ok := matchYear(d, k, true); ok {
		return true
	}
	m := d.modOf(k)
	return (m == mThis || m == mLast || m == mNext) && d.lowerIs(k+1, "year")
}

// timeRule: "3 p.m.", "10:35 a.m. EST", "6 a.m. Thursday", "9 o'clock".
var timeRule = &rule{
	name:     "time",
	triggers: []int{keyNum},
	match: func(d *doc, i int) (match, bool) {
		h, ok := d.num(i)
		if ok && d.toks[i].ndig == 4 && d.isolatedNumberForTime(i) {
			return wireTime(d, i, h)
		}
		if !ok || d.toks[i].ndig > 2 || h > 24 || !d.isolatedNumberForTime(i) {
			return match{}, false
		}
		// a clock time with no day is on the day the narrative is telling
		// about ("He was shot on Oct. 23. Police came at 10 p.m."), else on
		// the publication day
		p := relPoint(anchorNarr, uDay, 0)
		p.hour, p.minute = h, 0
		j := i + 1
		colon := false
		if d.punct(j, ':') && d.glued(j) && d.glued(j+1) {
			mm, ok := d.num(j + 1)
			if !ok || d.toks[j+1].ndig != 2 || mm > 59 {
				return match{}, false
			}
			p.minute, j, colon = mm, j+2, true
		} else if d.punct(j, '.') && d.glued(j) && d.glued(j+1) && h >= 1 && h <= 12 {
			// British "9.30am": only with the meridiem, else it is a decimal ("fell 4.30 points")
			if mm, ok := d.num(j + 1); ok && d.toks[j+1].ndig == 2 && mm <= 59 {
				// only before "am"/"pm": "traded at 1.08 in the morning" is a price
				if am, _ := meridiem(d, j+2); am != 0 {
					p.minute, j, colon = mm, j+2, true
				}
			}
		}
		ampm, k := meridiem(d, j)
		if ampm == 0 && (colon || clockPrepBefore(d, i)) {
			ampm, k = partMeridiem(d, j, h) // "3:30 in the afternoon", "at 4 in the morning"
		}
		switch {
		case ampm != 0:
			if h > 12 || h == 0 {
				return match{}, false
			}
			if ampm == 2 && h < 12 {
				p.hour = h + 12
			} else if ampm == 1 && h == 12 {
				p.hour = 0
			}
			j = k
		case d.lowerIs(j, "o") && (d.punct(j+1, '\'') || d.punct(j+1, '\u2019')) && d.lowerIs(j+2, "clock"):
			j += 3
		case colon && (zoneEnd(d, j) > j || colonPrepBefore(d, i)):
		case tonightPrepBefore(d, i) && h >= 1 && h < 12 && j < d.n() && d.is(j, cDeictic) && d.toks[j].val == dTonight:
			// "at 10 tonight": clockDay reads the evening's hour; not after
			// "to", "by" or "from", where the number is often an amount
			// ("the toll rose to 10 tonight"), nor 12 (noon or midnight?)
		default:
			return match{}, false
		}
		p, j = zoneDay(d, j, p)
		return d.one(i, j, timeline.TypeTime, p)
	},
}

// clockWordRule: clock times told in words: "half past six", "a quarter to
// nine", "quarter past 10 p.m.", "a quarter after eight in the morning".
var clockWordRule = &rule{
	name:     "clock words",
	triggers: []int{keyMod + mA, keyUnit, keyMod + mPast},
	match: func(d *doc, i int) (match, bool) {
		start, j := i, i
		if d.mod(j, mA) {
			j++
		}
		minute, back := 0, false
		b := i - 1
		if d.mod(b, mA) {
			b-- // the rule also fires at "quarter", after the "a"
		}
		if b >= 0 && (d.lowerIs(b, "by") || inSet(changeVerbs, d.textOf(b))) {
			return match{}, false // "cut by a quarter to 9": a fraction, then the amount it came to
		}
		switch {
		case j == i && d.mod(j, mPast) && d.lowerIs(i-1, "half") && i > 0 && !d.glued(i):
			start, minute, j = i-1, 30, j+1
		case d.lowerIs(j, "quarter") && (d.mod(j+1, mPast) || d.lowerIs(j+1, "after")):
			minute, j = 15, j+2
		case d.lowerIs(j, "quarter") && (d.mod(j+1, mTo) || d.lowerIs(j+1, "till")):
			minute, back, j = 45, true, j+2
		default:
			return match{}, false
		}
		h, ok := 0, false
		switch {
		case j < d.n() && d.toks[j].kind == tNum && d.toks[j].ndig <= 2 && d.isolatedNumberForTime(j) && !(d.glued(j+1) && d.toks[min(j+1, d.n()-1)].kind == tNum):
			h, ok = int(d.toks[j].val), true
		case d.is(j, cNumWord):
			h, ok = int(d.toks[j].val), true
		}
		if !ok || h < 1 || h > 12 {
			return match{}, false
		}
		if back {
			h--
			if h == 0 {
				h = 12
			}
		}
		p := relPoint(anchorNarr, uDay, 0)
		p.hour, p.minute = h, minute
		j++
		ampm, k := meridiem(d, j)
		if ampm == 0 {
			ampm, k = partMeridiem(d, j, h)
		}
		if ampm == 0 && !clockPrepBefore(d, start) && !d.lowerIs(start-1, "around") {
			return match{}, false // "the vote went a quarter to seven in favour": with no "at" and no "p.m.", an amount
		}
		if ampm == 0 && !clockWordsEnd(d, j) {
			return match{}, false // "a quarter to 10 percent", "a quarter past 3 million"
		}
		if ampm == 2 && h < 12 {
			p.hour = h + 12
		} else if ampm == 1 && h == 12 {
			p.hour = 0
		}
		p, j = zoneDay(d, k, p)
		return d.one(start, j, timeline.TypeTime, p)
	},
}

// clockWordsEnd reports whether a clock time told in words may end before
// token k: at punctuation or the end, or before a word that goes on with a
// time ("on Tuesday", "tonight", "local time", "o'clock") or a new clause.
func clockWordsEnd(d *doc, k int) bool {
	if k >= d.n() || d.toks[k].kind == tPunct {
		return true
	}
	if d.toks[k].kind != tWord {
		return false
	}
	if d.is(k, cWeekday) || d.is(k, cDeictic) || timezoneAt(d, k) {
		return true
	}
	return inSet(afterClockWords, d.textOf(k))
}

var afterClockWords = map[string]bool{"on": true, "at": true, "in": true, "and": true, "or": true, "when": true,
	"as": true, "this": true, "local": true, "o": true, "that": true, "the": true, "before": true, "after": true}

// clockDay reads the day a clock time at p falls on, from token j: "Thursday",
// "today", "Nov. 9", each also after "on" ("8 p.m. on Tuesday"), or a day
// told against the narrative ("the next day"). Without one p is returned as
// it is (the narrative's day).
func clockDay(d *doc, j int, p point) (point, int) {
	k := j
	if d.mod(k, mOn) {
		k++
	}
	if d.is(k, cWeekday) {
		p.relative, p.weekday, p.anchor = false, int(d.toks[k].val), anchorDCT
		return p, k + 1
	}
	if e, ok := d.word(k); ok && e.class == cDeictic && (e.val == dToday || e.val == dYesterday || e.val == dTomorrow) {
		p.shift = map[int32]int{dToday: 0, dYesterday: -1, dTomorrow: 1}[e.val]
		p.anchor = anchorDCT
		return p, k + 1
	}
	if e, ok := d.word(k); ok && e.class == cDeictic && e.val == dTonight && k == j {
		// "7 o'clock tonight": this evening's seven
		p.shift, p.anchor = 0, anchorDCT
		if p.hour >= 5 && p.hour < 12 {
			p.hour += 12
		}
		return p, k + 1
	}
	if q, e, ok := matchMonthDate(d, k); ok && q.day > 0 {
		q.hour, q.minute, q.anchor = p.hour, p.minute, anchorDCT
		return q, e
	}
	if q, e, ok := relativeAt(d, k, uDay); ok {
		q.hour, q.minute = p.hour, p.minute // "3 a.m. the next day"
		return q, e
	}
	return p, j
}

func (d *doc) isolatedNumberForTime(i int) bool {
	if i > 0 && d.glued(i) && d.toks[i-1].kind != tPunct {
		return false
	}
	return !(i > 0 && d.glued(i) && (d.punct(i-1, '$') || d.punct(i-1, '.') || d.punct(i-1, ',') || d.punct(i-1, ':')))
}

// meridiem reads "a.m.", "am", "p.m", "PM": 1 for am, 2 for pm.
func meridiem(d *doc, j int) (int, int) {
	switch d.modOf(j) {
	case mAM:
		return 1, j + 1
	case mPM:
		return 2, j + 1
	}
	if (d.lowerIs(j, "a") || d.lowerIs(j, "p")) && d.punct(j+1, '.') && d.glued(j+1) && d.lowerIs(j+2, "m") && d.glued(j+2) {
		v := 1
		if d.lowerIs(j, "p") {
			v = 2
		}
		k := j + 3
		if d.punct(k, '.') && d.glued(k) {
			k++
		}
		return v, k
	}
	return 0, j
}

var timezones = map[string]bool{"est": true, "edt": true, "cst": true, "cdt": true, "mst": true, "mdt": true, "pst": true,
	"pdt": true, "gmt": true, "utc": true, "bst": true, "cet": true, "cest": true, "msk": true, "jst": true, "ist": true}

func timezoneAt(d *doc, j int) bool {
	return j < d.n() && d.toks[j].kind == tWord && d.toks[j].upper && len(d.textOf(j)) <= 4 && inSet(timezones, d.textOf(j))
}

// zoneDay reads what may follow a clock time at p ending at token j: a
// zone and a day (clockDay), and returns p on that day and the end of the
// expression. An abbreviated zone is part of the expression, as TimeML marks
// "5 p.m. EST"; a zone in words ("local time", "Eastern time") only when a
// day follows it ("8 p.m. local time on Nov. 5"), else the expression ends
// before it ("at 10:35 a.m. local time").
func zoneDay(d *doc, j int, p point) (point, int) {
	if z := zoneEnd(d, j); z > j && !timezoneAt(d, j) {
		if q, e := clockDay(d, z, p); e > z {
			return q, e
		}
		return p, j
	}
	if timezoneAt(d, j) {
		j++
	}
	if d.punct(j, ',') && (d.is(j+1, cWeekday) || d.is(j+1, cMonth)) {
		j++
	}
	return clockDay(d, j, p)
}

// zoneEnd returns the end of the time zone told after a clock time ending
// at j: "EST", "GMT", "local time", "Eastern time", "Pacific Standard Time";
// j itself if none.
func zoneEnd(d *doc, j int) int {
	if timezoneAt(d, j) {
		return j + 1
	}
	if d.lowerIs(j, "local") && d.lowerIs(j+1, "time") {
		return j + 2
	}
	if j < d.n() && d.toks[j].kind == tWord && d.toks[j].upper && inSet(zoneNames, d.textOf(j)) {
		k := j + 1
		if d.lowerIs(k, "standard") || d.lowerIs(k, "daylight") {
			k++
		}
		if d.lowerIs(k, "time") {
			return k + 1
		}
	}
	return j
}

// zoneNames name the time zones of North America before "time".
var zoneNames = map[string]bool{"eastern": true, "central": true, "mountain": true, "pacific": true, "atlantic": true}

// wireTime reads the 24-hour clock wire services write with a zone: "at 0600
// GMT", "by 1400 GMT Friday", "at 2130 local time": hhmm at token i (value
// v). The zone must follow and a preposition of clock times precede, else
// four digits are a year ("In 1884 GMT became the standard"); a time
// restated in parentheses ("10:35 a.m. (0735 GMT)") is not a new one.
func wireTime(d *doc, i, v int) (match, bool) {
	h, m := v/100, v%100
	if h > 23 || m > 59 {
		return match{}, false
	}
	if zoneEnd(d, i+1) == i+1 || !clockPrepBefore(d, i) {
		return match{}, false
	}
	p := relPoint(anchorNarr, uDay, 0)
	p.hour, p.minute = h, m
	p, j := zoneDay(d, i+1, p)
	return d.one(i, j, timeline.TypeTime, p)
}

// atWireTime reports whether the four digits v at i are a 24-hour clock time
// after "at" ("at 1930 local time", "at about 2015 GMT"): with a zone after
// them no year follows "at". After "until", "by" or "from" a year may be
// the zone's subject ("Until 1918 local time varied from town to town").
func atWireTime(d *doc, i, v int) bool {
	if !d.mod(i-1, mAt) && !(d.mod(i-1, mAbout) && d.mod(i-2, mAt)) {
		return false
	}
	return v/100 <= 23 && v%100 <= 59 && zoneEnd(d, i+1) > i+1
}

// rangeRule: "between 2018 and 2020", "from May to July 2019", "2018–2020",
// "June 12-14, 2024". It yields the two ends as separate expressions (as
// TimeML annotates them); the first carries the range end.
var rangeRule = &rule{
	name:     "range",
	triggers: []int{keyMod + mBetween, keyMod + mFrom, keyNum, keyClass + int(cMonth), keyMod + mThe},
	match: func(d *doc, i int) (match, bool) {
		if d.mod(i, mThe) {
			return yearSpan(d, i+1) // "the 2014-15 season"
		}
		j := i
		intro := d.modOf(i)
		if intro == mBetween || intro == mFrom {
			j++
		}
		if m, ok := dayFirstRange(d, j, intro); ok {
			return m, true
		}
		if m, ok := yearSpan(d, j); ok {
			return m, true
		}
		p1, e1, ok := modifiedPoint(d, j, intro)
		if !ok {
			return match{}, false
		}
		k := e1
		switch {
		case intro == mBetween && d.mod(k, mAnd):
			k++
		case intro == mFrom && (d.mod(k, mTo) || d.mod(k, mUntil) || d.mod(k, mThrough) || d.dash(k)):
			k++
		case intro != mBetween && d.dash(k) && d.glued(k) && d.glued(k+1):
			k++
			if p1.day > 0 {
				if day, ok := d.num(k); ok && d.toks[k].ndig <= 2 && day > p1.day && day <= 31 {
					p2 := p1
					p2.day = day
					end := k + 1
					if d.punct(end, ',') {
						if y, e, ok := matchYear(d, end+1, true); ok {
							p1.year, p1.yearDig, p2.year, p2.yearDig = y, 4, y, 4
							end = e
						}
					}
					return rangeMatch(d, j, e1, k, end, p1, p2)
				}
			}
		default:
			return match{}, false
		}
		if intro == mFrom && p1.day > 0 && p1.weekday < 0 {
			if m, ok := dayOnlyEnd(d, j, e1, k, p1); ok {
				return m, true
			}
		}
		p2, e2, ok := modifiedPoint(d, k, intro)
		if !ok {
			return match{}, false
		}
		if intro == 0 && !(p1.yearDig == 4 && p2.yearDig == 4 && p1.month == 0 && p2.month == 0) {
			return match{}, false
		}
		if p1.yearDig == 0 && p2.yearDig == 0 && p1.month > 0 && p2.month > 0 && p1.weekday < 0 && p2.weekday < 0 {
			// "between July and September next year": the year told after the
			// second end is both ends', as a stated year is
			k2 := e2
			if d.mod(k2, mOf) {
				k2++
			}
			if q, e, ok := relativeAt(d, k2, uYear); ok && !possessiveAt(d, e) {
				q1, q2 := q, q
				q1.month, q1.day = p1.month, p1.day
				q2.month, q2.day = p2.month, p2.day
				m, _ := rangeMatch(d, j, e1, k, e, q1, q2)
				m.exprs[0].pt.anchor, m.exprs[1].pt.anchor = q.anchor, q.anchor
				return m, true
			}
		}
		return rangeMatch(d, j, e1, k, e2, p1, p2)
	},
}

// modifiedPoint reads a range's end at token i. After "between" or "from"
// an end may carry a part-of-period modifier ("between 2019 and early
// 2021", "from mid-2018 until the end of 2020"): the range still runs from
// one date to the other, each end at the precision it names (TimeML would
// mark the part with a MOD we do not output), and the end's expression
// keeps its modifier, as it does on its own.
func modifiedPoint(d *doc, i int, intro int32) (point, int, bool) {
	p, e, ok := matchPoint(d, i)
	if ok || intro == 0 {
		return p, e, ok
	}
	if j := modifierEnd(d, i); j > i {
		return matchPoint(d, j)
	}
	return point{}, 0, false
}

// dayOnlyEnd reads the second end of "from Aug. 20 to 25": a later day of the
// first end's month, at token k, that ends the phrase (punctuation, the end of
// the text, or a year after a comma): "from August 20 to 25 percent" is an
// amount. Each end is its own expression, as TimeML marks them.
func dayOnlyEnd(d *doc, j, e1, k int, p1 point) (match, bool) {
	day, ok := d.num(k)
	if !ok || d.toks[k].ndig > 2 || day <= p1.day || day > 31 || !d.isolatedNumber(k) {
		return match{}, false
	}
	end := k + 1
	if end < d.n() {
		t := d.toks[end]
		if t.kind != tPunct || t.ch == '%' || t.ch == '-' || t.ch == '/' || (t.ch == '.' || t.ch == ',') && d.glued(end+1) && d.toks[end+1].kind == tNum && d.glued(end) {
			return match{}, false
		}
	}
	p2 := p1
	p2.day = day
	if d.punct(end, ',') {
		if y, e, ok := matchYear(d, end+1, true); ok && p1.yearDig == 0 {
			p1.year, p1.yearDig, p2.year, p2.yearDig = y, 4, y, 4
			end = e
		}
	}
	return rangeMatch(d, j, e1, k, end, p1, p2)
}

// yearSpan reads a year with a later one's last two digits: a season or a
// fiscal year ("2023-24", "the 2019/20 season"), or a span after a
// temporal cue or with a typographic dash ("in 1914-18", "(1914–18)").
// Other two digits are no year: "Route 2023-25", "Form 1989-12".
func yearSpan(d *doc, j int) (match, bool) {
	y, ok := d.num(j)
	if !ok || d.toks[j].ndig != 4 || y < 1000 || (j > 0 && d.glued(j) && d.toks[j-1].kind != tPunct) {
		return match{}, false
	}
	e1 := j + 1
	if !(d.dash(e1) || d.punct(e1, '/')) || !d.glued(e1) || !d.glued(e1+1) {
		return match{}, false
	}
	n, ok := d.num(e1 + 1)
	if !ok || d.toks[e1+1].ndig != 2 || (e1+2 < d.n() && d.glued(e1+2) && d.toks[e1+2].kind != tPunct) {
		return match{}, false
	}
	end := y - y%100 + n
	if n == (y+1)%100 {
		end = y + 1 // "1999-00"
	}
	cued := (d.dash(e1) && d.toks[e1].ch != '-') || temporalCueBefore(d, j) || d.punct(j-1, '(')
	if end != y+1 && !(cued && end > y) {
		return match{}, false
	}
	p1 := newPoint()
	p1.year, p1.yearDig = y, 4
	p2 := p1
	p2.year = end
	return rangeMatch(d, j, e1, e1+1, e1+2, p1, p2)
}

// dayFirstRange reads a run of days written before the month they share:
// "24-25 June 2024", "from 3 to 5 May", "between 3 and 5 May".
func dayFirstRange(d *doc, j int, intro int32) (match, bool) {
	day1, ok := d.num(j)
	if !ok || d.toks[j].ndig > 2 || day1 < 1 || !d.isolatedNumber(j) {
		return match{}, false
	}
	k := j + 1
	switch {
	case d.dash(k) && d.glued(k) && d.glued(k+1):
	case intro == mFrom && (d.mod(k, mTo) || d.mod(k, mUntil)):
	case intro == mBetween && d.mod(k, mAnd):
	default:
		return match{}, false
	}
	p2, e2, ok := matchDayMonth(d, k+1)
	if !ok || p2.day <= day1 {
		return match{}, false
	}
	p1 := p2
	p1.day = day1
	return rangeMatch(d, j, j+1, k+1, e2, p1, p2)
}

func rangeMatch(d *doc, i1, j1, i2, j2 int, p1, p2 point) (match, bool) {
	if p1.yearDig == 0 && p2.yearDig == 4 {
		p1.year, p1.yearDig = p2.year, 4
	}
	p1.anchor, p2.anchor = anchorDCT, anchorDCT
	return match{end: j2, exprs: []expr{
		{i: i1, j: j1, typ: timeline.TypeDate, pt: p1, isPoint: true, rangeTo: 1},
		{i: i2, j: j2, typ: timeline.TypeDate, pt: p2, isPoint: true, rangeTo: -1},
	}}, true
}

// modifierEnd returns the end of the part-of-period modifier at token i
// ("early", "mid-", "late", "the late", "the end of", "the beginning of",
// "the start of", "the middle of"), or i if none is there.
func modifierEnd(d *doc, i int) int {
	j := i
	switch d.modOf(j) {
	case mEarly, mMid, mLate:
		j++
	case mThe:
		m := d.modOf(j + 1)
		switch {
		case (m == mEarly || m == mMid || m == mLate) && j+2 < d.n():
			j += 2 // "the late 1970s"
		case (m == mEnd || m == mBeginning || m == mMiddle) && d.mod(j+2, mOf):
			return j + 3
		default:
			return i
		}
	default:
		return i
	}
	if d.dash(j) && d.glued(j) {
		j++
	}
	return j
}

// modifierRule: "early 2020", "mid-2022", "late last July", "the end of
// 1990", "the beginning of the year". The value is the modified date's;
// TimeML marks the part with a MOD attribute we do not output.
var modifierRule = &rule{
	name:     "modifier",
	triggers: []int{keyMod + mEarly, keyMod + mMid, keyMod + mLate, keyMod + mThe},
	match: func(d *doc, i int) (match, bool) {
		j := modifierEnd(d, i)
		if j == i {
			return match{}, false
		}
		if j < d.n() && d.lowerIs(j, "the") {
			if u, plural := d.unit(j + 1); !plural && (u == uYear || u == uMonth || u == uWeek || u == uQuarter || u == uDecade || u == uCentury) {
				return d.one(i, j+2, timeline.TypeDate, relPoint(anchorDCT, u, 0))
			}
		}
		if j >= d.n() {
			return match{}, false
		}
		m, ok := dispatch.longest(d, j)
		if !ok || len(m.exprs) != 1 || !m.exprs[0].isPoint || m.exprs[0].i != j {
			return match{}, false
		}
		e := m.exprs[0]
		e.i = i
		return match{end: m.end, exprs: []expr{e}}, true
	},
}

// yearEarlierRule: "the year-earlier period", "the year-ago quarter",
// "year-earlier" (as in "year-earlier profit").
var yearEarlierRule = &rule{
	name:     "year-earlier",
	triggers: []int{keyMod + mThe, keyUnit},
	match: func(d *doc, i int) (match, bool) {
		j := i
		if d.mod(j, mThe) {
			j++
			if d.lowerIs(j, "comparable") || d.lowerIs(j, "corresponding") {
				j++
			}
		}
		if !d.lowerIs(j, "year") || !d.dash(j+1) || !d.glued(j+1) || !d.glued(j+2) || !(d.mod(j+2, mEarlier) || d.mod(j+2, mAgo)) {
			return match{}, false
		}
		end := j + 3
		// the compound names a report's comparison period, a year before the
		// report's own: counted from publication, never chained off a year the
		// narrative reached by comparing ("Last year losses were $5 million.
		// The year-earlier results..." is last year, not the year before)
		p := relPoint(anchorDCT, uYear, -1)
		p.yearBack = true
		if d.is(end, cOrdinal) && d.lowerIs(end+1, "quarter") && d.toks[end].val <= 4 {
			// "the year-earlier third quarter"
			p.yearBack = false
			p.quarter = int(d.toks[end].val)
			return d.one(i, end+2, timeline.TypeDate, p)
		}
		if u, plural := d.unit(end); (u == uQuarter && !plural) || d.lowerIs(end, "period") {
			end++
			p.quarterNoun = true // "the year-ago quarter": a quarter, whatever came just before
		} else if j > i {
			i = j // "the year-earlier results": the article belongs to the noun
		}
		return d.one(i, end, timeline.TypeDate, p)
	},
}

// yearEndRule: "year-end", "year end", "year's end": the end of the current year.
var yearEndRule = &rule{
	name:     "year-end",
	triggers: []int{keyUnit, keyMod + mAbout},
	match: func(d *doc, i int) (match, bool) {
		j := i
		if d.mod(j, mAbout) {
			j++
		}
		if !d.lowerIs(j, "year") {
			return match{}, false
		}
		k := j + 1
		switch {
		case d.dash(k) && d.glued(k) && d.glued(k+1) && d.mod(k+1, mEnd):
			k += 2
		case d.mod(k, mEnd) && !d.glued(k):
			k++
		case (d.punct(k, '\'') || d.punct(k, '\u2019')) && d.lowerIs(k+1, "s") && d.mod(k+2, mEnd):
			k += 3
		default:
			return match{}, false
		}
		p := relPoint(anchorNarr, uYear, 0)
		if d.lowerIs(i-1, "since") {
			// what holds since a year's end counts from the last one before
			// publication, not from a year the narrative named ("the close of 1969")
			p = relPoint(anchorDCT, uYear, -1)
		}
		return d.one(i, k, timeline.TypeDate, p)
	},
}

// centuryRule: "the 20th century", "the nineteenth century", and decades in
// words: "the nineties".
var centuryRule = &rule{
	name:     "century",
	triggers: []int{keyMod + mThe, keyNum, keyClass + int(cOrdinal)},
	match: func(d *doc, i int) (match, bool) {
		j := i
		if d.mod(j, mThe) {
			j++
			if m := d.modOf(j); (m == mEarly || m == mMid || m == mLate) && j+1 < d.n() {
				j++ // "the late nineties", "the mid-eighties": valued as the decade, as "the late 1990s" is
				if !yearPrepBefore(d, i) {
					return match{}, false // "temperatures hit the mid-nineties": only "in/since/by ... the late nineties" is the decade
				}
				if d.dash(j) && d.glued(j) {
					j++
				}
				if !d.is(j, cDecade) {
					return match{}, false
				}
			}
		}
		if d.is(j, cDecade) && j > i {
			p := newPoint()
			p.year, p.yearDig = 190+int(d.toks[j].val), 3
			return d.one(i, j+1, timeline.TypeDate, p)
		}
		n := 0
		switch {
		case j < d.n() && d.toks[j].kind == tNum && d.toks[j].ord && d.toks[j].ndig <= 2:
			n = int(d.toks[j].val)
		case d.is(j, cOrdinal):
			n = int(d.toks[j].val)
		}
		if u, plural := d.unit(j + 1); n < 1 || n > 30 || u != uCentury || plural {
			return match{}, false
		}
		p := newPoint()
		p.year, p.yearDig = n-1, 2
		return d.one(i, j+2, timeline.TypeDate, p)
	},
}

// weekOfRule: "the week of March 6": the ISO week holding that day.
var weekOfRule = &rule{
	name:     "week-of",
	triggers: []int{keyMod + mThe},
	match: func(d *doc, i int) (match, bool) {
		if !d.lowerIs(i+1, "week") || !d.mod(i+2, mOf) {
			return match{}, false
		}
		p, end, ok := matchPoint(d, i+3)
		if !ok || p.month == 0 || p.day == 0 || p.hour >= 0 {
			return match{}, false
		}
		p.anchor, p.weekOf = anchorDCT, true
		return d.one(i, end, timeline.TypeDate, p)
	},
}

// dayAroundRule: "the day before yesterday", "the day after Christmas", "the
// day before last Tuesday": a day's distance from a date the text names.
// TimeBank leaves the article out, as the expression names the day by the
// other one.
var dayAroundRule = &rule{
	name:     "day-around",
	triggers: []int{keyMod + mThe, keyUnit},
	match: func(d *doc, i int) (match, bool) {
		j := i
		if d.mod(j, mThe) {
			j++
		}
		if !d.lowerIs(j, "day") {
			return match{}, false
		}
		shift := -1
		switch d.modOf(j + 1) {
		case mBefore:
		case mAfter:
			shift = 1
		default:
			return match{}, false
		}
		if j+2 >= d.n() {
			return match{}, false
		}
		m, ok := dispatch.longest(d, j+2)
		if !ok || len(m.exprs) != 1 || !m.exprs[0].isPoint || m.exprs[0].i != j+2 {
			return match{}, false
		}
		e := m.exprs[0]
		if e.pt.hour >= 0 || e.pt.part > 0 {
			return match{}, false
		}
		e.i, e.pt.dayShift = j, shift
		return match{end: m.end, exprs: []expr{e}}, true
	},
}

// clockPrepBefore reports whether a preposition that takes a clock time
// comes before token i ("at 4 in the morning", "until 9 at night").
// colonPrepBefore tells whether "h:mm" at i follows a preposition of clock
// time. Not "to" or "and" unless they end a span of clock times ("from 9:30
// to 11:45", "between 9:30 and 11:45"): "fell to 3:15" is more often a ratio.
func colonPrepBefore(d *doc, i int) bool {
	if d.mod(i-1, mTo) || d.mod(i-1, mAnd) {
		return colonTimeEndsAt(d, i-1)
	}
	return d.mod(i-1, mBetween) || clockPrepBefore(d, i)
}

// colonTimeEndsAt reports whether a clock time "h:mm" (with an optional
// "a.m."/"p.m.") ends just before token k.
func colonTimeEndsAt(d *doc, k int) bool {
	for _, back := range []int{1, 2, 4, 5} { // "9:30", "9:30 am", "9:30 a.m", "9:30 a.m."
		e := k - back
		if e-2 >= 0 && d.punct(e-1, ':') && d.toks[e].kind == tNum && d.toks[e-2].kind == tNum {
			if back == 1 {
				return true
			}
			if ampm, end := meridiem(d, e+1); ampm != 0 && end == k {
				return true
			}
		}
	}
	return false
}

// tonightPrepBefore reports whether a preposition that introduces a clock
// time rather than an amount comes before i: "at", "until", "before", "after".
func tonightPrepBefore(d *doc, i int) bool {
	switch d.modOf(i - 1) {
	case mAt, mUntil, mBefore, mAfter:
		return true
	}
	return false
}

func clockPrepBefore(d *doc, i int) bool {
	switch d.modOf(i - 1) {
	case mAt, mUntil, mBefore, mAfter, mAbout, mFrom, mTo:
		return true
	}
	return d.lowerIs(i-1, "by")
}

// partMeridiem reads a part of day after an hour ("4 in the morning", "9 at
// night") as its meridiem: 1 for am, 2 for pm.
func partMeridiem(d *doc, j, h int) (int, int) {
	if d.mod(j, mIn) && d.mod(j+1, mThe) && d.is(j+2, cPart) {
		switch d.toks[j+2].val {
		case 1: // morning
			return 1, j + 3
		case 2, 3: // afternoon, evening
			return 2, j + 3
		}
	}
	if d.mod(j, mAt) && d.lowerIs(j+1, "night") {
		if h >= 6 && h < 12 {
			return 2, j + 2
		}
		return 1, j + 2
	}
	return 0, j
}

// lastingRule: "a day-long meeting", "a decades-long feud": an adjective of
// length (with a count, "a three-day-long strike", the count rule reads it).
var lastingRule = &rule{
	name:     "lasting",
	triggers: []int{keyUnit},
	match: func(d *doc, i int) (match, bool) {
		u, plural := d.unit(i)
		if u == uNone || !d.dash(i+1) || !d.glued(i+1) || !d.glued(i+2) || !d.lowerIs(i+2, "long") {
			return match{}, false
		}
		if i > 0 && d.glued(i) {
			return match{}, false // "three-day-long": a count
		}
		n := 1
		if plural {
			n = -1
		}
		return d.fixed(i, i+3, timeline.TypeDuration, durationValue(n, u))
	},
}

// dayPartRule: "in the morning", "during the evening": a part of the day the
// narrative is telling about.
var dayPartRule = &rule{
	name:     "day-part",
	triggers: []int{keyMod + mThe},
	match: func(d *doc, i int) (match, bool) {
		if !(d.mod(i-1, mIn) || d.lowerIs(i-1, "during")) || d.mod(i+2, mOf) {
			return match{}, false // "the morning of the vote" is dated by the vote
		}
		if !d.is(i+1, cPart) || d.toks[i+1].ent.plural {
			return match{}, false
		}
		if k := i + 2; k < d.n() && d.toks[k].kind == tWord && !d.toks[k].known && d.toks[k].gap == gSpace {
			return match{}, false // "in the morning session": a noun's modifier
		}
		p := relPoint(anchorNarr, uDay, 0)
		p.part = int(d.toks[i+1].val)
		return d.one(i, i+2, timeline.TypeTime, p)
	},
}

// dayListRule: "April 24 and 25", "June 3, 4 or 5": days sharing a month
// (and a year), each its own expression as TimeML marks them.
var dayListRule = &rule{
	name:     "day-list",
	triggers: []int{keyClass + int(cMonth)},
	match: func(d *doc, i int) (match, bool) {
		p1, e1, ok := matchMonthDate(d, i)
		if !ok || p1.day == 0 || p1.yearDig != 0 || !(d.mod(e1, mAnd) || d.mod(e1, mOr)) {
			return match{}, false
		}
		day, ok := d.num(e1 + 1)
		if !ok || d.toks[e1+1].ndig > 2 || day < 1 || day > 31 || day == p1.day || !d.isolatedNumber(e1+1) || d.unitAfter(e1+2) {
			return match{}, false
		}
		if k := e1 + 2; k < d.n() && d.toks[k].kind == tWord && !d.toks[k].known && d.toks[k].gap != gPara {
			return match{}, false // "on June 3 and 4 people died": a count, not a day
		}
		p2 := p1
		p2.day = day
		end := e1 + 2
		if d.punct(end, ',') {
			if y, e, ok := matchYear(d, end+1, true); ok {
				p1.year, p1.yearDig, p2.year, p2.yearDig = y, 4, y, 4
				end = e
			}
		}
		p1.anchor, p2.anchor = anchorDCT, anchorDCT
		return match{end: end, exprs: []expr{
			{i: i, j: e1, typ: timeline.TypeDate, pt: p1, isPoint: true, rangeTo: -1},
			{i: e1 + 1, j: end, typ: timeline.TypeDate, pt: p2, isPoint: true, rangeTo: -1},
		}}, true
	},
}

// quarterEnded reads "ended Sept. 30" after "the quarter": the calendar
// quarter holding most of the three months that end there (a fiscal quarter
// ended July 31 is mostly the second quarter). A report that has named its
// fiscal quarter ("the fiscal first quarter") keeps that one.
func quarterEnded(d *doc, k int) (point, bool) {
	if !d.lowerIs(k, "ended") && !d.lowerIs(k, "ending") {
		return point{}, false
	}
	end, _, ok := matchPoint(d, k+1)
	if !ok || end.month == 0 {
		return point{}, false
	}
	p := newPoint()
	p.anchor = anchorDCT
	mid, y := end.month-1, end.year
	if mid == 0 {
		mid, y = 12, y-1
	}
	p.quarter = (mid-1)/3 + 1
	if end.yearDig == 4 {
		p.year, p.yearDig = y, 4
	}
	return p, true
}

// whileRule: "for a while" is a length of time nobody measured; "a while
// ago" the recent past.
var whileRule = &rule{
	name:     "while",
	triggers: []int{keyMod + mA},
	match: func(d *doc, i int) (match, bool) {
		if !d.lowerIs(i+1, "while") || (d.mod(i-1, mIn) && d.lowerIs(i-2, "once")) {
			return match{}, false // "once in a while" means now and then
		}
		if d.mod(i+2, mAgo) || d.lowerIs(i+2, "back") {
			return d.fixed(i, i+3, timeline.TypeDate, "PAST_REF")
		}
		return d.fixed(i, i+2, timeline.TypeDuration, "PXX")
	},
}
