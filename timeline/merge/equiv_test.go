package merge_test

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/newsline/timeline/internal/newscorpus"
	"github.com/newsline/timeline/timeline"
	"github.com/newsline/timeline/timeline/events"
	"github.com/newsline/timeline/timeline/ingest"
	"github.com/newsline/timeline/timeline/merge"
)

// randomInput makes a small random input that exercises every rule: few
// articles, titles from a small vocabulary with event words, dates at every
// precision (and ranges), lead events, sentences shared by two candidates,
// several mentions, entities.
func randomInput(rng *rand.Rand) ([]timeline.Article, [][]timeline.Event) {
	title, date := randomWords(rng)
	nArt := 1 + rng.IntN(5)
	var arts []timeline.Article
	var per [][]timeline.Event
	for a := 0; a < nArt; a++ {
		slug := fmt.Sprintf("art%d", rng.IntN(4)) // slugs may repeat, as odd input does
		art, evs := randomArticle(rng, slug, title, date)
		arts, per = append(arts, art), append(per, evs)
	}
	return arts, per
}

// randomWords returns makers of random titles (from a small vocabulary with
// event words) and dates (every precision, unknown and empty included).
func randomWords(rng *rand.Rand) (func() string, func() timeline.Date) {
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
	return title, date
}

// randomArticle makes one article of up to six random candidate events.
func randomArticle(rng *rand.Rand, slug string, title func() string, date func() timeline.Date) (timeline.Article, []timeline.Event) {
	pub := time.Date(2020+rng.IntN(2), time.Month(1+rng.IntN(12)), 1+rng.IntN(28), 0, 0, 0, 0, time.UTC)
	art := timeline.Article{Slug: slug, Path: "content/" + slug + ".md", Meta: timeline.Meta{Date: pub}}
	places := []string{"Varnia", "Quellmark", "Storvik", "Osterholm", "harbour"}
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
			ev.Entities = append(ev.Entities, timeline.Entity{Name: places[rng.IntN(len(places))], Kind: timeline.Place})
		}
		evs = append(evs, ev)
	}
	return art, evs
}

var scale struct {
	once sync.Once
	arts []timeline.Article
	per  [][]timeline.Event
}

// scaleCorpus is the site scale benchmark's corpus: 10,000 generated
// articles, extracted once per process (callers must not modify it).
func scaleCorpus(tb testing.TB) ([]timeline.Article, [][]timeline.Event) {
	scale.once.Do(func() { scale.arts, scale.per = extractScaleCorpus(tb) })
	return scale.arts, scale.per
}

func extractScaleCorpus(tb testing.TB) ([]timeline.Article, [][]timeline.Event) {
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

// TestMergeRandomOutputPinned pins the merged output of 3,000 random inputs
// (every rule, odd input included) by one SHA-256 over their JSON, so a
// faster implementation can be shown to give byte-identical output; and
// checks on each that reordering the articles and their events changes
// nothing. A deliberate change of behaviour updates the digest (and says so
// in its commit).
func TestMergeRandomOutputPinned(t *testing.T) {
	const want = "ecb3d5d5873166655c4d0a43ef040bfb5fa00022cdb51825bdf8f354e379233c"
	rng := rand.New(rand.NewPCG(2026, 1127))
	all := sha256.New()
	for k := 0; k < 3000; k++ {
		arts, per := randomInput(rng)
		got := mergedJSON(t, arts, per)
		all.Write(got)
		if !distinctSlugs(arts) {
			continue // which of two same-slug articles comes first is input order
		}
		order := rng.Perm(len(arts))
		arts2, per2 := make([]timeline.Article, len(arts)), make([][]timeline.Event, len(arts))
		for i, o := range order {
			arts2[i], per2[i] = arts[o], slices.Clone(per[o])
			rng.Shuffle(len(per2[i]), func(a, b int) { per2[i][a], per2[i][b] = per2[i][b], per2[i][a] })
		}
		if again := mergedJSON(t, arts2, per2); string(again) != string(got) {
			t.Fatalf("input %d: reordering the input changed the output", k)
		}
	}
	if got := fmt.Sprintf("%x", all.Sum(nil)); got != want {
		t.Errorf("merged output of the random inputs changed: digest %s, want %s", got, want)
	}
}

func mergedJSON(t *testing.T, arts []timeline.Article, per [][]timeline.Event) []byte {
	t.Helper()
	b, err := json.Marshal(merge.Merge(arts, per))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func distinctSlugs(arts []timeline.Article) bool {
	seen := map[string]bool{}
	for _, a := range arts {
		if seen[a.Slug] {
			return false
		}
		seen[a.Slug] = true
	}
	return true
}
