package export

import (
	"time"
	"unicode/utf8"

	"github.com/newsline/timeline/timeline"
)

// veventWriter writes one VEVENT with the bytes golang-ical's VEvent.SerializeTo
// gives under icsConfig (the property order of vevent in ics_test.go, TEXT
// escaping, folding at 75 octets), without the library's per-event property
// list, parameter maps and string copies: those made the calendar the
// costliest export (about 7 µs an event against under 1 µs now).
// TestVEventWriterAsTheLibrary compares the two on hostile and random events.
type veventWriter struct {
	line []byte // the property being written, unfolded
	out  []byte // the VEVENT so far
}

// vevent returns event ev's VEVENT, or nil when the event lies outside what
// the format can write (years 1 to 9999). The slice is reused by the next call.
func (v *veventWriter) vevent(p *site, i int, ev *timeline.Event) []byte {
	start, end, allDay := icsSpan(*ev)
	if start.Year() < 1 || end.Year() > 9999 {
		return nil
	}
	v.out = append(v.out[:0], "BEGIN:VEVENT\r\n"...)
	v.text("UID", cleanText(ev.ID)+"@"+p.host())
	srcs := p.sources(i, *ev)
	v.time("DTSTAMP", "", icsStamp(srcs), icsStampFormat)
	if allDay {
		v.time("DTSTART", ";VALUE=DATE", start, "20060102")
		v.time("DTEND", ";VALUE=DATE", end, "20060102")
	} else {
		// Floating (RFC 5545 3.3.5, form 1): the article's wall-clock
		// time, shown as written whatever the reader's zone (see icsSpan).
		v.time("DTSTART", "", start.UTC(), icsFloatingFormat)
		v.time("DTEND", "", end.UTC(), icsFloatingFormat)
	}
	v.text("SUMMARY", oneLine(ev.Title))
	v.description(p, ev, srcs)
	if u := p.eventURL(*ev); p.absoluteURL(u) {
		v.line = append(append(v.line[:0], "URL:"...), u...) // a URI: not escaped
		v.fold()
	}
	v.text("TRANSP", "TRANSPARENT")
	v.out = append(v.out, "END:VEVENT\r\n"...)
	return v.out
}

// icsStamp is a VEVENT's DTSTAMP: when the information about its event was
// last revised (RFC 5545 3.8.7.2, in a calendar without METHOD), which is
// the publication date of the newest article it cites, a thing of the
// event's own sources (an article added about other events leaves the
// VEVENT as it was, and a rebuild copies it). An event with no dated
// article (an editor's event sourced by URL) has the Unix epoch, as a
// calendar with no dated content has (feedUpdated): a fixed, valid date
// that no unrelated change moves.
func icsStamp(srcs []source) time.Time {
	var newest time.Time
	for _, src := range srcs {
		if src.Date.After(newest) {
			newest = src.Date
		}
	}
	if newest.IsZero() {
		return time.Unix(0, 0).UTC()
	}
	return newest.UTC()
}

func (v *veventWriter) time(name, params string, t time.Time, layout string) {
	v.line = append(append(append(v.line[:0], name...), params...), ':')
	v.line = t.AppendFormat(v.line, layout)
	v.fold()
}

// description writes icsDescription's text (the date as the site shows it,
// the first sentence, the sources) piece by piece: escaping the pieces and
// the newlines between them is escaping the joined text.
func (v *veventWriter) description(p *site, ev *timeline.Event, srcs []source) {
	v.line = append(v.line[:0], "DESCRIPTION:"...)
	v.escape(displayEvent(*ev))
	if sentence := firstSentence(*ev); sentence != "" {
		v.escape("\n")
		v.escape(oneLine(sentence))
	}
	for _, src := range srcs {
		v.escape("\nSource: ")
		v.escape(oneLine(src.Title))
		// A calendar cannot resolve a relative link: without a base URL
		// the source is cited by its title alone.
		if src.URL != "" && p.absoluteURL(src.URL) {
			v.escape(" <")
			v.escape(src.URL)
			v.escape(">")
		}
	}
	v.fold()
}

// text writes a TEXT property: \ ; , and newline escaped as golang-ical's ToText does.
func (v *veventWriter) text(name, value string) {
	v.line = append(append(v.line[:0], name...), ':')
	v.escape(value)
	v.fold()
}

// escape appends TEXT-escaped value to the property being written.
func (v *veventWriter) escape(value string) {
	for i := 0; i < len(value); i++ {
		switch c := value[i]; c {
		case '\\', ';', ',':
			v.line = append(v.line, '\\', c)
		case '\n':
			v.line = append(v.line, '\\', 'n')
		default:
			v.line = append(v.line, c)
		}
	}
}

// fold appends v.line to the VEVENT as BaseProperty.SerializeTo folds it:
// a first piece of at most 75 octets, then pieces of at most 74 after a
// space, each cut at the library's word boundary, each line ended by CRLF.
func (v *veventWriter) fold() {
	const maxLength = 75
	r := v.line
	if len(r) > maxLength {
		l := foldPoint(maxLength, r)
		v.out = append(append(v.out, r[:l]...), '\r', '\n')
		r = r[l:]
		for len(r) > maxLength-1 {
			l := foldPoint(maxLength-1, r)
			v.out = append(append(append(v.out, ' '), r[:l]...), '\r', '\n')
			r = r[l:]
		}
		v.out = append(v.out, ' ')
	}
	v.out = append(append(v.out, r...), '\r', '\n')
}

// foldPoint is golang-ical's trimUT8StringUpTo as a length: the last word
// boundary (before a space or "<", or after ">") seen up to the first rune
// that would pass maxLength octets, else as many whole runes as fit.
func foldPoint(maxLength int, s []byte) int {
	length, boundary := 0, -1
	var last rune
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRune(s[i:])
		if r == ' ' || r == '<' || last == '>' {
			boundary = i
		}
		last = r
		if length+utf8.RuneLen(r) > maxLength {
			break
		}
		length += utf8.RuneLen(r)
		i += size
	}
	if boundary > 0 {
		return boundary
	}
	return length
}
