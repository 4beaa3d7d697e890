package merge_test

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/newsline/timeline/internal/cputime"
	"github.com/newsline/timeline/internal/newscorpus"
	"github.com/newsline/timeline/timeline"
	"github.com/newsline/timeline/timeline/events"
	"github.com/newsline/timeline/timeline/ingest"
	"github.com/newsline/timeline/timeline/merge"
	"github.com/newsline/timeline/timeline/merge/internal/mergeref"
)

// randomInput makes a small random input that exercises every rule: few
// articles, titles from a small vocabulary with event words, dates at every
// precision (and ranges), lead events, sentences shared by two candidates,
// several mentions, entities.
func randomInput(rng *rand.Rand) ([]timeline.Article, [][]timeline.Event) {
	vocab := []string{"Varnia", "Quellmark", "Storvik", "Osterholm", "harbour", "bridge", "port", "arms", "budget",
		"war", "attack", "capture", "flood", "election", "deal", "protest", "summit", "withdrawal", "talks", "the", "of"}
	values := []string{"2019", "2020", "2020-09", "2020-09-27", "2020-09-28", "2020-10", "2020-W39", "2020-Q3", "2021",
		"2021-01-09", "2021-01", "2019-12-31", "2020-09-27T10:00", "XXXX", ""}
	title := func() string {
		n := 1 + rng.IntN(4)
		ws := make([]string, n)
		for k := range ws {
			ws[k] = vocab[rng.IntN(len(vocab))]
		}
		return strings.Join(ws, " ")
	}
	date := func() timeline.Date {
		d, _ := timeline.ParseDate(values[rng.IntN(len(values))])
		return d
	}
	nArt := 1 + rng.IntN(5)
	var arts []timeline.Article
	var per [][]timeline.Event
	for a := 0; a < nArt; a++ {
		slug := fmt.Sprintf("art%d", rng.IntN(4)) // slugs may repeat, as odd input does
		pub := time.Date(2020+rng.IntN(2), time.Month(1+rng.IntN(12)), 1+rng.IntN(28), 0, 0, 0, 0, time.UTC)
		arts = append(arts, timeline.Article{Slug: slug, Path: "content/" + slug + ".md", Meta: timeline.Meta{Date: pub}})
		var evs []timeline.Event
		var sentences []timeline.Mention
		for k := 0; k < rng.IntN(7); k++ {
			ev := timeline.Event{Title: title(), Start: date(), Lead: rng.IntN(5) == 0}
			if rng.IntN(6) == 0 {
				end := date()
				ev.End = &end
			}
			for m := 0; m < 1+rng.IntN(3); m++ {
				if len(sentences) > 0 && rng.IntN(3) == 0 {
					ev.Mentions = append(ev.Mentions, sentences[rng.IntN(len(sentences))])
					continue
				}
				off := rng.IntN(10) * 100
				men := timeline.Mention{Article: slug, Source: "content/" + slug + ".md",
					Sentence: timeline.Span{Start: off, End: off + 50}, Text: title() + " " + title()}
				if rng.IntN(8) == 0 {
					men.Source = "seeds/" + slug + ".txt"
				}
				if rng.IntN(2) == 0 {
					men.Timex = &timeline.Span{Start: off + rng.IntN(20), End: off + 30}
				}
				sentences = append(sentences, men)
				ev.Mentions = append(ev.Mentions, men)
			}
			for e := 0; e < rng.IntN(3); e++ {
				ev.Entities = append(ev.Entities, timeline.Entity{Name: vocab[rng.IntN(5)], Kind: timeline.Place})
			}
			evs = append(evs, ev)
		}
		per = append(per, evs)
	}
	return arts, per
}

// TestMergeEqualsReference merges many random small inputs with Merge and
// with the frozen reference implementation: the timelines are equal.
func TestMergeEqualsReference(t *testing.T) {
	rounds := 20000
	if testing.Short() {
		rounds = 2000
	}
	rng := rand.New(rand.NewPCG(11, 12))
	for round := 0; round < rounds; round++ {
		arts, per := randomInput(rng)
		want := mergeref.Merge(arts, per)
		if got := merge.Merge(arts, per); !reflect.DeepEqual(got, want) {
			t.Fatalf("round %d: Merge differs from the reference\n got: %v\nwant: %v", round, got.Events, want.Events)
		}
	}
}

