// Package timeline holds the domain model shared by every stage of the pipeline:
// articles, temporal expressions, dates with their precision, events and the
// merged timeline. It knows nothing of HTML, the CLI or the terminal.
package timeline

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Granularity is how precise a date is: what the text made known, never more.
type Granularity int

// Granularities from coarsest to finest. The order matters: a finer date may
// refine a coarser compatible one, never the other way round.
const (
	GranUnknown Granularity = iota
	GranMillennium
	GranCentury
	GranDecade
	GranYear
	GranHalf
	GranQuarter
	GranSeason
	GranMonth
	GranWeek
	GranDay
	GranTime // hour or minute of a day
)

var granNames = [...]string{"unknown", "millennium", "century", "decade", "year", "half", "quarter", "season", "month", "week", "day", "time"}

func (g Granularity) String() string {
	if int(g) < len(granNames) {
		return granNames[g]
	}
	return "unknown"
}

// Date is one TIMEX3 value together with the interval it covers, so sorting,
// display, iCalendar and merging all agree on what "2023-09" means.
// Start is the first instant covered, End the first instant after it (exclusive);
// both are UTC. A Date that could not be resolved ("XXXX-XX-XX") has a zero span.
type Date struct {
	Value string      // TIMEX3 value: "2020", "2023-09", "2024-06-12", "2024-W24", "2012-Q3", "199", "2019-SU"
	Gran  Granularity // precision of Value
	Start time.Time   // first instant covered (inclusive)
	End   time.Time   // first instant after the covered span (exclusive)
}

// IsZero reports whether the date covers no known span.
func (d Date) IsZero() bool { return d.Start.IsZero() }

// Contains reports whether o lies wholly inside d: 2020 contains 2020-09-27.
func (d Date) Contains(o Date) bool {
	if d.IsZero() || o.IsZero() {
		return false
	}
	return !o.Start.Before(d.Start) && !o.End.After(d.End)
}

// Overlaps reports whether the two spans share an instant.
func (d Date) Overlaps(o Date) bool {
	if d.IsZero() || o.IsZero() {
		return false
	}
	return d.Start.Before(o.End) && o.Start.Before(d.End)
}

// Compare orders dates by start, then by the longer span first (a year sorts
// before the days inside it), then by value. It returns -1, 0 or +1.
func (d Date) Compare(o Date) int {
	if c := d.Start.Compare(o.Start); c != 0 {
		return c
	}
	if c := o.End.Compare(d.End); c != 0 {
		return c
	}
	return strings.Compare(d.Value, o.Value)
}

func (d Date) String() string { return d.Value }

// DateOf returns the calendar day of t as a day-precision Date: what
// ParseDate makes of t formatted "2006-01-02", built without writing the
// value out and reading it back (extraction asks it of every article).
// A year Format does not write in four digits goes that way still.
func DateOf(t time.Time) Date {
	y, m, day := t.Date()
	if y < 0 || y > 9999 {
		d, _ := ParseDate(t.Format("2006-01-02"))
		return d
	}
	v := [10]byte{'0', '0', '0', '0', '-', '0', '0', '-', '0', '0'}
	for i, n := 3, y; n > 0; i, n = i-1, n/10 {
		v[i] += byte(n % 10)
	}
	v[5], v[6] = v[5]+byte(m/10), v[6]+byte(m%10)
	v[8], v[9] = v[8]+byte(day/10), v[9]+byte(day%10)
	start := ymd(y, m, day)
	return Date{Value: string(v[:]), Gran: GranDay, Start: start, End: start.AddDate(0, 0, 1)}
}

