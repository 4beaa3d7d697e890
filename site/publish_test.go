package site

import (
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"unicode"

	"github.com/spf13/afero"
)

func TestFailedWriteLeavesThePreviousSiteAndNoTemporaryFolder(t *testing.T) {
	mem, _, opts := newSite(t)
	if _, err := Build(mem, opts); err != nil {
		t.Fatal(err)
	}
	before := tree(t, mem, "public")
	writeFiles(t, mem, map[string]string{"content/c.txt": "gamma\n", "content/template.tmpl": "<html>v2"})
	// One cache entry is written for the new article, then pages: fail the 3rd page.
	fs := &failFs{Fs: mem, failAt: 4}
	_, err := Build(fs, opts)
	if err == nil || !errors.Is(err, errDiskFull) {
		t.Fatalf("err = %v, want the simulated write failure", err)
	}
	if after := tree(t, mem, "public"); !reflect.DeepEqual(before, after) {
		t.Errorf("the previous site changed:\nbefore %v\nafter  %v", before, after)
	}
	if got := siblings(t, mem); len(got) != 4 {
		t.Errorf("working folder = %v, want no temporary folder", got)
	}
}

func TestKilledBuildLeavesThePreviousSiteAndTheNextBuildCleansUp(t *testing.T) {
	mem, _, opts := newSite(t)
	if _, err := Build(mem, opts); err != nil {
		t.Fatal(err)
	}
	before := tree(t, mem, "public")
	writeFiles(t, mem, map[string]string{"content/template.tmpl": "<html>v2"})
	// The process "dies" at the 2nd page write: nothing after it runs, not even cleanup.
	if _, err := Build(&failFs{Fs: mem, failAt: 2, crash: true}, opts); err == nil {
		t.Fatal("a build that died reported success")
	}
	if after := tree(t, mem, "public"); !reflect.DeepEqual(before, after) {
		t.Errorf("the previous site changed")
	}
	var leftovers []string
	for _, name := range siblings(t, mem) {
		if strings.HasPrefix(name, "public.tmp-") {
			leftovers = append(leftovers, name)
		}
	}
	if len(leftovers) != 1 {
		t.Fatalf("working folder = %v, want the dead build's temporary folder", siblings(t, mem))
	}
	sum, err := Build(mem, opts)
	if err != nil {
		t.Fatal(err)
	}
	if got := siblings(t, mem); len(got) != 4 {
		t.Errorf("working folder = %v, want the stale folder removed", got)
	}
	if len(sum.Warnings) != 1 || !strings.Contains(sum.Warnings[0], "removed public.tmp-") {
		t.Errorf("warnings = %v", sum.Warnings)
	}
	if got := readFile(t, mem, "public/index.html"); !strings.HasPrefix(got, "<html>v2") {
		t.Errorf("index = %q", got)
	}
}

func TestBuildKilledDuringTheSwapIsRepaired(t *testing.T) {
	mem, _, opts := newSite(t)
	if _, err := Build(mem, opts); err != nil {
		t.Fatal(err)
	}
	// The old site was moved aside, then the process died before the new one moved in.
	before := tree(t, mem, "public")
	if err := mem.Rename("public", "public.old-00000000dead"); err != nil {
		t.Fatal(err)
	}
	writeFiles(t, mem, map[string]string{"public.tmp-00000000dead/" + buildMarker: "", "public.tmp-00000000dead/half/p": "x"})
	warns, err := cleanStale(mem, "public", 2)
	if err != nil {
		t.Fatal(err)
	}
	if after := tree(t, mem, "public"); !reflect.DeepEqual(before, after) {
		t.Errorf("the previous site was not restored: %v", after)
	}
	if len(warns) != 2 || len(siblings(t, mem)) != 4 {
		t.Errorf("warnings %v, folder %v", warns, siblings(t, mem))
	}
}

