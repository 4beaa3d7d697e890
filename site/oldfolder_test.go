package site

import (
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/spf13/afero"
)

// cutFs is a process that ends at its Nth removal (counting from 1): that
// removal and every one after it do nothing. Its RemoveAll removes one entry
// at a time in reverse name order, so that a folder's markerFile goes last:
// os.RemoveAll goes in directory order, which on ext4 is a hash's, any order.
type cutFs struct {
	afero.Fs
	mu      sync.Mutex
	removes int
	cutAt   int
}

func (c *cutFs) Remove(name string) error {
	c.mu.Lock()
	c.removes++
	dead := c.removes >= c.cutAt
	c.mu.Unlock()
	if dead {
		return errDiskFull
	}
	return c.Fs.Remove(name)
}

func (c *cutFs) RemoveAll(name string) error {
	fi, err := c.Fs.Stat(name)
	if err != nil {
		return nil
	}
	if fi.IsDir() {
		entries, err := afero.ReadDir(c.Fs, name)
		if err != nil {
			return err
		}
		slices.Reverse(entries)
		for _, e := range entries {
			if err := c.RemoveAll(filepath.Join(name, e.Name())); err != nil {
				return err
			}
		}
	}
	return c.Remove(name)
}

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
			cut := &cutFs{Fs: fs, cutAt: n}
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
