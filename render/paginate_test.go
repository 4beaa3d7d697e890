package render

import (
	"bytes"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/newsline/timeline/timeline"
)

// smallPages lowers the pagination thresholds for one test, so a timeline of
// a few hundred events has year pages, a year split by month and a short
// list of latest events.
func smallPages(t *testing.T, above, latest int) {
	t.Helper()
	oldAbove, oldLatest := paginateAbove, latestCount
	paginateAbove, latestCount = above, latest
	t.Cleanup(func() { paginateAbove, latestCount = oldAbove, oldLatest })
}

// crowded is a timeline whose events crowd one year (2024, at day, month and
// year precision) while four earlier years have a few each, plus undated events.
func crowded(t testing.TB, n int) timeline.Timeline {
	t.Helper()
	var tl timeline.Timeline
	for a := 0; a < n/10; a++ {
		text := fmt.Sprintf("Report %d. Something happened.", a)
		tl.Articles = append(tl.Articles, timeline.Article{Path: fmt.Sprintf("content/r%03d.md", a), Slug: fmt.Sprintf("r%03d", a),
			Format: "text", Raw: []byte(text), Body: text, Text: text,
			Meta: timeline.Meta{Title: fmt.Sprintf("Report %d", a), Date: time.Date(2024, 12, 1+a%28, 0, 0, 0, 0, time.UTC)}})
	}
	for i := 0; i < n; i++ {
		a := &tl.Articles[(i/10)%len(tl.Articles)]
		value := fmt.Sprintf("%d", 1990+(i/2)%4)
		if i%2 == 0 {
			switch i % 3 {
			case 0:
				value = fmt.Sprintf("2024-%02d-%02d", 1+(i/6)%12, 1+i%28)
			case 1:
				value = fmt.Sprintf("2024-%02d", 1+(i/5)%12)
			default:
				value = "2024"
			}
		}
		ev := timeline.Event{ID: fmt.Sprintf("c%04d", i), Title: fmt.Sprintf("Crowded event %d", i), Start: mustDate(t, value),
			Mentions: []timeline.Mention{{Article: a.Slug, Source: a.Path, Text: fmt.Sprintf("Sentence of event %d with word%d.", i, i)}},
			Entities: []timeline.Entity{{Name: fmt.Sprintf("Person %d", i%7), Kind: timeline.Person}}}
		if i%50 == 7 {
			ev.Start = timeline.Date{}
		}
		tl.Events = append(tl.Events, ev)
	}
	sortEvents(tl.Events)
	return tl
}

var rowID = regexp.MustCompile(`<li class="ev" id="e-([^"]+)"`)

func rowIDs(page string) []string {
	var ids []string
	for _, m := range rowID.FindAllStringSubmatch(page, -1) {
		ids = append(ids, m[1])
	}
	return ids
}

