package site

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/spf13/afero"

	"github.com/newsline/timeline/internal/newscorpus"
)

// openCounter counts the article files opened through it (not _index.md, which
// the site settings are read from).
type openCounter struct {
	afero.Fs
	mu     sync.Mutex
	opened map[string]int
}

func (c *openCounter) Open(name string) (afero.File, error) {
	if strings.HasSuffix(name, ".md") && !strings.HasSuffix(name, "_index.md") {
		c.mu.Lock()
		c.opened[name]++
		c.mu.Unlock()
	}
	return c.Fs.Open(name)
}

func (c *openCounter) reset() map[string]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	got := c.opened
	c.opened = map[string]int{}
	return got
}

// statSite writes n generated articles last modified an hour ago (old enough
// to be trusted by their stat) and builds them once.
func statSite(t *testing.T, n int) (*openCounter, Options, time.Time) {
	t.Helper()
	fs := &openCounter{Fs: afero.NewMemMapFs(), opened: map[string]int{}}
	corpus := newscorpus.New(5)
	old := time.Now().Add(-time.Hour).Truncate(time.Second)
	for i := 0; i < n; i++ {
		name := fmt.Sprintf("content/a%02d.md", i)
		writeFiles(t, fs, map[string]string{name: string(corpus.Article(i))})
		if err := fs.Chtimes(name, old, old); err != nil {
			t.Fatal(err)
		}
	}
	opts := Options{ContentDir: "content", SeedsDir: "-", OutDir: "public", CacheDir: "cache", Version: "stat-test"}
	if _, err := Build(fs, opts); err != nil {
		t.Fatal(err)
	}
	if got := fs.reset(); len(got) != n {
		t.Fatalf("the first build opened %d of the %d articles", len(got), n)
	}
	return fs, opts, old
}

// A rebuild opens no unchanged article (same path, size and time), opens a
// touched one again, and publishes what a build without caches publishes.
func TestUnchangedArticlesAreNotOpened(t *testing.T) {
	fs, opts, _ := statSite(t, 6)
	sum, err := Build(fs, opts)
	if err != nil {
		t.Fatal(err)
	}
	if got := fs.reset(); len(got) != 0 || sum.Parsed != 0 || sum.Articles != 6 {
		t.Errorf("rebuild opened %v, parsed %d, kept %d articles; want none, 0, 6", got, sum.Parsed, sum.Articles)
	}
	checkSameAsFullBuild(t, fs, opts, "unchanged")
	fs.reset() // that build read every file, as --no-cache does

	later := time.Now().Add(-time.Minute)
	if err := fs.Chtimes("content/a03.md", later, later); err != nil {
		t.Fatal(err)
	}
	if _, err := Build(fs, opts); err != nil {
		t.Fatal(err)
	}
	if got := fs.reset(); len(got) != 1 || got["content/a03.md"] != 1 {
		t.Errorf("after touching a03 the rebuild opened %v, want a03 alone", got)
	}
}

// The known limit, as with make and Hugo: an edit keeping the size and the
// modification time is not seen until the time changes or --no-cache.
func TestEditKeepingSizeAndTimeIsSeenOnlyWithNoCache(t *testing.T) {
	fs, opts, old := statSite(t, 3)
	raw := readFile(t, fs, "content/a01.md")
	i := strings.LastIndex(raw, "the ")
	if i < 0 {
		t.Fatal("no word to edit")
	}
	edited := raw[:i] + "THE " + raw[i+4:]
	writeFiles(t, fs, map[string]string{"content/a01.md": edited})
	if err := fs.Chtimes("content/a01.md", old, old); err != nil {
		t.Fatal(err)
	}
	if sum, err := Build(fs, opts); err != nil || sum.Parsed != 0 {
		t.Fatalf("same size and time: parsed %d, %v; want the cached bytes (0 parsed)", sum.Parsed, err)
	}
	noCache := opts
	noCache.NoCache = true
	if sum, err := Build(fs, noCache); err != nil || sum.Parsed != 3 {
		t.Fatalf("--no-cache: parsed %d, %v; want every file read again", sum.Parsed, err)
	}
	page := readFile(t, fs, "public/articles/a01/index.html")
	if !strings.Contains(page, "THE ") {
		t.Error("--no-cache did not publish the edit")
	}
}

// A file modified within racyWindow of the build may yet change within its
// timestamp's granularity: it is read on every build until it is older.
func TestRecentlyModifiedArticlesAreReadEveryBuild(t *testing.T) {
	fs := &openCounter{Fs: afero.NewMemMapFs(), opened: map[string]int{}}
	writeFiles(t, fs, map[string]string{"content/new.md": string(newscorpus.New(5).Article(0))})
	opts := Options{ContentDir: "content", SeedsDir: "-", OutDir: "public", CacheDir: "cache", Version: "stat-test"}
	for i := 0; i < 2; i++ {
		if _, err := Build(fs, opts); err != nil {
			t.Fatal(err)
		}
		if got := fs.reset(); got["content/new.md"] != 1 {
			t.Errorf("build %d opened %v, want content/new.md", i+1, got)
		}
	}
}
