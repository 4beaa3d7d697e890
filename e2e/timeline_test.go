package e2e

import (
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/newsline/timeline/timeline"
)

// shownEvent is one event item as the browser lays out the timeline page.
type shownEvent struct {
	ID       string `json:"id"`
	Title    string `json:"title"`
	Datetime string `json:"datetime"`
	Visible  bool   `json:"visible"`
}

// readShownEvents lists the event items of the open timeline page in DOM order.
const readShownEvents = `[...document.querySelectorAll('#events li.ev')].map(li => {
  const t = li.querySelector('time');
  const a = li.querySelector('a.title');
  return {id: li.id.replace(/^e-/, ''), title: a ? a.textContent.trim() : '',
          datetime: t ? t.getAttribute('datetime') : '',
          visible: !!(li.offsetWidth || li.offsetHeight || li.getClientRects().length)};
})`

func visibleIDs(events []shownEvent) []string {
	var ids []string
	for _, e := range events {
		if e.Visible {
			ids = append(ids, e.ID)
		}
	}
	return ids
}

// TestTimelineShowsEveryEventInDateOrder: the timeline page lists every event
// of the timeline, in the order of their dates, titled as the model says.
func TestTimelineShowsEveryEventInDateOrder(t *testing.T) {
	s := seedSite(t)
	srv := serveSite(t, s.Out, nil)
	tb := newTab(t, srv.URL, tabOptions{})
	tb.open("/index.html")
	shown := evalIn[[]shownEvent](tb, readShownEvents)
	events := s.Timeline.Events
	if len(shown) != len(events) {
		t.Fatalf("timeline page shows %d events, the timeline has %d", len(shown), len(events))
	}
	for i, e := range events {
		if i > 0 && events[i-1].Start.Compare(e.Start) > 0 {
			t.Errorf("timeline model out of order: %s (%s) before %s (%s)", events[i-1].ID, events[i-1].Start, e.ID, e.Start)
		}
		got := shown[i]
		if got.ID != e.ID {
			t.Errorf("position %d: page shows event %s, want %s (%s %q)", i, got.ID, e.ID, e.Start, e.Title)
			continue
		}
		if !got.Visible {
			t.Errorf("event %s is not visible", e.ID)
		}
		if got.Title != strings.TrimSpace(e.Title) {
			t.Errorf("event %s titled %q on the page, %q in the timeline", e.ID, got.Title, e.Title)
		}
		if got.Datetime != "" && !strings.HasPrefix(e.Start.Value, got.Datetime) && !strings.HasPrefix(got.Datetime, e.Start.Value) {
			t.Errorf("event %s: <time datetime=%q> disagrees with its date %s", e.ID, got.Datetime, e.Start.Value)
		}
	}
	tb.checkFitsPhone("the timeline page")
	tb.screenshots("timeline")
	tb.assertClean()
}

// TestPermalinkOpensTheRightEvent: each event's own page carries its title,
// date and source sentence, and the timeline anchor #e-ID targets its item.
func TestPermalinkOpensTheRightEvent(t *testing.T) {
	s := seedSite(t)
	srv := serveSite(t, s.Out, nil)
	tb := newTab(t, srv.URL, tabOptions{})
	for _, i := range sampleIndexes(len(s.Timeline.Events), 4) {
		e := s.Timeline.Events[i]
		tb.open("/events/" + e.ID + "/index.html")
		tb.checkFitsPhone("the page of event " + e.ID)
		h1 := evalIn[string](tb, `(document.querySelector('main h1')||{}).textContent||''`)
		if strings.TrimSpace(h1) != strings.TrimSpace(e.Title) {
			t.Errorf("permalink of %s shows %q, want %q", e.ID, h1, e.Title)
		}
		text := evalIn[string](tb, `document.querySelector('main').innerText`)
		for _, m := range e.Mentions {
			if snippet := firstWords(m.Text, 6); snippet != "" && !strings.Contains(normSpace(text), snippet) {
				t.Errorf("permalink of %s lacks its source sentence %q", e.ID, snippet)
			}
		}
		tb.open("/index.html#e-" + e.ID)
		target := evalIn[string](tb, `(document.querySelector(':target')||{}).id||''`)
		if target != "e-"+e.ID {
			t.Errorf("index.html#e-%s targets %q", e.ID, target)
		}
	}
	tb.screenshots("event")
	tb.assertClean()
}

