// Package datefmt writes dates for people at the precision they have and never
// finer ("2020", "September 2023", "12 June 2024", "2018–2020"). It is the one
// wording shared by the pages (render) and the exports (render/export), so a
// date reads the same on the timeline, in the feed and in a calendar.
package datefmt

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/newsline/timeline/timeline"
)

// Date writes a date at its own precision and never finer:
// "2020", "September 2023", "12 June 2024", "12 June 2024, 14:30",
// "week 24 of 2024", "third quarter of 2012", "summer 2019", "1990s".
func Date(d timeline.Date) string {
	if d.IsZero() {
		if d.Value == "" {
			return "undated"
		}
		return d.Value
	}
	s := d.Start
	switch d.Gran {
	case timeline.GranMillennium:
		return ordinal(s.Year()/1000+1) + " millennium"
	case timeline.GranCentury:
		return ordinal(s.Year()/100+1) + " century"
	case timeline.GranDecade:
		return strconv.Itoa(s.Year()) + "s"
	case timeline.GranYear:
		return yearText(s.Year())
	case timeline.GranHalf:
		return [...]string{"first", "second"}[(int(s.Month())-1)/6] + " half of " + yearText(s.Year())
	case timeline.GranQuarter:
		return [...]string{"first", "second", "third", "fourth"}[(int(s.Month())-1)/3] + " quarter of " + yearText(s.Year())
	case timeline.GranSeason:
		return seasonText(s)
	case timeline.GranMonth:
		return s.Month().String() + " " + yearText(s.Year())
	case timeline.GranWeek:
		y, w := s.ISOWeek()
		return fmt.Sprintf("week %d of %s", w, yearText(y))
	case timeline.GranDay:
		return dayText(s)
	case timeline.GranTime:
		return dayText(s) + ", " + timeOfDay(d)
	}
	return d.Value
}

// Parts writes the two ends of a date or range, leaving out of the first what
// the last repeats: ("12", "14 June 2024"), ("May", "July 2019"), ("2018", "2020").
// last is "" when there is no range; spaced says the parts hold spaces, so they
// read better joined by " – " than by "–".
func Parts(start timeline.Date, end *timeline.Date) (first, last string, spaced bool) {
	first = Date(start)
	if end == nil || end.Value == start.Value {
		return first, "", false
	}
	last = Date(*end)
	s, f := start.Start, end.Start
	sameYear := !start.IsZero() && !end.IsZero() && s.Year() == f.Year()
	switch {
	case start.Gran == timeline.GranDay && end.Gran == timeline.GranDay && sameYear && s.Month() == f.Month():
		return strconv.Itoa(s.Day()), last, false
	case start.Gran == timeline.GranDay && end.Gran == timeline.GranDay && sameYear:
		return strconv.Itoa(s.Day()) + " " + s.Month().String(), last, true
	case start.Gran == timeline.GranMonth && end.Gran == timeline.GranMonth && sameYear:
		return s.Month().String(), last, false
	}
	return first, last, strings.Contains(first, " ") || strings.Contains(last, " ")
}

// Range writes a date or a range compactly: "2018–2020", "12–14 June 2024",
// "May–July 2019", "12 May – 3 June 2024", "2018 – 12 June 2024".
func Range(start timeline.Date, end *timeline.Date) string {
	first, last, spaced := Parts(start, end)
	switch {
	case last == "":
		return first
	case spaced:
		return first + " – " + last
	}
	return first + "–" + last
}

func dayText(t time.Time) string {
	return strconv.Itoa(t.Day()) + " " + t.Month().String() + " " + yearText(t.Year())
}

// Year writes a year, with "BC" before year 1 (TIMEX3 year 0000 is 1 BC).
func Year(y int) string { return yearText(y) }

func yearText(y int) string {
	if y <= 0 {
		return strconv.Itoa(1-y) + " BC"
	}
	return strconv.Itoa(y)
}

func seasonText(s time.Time) string {
	switch s.Month() {
	case time.March:
		return "spring " + yearText(s.Year())
	case time.June:
		return "summer " + yearText(s.Year())
	case time.September:
		return "autumn " + yearText(s.Year())
	}
	return fmt.Sprintf("winter %s/%02d", yearText(s.Year()), (s.Year()+1)%100)
}

// timeOfDay gives "14:30", or a part of the day for TIMEX3's MO/AF/EV/NI.
func timeOfDay(d timeline.Date) string {
	_, part, _ := strings.Cut(d.Value, "T")
	switch part {
	case "MO":
		return "morning"
	case "AF":
		return "afternoon"
	case "EV":
		return "evening"
	case "NI":
		return "night"
	}
	return d.Start.Format("15:04")
}

func ordinal(n int) string {
	suffix := "th"
	if n%100 < 11 || n%100 > 13 {
		switch n % 10 {
		case 1:
			suffix = "st"
		case 2:
			suffix = "nd"
		case 3:
			suffix = "rd"
		}
	}
	return strconv.Itoa(n) + suffix
}
