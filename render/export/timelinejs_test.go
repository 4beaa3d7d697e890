package export

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

// tljsOut mirrors the parts of the TimelineJS3 format the tests check, with
// date components as raw maps so a component that should be absent is caught.
type tljsOut struct {
	Title *struct {
		Text     map[string]string `json:"text"`
		UniqueID string            `json:"unique_id"`
	} `json:"title"`
	Events []struct {
		StartDate   map[string]int    `json:"start_date"`
		EndDate     map[string]int    `json:"end_date"`
		DisplayDate string            `json:"display_date"`
		Text        map[string]string `json:"text"`
		UniqueID    string            `json:"unique_id"`
	} `json:"events"`
}

func TestTimelineJSDatesCarryOnlyKnownComponents(t *testing.T) {
	tl := fixture(t)
	b, err := TimelineJS(tl, relativeSite())
	if err != nil {
		t.Fatal(err)
	}
	var out tljsOut
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, b)
	}
	if len(out.Events) != len(tl.Events) {
		t.Fatalf("%d events, want %d", len(out.Events), len(tl.Events))
	}
	type want struct {
		start, end map[string]int
		display    string
	}
	cases := map[string]want{
		"ev-y2020":  {start: map[string]int{"year": 2020}},
		"ev-r1820":  {start: map[string]int{"year": 2018}, end: map[string]int{"year": 2020}},
		"ev-m2309":  {start: map[string]int{"year": 2023, "month": 9}},
		"ev-d0612":  {start: map[string]int{"year": 2024, "month": 6, "day": 12}},
		"ev-multi":  {start: map[string]int{"year": 2024, "month": 6, "day": 10}, end: map[string]int{"year": 2024, "month": 6, "day": 14}},
		"ev-w24":    {start: map[string]int{"year": 2024, "month": 6, "day": 10}, end: map[string]int{"year": 2024, "month": 6, "day": 16}, display: "week 24 of 2024"},
		"ev-q3":     {start: map[string]int{"year": 2012, "month": 7}, end: map[string]int{"year": 2012, "month": 9}, display: "third quarter of 2012"},
		"ev-su19":   {start: map[string]int{"year": 2019, "month": 6}, end: map[string]int{"year": 2019, "month": 8}, display: "summer 2019"},
		"ev-dec90":  {start: map[string]int{"year": 1990}, end: map[string]int{"year": 1999}, display: "1990s"},
		"ev-t1430":  {start: map[string]int{"year": 2024, "month": 6, "day": 12, "hour": 14, "minute": 30}},
		"ev-morn":   {start: map[string]int{"year": 2024, "month": 6, "day": 13}, display: "13 June 2024, morning"},
		"ev-manual": {start: map[string]int{"year": 2021, "month": 3, "day": 4}},
	}
	for _, ev := range out.Events {
		w, ok := cases[ev.UniqueID]
		if !ok {
			t.Errorf("unexpected unique_id %q", ev.UniqueID)
			continue
		}
		if !reflect.DeepEqual(ev.StartDate, w.start) {
			t.Errorf("%s start_date = %v, want %v", ev.UniqueID, ev.StartDate, w.start)
		}
		if !reflect.DeepEqual(ev.EndDate, w.end) {
			t.Errorf("%s end_date = %v, want %v", ev.UniqueID, ev.EndDate, w.end)
		}
		if ev.DisplayDate != w.display {
			t.Errorf("%s display_date = %q, want %q", ev.UniqueID, ev.DisplayDate, w.display)
		}
	}
}

func TestTimelineJSOrderAndTitle(t *testing.T) {
	b, err := TimelineJS(fixture(t), relativeSite())
	if err != nil {
		t.Fatal(err)
	}
	var out tljsOut
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, ev := range out.Events {
		ids = append(ids, ev.UniqueID)
	}
	wantOrder := "ev-dec90 ev-q3 ev-r1820 ev-su19 ev-y2020 ev-manual ev-m2309 ev-w24 ev-multi ev-d0612 ev-t1430 ev-morn"
	if got := strings.Join(ids, " "); got != wantOrder {
		t.Errorf("order:\n got %s\nwant %s", got, wantOrder)
	}
	if out.Title == nil || out.Title.Text["headline"] != "Armenia &amp; the CSTO" || out.Title.Text["text"] != "<p>Events &lt;in&gt; order</p>" {
		t.Errorf("title slide = %+v", out.Title)
	}
}