// TestKeyboardNavigation: once Tab has put the focus on an event, j and k
// (and the arrow keys) move it from event to event. Anywhere else the letters
// do nothing (WCAG 2.1.4: a single-character shortcut is active only while
// its component has the focus, so words dictated to speech-input software
// elsewhere on the page do not move it).
func TestKeyboardNavigation(t *testing.T) {
	s := seedSite(t)
	if len(s.Timeline.Events) < 2 {
		t.Skip("the seed timeline has fewer than two events")
	}
	srv := serveSite(t, s.Out, nil)
	tb := newTab(t, srv.URL, tabOptions{})
	tb.open("/index.html")
	focused := func() string {
		return evalIn[string](tb, `(() => { const li = document.activeElement && document.activeElement.closest('li.ev'); return li ? li.id : document.activeElement.tagName; })()`)
	}
	press := func(key string) {
		t.Helper()
		if err := tb.do(chromedp.KeyEvent(key)); err != nil {
			t.Fatal(err)
		}
	}
	ids := s.Timeline.Events

	// Nothing focused (the page itself): j and k are inert.
	for _, k := range []string{"j", "k", "j"} {
		press(k)
		if got := focused(); got != "BODY" {
			t.Fatalf("after %q with nothing focused the focus is on %q: the shortcut works outside the timeline", k, got)
		}
	}
	if n := evalIn[int](tb, `document.querySelectorAll('li.ev.current').length`); n != 0 {
		t.Errorf("%d events marked current by j/k pressed outside the timeline", n)
	}
	// Typing j into the search field stays in the field.
	evalIn[any](tb, `(() => { document.getElementById('f-q').focus(); return null; })()`)
	press("j")
	if got := focused(); got != "INPUT" {
		t.Errorf("j typed in the search field moved the focus to %q", got)
	}
	setField(tb, "f-q", "")

	// Tab from the top of the page reaches the first event's link.
	if err := tb.do(chromedp.Navigate(srv.URL + "/index.html")); err != nil {
		t.Fatal(err)
	}
	tabs := 0
	for ; tabs < 60 && !strings.HasPrefix(focused(), "e-"); tabs++ {
		press("\t")
	}
	if got := focused(); got != "e-"+ids[0].ID {
		t.Fatalf("after %d Tabs the focus is on %q, want the first event e-%s", tabs, got, ids[0].ID)
	}
	t.Logf("the first event is %d Tab stops from the top", tabs)
	steps := []struct {
		key  string
		want string
	}{{"j", ids[1].ID}, {"k", ids[0].ID}, {"k", ids[0].ID}, {kb.ArrowDown, ids[1].ID}, {kb.ArrowUp, ids[0].ID}}
	for _, st := range steps {
		press(st.key)
		if got := focused(); got != "e-"+st.want {
			t.Errorf("after %q the focus is on %q, want e-%s", st.key, got, st.want)
		}
	}
	// The first Tab stop is the skip link.
	if err := tb.do(chromedp.Navigate(srv.URL+"/index.html"), chromedp.KeyEvent("\t")); err != nil {
		t.Fatal(err)
	}
	first := evalIn[string](tb, `document.activeElement.textContent.trim()`)
	if !strings.Contains(strings.ToLower(first), "skip") {
		t.Errorf("first Tab stop is %q, want the skip link", first)
	}
	tb.assertClean()
}

