package render

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/newsline/timeline/timeline"
)

// sameSourceTimeline: one event reported by two articles of one publisher
// (and one of another), and an event reported by one of them alone.
func sameSourceTimeline(t *testing.T) timeline.Timeline {
	t.Helper()
	art := func(slug, title, publisher string, day int) timeline.Article {
		text := "The Velmora harbour reopened on 2 May 2024."
		return timeline.Article{Path: "content/" + slug + ".md", Slug: slug, Format: "text", Raw: []byte(text), Body: text, Text: text,
			Meta: timeline.Meta{Title: title, Publisher: publisher, Date: time.Date(2024, 5, day, 0, 0, 0, 0, time.UTC)}}
	}
	arts := []timeline.Article{
		art("gazette-first", "Velmora harbour reopens", "Harbour Gazette", 3),
		art("gazette-later", "A week after the reopening", "Harbour Gazette", 9),
		art("courier", "Ships return to Velmora", "Coastline Courier", 4),
		art("gazette-same-day", "Harbour Gazette live page", "Harbour Gazette", 9),
	}
	m := func(slug string) timeline.Mention {
		return timeline.Mention{Article: slug, Source: "content/" + slug + ".md", Sentence: timeline.Span{Start: 0, End: 43},
			Text: "The Velmora harbour reopened on 2 May 2024."}
	}
	return timeline.Timeline{Articles: arts, Events: []timeline.Event{
		{ID: "reopening", Title: "Velmora harbour reopens", Start: mustDate(t, "2024-05-02"),
			Mentions: []timeline.Mention{m("gazette-first"), m("courier"), m("gazette-later"), m("gazette-first")}},
		{ID: "alone", Title: "Velmora harbour dredged", Start: mustDate(t, "2024-05-05"), Mentions: []timeline.Mention{m("gazette-later")}},
		{ID: "twins", Title: "Velmora ferry resumes", Start: mustDate(t, "2024-05-06"),
			Mentions: []timeline.Mention{m("gazette-later"), m("gazette-same-day")}},
	}}
}

// Two links with one text ("Harbour Gazette, Coastline Courier, Harbour
// Gazette") to two articles tell a reader, or a screen reader's list of
// links, nothing about which is which: a row's source links must differ.
// The publication date tells them apart, else the title; a publisher cited
// once keeps its plain name.
func TestRowSourceLinksTellTheirArticlesApart(t *testing.T) {
	files := build(t, sameSourceTimeline(t), Config{Title: "Velmora"})
	link := regexp.MustCompile(`<a href="[^"]*articles/([a-z-]+)/index.html"[^>]*>([^<]*)</a>`)
	for _, page := range []string{"index.html", "embed/index.html"} {
		rows := map[string]string{}
		for _, li := range regexp.MustCompile(`(?m)^<li class="ev" id="e-([a-z]+)".*</li>$`).FindAllStringSubmatch(files[page], -1) {
			var got []string
			for _, l := range link.FindAllStringSubmatch(li[0], -1) {
				got = append(got, l[1]+"="+l[2])
			}
			rows[li[1]] = strings.Join(got, " | ")
		}
		for id, want := range map[string]string{
			"reopening": "gazette-first=Harbour Gazette (3 May 2024) | courier=Coastline Courier | gazette-later=Harbour Gazette (9 May 2024)",
			"alone":     "gazette-later=Harbour Gazette",
			"twins":     "gazette-later=Harbour Gazette (A week after the reopening) | gazette-same-day=Harbour Gazette (Harbour Gazette live page)",
		} {
			if rows[id] != want {
				t.Errorf("%s: row %s cites\n %s\nwant\n %s", page, id, rows[id], want)
			}
		}
	}
}
