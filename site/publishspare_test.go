//go:build unix

package site

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/spf13/afero"

	"github.com/newsline/timeline/timeline"
)

// spareSite is a site of 30 small pages of which generation g changes the
// first changed ones.
type spareSite struct{ generation, changed int }

func (s *spareSite) content(i int) string {
	if i < s.changed {
		return fmt.Sprintf("page %d of generation %d", i, s.generation)
	}
	return fmt.Sprintf("page %d", i)
}

func (s *spareSite) stages() Stages {
	none := func(afero.Fs, []string, time.Time) ([]timeline.Article, []error) { return nil, nil }
	return Stages{Load: none, Merge: func([]timeline.Article, [][]timeline.Event) timeline.Timeline { return timeline.Timeline{} },
		Overrides: func(afero.Fs, string, *timeline.Timeline) []error { return nil },
		Plan: func(afero.Fs, string, timeline.Timeline) ([]Page, error) {
			var pages []Page
			for i := 0; i < 30; i++ {
				body := s.content(i)
				pages = append(pages, Page{Path: fmt.Sprintf("events/e%d/index.html", i), Key: body, Render: func(w io.Writer) error {
					_, err := io.WriteString(w, body)
					return err
				}})
			}
			return pages, nil
		}}
}

func spareOptions(t *testing.T, s *spareSite) Options {
	root := t.TempDir()
	opts := Options{Stages: s.stages(), Version: "v", SeedsDir: "-", Workers: 2,
		ContentDir: filepath.Join(root, "content"), OutDir: filepath.Join(root, "public"), CacheDir: filepath.Join(root, "cache")}
	mustDo(t, os.MkdirAll(opts.ContentDir, 0o755))
	return opts
}

// waitForSpares makes the test's builds wait for the spares before writing
// (so the in-place build takes them), until the test ends.
func waitForSpares(t *testing.T) {
	v := waitSparesBeforeWrite
	t.Cleanup(func() { waitSparesBeforeWrite = v })
	waitSparesBeforeWrite = true
}

// builtSpareSite is a spare site with 5 changed pages a build, its options,
// and the OS file system its first (full) build has been made on.
func builtSpareSite(t *testing.T) (*spareSite, Options, afero.Fs) {
	t.Helper()
	s := &spareSite{changed: 5}
	opts := spareOptions(t, s)
	fs := afero.NewOsFs()
	if _, err := Build(fs, opts); err != nil {
		t.Fatal(err)
	}
	return s, opts, fs
}

func inode(t *testing.T, name string) uint64 {
	t.Helper()
	fi, err := os.Lstat(name)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Sys().(*syscall.Stat_t).Ino
}

func spareInodes(t *testing.T, cacheDir string) map[uint64]bool {
	t.Helper()
	entries, err := os.ReadDir(filepath.Join(cacheDir, spareDir))
	if err != nil {
		t.Fatal(err)
	}
	inodes := map[uint64]bool{}
	for _, e := range entries {
		inodes[inode(t, filepath.Join(cacheDir, spareDir, e.Name()))] = true
	}
	return inodes
}

// wantSparePages checks every page of the output against s.
func wantSparePages(t *testing.T, out string, s *spareSite) {
	t.Helper()
	for i := 0; i < 30; i++ {
		got, err := os.ReadFile(filepath.Join(out, fmt.Sprintf("events/e%d/index.html", i)))
		if err != nil || string(got) != s.content(i) {
			t.Errorf("page %d = %q (%v), want %q", i, got, err, s.content(i))
		}
	}
}

