package merge_test

import (
	"testing"

	"github.com/spf13/afero"

	"github.com/newsline/timeline/timeline"
	"github.com/newsline/timeline/timeline/events"
	"github.com/newsline/timeline/timeline/ingest"
	"github.com/newsline/timeline/timeline/merge"
)

// TestDemoBackgroundMergesWithSeed runs the real ingest and extraction on the
// demo content: the sample background article restates only what the seed
// article says, so every dated event it tells must merge with one the seed
// tells, and the demo shows events merged from two articles.
func TestDemoBackgroundMergesWithSeed(t *testing.T) {
	fs := afero.NewBasePathFs(afero.NewOsFs(), "../..")
	if ok, _ := afero.Exists(fs, "content/background-south-caucasus.md"); !ok {
		t.Skip("demo content absent")
	}
	articles, errs := ingest.Load(fs, []string{"content", "seeds"}, ingest.Options{OptionalDateDirs: []string{"seeds"}})
	if len(errs) > 0 {
		t.Fatalf("loading the demo: %v", errs)
	}
	var per [][]timeline.Event
	for _, a := range articles {
		per = append(per, events.Extract(a))
	}
	tl := merge.Merge(articles, per)

	const background = "background-south-caucasus"
	merged := 0
	for _, e := range tl.Events {
		slugs := map[string]bool{}
		for _, m := range e.Mentions {
			slugs[m.Article] = true
		}
		if !slugs[background] || e.Lead {
			continue
		}
		if len(slugs) < 2 {
			t.Errorf("background event %s %q merges with nothing the seed tells", e.Start, e.Title)
			continue
		}
		merged++
	}
	if merged == 0 {
		t.Error("no event is merged from the background article and the seed")
	}
}
