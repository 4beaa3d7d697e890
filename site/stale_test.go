package site

import (
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strings"
	"sync"
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
		"public.old-202611280130/index.html":       "a backup stamped by date +%Y%m%d%H%M: 12 digits, all decimal",
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
					if !strings.Contains(w, "delete it") || !strings.Contains(w, "older version") {
						t.Errorf("warning %q: does not say what to do (delete it if it is not yours: an older version's leftover)", w)
					}
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
		"public.commit-00000000000a": commitInfix, "public.retired-fedcba987654": retireInfix,
		"public.tmp-0123456789a": "", "public.tmp-0123456789abc": "", "public.tmp-0123456789aB": "",
		"public.old-backup": "", "public.retired-2023": "", "public.tmp-": "", "other.tmp-0123456789ab": "",
		"public.tmp-0123456789ab/": "", "publicx.tmp-0123456789ab": "",
		"public.old-202611280130": "", "public.tmp-000000000000": "", // a user's date stamp, all digits
	} {
		got, ok := buildFolderInfix("public", name)
		if got != want || ok != (want != "") {
			t.Errorf("%s: %q %v, want %q", name, got, ok, want)
		}
	}
	// randomSuffix's names are recognised: 2,000 draws hold about 7 of all
	// digits, which must have been drawn again.
	for i := 0; i < 2000; i++ {
		if s := randomSuffix(); !isRandomSuffix(s) {
			t.Fatalf("randomSuffix %q not recognised", s)
		}
	}
}

// dyingFs is a process that ends at its Nth removal (counting from 1): that
// removal and every one after it do nothing. Its RemoveAll removes one
// entry at a time, so that it can end inside one too: in directory order,
// as os.RemoveAll does, or with reversed in reverse name order, so that a
// folder's markerFile goes last (os.RemoveAll's order on ext4 is a hash's,
// any order).
type dyingFs struct {
	afero.Fs
	mu       sync.Mutex
	removes  int
	dieAt    int
	reversed bool
}

func (d *dyingFs) Remove(name string) error {
	d.mu.Lock()
	d.removes++
	dead := d.removes >= d.dieAt
	d.mu.Unlock()
	if dead {
		return errDiskFull
	}
	return d.Fs.Remove(name)
}

func (d *dyingFs) RemoveAll(name string) error {
	fi, err := d.Fs.Stat(name)
	if err != nil {
		return nil
	}
	if fi.IsDir() {
		entries, err := afero.ReadDir(d.Fs, name)
		if err != nil {
			return err
		}
		if d.reversed {
			slices.Reverse(entries)
		}
		for _, e := range entries {
			if err := d.RemoveAll(filepath.Join(name, e.Name())); err != nil {
				return err
			}
		}
	}
	return d.Remove(name)
}

// A removal of a build's folder cut short at any point (the process ended)
// leaves it marked, empty or gone: the next build removes it, warning of
// nothing left alone (was: the mark went first, with the files, or in
// directory order, and the rest stayed beside the output for good, warned
// about by every build). For the temporary folder a failed build discards,
// a rolled-forward commit folder, and a retired folder (both file systems:
// the OS's parallel removal through osFs).
func TestBuildFolderRemovalCutShortLeavesItMarked(t *testing.T) {
	layouts := map[string]map[string]string{
		"public.tmp-0123456789ab":    {buildMarker: "", deletedFile: "[]", writtenFile: "[]", "site/p0": "page", "site/p1": "page"},
		"public.commit-0123456789ab": {buildMarker: "", deletedFile: "[]", writtenFile: "[]", "site/a/": ""},
		"public.retired-0123456789ab": {buildMarker: "", "1": "old", "2": "old", "3": "old",
			"commit/" + buildMarker: "", "commit/" + deletedFile: "[]", "commit/" + writtenFile: "[]", "commit/site/a/": ""},
	}
	for _, fsName := range []string{"mem", "os"} {
		for folder, files := range layouts {
			infix, _ := buildFolderInfix("public", folder)
			for n := 1; ; n++ {
				var fs afero.Fs = afero.NewMemMapFs()
				root := "/"
				if fsName == "os" {
					root = t.TempDir()
					fs = afero.NewOsFs()
				}
				dir, out := filepath.Join(root, folder), filepath.Join(root, "public")
				mustDo(t, fs.MkdirAll(out, 0o755))
				for p, body := range files {
					if strings.HasSuffix(p, "/") {
						mustDo(t, fs.MkdirAll(filepath.Join(dir, p), 0o755))
					} else {
						writeFiles(t, fs, map[string]string{filepath.Join(dir, p): body})
					}
				}
				dying := &dyingFs{Fs: fs, dieAt: n}
				switch infix {
				case tmpInfix:
					(&builder{fs: dying}).discard(dir)
				case commitInfix:
					_ = rollForward(dying, out, dir, 1, nil) // fails where the process ended
				case retireInfix:
					if fsName == "os" {
						was := osFs
						osFs = dying
						removeRetiredFolder(dir)
						osFs = was
					} else {
						removeRetiredOn(dying, dir)
					}
				}
				if dying.removes < n {
					if n == 1 {
						t.Errorf("%s %s: nothing removed through the file system given", fsName, folder)
					}
					t.Logf("%s %s: cut short at each of %d removals", fsName, folder, n-1)
					break
				}
				if _, err := fs.Stat(dir); err == nil && madeByBuild(fs, dir, infix) == notBuilds {
					t.Errorf("%s %s: cut short at removal %d: left unmarked", fsName, folder, n)
				}
				warnings, err := cleanStale(fs, out, 1)
				waitRetired()
				if err != nil {
					t.Fatalf("%s %s %d: %v", fsName, folder, n, err)
				}
				for _, w := range warnings {
					if strings.Contains(w, "left") && strings.Contains(w, "alone") {
						t.Errorf("%s %s %d: %s", fsName, folder, n, w)
					}
				}
				if _, err := fs.Stat(dir); err == nil {
					t.Errorf("%s %s %d: not removed by the next build", fsName, folder, n)
				}
			}
		}
	}
}