// ParseDate reads a TIMEX3 date value and computes the span it covers.
// Supported: YYYY, YYY (decade), YY (century), YYYY-MM, YYYY-MM-DD, YYYY-Www,
// YYYY-Qn, YYYY-Hn, YYYY-SP/SU/FA/WI, and YYYY-MM-DDThh[:mm[:ss]].
// Values that name no span (PRESENT_REF, XXXX-XX-XX, P3D) return an error.
func ParseDate(value string) (Date, error) {
	d := Date{Value: value}
	bad := func() (Date, error) { return Date{Value: value}, fmt.Errorf("not a calendar date value: %q", value) }
	datePart, timePart, hasTime := strings.Cut(value, "T")
	var partsBuf [4]string
	parts := splitAtMost(datePart, '-', &partsBuf)
	if len(parts) == 0 || !allDigits(parts[0]) {
		return bad()
	}
	yearText := parts[0]
	n, _ := strconv.Atoi(yearText)
	if len(yearText) < 4 {
		// One, two or three digits name a millennium, a century or a decade ("199").
		if len(parts) != 1 || hasTime {
			return bad()
		}
		coarse := [...]struct {
			gran  Granularity
			years int
		}{{GranMillennium, 1000}, {GranCentury, 100}, {GranDecade, 10}}[len(yearText)-1]
		d.Gran = coarse.gran
		d.Start = ymd(n*coarse.years, 1, 1)
		d.End = d.Start.AddDate(coarse.years, 0, 0)
		return d, nil
	}
	if len(yearText) != 4 {
		return bad()
	}
	year := n
	if len(parts) == 1 {
		if hasTime {
			return bad()
		}
		d.Gran = GranYear
		d.Start = ymd(year, 1, 1)
		d.End = d.Start.AddDate(1, 0, 0)
		return d, nil
	}
	second := parts[1]
	switch {
	case len(parts) == 2 && len(second) == 2 && allDigits(second):
		m, _ := strconv.Atoi(second)
		if m < 1 || m > 12 || hasTime {
			return bad()
		}
		d.Gran = GranMonth
		d.Start = ymd(year, time.Month(m), 1)
		d.End = d.Start.AddDate(0, 1, 0)
		return d, nil
	case len(parts) == 2 && len(second) == 3 && second[0] == 'W' && allDigits(second[1:]):
		w, _ := strconv.Atoi(second[1:])
		if w < 1 || w > 53 || hasTime {
			return bad()
		}
		d.Gran = GranWeek
		d.Start = isoWeekStart(year, w)
		d.End = d.Start.AddDate(0, 0, 7)
		return d, nil
	case len(parts) == 2 && len(second) == 2 && (second[0] == 'Q' || second[0] == 'H') && allDigits(second[1:]):
		k, _ := strconv.Atoi(second[1:])
		months := 3
		d.Gran = GranQuarter
		if second[0] == 'H' {
			months = 6
			d.Gran = GranHalf
		}
		if k < 1 || k*months > 12 || hasTime {
			return bad()
		}
		d.Start = ymd(year, time.Month((k-1)*months+1), 1)
		d.End = d.Start.AddDate(0, months, 0)
		return d, nil
	case len(parts) == 2 && seasonStart[second] != 0:
		if hasTime {
			return bad()
		}
		// Meteorological seasons (northern hemisphere): winter runs December to February
		// and is dated by the year in which it starts, as TimeML annotators do.
		d.Gran = GranSeason
		d.Start = ymd(year, seasonStart[second], 1)
		d.End = d.Start.AddDate(0, 3, 0)
		return d, nil
	case len(parts) == 3 && len(second) == 2 && allDigits(second) && len(parts[2]) == 2 && allDigits(parts[2]):
		m, _ := strconv.Atoi(second)
		day, _ := strconv.Atoi(parts[2])
		start := ymd(year, time.Month(m), day)
		if m < 1 || m > 12 || day < 1 || start.Day() != day {
			return bad()
		}
		d.Start = start
		d.Gran = GranDay
		d.End = start.AddDate(0, 0, 1)
		if !hasTime {
			return d, nil
		}
		return withTime(d, timePart)
	}
	return bad()
}

// splitAtMost splits s at sep into buf, as strings.Split does for up to three
// separators; a fourth part holds the rest. Values are parsed for every
// expression the resolver finds, and Split's allocation was a sixth of its.
func splitAtMost(s string, sep byte, buf *[4]string) []string {
	n := 0
	for n < len(buf)-1 {
		k := strings.IndexByte(s, sep)
		if k < 0 {
			buf[n] = s
			return buf[:n+1]
		}
		buf[n], s = s[:k], s[k+1:]
		n++
	}
	buf[n] = s
	return buf[:n+1]
}

var seasonStart = map[string]time.Month{"SP": time.March, "SU": time.June, "FA": time.September, "WI": time.December}

// withTime narrows a day to the hour or minute given after the "T".
func withTime(d Date, timePart string) (Date, error) {
	d.Gran = GranTime
	switch timePart {
	case "MO": // morning, afternoon, evening, night: TIMEX3 parts of a day
		d.Start, d.End = d.Start.Add(6*time.Hour), d.Start.Add(12*time.Hour)
		return d, nil
	case "AF":
		d.Start, d.End = d.Start.Add(12*time.Hour), d.Start.Add(18*time.Hour)
		return d, nil
	case "EV":
		d.Start, d.End = d.Start.Add(18*time.Hour), d.Start.Add(24*time.Hour)
		return d, nil
	case "NI":
		d.Start, d.End = d.Start.Add(21*time.Hour), d.Start.Add(30*time.Hour)
		return d, nil
	}
	var fieldsBuf [4]string
	fields := splitAtMost(timePart, ':', &fieldsBuf)
	if len(fields) > 3 {
		return Date{Value: d.Value}, fmt.Errorf("not a calendar date value: %q", d.Value)
	}
	var hms [3]int
	for i, f := range fields {
		v, err := strconv.Atoi(f)
		if err != nil || len(f) != 2 {
			return Date{Value: d.Value}, fmt.Errorf("not a calendar date value: %q", d.Value)
		}
		hms[i] = v
	}
	if hms[0] > 24 || hms[1] > 59 || hms[2] > 60 {
		return Date{Value: d.Value}, fmt.Errorf("not a calendar date value: %q", d.Value)
	}
	unit := time.Hour
	if len(fields) == 2 {
		unit = time.Minute
	} else if len(fields) == 3 {
		unit = time.Second
	}
	d.Start = d.Start.Add(time.Duration(hms[0])*time.Hour + time.Duration(hms[1])*time.Minute + time.Duration(hms[2])*time.Second)
	d.End = d.Start.Add(unit)
	return d, nil
}

func ymd(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// isoWeekStart returns the Monday of ISO week w of year y.
func isoWeekStart(y, w int) time.Time {
	jan4 := ymd(y, 1, 4)
	offset := (int(jan4.Weekday()) + 6) % 7 // days since Monday
	return jan4.AddDate(0, 0, -offset+(w-1)*7)
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
