package e2e

import (
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/spf13/afero"

	"github.com/newsline/timeline/render"
	"github.com/newsline/timeline/timeline"
)

// A large timeline is paginated by year (render/paginate.go). The site below
// is rendered straight from a made-up timeline: 1,300 events, 1,100 of them
// in 2024 (split into month pages), 50 in each of four earlier years.
var (
	pagedOnce sync.Once
	pagedOut  string
	pagedTL   timeline.Timeline
	pagedErr  error
)

func pagedSite(t testing.TB) (string, timeline.Timeline) {
	t.Helper()
	pagedOnce.Do(func() {
		pagedTL = largeTimeline()
		pagedOut = filepath.Join(t.TempDir(), "public")
		pagedErr = render.Site(afero.NewOsFs(), pagedOut, pagedTL, render.Config{Title: "A crowded year"})
	})
	if pagedErr != nil {
		t.Fatalf("rendering the paginated site: %v", pagedErr)
	}
	return pagedOut, pagedTL
}

func largeTimeline() timeline.Timeline {
	var tl timeline.Timeline
	for a := 0; a < 26; a++ {
		text := fmt.Sprintf("Report number %d.", a)
		tl.Articles = append(tl.Articles, timeline.Article{Path: fmt.Sprintf("content/r%02d.md", a), Slug: fmt.Sprintf("r%02d", a),
			Format: "text", Raw: []byte(text), Body: text, Text: text,
			Meta: timeline.Meta{Title: fmt.Sprintf("Report %d", a), Publisher: "Example News", Date: time.Date(2024, 12, 1+a, 0, 0, 0, 0, time.UTC)}})
	}
	places := []string{"Yerevan", "Gyumri", "Vanadzor", "Dilijan"}
	for i := 0; i < 1300; i++ {
		value := fmt.Sprintf("2024-%02d-%02d", 1+i%12, 1+i%28)
		if i < 200 {
			value = fmt.Sprint(2020 + i%4)
		}
		start, err := timeline.ParseDate(value)
		if err != nil {
			panic(err)
		}
		a := tl.Articles[i%len(tl.Articles)]
		tl.Events = append(tl.Events, timeline.Event{ID: fmt.Sprintf("p%04d", i), Title: fmt.Sprintf("Event %d in %s", i, places[i%4]),
			Start:    start,
			Mentions: []timeline.Mention{{Article: a.Slug, Text: fmt.Sprintf("The sentence of event %d mentions %s.", i, wordFor(i))}},
			Entities: []timeline.Entity{{Name: places[i%4], Kind: timeline.Place}}})
	}
	sort.SliceStable(tl.Events, func(i, j int) bool {
		if c := tl.Events[i].Start.Compare(tl.Events[j].Start); c != 0 {
			return c < 0
		}
		return tl.Events[i].ID < tl.Events[j].ID
	})
	return tl
}

// wordFor is a letters-only word unique to event i ("zqabc").
func wordFor(i int) string {
	w := []byte("zq")
	for n := i + 1; n > 0; n /= 26 {
		w = append(w, byte('a'+n%26))
	}
	return string(w) + "word"
}

// TestPaginatedSite: the year, month and embed pages of a large timeline pass
// axe-core and the Nu HTML Checker, read without JavaScript, and their
// search finds an event by a word only its sentence has, from the page's shard.
func TestPaginatedSite(t *testing.T) {
	out, tl := pagedSite(t)
	listing := []string{"index.html", "years/2021/index.html", "years/2024/index.html", "years/2024/06/index.html",
		"embed/index.html", "embed/years/2024/06/index.html"}
	files := make([]string, len(listing))
	for i, p := range listing {
		files[i] = filepath.Join(out, p)
	}
	for _, m := range runVNU(t, files) {
		t.Errorf("vnu %s: %s\n    %s", vnuPlace(out, m), m.Message, truncate(m.Extract, 200))
	}

	srv := serveSite(t, out, nil)
	tb := newTab(t, srv.URL, tabOptions{})
	for _, p := range listing {
		t.Run(p, func(t *testing.T) {
			parent := tb.t
			tb.t = t
			defer func() { tb.t = parent }()
			tb.open("/" + p)
			reportAxe(t, p, runAxe(tb))
			tb.checkFitsPhone(p)
		})
	}

	// Search on the June 2024 page: the word of one of its events.
	var june []timeline.Event
	for _, e := range tl.Events {
		if e.Start.Start.Year() == 2024 && e.Start.Start.Month() == time.June {
			june = append(june, e)
		}
	}
	target := june[len(june)/2]
	word := wordFor(mustIndex(t, target.ID))
	tb.open("/years/2024/06/index.html")
	if n := len(evalIn[[]shownEvent](tb, readShownEvents)); n != len(june) {
		t.Errorf("the June 2024 page lists %d events, want %d", n, len(june))
	}
	setField(tb, "f-q", word)
	if !waitFor(tb, `!!window.timelineSearch`, 5*time.Second) {
		t.Fatalf("the search shard did not load after a search")
	}
	time.Sleep(100 * time.Millisecond)
	if got := visibleIDs(evalIn[[]shownEvent](tb, readShownEvents)); strings.Join(got, " ") != target.ID {
		t.Errorf("search %q on the June page shows %v, want [%s]", word, got, target.ID)
	}
	if n := evalIn[int](tb, `Object.keys(window.timelineSearch).length`); n != len(june) {
		t.Errorf("the June page loaded search data of %d events, want its own %d", n, len(june))
	}
	tb.assertClean()

	// Without JavaScript a year page lists its events.
	nojs := newTab(t, srv.URL, tabOptions{noJS: true})
	nojs.open("/years/2021/index.html")
	shown := visibleIDs(evalIn[[]shownEvent](nojs, readShownEvents))
	if len(shown) != 50 {
		t.Errorf("without JavaScript the 2021 page shows %d events, want 50", len(shown))
	}
	nojs.assertClean()
}

func mustIndex(t testing.TB, id string) int {
	var i int
	if _, err := fmt.Sscanf(id, "p%04d", &i); err != nil {
		t.Fatalf("event ID %q: %v", id, err)
	}
	return i
}
