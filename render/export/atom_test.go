package export

import (
	"bytes"
	"encoding/xml"
	"html"
	"math/rand"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/newsline/timeline/timeline"
)

type atomOut struct {
	XMLName xml.Name `xml:"http://www.w3.org/2005/Atom feed"`
	Title   string   `xml:"title"`
	ID      string   `xml:"id"`
	Updated string   `xml:"updated"`
	Author  struct {
		Name string `xml:"name"`
	} `xml:"author"`
	Entries []struct {
		Title   string `xml:"title"`
		ID      string `xml:"id"`
		Updated string `xml:"updated"`
		Link    struct {
			Href string `xml:"href,attr"`
		} `xml:"link"`
		Summary struct {
			Type string `xml:"type,attr"`
			Text string `xml:",chardata"`
		} `xml:"summary"`
	} `xml:"entry"`
}

func parseAtom(t *testing.T, b []byte) atomOut {
	t.Helper()
	var out atomOut
	if err := xml.Unmarshal(b, &out); err != nil {
		t.Fatalf("encoding/xml cannot read the feed: %v\n%s", err, b)
	}
	return out
}

func TestAtomEntriesByFirstReport(t *testing.T) {
	tl := fixture(t)
	b, err := Atom(tl, absoluteSite())
	if err != nil {
		t.Fatal(err)
	}
	feed := parseAtom(t, b)
	if feed.Title != "Armenia & the CSTO" || feed.ID != "https://school.example/history/armenia/" || feed.Author.Name == "" {
		t.Errorf("feed head: %q %q author %q", feed.Title, feed.ID, feed.Author.Name)
	}
	if feed.Updated != "2024-06-20T00:00:00Z" {
		t.Errorf("feed updated = %s", feed.Updated)
	}
	if len(feed.Entries) != len(tl.Events) {
		t.Fatalf("%d entries, want %d", len(feed.Entries), len(tl.Events))
	}
	updated := map[string]string{}
	var order []string
	for _, e := range feed.Entries {
		id := strings.TrimSuffix(strings.TrimPrefix(e.ID, "https://school.example/history/armenia/events/"), "/")
		updated[id] = e.Updated
		order = append(order, e.Updated)
		if e.Link.Href != e.ID {
			t.Errorf("entry %s link %s", e.ID, e.Link.Href)
		}
	}
	// d0612 is told by both articles: it dates from the older one.
	for id, want := range map[string]string{"d0612": "2024-06-14T00:00:00Z", "m2309": "2024-06-20T00:00:00Z", "y2020": "2024-06-14T00:00:00Z", "manual": "2024-06-20T00:00:00Z"} {
		if updated[id] != want {
			t.Errorf("%s updated = %q, want %q", id, updated[id], want)
		}
	}
	for i := 1; i < len(order); i++ {
		if order[i] > order[i-1] {
			t.Errorf("entries not newest first: %v", order)
			break
		}
	}
}

func TestAtomNewArticleSurfacesItsEvents(t *testing.T) {
	tl := fixture(t)
	before := parseAtom(t, mustBytes(Atom(tl, absoluteSite())))
	latest := timeline.Article{Slug: "latest", Meta: timeline.Meta{Title: "Latest", Date: day("2024-07-01")}}
	tl.Articles = append(tl.Articles, latest)
	tl.Events = append(tl.Events, timeline.Event{ID: "new1", Title: "Newly reported", Start: mustDate(t, "2001"),
		Mentions: []timeline.Mention{{Article: "latest", Text: "In 2001."}}})
	s := absoluteSite()
	s.Updated = day("2024-07-01")
	after := parseAtom(t, mustBytes(Atom(tl, s)))
	if after.Entries[0].Title != "Newly reported" || after.Entries[0].Updated != "2024-07-01T00:00:00Z" {
		t.Errorf("new event not first: %+v", after.Entries[0])
	}
	// Every entry already in the feed keeps its id and date.
	old := map[string]string{}
	for _, e := range before.Entries {
		old[e.ID] = e.Updated
	}
	for _, e := range after.Entries {
		if u, ok := old[e.ID]; ok && u != e.Updated && e.Title != "Added by an editor" {
			t.Errorf("entry %s changed date %s -> %s", e.ID, u, e.Updated)
		}
	}
}

func TestAtomEscapingAndStableIDsWithoutBaseURL(t *testing.T) {
	tl := fixture(t)
	b, err := Atom(tl, relativeSite())
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(b, []byte("<script")) || bytes.Contains(b, []byte("<img")) || bytes.ContainsRune(b, 0) {
		t.Error("raw markup or NUL in the feed bytes")
	}
	feed := parseAtom(t, b)
	again := parseAtom(t, mustBytes(Atom(tl, relativeSite())))
	for i, e := range feed.Entries {
		if !strings.HasPrefix(e.ID, "urn:uuid:") || e.ID != again.Entries[i].ID {
			t.Errorf("entry id %q not a stable urn:uuid", e.ID)
		}
		if e.Title == oneLine(hostile) {
			if e.Summary.Type != "html" {
				t.Errorf("summary type %q", e.Summary.Type)
			}
			// The summary is HTML: once unescaped by XML it must still carry the sentence's markup escaped.
			if !strings.Contains(e.Summary.Text, "&lt;img src=x onerror=alert(1)&gt;") || strings.Contains(e.Summary.Text, "<img") {
				t.Errorf("summary HTML not escaped: %s", e.Summary.Text)
			}
			if !strings.Contains(html.UnescapeString(e.Summary.Text), "<img src=x onerror=alert(1)>") {
				t.Errorf("summary lost the sentence: %s", e.Summary.Text)
			}
			if e.Link.Href != "events/d0612/" {
				t.Errorf("relative link %q", e.Link.Href)
			}
		}
	}
	if !strings.HasPrefix(feed.ID, "urn:uuid:") {
		t.Errorf("feed id %q is not absolute", feed.ID)
	}
}

