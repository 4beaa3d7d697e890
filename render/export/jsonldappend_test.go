package export

import (
	"bytes"
	"math/rand"
	"strings"
	"testing"

	"github.com/newsline/timeline/timeline"
)

// hostileLDEvents is the fixture's events (every precision, ranges, a manual
// event, a hostile title) plus events whose every field tries an escaping
// rule: quotes, "</script>", U+2028/U+2029, invalid UTF-8, control
// characters, spaces to collapse, entities of every kind (some nameless),
// an end before its start and an end equal to it.
func hostileLDEvents(t *testing.T) []timeline.Event {
	events := fixture(t).Events
	nasty := []string{
		hostile,
		"\"quoted\" \\ back\\slash",
		"line\u2028sep\u2029para",
		"bad \xff utf8 \xe2\x80 cut",
		"  spaced \t out\n\n  ",
		"</SCRIPT><!-- x --> &amp; <b>",
		"",
	}
	ents := []timeline.Entity{
		{Name: "Yerevan", Kind: timeline.Place}, {Name: "  ", Kind: timeline.Person},
		{Name: "A \"co\" </script>", Kind: timeline.Organisation}, {Name: "\xff\u2028", Kind: timeline.Place},
		{Name: "Someone", Kind: timeline.Person}, {Name: "Other kind", Kind: "misc"},
	}
	for i, s := range nasty {
		ev := timeline.Event{ID: "h" + string(rune('a'+i)), Title: s, Start: mustDate(t, "2024-06-12"),
			Mentions: []timeline.Mention{{Text: "   "}, {Text: s + " told"}}, Entities: ents[:i%len(ents)], Manual: i%2 == 0}
		switch i % 4 {
		case 1:
			ev.End = datePtr(t, "2024-06-12") // the same as the start
		case 2:
			ev.End = datePtr(t, "2023") // before the start
		case 3:
			ev.Start, ev.End = mustDate(t, "2024-W24"), datePtr(t, "2024-Q4")
		}
		events = append(events, ev)
	}
	events = append(events,
		timeline.Event{ID: "ev/with space?", Title: "odd ID", Start: mustDate(t, "2024-SU"), End: datePtr(t, "2025-06-01T10:15")},
		timeline.Event{ID: "mo", Title: "part of day range", Start: mustDate(t, "2024-06-13TMO"), End: datePtr(t, "2024-06-13TEV")},
		timeline.Event{ID: "a:b", Title: "colon ID", Start: mustDate(t, "2024")},
		timeline.Event{ID: "..", Title: "dot-dot ID", Start: mustDate(t, "2024")},
		timeline.Event{ID: "t", Title: "time range", Start: mustDate(t, "2024-06-13T09:00"), End: datePtr(t, "2024-06-14T17:30")})
	return events
}

// TestAppendEventJSONLDAsOld: EventLD.Append writes exactly what EventJSONLD
// returns, after whatever the buffer held, under sites with and without a
// base URL, with an absolute event URL and with the default layout.
func TestAppendEventJSONLDAsOld(t *testing.T) {
	sites := map[string]Site{
		"relative":         relativeSite(),
		"absolute":         absoluteSite(),
		"default":          {Title: "T", BaseURL: "https://x.example/a b/é/"},
		"external":         {BaseURL: "https://x.example/", EventURL: func(ev timeline.Event) string { return "https://other.example/e?id=" + ev.ID + "&x=<y>" }},
		"pattern":          patternSite("https://x.example/a%20b/", "events/{ID}/"),
		"pattern2":         patternSite("https://x.example/", "e/{ID}/{ID}.html"),
		"pattern-relative": patternSite("", "events/{ID}/index.html"),
		"pattern-scheme":   patternSite("", "https://other.example/{ID}"),
	}
	for name, s := range sites {
		w, err := NewEventLD(s)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for _, ev := range hostileLDEvents(t) {
			want, err := EventJSONLD(ev, s)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			got, err := w.Append([]byte("prefix"), &ev)
			if err != nil {
				t.Fatalf("%s: %s: %v", name, ev.ID, err)
			}
			if !bytes.HasPrefix(got, []byte("prefix")) || !bytes.Equal(got[len("prefix"):], want) {
				t.Errorf("%s: event %q:\n got %s\nwant %s", name, ev.ID, got, want)
			}
			if bytes.Contains(got, []byte("<")) || strings.Contains(string(got), "\u2028") {
				t.Errorf("%s: event %q: unsafe inside <script>: %s", name, ev.ID, got)
			}
		}
	}
}

// patternSite is a site whose EventURL keeps the EventURLPattern contract.
func patternSite(base, pattern string) Site {
	return Site{Title: "P", BaseURL: base, EventURLPattern: pattern,
		EventURL: func(ev timeline.Event) string { return strings.ReplaceAll(pattern, "{ID}", ev.ID) }}
}

// TestPlainPathBytesAsPlainPath: the two agree on paths made of the
// characters that decide them.
func TestPlainPathBytesAsPlainPath(t *testing.T) {
	r := rand.New(rand.NewSource(7))
	alphabet := []string{"a", "Z", "0", "_", "-", ".", "..", "~", "/", "//", " ", "%", ":", "é", "?"}
	for n := 0; n < 20000; n++ {
		var b strings.Builder
		for k := r.Intn(8); k > 0; k-- {
			b.WriteString(alphabet[r.Intn(len(alphabet))])
		}
		if p := b.String(); plainPathBytes([]byte(p)) != plainPath(p) {
			t.Fatalf("%q: plainPathBytes %v, plainPath %v", p, plainPathBytes([]byte(p)), plainPath(p))
		}
	}
}

// TestAppendEventJSONLDErrors: an event without a calendar span is an error
// naming it, as in EventJSONLD, and a bad base URL fails NewEventLD.
func TestAppendEventJSONLDErrors(t *testing.T) {
	w, err := NewEventLD(Site{})
	if err != nil {
		t.Fatal(err)
	}
	ev := timeline.Event{ID: "x", Start: timeline.Date{Value: "XXXX"}}
	_, oldErr := EventJSONLD(ev, Site{})
	if _, err := w.Append(nil, &ev); err == nil || oldErr == nil || err.Error() != oldErr.Error() {
		t.Errorf("Append error %v, EventJSONLD error %v", err, oldErr)
	}
	if _, err := NewEventLD(Site{BaseURL: "ftp://x.example/"}); err == nil {
		t.Error("NewEventLD accepted an ftp base URL")
	}
}
