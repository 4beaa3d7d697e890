package e2e

import (
	"html"
	"math"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/newsline/timeline/timeline"
)

// hostPage is a course page of an educator: the published embed snippet
// pasted as it is, plus a recorder of the messages the frame sends (the
// recorder only watches; any resizing must come from the snippet itself).
const hostPage = `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Course page</title>
<script>window.__heights = []; addEventListener('message', e => { if (e.data && e.data.type === 'timeline-height') window.__heights.push(e.data.height); });</script>
</head><body><h1>Week 3: reading</h1><p>Before the timeline.</p>
SNIPPET
<p>After the timeline.</p></body></html>`

var snippetRE = regexp.MustCompile(`(?s)<textarea[^>]*id="embed-code"[^>]*>(.*?)</textarea>`)

// embedSnippet reads the snippet the timeline page offers, with its frame
// address pointed at the test server's embed page (root-relative: the host
// page is served from the same server).
func embedSnippet(t *testing.T, out string) string {
	t.Helper()
	index, err := os.ReadFile(filepath.Join(out, "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	m := snippetRE.FindSubmatch(index)
	if m == nil {
		t.Fatalf("index.html offers no embed snippet (textarea#embed-code)")
	}
	snippet := html.UnescapeString(string(m[1]))
	src := regexp.MustCompile(`src="[^"]*"`)
	if !src.MatchString(snippet) {
		t.Fatalf("embed snippet has no src: %s", snippet)
	}
	return src.ReplaceAllString(snippet, `src="/embed/index.html"`)
}

// TestEmbedReportsHeightAndHostResizes: inside an iframe on a host page the
// embed reports its height, and the frame takes that height.
func TestEmbedReportsHeightAndHostResizes(t *testing.T) {
	s := seedSite(t)
	snippet := embedSnippet(t, s.Out)
	srv := serveSite(t, s.Out, map[string]string{"host.html": strings.Replace(hostPage, "SNIPPET", snippet, 1)})
	tb := newTab(t, srv.URL, tabOptions{width: 800, height: 900})
	tb.open(testPrefix + "host.html")

	type frameState struct {
		Reported []float64 `json:"reported"`
		Frame    float64   `json:"frame"`
		Content  float64   `json:"content"`
		Title    string    `json:"title"`
		Events   int       `json:"events"`
	}
	read := func() frameState {
		return evalIn[frameState](tb, `(() => { const f = document.querySelector('iframe'); const d = f.contentDocument;
		  return {reported: window.__heights, frame: f.getBoundingClientRect().height,
		          content: d ? d.documentElement.scrollHeight : 0, title: f.title || '',
		          events: d ? d.querySelectorAll('li.ev').length : 0}; })()`)
	}
	var st frameState
	deadline := time.Now().Add(10 * time.Second)
	for {
		st = read()
		settled := len(st.Reported) > 0 && math.Abs(st.Frame-st.Reported[len(st.Reported)-1]) <= 2
		if settled || time.Now().After(deadline) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if st.Title == "" {
		t.Errorf("the embed iframe has no title attribute (WCAG 4.1.2: frames need an accessible name)")
	}
	if st.Events != len(s.Timeline.Events) {
		t.Errorf("the embed shows %d events, the timeline has %d", st.Events, len(s.Timeline.Events))
	}
	if len(st.Reported) == 0 {
		t.Fatalf("the embed never posted a timeline-height message to its host")
	}
	last := st.Reported[len(st.Reported)-1]
	if math.Abs(last-st.Content) > 2 {
		t.Errorf("the embed reported height %.0f, its document is %.0f px tall", last, st.Content)
	}
	if math.Abs(st.Frame-last) > 2 {
		t.Errorf("the host did not resize the frame: iframe is %.0f px tall, the embed reported %.0f px (snippet: %s)", st.Frame, last, snippet)
	}
	tb.screenshots("embed-host")
	tb.assertClean()
}

// foldName is a name as a reader compares it: lower case, words split at
// anything that is not a letter or digit, padded with spaces.
func foldName(s string) string {
	words := strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	return " " + strings.Join(words, " ") + " "
}

// namedBy lists the entities a filter value means, as a reader expects: those
// of exactly that name, else of that name in any case, else those whose
// name holds it as whole words. kind "" is any kind.
func namedBy(events []timeline.Event, value string, kind timeline.EntityKind) map[timeline.Entity]bool {
	var tiers [3]map[timeline.Entity]bool
	for i := range tiers {
		tiers[i] = map[timeline.Entity]bool{}
	}
	want := foldName(value)
	for _, e := range events {
		for _, en := range e.Entities {
			switch f := foldName(en.Name); {
			case kind != "" && en.Kind != kind:
			case en.Name == value:
				tiers[0][en] = true
			case f == want:
				tiers[1][en] = true
			case strings.Contains(f, want):
				tiers[2][en] = true
			}
		}
	}
	for _, t := range tiers {
		if len(t) > 0 {
			return t
		}
	}
	return tiers[2]
}

// TestEmbedFilterFindsNamesAsReadersWriteThem: the embed's ?filter= finds a
// person, place or organisation by its name in any case, or by one of its
// words (filter=pashinyan for Nikol Pashinyan), not by part of a word; the
// timeline page's entity selects take a typed name from a shared address
// the same way.
func TestEmbedFilterFindsNamesAsReadersWriteThem(t *testing.T) {
	s := seedSite(t)
	events := s.Timeline.Events
	var names []timeline.Entity // every entity, sorted, once
	seen := map[timeline.Entity]bool{}
	for _, e := range events {
		for _, en := range e.Entities {
			if !seen[en] {
				seen[en] = true
				names = append(names, en)
			}
		}
	}
	sort.Slice(names, func(i, j int) bool { return names[i].Name < names[j].Name })
	// A word of a longer name that is no entity's whole name, and a
	// one-word name written in another case.
	var word, single string
	var wordKind timeline.EntityKind
	for _, en := range names {
		ws := strings.Fields(foldName(en.Name))
		last := ws[len(ws)-1]
		// (namedBy finds en by its last word only if no entity is named so.)
		if word == "" && len(ws) > 1 && len(last) >= 5 && namedBy(events, last, "")[en] {
			word, wordKind = last, en.Kind
		}
		if single == "" && len(ws) == 1 && strings.ToLower(en.Name) != en.Name {
			single = strings.ToLower(en.Name)
		}
	}
	if word == "" || single == "" {
		t.Skipf("the seed timeline names no entity of two words or of one (word %q, single %q)", word, single)
	}
	// A one-word name that is also a word of a longer name (Moscow, Moscow
	// Times): the whole name wins.
	var shared string
	for _, en := range names {
		f := foldName(en.Name)
		for _, other := range names {
			if shared == "" && other != en && len(strings.Fields(f)) == 1 && strings.Contains(foldName(other.Name), f) {
				shared = strings.ToLower(en.Name)
			}
		}
	}
	shows := func(value string, kind timeline.EntityKind) []string {
		ents := namedBy(events, value, kind)
		return filterIDs(events, func(e timeline.Event) bool {
			for _, en := range e.Entities {
				if ents[en] {
					return true
				}
			}
			return false
		})
	}
	srv := serveSite(t, s.Out, nil)
	tb := newTab(t, srv.URL, tabOptions{})
	cases := []struct{ value, why string }{
		{word, "a word of a name"},
		{strings.ToUpper(word[:1]) + word[1:], "a word of a name, capitalised"},
		{single, "a name in lower case"},
		{word[:len(word)-2], "part of a word"},
		{strings.ToUpper(names[0].Name), "a whole name in capitals"},
	}
	if shared != "" {
		cases = append(cases, struct{ value, why string }{shared, "a whole name, also a word of another"})
	}
	for _, c := range cases {
		want := shows(c.value, "")
		if c.why != "part of a word" && (len(want) == 0 || len(want) == len(events)) {
			t.Fatalf("filter=%s (%s) would show %d of %d events: nothing to check", c.value, c.why, len(want), len(events))
		}
		tb.open("/embed/index.html?filter=" + url.QueryEscape(c.value))
		got := visibleIDs(evalIn[[]shownEvent](tb, readShownEvents))
		if strings.Join(got, " ") != strings.Join(want, " ") {
			t.Errorf("embed filter=%s (%s) shows %d events %v, want %d %v", c.value, c.why, len(got), got, len(want), want)
		} else {
			t.Logf("embed filter=%s (%s): %d of %d events", c.value, c.why, len(got), len(events))
		}
	}

	// A shared address of the timeline page with a typed name selects it.
	field := map[timeline.EntityKind]string{timeline.Person: "person", timeline.Place: "place", timeline.Organisation: "org"}[wordKind]
	tb.open("/index.html#" + field + "=" + url.QueryEscape(word))
	want := shows(word, wordKind)
	if got := visibleIDs(evalIn[[]shownEvent](tb, readShownEvents)); strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("#%s=%s shows %d events %v, want %d %v", field, word, len(got), got, len(want), want)
	}
	if ents := namedBy(events, word, wordKind); len(ents) == 1 {
		var name string
		for en := range ents {
			name = en.Name
		}
		if got := evalIn[string](tb, `document.getElementById('f-`+field+`').value`); got != name {
			t.Errorf("#%s=%s selects %q, want %q", field, word, got, name)
		}
	}
	tb.assertClean()
}
