package serve

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spf13/afero"

	"github.com/newsline/timeline/site"
)

// The server's builds take the load stage's walk from the listing its
// watcher tells of changes (ingest.Listing) and still see every edit: an
// article changed, one added in a new folder, one removed. Real pipeline.
func TestServeRebuildsFromTheWatchersListing(t *testing.T) {
	dir := t.TempDir()
	content, out := filepath.Join(dir, "content"), filepath.Join(dir, "public")
	if err := os.MkdirAll(content, 0o755); err != nil {
		t.Fatal(err)
	}
	article := func(name, word string) {
		t.Helper()
		body := fmt.Sprintf("---\ntitle: \"The %s budget\"\ndate: 2024-06-14\n---\n\nOn 3 March 2024 the council approved the %s budget.\n", word, word)
		if err := os.MkdirAll(filepath.Dir(filepath.Join(content, name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(content, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	article("a.md", "Zorblat")
	builds := make(chan error, 100)
	srv := New(Config{
		Fs:       afero.NewOsFs(),
		Build:    site.Options{ContentDir: content, SeedsDir: "-", OutDir: out, CacheDir: filepath.Join(dir, "cache"), Version: "test"},
		Watch:    []string{content},
		Debounce: 50 * time.Millisecond,
		Log:      io.Discard,
		OnBuild:  func(_ site.Summary, err error) { builds <- err },
	})
	startServer(t, srv)
	// waitFor waits for builds until the published events have (or lack) word.
	waitFor := func(word string, present bool) {
		t.Helper()
		deadline := time.After(15 * time.Second)
		for {
			select {
			case err := <-builds:
				if err != nil {
					t.Fatalf("build: %v", err)
				}
				csv, _ := os.ReadFile(filepath.Join(out, "events.csv"))
				if strings.Contains(string(csv), word) == present {
					return
				}
			case <-deadline:
				csv, _ := os.ReadFile(filepath.Join(out, "events.csv"))
				t.Fatalf("no build published events with %q present=%v; events.csv:\n%s", word, present, csv)
			}
		}
	}
	waitFor("Zorblat", true)
	article("a.md", "Quxnor")
	waitFor("Quxnor", true)
	article("sub/b.md", "Plimvar")
	waitFor("Plimvar", true)
	if err := os.Remove(filepath.Join(content, "a.md")); err != nil {
		t.Fatal(err)
	}
	waitFor("Quxnor", false)
	if n := srv.listing.Replays(); n < 3 {
		t.Errorf("%d rebuilds took their walk from the listing, want every one after the first (3)", n)
	}
}
