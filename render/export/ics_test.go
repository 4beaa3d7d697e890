package export

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	ics "github.com/arran4/golang-ical"

	"github.com/newsline/timeline/timeline"
)

func parseICS(t *testing.T, b []byte) map[string]*ics.VEvent {
	t.Helper()
	cal, err := ics.ParseCalendar(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("the library cannot parse its own output: %v\n%s", err, b)
	}
	out := map[string]*ics.VEvent{}
	for _, ev := range cal.Events() {
		out[ev.Id()] = ev
	}
	return out
}

func prop(ev *ics.VEvent, p ics.ComponentProperty) (value, valueType string) {
	got := ev.GetProperty(p)
	if got == nil {
		return "", ""
	}
	if v := got.ICalParameters["VALUE"]; len(v) == 1 {
		valueType = v[0]
	}
	return got.Value, valueType
}

func TestICSSpansAtEveryPrecision(t *testing.T) {
	tl := fixture(t)
	b, err := ICS(tl, absoluteSite())
	if err != nil {
		t.Fatal(err)
	}
	events := parseICS(t, b)
	if len(events) != len(tl.Events) {
		t.Fatalf("%d VEVENTs, want %d", len(events), len(tl.Events))
	}
	cases := []struct {
		id, start, end string
		allDay         bool
	}{
		{"y2020", "20200101", "20210101", true},
		{"r1820", "20180101", "20210101", true},
		{"m2309", "20230901", "20231001", true},
		{"d0612", "20240612", "20240613", true},
		{"multi", "20240610", "20240615", true},
		{"w24", "20240610", "20240617", true},
		{"q3", "20120701", "20121001", true},
		{"su19", "20190601", "20190901", true},
		{"dec90", "19900101", "20000101", true},
		// A time of day is the article's wall-clock time: TIMEX3 values
		// carry no zone, so it is floating (RFC 5545 3.3.5, form 1), not
		// UTC, which a calendar would shift by the reader's offset.
		{"t1430", "20240612T143000", "20240612T143100", false},
		{"morn", "20240613T060000", "20240613T120000", false},
		{"manual", "20210304", "20210305", true},
	}
	for _, c := range cases {
		ev := events[c.id+"@school.example"]
		if ev == nil {
			t.Errorf("no VEVENT with UID %s@school.example", c.id)
			continue
		}
		start, startType := prop(ev, ics.ComponentPropertyDtStart)
		end, endType := prop(ev, ics.ComponentPropertyDtEnd)
		if start != c.start || end != c.end {
			t.Errorf("%s: DTSTART..DTEND = %s..%s, want %s..%s", c.id, start, end, c.start, c.end)
		}
		wantType := ""
		if c.allDay {
			wantType = "DATE"
		}
		if startType != wantType || endType != wantType {
			t.Errorf("%s: VALUE types %q/%q, want %q", c.id, startType, endType, wantType)
		}
		// DTSTAMP is the newest cited article's date (older 2024-06-14,
		// newer 2024-06-20), not Site.Updated; the epoch without one.
		wantStamp := map[string]string{"y2020": "20240614T000000Z", "r1820": "20240614T000000Z", "q3": "20240614T000000Z",
			"su19": "20240614T000000Z", "dec90": "20240614T000000Z", "manual": "19700101T000000Z"}[c.id]
		if wantStamp == "" {
			wantStamp = "20240620T000000Z" // d0612 cites both
		}
		if stamp, _ := prop(ev, ics.ComponentPropertyDtstamp); stamp != wantStamp {
			t.Errorf("%s: DTSTAMP %s, want %s", c.id, stamp, wantStamp)
		}
	}
}

func TestICSHostileTextRoundTrips(t *testing.T) {
	tl := fixture(t)
	b, err := ICS(tl, absoluteSite())
	if err != nil {
		t.Fatal(err)
	}
	ev := parseICS(t, b)["d0612@school.example"]
	summary, _ := prop(ev, ics.ComponentPropertySummary)
	if want := oneLine(hostile); summary != want {
		t.Errorf("SUMMARY round trip:\n got %q\nwant %q", summary, want)
	}
	desc, _ := prop(ev, ics.ComponentPropertyDescription)
	for _, want := range []string{"12 June 2024\n", "<img src=x onerror=alert(1)>", "Source: Older <b>report</b> <https://school.example/history/armenia/articles/older/>"} {
		if !strings.Contains(desc, want) {
			t.Errorf("DESCRIPTION lacks %q:\n%s", want, desc)
		}
	}
	if u, _ := prop(ev, ics.ComponentPropertyUrl); u != "https://school.example/history/armenia/events/d0612/" {
		t.Errorf("URL = %q", u)
	}
}

