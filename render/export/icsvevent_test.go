package export

import (
	"bytes"
	"math/rand"
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"

	"github.com/newsline/timeline/internal/bytediff"
	"github.com/newsline/timeline/timeline"
)

// libraryVEvent is how events.ics built each VEVENT before veventWriter:
// golang-ical's own property list, serialised by the library. It stays as
// the reference veventWriter must match byte for byte.
func (p *site) libraryVEvent(ev timeline.Event, stamp time.Time) []byte {
	start, end, allDay := icsSpan(ev)
	if start.Year() < 1 || end.Year() > 9999 {
		return nil
	}
	v := ics.NewEvent(cleanText(ev.ID) + "@" + p.host())
	v.SetDtStampTime(stamp)
	if allDay {
		v.SetAllDayStartAt(start)
		v.SetAllDayEndAt(end)
	} else {
		// Floating time: the library's SetStartAt/SetEndAt write UTC.
		v.SetProperty(ics.ComponentPropertyDtStart, start.Format("20060102T150405"))
		v.SetProperty(ics.ComponentPropertyDtEnd, end.Format("20060102T150405"))
	}
	v.SetSummary(oneLine(ev.Title))
	v.SetDescription(p.icsDescription(ev))
	if u := p.eventURL(ev); absolute(u) {
		v.SetURL(u)
	}
	v.SetTimeTransparency(ics.TransparencyTransparent)
	var b bytes.Buffer
	cfg := icsConfig
	if err := v.SerializeTo(&b, &cfg); err != nil {
		panic(err)
	}
	return b.Bytes()
}

// newestCited is the DTSTAMP a VEVENT should carry: the latest date of the
// articles its event cites (the first article of each slug), else the epoch.
func newestCited(ev timeline.Event, articles []timeline.Article) time.Time {
	var stamp time.Time
	for _, m := range ev.Mentions {
		for _, a := range articles {
			if a.Slug == m.Article {
				if d := a.Meta.Date.UTC(); d.After(stamp) {
					stamp = d
				}
				break
			}
		}
	}
	if stamp.IsZero() {
		return time.Unix(0, 0).UTC()
	}
	return stamp
}

// foldTexts stress the folding rule: runs without spaces, spaces and "<", ">"
// at and around the 74/75-octet marks, multi-byte runes across them, escapes
// that lengthen a line, and text the cleaning leaves alone or changes.
var foldTexts = []string{
	strings.Repeat("x", 200), strings.Repeat("é", 90), strings.Repeat("日本語", 40), strings.Repeat("a ", 80),
	strings.Repeat("<b>", 50), strings.Repeat(">", 76), strings.Repeat(",;\\", 40), strings.Repeat("\U0001F600", 30),
	"<" + strings.Repeat("y", 120), strings.Repeat("z", 73) + " " + strings.Repeat("w", 80), strings.Repeat("z", 74) + "<tag>",
	hostile, "", " ", "plain", "line one\nline two\r\nthree", "\xff\xfe broken", "tab\there",
}

// TestVEventWriterAsTheLibrary: for hostile, random and fold-edge text in
// titles, sentences, sources, IDs and URLs, at every precision, timed and
// all-day, with and without a base URL, veventWriter writes exactly the bytes
// golang-ical's serialisation of the same VEVENT gives.
func TestVEventWriterAsTheLibrary(t *testing.T) {
	r := rand.New(rand.NewSource(11))
	texts := append(append([]string{}, foldTexts...), spliceTexts...)
	randomText := func() string {
		var b strings.Builder
		for k := r.Intn(4); k >= 0; k-- {
			s := texts[r.Intn(len(texts))]
			b.WriteString(s[:r.Intn(len(s)+1)])
		}
		return b.String()
	}
	sites := []Site{relativeSite(), absoluteSite(), {BaseURL: "https://" + strings.Repeat("long-host.", 8) + "example/" + strings.Repeat("sub/", 20)}}
	var vw veventWriter
	checked := 0
	for n := 0; n < 3000; n++ {
		tl := randomTimeline(r, 3)
		for i := range tl.Articles {
			tl.Articles[i].Meta.Title = randomText()
			tl.Articles[i].Slug = strings.ReplaceAll(randomText(), "/", "")
		}
		ev := randomEvent(r, randomText(), tl.Articles)
		ev.Title = randomText()
		for i := range ev.Mentions {
			ev.Mentions[i].Text = randomText()
		}
		tl.Events = []timeline.Event{ev}
		p, err := prepare(sites[n%len(sites)], tl)
		if err != nil {
			t.Fatal(err)
		}
		want := p.libraryVEvent(ev, newestCited(ev, tl.Articles))
		got := vw.vevent(p, 0, &tl.Events[0])
		if !bytes.Equal(got, want) {
			t.Fatalf("event %q: VEVENT differs from the library's:\n%s", ev.ID, bytediff.First(got, want))
		}
		if want != nil {
			checked++
		}
	}
	if checked < 1000 {
		t.Errorf("only %d of 3000 random events had a VEVENT", checked)
	}
}

// TestFoldPointAsTheLibrary: foldPoint agrees with golang-ical's folding on
// every prefix of the fold-edge texts (through a one-property serialisation).
func TestFoldPointAsTheLibrary(t *testing.T) {
	var vw veventWriter
	for _, text := range foldTexts {
		for cut := 0; cut <= len(text); cut++ {
			value := "X" + text[:cut]
			prop := ics.IANAProperty{BaseProperty: ics.BaseProperty{IANAToken: "X-T", Value: value}}
			var want bytes.Buffer
			cfg := icsConfig
			if err := prop.SerializeTo(&want, &cfg); err != nil {
				t.Fatal(err)
			}
			vw.out = vw.out[:0]
			vw.text("X-T", value)
			if !bytes.Equal(vw.out, want.Bytes()) {
				t.Fatalf("%q: folded differently:\n%s", value, bytediff.First(vw.out, want.Bytes()))
			}
		}
	}
}

// icsDescription is how the VEVENT's description was built before
// veventWriter.description: the date as the site shows it, the first sentence, the
// sources and the event page; the library escapes and folds it.
func (p *site) icsDescription(ev timeline.Event) string {
	lines := []string{displayEvent(ev)}
	if sentence := firstSentence(ev); sentence != "" {
		lines = append(lines, oneLine(sentence))
	}
	for _, src := range p.sources(-1, ev) {
		line := "Source: " + oneLine(src.Title)
		if src.URL != "" && absolute(src.URL) {
			line += " <" + src.URL + ">"
		}
		lines = append(lines, line)
	}
	return strings.Join(lines, "\n")
}