// An in-place build stages its changed pages in the spares the cache
// folder held (the published pages are those files), makes new ones for
// the next build, and publishes the same pages as without them. Fails
// without the spares: the pages are new inodes.
func TestInPlaceBuildStagesPagesInSpares(t *testing.T) {
	waitForSpares(t)
	s := &spareSite{changed: 5}
	opts := spareOptions(t, s)
	fs := afero.NewOsFs()
	for g := 0; g < 2; g++ { // the full build, then one that makes the spares
		s.generation = g
		if _, err := Build(fs, opts); err != nil {
			t.Fatal(err)
		}
	}
	// Made up to the target beside the build, less the five it staged in.
	before := spareInodes(t, opts.CacheDir)
	if want := spareTarget(30) - s.changed; len(before) != want {
		t.Fatalf("%d spares after an in-place build, want %d", len(before), want)
	}
	s.generation = 2
	sum, err := Build(fs, opts)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Rendered != s.changed {
		t.Fatalf("%s: want %d pages rendered", sum, s.changed)
	}
	wantSparePages(t, opts.OutDir, s)
	for i := 0; i < s.changed; i++ {
		if ino := inode(t, filepath.Join(opts.OutDir, fmt.Sprintf("events/e%d/index.html", i))); !before[ino] {
			t.Errorf("changed page %d is inode %d, not one of the spares", i, ino)
		}
	}
	if after := spareInodes(t, opts.CacheDir); len(after) != len(before) {
		t.Errorf("%d spares after the build, want %d again", len(after), len(before))
	}
	waitRetired()
}

// A spare folder entry the build did not make as an empty file (a symlink
// to a file elsewhere, a file with data, a second link to a file) is never
// written into: the files they point at keep their bytes, and the pages
// are published as without spares. Fails without isBlankFile (the symlink's
// target and the linked file get a page's bytes).
func TestSparesThatAreNotBlankFilesAreNotWrittenInto(t *testing.T) {
	waitForSpares(t)
	s, opts, fs := builtSpareSite(t)
	dir := filepath.Join(opts.CacheDir, spareDir)
	mustDo(t, os.RemoveAll(dir))
	mustDo(t, os.MkdirAll(dir, 0o755))
	outside := filepath.Join(filepath.Dir(opts.OutDir), "elsewhere")
	mustDo(t, os.WriteFile(outside, []byte("keep"), 0o644))
	mustDo(t, os.Symlink(outside, filepath.Join(dir, "a-link")))
	mustDo(t, os.WriteFile(filepath.Join(dir, "b-data"), []byte("data"), 0o644))
	linked := filepath.Join(filepath.Dir(opts.OutDir), "linked")
	mustDo(t, os.WriteFile(linked, nil, 0o644))
	mustDo(t, os.Link(linked, filepath.Join(dir, "c-second-link")))
	s.generation = 1
	if _, err := Build(fs, opts); err != nil {
		t.Fatal(err)
	}
	wantSparePages(t, opts.OutDir, s)
	if got, _ := os.ReadFile(outside); string(got) != "keep" {
		t.Errorf("the symlink's target holds %q, want %q", got, "keep")
	}
	if got, _ := os.ReadFile(linked); len(got) != 0 {
		t.Errorf("the linked file holds %q, want it empty", got)
	}
	for _, name := range []string{"a-link", "b-data", "c-second-link"} {
		if _, err := os.Lstat(filepath.Join(dir, name)); !os.IsNotExist(err) {
			t.Errorf("%s still in the spare folder (%v): it was taken and not used", name, err)
		}
	}
	waitRetired()
}

// renameFailFs fails every rename out of a spare folder, as across file
// systems.
type renameFailFs struct{ afero.Fs }

func (f renameFailFs) Rename(oldname, newname string) error {
	if filepath.Base(filepath.Dir(oldname)) == spareDir {
		return &os.LinkError{Op: "rename", Old: oldname, New: newname, Err: syscall.EXDEV}
	}
	return f.Fs.Rename(oldname, newname)
}

// When spares cannot be renamed into the staging folder, the pages are
// created as before, and the spares stay.
func TestSparesThatCannotBeMovedAreLeft(t *testing.T) {
	waitForSpares(t)
	s := &spareSite{changed: 5}
	opts := spareOptions(t, s)
	fs := renameFailFs{afero.NewMemMapFs()}
	mustDo(t, fs.MkdirAll(opts.ContentDir, 0o755))
	for g := 0; g < 3; g++ {
		s.generation = g
		sum, err := Build(fs, opts)
		if err != nil {
			t.Fatal(err)
		}
		if g > 0 && sum.Rendered != s.changed {
			t.Fatalf("build %d: %s, want %d pages rendered", g, sum, s.changed)
		}
	}
	for i := 0; i < 30; i++ {
		if got, _ := afero.ReadFile(fs, filepath.Join(opts.OutDir, fmt.Sprintf("events/e%d/index.html", i))); string(got) != s.content(i) {
			t.Errorf("page %d = %q, want %q", i, got, s.content(i))
		}
	}
	if names, _ := afero.ReadDir(fs, filepath.Join(opts.CacheDir, spareDir)); len(names) != spareTarget(30) {
		t.Errorf("%d spares, want %d (none taken)", len(names), spareTarget(30))
	}
}

