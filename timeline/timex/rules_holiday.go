package timex

import (
	"time"

	"github.com/newsline/timeline/timeline"
)

// Holidays: "Christmas", "Thanksgiving Day", "last Thanksgiving", "Election
// Day". Fixed ones have a month and day; floating ones are the nth (or last)
// weekday of a month, computed for the year the date resolves to.

type holiday struct {
	word       string // the lexicon word (lower case)
	needsDay   bool   // "Election" alone is no date: it takes "Day"
	possessive bool   // "Valentine's Day": the word takes "'s" before "Day"
	month, day int    // fixed date, or the usual one of a floating holiday
	weekday    time.Weekday
	nth        int  // floating: nth weekday of the month (-1: the last); 0: fixed
	offset     int  // days after that weekday ("Election Day": Tuesday after the first Monday)
	easter     bool // Easter Sunday, by the Gregorian computus (offset: days from it)
	// before: the word is a capitalised modifier of the weekday named that
	// follows it ("Good Friday", "Black Friday"), read by namedDayRule, not a
	// lexicon word
	before bool
	named  time.Weekday
}

var holidays = []holiday{
	{},
	{word: "christmas", month: 12, day: 25},
	{word: "thanksgiving", month: 11, day: 25, weekday: time.Thursday, nth: 4},
	{word: "halloween", month: 10, day: 31},
	{word: "election", needsDay: true, month: 11, day: 5, weekday: time.Monday, nth: 1, offset: 1},
	{word: "independence", needsDay: true, month: 7, day: 4},
	{word: "labor", needsDay: true, month: 9, day: 4, weekday: time.Monday, nth: 1},
	{word: "memorial", needsDay: true, month: 5, day: 28, weekday: time.Monday, nth: -1},
	{word: "easter", month: 4, day: 8, easter: true},
	{word: "boxing", needsDay: true, month: 12, day: 26},
	// "Valentine's Day", "St. Patrick's Day": a possessive before "Day"
	{word: "valentine", needsDay: true, possessive: true, month: 2, day: 14},
	{word: "patrick", needsDay: true, possessive: true, month: 3, day: 17},
	// "Veterans Day", "Veterans' Day", "Presidents' Day"
	{word: "veterans", needsDay: true, month: 11, day: 11},
	{word: "armistice", needsDay: true, month: 11, day: 11},
	{word: "bastille", needsDay: true, month: 7, day: 14},
	{word: "columbus", needsDay: true, month: 10, day: 10, weekday: time.Monday, nth: 2},
	{word: "presidents", needsDay: true, month: 2, day: 17, weekday: time.Monday, nth: 3},
	// named weekdays: the weekday follows the word
	{word: "good", before: true, named: time.Friday, easter: true, offset: -2},
	{word: "maundy", before: true, named: time.Thursday, easter: true, offset: -3},
	{word: "holy", before: true, named: time.Saturday, easter: true, offset: -1},
	{word: "palm", before: true, named: time.Sunday, easter: true, offset: -7},
	{word: "ash", before: true, named: time.Wednesday, easter: true, offset: -46},
	{word: "black", before: true, named: time.Friday, month: 11, weekday: time.Thursday, nth: 4, offset: 1},
	{word: "cyber", before: true, named: time.Monday, month: 11, weekday: time.Thursday, nth: 4, offset: 4},
}

// namedWeekday returns the holiday named by the capitalised word before the
// weekday at i ("Good Friday"), and whether that word names a day of its own
// that is no date ("Super Tuesday", "Bloody Sunday", "Black Monday").
func namedWeekday(d *doc, i int) (int, bool) {
	k := i - 1
	if k < 0 || d.toks[k].kind != tWord || !d.toks[k].upper || d.toks[i].gap != gSpace || !d.is(i, cWeekday) {
		return 0, false
	}
	for h := range holidays {
		if holidays[h].before && d.lowerIs(k, holidays[h].word) {
			if int(holidays[h].named) == int(d.toks[i].val) {
				return h, true
			}
			return 0, true // "Black Monday": a name
		}
	}
	return 0, d.lowerIs(k, "super") || d.lowerIs(k, "bloody")
}

