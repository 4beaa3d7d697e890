package timex

import (
	"fmt"
	"sync"
	"time"

	"github.com/newsline/timeline/timeline"
)

// Anchors of a point: the text itself, the publication date, or the narrative.
const (
	anchorNone = iota // absolute: carries its own year
	anchorDCT         // relative to the publication date
	anchorNarr        // relative to the last resolved date of the narrative
)

// point is a calendar expression as the text states it. Components the text
// did not state stay zero (or -1 for weekday and hour), so the value never
// claims more precision than the words.
type point struct {
	year    int // stated year (or decade/century digits, see yearDigits)
	yearDig int // 4 = year, 3 = decade ("199"), 2 = century ("19")
	month   int
	day     int
	weekday int // -1 when not stated
	quarter int
	half    int
	season  int
	week    bool // the expression names a week ("this week")
	weekend bool
	hour    int // -1 when not stated
	minute  int // -1 when not stated
	part    int // part of day (partCodes)
	anchor  int
	unit    uint8 // unit of a relative shift ("last year": year, -1)
	// nth: the day is the nth weekday of the month ("the first Monday of
	// July"; -1 the last), or with no weekday the month's last day ("the
	// last day of May"); format computes it for the year chosen
	nth int8
	// sameOf: "a year ago today", "ten years ago this week": the shifted
	// date at the precision of that unit (uDay, uWeek, uMonth)
	sameOf    uint8
	shift     int
	relative  bool // shift/unit apply
	dir       int  // -1 past, +1 future, 0 from the sentence's tense
	strictDir bool // "last July" excludes the current July
	// yearBack: "a year ago", "the year-earlier period": one year before the
	// narrative's period, a quarter if the narrative is counting quarters
	yearBack    bool
	quarterNoun bool // the expression itself says "quarter" or "period"
	// thatQuarter: "the quarter", "the latest quarter": the narrative's quarter,
	// else the last one completed before the publication date
	thatQuarter bool
	// sameYear: "this summer", "this September": the one of the anchor's year
	sameYear bool
	// bare: "the weekend" with no "this"/"last": the tense picks which one
	bare bool
	// nearNarr: the narrative's day only if it lies within a week before
	// publication, else the publication day ("overnight")
	nearNarr bool
	// weekOf: "the week of March 6" names the ISO week of the day
	weekOf bool
	// dayShift: "the day before ...": days from the day the rest names
	dayShift int
	// holiday: index into holidays; month and day then hold its usual date
	// and format computes the day of a floating one ("Thanksgiving") per year
	holiday int
}

func newPoint() point { return point{weekday: -1, hour: -1, minute: -1} }

// underspecified reports whether the point needs an anchor for its year.
func (p point) underspecified() bool { return p.yearDig == 0 }

// resolved is the outcome of anchoring a point.
type resolved struct {
	value string
	gran  timeline.Granularity
	known []string
	ok    bool
}

// resolvePoint computes the TIMEX3 value of p against anchor a, reading the
// direction of underspecified parts from dir (tense when p.dir is 0).
func resolvePoint(p point, a time.Time, tense func() int) resolved {
	if p.weekOf || p.dayShift != 0 {
		q := p
		q.weekOf, q.dayShift = false, 0
		return p.moveDay(resolvePoint(q, a, tense))
	}
	known := p.knownParts()
	dir := p.dir
	if dir == 0 && ((p.underspecified() && !p.relative) || p.bare) {
		dir = tense()
	}
	y := p.year
	switch {
	case p.yearDig == 3:
		return resolved{value: fmt.Sprintf("%03d", y), gran: timeline.GranDecade, known: known, ok: true}
	case p.yearDig == 2:
		return resolved{value: fmt.Sprintf("%02d", y), gran: timeline.GranCentury, known: known, ok: true}
	}
	if a.IsZero() && p.underspecified() {
		return resolved{value: p.unresolvedValue(), known: known, ok: true}
	}
	if p.relative {
		if p.bare && p.weekend && dir <= 0 && a.Weekday() >= time.Monday && a.Weekday() <= time.Friday {
			p.shift = -1
		}
		return p.shifted(a, known)
	}
	if p.underspecified() {
		switch {
		case p.strictDir:
		case p.quarter > 0 || p.half > 0:
			// quarters and halves are reported once over: the last one unless the
			// text looks ahead
			if dir < 0 {
				dir = -1
			} else {
				dir = 0
			}
		case dir == pastDone:
			dir = -1
		case (p.weekday < 0 || p.nth != 0) && p.closeTo(a):
			// a month or day without a year close to the anchor is that one,
			// whatever the tense ("said the vote is on Dec. 7")
			dir = 0
		}
		y = p.chooseYear(a, dir)
		y = p.weekdayYear(y)
		if p.sameYear {
			y = a.Year()
		}
	}
	if p.weekday >= 0 && p.month == 0 && p.yearDig == 0 {
		t := nearestWeekday(a, time.Weekday(p.weekday), dir, p.strictDir)
		return p.withTime(dayValue(t), known)
	}
	return p.format(y, known)
}

