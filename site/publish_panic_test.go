package site

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/spf13/afero"
)

// pagePanicFs, once armed, panics on closing the first page file written
// in a temporary folder of out (after the page's bytes are written), and
// on opening the next two: a file system that panics under the page
// writers.
type pagePanicFs struct {
	afero.Fs
	out    string
	armed  atomic.Bool
	opened atomic.Int64
	mu     sync.Mutex
	closed string // the file whose Close panicked
}

func (f *pagePanicFs) page(name string, flag int) bool {
	if !f.armed.Load() || flag&(os.O_WRONLY|os.O_RDWR) == 0 || !strings.HasPrefix(name, f.out+tmpInfix) {
		return false
	}
	base := filepath.Base(name)
	return base != buildMarker && base != markerFile
}

func (f *pagePanicFs) open(name string, flag int, perm os.FileMode) (afero.File, error) {
	if !f.page(name, flag) {
		return f.Fs.OpenFile(name, flag, perm)
	}
	n := f.opened.Add(1)
	if n == 2 || n == 3 {
		panic("pagePanicFs: opening " + name)
	}
	fl, err := f.Fs.OpenFile(name, flag, perm)
	if err != nil || n > 1 {
		return fl, err
	}
	return panicClose{File: fl, fs: f}, nil
}

func (f *pagePanicFs) Create(name string) (afero.File, error) {
	return f.open(name, os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o666)
}

func (f *pagePanicFs) OpenFile(name string, flag int, perm os.FileMode) (afero.File, error) {
	return f.open(name, flag, perm)
}

type panicClose struct {
	afero.File
	fs *pagePanicFs
}

func (p panicClose) Close() error {
	p.fs.mu.Lock()
	p.fs.closed = p.File.Name()
	p.fs.mu.Unlock()
	panic("pagePanicFs: closing " + p.File.Name())
}

// A file system that panics while the pages are written fails the build
// (was: the page writers did not recover, and the panic took the process
// down, serve included): with nothing published, the old site stays as it
// was; and under --keep-going only the pages whose writing panicked are
// left out, none half written. A Session's next build builds the site a
// fresh build does.
func TestPagesWrittenOnAPanickingFileSystem(t *testing.T) {
	base := afero.NewMemMapFs()
	opts := corpusSite(t, base, "", 12)
	fresh := opts
	fresh.OutDir, fresh.NoCache = "fresh", true
	if _, err := Build(base, fresh); err != nil {
		t.Fatal(err)
	}
	want := siteFiles(t, base, fresh.OutDir)

	fs := &pagePanicFs{Fs: base, out: opts.OutDir}
	arm := func() {
		fs.opened.Store(0)
		fs.armed.Store(true)
	}
	failed := func(what string, err error, published bool) {
		t.Helper()
		fs.armed.Store(false)
		if fs.opened.Load() < 3 {
			t.Fatalf("%s: %d page(s) written", what, fs.opened.Load())
		}
		var be *BuildError
		if err == nil || !strings.Contains(err.Error(), "pagePanicFs") || !errors.As(err, &be) || be.Published != published {
			t.Fatalf("%s: error %v (published: want %v)", what, err, published)
		}
	}

	// A whole new site, through afero (not an OsFs): nothing published.
	arm()
	_, err := Build(fs, opts)
	failed("the first build", err, false)
	if ok, _ := afero.Exists(base, opts.OutDir); ok {
		t.Fatalf("the first build, which failed, made %s", opts.OutDir)
	}

	// In place, in a Session: the old site stays.
	var s Session
	if _, err := s.Build(fs, opts); err != nil {
		t.Fatal(err)
	}
	old := tree(t, base, opts.OutDir)
	writeFiles(t, base, map[string]string{"content/a01.md": readFile(t, base, "content/a01.md") + "\n\nOn 3 March 2021 the council met again.\n"})
	arm()
	_, err = s.Build(fs, opts)
	failed("the Session's build", err, false)
	now := tree(t, base, opts.OutDir)
	if len(now) != len(old) {
		t.Fatalf("the failed build left %d files of %d", len(now), len(old))
	}
	for name, body := range old {
		if now[name] != body {
			t.Fatalf("the failed build changed %s", name)
		}
	}
	if _, err := s.Build(fs, opts); err != nil {
		t.Fatal(err)
	}
	s.Wait()
	if _, err := Build(base, fresh); err != nil {
		t.Fatal(err)
	}
	want = siteFiles(t, base, fresh.OutDir)
	sameSiteFiles(t, "the Session's next build", siteFiles(t, base, opts.OutDir), want)

	// --keep-going, a whole new site: the pages that panicked are missing,
	// the one whose bytes were written before its Close panicked too.
	kg := opts
	kg.OutDir, kg.CacheDir, kg.KeepGoing = "kg", "kg-cache", true
	fs.out = kg.OutDir
	arm()
	_, err = Build(fs, kg)
	failed("the --keep-going build", err, true)
	got := siteFiles(t, base, kg.OutDir)
	missing := 0
	for name, body := range want {
		b, ok := got[name]
		switch {
		case !ok:
			missing++
		case b != body:
			t.Errorf("%s differs from a fresh build's", name)
		}
	}
	if fs.closed == "" || len(got)+missing != len(want) || missing != 3 {
		t.Fatalf("--keep-going: %d files, %d missing of %d (want the 3 that panicked; closed: %q)", len(got), missing, len(want), fs.closed)
	}
}
