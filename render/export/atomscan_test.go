package export

import (
	"bytes"
	"fmt"
	"math/rand"
	"testing"
	"time"

	"github.com/newsline/timeline/timeline"
)

// TestFeedScanByOrderAndCitationsAsBefore checks that the feed found
// through the exports' shared order and the citations by event
// (Site.Order, Site.CitedArticles) is the feed found by reading every event
// and each mention's article (neither set): random timelines larger and
// smaller than the feed, in date order or not, with unexportable dates,
// articles without a date, mentions of no article or of one out of range,
// repeated mentions, events citing nothing, and orders shared with another
// timeline's exports.
func TestFeedScanByOrderAndCitationsAsBefore(t *testing.T) {
	r := rand.New(rand.NewSource(16))
	for round := 0; round < 300; round++ {
		var tl timeline.Timeline
		for a := 0; a < 1+r.Intn(40); a++ {
			art := timeline.Article{Slug: fmt.Sprintf("a%d", a), Meta: timeline.Meta{Title: fmt.Sprintf("Article %d", a)}}
			if r.Intn(8) > 0 {
				art.Meta.Date = day("2015-01-01").AddDate(0, 0, r.Intn(30)) // few dates: ties
			}
			tl.Articles = append(tl.Articles, art)
		}
		n := r.Intn(3 * AtomEntries)
		cites := make([][]int32, n)
		base := day("2000-01-01")
		for i := 0; i < n; i++ {
			ev := timeline.Event{ID: fmt.Sprintf("e%04d", r.Intn(10000)), Title: fmt.Sprintf("Event %d", i)}
			switch {
			case r.Intn(10) == 0: // unknown: not exportable
			case r.Intn(3) == 0:
				ev.Start = timeline.DateOf(base.AddDate(0, 0, r.Intn(n+1)))
			default:
				ev.Start = timeline.DateOf(base.AddDate(0, 0, i/3))
			}
			for k := r.Intn(4); k > 0; k-- {
				a := int32(r.Intn(len(tl.Articles)+2) - 1) // -1 and len: no article
				slug := "missing"
				if a >= 0 && int(a) < len(tl.Articles) {
					slug = tl.Articles[a].Slug
				}
				if a == int32(len(tl.Articles)) && r.Intn(2) == 0 {
					a = 1 << 20
				}
				if len(cites[i]) > 0 && r.Intn(4) == 0 { // the same article again
					a, slug = cites[i][0], ev.Mentions[0].Article
				}
				cites[i] = append(cites[i], a)
				ev.Mentions = append(ev.Mentions, timeline.Mention{Article: slug, Text: "A sentence."})
			}
			tl.Events = append(tl.Events, ev)
		}
		var updated time.Time // derived from the articles
		if r.Intn(2) == 0 {
			updated = day("2015-01-10") // before some reports
		}
		site := func(order *EventOrder, byEvent bool) Site {
			s := absoluteSite()
			s.Updated = updated
			s.CitedArticle = func(i, j int) int { return int(cites[i][j]) }
			if byEvent {
				s.CitedArticles = func(i int) []int32 { return cites[i] }
			}
			s.Order = order
			return s
		}
		want := feed(t, tl, site(nil, false))
		shared := new(EventOrder)
		if round%5 == 0 && n > 0 { // an order made of another timeline's events first
			other := append([]timeline.Event(nil), tl.Events...)
			p, err := prepare(Site{Order: shared}, timeline.Timeline{Events: other})
			if err != nil {
				t.Fatal(err)
			}
			p.order(other, true)
		}
		for _, s := range []Site{site(shared, true), site(new(EventOrder), false), site(nil, true)} {
			if got := feed(t, tl, s); !bytes.Equal(got, want) {
				t.Fatalf("round %d (%d events): feed differs (order %v, by event %v)\n got: %.600s\nwant: %.600s",
					round, n, s.Order != nil, s.CitedArticles != nil, got, want)
			}
		}
	}
}

func feed(t *testing.T, tl timeline.Timeline, s Site) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := WriteAtom(&b, tl, s); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}
