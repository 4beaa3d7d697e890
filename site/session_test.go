package site

import (
	"fmt"
	"path/filepath"
	"testing"
	"time"

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
	// Files just written are trusted by their stamps (racyWindow), so that
	// file records are kept, recalled and superseded as in an editor's day.
	defer func(w time.Duration) { racyWindow = w }(racyWindow)
	racyWindow = -time.Hour
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
	// pack: the cache opens from the records kept in memory (not after a
	// build that wrote the pack anew: the first, or one after the cache
	// folder was deleted).
	steps := []struct {
		name  string
		edit  func()
		fails bool // the build must fail
		warm  bool // the build must merge on the kept state
		pack  bool // the build must open the cache from kept records
	}{
		{"add", func() { writeFiles(t, fs, map[string]string{"content/b00.md": string(corpus.Article(100))}) }, false, true, false},
		{"change", func() { writeFiles(t, fs, map[string]string{"content/a03.md": string(corpus.Article(101))}) }, false, true, true},
		{"same-size edit", func() { sameSizeEdit(t, fs, "content/a05.md") }, false, true, true},
		{"delete", func() { fs.Remove("content/a07.md") }, false, true, true},
		{"overrides", func() {
			writeFiles(t, fs, map[string]string{"content/overrides.yaml": "- id: " + someID() + "\n  title: Corrected by the editor\n"})
		}, false, true, true},
		{"failing", func() {
			writeFiles(t, fs, map[string]string{"content/b01.md": string(corpus.Article(102)), "content/bad.txt": "BAD\n"})
		}, true, true, true},
		{"after a failed build", func() { fs.Remove("content/bad.txt") }, false, false, false},
		{"add after recovery", func() { writeFiles(t, fs, map[string]string{"content/b02.md": string(corpus.Article(103))}) }, false, true, true},
		{"another process built", func() {
			writeFiles(t, fs, map[string]string{"content/b03.md": string(corpus.Article(104))})
			s.Wait() // the session's state is saved: the builds do not overlap
			if _, err := Build(fs, opts); err != nil {
				t.Fatal(err)
			}
			writeFiles(t, fs, map[string]string{"content/b04.md": string(corpus.Article(105))})
		}, false, false, false},
		{"overrides removed", func() { fs.Remove("content/overrides.yaml") }, false, true, true},
		{"cache deleted", func() { fs.RemoveAll("cache") }, false, false, false},
		{"add after the cache was deleted", func() { writeFiles(t, fs, map[string]string{"content/b05.md": string(corpus.Article(106))}) }, false, true, false},
		{"add at last", func() { writeFiles(t, fs, map[string]string{"content/b06.md": string(corpus.Article(107))}) }, false, true, true},
	}
	for _, st := range steps {
		st.edit()
		before, packs := s.WarmBuilds(), s.KeptPacks()
		_, err := s.Build(fs, opts)
		if warm := s.WarmBuilds() > before; warm != st.warm {
			t.Errorf("%s: merged on a kept state: %v, want %v", st.name, warm, st.warm)
		}
		if kept := s.KeptPacks() > packs; kept != st.pack {
			t.Errorf("%s: opened the cache from kept records: %v, want %v", st.name, kept, st.pack)
		}
		if err == nil {
			checkKeptPack(t, fs, &s, opts, st.name)
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
	s.Wait()
	// A fresh process after the session starts from the state it saved.
	writeFiles(t, fs, map[string]string{"content/b07.md": string(corpus.Article(108))})
	sum, err := Build(fs, opts)
	if err != nil {
		t.Fatal(err)
	}
	if len(sum.Warnings) > 0 || sum.Replanned*5 > sum.Events {
		t.Errorf("a build after the session: warnings %q, re-planned %d of %d events (want a few)", sum.Warnings, sum.Replanned, sum.Events)
	}
	checkSameAsFullBuild(t, fs, opts, "a build after the session")
}

// checkKeptPack checks that the records a session kept are those a build
// opening the pack would find: same keys, payloads, offsets and dead count.
func checkKeptPack(t *testing.T, fs afero.Fs, s *Session, opts Options, step string) {
	t.Helper()
	k := s.pack
	if k == nil {
		return // the build wrote the pack anew (the next step says)
	}
	opened := openExtractCache(fs, opts.CacheDir, opts.Version, true, false)
	if len(opened.warnings) > 0 || !opened.indexed {
		t.Fatalf("%s: the pack did not open cleanly: %v (indexed %v)", step, opened.warnings, opened.indexed)
	}
	if len(k.records) != len(opened.records) || k.dead != opened.dead || k.size != opened.size {
		t.Errorf("%s: kept %d records, %d dead, %d bytes; the pack has %d, %d, %d", step,
			len(k.records), k.dead, k.size, len(opened.records), opened.dead, opened.size)
	}
	for key, e := range opened.records {
		if got, ok := k.records[key]; !ok || got != e {
			t.Errorf("%s: kept record %x differs from the pack's", step, key[:4])
			return
		}
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
	s.Wait()
	checkSameAsFullBuild(t, fs, other, "other cache folder")
	checkSameAsFullBuild(t, fs, noCache, "no cache")
	if ok, _ := afero.Exists(fs, filepath.Join("cache", mergeStateFile)); !ok {
		t.Error("a --no-cache build of a session saved no merge state")
	}
}
