package events

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/newsline/timeline/timeline"
	"github.com/newsline/timeline/timeline/ingest"
)

// TestEventsOutliveTheNextExtraction checks that no returned event shares
// pooled memory: an article's events are the same after the pool's buffers
// have served other articles, and appending to one event's lists leaves the
// others alone.
func TestEventsOutliveTheNextExtraction(t *testing.T) {
	arts := testdataArticles(t)
	first := Extract(arts[0])
	for _, ev := range first {
		for _, m := range ev.Mentions {
			if m.Source != arts[0].Path || m.Text == "" {
				t.Fatalf("event %q: mention %+v was cleared or overwritten when the pool took its buffers back", ev.Title, m)
			}
		}
	}
	want, _ := json.Marshal(first)
	for round := 0; round < 3; round++ {
		for _, a := range arts[1:] {
			Extract(a)
		}
	}
	if got, _ := json.Marshal(first); string(got) != string(want) {
		t.Fatalf("events changed after later extractions:\n got %s\nwant %s", got, want)
	}
	for i := range first {
		first[i].Mentions = append(first[i].Mentions, timeline.Mention{Text: "appended"})
		first[i].Entities = append(first[i].Entities, timeline.Entity{Name: "appended"})
	}
	for i := range first {
		var orig []timeline.Event
		_ = json.Unmarshal(want, &orig)
		if n := len(first[i].Mentions) - 1; n != len(orig[i].Mentions) || first[i].Mentions[n-1].Text != orig[i].Mentions[n-1].Text {
			t.Fatalf("event %d: appending to another event's lists changed its mentions", i)
		}
		if n := len(first[i].Entities) - 1; n != len(orig[i].Entities) || n > 0 && first[i].Entities[n-1].Name != orig[i].Entities[n-1].Name {
			t.Fatalf("event %d: appending to another event's lists changed its names", i)
		}
	}
}

// TestConcurrentExtractionsAgree extracts the testdata articles on several
// goroutines at once, as the site's build does, and compares every result
// with a serial extraction: the pooled scratch (tokens, the lower-cased
// text, the names' arena) must never be shared by two extractions. Run with
// -race, it also reports any access the comparison would miss.
func TestConcurrentExtractionsAgree(t *testing.T) {
	arts := testdataArticles(t)
	var want []string
	for _, a := range arts {
		out, _ := json.Marshal(Extract(a))
		want = append(want, string(out))
	}
	const workers = 4
	got := make([][]string, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for round := 0; round < 5; round++ {
				for i := range arts {
					k := (i + w) % len(arts) // each worker in its own order
					out, _ := json.Marshal(Extract(arts[k]))
					if round == 4 {
						got[w] = append(got[w], fmt.Sprintf("%d\x00%s", k, out))
					}
				}
			}
		}()
	}
	wg.Wait()
	for w := range got {
		for _, g := range got[w] {
			var k int
			fmt.Sscanf(g, "%d", &k)
			if body := g[strings.IndexByte(g, 0)+1:]; body != want[k] {
				t.Fatalf("worker %d, %s: events differ from the serial extraction", w, arts[k].Path)
			}
		}
	}
}

// testdataArticles parses the articles in testdata/, skipping the test when
// there are fewer than two.
func testdataArticles(t *testing.T) []timeline.Article {
	t.Helper()
	paths, _ := filepath.Glob("testdata/*.md")
	if len(paths) < 2 {
		t.Skip("no testdata articles")
	}
	var arts []timeline.Article
	for _, p := range paths {
		raw, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		a, err := ingest.Parse(p, raw, nil, ingest.Options{})
		if err != nil {
			t.Fatal(err)
		}
		arts = append(arts, a)
	}
	return arts
}
