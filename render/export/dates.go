package export

import (
	"fmt"
	"strings"
	"time"

	"github.com/newsline/timeline/timeline"
)

// lastInstant is the last instant a date covers (its End is exclusive).
func lastInstant(d timeline.Date) time.Time {
	if d.End.After(d.Start) {
		return d.End.Add(-time.Nanosecond)
	}
	return d.Start
}

// eventLast is the date the event ends at and whether it is a range: its range
// end, or its start when there is none (or the end would come before the start).
func eventLast(ev timeline.Event) (timeline.Date, bool) {
	if ev.End != nil && !ev.End.IsZero() && ev.End.End.After(ev.Start.End) {
		return *ev.End, true
	}
	return ev.Start, false
}

// partOfDay names the TIMEX3 parts of a day ("2024-06-12TMO"), or "".
func partOfDay(d timeline.Date) string {
	_, t, ok := strings.Cut(d.Value, "T")
	if !ok {
		return ""
	}
	return map[string]string{"MO": "morning", "AF": "afternoon", "EV": "evening", "NI": "night"}[t]
}

// timeFields is how many of hour, minute, second the TIME value states.
func timeFields(d timeline.Date) int {
	_, t, ok := strings.Cut(d.Value, "T")
	if !ok || partOfDay(d) != "" {
		return 0
	}
	return strings.Count(t, ":") + 1
}

func dayText(t time.Time) string { return fmt.Sprintf("%d %s %d", t.Day(), t.Month(), t.Year()) }

// displayDate writes a date at its own precision, never finer: "2020",
// "September 2023", "12 June 2024", "week of 10 June 2024".
func displayDate(d timeline.Date) string {
	if d.IsZero() {
		return cleanText(d.Value)
	}
	s := d.Start
	switch d.Gran {
	case timeline.GranMillennium, timeline.GranCentury:
		return fmt.Sprintf("%d–%d", s.Year(), lastInstant(d).Year())
	case timeline.GranDecade:
		return fmt.Sprintf("%ds", s.Year())
	case timeline.GranYear:
		return fmt.Sprintf("%d", s.Year())
	case timeline.GranHalf:
		if s.Month() == time.January {
			return fmt.Sprintf("first half of %d", s.Year())
		}
		return fmt.Sprintf("second half of %d", s.Year())
	case timeline.GranQuarter:
		return fmt.Sprintf("Q%d %d", (int(s.Month())-1)/3+1, s.Year())
	case timeline.GranSeason:
		return seasonText(s)
	case timeline.GranMonth:
		return fmt.Sprintf("%s %d", s.Month(), s.Year())
	case timeline.GranWeek:
		return "week of " + dayText(s)
	case timeline.GranDay:
		return dayText(s)
	case timeline.GranTime:
		if part := partOfDay(d); part != "" {
			return dayText(s) + ", " + part
		}
		layout := "15:04"
		if timeFields(d) == 3 {
			layout = "15:04:05"
		}
		return dayText(s) + ", " + s.Format(layout) + " UTC"
	}
	return cleanText(d.Value)
}

func seasonText(s time.Time) string {
	switch s.Month() {
	case time.March:
		return fmt.Sprintf("spring %d", s.Year())
	case time.June:
		return fmt.Sprintf("summer %d", s.Year())
	case time.September:
		return fmt.Sprintf("autumn %d", s.Year())
	}
	return fmt.Sprintf("winter %d–%d", s.Year(), s.Year()+1)
}

// displayEvent writes the event's date or range: "2018–2020", "12 June 2024 – 3 July 2024".
func displayEvent(ev timeline.Event) string {
	start := displayDate(ev.Start)
	last, ranged := eventLast(ev)
	if !ranged {
		return start
	}
	end := displayDate(last)
	if end == start {
		return start
	}
	if strings.Contains(start, " ") || strings.Contains(end, " ") {
		return start + " – " + end
	}
	return start + "–" + end
}

// isoDate writes d as an ISO 8601 date at the precision it has, or "" when ISO
// 8601 has no form for it (quarters, seasons, halves, decades...).
func isoDate(d timeline.Date) string {
	switch d.Gran {
	case timeline.GranYear:
		return d.Start.Format("2006")
	case timeline.GranMonth:
		return d.Start.Format("2006-01")
	case timeline.GranDay:
		return d.Start.Format("2006-01-02")
	case timeline.GranTime:
		if partOfDay(d) == "" {
			return d.Start.UTC().Format(time.RFC3339)
		}
	}
	return ""
}
