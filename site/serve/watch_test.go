package serve

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spf13/afero"

	"github.com/newsline/timeline/site"
)

// Paths watched but not there when the watcher starts (timeline.yaml, a
// seeds folder, one whose parent is missing too) are reported once they come,
// and what then happens in them is reported as for the others; so is a
// watched folder removed and made again.
func TestWatcherSeesPathsThatComeLater(t *testing.T) {
	dir := t.TempDir()
	content := filepath.Join(dir, "content")
	if err := os.MkdirAll(content, 0o755); err != nil {
		t.Fatal(err)
	}
	yaml, seeds, deep := filepath.Join(dir, "timeline.yaml"), filepath.Join(dir, "seeds"), filepath.Join(dir, "a", "b", "seeds")
	w, err := newWatcher([]string{content, yaml, seeds, deep}, 20*time.Millisecond, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer w.close()
	expect := func(w *watcher, want string, do func() error) {
		t.Helper()
		if err := do(); err != nil {
			t.Fatal(err)
		}
		deadline := time.After(10 * time.Second)
		var seen []string
		for {
			select {
			case names := <-w.changes:
				seen = append(seen, names...)
				for _, n := range names {
					if filepath.Clean(n) == want {
						return
					}
				}
			case <-deadline:
				t.Fatalf("no change reported for %s within 10s; reported %v", want, seen)
			}
		}
	}
	write := func(name string) func() error {
		return func() error { return os.WriteFile(name, []byte("title: x\n"), 0o644) }
	}
	expect(w, yaml, write(yaml))
	expect(w, yaml, write(yaml)) // watched now: edits are reported
	expect(w, filepath.Join(content, "overrides.yaml"), write(filepath.Join(content, "overrides.yaml")))
	expect(w, seeds, func() error { return os.Mkdir(seeds, 0o755) })
	expect(w, filepath.Join(seeds, "s.txt"), write(filepath.Join(seeds, "s.txt")))
	expect(w, deep, func() error { return os.MkdirAll(deep, 0o755) })
	expect(w, filepath.Join(deep, "t.txt"), write(filepath.Join(deep, "t.txt")))
	// Other names in the folders watched for them are not reported.
	if err := os.WriteFile(filepath.Join(dir, "notes.txt"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	select {
	case names := <-w.changes:
		t.Errorf("reported %v for a file not watched", names)
	case <-time.After(200 * time.Millisecond):
	}

	// A watched folder removed and made again is watched again, its parent
	// not watched otherwise.
	other := filepath.Join(dir, "x", "seeds")
	if err := os.MkdirAll(other, 0o755); err != nil {
		t.Fatal(err)
	}
	w2, err := newWatcher([]string{other}, 20*time.Millisecond, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer w2.close()
	expect(w2, other, func() error { return os.RemoveAll(other) })
	expect(w2, other, func() error { return os.Mkdir(other, 0o755) })
	expect(w2, filepath.Join(other, "u.txt"), write(filepath.Join(other, "u.txt")))
}

// A timeline.yaml made while the server runs is built, as a --no-cache build
// would (it was not watched when missing at the start). Real pipeline.
func TestServeRebuildsWhenTimelineYAMLComes(t *testing.T) {
	dir := t.TempDir()
	content, out := filepath.Join(dir, "content"), filepath.Join(dir, "public")
	if err := os.MkdirAll(content, 0o755); err != nil {
		t.Fatal(err)
	}
	body := "---\ntitle: \"The budget\"\ndate: 2024-06-14\n---\n\nOn 3 March 2024 the council approved the budget.\n"
	if err := os.WriteFile(filepath.Join(content, "a.md"), []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	builds := make(chan error, 100)
	srv := New(Config{
		Fs:       afero.NewOsFs(),
		Build:    site.Options{ContentDir: content, SeedsDir: "-", OutDir: out, CacheDir: filepath.Join(dir, "cache"), Version: "test"},
		Watch:    []string{content, filepath.Join(dir, "timeline.yaml")},
		Debounce: 50 * time.Millisecond,
		Log:      io.Discard,
		OnBuild:  func(_ site.Summary, err error) { builds <- err },
	})
	startServer(t, srv)
	select {
	case err := <-builds:
		if err != nil {
			t.Fatalf("first build: %v", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("no first build within 15s")
	}
	if err := os.WriteFile(filepath.Join(dir, "timeline.yaml"), []byte("title: Zorblat Gazette\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-builds:
		if err != nil {
			t.Fatalf("build: %v", err)
		}
		if index, _ := os.ReadFile(filepath.Join(out, "index.html")); !strings.Contains(string(index), "Zorblat Gazette") {
			t.Errorf("the rebuilt index.html lacks the title timeline.yaml sets")
		}
	case <-time.After(15 * time.Second):
		t.Fatal("no rebuild within 15s of timeline.yaml's coming")
	}
}
