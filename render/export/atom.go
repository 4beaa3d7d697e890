package export

import (
	"bytes"
	"crypto/sha1"
	"encoding/xml"
	"fmt"
	"html"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/gorilla/feeds"

	"github.com/newsline/timeline/timeline"
)

// Atom writes an Atom 1.0 feed of the events, newest report first (feed.atom).
// An entry's updated time is when the event was first reported, so a rebuild
// after a new article surfaces its new events at the top for subscribers.
func Atom(tl timeline.Timeline, s Site) ([]byte, error) {
	return bytesOf(func(w io.Writer) error { return WriteAtom(w, tl, s) })
}

// AtomEntries is how many entries feed.atom holds: the newest reports, as
// feeds do. A subscriber polls often enough to see each rebuild's new events,
// and a feed of a 100,000-event site would otherwise weigh tens of megabytes
// and be rewritten whole by every rebuild. The whole timeline is in
// timeline.json, events.ics and events.csv.
const AtomEntries = 200

// WriteAtom streams feed.atom to w one entry at a time. Only the order of the
// entries (event and report date) is held in memory; the bytes are those of
// encoding/xml on the whole feed, indented by two spaces.
func WriteAtom(w io.Writer, tl timeline.Timeline, s Site) error {
	p, err := prepare(s, tl)
	if err != nil {
		return fmt.Errorf("feed.atom: %w", err)
	}
	entries, updated := p.newestReports(tl.Events)

	title := firstNonEmpty(oneLine(s.Title), "Timeline")
	feed := &feeds.Feed{
		Title:       title,
		Link:        &feeds.Link{Href: p.rootURL(), Rel: "alternate"},
		Description: oneLine(s.Description),
		Author:      &feeds.Author{Name: title},
		Updated:     updated,
	}
	atom := (&feeds.Atom{Feed: feed}).AtomFeed()
	atom.Id = p.feedID()
	// The feed without entries, less its end tag; then the entries at depth 1.
	var head bytes.Buffer
	head.WriteString(xml.Header)
	enc := xml.NewEncoder(&head)
	enc.Indent("", "  ")
	if err := enc.Encode(atom); err != nil {
		return fmt.Errorf("feed.atom: %w", err)
	}
	const end = "\n</feed>"
	if _, err := w.Write(bytes.TrimSuffix(head.Bytes(), []byte(end))); err != nil {
		return fmt.Errorf("feed.atom: %w", err)
	}
	if len(entries) > 0 {
		if _, err := io.WriteString(w, "\n"); err != nil {
			return fmt.Errorf("feed.atom: %w", err)
		}
	}
	enc = xml.NewEncoder(w)
	enc.Indent("  ", "  ")
	for _, e := range entries {
		if err := enc.Encode(p.atomEntry(e.idx, *e.ev, e.reported)); err != nil {
			return fmt.Errorf("feed.atom: event %s: %w", e.ev.ID, err)
		}
	}
	if _, err := io.WriteString(w, end+"\n"); err != nil {
		return fmt.Errorf("feed.atom: %w", err)
	}
	return nil
}

// atomCandidate is an event with the date it was first reported.
type atomCandidate struct {
	ev       *timeline.Event
	idx      int // in the timeline's events: the last tie-break of timeline order
	reported time.Time
}

// before is the feed's order: newest report first, then timeline order
// (start, ID, then position, as orderedEvents' stable sort gives).
func (a *atomCandidate) before(b *atomCandidate) bool {
	if !a.reported.Equal(b.reported) {
		return a.reported.After(b.reported)
	}
	if c := a.ev.Start.Compare(b.ev.Start); c != 0 {
		return c < 0
	}
	if a.ev.ID != b.ev.ID {
		return a.ev.ID < b.ev.ID
	}
	return a.idx < b.idx
}

