package export

import (
	"strings"
	"time"

	"github.com/newsline/timeline/render/datefmt"
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

// displayDate writes a date in the wording the pages use (package datefmt).
func displayDate(d timeline.Date) string {
	if d.IsZero() {
		return cleanText(d.Value)
	}
	return datefmt.Date(d)
}

// displayEvent writes the event's date or range as the pages do: "2018–2020",
// "12 June 2024 – 3 July 2024".
func displayEvent(ev timeline.Event) string {
	if ev.Start.IsZero() {
		return displayDate(ev.Start)
	}
	if last, ranged := eventLast(ev); ranged {
		return datefmt.Range(ev.Start, &last)
	}
	return datefmt.Date(ev.Start)
}

// isoLocalTime is an ISO 8601 date and time of day without a zone. A time of
// day in an article ("at 9:30 a.m.") is the wall-clock time where it was
// written; TIMEX3 values carry no zone, and the date model keeps the wall
// clock in a UTC time.Time only as a container. Writing it with "Z" would claim
// an instant the text never gave.
const isoLocalTime = "2006-01-02T15:04:05"

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
			return d.Start.UTC().Format(isoLocalTime)
		}
	}
	return ""
}
