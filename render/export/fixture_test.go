package export

import (
	"net/url"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/newsline/timeline/timeline"
)

// hostile is a title that tries every escaping rule at once: markup, quotes,
// commas and semicolons (CSV, iCalendar), a newline, a CR and a NUL.
const hostile = "</script><script>alert(\"x\")</script>, 'q'; a\\b\r\nnext\x00line & more"

func mustDate(t *testing.T, value string) timeline.Date {
	t.Helper()
	d, err := timeline.ParseDate(value)
	if err != nil {
		t.Fatalf("ParseDate(%q): %v", value, err)
	}
	return d
}

func datePtr(t *testing.T, value string) *timeline.Date {
	d := mustDate(t, value)
	return &d
}

func day(s string) time.Time {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return t
}

// fixture is a small timeline with one event of every precision, two articles
// and hostile text in titles and sentences.
func fixture(t *testing.T) timeline.Timeline {
	t.Helper()
	older := timeline.Article{Path: "content/older.md", Slug: "older", Meta: timeline.Meta{
		Title: "Older <b>report</b>", Date: day("2024-06-14"), Author: "A. Writer", Publisher: "The Paper",
		Source: "https://news.example/older?a=1&b=2", Tags: []string{"Armenia", "CSTO"}}}
	newer := timeline.Article{Path: "content/newer.md", Slug: "newer", Meta: timeline.Meta{
		Title: "=HYPERLINK(\"http://evil\")", Date: day("2024-06-20")}}
	mention := func(a timeline.Article, text string) timeline.Mention {
		return timeline.Mention{Article: a.Slug, Source: a.Path, Text: text}
	}
	events := []timeline.Event{
		{ID: "y2020", Title: "A year event", Start: mustDate(t, "2020"), Mentions: []timeline.Mention{mention(older, "In 2020, something happened.")}},
		{ID: "r1820", Title: "A range, with a comma", Start: mustDate(t, "2018"), End: datePtr(t, "2020"), Mentions: []timeline.Mention{mention(older, "Between 2018 and 2020 it went on.")}},
		{ID: "m2309", Title: "A month event", Start: mustDate(t, "2023-09"), Mentions: []timeline.Mention{mention(newer, "In September 2023 it began.")}},
		{ID: "d0612", Title: hostile, Start: mustDate(t, "2024-06-12"), Mentions: []timeline.Mention{mention(older, "On 12 June <img src=x onerror=alert(1)> it happened."), mention(newer, "Also told here.")}},
		{ID: "multi", Title: "-2+3 multi-day", Start: mustDate(t, "2024-06-10"), End: datePtr(t, "2024-06-14"), Mentions: []timeline.Mention{mention(newer, "From 10 to 14 June.")}},
		{ID: "w24", Title: "@week event", Start: mustDate(t, "2024-W24"), Mentions: []timeline.Mention{mention(newer, "That week.")}},
		{ID: "q3", Title: "+quarter event", Start: mustDate(t, "2012-Q3"), Mentions: []timeline.Mention{mention(older, "In the third quarter of 2012.")}},
		{ID: "su19", Title: "Summer event", Start: mustDate(t, "2019-SU"), Mentions: []timeline.Mention{mention(older, "In summer 2019.")}},
		{ID: "dec90", Title: "Decade event", Start: mustDate(t, "199"), Mentions: []timeline.Mention{mention(older, "In the 1990s.")}},
		{ID: "t1430", Title: "A timed event", Start: mustDate(t, "2024-06-12T14:30"), Mentions: []timeline.Mention{mention(newer, "At 14:30 on 12 June.")}},
		{ID: "morn", Title: "A morning event", Start: mustDate(t, "2024-06-13TMO"), Mentions: []timeline.Mention{mention(newer, "On the morning of 13 June.")}},
		{ID: "manual", Title: "Added by an editor", Start: mustDate(t, "2021-03-04"), Manual: true},
	}
	events[3].Entities = []timeline.Entity{{Name: "Yerevan", Kind: timeline.Place}, {Name: "Nikol <Pashinyan>", Kind: timeline.Person}}
	return timeline.Timeline{Events: events, Articles: []timeline.Article{older, newer}}
}

func relativeSite() Site {
	return Site{Title: "Armenia & the CSTO", Description: "Events <in> order"}
}

func absoluteSite() Site {
	return Site{
		Title:   "Armenia & the CSTO",
		BaseURL: "https://school.example/history/armenia",
		EventURL: func(ev timeline.Event) string {
			return "events/" + ev.ID + "/"
		},
		Updated: day("2024-06-20"),
	}
}

// eventByID finds an event in the fixture, failing the test when it is missing.
func eventByID(t *testing.T, tl timeline.Timeline, id string) timeline.Event {
	t.Helper()
	for _, ev := range tl.Events {
		if ev.ID == id {
			return ev
		}
	}
	t.Fatalf("fixture has no event %q", id)
	return timeline.Event{}
}

// TestResolvePlainPathsAsURLDoes: the shortcut for plain paths gives what
// url.ResolveReference gives, under bases with a sub-path, spaces and non-ASCII.
func TestResolvePlainPathsAsURLDoes(t *testing.T) {
	paths := []string{"events/a1/", "events/a1/index.html", "articles/x_y-z.2/", "a", "events/a~b/", "./a", "../a", "a//b", "/abs", "a/../b", "a b/", "é/", "a?q", "a#f", "a:b"}
	for _, base := range []string{"https://x.example/", "https://x.example/history/armenia/", "http://x.example:8080/a b/é/", "https://user@x.example/%41/"} {
		p, err := prepare(Site{BaseURL: base}, timeline.Timeline{})
		if err != nil {
			t.Fatal(err)
		}
		for _, path := range paths {
			ref, err := url.Parse(path)
			if err != nil {
				continue
			}
			want := p.base.ResolveReference(ref).String()
			if got := p.resolve(path); got != want {
				t.Errorf("base %q, path %q: got %q, want %q", base, path, got, want)
			}
		}
	}
}

// TestCleanShortcutAgrees: cleanText and oneLine return the same with and
// without their shortcut for already clean text.
func TestCleanShortcutAgrees(t *testing.T) {
	parts := []string{"a", " ", "  ", "\n", "\t", "\r", "\x00", "\x7f", "\u0085", "\u00a0", "\u2028", "\u3000", "é", "’", "\xff", "\ufffd", "x y"}
	slowClean := func(s string) string {
		s = strings.ToValidUTF8(s, "\uFFFD")
		s = strings.ReplaceAll(s, "\r\n", "\n")
		s = strings.ReplaceAll(s, "\r", "\n")
		return strings.Map(func(r rune) rune {
			if r == '\n' || r == '\t' {
				return r
			}
			if unicode.IsControl(r) {
				return -1
			}
			return r
		}, s)
	}
	var walk func(prefix string, depth int)
	walk = func(s string, depth int) {
		if got, want := cleanText(s), slowClean(s); got != want {
			t.Errorf("cleanText(%q) = %q, want %q", s, got, want)
		}
		if got, want := oneLine(s), strings.Join(strings.Fields(slowClean(s)), " "); got != want {
			t.Errorf("oneLine(%q) = %q, want %q", s, got, want)
		}
		if depth == 3 {
			return
		}
		for _, p := range parts {
			walk(s+p, depth+1)
		}
	}
	walk("", 0)
}