func TestAtomEmptyTimelineIsValid(t *testing.T) {
	feed := parseAtom(t, mustBytes(Atom(timeline.Timeline{}, Site{})))
	if feed.Updated != time.Unix(0, 0).UTC().Format(time.RFC3339) || feed.Title == "" || len(feed.Entries) != 0 {
		t.Errorf("empty feed = %+v", feed)
	}
}

func TestNameUUIDIsVersion5(t *testing.T) {
	// Expected value from Python: uuid.uuid5(uuid.NAMESPACE_URL, "event:x").
	u := nameUUID("event:x")
	if u != "urn:uuid:20b23565-6210-517a-a306-c61e9f30c090" {
		t.Errorf("nameUUID(event:x) = %s", u)
	}
	if nameUUID("event:x") != u || nameUUID("event:y") == u {
		t.Error("nameUUID not a function of its input")
	}
}

func mustBytes(b []byte, err error) []byte {
	if err != nil {
		panic(err)
	}
	return b
}

// TestAtomHoldsTheNewestReports: past AtomEntries events, the feed keeps the
// entries of the newest reports and drops the oldest.
func TestAtomHoldsTheNewestReports(t *testing.T) {
	var tl timeline.Timeline
	n := AtomEntries + 30
	for i := 0; i < n; i++ {
		slug := "a" + strings.Repeat("x", i%3) + string(rune('a'+i%26)) + string(rune('a'+i/26))
		tl.Articles = append(tl.Articles, timeline.Article{Slug: slug, Meta: timeline.Meta{Title: slug,
			Date: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i)}})
		start, err := timeline.ParseDate("2019-05-01")
		if err != nil {
			t.Fatal(err)
		}
		tl.Events = append(tl.Events, timeline.Event{ID: "e-" + slug, Title: "Event " + slug, Start: start,
			Mentions: []timeline.Mention{{Article: slug}}})
	}
	b, err := Atom(tl, absoluteSite())
	if err != nil {
		t.Fatal(err)
	}
	feed := parseAtom(t, b)
	if len(feed.Entries) != AtomEntries {
		t.Fatalf("%d entries, want %d", len(feed.Entries), AtomEntries)
	}
	oldestKept := tl.Articles[n-AtomEntries].Meta.Date.Format(time.RFC3339)
	if last := feed.Entries[len(feed.Entries)-1].Updated; last != oldestKept {
		t.Errorf("the oldest entry kept is from %s, want %s", last, oldestKept)
	}
	if first := feed.Entries[0].Updated; first != tl.Articles[n-1].Meta.Date.Format(time.RFC3339) {
		t.Errorf("the newest entry is from %s", first)
	}
}

// TestNewestReportsAsASortDoes: picking the feed's entries without sorting
// every event gives the entries, order and updated time of the former code,
// which sorted the timeline and then all its reports, on random timelines with
// many ties (shared dates, IDs and report days) and more than AtomEntries events.
func TestNewestReportsAsASortDoes(t *testing.T) {
	for seed := int64(1); seed <= 40; seed++ {
		r := rand.New(rand.NewSource(seed))
		tl := randomTimeline(r, 50+r.Intn(400))
		for i := range tl.Events {
			if r.Intn(3) == 0 {
				tl.Events[i].ID = tl.Events[r.Intn(len(tl.Events))].ID // duplicate IDs tie on everything
			}
		}
		s := absoluteSite()
		if seed%2 == 0 {
			s.Updated = time.Time{}
		}
		ref, err := prepare(s, tl) // mentions looked up by slug
		if err != nil {
			t.Fatal(err)
		}
		if seed%4 < 2 { // as render gives them
			slugs := slugIndex(tl.Articles)
			s.CitedArticle = func(i, j int) int {
				if k, ok := slugs[tl.Events[i].Mentions[j].Article]; ok {
					return int(k)
				}
				return -1
			}
		}
		p, err := prepare(s, tl)
		if err != nil {
			t.Fatal(err)
		}
		got, gotUpdated := p.newestReports(tl.Events)
		// The former selection: timeline order, then a stable sort by report.
		updated := ref.feedUpdated()
		var want []atomCandidate
		for _, i := range orderedEvents(tl.Events, false) {
			reported := ref.firstReported(i, &tl.Events[i])
			if reported.IsZero() {
				reported = updated
			}
			if reported.After(updated) {
				updated = reported
			}
			want = append(want, atomCandidate{ev: &tl.Events[i], idx: i, reported: reported})
		}
		sort.SliceStable(want, func(i, j int) bool { return want[i].reported.After(want[j].reported) })
		want = want[:min(len(want), AtomEntries)]
		if !gotUpdated.Equal(updated) || len(got) != len(want) {
			t.Fatalf("seed %d: updated %v, %d entries; want %v, %d", seed, gotUpdated, len(got), updated, len(want))
		}
		for k := range want {
			if got[k].idx != want[k].idx || !got[k].reported.Equal(want[k].reported) {
				t.Fatalf("seed %d: entry %d is event %d (%v), want event %d (%v)", seed, k, got[k].idx, got[k].reported, want[k].idx, want[k].reported)
			}
		}
	}
}
