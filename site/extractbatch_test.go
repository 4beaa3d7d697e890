package site

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/spf13/afero"

	"github.com/newsline/timeline/timeline"
	"github.com/newsline/timeline/timeline/events"
)

// panicOffsets makes the real extractor panic on the article carrying it:
// events.ExtractWith maps its mentions' spans through a.Offsets.
type panicOffsets struct{}

func (panicOffsets) Original(int) int { panic("offsets exploded") }

// loadWithPanickingOffsets is the real loader, the article whose path ends
// in bad given panicOffsets.
func loadWithPanickingOffsets(bad string) func(afero.Fs, []string, time.Time) ([]timeline.Article, []error) {
	return func(fs afero.Fs, dirs []string, date time.Time) ([]timeline.Article, []error) {
		arts, errs := loadArticles(fs, dirs, date)
		for i := range arts {
			if strings.HasSuffix(arts[i].Path, bad) {
				arts[i].Offsets = panicOffsets{}
			}
		}
		return arts, errs
	}
}

// An article whose extraction panics in the middle of a run of cache misses
// (one events.ExtractAll call) fails with the error the per-article
// extraction gives, alone: the others' events are Extract's, and a build
// through the batches publishes the same site, byte for byte, as one
// extracting article by article (Stages.Extract alone), fresh, after edits
// around the article (misses not contiguous) and with nothing changed.
func TestBatchExtractionFailsOnlyThePanickingArticle(t *testing.T) {
	const n, bad = 300, "a150.md"
	base := afero.NewMemMapFs()
	opts := corpusSite(t, base, "", n) // 3 workers: runs of 100 misses
	opts.KeepGoing = true
	batch, each := opts, opts
	batch.Stages = Stages{Load: loadWithPanickingOffsets(bad)}
	each.Stages = Stages{Load: loadWithPanickingOffsets(bad), Extract: events.Extract}
	each.OutDir, each.CacheDir = "each", "each-cache"

	o := batch.withDefaults()
	arts, errs := o.Stages.Load(base, []string{o.ContentDir}, time.Time{})
	if len(errs) != 0 || len(arts) != n {
		t.Fatalf("%d articles, errors %v", len(arts), errs)
	}
	at := -1
	for i, a := range arts {
		if strings.HasSuffix(a.Path, bad) {
			at = i
		}
	}
	if at%100 == 0 || at%100 == 99 {
		t.Fatalf("%s is article %d, not inside a run of 100", bad, at)
	}
	wantErr := fmt.Sprintf("%s: extracting events failed: offsets exploded", arts[at].Path)
	o.NoCache = true
	x := extractAll(arts, o, openExtractCache(base, o.CacheDir, o.Version, false, false))
	if len(x.errs) != 1 || x.errs[0].Error() != wantErr || len(x.articles) != n-1 || x.fresh != n-1 {
		t.Fatalf("errors %v, %d articles, %d extracted; want only %q", x.errs, len(x.articles), x.fresh, wantErr)
	}
	if _, err := safeExtract(events.Extract, arts[at]); err == nil || err.Error() != wantErr {
		t.Fatalf("the per-article extraction's error is %v", err)
	}
	for i, a := range x.articles {
		if want := events.Extract(a); !reflect.DeepEqual(x.events[i], want) {
			t.Errorf("%s: events differ from Extract's", a.Path)
		}
	}

	for step, edit := range [][]string{nil, {"a149.md", "a151.md", "a20.md"}, nil} {
		for _, name := range edit {
			body := readFile(t, base, "content/"+name)
			writeFiles(t, base, map[string]string{"content/" + name: body + "\n\nOn 3 March 2021 the council met again.\n"})
		}
		var summaries [2]Summary
		for k, o := range []Options{batch, each} {
			sum, err := Build(base, o)
			var be *BuildError
			if !errors.As(err, &be) || len(be.Errs) != 1 || be.Errs[0].Error() != wantErr || !sum.Published {
				t.Fatalf("step %d, build %d: error %v, published %v; want only %q, published", step, k, err, sum.Published, wantErr)
			}
			summaries[k] = sum
		}
		if want := []int{n - 1, len(edit), 0}[step]; summaries[0].Extracted != want || summaries[1].Extracted != want {
			t.Errorf("step %d: extracted %d and %d articles, want %d", step, summaries[0].Extracted, summaries[1].Extracted, want)
		}
		sameSiteFiles(t, fmt.Sprintf("step %d", step), siteFiles(t, base, batch.OutDir), siteFiles(t, base, each.OutDir))
	}
}

// A Stages.ExtractAll that panics outside any one article, or returns the
// wrong number of results, costs its run nothing but time: the run is
// extracted again article by article with Extract.
func TestExtractRunFallsBackToExtract(t *testing.T) {
	extract := func(a timeline.Article) []timeline.Event {
		if a.Text == "bad" {
			panic("extractor exploded")
		}
		return []timeline.Event{{Title: a.Text}}
	}
	group := []timeline.Article{{Path: "a", Text: "one"}, {Path: "b", Text: "bad"}, {Path: "c", Text: "three"}}
	for name, all := range map[string]func([]timeline.Article, func(int, any)) [][]timeline.Event{
		"panics": func([]timeline.Article, func(int, any)) [][]timeline.Event { panic("batch exploded") },
		"short": func(arts []timeline.Article, _ func(int, any)) [][]timeline.Event {
			return make([][]timeline.Event, len(arts)-1)
		},
		"per-article": extractEach(extract),
	} {
		evs, errs := extractRun(Stages{Extract: extract, ExtractAll: all}, group)
		if len(evs) != 3 || len(errs) != 3 {
			t.Fatalf("%s: %d results, %d errors", name, len(evs), len(errs))
		}
		for j, a := range group {
			want, wantErr := safeExtract(extract, a)
			if !reflect.DeepEqual(evs[j], want) || fmt.Sprint(errs[j]) != fmt.Sprint(wantErr) {
				t.Errorf("%s: article %s: %v, %v; want %v, %v", name, a.Path, evs[j], errs[j], want, wantErr)
			}
		}
	}
}

// An Extract put in place of DefaultStages' own is the one a build calls for
// every article it extracts: DefaultStages must not carry an ExtractAll that
// would extract the cache misses without it.
func TestReplacedExtractOfDefaultStagesIsUsed(t *testing.T) {
	fs := afero.NewMemMapFs()
	opts := corpusSite(t, fs, "", 5)
	var calls atomic.Int64
	stages := DefaultStages()
	stages.Extract = func(a timeline.Article) []timeline.Event {
		calls.Add(1)
		return events.Extract(a)
	}
	opts.Stages = stages
	opts.NoCache = true
	if _, err := Build(fs, opts); err != nil {
		t.Fatal(err)
	}
	if got := calls.Load(); got != 5 {
		t.Errorf("the replaced Extract ran %d times for 5 articles", got)
	}
}
