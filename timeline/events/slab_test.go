package events

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"unsafe"

	"github.com/newsline/timeline/timeline"
	"github.com/newsline/timeline/timeline/ingest"
	"github.com/newsline/timeline/timeline/timex"
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

// TestPoolDropsAHugeArticlesBuffers extracts one very long article (thousands
// of sentences, dated events and names) and checks that the scratch going
// back to the pool keeps no buffer over maxPooledBuffer, nor a map of repeats
// sized for it; and that a short article's scratch keeps its buffers, which
// is what the pool is for.
func TestPoolDropsAHugeArticlesBuffers(t *testing.T) {
	var b strings.Builder
	b.WriteString("---\ntitle: A long record\ndate: 2024-06-14\n---\n")
	for i := 0; i < 12000; i++ {
		fmt.Fprintf(&b, "On %d May %d, the council of Orvik%d approved plan %d, Mayor Anna Velden%d said. ",
			i%28+1, 1990+i%30, i, i, i)
		if i%10 == 9 {
			b.WriteString("\n\n")
		}
	}
	long, err := ingest.Parse("content/long.md", []byte(b.String()), nil, ingest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	short := testdataArticles(t)[0]
	var keysBefore int
	var mapBefore unsafe.Pointer
	returned := func(a timeline.Article) *scratch {
		x := newExtractor(a, timex.Resolve(a.Text, a.Meta.Date))
		x.run()
		if len(x.result()) == 0 {
			t.Fatalf("%s: no events", a.Path)
		}
		sc := x.scratch
		keysBefore, mapBefore = len(sc.byKey), reflect.ValueOf(sc.byKey).UnsafePointer()
		x.release()
		return sc
	}
	sc := returned(long)
	if keysBefore <= maxPooledKeys {
		t.Fatalf("the long article holds %d repeat keys, no more than maxPooledKeys (%d): the test needs more", keysBefore, maxPooledKeys)
	}
	if reflect.ValueOf(sc.byKey).UnsafePointer() == mapBefore {
		t.Errorf("the map of repeats that held %d events goes back to the pool (cleared, it keeps its size)", keysBefore)
	}
	sizes := map[string]int{
		"sents": bytesOf(sc.sents), "toks": bytesOf(sc.toks),
		"timexes": bytesOf(sc.timexes), "inDate": bytesOf(sc.inDate), "runs": bytesOf(sc.runs),
		"votes": bytesOf(sc.votes), "nameOf": bytesOf(sc.nameOf), "keyed": bytesOf(sc.keyed),
		"events": bytesOf(sc.events), "eventList": bytesOf(sc.eventList), "entArena": bytesOf(sc.entArena),
		"grown": bytesOf(sc.grown), "low": bytesOf(sc.low), "book.kind": bytesOf(sc.book.kind),
		"book.alias": bytesOf(sc.book.alias), "book.ents": bytesOf(sc.book.ents), "book.rows": bytesOf(sc.book.rows),
	}
	for name, n := range sizes {
		if n > maxPooledBuffer {
			t.Errorf("after a %d-byte article the pool keeps %s of %d bytes (at most %d)", len(long.Text), name, n, maxPooledBuffer)
		}
	}
	sc = returned(short)
	if cap(sc.toks) == 0 || cap(sc.sents) == 0 || cap(sc.low) == 0 {
		t.Errorf("a short article's scratch went back without its buffers (toks %d, sents %d, low %d)", cap(sc.toks), cap(sc.sents), cap(sc.low))
	}
}

func bytesOf[T any](s []T) int {
	var zero T
	return cap(s) * int(unsafe.Sizeof(zero))
}

// TestTooLongTextIsRefusedByName lowers maxText (2 GiB, past which token
// offsets would wrap) and checks that Extract, ExtractWith and ExtractAll
// refuse a longer article with a panic naming it, which ExtractAll reports
// through failed while the other articles are extracted.
func TestTooLongTextIsRefusedByName(t *testing.T) {
	arts := testdataArticles(t)
	short := arts[0]
	defer func(n int) { maxText = n }(maxText)
	maxText = len(short.Text)
	long := arts[0]
	long.Path, long.Text = "content/too-long.md", short.Text+" More."
	refused := func(name string, run func()) {
		t.Helper()
		defer func() {
			p := recover()
			if msg, _ := p.(string); !strings.Contains(msg, long.Path) || !strings.Contains(msg, "longer than") {
				t.Errorf("%s: panic %v, want one naming %s as too long", name, p, long.Path)
			}
		}()
		run()
	}
	refused("Extract", func() { Extract(long) })
	refused("ExtractWith", func() { ExtractWith(long, nil) })
	var failed []int
	out := ExtractAll([]timeline.Article{short, long}, func(i int, p any) { failed = append(failed, i) })
	if len(failed) != 1 || failed[0] != 1 || len(out[0]) == 0 || out[1] != nil {
		t.Errorf("ExtractAll: failed %v, %d and %d events; want only article 1 failed, article 0 extracted", failed, len(out[0]), len(out[1]))
	}
	if len(Extract(short)) == 0 {
		t.Error("an article of exactly maxText bytes is refused")
	}
}
