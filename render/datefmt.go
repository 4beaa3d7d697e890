package render

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/newsline/timeline/timeline"
)

// FormatDate writes a date at its own precision and never finer:
// "2020", "September 2023", "12 June 2024", "12 June 2024, 14:30",
// "week 24 of 2024", "third quarter of 2012", "summer 2019", "1990s".
func FormatDate(d timeline.Date) string {
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

// FormatRange writes a date or a range compactly: "2018–2020", "12–14 June 2024",
// "May–July 2019", "12 May – 3 June 2024", "2018 – 12 June 2024".
func FormatRange(start timeline.Date, end *timeline.Date) string {
	v := dateViewOf(start, end)
	if v.End == nil {
		return v.Start.Text
	}
	sep := "–"
	if v.Spaced {
		sep = " – "
	}
	return v.Start.Text + sep + v.End.Text
}

func dayText(t time.Time) string {
	return strconv.Itoa(t.Day()) + " " + t.Month().String() + " " + yearText(t.Year())
}

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

// datetimeAttr gives the HTML datetime attribute for a date: the value itself
// when HTML can say it at that precision, else the year that contains it, else
// "" (decades and coarser: the template then uses <span>, not <time>).
func datetimeAttr(d timeline.Date) string {
	if d.IsZero() {
		return ""
	}
	y := d.Start.Year()
	if y < 1 || y > 9999 {
		return ""
	}
	switch d.Gran {
	case timeline.GranYear, timeline.GranHalf, timeline.GranQuarter, timeline.GranSeason:
		return fmt.Sprintf("%04d", y)
	case timeline.GranMonth:
		return d.Start.Format("2006-01")
	case timeline.GranWeek:
		wy, w := d.Start.ISOWeek()
		return fmt.Sprintf("%04d-W%02d", wy, w)
	case timeline.GranDay:
		return d.Start.Format("2006-01-02")
	case timeline.GranTime:
		if _, clock, _ := strings.Cut(d.Value, "T"); clock != "" && clock[0] >= '0' && clock[0] <= '9' {
			return d.Start.Format("2006-01-02T15:04")
		}
		return d.Start.Format("2006-01-02")
	}
	return ""
}

// timeView is one date as the templates show it.
type timeView struct {
	Text string // human text at the date's precision
	Attr string // machine-readable datetime attribute, "" when HTML has no form for it
}

// dateView is a date or range as the templates show it. When End is set the
// template reads it as "from Start to End" to screen readers.
type dateView struct {
	Start  timeView
	End    *timeView
	Spaced bool // separate the parts with " – " because they contain spaces
}

func dateViewOf(start timeline.Date, end *timeline.Date) dateView {
	v := dateView{Start: timeView{FormatDate(start), datetimeAttr(start)}}
	if end == nil || end.Value == start.Value {
		return v
	}
	e := timeView{FormatDate(*end), datetimeAttr(*end)}
	v.End = &e
	s, f := start.Start, end.Start
	sameYear := !start.IsZero() && !end.IsZero() && s.Year() == f.Year()
	switch {
	case start.Gran == timeline.GranDay && end.Gran == timeline.GranDay && sameYear && s.Month() == f.Month():
		v.Start.Text = strconv.Itoa(s.Day())
	case start.Gran == timeline.GranDay && end.Gran == timeline.GranDay && sameYear:
		v.Start.Text = strconv.Itoa(s.Day()) + " " + s.Month().String()
		v.Spaced = true
	case start.Gran == timeline.GranMonth && end.Gran == timeline.GranMonth && sameYear:
		v.Start.Text = s.Month().String()
	default:
		v.Spaced = strings.Contains(v.Start.Text, " ") || strings.Contains(e.Text, " ")
	}
	return v
}