func TestICSLinesAreFoldedCRLF(t *testing.T) {
	tl := fixture(t)
	tl.Events[0].Title = strings.Repeat("Ünïcödé ", 40) // long, multi-byte: folding must not split a rune
	b, err := ICS(tl, relativeSite())
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(bytes.ReplaceAll(b, []byte("\r\n"), nil), []byte("\n")) {
		t.Error("a line ends in a bare LF; RFC 5545 wants CRLF")
	}
	for i, line := range strings.Split(strings.TrimSuffix(string(b), "\r\n"), "\r\n") {
		if len(line) > 75 {
			t.Errorf("line %d has %d octets (max 75): %q", i+1, len(line), line)
		}
		if !strings.ContainsRune(line, '\uFFFD') && strings.ToValidUTF8(line, "\uFFFD") != line {
			t.Errorf("line %d splits a UTF-8 sequence: %q", i+1, line)
		}
	}
	events := parseICS(t, b)
	if summary, _ := prop(events["y2020@timeline"], ics.ComponentPropertySummary); summary != strings.TrimSpace(tl.Events[0].Title) {
		t.Errorf("long SUMMARY does not survive folding: %q", summary)
	}
	// Without a base URL there is no absolute URL to give, so no URL property.
	if u, _ := prop(events["y2020@timeline"], ics.ComponentPropertyUrl); u != "" {
		t.Errorf("relative URL written: %q", u)
	}
}

// A calendar has no address to resolve a relative link against: without a
// base URL a source is cited by its title alone, not by a path such as
// <articles/older/index.html> that no calendar can open.
func TestICSDescriptionCitesOnlyAbsoluteLinks(t *testing.T) {
	tl := fixture(t)
	for _, c := range []struct {
		site Site
		uid  string
		want string
	}{
		{relativeSite(), "d0612@timeline", "\nSource: Older <b>report</b>"},
		{absoluteSite(), "d0612@school.example", "\nSource: Older <b>report</b> <https://school.example/history/armenia/articles/older/>"},
	} {
		desc, _ := prop(parseICS(t, mustBytes(ICS(tl, c.site)))[c.uid], ics.ComponentPropertyDescription)
		if !strings.Contains(desc, c.want) {
			t.Errorf("%s: DESCRIPTION lacks %q:\n%s", c.uid, c.want, desc)
		}
		if c.site.BaseURL == "" && strings.Contains(desc, "<articles/") {
			t.Errorf("%s: DESCRIPTION cites a relative link:\n%s", c.uid, desc)
		}
	}
}

func TestICSLeavesOutUnwritableYears(t *testing.T) {
	tl := timeline.Timeline{Events: []timeline.Event{
		{ID: "late", Title: "Year 9999", Start: mustDate(t, "9999")},
		{ID: "zero", Title: "Year 0", Start: mustDate(t, "0000")},
		{ID: "ok", Title: "Fine", Start: mustDate(t, "9999-12-30")},
		{ID: "undated", Title: "No span"},
	}}
	b, err := ICS(tl, Site{})
	if err != nil {
		t.Fatal(err)
	}
	events := parseICS(t, b)
	if len(events) != 1 || events["ok@timeline"] == nil {
		t.Errorf("want only ok@timeline, got %v", keys(events))
	}
	// Year 0 and undated events are left out of the other exports too; year 9999 fits them.
	var tljs tljsOut
	if err := json.Unmarshal(mustBytes(TimelineJS(tl, Site{})), &tljs); err != nil || len(tljs.Events) != 2 {
		t.Errorf("timeline.json keeps %d events (%v), want late and ok", len(tljs.Events), err)
	}
	if feed := parseAtom(t, mustBytes(Atom(tl, Site{}))); len(feed.Entries) != 2 {
		t.Errorf("feed.atom keeps %d entries, want late and ok", len(feed.Entries))
	}
	// DTSTAMP must still be a valid date-time when there is no dated article.
	if stamp, _ := prop(events["ok@timeline"], ics.ComponentPropertyDtstamp); stamp != "19700101T000000Z" {
		t.Errorf("DTSTAMP = %q", stamp)
	}
}

func TestICSRangeMixingTimeAndDayIsAllDay(t *testing.T) {
	tl := timeline.Timeline{Events: []timeline.Event{
		{ID: "mix", Title: "Mixed", Start: mustDate(t, "2024-06-12T22"), End: datePtr(t, "2024-06-14")},
	}}
	b, err := ICS(tl, Site{})
	if err != nil {
		t.Fatal(err)
	}
	ev := parseICS(t, b)["mix@timeline"]
	start, st := prop(ev, ics.ComponentPropertyDtStart)
	end, et := prop(ev, ics.ComponentPropertyDtEnd)
	if start != "20240612" || end != "20240615" || st != "DATE" || et != "DATE" {
		t.Errorf("got %s(%s)..%s(%s), want 20240612..20240615 all-day", start, st, end, et)
	}
}

func keys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
