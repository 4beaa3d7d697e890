package merge_test

import (
	"fmt"
	"math/rand/v2"
	"reflect"
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

// TestCacheMergeEqualsMerge runs random sequences of builds (articles added,
// changed, removed, given a duplicate slug) through one Cache, its encoded
// bytes decoded now and then: every cached merge equals a full Merge.
func TestCacheMergeEqualsMerge(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 22))
	reused := 0
	for seq := 0; seq < 300; seq++ {
		title, date := randomWords(rng)
		var arts []timeline.Article
		var per [][]timeline.Event
		cache := merge.NewCache()
		for step := 0; step < 10; step++ {
			switch k := rng.IntN(13); {
			case k >= 10 && len(arts) > 1 && len(per[0]) > 0 && len(per[1]) > 0:
				// One new word in the first two articles (so it can join them).
				how, word := rng.IntN(3), "Kelmarsh"+string(rune('a'+rng.IntN(3)))
				per[0], per[1] = tweak(rng, per[0], how, word), tweak(rng, per[1], how, word)
			case k < 5 || len(arts) == 0: // add
				a, evs := randomArticle(rng, fmt.Sprintf("s%d-%d", step, rng.IntN(1000)), title, date)
				arts, per = append(arts, a), append(per, evs)
			case k < 7: // change
				i := rng.IntN(len(arts))
				arts[i], per[i] = randomArticle(rng, arts[i].Slug, title, date)
			case k < 9: // remove
				i := rng.IntN(len(arts))
				arts, per = slices.Delete(arts, i, i+1), slices.Delete(per, i, i+1)
			default: // a second article under an existing slug
				a, evs := randomArticle(rng, arts[rng.IntN(len(arts))].Slug, title, date)
				arts, per = append(arts, a), append(per, evs)
			}
			if rng.IntN(4) == 0 {
				decoded, err := merge.DecodeCache(cache.Encode())
				if err != nil {
					t.Fatalf("seq %d step %d: decoding an encoded cache: %v", seq, step, err)
				}
				cache = decoded
			}
			got := cache.Merge(arts, per)
			if want := merge.Merge(arts, per); !reflect.DeepEqual(got, want) {
				t.Fatalf("seq %d step %d: cached merge differs\n got: %v\nwant: %v", seq, step, got.Events, want.Events)
			}
			reused += cache.Stats().Reused
		}
	}
	if reused == 0 {
		t.Fatal("no article was ever reused: the test does not exercise the cache")
	}
}

// tweak returns evs with word added to one event: as an entity (how 0), to
// one mention's sentence (1) or to the title (2).
func tweak(rng *rand.Rand, evs []timeline.Event, how int, word string) []timeline.Event {
	evs = slices.Clone(evs)
	ev := &evs[rng.IntN(len(evs))]
	switch how {
	case 0:
		ev.Entities = append(slices.Clone(ev.Entities), timeline.Entity{Name: word, Kind: timeline.Place})
	case 1:
		ev.Mentions = slices.Clone(ev.Mentions)
		ev.Mentions[0].Text += " " + word
	default:
		ev.Title += " " + word
	}
	return evs
}

// TestCacheFollowsBlockingLimit adds, then removes, articles that all tell
// one story on one day, so that its blocking list crosses MaxPosting both
// ways: every cached merge equals a full Merge.
func TestCacheFollowsBlockingLimit(t *testing.T) {
	day, _ := timeline.ParseDate("2020-09-27")
	year, _ := timeline.ParseDate("2020")
	article := func(i int) (timeline.Article, []timeline.Event) {
		slug := fmt.Sprintf("a%03d", i)
		a := timeline.Article{Slug: slug, Meta: timeline.Meta{Date: time.Date(2020, 10, 1, 0, 0, 0, 0, time.UTC)}}
		var evs []timeline.Event
		for k, d := range []timeline.Date{day, year} {
			text := fmt.Sprintf("The Varnia harbour flood %d struck the port of Storvik %d.", i%7, k)
			evs = append(evs, timeline.Event{Title: fmt.Sprintf("Varnia harbour flood %d", i%5), Start: d,
				Mentions: []timeline.Mention{{Article: slug, Source: slug + ".md", Sentence: timeline.Span{Start: 100 * k, End: 100*k + len(text)}, Text: text}}})
		}
		return a, evs
	}
	var arts []timeline.Article
	var per [][]timeline.Event
	cache := merge.NewCache()
	check := func(what string) {
		t.Helper()
		got := cache.Merge(arts, per)
		if want := merge.Merge(arts, per); !reflect.DeepEqual(got, want) {
			t.Fatalf("%s (%d articles): cached merge differs", what, len(arts))
		}
	}
	for i := 0; i < merge.MaxPosting+3; i++ {
		a, evs := article(i)
		arts, per = append(arts, a), append(per, evs)
		if i >= merge.MaxPosting-3 {
			check("adding")
		}
	}
	for len(arts) > merge.MaxPosting-3 {
		arts, per = arts[1:], per[1:]
		check("removing")
	}
}