// A retired folder a process left after its mark went but before its
// commit folder did (before the fix above) is the build's: its taken commit
// folder holds the journal (deleted, written) or the commit's mark, as the
// two left beside the kept 10k site. The next build removes it, and warns
// of nothing; a retired folder named as a build's but with none of these
// is still left alone, with a warning.
func TestRetiredFolderLeftWithItsCommitIsRemoved(t *testing.T) {
	for _, fsName := range []string{"mem", "os"} {
		var fs afero.Fs = afero.NewMemMapFs()
		root := "/"
		if fsName == "os" {
			root = t.TempDir()
			fs = afero.NewOsFs()
		}
		out := filepath.Join(root, "public")
		left := filepath.Join(root, "public.retired-00000000ab12")
		left2 := filepath.Join(root, "public.retired-00000000ab14")
		left3 := filepath.Join(root, "public.retired-00000000ab15")
		writeFiles(t, fs, map[string]string{
			filepath.Join(out, "index.html"):                     "site",
			filepath.Join(left, takenCommit, deletedFile):        "[]",
			filepath.Join(left2, takenCommit, writtenFile):       "[]",
			filepath.Join(left2, takenCommit, "site/a/x"):        "moved",
			filepath.Join(left3, takenCommit, buildMarker):       "",
			filepath.Join(root, "public.retired-00000000ab13/1"): "the user's: no mark",
		})
		warnings, err := cleanStale(fs, out, 1)
		waitRetired()
		if err != nil {
			t.Fatal(err)
		}
		for _, dir := range []string{left, left2, left3} {
			if _, err := fs.Stat(dir); err == nil {
				t.Errorf("%s: %s left; warnings %q", fsName, dir, warnings)
			}
		}
		if got := readFile(t, fs, filepath.Join(root, "public.retired-00000000ab13/1")); got != "the user's: no mark" {
			t.Errorf("%s: the user's folder: %q", fsName, got)
		}
		if len(warnings) != 1 || !strings.Contains(warnings[0], "public.retired-00000000ab13") {
			t.Errorf("%s: warnings %q, want only the user's folder's", fsName, warnings)
		}
	}
}

// An output named as a build's folder of an output beside it is refused
// before anything is written: public's builds would remove it (a published
// site holds markerFile, a temporary folder's mark), roll it forward or
// rename it into public (was: built, then removed by the next build of
// public: "removed public.tmp-0123456789ab left by an interrupted build").
// Names that are not exactly a build's are built as before.
func TestOutputNamedLikeABuildFolderIsRefused(t *testing.T) {
	for name, owner := range map[string]string{"public.tmp-0123456789ab": "public", "public.old-0123456789ab": "public",
		"public.commit-0123456789ab": "public", "public.retired-0123456789ab": "public", "a.tmp-b.retired-00000000000f": "a.tmp-b"} {
		fs, _, opts := newSite(t)
		opts.OutDir = filepath.Join("sites", name)
		_, err := Build(fs, opts)
		if err == nil || !strings.Contains(err.Error(), `"`+opts.OutDir+`"`) || !strings.Contains(err.Error(), `"`+filepath.Join("sites", owner)+`"`) {
			t.Errorf("build into %s: %v, want it refused, naming it and the output whose folder it would be", name, err)
		}
		if _, err := fs.Stat(opts.OutDir); err == nil {
			t.Errorf("build into %s: made it", name)
		}
		// The output it would be the folder of is built as before, and
		// finds nothing of it.
		opts.OutDir = filepath.Join("sites", "public")
		if sum, err := Build(fs, opts); err != nil || len(sum.Warnings) != 0 {
			t.Errorf("build into sites/public: %v, warnings %q", err, sum.Warnings)
		}
	}
	for _, name := range []string{"public", "public.tmp-mine", "public.tmp-0123456789abc", "public.old-ABCDEF012345",
		".tmp-0123456789ab", "public.tmp-0123456789ab.d", "public.retired-2023"} {
		fs, _, opts := newSite(t)
		opts.OutDir = filepath.Join("sites", name)
		if _, err := Build(fs, opts); err != nil {
			t.Errorf("build into %s: %v", name, err)
		}
		if _, err := fs.Stat(filepath.Join(opts.OutDir, markerFile)); err != nil {
			t.Errorf("build into %s: %v", name, err)
		}
	}
}
