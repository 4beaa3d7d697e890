package export

import (
	"fmt"
	"io"
	"strings"
	"time"

	ics "github.com/arran4/golang-ical"

	"github.com/newsline/timeline/timeline"
)

// ICS writes the events as an iCalendar (RFC 5545) calendar (events.ics).
func ICS(tl timeline.Timeline, s Site) ([]byte, error) {
	return bytesOf(func(w io.Writer) error { return WriteICS(w, tl, s) })
}

// icsConfig is the library's serialisation: lines folded at 75 octets, CRLF
// line ends (RFC 5545 3.1).
var icsConfig = ics.SerializationConfiguration{MaxLength: 75, PropertyMaxLength: 75, NewLine: "\r\n"}

const icsEnd = "END:VCALENDAR\r\n"

const icsStampFormat = "20060102T150405Z" // the library's UTC timestamp format

// icsFloatingFormat is a DATE-TIME in floating time (RFC 5545 3.3.5, form 1),
// the library's local timestamp format.
const icsFloatingFormat = "20060102T150405"

// WriteICS streams events.ics to w one VEVENT at a time: the calendar's
// properties, each event as it is built, then the end line.
func WriteICS(w io.Writer, tl timeline.Timeline, s Site) error {
	p, err := prepare(s, tl)
	if err != nil {
		return fmt.Errorf("events.ics: %w", err)
	}
	// Each VEVENT's DTSTAMP is its own (icsStamp): a copied one stays right.
	sp := p.newSplicer(w, "events.ics", len(tl.Events))
	defer sp.close()
	if sp != nil {
		w = sp
	}
	cal := ics.NewCalendar()
	cal.SetProductId("-//newsline//timeline//EN")
	cal.SetCalscale("GREGORIAN")
	// No METHOD: the file is a snapshot of the timeline, not a scheduling
	// message (RFC 5545 3.7.2), so each DTSTAMP says when its event's
	// information was last revised (3.8.7.2), see icsStamp. With METHOD
	// it would be the file's creation time, the same in every VEVENT: an
	// article newer than all the others changed all 100,000 of them.
	// (A METHOD property also requires the same method parameter in the
	// Content-Type, which a static file server does not send.)
	if title := oneLine(s.Title); title != "" {
		cal.SetName(title)
		cal.SetXWRCalName(title)
	}
	if desc := cleanText(s.Description); strings.TrimSpace(desc) != "" {
		cal.SetXWRCalDesc(desc)
	}
	var head strings.Builder
	cfg := icsConfig
	if err := cal.SerializeTo(&head, &cfg); err != nil {
		return fmt.Errorf("events.ics: %w", err)
	}
	if _, err := io.WriteString(w, strings.TrimSuffix(head.String(), icsEnd)); err != nil {
		return fmt.Errorf("events.ics: %w", err)
	}
	var vw veventWriter
	for _, i := range p.order(tl.Events, false) {
		ev := &tl.Events[i]
		write := func(w io.Writer) error {
			if vevent := vw.vevent(p, i, ev); vevent != nil {
				_, err := w.Write(vevent)
				return err
			}
			return nil
		}
		if sp != nil {
			err = sp.fragment(p.spliceKey("ics", i, ev, p.host()), write)
		} else {
			err = write(w)
		}
		if err != nil {
			return fmt.Errorf("events.ics: event %s: %w", ev.ID, err)
		}
	}
	if _, err := io.WriteString(w, icsEnd); err != nil {
		return fmt.Errorf("events.ics: %w", err)
	}
	if sp != nil {
		if err := sp.finish(); err != nil {
			return fmt.Errorf("events.ics: %w", err)
		}
	}
	return nil
}

// icsSpan is the interval to write, end exclusive. A date without a time of day
// is all-day and covers whole days; an event is timed only when every date it
// has is a time of day, since DTSTART and DTEND must have the same type. A
// time of day is the wall-clock time the article gave, with no zone (TIMEX3
// has none; the date model holds it in UTC only as a container), so it is
// written in floating time, not as a UTC instant: "at 9:30 a.m." stays 09:30
// in every reader's calendar, as on the site, instead of moving by the
// reader's offset from UTC.
func icsSpan(ev timeline.Event) (start, end time.Time, allDay bool) {
	last, _ := eventLast(ev)
	start, end = ev.Start.Start.UTC(), last.End.UTC()
	if ev.Start.Gran == timeline.GranTime && last.Gran == timeline.GranTime {
		return start, end, false
	}
	start = start.Truncate(24 * time.Hour)
	if rounded := end.Truncate(24 * time.Hour); !rounded.Equal(end) {
		end = rounded.Add(24 * time.Hour)
	}
	if !end.After(start) {
		end = start.Add(24 * time.Hour)
	}
	return start, end, true
}
