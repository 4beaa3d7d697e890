package export

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/newsline/timeline/timeline"
)

// EventLD writes the schema.org Event of event pages straight into a page's
// buffer. EventJSONLD checks the site, builds a value and returns new bytes
// for every page: at 117,000 event pages that was over a third of an event
// page's CPU and most of what it allocated. An EventLD checks the site once;
// Append writes the same bytes as EventJSONLD (TestAppendEventJSONLDAsOld).
// It is safe for concurrent use: Append only reads it.
type EventLD struct {
	p *site
	// pattern is Site.EventURLPattern cut at its "{ID}"s, when an event's
	// URL can be written from it with no string made (appendEventURL).
	pattern []string
}

// NewEventLD prepares the site for Append.
func NewEventLD(s Site) (*EventLD, error) {
	p, err := prepare(s, timeline.Timeline{})
	if err != nil {
		return nil, err
	}
	if p.base != nil {
		p.baseString = p.base.String() // set now: resolve would set it lazily, racing between pages
	}
	w := &EventLD{p: p}
	if s.EventURL != nil && strings.Contains(s.EventURLPattern, "{ID}") {
		w.pattern = strings.Split(s.EventURLPattern, "{ID}")
	}
	return w, nil
}

// Append appends the event's JSON-LD, as EventJSONLD returns it, to b.
func (w *EventLD) Append(b []byte, ev *timeline.Event) ([]byte, error) {
	if ev.Start.IsZero() {
		return b, fmt.Errorf("event %s: JSON-LD: date %q names no calendar span", ev.ID, ev.Start.Value)
	}
	b = append(b, `{"@context":"`+schemaContext+`","@type":"Event","name":`...)
	b = appendJSONString(b, oneLine(ev.Title))
	b = appendLDDates(b, ev)
	if d := oneLine(firstSentence(*ev)); d != "" {
		b = appendJSONString(append(b, `,"description":`...), d)
	}
	b = w.appendEventURL(b, ev)
	b = appendLDEntities(b, `,"location":`, ev.Entities, placeType)
	b = appendLDEntities(b, `,"about":`, ev.Entities, aboutType)
	return append(b, '}'), nil
}

// appendEventURL appends the "url" of the event when it is absolute. The
// page URLs of a site with a base URL are the base and a plain path from the
// pattern; a site without one has no absolute URLs unless the pattern or the
// ID has a scheme. Other cases make the URL as EventJSONLD does.
func (w *EventLD) appendEventURL(b []byte, ev *timeline.Event) []byte {
	if w.pattern != nil {
		var scratch [128]byte
		path := scratch[:0]
		for i, piece := range w.pattern {
			if i > 0 {
				path = append(path, ev.ID...)
			}
			path = append(path, piece...)
		}
		switch {
		case w.p.base == nil && bytes.IndexByte(path, ':') < 0:
			return b // resolve leaves it relative
		case w.p.base != nil && plainPathBytes(path):
			b = appendJSONString(append(b, `,"url":`...), w.p.baseString)
			b = append(b[:len(b)-1], path...) // a plain path needs no escaping
			return append(b, '"')
		}
	}
	if u := w.p.eventURL(*ev); w.p.absoluteURL(u) {
		b = appendJSONString(append(b, `,"url":`...), u)
	}
	return b
}

// plainPathBytes is plainPath on bytes (TestPlainPathBytesAsPlainPath).
func plainPathBytes(path []byte) bool {
	for _, c := range path {
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("_-.~/", c) >= 0) {
			return false
		}
	}
	for rest := bytes.TrimSuffix(path, []byte("/")); ; {
		seg, after, more := bytes.Cut(rest, []byte("/"))
		if len(seg) == 0 || string(seg) == "." || string(seg) == ".." {
			return false
		}
		if !more {
			return true
		}
		rest = after
	}
}

// appendLDDates appends "startDate" and, when it differs, "endDate", as
// ldDates gives them. Dates are digits, "-", ":", "T", "Z" and "+": no
// character JSON escapes.
func appendLDDates(b []byte, ev *timeline.Event) []byte {
	last, ranged := eventLast(*ev)
	b = append(b, `,"startDate":"`...)
	start := len(b)
	b, ok := appendISODate(b, ev.Start)
	if !ok {
		b = ev.Start.Start.AppendFormat(b, "2006-01-02")
	}
	end := len(b)
	b = append(b, `","endDate":"`...)
	endStart := len(b)
	switch {
	case ranged:
		if b, ok = appendISODate(b, last); !ok {
			b = lastInstant(last).AppendFormat(b, "2006-01-02")
		}
	case !ok:
		b = lastInstant(ev.Start).AppendFormat(b, "2006-01-02")
	}
	if len(b) == endStart || string(b[endStart:]) == string(b[start:end]) {
		return append(b[:end], '"') // no end date, or the same as the start
	}
	return append(b, '"')
}

// appendISODate appends what isoDate returns; false when it returns "".
func appendISODate(b []byte, d timeline.Date) ([]byte, bool) {
	switch d.Gran {
	case timeline.GranYear:
		return d.Start.AppendFormat(b, "2006"), true
	case timeline.GranMonth:
		return d.Start.AppendFormat(b, "2006-01"), true
	case timeline.GranDay:
		return d.Start.AppendFormat(b, "2006-01-02"), true
	case timeline.GranTime:
		if partOfDay(d) == "" {
			return d.Start.UTC().AppendFormat(b, isoLocalTime), true
		}
	}
	return b, false
}

// placeType and aboutType give an entity's schema.org type in "location"
// and in "about", or "" when it belongs in the other list or in neither.
func placeType(k timeline.EntityKind) string {
	if k == timeline.Place {
		return "Place"
	}
	return ""
}

func aboutType(k timeline.EntityKind) string {
	switch k {
	case timeline.Person:
		return "Person"
	case timeline.Organisation:
		return "Organization"
	}
	return ""
}

// appendLDEntities appends the key and the list of the entities typeOf
// types, in their order, or nothing when there are none (omitempty).
func appendLDEntities(b []byte, key string, ents []timeline.Entity, typeOf func(timeline.EntityKind) string) []byte {
	n := 0
	for i := range ents {
		typ := typeOf(ents[i].Kind)
		if typ == "" {
			continue
		}
		name := oneLine(ents[i].Name)
		if name == "" {
			continue
		}
		if n == 0 {
			b = append(append(b, key...), '[')
		} else {
			b = append(b, ',')
		}
		n++
		b = append(append(b, `{"@type":"`...), typ...)
		b = appendJSONString(append(b, `","name":`...), name)
		b = append(b, '}')
	}
	if n > 0 {
		b = append(b, ']')
	}
	return b
}
