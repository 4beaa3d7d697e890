package export

import (
	"fmt"
	"html"
	"io"
	"reflect"
	"strings"
	"time"

	"github.com/newsline/timeline/timeline"
)

// tljsDate is a TimelineJS3 date object: only the components the date knows.
type tljsDate struct {
	Year   int  `json:"year"`
	Month  *int `json:"month,omitempty"`
	Day    *int `json:"day,omitempty"`
	Hour   *int `json:"hour,omitempty"`
	Minute *int `json:"minute,omitempty"`
	Second *int `json:"second,omitempty"`
}

type tljsText struct {
	Headline string `json:"headline"`
	Text     string `json:"text"`
}

type tljsSlide struct {
	StartDate   *tljsDate `json:"start_date,omitempty"`
	EndDate     *tljsDate `json:"end_date,omitempty"`
	DisplayDate string    `json:"display_date,omitempty"`
	Text        tljsText  `json:"text"`
	UniqueID    string    `json:"unique_id"`
}

// TimelineJS writes the timeline in TimelineJS3's JSON format (timeline.json).
func TimelineJS(tl timeline.Timeline, s Site) ([]byte, error) {
	return bytesOf(func(w io.Writer) error { return WriteTimelineJS(w, tl, s) })
}

// WriteTimelineJS streams timeline.json to w one slide at a time; the bytes
// are those of a json.Encoder with SetEscapeHTML(false) on the whole
// document (< > & as they are: see appendSlide).
func WriteTimelineJS(w io.Writer, tl timeline.Timeline, s Site) error {
	p, err := prepare(s, tl)
	if err != nil {
		return fmt.Errorf("timeline.json: %w", err)
	}
	sp := p.newSplicer(w, "timeline.json", len(tl.Events))
	defer sp.close()
	if sp != nil {
		w = sp
	}
	out := NewJSONStream(w)
	out.Raw("{")
	var buf []byte // one slide's bytes, reused
	if title := oneLine(s.Title); title != "" {
		buf = appendSlide(append(buf, `"title":`...), &tljsSlide{
			Text:     tljsText{Headline: html.EscapeString(title), Text: escapeParagraph(s.Description)},
			UniqueID: "timeline-title",
		})
		out.Raw(string(append(buf, ',')))
	}
	out.Raw(`"events":[`)
	var used map[string]bool // nil: every ID is a slug of its own (slugIDs)
	if !s.UniqueIDs || (!s.SlugIDs && !slugIDs(tl.Events)) {
		used = make(map[string]bool, len(tl.Events)+1)
		used["timeline-title"] = true
	}
	for n, i := range p.order(tl.Events, false) {
		ev := &tl.Events[i]
		sep := ""
		if n > 0 {
			sep = ","
		}
		// Without collisions to resolve, the slide's id is "ev-" and the
		// ID, which the fragment key covers (see tljsExtra): it is made
		// only for a slide that is rendered, not for every copied one.
		id, extra := "", sep
		if used != nil {
			id = uniqueSlug("ev-"+tljsSlug(ev.ID), used)
			extra = id + sep
		}
		// A spliced fragment is the slide with the comma before it, so the
		// fragments lie back to back.
		write := func(dst io.Writer) error {
			out.Raw(sep)
			if out.Err() != nil {
				return out.Err()
			}
			if id == "" {
				id = "ev-" + ev.ID
			}
			slide := p.tljsSlide(i, *ev, id)
			buf = appendSlide(buf[:0], &slide)
			_, err := dst.Write(buf)
			return err
		}
		if sp != nil {
			err = sp.fragment(p.spliceKey(tljsKind(used == nil), i, ev, extra), write)
		} else {
			err = write(w)
		}
		if err != nil {
			return fmt.Errorf("timeline.json: event %s: %w", ev.ID, err)
		}
	}
	out.Raw("]}\n")
	if out.Err() != nil {
		return fmt.Errorf("timeline.json: %w", out.Err())
	}
	if sp != nil {
		if err := sp.finish(); err != nil {
			return fmt.Errorf("timeline.json: %w", err)
		}
	}
	return nil
}

func (p *site) tljsSlide(i int, ev timeline.Event, uniqueID string) tljsSlide {
	slide := tljsSlide{
		StartDate: firstParts(ev.Start),
		Text:      tljsText{Headline: html.EscapeString(oneLine(ev.Title)), Text: p.tljsBody(i, ev)},
		UniqueID:  uniqueID,
	}
	last, ranged := eventLast(ev)
	if ranged || !tljsNative(ev.Start) {
		// An end equal to the start (a morning) says nothing; TimelineJS drops it too.
		if end := lastParts(last); !reflect.DeepEqual(end, slide.StartDate) {
			slide.EndDate = end
		}
	}
	if !tljsNative(ev.Start) || !tljsNative(last) {
		slide.DisplayDate = displayEvent(ev)
	}
	return slide
}

// tljsBody is the slide's HTML text: the first sentence, the sources, the event page.
// It is written into one builder: the concatenated pieces were a third of
// the file's cost.
func (p *site) tljsBody(i int, ev timeline.Event) string {
	var b strings.Builder
	b.Grow(384)
	if sentence := firstSentence(ev); sentence != "" {
		writeParagraph(&b, sentence)
	}
	p.writeSourcesHTML(&b, i, ev)
	b.WriteString("<p>")
	writeLink(&b, p.eventURL(ev), "Event page")
	b.WriteString("</p>")
	return b.String()
}

