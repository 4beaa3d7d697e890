package ingest

import (
	"fmt"
	"io/fs"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spf13/afero"
)

// walkLog records a walk's calls: path, kind and, for files, what a build's
// file stamps read (size, mode, modification time); folders by kind only (a
// replay hands on a folder's FileInfo as listed).
func walkLog(t *testing.T, run func(filepath.WalkFunc) error) []string {
	t.Helper()
	var log []string
	err := run(func(path string, info fs.FileInfo, err error) error {
		switch {
		case err != nil:
			log = append(log, fmt.Sprintf("%s error %v", path, err))
		case info.IsDir():
			log = append(log, path+" dir")
			if strings.HasPrefix(info.Name(), ".") {
				return filepath.SkipDir // as Load skips dot-folders
			}
		default:
			log = append(log, fmt.Sprintf("%s %d %v %d", path, info.Size(), info.Mode(), info.ModTime().UnixNano()))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return log
}

// A listing told of every change replays exactly what a walk finds, through
// random edits: files written, removed and renamed, folders made with files
// inside them (whose own creation only is told, as a watcher adding its
// watch late would see), removed whole, and edits inside a skipped folder.
func TestListingReplaysWhatTheWalkFinds(t *testing.T) {
	fsys := afero.NewMemMapFs()
	root := "/site/content"
	rng := rand.New(rand.NewPCG(6, 11))
	write := func(p string) {
		if err := afero.WriteFile(fsys, p, []byte(strings.Repeat("x", rng.IntN(50))), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, d := range []string{"", "/a", "/a/deep", "/b", "/.hidden"} {
		if err := fsys.MkdirAll(root+d, 0o755); err != nil {
			t.Fatal(err)
		}
		for i := range 3 {
			write(fmt.Sprintf("%s%s/f%d.md", root, d, i))
		}
	}
	var ls Listing
	ls.Arm()
	files := func() []string {
		var out []string
		_ = afero.Walk(fsys, root, func(p string, info fs.FileInfo, err error) error {
			if err == nil && !info.IsDir() {
				out = append(out, p)
			}
			return nil
		})
		return out
	}
	dirs := func() []string {
		var out []string
		_ = afero.Walk(fsys, root, func(p string, info fs.FileInfo, err error) error {
			if err == nil && info.IsDir() && p != root {
				out = append(out, p)
			}
			return nil
		})
		return out
	}
	for round := range 300 {
		for range 1 + rng.IntN(3) {
			all, ds := files(), dirs()
			switch op := rng.IntN(6); {
			case op == 0 && len(all) > 0: // an edit
				p := all[rng.IntN(len(all))]
				write(p)
				ls.Changed(p)
			case op == 1: // a new file in a folder
				d := root
				if len(ds) > 0 && rng.IntN(2) == 0 {
					d = ds[rng.IntN(len(ds))]
				}
				p := fmt.Sprintf("%s/n%d.md", d, rng.IntN(1000))
				write(p)
				ls.Changed(p)
			case op == 2 && len(all) > 0: // a removal
				p := all[rng.IntN(len(all))]
				if err := fsys.Remove(p); err != nil {
					t.Fatal(err)
				}
				ls.Changed(p)
			case op == 3 && len(all) > 0: // a rename
				p := all[rng.IntN(len(all))]
				q := filepath.Join(filepath.Dir(p), fmt.Sprintf("r%d.md", rng.IntN(1000)))
				if err := fsys.Rename(p, q); err != nil {
					t.Fatal(err)
				}
				ls.Changed(p, q)
			case op == 4: // a new folder with files: only its own creation is told
				d := fmt.Sprintf("%s/d%d", root, rng.IntN(20))
				if len(ds) > 0 && rng.IntN(2) == 0 {
					d = fmt.Sprintf("%s/d%d", ds[rng.IntN(len(ds))], rng.IntN(20))
				}
				if err := fsys.MkdirAll(d, 0o755); err != nil {
					t.Fatal(err)
				}
				for i := range rng.IntN(3) {
					write(fmt.Sprintf("%s/g%d.md", d, i))
				}
				ls.Changed(d)
			case op == 5 && len(ds) > 0: // a folder removed whole
				d := ds[rng.IntN(len(ds))]
				if err := fsys.RemoveAll(d); err != nil {
					t.Fatal(err)
				}
				ls.Changed(d)
			}
		}
		want := walkLog(t, func(fn filepath.WalkFunc) error { return walk(fsys, root, 2, fn) })
		got := walkLog(t, func(fn filepath.WalkFunc) error { return ls.walk(fsys, root, 2, fn) })
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Fatalf("round %d: the listing's replay differs from the walk:\n got %q\nwant %q", round, got, want)
		}
	}
	if n := ls.Replays(); n < 290 {
		t.Errorf("%d of 300 walks replayed, want all but the first", n)
	}
}

// The listing is trusted: a change nobody told it of is not seen, until
// Invalidate, a listing older than MaxAge, or a folder reported changed.
// Without Arm nothing is kept.
func TestListingTrustsWhatItWasTold(t *testing.T) {
	fsys := afero.NewMemMapFs()
	root := "/content"
	if err := afero.WriteFile(fsys, root+"/a.md", []byte("a"), 0o644); err != nil {
		t.Fatal(err)
	}
	var ls Listing
	walked := func() string {
		return strings.Join(walkLog(t, func(fn filepath.WalkFunc) error { return ls.walk(fsys, root, 1, fn) }), ";")
	}
	walked()
	if err := afero.WriteFile(fsys, root+"/b.md", []byte("b"), 0o644); err != nil {
		t.Fatal(err)
	}
	if got := walked(); !strings.Contains(got, "b.md") || ls.Replays() != 0 {
		t.Fatalf("unarmed: %q, %d replays; want b.md found by a walk", got, ls.Replays())
	}
	ls.Arm()
	walked()
	if err := afero.WriteFile(fsys, root+"/c.md", []byte("c"), 0o644); err != nil {
		t.Fatal(err)
	}
	if got := walked(); strings.Contains(got, "c.md") {
		t.Fatalf("an untold change was seen: %q (the listing was not replayed)", got)
	}
	ls.Invalidate()
	if got := walked(); !strings.Contains(got, "c.md") {
		t.Fatalf("after Invalidate: %q, want c.md", got)
	}
	if err := afero.WriteFile(fsys, root+"/d.md", []byte("d"), 0o644); err != nil {
		t.Fatal(err)
	}
	ls.MaxAge = time.Nanosecond
	if got := walked(); !strings.Contains(got, "d.md") {
		t.Fatalf("past MaxAge: %q, want d.md", got)
	}
	ls.MaxAge = 0
	walked()
	if err := fsys.MkdirAll(root+"/sub", 0o755); err != nil {
		t.Fatal(err)
	}
	if err := afero.WriteFile(fsys, root+"/sub/e.md", []byte("e"), 0o644); err != nil {
		t.Fatal(err)
	}
	ls.Changed(root + "/sub") // the folder only: its file is read with it
	if got := walked(); !strings.Contains(got, "sub/e.md") {
		t.Fatalf("a new folder: %q, want sub/e.md", got)
	}
}