func TestCheckPagePath(t *testing.T) {
	for _, ok := range []string{"index.html", "events/abc/index.html", "a.b/c..d.html"} {
		if err := checkPagePath(ok); err != nil {
			t.Errorf("%q: %v", ok, err)
		}
	}
	for _, bad := range []string{"", ".", "..", "../x", "a/../b", "/etc/passwd", "a/", "./a", "a\\b", "c:x", "a\x00b",
		"a//b", "a/./b", "a/.", "a/.."} {
		if err := checkPagePath(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	// The one-pass check agrees with the rule it implements: clean
	// (path.Clean), relative and with no ".." segment, on every string of
	// up to six of 'a', '.' and '/'.
	var all func(p string, n int)
	all = func(p string, n int) {
		segs := strings.Split(p, "/")
		want := p != "" && p != "." && !strings.HasPrefix(p, "/") && path.Clean(p) == p && !slices.Contains(segs, "..")
		if got := checkPagePath(p) == nil; got != want {
			t.Errorf("%q: accepted %v, want %v", p, got, want)
		}
		if n > 0 {
			for _, c := range []string{"a", ".", "/"} {
				all(p+c, n-1)
			}
		}
	}
	all("", 6)
	// And it says what the rule's checks in their order say (slowPagePath,
	// the check before the one pass), on every string of up to five of 'a',
	// '.', '/', ':', a backslash and NUL: a bad character first, then absolute, then the
	// first bad segment.
	var same func(p string, n int)
	same = func(p string, n int) {
		if got, want := fmt.Sprint(checkPagePath(p)), fmt.Sprint(slowPagePath(p)); got != want {
			t.Errorf("%q: %s, want %s", p, got, want)
		}
		if n > 0 {
			for _, c := range []string{"a", ".", "/", ":", "\\", "\x00"} {
				same(p+c, n-1)
			}
		}
	}
	same("", 5)
	// Longer ones too, which the check reads 8 bytes at a time: each bad
	// byte at each place of a page's path, and 100,000 strings of up to 40
	// bytes, mostly letters (a fixed seed: the same strings every run).
	page := "events/2019-03-04-a-slug-of-some-length/index.html"
	for i := 0; i <= len(page); i++ {
		for _, c := range []string{":", "\\", "\x00"} {
			same(page[:i]+c+page[i:], 0)
		}
		same(page[:i], 0)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	const alphabet = "abcdefgh.......////:\\\x00"
	for range 100000 {
		b := make([]byte, rng.IntN(41))
		for i := range b {
			if rng.IntN(8) == 0 {
				b[i] = alphabet[rng.IntN(len(alphabet))]
			} else {
				b[i] = byte('a' + rng.IntN(26))
			}
		}
		same(string(b), 0)
	}
}

// slowPagePath is checkPagePath as it was before its one pass: the checks
// one after the other.
func slowPagePath(p string) error {
	switch {
	case p == "" || p == ".":
		return fmt.Errorf("page path %q: empty", p)
	case strings.ContainsAny(p, "\\\x00:"):
		return fmt.Errorf("page path %q: contains a backslash, colon or NUL", p)
	case strings.HasPrefix(p, "/"):
		return fmt.Errorf("page path %q: absolute", p)
	}
	for _, seg := range strings.Split(p, "/") {
		switch seg {
		case "..":
			return fmt.Errorf("page path %q: leaves the output folder", p)
		case "", ".":
			return fmt.Errorf("page path %q: not clean", p)
		}
	}
	return nil
}

func TestUnchangedPagesAreLeftInPlaceOnTheOSFilesystem(t *testing.T) {
	root := t.TempDir()
	fs := afero.NewOsFs()
	f := &fakePipeline{}
	opts := Options{Stages: f.stages(), Version: "v", SeedsDir: "-",
		ContentDir: filepath.Join(root, "content"), OutDir: filepath.Join(root, "public"), CacheDir: filepath.Join(root, "cache")}
	writeFiles(t, fs, map[string]string{opts.ContentDir + "/a.txt": "alpha\n", opts.ContentDir + "/b.txt": "beta\n"})
	if _, err := Build(fs, opts); err != nil {
		t.Fatal(err)
	}
	unchanged := filepath.Join(opts.OutDir, "articles/a/index.html")
	before, err := os.Stat(unchanged)
	if err != nil {
		t.Fatal(err)
	}
	writeFiles(t, fs, map[string]string{opts.ContentDir + "/b.txt": "beta two\n"})
	sum, err := Build(fs, opts)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Reused != 1 || sum.Rendered != 2 {
		t.Errorf("summary %+v, want a/ reused", sum)
	}
	after, err := os.Stat(unchanged)
	if err != nil || !os.SameFile(before, after) || !after.ModTime().Equal(before.ModTime()) {
		t.Errorf("the unchanged page was touched (stat %v, err %v)", after, err)
	}
	if got := readFile(t, fs, opts.OutDir+"/articles/b/index.html"); got != "\nbeta two\n" {
		t.Errorf("changed page = %q", got)
	}
}

// The manifest is trusted only for the output whose marker it wrote: an output
// replaced, rebuilt from another cache, or without its marker renders whole.
func TestOutputNotMatchingTheManifestIsRenderedWhole(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change func(t *testing.T, fs afero.Fs, opts Options)
	}{
		{"output removed", func(t *testing.T, fs afero.Fs, opts Options) { mustDo(t, fs.RemoveAll(opts.OutDir)) }},
		{"marker removed", func(t *testing.T, fs afero.Fs, opts Options) {
			mustDo(t, fs.Remove(filepath.Join(opts.OutDir, markerFile)))
		}},
		{"built from another cache", func(t *testing.T, fs afero.Fs, opts Options) {
			other := opts
			other.CacheDir = "other-cache"
			writeFiles(t, fs, map[string]string{"content/c.txt": "gamma\n"})
			if _, err := Build(fs, other); err != nil {
				t.Fatal(err)
			}
			mustDo(t, fs.Remove("content/c.txt"))
		}},
		{"corrupt manifest", func(t *testing.T, fs afero.Fs, opts Options) {
			writeFiles(t, fs, map[string]string{manifestPath(opts.CacheDir): "garbage"})
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			mem, _, opts := newSite(t)
			if _, err := Build(mem, opts); err != nil {
				t.Fatal(err)
			}
			tc.change(t, mem, opts.withDefaults())
			sum, err := Build(mem, opts)
			if err != nil {
				t.Fatal(err)
			}
			if sum.Reused != 0 || sum.Rendered != 4 {
				t.Errorf("summary %+v, want every page rendered", sum)
			}
			wantFullBuildResult(t, mem, opts)
		})
	}
}

func TestMarkerPathIsReserved(t *testing.T) {
	mem, f, opts := newSite(t)
	f.extraPages = []Page{{Path: markerFile, Key: "k", Render: func(w io.Writer) error { return nil }}}
	if _, err := Build(mem, opts); err == nil || !strings.Contains(err.Error(), "reserved") {
		t.Errorf("err = %v, want the marker path refused", err)
	}
}

func mustDo(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// An incremental build killed at the nth rename: the 1st is the commit point
// (tmp -> commit folder), the later ones move staged pages into the output.
func killIncrementalAtRename(t *testing.T, n int) (mem afero.Fs, opts Options, before map[string]string) {
	t.Helper()
	mem, _, opts = newSite(t)
	if _, err := Build(mem, opts); err != nil {
		t.Fatal(err)
	}
	before = tree(t, mem, "public")
	// Every page changes (template), and article b's page goes away.
	if err := mem.Remove("content/b.txt"); err != nil {
		t.Fatal(err)
	}
	writeFiles(t, mem, map[string]string{"content/template.tmpl": "<html>v2"})
	if _, err := Build(&failFs{Fs: mem, crashRenameAt: n}, opts); err == nil {
		t.Fatal("a build that died reported success")
	}
	return mem, opts, before
}

// wantFullBuildResult checks that the output equals a clean full build's.
func wantFullBuildResult(t *testing.T, mem afero.Fs, opts Options) {
	t.Helper()
	full := opts
	full.NoCache, full.OutDir, full.CacheDir = true, "fresh", "fresh-cache"
	if _, err := Build(mem, full); err != nil {
		t.Fatal(err)
	}
	got, want := tree(t, mem, "public"), tree(t, mem, "fresh")
	if len(got) != len(want) {
		t.Fatalf("output has %d files, a full build %d:\n%v\n%v", len(got), len(want), got, want)
	}
	for name, body := range want {
		if g := got["public"+strings.TrimPrefix(name, "fresh")]; g != body {
			t.Errorf("%s = %q, a full build wrote %q", name, g, body)
		}
	}
}

func wantNoFolder(t *testing.T, fs afero.Fs, dir string) {
	t.Helper()
	if _, err := fs.Stat(dir); err == nil {
		t.Errorf("%s is still published", dir)
	}
}

func TestIncrementalBuildKilledBeforeTheCommitLeavesThePreviousSite(t *testing.T) {
	mem, opts, before := killIncrementalAtRename(t, 1)
	if after := tree(t, mem, "public"); !reflect.DeepEqual(before, after) {
		t.Errorf("the previous site changed:\nbefore %v\nafter  %v", before, after)
	}
	sum, err := Build(mem, opts)
	if err != nil {
		t.Fatal(err)
	}
	if len(sum.Warnings) != 1 || !strings.Contains(sum.Warnings[0], "removed public.tmp-") {
		t.Errorf("warnings = %v", sum.Warnings)
	}
	wantFullBuildResult(t, mem, opts)
	wantNoFolder(t, mem, "public/articles/b")
	if got := siblings(t, mem); len(got) != 6 { // + fresh, fresh-cache
		t.Errorf("working folder = %v", got)
	}
}

func TestIncrementalBuildKilledDuringTheCommitIsFinishedByTheNextBuild(t *testing.T) {
	mem, opts, _ := killIncrementalAtRename(t, 3)
	var commits []string
	for _, name := range siblings(t, mem) {
		if strings.HasPrefix(name, "public.commit-") {
			commits = append(commits, name)
		}
	}
	if len(commits) != 1 {
		t.Fatalf("working folder = %v, want the dead build's commit folder", siblings(t, mem))
	}
	// The killed build forgot the manifest, so the next one renders everything.
	sum, err := Build(mem, opts)
	if err != nil {
		t.Fatal(err)
	}
	if len(sum.Warnings) != 1 || !strings.Contains(sum.Warnings[0], "finished publishing public.commit-") {
		t.Errorf("warnings = %v", sum.Warnings)
	}
	wantFullBuildResult(t, mem, opts)
	wantNoFolder(t, mem, "public/articles/b")
}

// A build reads the previous manifest beside its first stages, before its
// cleanStale finishes a killed build's commit, and uses it only when
// cleanStale repaired nothing. Here the killed build (template v2, article b
// removed) died at its first move, so the early read finds the v1 site's
// manifest and marker; the roll-forward then publishes v2. The next build is
// of v1 again: with the manifest read early, its pages would count as
// unchanged and v2's would stay published.
func TestManifestReadBeforeARepairIsNotUsed(t *testing.T) {
	mem, opts, before := killIncrementalAtRename(t, 2)
	writeFiles(t, mem, map[string]string{"content/template.tmpl": "<html>v1", "content/b.txt": "beta one\n"})
	if _, err := Build(mem, opts); err != nil {
		t.Fatal(err)
	}
	if after := tree(t, mem, "public"); !reflect.DeepEqual(before, after) {
		t.Errorf("the output is not the v1 site:\nwant %v\ngot  %v", before, after)
	}
	wantFullBuildResult(t, mem, opts)
}

func TestRollForwardAloneFinishesAKilledCommit(t *testing.T) {
	mem, _, _ := killIncrementalAtRename(t, 3)
	if _, err := cleanStale(mem, "public", 2); err != nil {
		t.Fatal(err)
	}
	if got := readFile(t, mem, "public/index.html"); !strings.HasPrefix(got, "<html>v2") {
		t.Errorf("index = %q, want the committed page", got)
	}
	wantNoFolder(t, mem, "public/articles/b")
	if got := siblings(t, mem); len(got) != 4 {
		t.Errorf("working folder = %v", got)
	}
}

func TestIncrementalBuildWritesOnlyChangedPages(t *testing.T) {
	mem, _, opts := newSite(t)
	if _, err := Build(mem, opts); err != nil {
		t.Fatal(err)
	}
	writeFiles(t, mem, map[string]string{"content/c.txt": "gamma\n"})
	fs := &failFs{Fs: mem}
	sum, err := Build(fs, opts)
	if err != nil {
		t.Fatal(err)
	}
	// Renames: the commit, index.html, articles/c/index.html and the
	// marker moved in, the manifest (the new cache record is appended).
	if sum.Rendered != 2 || fs.renames != 5 {
		t.Errorf("rendered %d, renames %d; want 2 and 5", sum.Rendered, fs.renames)
	}
	wantFullBuildResult(t, mem, opts)
}

// isReservedPath compares a path with the reserved names only when it
// starts with '.': sound only while both names do and no other character
// folds to '.'.
func TestReservedNamesStartWithADot(t *testing.T) {
	for _, name := range []string{markerFile, buildMarker} {
		if name[0] != '.' || unicode.SimpleFold('.') != '.' {
			t.Errorf("%q: isReservedPath's first-byte test no longer holds", name)
		}
		for _, p := range []string{name, strings.ToUpper(name), strings.ReplaceAll(name, "s", "\u017f"), strings.ReplaceAll(name, "k", "\u212a")} {
			if !isReservedPath(p) {
				t.Errorf("%q is not reserved", p)
			}
		}
	}
	for _, p := range []string{"", ".", "index.html", ".timeline", "x.timeline-manifest", ".timeline-manifest/x"} {
		if isReservedPath(p) {
			t.Errorf("%q is reserved", p)
		}
	}
}