// sizedPageSite plans one root page of size[generation] bytes.
type sizedPageSite struct {
	generation int
	sizes      []int
}

func (s *sizedPageSite) body() []byte {
	b := make([]byte, s.sizes[s.generation])
	for i := range b {
		b[i] = byte('a' + (i+s.generation)%26)
	}
	return b
}

func (s *sizedPageSite) stages() Stages {
	none := func(afero.Fs, []string, time.Time) ([]timeline.Article, []error) { return nil, nil }
	return Stages{Load: none, Merge: func([]timeline.Article, [][]timeline.Event) timeline.Timeline { return timeline.Timeline{} },
		Overrides: func(afero.Fs, string, *timeline.Timeline) []error { return nil },
		Plan: func(afero.Fs, string, timeline.Timeline) ([]Page, error) {
			body := s.body()
			return []Page{{Path: "big.json", Key: fmt.Sprint(s.generation), Render: func(w io.Writer) error {
				_, err := w.Write(body)
				return err
			}}, {Path: "events/a/index.html", Key: "a", Render: func(w io.Writer) error {
				_, err := io.WriteString(w, "a")
				return err
			}}}, nil
		}}
}

// A large staged page has its blocks allocated from its published copy's
// size (preallocate), and is published with exactly its own bytes whether
// it shrank or outgrew them. Fails if the allocation changed the file's
// size (fallocate without FALLOC_FL_KEEP_SIZE: the shrunk page keeps the
// old length) or if nothing was allocated ahead (no room past its end).
func TestLargeStagedPagesArePreallocated(t *testing.T) {
	s := &sizedPageSite{sizes: []int{3 << 20, 3<<20 - 12345, 5 << 20}}
	opts := spareOptions(t, &spareSite{})
	opts.Stages = s.stages()
	fs := afero.NewOsFs()
	for g := range s.sizes {
		s.generation = g
		sum, err := Build(fs, opts)
		if err != nil {
			t.Fatal(err)
		}
		if g > 0 && sum.Reused != 1 {
			t.Fatalf("build %d: %s, want an in-place build", g, sum)
		}
		name := filepath.Join(opts.OutDir, "big.json")
		got, err := os.ReadFile(name)
		if err != nil || string(got) != string(s.body()) {
			t.Fatalf("build %d: big.json has %d bytes (%v), want its %d", g, len(got), err, len(s.body()))
		}
		fi, _ := os.Stat(name)
		allocated := fi.Sys().(*syscall.Stat_t).Blocks * 512
		if g == 1 && allocated < fi.Size()+largeFileSize {
			t.Errorf("build %d: %d bytes allocated for %d: nothing allocated ahead", g, allocated, fi.Size())
		}
	}
	waitRetired()
}

// A spare folder that is a symlink (here to a folder of the user's beside
// the output) is not used: no spare is listed in it or made there, so
// nothing in the folder it points to is moved into the output or removed,
// and the pages are created as without spares. Fails without the Lstat of
// the folder (its files and subfolder are taken as spares: the empty file
// is published as a page, the others removed).
func TestSpareFolderThatIsASymlinkIsNotUsed(t *testing.T) {
	s, opts, fs := builtSpareSite(t)
	dir := filepath.Join(opts.CacheDir, spareDir)
	mustDo(t, os.RemoveAll(dir))
	outside := filepath.Join(filepath.Dir(opts.OutDir), "documents")
	mustDo(t, os.MkdirAll(filepath.Join(outside, "photos"), 0o755))
	want := map[string]string{"thesis.txt": "years of work", "empty": "", "photos/a.jpg": "jpg"}
	for name, body := range want {
		mustDo(t, os.WriteFile(filepath.Join(outside, name), []byte(body), 0o644))
	}
	mustDo(t, os.Symlink(outside, dir))
	for g := 1; g < 4; g++ {
		s.generation = g
		if _, err := Build(fs, opts); err != nil {
			t.Fatal(err)
		}
		waitRetired()
		wantSparePages(t, opts.OutDir, s)
	}
	got := map[string]string{}
	mustDo(t, filepath.WalkDir(outside, func(path string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			b, _ := os.ReadFile(path)
			rel, _ := filepath.Rel(outside, path)
			got[filepath.ToSlash(rel)] = string(b)
		}
		return err
	}))
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("the folder the symlink points to holds %q, want %q as it was", got, want)
	}
	if fi, err := os.Lstat(dir); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the spare folder's symlink: %v, %v", fi, err)
	}
}

