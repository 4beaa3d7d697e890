package site

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/spf13/afero"
)

// orphanMemoFs, once armed, panics on making a temporary folder's
// buildMarker (the start of the publish stage, after planning) and holds
// the plan memo's save until 200 ms after that panic; renamed is set once
// the save renamed the memo into place.
type orphanMemoFs struct {
	afero.Fs
	armed    atomic.Bool
	once     sync.Once
	panicked chan struct{}
	renamed  atomic.Bool
}

func (f *orphanMemoFs) open(name string, flag int, perm os.FileMode) (afero.File, error) {
	if f.armed.Load() && flag&(os.O_WRONLY|os.O_RDWR) != 0 {
		switch filepath.Base(name) {
		case buildMarker:
			f.once.Do(func() { close(f.panicked) })
			panic("orphanMemoFs: making " + name)
		case planMemoFile + ".tmp":
			fl, err := f.Fs.OpenFile(name, flag, perm)
			if err != nil {
				return nil, err
			}
			return heldMemoFile{File: fl, panicked: f.panicked}, nil
		}
	}
	return f.Fs.OpenFile(name, flag, perm)
}

func (f *orphanMemoFs) Create(name string) (afero.File, error) {
	return f.open(name, os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o666)
}

func (f *orphanMemoFs) OpenFile(name string, flag int, perm os.FileMode) (afero.File, error) {
	return f.open(name, flag, perm)
}

func (f *orphanMemoFs) Rename(from, to string) error {
	err := f.Fs.Rename(from, to)
	if err == nil && f.armed.Load() && filepath.Base(to) == planMemoFile {
		f.renamed.Store(true)
	}
	return err
}

// heldMemoFile closes 200 ms after the build panicked (10 s at most).
type heldMemoFile struct {
	afero.File
	panicked chan struct{}
}

func (h heldMemoFile) Close() error {
	select {
	case <-h.panicked:
		time.Sleep(200 * time.Millisecond)
	case <-time.After(10 * time.Second):
	}
	return h.File.Close()
}

// A build that panics after planning (here on making its temporary folder)
// returns only once its plan memo is saved, as every other way out of a
// build does: the save reads the plan's lent buffers, which a Session's
// next plan rewrites (was: left running after Build returned). The
// Session's next build then builds the site a fresh build does.
func TestBuildPanickingAfterPlanningJoinsTheMemoSave(t *testing.T) {
	if !planMemoBeside {
		t.Skip("the memo is saved on the plan's path")
	}
	base := afero.NewMemMapFs()
	opts := corpusSite(t, base, "", 12)
	fs := &orphanMemoFs{Fs: base, panicked: make(chan struct{})}
	var s Session
	if _, err := s.Build(fs, opts); err != nil {
		t.Fatal(err)
	}
	edit := func(k int) {
		b := readFile(t, base, "content/a01.md")
		writeFiles(t, base, map[string]string{"content/a01.md": b + "\n\nOn 3 March 2021 the council met again" + strings.Repeat(" and again", k) + ".\n"})
	}
	edit(1)
	fs.armed.Store(true)
	_, err := s.Build(fs, opts)
	if err == nil || !strings.Contains(err.Error(), "orphanMemoFs") {
		t.Fatalf("the build that panicked: error %v", err)
	}
	saved := fs.renamed.Load()
	for deadline := time.Now().Add(15 * time.Second); !fs.renamed.Load() && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond) // without the join: let the orphan finish before the next build
	}
	if !saved {
		t.Fatal("the build returned with its plan memo's save still running")
	}
	fs.armed.Store(false)
	edit(2)
	if _, err := s.Build(fs, opts); err != nil {
		t.Fatal(err)
	}
	s.Wait()
	fresh := opts
	fresh.OutDir, fresh.CacheDir = "fresh", "fresh-cache"
	if _, err := Build(base, fresh); err != nil {
		t.Fatal(err)
	}
	sameSiteFiles(t, "after the Session's builds", siteFiles(t, base, opts.OutDir), siteFiles(t, base, fresh.OutDir))
}

// siteFiles is an output folder's files by path, less the build marker.
func siteFiles(t *testing.T, fs afero.Fs, dir string) map[string]string {
	t.Helper()
	files := relTree(t, fs, dir)
	delete(files, markerFile)
	return files
}

// sameSiteFiles fails the test unless got holds exactly want's files, byte for byte.
func sameSiteFiles(t *testing.T, what string, got, want map[string]string) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d files, a fresh build %d", what, len(got), len(want))
	}
	for name, body := range want {
		if got[name] != body {
			t.Errorf("%s: %s differs from a fresh build's", what, name)
		}
	}
}
