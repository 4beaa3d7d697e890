package site

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/spf13/afero"

	"github.com/newsline/timeline/internal/newscorpus"
	"github.com/newsline/timeline/timeline"
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

// fileOpens counts the files opened through it below a folder.
type fileOpens struct {
	afero.Fs
	below  string
	mu     sync.Mutex
	opened map[string]int
}

func countOpens(fs afero.Fs, below string) *fileOpens {
	return &fileOpens{Fs: fs, below: below, opened: map[string]int{}}
}

func (c *fileOpens) Open(name string) (afero.File, error) {
	c.note(name)
	return c.Fs.Open(name)
}

func (c *fileOpens) OpenFile(name string, flag int, perm os.FileMode) (afero.File, error) {
	c.note(name)
	return c.Fs.OpenFile(name, flag, perm)
}

func (c *fileOpens) note(name string) {
	if ext := filepath.Ext(name); strings.HasPrefix(name, c.below) && (ext == ".md" || ext == ".txt" || ext == ".yaml") {
		c.mu.Lock()
		c.opened[strings.TrimPrefix(name, c.below)]++
		c.mu.Unlock()
	}
}

func (c *fileOpens) reset() map[string]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	got := c.opened
	c.opened = map[string]int{}
	return got
}

// checkFrontAsNoCache compares a cached front half's result with a --no-cache
// run's on the same files: the same articles, keys, events and errors.
func checkFrontAsNoCache(t *testing.T, fs afero.Fs, opts Options, got front, step string) {
	t.Helper()
	cold := opts
	cold.NoCache, cold.CacheDir = true, opts.CacheDir+"-cold"
	want := runFront(t, fs, cold)
	if !reflect.DeepEqual(errorTexts(got.errs), errorTexts(want.errs)) {
		t.Errorf("%s: errors %q, a no-cache run's %q", step, errorTexts(got.errs), errorTexts(want.errs))
	}
	if len(got.x.articles) != len(want.x.articles) {
		t.Fatalf("%s: %d articles, a no-cache run has %d", step, len(got.x.articles), len(want.x.articles))
	}
	for i, a := range want.x.articles {
		if !reflect.DeepEqual(decoded(got.x.articles[i]), a) {
			t.Errorf("%s: article %s differs from a no-cache run's", step, a.Path)
		}
		if got.x.keys[i] != want.x.keys[i] {
			t.Errorf("%s: article %s has another extraction key", step, a.Path)
		}
		if g, w := got.x.eventsOf(i), want.x.eventsOf(i); !reflect.DeepEqual(g, w) && len(g)+len(w) > 0 {
			t.Errorf("%s: article %s has other events", step, a.Path)
		}
	}
}

// decoded is a with its offset map decoded if it was left encoded
// (lazyOffsets): the article a parse gives.
func decoded(a timeline.Article) timeline.Article {
	if l, ok := a.Offsets.(*lazyOffsets); ok {
		a.Offsets = l.get()
	}
	return a
}

func errorTexts(errs []error) []string {
	var out []string
	for _, err := range errs {
		out = append(out, err.Error())
	}
	return out
}

// recallSite is a site of generated Markdown articles and raw texts with
// sidecars, in content/ and seeds/, modified an hour ago, built once.
func recallSite(t *testing.T, fs *fileOpens, root string) (Options, time.Time) {
	t.Helper()
	opts := corpusSite(t, fs, root, 8)
	opts.SeedsDir = root + "seeds"
	old := time.Now().Add(-time.Hour).Truncate(time.Second)
	files := map[string]string{
		root + "content/r1.txt": "Officials said on Monday that the bridge would reopen.\n", root + "content/r1.yaml": "date: 2024-06-14\ntitle: R1\n",
		root + "seeds/s1.txt": "The report was published on 3 May 2024.\n", root + "seeds/s1.yaml": "date: 2024-06-10\n",
		root + "seeds/undated.txt": "No sidecar, so not built.\n",
	}
	writeFiles(t, fs, files)
	for name := range files {
		if err := fs.Chtimes(name, old, old); err != nil {
			t.Fatal(err)
		}
	}
	first := runFront(t, fs, opts)
	if len(first.errs) != 0 || len(first.x.articles) != 10 || first.parsed != 11 {
		t.Fatalf("first run: %d articles, %d parsed, errors %v", len(first.x.articles), first.parsed, first.errs)
	}
	fs.reset()
	return opts, old
}

