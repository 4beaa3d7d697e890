package site

import (
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/spf13/afero"
)

// The user's own folders beside the output, named as a build's folders
// once were recognised by (a prefix), or with a build's exact name but
// none of its marks, are left as they are by the next build, on both file
// systems: none removed, emptied, rolled forward or renamed into a missing
// output. The build's own (exact name and its mark, or empty) are cleaned
// up as before.
func TestBuildsLeaveUsersFoldersBesideTheOutputAlone(t *testing.T) {
	users := map[string]string{
		"public.old-backup/index.html":             "my backup",
		"public.old-ABCDEF012345/index.html":       "upper case: not a build's",
		"public.old-0123456789abc/index.html":      "13 digits",
		"public.retired-2023/photo.jpg":            "photo",
		"public.tmp-mine/notes.txt":                "notes",
		"public.commit-log/deleted":                `["index.html"]`,
		"public.commit-log/site/index.html":        "not to publish",
		"public.tmp-0123456789ab/notes.txt":        "exact name, no mark",
		"public.retired-0123456789ab/1":            "exact name, no mark",
		"public.commit-0123456789ab/site/evil.txt": "exact name, no journal",
	}
	for _, name := range []string{"mem", "os"} {
		t.Run(name, func(t *testing.T) {
			var fs afero.Fs = afero.NewMemMapFs()
			mem, _, opts := newSite(t)
			if name == "os" {
				root := t.TempDir()
				fs = afero.NewBasePathFs(afero.NewOsFs(), root)
				copyTree(t, mem, fs, "content")
				copyTree(t, mem, fs, "seeds")
				// Absolute, on the OS file system itself: removeRetiredBeside
				// and the locks work there (a BasePathFs is not an OsFs).
				fs = afero.NewOsFs()
				opts.ContentDir, opts.SeedsDir = filepath.Join(root, "content"), filepath.Join(root, "seeds")
				opts.OutDir, opts.CacheDir = filepath.Join(root, "public"), filepath.Join(root, ".timeline-cache")
			} else {
				fs = mem
				opts.ContentDir, opts.OutDir, opts.CacheDir = "content", "public", ".timeline-cache"
			}
			parent := filepath.Dir(opts.OutDir)
			files := map[string]string{}
			for p, body := range users {
				files[filepath.Join(parent, p)] = body
			}
			writeFiles(t, fs, files)
			// Build folders a killed build left: each is cleaned up.
			mustDo(t, fs.MkdirAll(filepath.Join(parent, "public.tmp-00000000000e"), 0o755)) // made, not yet marked
			writeFiles(t, fs, map[string]string{
				filepath.Join(parent, "public.tmp-0000000000aa", buildMarker):     "",
				filepath.Join(parent, "public.tmp-0000000000aa", "half/x.html"):   "half",
				filepath.Join(parent, "public.retired-0000000000bb", buildMarker): "",
				filepath.Join(parent, "public.retired-0000000000bb", "1"):         "old",
			})
			// No output: a first build, or one removed by hand. The user's
			// public.old-backup must not become it.
			sum, err := Build(fs, opts)
			if err != nil {
				t.Fatal(err)
			}
			waitRetired()
			for p, body := range users {
				if got, err := afero.ReadFile(fs, filepath.Join(parent, p)); err != nil || string(got) != body {
					t.Errorf("%s = %q (%v), want it left as the user made it", p, got, err)
				}
			}
			if got := readFile(t, fs, filepath.Join(opts.OutDir, "index.html")); !strings.HasPrefix(got, "<html>v1") {
				t.Errorf("index.html = %q, want the built page", got)
			}
			for _, gone := range []string{"public.tmp-00000000000e", "public.tmp-0000000000aa", "public.retired-0000000000bb"} {
				wantNoFolder(t, fs, filepath.Join(parent, gone))
			}
			// One warning per folder with a build's exact name and no mark.
			var left []string
			for _, w := range sum.Warnings {
				if strings.HasPrefix(w, "left ") {
					left = append(left, filepath.Base(strings.Fields(w)[1]))
				}
			}
			sort.Strings(left)
			if want := []string{"public.commit-0123456789ab", "public.retired-0123456789ab", "public.tmp-0123456789ab"}; !reflect.DeepEqual(left, want) {
				t.Errorf("warnings %q, want one per folder with a build's name and no mark (%v)", sum.Warnings, want)
			}
			// And a second, in-place build over the first.
			writeFiles(t, fs, map[string]string{opts.ContentDir + "/template.tmpl": "<html>v2"})
			if _, err := Build(fs, opts); err != nil {
				t.Fatal(err)
			}
			waitRetired()
			for p, body := range users {
				if got, err := afero.ReadFile(fs, filepath.Join(parent, p)); err != nil || string(got) != body {
					t.Errorf("after 2 builds: %s = %q (%v), want it left as the user made it", p, got, err)
				}
			}
			if got := readFile(t, fs, filepath.Join(opts.OutDir, "index.html")); !strings.HasPrefix(got, "<html>v2") {
				t.Errorf("index.html = %q, want the rebuilt page", got)
			}
			if _, err := fs.Stat(filepath.Join(opts.OutDir, buildMarker)); err == nil {
				t.Errorf("%s published", buildMarker)
			}
		})
	}
}

