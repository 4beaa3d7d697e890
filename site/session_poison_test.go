package site

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/spf13/afero"

	"github.com/newsline/timeline/internal/newscorpus"
	"github.com/newsline/timeline/timeline"
)

// TestSessionOutlivesPoisonedTimelines: a session's merge returns the kept
// state's own event array (merge.State.Update), valid until the next
// build's merge. After each build (and its background save) every field of
// that build's merged events is overwritten with poison; through rounds of
// random edits the next builds, warm, must still write what a full build
// writes. Anything reading a build's timeline after it returned (the plan
// memo, the exports' splice, the kept state, the save) would read poison.
func TestSessionOutlivesPoisonedTimelines(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a 16-article site a few dozen times")
	}
	defer func(w time.Duration) { racyWindow = w }(racyWindow)
	racyWindow = -time.Hour
	var merged []timeline.Event
	var articles []timeline.Article
	sessionMerged = func(tl timeline.Timeline) { merged, articles = tl.Events, tl.Articles }
	defer func() { sessionMerged = nil }()

	fs := afero.NewMemMapFs()
	corpus := newscorpus.New(47)
	rng := rand.New(rand.NewPCG(47, 2026))
	live := map[string]bool{}
	for i := 0; i < 16; i++ {
		name := fmt.Sprintf("content/a%02d.md", i)
		writeFiles(t, fs, map[string]string{name: string(corpus.Article(i))})
		live[name] = true
	}
	opts := Options{ContentDir: "content", SeedsDir: "-", OutDir: "public", CacheDir: "cache", Version: "poison-test", Workers: 2}
	var s Session
	next := 100
	poisoned, warm := 0, 0
	for round := 0; round < 12; round++ {
		if round > 0 {
			for k := 0; k < 1+rng.IntN(3); k++ {
				edit(t, fs, rng, corpus, live, &next)
			}
		}
		if round%6 == 0 {
			// Another process builds: the session's next build decodes
			// the state file, its events into the returned array, which
			// the save then adopts (merge.State.AdoptEvents).
			if _, err := Build(fs, opts); err != nil {
				t.Fatalf("round %d, another process: %v", round, err)
			}
			edit(t, fs, rng, corpus, live, &next)
		}
		before := s.WarmBuilds()
		if _, err := s.Build(fs, opts); err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
		if s.WarmBuilds() > before {
			warm++
		}
		s.Wait() // the save reads the timeline (AdoptEvents): poison after it
		checkSameAsFullBuild(t, fs, opts, fmt.Sprintf("round %d", round))
		for k := range merged {
			id := merged[k].ID
			merged[k] = poisonEvent(k)
			if round%2 == 1 {
				merged[k].ID = id // a reuse that trusts IDs is caught too
			}
		}
		for k := range articles {
			articles[k] = timeline.Article{Path: "poison.md", Slug: articles[k].Slug, Text: "poison", Body: "poison", Headline: "poison"}
		}
		poisoned += len(merged)
		merged, articles = nil, nil
	}
	if warm < 9 || poisoned == 0 {
		t.Fatalf("%d of 12 builds merged on the kept state, %d events poisoned: the test does not test", warm, poisoned)
	}
}

// edit adds, changes or removes one article.
func edit(t *testing.T, fs afero.Fs, rng *rand.Rand, corpus *newscorpus.Corpus, live map[string]bool, next *int) {
	t.Helper()
	var names []string
	for name := range live {
		names = append(names, name)
	}
	slices.Sort(names)
	switch op := rng.IntN(3); {
	case op == 0 || len(names) < 4:
		name := fmt.Sprintf("content/n%03d.md", *next)
		writeFiles(t, fs, map[string]string{name: string(corpus.Article(*next))})
		live[name] = true
	case op == 1:
		writeFiles(t, fs, map[string]string{names[rng.IntN(len(names))]: string(corpus.Article(*next))})
	default:
		name := names[rng.IntN(len(names))]
		if err := fs.Remove(name); err != nil {
			t.Fatal(err)
		}
		delete(live, name)
	}
	*next++
}

// poisonEvent is an event no article holds, different in every field.
func poisonEvent(k int) timeline.Event {
	d := timeline.Date{Value: "1066-10-14", Gran: timeline.GranDay,
		Start: time.Date(1066, 10, 14, 0, 0, 0, 0, time.UTC), End: time.Date(1066, 10, 15, 0, 0, 0, 0, time.UTC)}
	return timeline.Event{ID: fmt.Sprintf("poison%06d", k), Title: "<poisoned after its build>", Start: d, End: &d,
		Lead: true, Manual: true, Mentions: []timeline.Mention{{Article: "poison", Text: "poison"}},
		Entities: []timeline.Entity{{Name: "Poison", Kind: timeline.Person}}}
}
