package site

import (
	"strings"
	"testing"

	"github.com/spf13/afero"

	"github.com/newsline/timeline/internal/newscorpus"
)

// The merge cache is only ever a speed-up: a damaged one is a warning, one of
// another tool version is ignored, and either way the site equals a build
// without caches.
func TestMergeCacheDamagedOrStaleStillBuildsTheSameSite(t *testing.T) {
	fs := afero.NewMemMapFs()
	corpus := newscorpus.New(5)
	for i := 0; i < 12; i++ {
		writeFiles(t, fs, map[string]string{"content/a" + string(rune('a'+i)) + ".md": string(corpus.Article(i))})
	}
	opts := Options{ContentDir: "content", SeedsDir: "-", OutDir: "public", CacheDir: "cache", Version: "v1", Workers: 2, MergeCache: true}
	if _, err := Build(fs, opts); err != nil {
		t.Fatal(err)
	}
	name := mergeCachePath(opts.CacheDir)
	data, err := afero.ReadFile(fs, name)
	if err != nil || !strings.HasPrefix(string(data), mergeCacheMagic+"v1\n") {
		t.Fatalf("merge cache not saved with its version: %v", err)
	}

	damaged := append([]byte(nil), data[:len(data)-3]...)
	writeFiles(t, fs, map[string]string{name: string(damaged), "content/zz.md": string(corpus.Article(40))})
	sum, err := Build(fs, opts)
	if err != nil {
		t.Fatal(err)
	}
	if len(sum.Warnings) != 1 || !strings.Contains(sum.Warnings[0], "merge.cache") {
		t.Errorf("damaged merge cache: warnings %q, want one naming merge.cache", sum.Warnings)
	}
	checkSameAsFullBuild(t, fs, opts, "damaged")

	stale := opts
	stale.Version = "v2"
	writeFiles(t, fs, map[string]string{"content/zy.md": string(corpus.Article(41))})
	if sum, err := Build(fs, stale); err != nil || len(sum.Warnings) != 0 {
		t.Fatalf("merge cache of another version: warnings %q, err %v; want none", sum.Warnings, err)
	}
	checkSameAsFullBuild(t, fs, stale, "other version")
	if data, _ := afero.ReadFile(fs, name); !strings.HasPrefix(string(data), mergeCacheMagic+"v2\n") {
		t.Error("the merge cache was not rewritten for the new version")
	}
}

// checkSameAsFullBuild builds the same content without caches elsewhere and
// compares the two sites file by file.
func checkSameAsFullBuild(t *testing.T, fs afero.Fs, opts Options, step string) {
	t.Helper()
	full := opts
	full.NoCache, full.OutDir, full.CacheDir = true, "public-full", "cache-full"
	if _, err := Build(fs, full); err != nil {
		t.Fatalf("%s, full build: %v", step, err)
	}
	want, got := relTree(t, fs, full.OutDir), relTree(t, fs, opts.OutDir)
	if len(got) != len(want) {
		t.Errorf("%s: the site has %d files, a full build %d", step, len(got), len(want))
	}
	for name, body := range want {
		if got[name] != body {
			t.Errorf("%s: %s differs from a full build", step, name)
		}
	}
}