// newestReports picks the feed's AtomEntries entries, in order, and the feed's
// updated time (the latest report, at least the build date). It keeps the
// best entries seen so far instead of sorting every event (a site of 100,000
// events sorted them all, twice, for 200 entries): candidates that beat the
// worst kept one gather in a buffer of twice the size, sorted down when full.
func (p *site) newestReports(events []timeline.Event) ([]atomCandidate, time.Time) {
	updated := p.feedUpdated()
	top := make([]atomCandidate, 0, 2*AtomEntries)
	full := false // top holds AtomEntries sorted entries, the worst last
	dates := p.articleDates()
	// With the exports' shared order and the citations by event, the scan
	// reads no event but those it keeps: whether each is exportable comes
	// from the order (which reads every event's date for the other exports
	// anyway), its cited articles from one array. Reading 116,000 events,
	// 170 bytes apart, was most of the scan's cost.
	exp := p.exportableFlags(events)
	cited := p.CitedArticles
	if p.CitedArticle == nil {
		cited = nil
	}
	// From the end: timelines are mostly in date order, and recent events
	// tend to have the newest reports, so the kept set settles early.
	for i := len(events) - 1; i >= 0; i-- {
		ev := &events[i]
		if exp != nil {
			if !exp[i] {
				continue
			}
		} else if !exportable(ev) {
			continue
		}
		var reported time.Time
		if cited != nil {
			reported = p.firstReportedIn(cited(i), dates)
		} else {
			reported = p.firstReportedBy(i, ev, dates)
		}
		c := atomCandidate{ev: ev, idx: i, reported: reported}
		if c.reported.IsZero() {
			c.reported = updated
		}
		if c.reported.After(updated) {
			updated = c.reported
		}
		if full && !c.before(&top[AtomEntries-1]) {
			continue
		}
		top = append(top, c)
		if len(top) == cap(top) {
			top, full = sortCandidates(top), true
		}
	}
	return sortCandidates(top), updated
}

// sortCandidates sorts the entries into feed order and keeps the first AtomEntries.
func sortCandidates(c []atomCandidate) []atomCandidate {
	slices.SortFunc(c, func(a, b atomCandidate) int {
		switch {
		case a.idx == b.idx:
			return 0
		case a.before(&b):
			return -1
		}
		return 1
	})
	return c[:min(len(c), AtomEntries)]
}

// atomEntry is the entry gorilla/feeds makes of an item with an id, a title,
// a link, an HTML description and an updated time.
func (p *site) atomEntry(i int, ev timeline.Event, reported time.Time) *feeds.AtomEntry {
	e := &feeds.AtomEntry{
		Title:   oneLine(ev.Title),
		Links:   []feeds.AtomLink{{Href: p.eventURL(ev), Rel: "alternate"}},
		Id:      p.entryID(ev),
		Updated: reported.Format(time.RFC3339),
	}
	if summary := p.atomSummary(i, ev); summary != "" {
		e.Summary = &feeds.AtomSummary{Content: summary, Type: "html"}
	}
	return e
}

// feedUpdated is the build date, never zero (Atom and iCalendar require one):
// the Unix epoch stands for "no dated content".
func (p *site) feedUpdated() time.Time {
	if p.updated.IsZero() {
		return time.Unix(0, 0).UTC()
	}
	return p.updated
}

func (p *site) feedID() string {
	if p.base != nil {
		return p.base.String()
	}
	return nameUUID("feed:" + p.Title)
}

// entryID is stable across rebuilds: the event's absolute URL, or a name-based
// UUID of its ID when the site has no base URL (an Atom id must be absolute).
func (p *site) entryID(ev timeline.Event) string {
	if u := p.eventURL(ev); p.absoluteURL(u) {
		return u
	}
	return nameUUID("event:" + ev.ID)
}

// nameUUID is an RFC 4122 version 5 (SHA-1, name-based) UUID URN in the URL namespace.
func nameUUID(name string) string {
	ns := []byte{0x6b, 0xa7, 0xb8, 0x11, 0x9d, 0xad, 0x11, 0xd1, 0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8}
	h := sha1.New()
	h.Write(ns)
	h.Write([]byte(name))
	u := h.Sum(nil)[:16]
	u[6] = u[6]&0x0f | 0x50
	u[8] = u[8]&0x3f | 0x80
	return fmt.Sprintf("urn:uuid:%x-%x-%x-%x-%x", u[0:4], u[4:6], u[6:8], u[8:10], u[10:16])
}

// atomSummary is the entry's HTML summary; every piece of source text is escaped
// here, and encoding/xml escapes the HTML once more as the format requires.
func (p *site) atomSummary(i int, ev timeline.Event) string {
	var b strings.Builder
	b.WriteString("<p>" + html.EscapeString(displayEvent(ev)) + "</p>")
	b.WriteString(escapeParagraph(firstSentence(ev)))
	b.WriteString(p.sourcesHTML(i, ev))
	return b.String()
}

// sourcesHTML is the "Sources: a; b" paragraph of a feed entry or slide, or "".
func (p *site) sourcesHTML(i int, ev timeline.Event) string {
	var b strings.Builder
	p.writeSourcesHTML(&b, i, ev)
	return b.String()
}

func (p *site) writeSourcesHTML(b *strings.Builder, i int, ev timeline.Event) {
	srcs := p.sources(i, ev)
	if len(srcs) == 0 {
		return
	}
	b.WriteString("<p>Sources: ")
	for i, src := range srcs {
		if i > 0 {
			b.WriteString("; ")
		}
		writeLink(b, src.URL, src.Title)
	}
	b.WriteString("</p>")
}