// format writes the value of a point whose year is known.
func (p point) format(y int, known []string) resolved {
	if p.holiday > 0 {
		p.month, p.day = holidays[p.holiday].date(y)
	}
	if p.nth != 0 && p.month > 0 {
		t, ok := nthOfMonth(y, p.month, p.weekday, int(p.nth))
		if !ok {
			return resolved{} // "the fifth Monday of February 2024": no such day
		}
		p.day = t.Day()
	}
	switch {
	case p.month > 0 && p.day > 0:
		t := time.Date(y, time.Month(p.month), p.day, 0, 0, 0, 0, time.UTC)
		if t.Day() != p.day {
			return resolved{}
		}
		return p.withTime(dayValue(t), known)
	case p.month > 0:
		return resolved{value: fmt.Sprintf("%04d-%02d", y, p.month), gran: timeline.GranMonth, known: known, ok: true}
	case p.quarter > 0:
		return resolved{value: fmt.Sprintf("%04d-Q%d", y, p.quarter), gran: timeline.GranQuarter, known: known, ok: true}
	case p.half > 0:
		return resolved{value: fmt.Sprintf("%04d-H%d", y, p.half), gran: timeline.GranHalf, known: known, ok: true}
	case p.season > 0:
		return resolved{value: fmt.Sprintf("%04d-%s", y, seasonCodes[p.season]), gran: timeline.GranSeason, known: known, ok: true}
	}
	return resolved{value: fmt.Sprintf("%04d", y), gran: timeline.GranYear, known: known, ok: true}
}

// withTime narrows a day value to the clock time or part of day stated.
func (p point) withTime(day string, known []string) resolved {
	switch {
	case p.hour >= 0 && p.minute >= 0:
		return resolved{value: fmt.Sprintf("%sT%02d:%02d", day, p.hour, p.minute), gran: timeline.GranTime, known: known, ok: true}
	case p.hour >= 0:
		return resolved{value: fmt.Sprintf("%sT%02d:00", day, p.hour), gran: timeline.GranTime, known: known, ok: true}
	case p.part > 0:
		return resolved{value: day + "T" + partCodes[p.part], gran: timeline.GranTime, known: known, ok: true}
	}
	return resolved{value: day, gran: timeline.GranDay, known: known, ok: true}
}

// shifted resolves "last year", "this week", "the next day", "three months ago".
func (p point) shifted(a time.Time, known []string) resolved {
	if p.sameOf != uNone && (p.unit == uYear || p.unit == uMonth || p.unit == uWeek) {
		t := a
		switch p.unit {
		case uYear:
			t = a.AddDate(p.shift, 0, 0)
		case uMonth:
			t = a.AddDate(0, p.shift, 0)
		case uWeek:
			t = a.AddDate(0, 0, 7*p.shift)
		}
		q := relPoint(anchorDCT, p.sameOf, 0)
		return q.shifted(t, known)
	}
	switch p.unit {
	case uDay:
		return p.withTime(dayValue(a.AddDate(0, 0, p.shift)), known)
	case uWeek:
		t := a.AddDate(0, 0, 7*p.shift)
		y, w := t.ISOWeek()
		v := fmt.Sprintf("%04d-W%02d", y, w)
		if p.weekend {
			v += "-WE"
		}
		return resolved{value: v, gran: timeline.GranWeek, known: known, ok: true}
	case uMonth:
		t := time.Date(a.Year(), a.Month()+time.Month(p.shift), 1, 0, 0, 0, 0, time.UTC)
		if p.day > 0 || p.nth != 0 {
			q := p
			q.month = int(t.Month())
			return q.format(t.Year(), known)
		}
		return resolved{value: fmt.Sprintf("%04d-%02d", t.Year(), t.Month()), gran: timeline.GranMonth, known: known, ok: true}
	case uQuarter:
		q := (int(a.Month())-1)/3 + p.shift
		y := a.Year() + floorDiv(q, 4)
		q = q - 4*floorDiv(q, 4) + 1
		return resolved{value: fmt.Sprintf("%04d-Q%d", y, q), gran: timeline.GranQuarter, known: known, ok: true}
	case uYear:
		return p.format(a.Year()+p.shift, known)
	case uDecade:
		return resolved{value: fmt.Sprintf("%03d", a.Year()/10+p.shift), gran: timeline.GranDecade, known: known, ok: true}
	case uCentury:
		return resolved{value: fmt.Sprintf("%02d", a.Year()/100+p.shift), gran: timeline.GranCentury, known: known, ok: true}
	}
	return resolved{}
}