// TestFiltersAndSearch: the year, entity and text filters show exactly the
// events that match, as computed from the timeline model.
func TestFiltersAndSearch(t *testing.T) {
	s := seedSite(t)
	srv := serveSite(t, s.Out, nil)
	tb := newTab(t, srv.URL, tabOptions{})
	tb.open("/index.html")
	if hidden := evalIn[bool](tb, `document.getElementById('filters').hidden`); hidden {
		t.Fatalf("the filter form stays hidden with JavaScript on")
	}
	events := s.Timeline.Events

	// Year filter: from the median event's year.
	year := events[len(events)/2].Start.Start.Year()
	want := filterIDs(events, func(e timeline.Event) bool { return e.Start.Start.Year() >= year })
	setField(tb, "f-from", fmt.Sprint(year))
	checkShown(t, tb, fmt.Sprintf("from %d", year), want)
	t.Logf("year filter from %d: %d of %d events", year, len(want), len(events))
	setField(tb, "f-from", "")

	// Entity filter: the entity named by the fewest events.
	if name, kind, ok := rarestEntity(events); ok {
		field := map[timeline.EntityKind]string{timeline.Person: "f-person", timeline.Place: "f-place", timeline.Organisation: "f-org"}[kind]
		want := filterIDs(events, func(e timeline.Event) bool { return hasEntity(e, name, kind) })
		setField(tb, field, name)
		checkShown(t, tb, fmt.Sprintf("%s = %s", kind, name), want)
		t.Logf("%s filter %q: %d of %d events", kind, name, len(want), len(events))
		setField(tb, field, "")
	} else {
		t.Logf("no entity in the seed timeline: entity filters not exercised")
	}

	// Search: a word from the source sentences of one event only.
	if word, id, ok := distinctiveWord(events); ok {
		setField(tb, "f-q", word)
		// search.js loads on the first search; the list is filtered again then.
		if !waitFor(tb, `!!window.timelineSearch`, 5*time.Second) {
			t.Errorf("search.js did not load after a search")
		}
		time.Sleep(100 * time.Millisecond)
		shown := visibleIDs(evalIn[[]shownEvent](tb, readShownEvents))
		if !contains(shown, id) {
			t.Errorf("search %q hides event %s, whose sentence has it", word, id)
		}
		for _, got := range shown {
			if e := eventByID(events, got); e != nil && !strings.Contains(strings.ToLower(eventText(*e)), word) {
				t.Errorf("search %q shows event %s, which lacks the word", word, got)
			}
		}
		t.Logf("search %q: event %s among %d shown", word, id, len(shown))
		status := evalIn[string](tb, `document.getElementById('status').textContent`)
		if !strings.Contains(status, fmt.Sprint(len(shown))) {
			t.Errorf("status %q does not announce %d shown events", status, len(shown))
		}
	} else {
		t.Logf("no word unique to one event's sentences: search not exercised")
	}
	tb.screenshots("filtered")
	tb.assertClean()
}

// TestReadableWithoutJavaScript: with scripts off every event is on the
// timeline page, visible, and its permalink page shows it.
func TestReadableWithoutJavaScript(t *testing.T) {
	s := seedSite(t)
	srv := serveSite(t, s.Out, nil)
	tb := newTab(t, srv.URL, tabOptions{noJS: true})
	tb.open("/index.html")
	shown := evalIn[[]shownEvent](tb, readShownEvents)
	byID := map[string]shownEvent{}
	for _, e := range shown {
		byID[e.ID] = e
	}
	for _, e := range s.Timeline.Events {
		got, ok := byID[e.ID]
		switch {
		case !ok:
			t.Errorf("without JavaScript event %s (%q) is missing", e.ID, e.Title)
		case !got.Visible:
			t.Errorf("without JavaScript event %s (%q) is not visible", e.ID, e.Title)
		}
	}
	e := s.Timeline.Events[len(s.Timeline.Events)/2]
	tb.open("/events/" + e.ID + "/index.html")
	if h1 := evalIn[string](tb, `document.querySelector('h1').textContent`); strings.TrimSpace(h1) != strings.TrimSpace(e.Title) {
		t.Errorf("without JavaScript the page of %s shows %q", e.ID, h1)
	}
	tb.screenshots("nojs")
	tb.assertClean()
}

// TestEveryPageStaysOnItsOrigin visits every generated page: none may
// request anything outside 127.0.0.1, log an error or open a dialog.
func TestEveryPageStaysOnItsOrigin(t *testing.T) {
	s := seedSite(t)
	srv := serveSite(t, s.Out, nil)
	tb := newTab(t, srv.URL, tabOptions{})
	pages := sitePages(t, s.Out)
	for _, p := range pages {
		tb.open("/" + p)
	}
	tb.mu.Lock()
	t.Logf("%d pages visited, %d requests, all answered by %s", len(pages), len(tb.requests), srv.URL)
	tb.mu.Unlock()
	tb.assertClean()
}

// sampleIndexes picks up to n indexes spread over 0..count-1 (first, last, between).
func sampleIndexes(count, n int) []int {
	if count <= n {
		idx := make([]int, count)
		for i := range idx {
			idx[i] = i
		}
		return idx
	}
	idx := make([]int, 0, n)
	for k := 0; k < n; k++ {
		idx = append(idx, k*(count-1)/(n-1))
	}
	return idx
}

func filterIDs(events []timeline.Event, keep func(timeline.Event) bool) []string {
	var ids []string
	for _, e := range events {
		if keep(e) {
			ids = append(ids, e.ID)
		}
	}
	return ids
}