// TestLargeTimelineIsPaginated: every event is listed on exactly one year or
// month page (and its embed counterpart), whose search shard holds exactly
// those events; the timeline page lists the latest dated events and links to
// every year; links resolve, headings and landmarks hold, builds repeat.
func TestLargeTimelineIsPaginated(t *testing.T) {
	smallPages(t, 40, 15)
	tl := crowded(t, 200)
	base := "https://school.example/history/"
	files := build(t, tl, Config{Title: "Crowded", BaseURL: base})
	for _, p := range []string{"years/1990/index.html", "years/2024/index.html", "years/2024/06/index.html",
		"years/undated/index.html", "embed/years/2024/06/index.html", "search/latest.js", "search/2024-06.js"} {
		if _, ok := files[p]; !ok {
			t.Errorf("%s not written", p)
		}
	}
	if _, ok := files["search.js"]; ok {
		t.Errorf("a paginated site still writes the whole search.js")
	}
	listedOn := map[string]string{}
	for p, page := range files {
		if !strings.HasPrefix(p, "years/") {
			continue
		}
		ids := rowIDs(page)
		if embedIDs := rowIDs(files["embed/"+p]); strings.Join(embedIDs, " ") != strings.Join(ids, " ") {
			t.Errorf("embed/%s lists %v, %s lists %v", p, embedIDs, p, ids)
		}
		if len(ids) > 0 {
			slug := strings.ReplaceAll(strings.TrimSuffix(strings.TrimPrefix(p, "years/"), "/index.html"), "/", "-")
			shard := files["search/"+slug+".js"]
			if n := strings.Count(shard, `":"`); n != len(ids) {
				t.Errorf("search/%s.js holds %d events, %s lists %d", slug, n, p, len(ids))
			}
			if !strings.Contains(page, `data-search="search/`+slug+`.js"`) {
				t.Errorf("%s does not name its search shard", p)
			}
		}
		for _, id := range ids {
			if prev, dup := listedOn[id]; dup {
				t.Errorf("event %s listed on %s and %s", id, prev, p)
			}
			listedOn[id] = p
			if !strings.Contains(files["events/"+id+"/index.html"], `href="../../`+p+`#e-`+id+`"`) {
				t.Errorf("events/%s does not link back to %s", id, p)
			}
		}
	}
	for _, ev := range tl.Events {
		p := listedOn[ev.ID]
		switch {
		case p == "":
			t.Errorf("event %s (%s) is on no year page", ev.ID, ev.Start.Value)
		case ev.Start.IsZero():
			if p != "years/undated/index.html" {
				t.Errorf("undated event %s on %s", ev.ID, p)
			}
		case ev.Start.Start.Year() == 2024 && ev.Start.Gran >= timeline.GranMonth:
			if want := fmt.Sprintf("years/2024/%02d/index.html", ev.Start.Start.Month()); p != want {
				t.Errorf("event %s (%s) on %s, want %s", ev.ID, ev.Start.Value, p, want)
			}
		case !strings.HasPrefix(p, fmt.Sprintf("years/%d/index.html", ev.Start.Start.Year())):
			t.Errorf("event %s (%s) on %s", ev.ID, ev.Start.Value, p)
		}
	}
	var latest []string
	for i := len(tl.Events) - 1; i >= 0 && len(latest) < latestCount; i-- {
		if !tl.Events[i].Start.IsZero() {
			latest = append([]string{tl.Events[i].ID}, latest...)
		}
	}
	for _, p := range []string{"index.html", "embed/index.html"} {
		if got := rowIDs(files[p]); strings.Join(got, " ") != strings.Join(latest, " ") {
			t.Errorf("%s lists %v, want the latest %v", p, got, latest)
		}
	}
	for _, y := range []string{"1990", "1993", "2024", "undated"} {
		if !strings.Contains(files["index.html"], `href="years/`+y+`/index.html"`) {
			t.Errorf("index.html does not link to the %s page", y)
		}
	}
	if !strings.Contains(files["years/2024/index.html"], `href="../../years/2024/06/index.html"`) {
		t.Errorf("the split year does not list its months")
	}
	checkLinks(t, files, base)
	checkAccessibility(t, files, "en")
	again := build(t, tl, Config{Title: "Crowded", BaseURL: base})
	for p := range files {
		if again[p] != files[p] {
			t.Errorf("%s differs between two builds", p)
		}
	}
}

// TestPaginatedKeysAreLocal: a new article with one event in 1991 changes
// the Keys of the 1991 pages and shard, the timeline and embed pages, the
// new event's page and its neighbours, the new article's page and the
// exports; every other year page, month page and shard keeps its Key, and a
// page whose Key is kept keeps its bytes.
func TestPaginatedKeysAreLocal(t *testing.T) {
	smallPages(t, 40, 15)
	cfg := Config{Title: "Crowded"}
	tl := crowded(t, 200)
	before, err := Plan(tl, cfg)
	if err != nil {
		t.Fatal(err)
	}
	// New slices: the first plan's pages still read the old ones.
	tl.Articles, tl.Events = slices.Clone(tl.Articles), slices.Clone(tl.Events)
	text := "A new report. Something happened in 1991."
	tl.Articles = append(tl.Articles, timeline.Article{Path: "content/new.md", Slug: "new", Format: "text",
		Raw: []byte(text), Body: text, Text: text, Meta: timeline.Meta{Title: "New", Date: time.Date(2024, 12, 30, 0, 0, 0, 0, time.UTC)}})
	tl.Events = append(tl.Events, timeline.Event{ID: "new-1991", Title: "A new event", Start: mustDate(t, "1991"),
		Mentions: []timeline.Mention{{Article: "new", Text: "Something happened in 1991."}}})
	sortEvents(tl.Events)
	after, err := Plan(tl, cfg)
	if err != nil {
		t.Fatal(err)
	}
	keys := map[string]Page{}
	for _, p := range before {
		keys[p.Path] = p
	}
	var changed []string
	for _, p := range after {
		old, ok := keys[p.Path]
		if !ok || old.Key != p.Key {
			changed = append(changed, p.Path)
			continue
		}
		var x, y bytes.Buffer
		if err := old.Render(&x); err != nil {
			t.Fatal(err)
		}
		if err := p.Render(&y); err != nil {
			t.Fatal(err)
		}
		if x.String() != y.String() {
			t.Errorf("%s: same Key but different bytes", p.Path)
		}
	}
	sort.Strings(changed)
	var listings []string
	for _, p := range changed {
		if strings.HasPrefix(p, "years/") || strings.HasPrefix(p, "embed/") || strings.HasPrefix(p, "search") || p == "index.html" {
			listings = append(listings, p)
		}
	}
	want := []string{"embed/index.html", "embed/years/1991/index.html", "index.html", "search/1991.js", "years/1991/index.html"}
	if strings.Join(listings, " ") != strings.Join(want, " ") {
		t.Errorf("listing pages with new Keys: %v, want %v", listings, want)
	}
	if len(changed) > len(want)+12 {
		t.Errorf("%d of %d pages changed Key: %v", len(changed), len(after), changed)
	}
}
