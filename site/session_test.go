package site

import (
	"fmt"
	"path/filepath"
	"testing"

	"github.com/spf13/afero"

	"github.com/newsline/timeline/internal/newscorpus"
)

// A session's builds publish, file by file, what a --no-cache build does,
// over articles added, changed (also keeping their size) and deleted,
// overrides, a failed build, a build run by another process in between and a
// deleted cache folder; and they merge on the state kept in memory exactly
// when the cache folder still holds the state the session saved.
func TestSessionBuildsMatchAFullBuild(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a 20-article site a few dozen times")
	}
	fs := afero.NewMemMapFs()
	corpus := newscorpus.New(43)
	for i := 0; i < 20; i++ {
		writeFiles(t, fs, map[string]string{fmt.Sprintf("content/a%02d.md", i): string(corpus.Article(i))})
	}
	opts := Options{ContentDir: "content", SeedsDir: "-", OutDir: "public", CacheDir: "cache", Version: "session-test", Workers: 2}
	var s Session
	if _, err := s.Build(fs, opts); err != nil {
		t.Fatal(err)
	}
	if s.WarmBuilds() != 0 {
		t.Fatal("the first build of a session merged on a kept state")
	}
	someID := func() string {
		dirs, err := afero.ReadDir(fs, "public/events")
		if err != nil || len(dirs) == 0 {
			t.Fatalf("no event pages: %v", err)
		}
		return dirs[len(dirs)/2].Name()
	}
	steps := []struct {
		name  string
		edit  func()
		fails bool // the build must fail
		warm  bool // the build must merge on the kept state
	}{
		{"add", func() { writeFiles(t, fs, map[string]string{"content/b00.md": string(corpus.Article(100))}) }, false, true},
		{"change", func() { writeFiles(t, fs, map[string]string{"content/a03.md": string(corpus.Article(101))}) }, false, true},
		{"same-size edit", func() { sameSizeEdit(t, fs, "content/a05.md") }, false, true},
		{"delete", func() { fs.Remove("content/a07.md") }, false, true},
		{"overrides", func() {
			writeFiles(t, fs, map[string]string{"content/overrides.yaml": "- id: " + someID() + "\n  title: Corrected by the editor\n"})
		}, false, true},
		{"failing", func() {
			writeFiles(t, fs, map[string]string{"content/b01.md": string(corpus.Article(102)), "content/bad.txt": "BAD\n"})
		}, true, true},
		{"after a failed build", func() { fs.Remove("content/bad.txt") }, false, false},
		{"add after recovery", func() { writeFiles(t, fs, map[string]string{"content/b02.md": string(corpus.Article(103))}) }, false, true},
		{"another process built", func() {
			writeFiles(t, fs, map[string]string{"content/b03.md": string(corpus.Article(104))})
			if _, err := Build(fs, opts); err != nil {
				t.Fatal(err)
			}
			writeFiles(t, fs, map[string]string{"content/b04.md": string(corpus.Article(105))})
		}, false, false},
		{"overrides removed", func() { fs.Remove("content/overrides.yaml") }, false, true},
		{"cache deleted", func() { fs.RemoveAll("cache") }, false, false},
		{"add at last", func() { writeFiles(t, fs, map[string]string{"content/b05.md": string(corpus.Article(106))}) }, false, true},
	}
	for _, st := range steps {
		st.edit()
		before := s.WarmBuilds()
		_, err := s.Build(fs, opts)
		if warm := s.WarmBuilds() > before; warm != st.warm {
			t.Errorf("%s: merged on a kept state: %v, want %v", st.name, warm, st.warm)
		}
		if st.fails {
			if err == nil {
				t.Fatalf("%s: the build did not fail", st.name)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		checkSameAsFullBuild(t, fs, opts, st.name)
	}
}

// sameSizeEdit swaps two words of a file's text, keeping its size.
func sameSizeEdit(t *testing.T, fs afero.Fs, name string) {
	t.Helper()
	data := []byte(readFile(t, fs, name))
	for i := len(data) / 2; i+1 < len(data); i++ {
		if data[i] >= 'a' && data[i] <= 'z' && data[i+1] >= 'a' && data[i+1] <= 'z' && data[i] != data[i+1] {
			data[i], data[i+1] = data[i+1], data[i]
			break
		}
	}
	writeFiles(t, fs, map[string]string{name: string(data)})
}

// A session's kept state is only ever shortcut: a session in another cache
// folder or with --no-cache reads (or ignores) the files as Build does.
func TestSessionKeepsNothingAcrossCacheFoldersOrNoCache(t *testing.T) {
	fs := afero.NewMemMapFs()
	corpus := newscorpus.New(47)
	for i := 0; i < 4; i++ {
		writeFiles(t, fs, map[string]string{fmt.Sprintf("content/a%d.md", i): string(corpus.Article(i))})
	}
	opts := Options{ContentDir: "content", SeedsDir: "-", OutDir: "public", CacheDir: "cache", Version: "session-test", Workers: 2}
	var s Session
	if _, err := s.Build(fs, opts); err != nil {
		t.Fatal(err)
	}
	other := opts
	other.CacheDir, other.OutDir = "cache2", "public2"
	writeFiles(t, fs, map[string]string{"content/b.md": string(corpus.Article(10))})
	if _, err := s.Build(fs, other); err != nil {
		t.Fatal(err)
	}
	noCache := opts
	noCache.NoCache = true
	if _, err := s.Build(fs, noCache); err != nil {
		t.Fatal(err)
	}
	if n := s.WarmBuilds(); n != 0 {
		t.Errorf("%d builds merged on a kept state of another cache folder or with --no-cache", n)
	}
	checkSameAsFullBuild(t, fs, other, "other cache folder")
	checkSameAsFullBuild(t, fs, noCache, "no cache")
	if ok, _ := afero.Exists(fs, filepath.Join("cache", mergeStateFile)); !ok {
		t.Error("a --no-cache build of a session saved no merge state")
	}
}