func hasEntity(e timeline.Event, name string, kind timeline.EntityKind) bool {
	for _, en := range e.Entities {
		if en.Name == name && en.Kind == kind {
			return true
		}
	}
	return false
}

// rarestEntity finds the entity named by the fewest events (ties by name),
// so the filter has something to hide.
func rarestEntity(events []timeline.Event) (string, timeline.EntityKind, bool) {
	type key struct {
		name string
		kind timeline.EntityKind
	}
	count := map[key]int{}
	for _, e := range events {
		for _, en := range e.Entities {
			count[key{en.Name, en.Kind}]++
		}
	}
	var keys []key
	for k := range count {
		keys = append(keys, k)
	}
	if len(keys) == 0 {
		return "", "", false
	}
	sort.Slice(keys, func(i, j int) bool {
		if count[keys[i]] != count[keys[j]] {
			return count[keys[i]] < count[keys[j]]
		}
		return keys[i].kind+"/"+timeline.EntityKind(keys[i].name) < keys[j].kind+"/"+timeline.EntityKind(keys[j].name)
	})
	return keys[0].name, keys[0].kind, true
}

// eventText is everything a search may match for an event: title and sentences.
func eventText(e timeline.Event) string {
	parts := []string{e.Title}
	for _, m := range e.Mentions {
		parts = append(parts, m.Text)
	}
	return strings.Join(parts, " ")
}

// distinctiveWord finds a word of at least 7 letters that appears in the
// sentences of exactly one event and not in its title (so only search.js finds it).
func distinctiveWord(events []timeline.Event) (string, string, bool) {
	owners := map[string]map[string]bool{}
	for _, e := range events {
		for _, w := range strings.FieldsFunc(strings.ToLower(eventText(e)), notLetter) {
			if len(w) >= 7 {
				if owners[w] == nil {
					owners[w] = map[string]bool{}
				}
				owners[w][e.ID] = true
			}
		}
	}
	var words []string
	for w, ids := range owners {
		if len(ids) == 1 {
			words = append(words, w)
		}
	}
	sort.Strings(words)
	for _, w := range words {
		for id := range owners[w] {
			e := eventByID(events, id)
			if !strings.Contains(strings.ToLower(e.Title), w) {
				return w, id, true
			}
		}
	}
	return "", "", false
}

func notLetter(r rune) bool { return !(r >= 'a' && r <= 'z') }

func eventByID(events []timeline.Event, id string) *timeline.Event {
	for i := range events {
		if events[i].ID == id {
			return &events[i]
		}
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// setField sets a form field's value and fires input and change, as typing does.
func setField(tb *tab, id, value string) {
	tb.t.Helper()
	evalIn[any](tb, fmt.Sprintf(`(() => { const f = document.getElementById(%q); f.value = %q;
	  f.dispatchEvent(new Event('input', {bubbles: true})); f.dispatchEvent(new Event('change', {bubbles: true})); return null; })()`, id, value))
	time.Sleep(100 * time.Millisecond)
}

// checkShown compares the visible events with the expected ones.
func checkShown(t *testing.T, tb *tab, what string, want []string) {
	t.Helper()
	got := visibleIDs(evalIn[[]shownEvent](tb, readShownEvents))
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("filter %s shows %d events %v, want %d %v", what, len(got), got, len(want), want)
	}
	// Each year still shown counts the events it shows ("1 of 6 events"),
	// not the unfiltered total beside fewer rows.
	for _, y := range evalIn[[]yearCount](tb, readYearCounts) {
		if !strings.HasPrefix(y.Count, fmt.Sprint(y.Shown)+" ") {
			t.Errorf("filter %s: year %s shows %d events under the count %q", what, y.Year, y.Shown, y.Count)
		}
	}
}

// yearCount is a year section still shown on the timeline: its count's text
// and how many of its events are visible.
type yearCount struct {
	Year, Count string
	Shown       int
}

const readYearCounts = `[...document.querySelectorAll('#events section.year:not([hidden])')].map(sec => ({
  year: sec.id, count: sec.querySelector('.count').textContent,
  shown: [...sec.querySelectorAll('li.ev')].filter(li => li.offsetWidth || li.offsetHeight || li.getClientRects().length).length}))`

func normSpace(s string) string { return strings.Join(strings.Fields(s), " ") }

// firstWords returns the first n words of s, whitespace normalised.
func firstWords(s string, n int) string {
	w := strings.Fields(s)
	if len(w) > n {
		w = w[:n]
	}
	return strings.Join(w, " ")
}