// An unchanged article file (and its sidecar) is neither opened nor parsed
// nor hashed: the article, its bytes and its extraction key come from the
// pack, and the result is a no-cache run's.
func TestUnchangedFilesAreRecalled(t *testing.T) {
	fs := countOpens(afero.NewMemMapFs(), "")
	opts, _ := recallSite(t, fs, "")
	if c := openExtractCache(fs, "cache", opts.Version, true, false); !c.indexed || len(c.records) < 30 {
		t.Errorf("the pack's index was not used (%d records): its tail or offsets are wrong", len(c.records))
	}
	got := runFront(t, fs, opts)
	opened := fs.reset()
	for name := range opened {
		if strings.HasPrefix(name, "content/") || name == "seeds/s1.txt" || name == "seeds/s1.yaml" {
			t.Errorf("opened %s", name)
		}
	}
	if opened["seeds/undated.txt"] != 1 {
		t.Errorf("opened %v: the undated seed, never recorded, must be read", opened)
	}
	if got.parsed != 1 || got.x.hits != 10 || len(got.cache.known) != 10 {
		t.Errorf("parsed %d, %d hits, %d keys known; want 1 (the undated seed), 10, 10", got.parsed, got.x.hits, len(got.cache.known))
	}
	checkFrontAsNoCache(t, fs, opts, got, "unchanged")
}

// Every change an editor makes is seen: the changed file alone is read again
// (and parsed only when its bytes or its sidecar's changed), and the result
// is a no-cache run's.
func TestChangedFilesAreReadAgain(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change func(t *testing.T, fs afero.Fs, old time.Time)
		opened []string
		parsed int // besides the undated seed
		after  int // parsed by the run after, besides the undated seed
	}{
		{"edit keeping the size", func(t *testing.T, fs afero.Fs, old time.Time) {
			replaceSameSize(t, fs, "content/a03.md")
			chtimes(t, fs, "content/a03.md", old.Add(time.Second))
		}, []string{"content/a03.md"}, 1, 0},
		{"touch", func(t *testing.T, fs afero.Fs, old time.Time) {
			chtimes(t, fs, "content/a04.md", old.Add(time.Second))
		}, []string{"content/a04.md"}, 0, 0},
		{"rename", func(t *testing.T, fs afero.Fs, old time.Time) {
			if err := fs.Rename("content/a05.md", "content/z05.md"); err != nil {
				t.Fatal(err)
			}
		}, []string{"content/z05.md"}, 1, 0},
		{"delete", func(t *testing.T, fs afero.Fs, old time.Time) {
			if err := fs.Remove("content/a06.md"); err != nil {
				t.Fatal(err)
			}
		}, nil, 0, 0},
		{"sidecar edit", func(t *testing.T, fs afero.Fs, old time.Time) {
			writeFiles(t, fs, map[string]string{"content/r1.yaml": "date: 2024-06-15\ntitle: R1\n"})
			chtimes(t, fs, "content/r1.yaml", old.Add(time.Second))
		}, []string{"content/r1.txt", "content/r1.yaml"}, 1, 0},
		{"sidecar removed", func(t *testing.T, fs afero.Fs, old time.Time) {
			if err := fs.Remove("seeds/s1.yaml"); err != nil {
				t.Fatal(err)
			}
		}, []string{"seeds/s1.txt"}, 1, 1}, // undated now: never recorded
		{"sidecar added", func(t *testing.T, fs afero.Fs, old time.Time) {
			writeFiles(t, fs, map[string]string{"seeds/undated.yaml": "date: 2024-01-02\n"})
			chtimes(t, fs, "seeds/undated.yaml", old)
		}, []string{"seeds/undated.yaml"}, 0, -1}, // dated now: recorded (its .txt is read every build before)
	} {
		t.Run(tc.name, func(t *testing.T) {
			fs := countOpens(afero.NewMemMapFs(), "")
			opts, old := recallSite(t, fs, "")
			tc.change(t, fs, old)
			fs.reset()
			got := runFront(t, fs, opts)
			opened := fs.reset()
			delete(opened, "seeds/undated.txt") // read by every build
			want := map[string]int{}
			for _, name := range tc.opened {
				want[name] = 1
			}
			if !reflect.DeepEqual(opened, want) || got.parsed != tc.parsed+1 {
				t.Errorf("opened %v, parsed %d; want %v and %d (+1, the undated seed)", opened, got.parsed, want, tc.parsed)
			}
			checkFrontAsNoCache(t, fs, opts, got, tc.name)
			// The next run recalls the changed file too.
			fs.reset()
			if again := runFront(t, fs, opts); again.parsed != tc.after+1 {
				t.Errorf("the run after: parsed %d, want %d", again.parsed, tc.after+1)
			}
			opened = fs.reset()
			delete(opened, "seeds/undated.txt")
			delete(opened, "seeds/s1.txt") // in "sidecar removed", undated now
			if len(opened) != 0 {
				t.Errorf("the run after opened %v", opened)
			}
		})
	}
}