// TestDecodeCacheRejectsDamage: every truncation and many corruptions of an
// encoded cache are an error or a cache that still merges correctly; never a panic.
func TestDecodeCacheRejectsDamage(t *testing.T) {
	rng := rand.New(rand.NewPCG(31, 32))
	arts, per := randomInput(rng)
	for len(per) < 3 {
		arts, per = randomInput(rng)
	}
	cache := merge.NewCache()
	cache.Merge(arts, per)
	data := cache.Encode()
	want := merge.Merge(arts, per)
	try := func(b []byte) {
		c, err := merge.DecodeCache(b)
		if err != nil {
			return
		}
		if got := c.Merge(arts, per); !reflect.DeepEqual(got, want) {
			t.Fatalf("a damaged cache changed the merge")
		}
	}
	for n := 0; n < len(data); n++ {
		try(data[:n])
	}
	for k := 0; k < 2000; k++ {
		b := slices.Clone(data)
		b[rng.IntN(len(b))] ^= byte(1 + rng.IntN(255))
		try(b)
	}
}

// TestCacheSeesEditedWords edits one word of an article between two builds
// (in a title, a sentence or an entity) so that it now merges with another
// article's event: the cached merge must see the new word.
func TestCacheSeesEditedWords(t *testing.T) {
	day, _ := timeline.ParseDate("2020-09-27")
	event := func(slug, title, text string, entities ...string) []timeline.Event {
		ev := timeline.Event{Title: title, Start: day, Mentions: []timeline.Mention{{Article: slug, Source: slug + ".md", Text: text}}}
		for _, e := range entities {
			ev.Entities = append(ev.Entities, timeline.Entity{Name: e, Kind: timeline.Place})
		}
		return []timeline.Event{ev}
	}
	// pair is a second event of article a, told by its next sentence.
	pair := func(slug, title, text string, entities ...string) []timeline.Event {
		evs := event(slug, title, text, entities...)
		evs[0].Mentions[0].Sentence = timeline.Span{Start: 100, End: 100 + len(text)}
		return evs
	}
	arts := []timeline.Article{{Slug: "a"}, {Slug: "b"}}
	const troops = "Troops crossed the river near Osterholm"
	for name, edit := range map[string][2][][]timeline.Event{
		"title": {
			{event("a", "Varnia harbour", "A storm hit."), event("b", "Varnia bridge", "A storm hit.")},
			{event("a", "Varnia harbour bridge", "A storm hit."), event("b", "Varnia bridge harbour", "A storm hit.")},
		},
		// Inside one article, where every pair is scored: "Quellmark war"
		// names nothing the other event tells until its sentence (or
		// entities) mention Varnia.
		"sentence": {
			{event("a", "Varnia war", troops+" in Varnia."), pair("a", "Quellmark war", troops+".")},
			{event("a", "Varnia war", troops+" in Varnia."), pair("a", "Quellmark war", troops+" in Varnia.")},
		},
		"entity": {
			{event("a", "Varnia war", troops+" in Varnia."), pair("a", "Quellmark war", troops+".")},
			{event("a", "Varnia war", troops+" in Varnia."), pair("a", "Quellmark war", troops+".", "Varnia")},
		},
	} {
		cache := merge.NewCache()
		input := func(per [][]timeline.Event) ([]timeline.Article, [][]timeline.Event) {
			if per[1][0].Mentions[0].Article == "a" { // one article, two events
				return arts[:1], [][]timeline.Event{append(slices.Clone(per[0]), per[1]...)}
			}
			return arts, per
		}
		before := cache.Merge(input(edit[0]))
		got := cache.Merge(input(edit[1]))
		want := merge.Merge(input(edit[1]))
		if len(before.Events) != 2 || len(want.Events) != 1 {
			t.Fatalf("%s: the fixture should merge only after the edit (%d, then %d events)", name, len(before.Events), len(want.Events))
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: the cached merge missed the edit: %d events", name, len(got.Events))
		}
	}
}