// TestMergeEqualsReferenceOnCorpora compares Merge with the reference on the
// scale corpus (10,000 generated articles) and on copies of the events
// package's invented articles.
func TestMergeEqualsReferenceOnCorpora(t *testing.T) {
	if testing.Short() {
		t.Skip("extracts 10,000 articles")
	}
	for name, corpus := range map[string]func(testing.TB) ([]timeline.Article, [][]timeline.Event){
		"newscorpus": scaleCorpus, "events-testdata": testdataCorpus,
	} {
		arts, per := corpus(t)
		want := mergeref.Merge(arts, per)
		got := merge.Merge(arts, per)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: Merge differs from the reference (%d vs %d events)", name, len(got.Events), len(want.Events))
		}
	}
}

// scaleCorpus is the site scale benchmark's corpus: 10,000 generated articles.
func scaleCorpus(tb testing.TB) ([]timeline.Article, [][]timeline.Event) {
	gen := newscorpus.New(20240614)
	var arts []timeline.Article
	var per [][]timeline.Event
	for i := 0; i < 10000; i++ {
		a, err := ingest.Parse(fmt.Sprintf("content/article-%05d.md", i), gen.Article(i), nil, ingest.Options{})
		if err != nil {
			tb.Fatalf("generated article %d: %v", i, err)
		}
		arts = append(arts, a)
		per = append(per, events.Extract(a))
	}
	return arts, per
}

// testdataCorpus is 3,000 copies of the events package's invented articles,
// each with its own date and names (as its extraction benchmark builds them).
func testdataCorpus(tb testing.TB) ([]timeline.Article, [][]timeline.Event) {
	paths, _ := filepath.Glob("../events/testdata/*.md")
	if len(paths) == 0 {
		tb.Skip("no ../events/testdata/*.md")
	}
	names := []string{"Kestria", "Norvale", "Orvik", "Tarsk", "Brandt", "Orbis", "Velden", "Lindqvist", "Aldmere", "Morrow"}
	var arts []timeline.Article
	var per [][]timeline.Event
	for i := 0; i < 3000; i++ {
		raw, err := os.ReadFile(paths[i%len(paths)])
		if err != nil {
			tb.Fatal(err)
		}
		src := string(raw)
		for _, n := range names {
			src = strings.ReplaceAll(src, n, fmt.Sprintf("%s%c", n, 'a'+i%7))
		}
		day := time.Date(2015, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i%700)
		src = strings.Replace(src, "\ndate:", "\ndate: "+day.Format("2006-01-02")+"\nolddate:", 1)
		a, err := ingest.Parse(fmt.Sprintf("content/a%05d.md", i), []byte(src), nil, ingest.Options{})
		if err != nil {
			tb.Fatal(err)
		}
		arts = append(arts, a)
		per = append(per, events.Extract(a))
	}
	return arts, per
}

// BenchmarkMergeVsReference alternates Merge and the reference on the scale
// corpus and reports the process CPU time of each: both see the same load.
func BenchmarkMergeVsReference(b *testing.B) {
	arts, per := scaleCorpus(b)
	var cpu [2]time.Duration
	for i := 0; i < b.N+1; i++ {
		for k, run := range []func(){func() { mergeref.Merge(arts, per) }, func() { merge.Merge(arts, per) }} {
			runtime.GC()
			c0, _ := cputime.Process()
			run()
			c1, _ := cputime.Process()
			if i > 0 { // the first round warms the heap
				cpu[k] += c1 - c0
			}
		}
	}
	b.ReportMetric(float64(cpu[0].Milliseconds())/float64(b.N), "ref-cpu-ms")
	b.ReportMetric(float64(cpu[1].Milliseconds())/float64(b.N), "new-cpu-ms")
}