// yearOfRange reports whether p, the end of a range, takes its year from the
// range's start: a month, season, quarter or half (with or without a day)
// that states no year and is no shift ("between March and June", "from
// November 2019 to February"; not "to next March", "to this September",
// "to Friday").
func (p point) yearOfRange() bool {
	return p.yearDig == 0 && !p.relative && !p.sameYear && !p.weekOf && p.dayShift == 0 && !p.yearBack &&
		!p.thatQuarter && (p.month > 0 || p.season > 0 || p.quarter > 0 || p.half > 0)
}

// rangeEnd resolves the end of a range in the year of its start, or in the
// next year if it would fall before the start ("from November to February"):
// the two ends are read as one span, so the end follows the start whatever
// the tense would make of it alone.
func (p point) rangeEnd(start time.Time) resolved {
	known := p.knownParts()
	var res resolved
	for y := start.Year(); y <= start.Year()+1; y++ {
		res = p.format(p.weekdayYear(y), known)
		if !res.ok {
			return res
		}
		if dt, err := timeline.ParseDate(res.value); err == nil && !dt.Start.Before(start) {
			return res
		}
	}
	return res
}

// chooseYear picks the year of an expression that states no year ("June 12",
// "in March", "the third quarter"): the closest one in the direction given.
func (p point) chooseYear(a time.Time, dir int) int {
	pos := func(y int) time.Time {
		m, d := p.month, p.day
		switch {
		case p.holiday > 0 && p.month > 0:
			// a movable day is compared where it falls that year ("Good
			// Friday" is 29 March in 2024), not at its usual date
			m, d = holidays[p.holiday].date(y)
		case m == 0 && p.quarter > 0:
			m = 3*p.quarter - 2
		case m == 0 && p.half > 0:
			m = 6*p.half - 5
		case m == 0 && p.season > 0:
			m = int(seasonStart(p.season))
		}
		if m == 0 {
			return time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC)
		}
		if d == 0 {
			d = 1
		}
		return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	}
	start := func(y int) time.Time { return pos(y) }
	end := func(y int) time.Time {
		t := pos(y)
		switch {
		case p.day > 0:
			return t.AddDate(0, 0, 1)
		case p.month > 0:
			return t.AddDate(0, 1, 0)
		case p.quarter > 0 || p.season > 0:
			return t.AddDate(0, 3, 0)
		case p.half > 0:
			return t.AddDate(0, 6, 0)
		}
		return t.AddDate(1, 0, 0)
	}
	y := a.Year()
	contains := !a.Before(start(y)) && a.Before(end(y))
	switch {
	case contains && !p.strictDir:
		return y
	case dir < 0:
		if start(y).After(a) || (contains && p.strictDir) {
			return y - 1
		}
		return y
	case dir > 0:
		if end(y).Before(a) || !end(y).After(a) || (contains && p.strictDir) {
			return y + 1
		}
		return y
	}
	// no direction: the nearest occurrence
	best, bestDist := y, time.Duration(1<<62)
	for _, c := range []int{y - 1, y, y + 1} {
		dist := absDur(start(c).Sub(a))
		if e := absDur(end(c).Sub(a)); e < dist {
			dist = e
		}
		if dist < bestDist {
			best, bestDist = c, dist
		}
	}
	return best
}

func seasonStart(s int) time.Month {
	return [...]time.Month{0, time.March, time.June, time.September, time.December}[s]
}

// nearestWeekday finds the weekday wd closest to a in direction dir
// (-1: on or before a, +1: on or after a, 0: nearest either way).
func nearestWeekday(a time.Time, wd time.Weekday, dir int, strict bool) time.Time {
	back := (int(a.Weekday()) - int(wd) + 7) % 7
	fwd := (int(wd) - int(a.Weekday()) + 7) % 7
	if strict {
		if back == 0 {
			back = 7
		}
		if fwd == 0 {
			fwd = 7
		}
	}
	switch {
	case dir < 0:
		return a.AddDate(0, 0, -back)
	case dir > 0:
		return a.AddDate(0, 0, fwd)
	case back <= fwd:
		return a.AddDate(0, 0, -back)
	}
	return a.AddDate(0, 0, fwd)
}