func TestTimelineJSEscapesHTMLFields(t *testing.T) {
	b, err := TimelineJS(fixture(t), relativeSite())
	if err != nil {
		t.Fatal(err)
	}
	var out tljsOut
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	for _, ev := range out.Events {
		if ev.UniqueID != "ev-d0612" {
			continue
		}
		head, text := ev.Text["headline"], ev.Text["text"]
		if strings.Contains(head, "<script") || !strings.Contains(head, "&lt;/script&gt;&lt;script&gt;") {
			t.Errorf("headline not escaped: %q", head)
		}
		if strings.ContainsAny(head, "\r\n\x00") {
			t.Errorf("headline keeps control characters: %q", head)
		}
		if strings.Contains(text, "<img") || !strings.Contains(text, "&lt;img src=x onerror=alert(1)&gt;") {
			t.Errorf("text not escaped: %q", text)
		}
		if !strings.Contains(text, `<a href="articles/older/">Older &lt;b&gt;report&lt;/b&gt;</a>`) ||
			!strings.Contains(text, `<a href="events/d0612/">Event page</a>`) {
			t.Errorf("text lacks source and event links: %q", text)
		}
	}
	// The raw bytes never carry a literal "<script": the source text is
	// HTML-escaped before it is quoted (which leaves < as it is).
	if bytes.Contains(b, []byte("<script")) {
		t.Error("raw JSON contains <script")
	}
}

func TestTimelineJSAbsoluteURLsUnderSubPath(t *testing.T) {
	b, err := TimelineJS(fixture(t), absoluteSite())
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `https://school.example/history/armenia/events/d0612/`) {
		t.Errorf("event URL not resolved under the sub-path:\n%s", b)
	}
	if _, err := TimelineJS(fixture(t), Site{BaseURL: "javascript:alert(1)"}); err == nil {
		t.Error("a javascript: base URL was accepted")
	}
}

func TestTimelineJSUniqueIDsSurviveSlugify(t *testing.T) {
	tl := fixture(t)
	tl.Events = tl.Events[:2]
	tl.Events[0].ID = "A_B"
	tl.Events[1].ID = "a-b"
	b, err := TimelineJS(tl, Site{})
	if err != nil {
		t.Fatal(err)
	}
	var out tljsOut
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	if out.Title != nil {
		t.Error("title slide written without a site title")
	}
	got := []string{out.Events[0].UniqueID, out.Events[1].UniqueID}
	if got[0] == got[1] || got[0] == "" || got[1] == "" {
		t.Errorf("unique_ids collide: %v", got)
	}
	for _, id := range got {
		if tljsSlug(id) != id {
			t.Errorf("unique_id %q would be changed by TimelineJS's slugify", id)
		}
	}
}

func TestTimelineJSDeterministic(t *testing.T) {
	tl := fixture(t)
	a, _ := TimelineJS(tl, absoluteSite())
	// Reverse the input order: the output must not depend on it.
	for i, j := 0, len(tl.Events)-1; i < j; i, j = i+1, j-1 {
		tl.Events[i], tl.Events[j] = tl.Events[j], tl.Events[i]
	}
	b, _ := TimelineJS(tl, absoluteSite())
	if !bytes.Equal(a, b) {
		t.Error("output depends on input order")
	}
}

// TestSlugShortcut: IsSlugID accepts exactly the IDs tljsSlug leaves unchanged.
func TestSlugShortcut(t *testing.T) {
	parts := []string{"a", "z", "0", "9", "-", "--", "A", "_", " ", "é", ".", ""}
	var walk func(s string, depth int)
	walk = func(s string, depth int) {
		if IsSlugID(s) {
			if got := slugify(s); got != s {
				t.Errorf("IsSlugID(%q) but slugify gives %q", s, got)
			}
		} else if s != "" && slugify(s) == s {
			t.Errorf("tljsSlug(%q) is unchanged but IsSlugID says no", s)
		}
		if depth < 4 {
			for _, p := range parts {
				walk(s+p, depth+1)
			}
		}
	}
	walk("", 0)
}