func escapeParagraph(s string) string {
	var b strings.Builder
	writeParagraph(&b, s)
	return b.String()
}

// writeParagraph writes s on one line, escaped, as a <p>, or nothing for blank text.
func writeParagraph(b *strings.Builder, s string) {
	s = oneLine(s)
	if s == "" {
		return
	}
	b.WriteString("<p>")
	htmlEscaper.WriteString(b, s)
	b.WriteString("</p>")
}

// htmlEscaper escapes as html.EscapeString does, into a writer.
var htmlEscaper = strings.NewReplacer(`&`, "&amp;", `'`, "&#39;", `<`, "&lt;", `>`, "&gt;", `"`, "&#34;")

// writeLink writes text on one line, escaped, as a link to href (plain text without href).
func writeLink(b *strings.Builder, href, text string) {
	if href != "" {
		b.WriteString(`<a href="`)
		htmlEscaper.WriteString(b, href)
		b.WriteString(`">`)
	}
	htmlEscaper.WriteString(b, oneLine(text))
	if href != "" {
		b.WriteString("</a>")
	}
}

// tljsNative reports whether TimelineJS can show the date at its own precision
// from its components alone.
func tljsNative(d timeline.Date) bool {
	switch d.Gran {
	case timeline.GranYear, timeline.GranMonth, timeline.GranDay:
		return true
	case timeline.GranTime:
		return partOfDay(d) == ""
	}
	return false
}

// firstParts gives the components of the first unit the date covers.
func firstParts(d timeline.Date) *tljsDate {
	return parts(d, d.Start)
}

// lastParts gives the components of the last unit the date covers (inclusive),
// so a range's end_date is "2020", not "2021".
func lastParts(d timeline.Date) *tljsDate {
	if d.Gran == timeline.GranTime && partOfDay(d) == "" {
		return parts(d, d.Start)
	}
	return parts(d, lastInstant(d))
}

func parts(d timeline.Date, t time.Time) *tljsDate {
	out := &tljsDate{Year: t.Year()}
	month, day := int(t.Month()), t.Day()
	switch d.Gran {
	case timeline.GranMillennium, timeline.GranCentury, timeline.GranDecade, timeline.GranYear:
		return out
	case timeline.GranHalf, timeline.GranQuarter, timeline.GranSeason, timeline.GranMonth:
		out.Month = &month
		return out
	}
	out.Month, out.Day = &month, &day
	if d.Gran != timeline.GranTime || partOfDay(d) != "" {
		return out
	}
	hour, minute, second := t.Hour(), t.Minute(), t.Second()
	out.Hour = &hour
	if n := timeFields(d); n >= 2 {
		out.Minute = &minute
		if n >= 3 {
			out.Second = &second
		}
	}
	return out
}

// tljsSlug reduces an ID to TimelineJS's slug alphabet so TimelineJS keeps it as is.
func tljsSlug(id string) string {
	if IsSlugID(id) {
		return id // most IDs already are: no copy
	}
	return slugify(id)
}

// slugify is tljsSlug without its shortcut: lower-case letters and digits,
// every other run of characters one dash, no dash at either end.
func slugify(id string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(id) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
			dash = false
		} else if !dash {
			b.WriteByte('-')
			dash = true
		}
	}
	return strings.Trim(b.String(), "-")
}

// IsSlugID reports whether timeline.json uses the event ID s as it is in a
// slide's id (tljsSlug returns it unchanged): lower-case letters and digits
// in runs joined by single dashes. See Site.SlugIDs.
func IsSlugID(s string) bool {
	if s == "" || s[0] == '-' || s[len(s)-1] == '-' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z' || '0' <= c && c <= '9':
		case c == '-' && s[i-1] != '-':
		default:
			return false
		}
	}
	return true
}

// slugIDs reports whether every event's ID is a slug (tljsSlug returns it
// as it is). With IDs known to be distinct (Site.UniqueIDs), their slide
// ids "ev-ID" then are too, and none is "timeline-title": uniqueSlug would
// return each as it is, so the map of 100,000 slide ids it needs is not made.
func slugIDs(events []timeline.Event) bool {
	for i := range events {
		if !IsSlugID(events[i].ID) {
			return false
		}
	}
	return true
}

func uniqueSlug(slug string, used map[string]bool) string {
	n := len(used)
	if used[slug] = true; len(used) > n {
		return slug // not used before: one map operation, not two, for nearly every slide
	}
	candidate := slug
	for n := 2; used[candidate]; n++ {
		candidate = fmt.Sprintf("%s-%d", slug, n)
	}
	used[candidate] = true
	return candidate
}

// tljsKind names the fragments of timeline.json in their keys: a slide's
// id is either "ev-" and the event's ID, which the key covers (keyed by the
// separator alone), or made unique among colliding slugs (keyed by the id).
func tljsKind(idOfID bool) string {
	if idOfID {
		return "tljs-id"
	}
	return "tljs"
}
