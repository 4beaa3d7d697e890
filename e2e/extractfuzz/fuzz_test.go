package extractfuzz

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/newsline/timeline/timeline"
	"github.com/newsline/timeline/timeline/events"
	"github.com/newsline/timeline/timeline/ingest"
	"github.com/newsline/timeline/timeline/merge"
)

// FuzzExtractPipeline drives the whole extract path on one article: ingest.Parse
// (front matter or raw text), date resolution and events.Extract (which the
// build runs under a recover, so a panic here would only be hidden there),
// then merge.Merge. It checks the contracts later stages rely on: offsets
// inside the file, mentions naming their article, dates with a sane span,
// unique non-empty IDs, events in date order.
//
// Seeds: the demo articles, the hostile corpus, and testdata/fuzz/FuzzExtractPipeline/.
// Run: go test -run '^$' -fuzz '^FuzzExtractPipeline$' -fuzztime 20s ./e2e/extractfuzz
func FuzzExtractPipeline(f *testing.F) {
	for _, pattern := range []string{"seeds/*.txt", "content/*.md", "testdata/hostile/content/*.md", "timeline/events/testdata/*.md"} {
		files, _ := filepath.Glob(filepath.Join(repoRoot(), pattern))
		for _, file := range files {
			if data, err := os.ReadFile(file); err == nil && len(data) < 64<<10 {
				f.Add(data, filepath.Ext(file) == ".md")
			}
		}
	}
	f.Add([]byte("On 3 May 2021 the talks began; the next day they ended. A year later, in 2022-Q3, between 2018 and 2020."), false)
	f.Add([]byte("---\ntitle: x\ndate: 2024-06-14\n---\nYesterday. Last week. In the 1990s. On Monday, 12 June."), true)
	published := time.Date(2024, 6, 14, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, raw []byte, markdown bool) {
		path := "fuzz.txt"
		if markdown {
			path = "fuzz.md"
		}
		a, err := ingest.Parse(path, raw, nil, ingest.Options{Date: published})
		if err != nil {
			return // refusing bad input with an error is the contract; ingest's own fuzzers check the error
		}
		a.Slug = "fuzz"
		evs := events.Extract(a)
		for i, e := range evs {
			checkEvent(t, a, e, i)
		}
		tl := merge.Merge([]timeline.Article{a}, [][]timeline.Event{evs})
		seen := map[string]bool{}
		for i, e := range tl.Events {
			if e.ID == "" || seen[e.ID] {
				t.Fatalf("merged event %d has an empty or repeated ID %q", i, e.ID)
			}
			seen[e.ID] = true
			if i > 0 && tl.Events[i-1].Start.Compare(e.Start) > 0 {
				t.Fatalf("merged events out of order: %s before %s", tl.Events[i-1].Start, e.Start)
			}
			checkEvent(t, a, e, i)
		}
	})
}

// repoRoot is the module root, two levels above this folder.
func repoRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Dir(filepath.Dir(filepath.Dir(file)))
}

// checkEvent checks one event against the article it came from.
func checkEvent(t *testing.T, a timeline.Article, e timeline.Event, i int) {
	t.Helper()
	inFile := func(s timeline.Span) bool { return 0 <= s.Start && s.Start <= s.End && s.End <= len(a.Raw) }
	checkDate := func(what string, d timeline.Date) {
		if !d.IsZero() && !d.Start.Before(d.End) {
			t.Fatalf("event %d: %s %q covers no time: [%v, %v)", i, what, d.Value, d.Start, d.End)
		}
	}
	checkDate("start", e.Start)
	if e.End != nil {
		checkDate("end", *e.End)
		if !e.Start.IsZero() && !e.End.IsZero() && e.End.End.Before(e.Start.Start) {
			t.Fatalf("event %d: ends (%s) before it starts (%s)", i, e.End.Value, e.Start.Value)
		}
	}
	for _, m := range e.Mentions {
		if m.Article != a.Slug {
			t.Fatalf("event %d: mention names article %q, want %q", i, m.Article, a.Slug)
		}
		if !inFile(m.Sentence) {
			t.Fatalf("event %d: sentence span %+v outside the %d-byte file", i, m.Sentence, len(a.Raw))
		}
		if m.Timex != nil && !inFile(*m.Timex) {
			t.Fatalf("event %d: date span %+v outside the %d-byte file", i, *m.Timex, len(a.Raw))
		}
	}
}
