package site

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/spf13/afero"
)

// A swap's removal of the previous site (out.old-<hex>) cut short at any
// point, then the output deleted by the user, then the next build: the
// half-removed folder is never put back as the output (cleanStale restores
// an old folder only while it holds markerFile, which removeOld removes
// first); the next build publishes a whole site and leaves no old folder.
// On the memory file system every removal of the build is a point to cut
// at; on the OS's, every removal of removeTree's parallel one (through
// osFs). Fails with removeTree alone (the marker goes last here) or with
// any old folder restored.
func TestOldFolderRemovalCutShortIsNotRestored(t *testing.T) {
	for _, fsName := range []string{"mem", "os"} {
		cuts := 0
		for n := 1; ; n++ {
			mem, _, opts := newSite(t)
			var fs afero.Fs = mem
			opts.ContentDir, opts.OutDir, opts.CacheDir = "content", "public", ".timeline-cache"
			if fsName == "os" {
				root := t.TempDir()
				fs = afero.NewOsFs()
				copyTree(t, mem, afero.NewBasePathFs(fs, root), "content")
				copyTree(t, mem, afero.NewBasePathFs(fs, root), "seeds")
				opts.ContentDir, opts.SeedsDir = filepath.Join(root, "content"), filepath.Join(root, "seeds")
				opts.OutDir, opts.CacheDir = filepath.Join(root, "public"), filepath.Join(root, ".timeline-cache")
			}
			parent := filepath.Dir(opts.OutDir)
			if _, err := Build(fs, opts); err != nil {
				t.Fatal(err)
			}
			before := tree(t, fs, opts.OutDir)
			// No manifest: the next build swaps a whole site in.
			mustDo(t, fs.Remove(filepath.Join(opts.CacheDir, "manifest.bin")))
			writeFiles(t, fs, map[string]string{filepath.Join(opts.ContentDir, "template.tmpl"): "<html>v2"})
			cut := &dyingFs{Fs: fs, dieAt: n, reversed: true} // the marker goes last, as ext4's hash order can do
			if fsName == "os" {
				was := osFs
				osFs = cut
				_, _ = Build(fs, opts) // removeTree's removals go through osFs
				osFs = was
			} else {
				_, _ = Build(cut, opts)
			}
			waitRetired()
			if cut.removes < n {
				if cuts == 0 {
					t.Fatalf("%s: no removal of an old folder cut short", fsName)
				}
				t.Logf("%s: cut short at each of %d removals, %d of them inside an old folder's", fsName, n-1, cuts)
				break
			}
			olds := oldFolders(t, fs, parent)
			if len(olds) > 0 {
				cuts++
			}
			// The user deletes the output, then builds.
			mustDo(t, fs.RemoveAll(opts.OutDir))
			warnings, err := cleanStale(fs, opts.OutDir, 2)
			if err != nil {
				t.Fatalf("%s %d: %v", fsName, n, err)
			}
			if _, err := fs.Stat(opts.OutDir); err == nil {
				if got := tree(t, fs, opts.OutDir); !reflect.DeepEqual(got, before) {
					t.Errorf("%s %d: restored a half-removed previous site (%d of its %d files) from %v; warnings %q",
						fsName, n, len(got), len(before), olds, warnings)
				}
			}
			if left := oldFolders(t, fs, parent); len(left) > 0 {
				t.Errorf("%s %d: %v left beside the output", fsName, n, left)
			}
			if _, err := Build(fs, opts); err != nil {
				t.Fatalf("%s %d: the next build: %v", fsName, n, err)
			}
			if got := readFile(t, fs, filepath.Join(opts.OutDir, "index.html")); !strings.HasPrefix(got, "<html>v2") {
				t.Errorf("%s %d: index.html = %q, want the rebuilt page", fsName, n, got)
			}
		}
	}
}

// oldFolders lists the old folders (out.old-<hex>) in parent.
func oldFolders(t *testing.T, fs afero.Fs, parent string) []string {
	t.Helper()
	entries, err := afero.ReadDir(fs, parent)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	var olds []string
	for _, e := range entries {
		if infix, ok := buildFolderInfix("public", e.Name()); ok && infix == oldInfix {
			olds = append(olds, e.Name())
		}
	}
	return olds
}
