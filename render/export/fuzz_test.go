package export

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"regexp"
	"strings"
	"testing"

	ics "github.com/arran4/golang-ical"

	"github.com/newsline/timeline/timeline"
)

// FuzzExportText feeds arbitrary titles and sentences through every export and
// checks each one still parses and gives the text back (as cleaned) or keeps it inert.
func FuzzExportText(f *testing.F) {
	for _, seed := range []string{hostile, "=1+1", "a,b;c\\d", "\r\n\r\n", "é\u2028\x00\xff", "]]><!--", "  lead space",
		`x</a><a href="javascript:x">y`, `</p><p><a href="https://x.example/sub/">`} {
		f.Add(seed, seed)
	}
	f.Fuzz(func(t *testing.T, title, sentence string) {
		start, _ := timeline.ParseDate("2024-06-12")
		a := timeline.Article{Slug: "a", Meta: timeline.Meta{Title: sentence, Date: day("2024-06-14")}}
		ev := timeline.Event{ID: "e1", Title: title, Start: start, Mentions: []timeline.Mention{{Article: "a", Text: sentence}}}
		tl := timeline.Timeline{Events: []timeline.Event{ev}, Articles: []timeline.Article{a}}
		s := Site{Title: title, BaseURL: "https://x.example/sub/"}

		b, err := ICS(tl, s)
		if err != nil {
			t.Fatal(err)
		}
		cal, err := ics.ParseCalendar(bytes.NewReader(b))
		if err != nil || len(cal.Events()) != 1 {
			t.Fatalf("ICS does not parse back: %v\n%q", err, b)
		}
		if got := cal.Events()[0].GetProperty(ics.ComponentPropertySummary).Value; got != oneLine(title) {
			t.Fatalf("SUMMARY %q, want %q", got, oneLine(title))
		}

		b, err = CSV(tl, s)
		if err != nil {
			t.Fatal(err)
		}
		rows, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
		if err != nil || len(rows) != 2 || len(rows[1]) != len(csvHeader) {
			t.Fatalf("CSV does not parse back: %v %q", err, rows)
		}
		if got := rows[1][5]; got != oneLine(title) && got != "'"+oneLine(title) {
			t.Fatalf("CSV title %q, want %q", got, oneLine(title))
		}

		b, err = Atom(tl, s)
		if err != nil {
			t.Fatal(err)
		}
		var feed atomOut
		if err := xml.Unmarshal(b, &feed); err != nil || len(feed.Entries) != 1 {
			t.Fatalf("Atom does not parse back: %v\n%s", err, b)
		}

		for _, data := range [][]byte{mustBytes(EventJSONLD(ev, s)), mustBytes(NewsArticleJSONLD(a, s))} {
			if !json.Valid(data) || bytes.ContainsAny(data, "<>") {
				t.Fatalf("JSON invalid or carries raw markup: %s", data)
			}
		}
		// timeline.json writes the HTML of its slides' text with < > as
		// they are: only the tags it makes itself, never one of the text.
		data := mustBytes(TimelineJS(tl, s))
		var doc struct {
			Title  *tljsSlide
			Events []tljsSlide
		}
		if err := json.Unmarshal(data, &doc); err != nil || len(doc.Events) != 1 {
			t.Fatalf("timeline.json does not parse back: %v\n%s", err, data)
		}
		slides := doc.Events
		if doc.Title != nil {
			slides = append(slides, *doc.Title)
		}
		for _, sl := range slides {
			if text := fuzzOwnTags.ReplaceAllString(sl.Text.Text, ""); strings.ContainsAny(sl.Text.Headline+text+sl.DisplayDate+sl.UniqueID, "<>") {
				t.Fatalf("timeline.json carries markup of the text: %s", data)
			}
			if err := tagsNest(fuzzOwnTags.FindAllString(sl.Text.Text, -1)); err != nil {
				t.Fatalf("timeline.json slide text: %v: %s", err, data)
			}
		}
	})
}

// fuzzOwnTags are the tags tljsBody writes for FuzzExportText's site: <p>,
// </p>, </a> and links to its one event's page and its one article's page
// (or the site's root), so a link of the text (a javascript: one, say) is
// not one of them.
var fuzzOwnTags = regexp.MustCompile(`</?p>|</a>|<a href="` + regexp.QuoteMeta("https://x.example/sub/") +
	`(?:` + regexp.QuoteMeta("events/e1/") + `|` + regexp.QuoteMeta("articles/a/") + `)?">`)

// tagsNest reports an error unless tags are paragraphs side by side, each
// holding links that are not nested: what tljsBody writes, so a text's
// own </p> or </a> closing one of the code's tags early fails too.
func tagsNest(tags []string) error {
	inP, inA := false, false
	for _, tag := range tags {
		switch {
		case tag == "<p>" && !inP:
			inP = true
		case tag == "</p>" && inP && !inA:
			inP = false
		case strings.HasPrefix(tag, "<a ") && inP && !inA:
			inA = true
		case tag == "</a>" && inA:
			inA = false
		default:
			return fmt.Errorf("tag %s out of place in %q", tag, tags)
		}
	}
	if inP || inA {
		return fmt.Errorf("tags left open in %q", tags)
	}
	return nil
}