// namedDayRule: "Good Friday", "Black Friday", "Ash Wednesday": days named
// by a word before the weekday, computed for the year the date resolves to.
var namedDayRule = &rule{
	name:     "named day",
	triggers: []int{keyClass + int(cWeekday)},
	match: func(d *doc, i int) (match, bool) {
		h, named := namedWeekday(d, i)
		if !named || h == 0 || d.toks[i].ent.plural || (nameAfter(d, i+1) && !inSet(dayRites, d.textOf(i+1))) {
			// "the Good Friday Agreement": the name of a thing; not "Maundy Thursday Mass"
			return match{}, false
		}
		p := newPoint()
		p.holiday, p.anchor = h, anchorDCT
		p.month, p.day = holidays[h].date(2000) // the usual date, for choosing the year
		j := i + 1
		if y, e, ok := matchYear(d, j, true); ok {
			p.year, p.yearDig, j = y, 4, e // "Good Friday 2023"
		}
		return d.one(i-1, j, timeline.TypeDate, p)
	},
}

// dayRites are rites held on the day a namedDayRule name gives, often
// capitalised after it ("Good Friday Mass"): the day is still a date.
var dayRites = map[string]bool{"mass": true, "service": true, "services": true, "liturgy": true,
	"vigil": true, "procession": true, "processions": true, "prayers": true}

// date returns the month and day of the holiday in year y.
func (h holiday) date(y int) (int, int) {
	if h.easter {
		m, day := easterSunday(y)
		t := time.Date(y, time.Month(m), day+h.offset, 0, 0, 0, 0, time.UTC)
		return int(t.Month()), t.Day()
	}
	if h.nth == 0 {
		return h.month, h.day
	}
	t, _ := nthOfMonth(y, h.month, int(h.weekday), h.nth)
	t = t.AddDate(0, 0, h.offset)
	return int(t.Month()), t.Day()
}

// nthOfMonth returns the nth weekday wd of month m in year y (nth -1: the
// last one), or with wd < 0 the month's last day; ok is false when the
// month has no such day ("the fifth Monday" of a four-Monday month).
func nthOfMonth(y, m, wd, nth int) (time.Time, bool) {
	last := time.Date(y, time.Month(m)+1, 0, 0, 0, 0, 0, time.UTC)
	if wd < 0 {
		return last, nth == -1
	}
	if nth < 0 {
		return last.AddDate(0, 0, -((int(last.Weekday()) - wd + 7) % 7)), true
	}
	t := time.Date(y, time.Month(m), 1, 0, 0, 0, 0, time.UTC)
	t = t.AddDate(0, 0, (wd-int(t.Weekday())+7)%7+7*(nth-1))
	return t, t.Month() == time.Month(m)
}

// holidayAt reads a capitalised holiday name at i ("Thanksgiving",
// "Thanksgiving Day", "Christmas Eve", "Election Day") and returns its point
// and end.
func holidayAt(d *doc, i int) (point, int, bool) {
	if !d.is(i, cHoliday) || !d.toks[i].upper {
		return point{}, 0, false
	}
	h := holidays[d.toks[i].val]
	p := newPoint()
	p.holiday, p.month, p.day = int(d.toks[i].val), h.month, h.day
	j := i + 1
	switch {
	case h.possessive:
		if !possessiveAt(d, j) {
			return point{}, 0, false // "Valentine" and "Patrick" alone are names
		}
		j += 2
	case h.needsDay && (d.punct(j, '\'') || d.punct(j, '\u2019')) && d.glued(j) && h.word[len(h.word)-1] == 's':
		j++ // "Veterans' Day", "Presidents' Day"
	}
	switch {
	case d.toks[min(j, d.n()-1)].upper && d.lowerIs(j, "day"):
		j++
	case h.word == "christmas" && d.toks[min(j, d.n()-1)].upper && d.lowerIs(j, "eve"):
		p.holiday, p.day = 0, 24 // a fixed date: no recomputation
		j++
	case h.easter && d.lowerIs(j, "sunday"):
		j++
	case h.easter && d.lowerIs(j, "monday") && d.toks[j].upper:
		p.dayShift = 1 // "Easter Monday"
		j++
	case h.easter && d.lowerIs(j, "week"):
		p.weekOf = true // "Easter week": the ISO week ending on Easter Sunday
		j++
	case h.needsDay:
		return point{}, 0, false
	}
	return p, j, true
}

