package render

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/afero"

	"github.com/newsline/timeline/timeline"
	"github.com/newsline/timeline/timeline/events"
	"github.com/newsline/timeline/timeline/ingest"
	"github.com/newsline/timeline/timeline/merge"
)

// seedTimeline runs the real pipeline (ingest, events, merge) over the
// project's content/ and seeds/ folders, copied into a MemMapFs.
func seedTimeline(t testing.TB) (timeline.Timeline, Config) {
	t.Helper()
	mem := afero.NewMemMapFs()
	for _, dir := range []string{"content", "seeds"} {
		entries, err := os.ReadDir(filepath.Join("..", dir))
		if err != nil {
			t.Skipf("no ../%s: %v", dir, err)
		}
		for _, e := range entries {
			if e.IsDir() {
				continue
			}
			data, err := os.ReadFile(filepath.Join("..", dir, e.Name()))
			if err != nil {
				t.Fatal(err)
			}
			if err := afero.WriteFile(mem, filepath.Join("/site", dir, e.Name()), data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	articles, errs := ingest.Load(mem, []string{"/site/content", "/site/seeds"}, ingest.Options{})
	for _, err := range errs {
		t.Errorf("ingest: %v", err)
	}
	per := make([][]timeline.Event, len(articles))
	for i, a := range articles {
		per[i] = events.Extract(a)
	}
	cfg, err := LoadConfig(mem, "/site/content")
	if err != nil {
		t.Fatal(err)
	}
	return merge.Merge(articles, per), cfg
}

// TestSeedSite builds the demo site from the seed article and checks what a
// reader meets: the seed's dates at their precision, every article's dated
// expressions marked, the budget, and byte-identical rebuilds.
func TestSeedSite(t *testing.T) {
	tl, cfg := seedTimeline(t)
	if len(tl.Events) == 0 {
		t.Skip("the pipeline found no events yet (extractor stubbed?)")
	}
	files := build(t, tl, cfg)
	again := build(t, tl, cfg)
	for p := range files {
		if files[p] != again[p] {
			t.Errorf("%s differs between two builds", p)
		}
	}
	index := files["index.html"]
	for _, ev := range tl.Events {
		if !strings.Contains(index, `id="e-`+ev.ID+`"`) {
			t.Errorf("index lacks event %s", ev.ID)
		}
		if _, ok := files["events/"+ev.ID+"/index.html"]; !ok {
			t.Errorf("no page for event %s", ev.ID)
		}
	}
	// The seed says "September 2023" and "2020": shown at month and year precision.
	for _, want := range []string{`<time datetime="2023-09">September 2023</time>`, `<time datetime="2020">2020</time>`} {
		if !strings.Contains(index, want) {
			t.Errorf("seed index lacks %s", want)
		}
	}
	for _, a := range tl.Articles {
		page := files["articles/"+a.Slug+"/index.html"]
		if page == "" {
			t.Errorf("no page for article %s", a.Slug)
			continue
		}
		if !strings.Contains(page, "<mark id=") {
			t.Errorf("article %s: no dated expression marked", a.Slug)
		}
	}
	total := len(index) + len(files["assets/site.css"]) + len(files["assets/site.js"])
	t.Logf("seed site: %d events, %d files; index.html %d B + CSS %d B + JS %d B = %d B",
		len(tl.Events), len(files), len(index), len(files["assets/site.css"]), len(files["assets/site.js"]), total)
	if total > 50*1024 {
		t.Errorf("seed timeline page with CSS and JS weighs %d bytes, budget 50 KB", total)
	}
}