// A file modified just before (or during) the build may change again within
// its timestamp's granularity: it is read by every build until it is older
// (git's racy rule), and its result is still a no-cache run's.
func TestRacyFilesAreReadEveryBuild(t *testing.T) {
	fs := countOpens(afero.NewMemMapFs(), "")
	opts, _ := recallSite(t, fs, "")
	writeFiles(t, fs, map[string]string{"content/a02.md": string(newscorpus.New(9).Article(50))})
	fs.reset()
	for i := 0; i < 2; i++ {
		got := runFront(t, fs, opts)
		if opened := fs.reset(); opened["content/a02.md"] != 1 {
			t.Errorf("run %d opened %v, want content/a02.md", i+1, opened)
		}
		checkFrontAsNoCache(t, fs, opts, got, "racy")
		fs.reset()
	}
}

// On the operating system's file system an edit that keeps the size and sets
// the modification time back is seen (the status-change time moved), and so
// is a file replaced by renaming another over it (the inode changed).
func TestEditKeepingSizeAndTimeIsSeenOnTheOSFileSystem(t *testing.T) {
	root := t.TempDir() + "/"
	fs := countOpens(afero.NewOsFs(), root)
	opts, _ := recallSite(t, fs, root)
	before, err := fs.Stat(root + "content/a01.md")
	if err != nil {
		t.Fatal(err)
	}
	replaceSameSize(t, fs, root+"content/a01.md")
	chtimes(t, fs, root+"content/a01.md", before.ModTime())
	fs.reset()
	got := runFront(t, fs, opts)
	if opened := fs.reset(); opened["content/a01.md"] != 1 || got.parsed != 2 {
		t.Errorf("same size and time: opened %v, parsed %d; want content/a01.md read and parsed", opened, got.parsed)
	}
	checkFrontAsNoCache(t, fs, opts, got, "same size and time")

	// Renamed over: same bytes, size and time, another inode.
	raw := readFile(t, fs, root+"content/a02.md")
	before, err = fs.Stat(root + "content/a02.md")
	if err != nil {
		t.Fatal(err)
	}
	writeFiles(t, fs, map[string]string{root + "content/new.tmp": raw})
	chtimes(t, fs, root+"content/new.tmp", before.ModTime())
	if err := fs.Rename(root+"content/new.tmp", root+"content/a02.md"); err != nil {
		t.Fatal(err)
	}
	fs.reset()
	got = runFront(t, fs, opts)
	if opened := fs.reset(); opened["content/a02.md"] != 1 {
		t.Errorf("renamed over: opened %v, want content/a02.md read", opened)
	}
	checkFrontAsNoCache(t, fs, opts, got, "renamed over")
}

// replaceSameSize changes one letter of a file, keeping its size.
func replaceSameSize(t *testing.T, fs afero.Fs, name string) {
	t.Helper()
	raw := readFile(t, fs, name)
	i := strings.LastIndex(raw, "the ")
	if i < 0 {
		t.Fatalf("%s: no word to edit", name)
	}
	writeFiles(t, fs, map[string]string{name: raw[:i] + "THE " + raw[i+4:]})
}

func chtimes(t *testing.T, fs afero.Fs, name string, at time.Time) {
	t.Helper()
	if err := fs.Chtimes(name, at, at); err != nil {
		t.Fatal(err)
	}
}
