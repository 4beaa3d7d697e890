package export

import (
	"bytes"
	"fmt"
	"strings"
	"time"

	ics "github.com/arran4/golang-ical"

	"github.com/newsline/timeline/timeline"
)

// ICS writes the events as an iCalendar (RFC 5545) calendar (events.ics).
func ICS(tl timeline.Timeline, s Site) ([]byte, error) {
	p, err := prepare(s, tl)
	if err != nil {
		return nil, fmt.Errorf("events.ics: %w", err)
	}
	cal := ics.NewCalendar()
	cal.SetProductId("-//newsline//timeline//EN")
	cal.SetCalscale("GREGORIAN")
	cal.SetMethod(ics.MethodPublish)
	if title := oneLine(s.Title); title != "" {
		cal.SetName(title)
		cal.SetXWRCalName(title)
	}
	if desc := cleanText(s.Description); strings.TrimSpace(desc) != "" {
		cal.SetXWRCalDesc(desc)
	}
	for _, ev := range orderedEvents(tl.Events, false) {
		if vevent := p.vevent(ev); vevent != nil {
			cal.AddVEvent(vevent)
		}
	}
	var buf bytes.Buffer
	if err := cal.SerializeTo(&buf, ics.WithNewLine("\r\n")); err != nil { // RFC 5545 3.1: CRLF
		return nil, fmt.Errorf("events.ics: %w", err)
	}
	return buf.Bytes(), nil
}

// vevent builds one VEVENT, or nil when the event lies outside what the format
// can write (years 1 to 9999).
func (p *site) vevent(ev timeline.Event) *ics.VEvent {
	start, end, allDay := icsSpan(ev)
	if start.Year() < 1 || end.Year() > 9999 {
		return nil
	}
	v := ics.NewEvent(cleanText(ev.ID) + "@" + p.host())
	v.SetDtStampTime(p.feedUpdated())
	if allDay {
		v.SetAllDayStartAt(start)
		v.SetAllDayEndAt(end)
	} else {
		v.SetStartAt(start)
		v.SetEndAt(end)
	}
	v.SetSummary(oneLine(ev.Title))
	v.SetDescription(p.icsDescription(ev))
	if u := p.eventURL(ev); absolute(u) {
		v.SetURL(u)
	}
	v.SetTimeTransparency(ics.TransparencyTransparent)
	return v
}

// icsSpan is the interval to write, end exclusive. A date without a time of day
// is all-day and covers whole days; an event is timed only when every date it
// has is a time of day, since DTSTART and DTEND must have the same type.
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

// icsDescription is the date as the site shows it, the first sentence, the
// sources and the event page; the library escapes and folds it.
func (p *site) icsDescription(ev timeline.Event) string {
	lines := []string{displayEvent(ev)}
	if sentence := firstSentence(ev); sentence != "" {
		lines = append(lines, oneLine(sentence))
	}
	for _, src := range p.sources(ev) {
		line := "Source: " + oneLine(src.Title)
		if src.URL != "" {
			line += " <" + src.URL + ">"
		}
		lines = append(lines, line)
	}
	return strings.Join(lines, "\n")
}