// A spare whose mode (or owner) is not what a file made by the build gets
// is not taken: the changed pages are published with the mode pages
// created by the write stage get (here those of the unchanged pages),
// whatever modes the spare folder's files had. Fails without the mode in
// isBlankFile (the pages are published -rwsr-xr-x, -rw-------, ...).
func TestSparesOfAnotherModeAreNotTaken(t *testing.T) {
	waitForSpares(t)
	s, opts, fs := builtSpareSite(t)
	fi, err := os.Stat(filepath.Join(opts.OutDir, "events/e29/index.html"))
	if err != nil {
		t.Fatal(err)
	}
	wantMode := fi.Mode()
	dir := filepath.Join(opts.CacheDir, spareDir)
	mustDo(t, os.MkdirAll(dir, 0o755))
	modes := []os.FileMode{0o4755, 0o600, 0o666, 0o2644, 0o1644, 0o755, 0o444}
	for i := 0; i < spareTarget(30); i++ { // the folder full: no spare made with the right mode
		n := filepath.Join(dir, fmt.Sprintf("a%02d", i))
		mustDo(t, os.WriteFile(n, nil, 0o600))
		mustDo(t, os.Chmod(n, modes[i%len(modes)]))
	}
	s.generation = 1
	if _, err := Build(fs, opts); err != nil {
		t.Fatal(err)
	}
	wantSparePages(t, opts.OutDir, s)
	for i := 0; i < 30; i++ {
		fi, err := os.Stat(filepath.Join(opts.OutDir, fmt.Sprintf("events/e%d/index.html", i)))
		if err != nil || fi.Mode() != wantMode {
			t.Errorf("page %d published with mode %v (%v), want %v", i, fi.Mode(), err, wantMode)
		}
	}
	waitRetired()
}

// Sessions building at once in one process, each in its own folders,
// start background work (spares, retired folders) while others wait for
// theirs. Run under -race: fails without background (a WaitGroup added to
// while another goroutine waits on it: reported races, and builds failing
// with "WaitGroup is reused before previous Wait has returned").
func TestSessionsBuildingAtOnce(t *testing.T) {
	var wg sync.WaitGroup
	for k := 0; k < 4; k++ {
		s := &spareSite{changed: 5}
		opts := spareOptions(t, s)
		wg.Add(1)
		go func() {
			defer wg.Done()
			var sess Session
			fs := afero.NewOsFs()
			for g := 0; g < 25; g++ {
				s.generation = g
				if _, err := sess.Build(fs, opts); err != nil {
					t.Error(err)
					return
				}
			}
			sess.Wait()
			wantSparePages(t, opts.OutDir, s)
		}()
	}
	wg.Wait()
	waitRetired()
}

// background.Wait waits for the work started before it, and returns while
// other work is being started and done (fails with a sync.WaitGroup's
// semantics: the Wait would not return while new work keeps starting).
func TestBackgroundWaitsForWorkStartedBefore(t *testing.T) {
	var b background
	first := b.start()
	waited := make(chan struct{})
	go func() {
		b.Wait()
		close(waited)
	}()
	stop := make(chan struct{})
	churned := make(chan struct{})
	go func() { // work that never stops being started
		defer close(churned)
		held := b.start()
		for {
			select {
			case <-stop:
				held()
				return
			default:
				next := b.start()
				held()
				held = next
			}
		}
	}()
	select {
	case <-waited:
		t.Fatal("Wait returned before the work started before it was done")
	case <-time.After(50 * time.Millisecond):
	}
	first()
	<-waited // must return though the other goroutine still has work open
	close(stop)
	<-churned
}