// unresolvedValue is the value of an underspecified point without an anchor.
func (p point) unresolvedValue() string {
	switch {
	case p.month > 0 && p.day > 0:
		return fmt.Sprintf("XXXX-%02d-%02d", p.month, p.day)
	case p.month > 0:
		return fmt.Sprintf("XXXX-%02d", p.month)
	}
	return "XXXX-XX-XX"
}

// knownCache shares the Known slices between expressions: they are read-only.
var knownCache sync.Map // map[knownKey][]string

type knownKey struct {
	yearDig                                     int
	season, quarter, half, month, week, day, wd bool
	part, hour, minute, relative                bool
}

// knownParts lists the components the text stated.
func (p point) knownParts() []string {
	key := knownKey{p.yearDig, p.season > 0, p.quarter > 0, p.half > 0, p.month > 0, p.week, p.day > 0 || p.nth != 0, p.weekday >= 0,
		p.part > 0, p.hour >= 0, p.minute >= 0, p.relative}
	if v, ok := knownCache.Load(key); ok {
		return v.([]string)
	}
	k := p.buildKnown()
	knownCache.Store(key, k)
	return k
}

func (p point) buildKnown() []string {
	var k []string
	add := func(ok bool, s string) {
		if ok {
			k = append(k, s)
		}
	}
	add(p.yearDig == 4, "year")
	add(p.yearDig == 3, "decade")
	add(p.yearDig == 2, "century")
	add(p.season > 0, "season")
	add(p.quarter > 0, "quarter")
	add(p.half > 0, "half")
	add(p.month > 0, "month")
	add(p.week, "week")
	add(p.day > 0 || p.nth != 0, "day")
	add(p.weekday >= 0, "weekday")
	add(p.part > 0, "part")
	add(p.hour >= 0, "hour")
	add(p.minute >= 0, "minute")
	if p.relative {
		k = append(k, "offset")
	}
	return k
}

// dayValue formats a day as YYYY-MM-DD (time.Format is needlessly general here).
func dayValue(t time.Time) string {
	y, m, d := t.Date()
	if y < 0 || y > 9999 {
		return t.Format("2006-01-02")
	}
	b := [10]byte{byte('0' + y/1000), byte('0' + y/100%10), byte('0' + y/10%10), byte('0' + y%10), '-',
		byte('0' + int(m)/10), byte('0' + int(m)%10), '-', byte('0' + d/10), byte('0' + d%10)}
	return string(b[:])
}

func floorDiv(a, b int) int {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

func absDur(d time.Duration) time.Duration {
	if d < 0 {
		return -d
	}
	return d
}

// closeTo reports whether the underspecified month or day falls within about
// two months of a in the anchor's own year or a neighbouring one.
func (p point) closeTo(a time.Time) bool {
	if p.month == 0 {
		return false
	}
	day := max(p.day, 1)
	for _, y := range []int{a.Year() - 1, a.Year(), a.Year() + 1} {
		t := time.Date(y, time.Month(p.month), day, 0, 0, 0, 0, time.UTC)
		if absDur(t.Sub(a)) <= 62*24*time.Hour {
			return true
		}
	}
	return false
}

// weekdayYear checks a day stated with its weekday ("Saturday, April 25")
// against the chosen year, and takes the neighbouring year where the weekday
// fits if the chosen one does not.
func (p point) weekdayYear(y int) int {
	if p.weekday < 0 || p.month == 0 || p.day == 0 {
		return y
	}
	for _, c := range []int{y, y - 1, y + 1} {
		t := time.Date(c, time.Month(p.month), p.day, 0, 0, 0, 0, time.UTC)
		if t.Day() == p.day && int(t.Weekday()) == p.weekday {
			return c
		}
	}
	return y
}

// moveDay applies dayShift and weekOf to the resolved day ("the day before
// Tuesday", "the week of March 6"); a value that is no day stays unresolved.
func (p point) moveDay(r resolved) resolved {
	if !r.ok || r.gran != timeline.GranDay {
		return resolved{}
	}
	t, err := time.Parse("2006-01-02", r.value)
	if err != nil {
		return resolved{}
	}
	t = t.AddDate(0, 0, p.dayShift)
	if p.weekOf {
		y, w := t.ISOWeek()
		return resolved{value: fmt.Sprintf("%04d-W%02d", y, w), gran: timeline.GranWeek, known: r.known, ok: true}
	}
	r.value = dayValue(t)
	return r
}