// holidayRule: "Christmas", "on Thanksgiving Day".
var holidayRule = &rule{
	name:     "holiday",
	triggers: []int{keyClass + int(cHoliday)},
	match: func(d *doc, i int) (match, bool) {
		p, j, ok := holidayAt(d, i)
		if !ok {
			return match{}, false
		}
		if y, e, okYear := matchYear(d, j, true); okYear {
			p.year, p.yearDig, j = y, 4, e // "Christmas 2023"
		}
		return d.one(saintBefore(d, i), j, timeline.TypeDate, p)
	},
}

// saintBefore returns where a holiday name at i starts: at "St." or
// "Saint" before it ("St. Patrick's Day"), else at i.
func saintBefore(d *doc, i int) int {
	switch {
	case d.lowerIs(i-1, "saint") && d.toks[i-1].upper:
		return i - 1
	case d.lowerIs(i-1, "st") && d.toks[i-1].upper:
		return i - 1
	case d.punct(i-1, '.') && d.lowerIs(i-2, "st") && d.toks[i-2].upper && d.glued(i-1):
		return i - 2
	}
	return i
}

// newYearRule: "New Year's Day", "New Year's Eve", "on New Year's". It
// starts at "Year" (a unit word) and reaches back to "New", which is too
// common a word to look up.
var newYearRule = &rule{
	name:     "new year",
	triggers: []int{keyUnit},
	match: func(d *doc, i int) (match, bool) {
		if !d.lowerIs(i, "year") || !d.toks[i].upper || !d.lowerIs(i-1, "new") || !d.toks[i-1].upper || !possessiveAt(d, i+1) {
			return match{}, false
		}
		p := newPoint()
		p.month, p.day = 1, 1
		j := i + 3
		if j < d.n() && d.toks[j].upper {
			switch {
			case d.lowerIs(j, "day"):
				j++
			case d.lowerIs(j, "eve"):
				p.month, p.day = 12, 31
				j++
			}
		}
		if y, e, ok := matchYear(d, j, true); ok {
			p.year, p.yearDig, j = y, 4, e
		}
		p.anchor = anchorDCT
		return d.one(i-1, j, timeline.TypeDate, p)
	},
}

// inNewYear reports whether token k is a capitalised word of "New Year's
// Day" or "New Year's Eve" after "New" (which the title check would
// otherwise take for a headline's capitals).
func inNewYear(d *doc, k int) bool {
	switch {
	case d.lowerIs(k, "year"):
		return d.lowerIs(k-1, "new")
	case d.lowerIs(k, "day") || d.lowerIs(k, "eve"):
		return possessiveAt(d, k-2) && d.lowerIs(k-3, "year") && d.lowerIs(k-4, "new")
	}
	return false
}

// easterSunday returns the month and day of Easter Sunday in year y (the
// anonymous Gregorian algorithm).
func easterSunday(y int) (int, int) {
	a, b, c := y%19, y/100, y%100
	d, e := b/4, b%4
	f := (b + 8) / 25
	g := (b - f + 1) / 3
	h := (19*a + b - d - g + 15) % 30
	i, k := c/4, c%4
	l := (32 + 2*e + 2*i - h - k) % 7
	m := (a + 11*h + 22*l) / 451
	month := (h + l - 7*m + 114) / 31
	day := (h+l-7*m+114)%31 + 1
	return month, day
}