// A swap killed between its two renames is still repaired: the previous
// site comes back from the old folder with the build's exact name, and a
// user's public.old-backup beside it is neither taken nor touched.
func TestSwapRepairTakesOnlyTheBuildsOldFolder(t *testing.T) {
	mem, _, opts := newSite(t)
	if _, err := Build(mem, opts); err != nil {
		t.Fatal(err)
	}
	before := tree(t, mem, "public")
	writeFiles(t, mem, map[string]string{"public.old-backup/index.html": "my backup"})
	mustDo(t, mem.Rename("public", "public.old-00000000000c"))
	writeFiles(t, mem, map[string]string{"public.tmp-00000000000c/index.html": "new", "public.tmp-00000000000c/" + markerFile: "x"})
	warns, err := cleanStale(mem, "public", 2)
	if err != nil {
		t.Fatal(err)
	}
	if after := tree(t, mem, "public"); !reflect.DeepEqual(before, after) {
		t.Errorf("the previous site was not restored: %v (warnings %q)", after, warns)
	}
	if got := readFile(t, mem, "public.old-backup/index.html"); got != "my backup" {
		t.Errorf("backup = %q", got)
	}
	wantNoFolder(t, mem, "public.tmp-00000000000c")
	wantNoFolder(t, mem, "public.old-00000000000c")
}

// A build killed at any write or any rename, then a build: the output is a
// full build's, and beside it is nothing but the user's folder (the
// killed build's folders, whatever point it died at, are cleaned up).
func TestBuildKilledAnywhereLeavesOnlyTheUsersFolders(t *testing.T) {
	for _, c := range []struct {
		kind string
		swap bool // a whole swap (the manifest forgotten), else in place
	}{{"write", false}, {"write", true}, {"rename", false}, {"rename", true}} {
		kind := c.kind
		for n := 1; ; n++ {
			mem, _, opts := newSite(t)
			writeFiles(t, mem, map[string]string{"public.old-backup/index.html": "my backup"})
			if _, err := Build(mem, opts); err != nil {
				t.Fatal(err)
			}
			if c.swap {
				mustDo(t, mem.Remove(".timeline-cache/manifest.bin"))
			}
			writeFiles(t, mem, map[string]string{"content/template.tmpl": "<html>v2"})
			killed := &failFs{Fs: mem, crash: true}
			if kind == "write" {
				killed.failAt = n
			} else {
				killed.crashRenameAt = n
			}
			if _, err := Build(killed, opts); err == nil {
				if n == 1 {
					t.Fatalf("%s: no build died", kind)
				}
				t.Logf("%s, swap %v: killed at each of %d points", kind, c.swap, n-1)
				break // it got past its last write or rename
			}
			if _, err := Build(mem, opts); err != nil {
				t.Fatalf("%s %d: the build after the killed one: %v", kind, n, err)
			}
			if got := siblings(t, mem); !reflect.DeepEqual(got, []string{".timeline-cache", "content", "public", "public.old-backup", "seeds"}) {
				t.Errorf("%s %d: working folder = %v", kind, n, got)
			}
			if got := readFile(t, mem, "public.old-backup/index.html"); got != "my backup" {
				t.Errorf("%s %d: backup = %q", kind, n, got)
			}
			if got := readFile(t, mem, "public/index.html"); !strings.HasPrefix(got, "<html>v2") {
				t.Errorf("%s %d: index = %q", kind, n, got)
			}
			if _, err := mem.Stat("public/" + buildMarker); err == nil {
				t.Errorf("%s %d: %s published", kind, n, buildMarker)
			}
		}
	}
}

func TestBuildFolderNames(t *testing.T) {
	for name, want := range map[string]string{
		"public.tmp-0123456789ab": tmpInfix, "public.old-abcdefabcdef": oldInfix,
		"public.commit-000000000000": commitInfix, "public.retired-fedcba987654": retireInfix,
		"public.tmp-0123456789a": "", "public.tmp-0123456789abc": "", "public.tmp-0123456789aB": "",
		"public.old-backup": "", "public.retired-2023": "", "public.tmp-": "", "other.tmp-0123456789ab": "",
		"public.tmp-0123456789ab/": "", "publicx.tmp-0123456789ab": "",
	} {
		got, ok := buildFolderInfix("public", name)
		if got != want || ok != (want != "") {
			t.Errorf("%s: %q %v, want %q", name, got, ok, want)
		}
	}
	// randomSuffix's names are recognised.
	for i := 0; i < 100; i++ {
		if s := randomSuffix(); !isRandomSuffix(s) {
			t.Fatalf("randomSuffix %q not recognised", s)
		}
	}
}
