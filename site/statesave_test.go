package site

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"runtime/debug"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/spf13/afero"

	"github.com/newsline/timeline/internal/newscorpus"
	"github.com/newsline/timeline/timeline"
)

// stateWriteFs calls onWrite (once) at the first write into the merge
// state's temporary file, before that write happens. Holding names for
// writing stops files being created, renamed or removed: the plan and the
// write go on beside the save, and a copy of the disk must be one moment's
// names, as a kill would leave them, not a walk racing a rename.
type stateWriteFs struct {
	afero.Fs
	once    sync.Once
	onWrite func()
	refuse  bool // refuse to create the temporary file instead
	names   sync.RWMutex
}

func (f *stateWriteFs) Rename(oldname, newname string) error {
	f.names.RLock()
	defer f.names.RUnlock()
	return f.Fs.Rename(oldname, newname)
}

func (f *stateWriteFs) Remove(name string) error {
	f.names.RLock()
	defer f.names.RUnlock()
	return f.Fs.Remove(name)
}

func (f *stateWriteFs) RemoveAll(path string) error {
	f.names.RLock()
	defer f.names.RUnlock()
	return f.Fs.RemoveAll(path)
}

func (f *stateWriteFs) Mkdir(name string, perm os.FileMode) error {
	f.names.RLock()
	defer f.names.RUnlock()
	return f.Fs.Mkdir(name, perm)
}

func (f *stateWriteFs) MkdirAll(path string, perm os.FileMode) error {
	f.names.RLock()
	defer f.names.RUnlock()
	return f.Fs.MkdirAll(path, perm)
}

func (f *stateWriteFs) OpenFile(name string, flag int, perm os.FileMode) (afero.File, error) {
	f.names.RLock()
	defer f.names.RUnlock()
	if filepath.Base(name) != mergeStateFile+".tmp" {
		return f.Fs.OpenFile(name, flag, perm)
	}
	if f.refuse {
		return nil, fmt.Errorf("creating %s: refused by the test", name)
	}
	file, err := f.Fs.OpenFile(name, flag, perm)
	if err != nil {
		return nil, err
	}
	return &stateWriteFile{File: file, fs: f}, nil
}

func (f *stateWriteFs) Create(name string) (afero.File, error) {
	return f.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o644)
}

type stateWriteFile struct {
	afero.File
	fs *stateWriteFs
}

func (f *stateWriteFile) Write(p []byte) (int, error) {
	if f.fs.onWrite != nil {
		f.fs.once.Do(f.fs.onWrite)
	}
	return f.File.Write(p)
}

func (f *stateWriteFile) WriteString(s string) (int, error) { return f.Write([]byte(s)) }

// stateSite is a small real site in memory.
func stateSite(t *testing.T, articles int) (afero.Fs, Options) {
	t.Helper()
	fs := afero.NewMemMapFs()
	corpus := newscorpus.New(53)
	for i := 0; i < articles; i++ {
		writeFiles(t, fs, map[string]string{fmt.Sprintf("content/a%02d.md", i): string(corpus.Article(i))})
	}
	return fs, Options{ContentDir: "content", SeedsDir: "-", OutDir: "public", CacheDir: "cache", Version: "statesave-test", Workers: 2}
}

// A build on its own saves its merge state while it plans: the save's first
// write waits until the plan has started (it would wait for ever, here 20 s,
// if the save ran on the merge's path), and Build returns only once the
// state is in place, with the wait as its "state" stage.
func TestStateIsSavedBesideThePlan(t *testing.T) {
	base, opts := stateSite(t, 6)
	planning := make(chan struct{})
	var waited time.Duration
	fs := &stateWriteFs{Fs: base}
	fs.onWrite = func() {
		start := time.Now()
		select {
		case <-planning:
		case <-time.After(20 * time.Second):
		}
		waited = time.Since(start)
	}
	var once sync.Once
	opts.Stages.Plan = func(pfs afero.Fs, content string, tl timeline.Timeline) ([]Page, error) {
		once.Do(func() { close(planning) })
		return planPages(pfs, content, tl)
	}
	sum, err := Build(fs, opts)
	if err != nil {
		t.Fatal(err)
	}
	if waited >= 20*time.Second {
		t.Fatal("the merge state's save did not run beside the plan")
	}
	name := filepath.Join("cache", mergeStateFile)
	for _, gone := range []string{name + takenSuffix, name + ".tmp"} {
		if ok, _ := afero.Exists(base, gone); ok {
			t.Errorf("Build returned leaving %s", gone)
		}
	}
	if _, _, err := readMergeState(base, name, opts.Version, false); err != nil {
		t.Fatalf("the saved state: %v", err)
	}
	if last := sum.Timings[len(sum.Timings)-1]; last.Stage != "state" {
		t.Errorf("last stage %q, want the wait for the state's save", last.Stage)
	}
	// The next build merges on it: few events planned again.
	writeFiles(t, base, map[string]string{"content/b.md": string(newscorpus.New(54).Article(99))})
	sum, err = Build(base, opts)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Replanned*2 > sum.Events {
		t.Errorf("the build after it re-planned %d of %d events: the state was not used", sum.Replanned, sum.Events)
	}
	checkSameAsFullBuild(t, base, opts, "after a save beside the plan")
}

// A save that fails is reported as the build's warning, as on the merge's path.
func TestFailedStateSaveBesideIsReported(t *testing.T) {
	base, opts := stateSite(t, 3)
	sum, err := Build(&stateWriteFs{Fs: base, refuse: true}, opts)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, w := range sum.Warnings {
		found = found || strings.Contains(w, "saving the merge state") && strings.Contains(w, "refused by the test")
	}
	if !found {
		t.Fatalf("warnings %q do not report the failed save", sum.Warnings)
	}
	if ok, _ := afero.Exists(base, filepath.Join("cache", mergeStateFile)); ok {
		t.Error("a state file is there after a failed save")
	}
	checkSameAsFullBuild(t, base, opts, "after a failed save")
}

// A build killed while saving its state (the disk as it was at the save's
// first write, whatever the plan and the write had done by then) leaves no
// state the next build would use: that build publishes what a --no-cache
// build does, and saves a state the one after it uses.
func TestBuildKilledWhileSavingTheState(t *testing.T) {
	base, opts := stateSite(t, 6)
	if _, err := Build(base, opts); err != nil {
		t.Fatal(err)
	}
	corpus := newscorpus.New(55)
	writeFiles(t, base, map[string]string{"content/b.md": string(corpus.Article(98))})
	var disk afero.Fs
	fs := &stateWriteFs{Fs: base}
	fs.onWrite = func() {
		fs.names.Lock()
		defer fs.names.Unlock()
		disk = copyFs(t, base)
	}
	if _, err := Build(fs, opts); err != nil {
		t.Fatal(err)
	}
	if disk == nil {
		t.Fatal("the build saved no merge state")
	}
	name := filepath.Join("cache", mergeStateFile)
	if ok, _ := afero.Exists(disk, name); ok {
		t.Fatal("a state file was in place while the next one was being written")
	}
	if _, err := Build(disk, opts); err != nil {
		t.Fatalf("the build after the killed one: %v", err)
	}
	checkSameAsFullBuild(t, disk, opts, "after a build killed while saving")
	for _, gone := range []string{name + takenSuffix, name + ".tmp"} {
		if ok, _ := afero.Exists(disk, gone); ok {
			t.Errorf("the build after the killed one left %s", gone)
		}
	}
	writeFiles(t, disk, map[string]string{"content/c.md": string(corpus.Article(97))})
	sum, err := Build(disk, opts)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Replanned*2 > sum.Events {
		t.Errorf("the build after that re-planned %d of %d events: its state was not used", sum.Replanned, sum.Events)
	}
	checkSameAsFullBuild(t, disk, opts, "two builds after the killed one")
}

// copyFs copies every folder and file of src into a new memory file system.
func copyFs(t *testing.T, src afero.Fs) afero.Fs {
	dst := afero.NewMemMapFs()
	for _, top := range siblings(t, src) {
		copyTree(t, src, dst, top)
	}
	return dst
}

func copyTree(t *testing.T, src, dst afero.Fs, root string) {
	err := afero.Walk(src, root, func(p string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		if info.IsDir() {
			return dst.MkdirAll(p, info.Mode().Perm())
		}
		data, err := afero.ReadFile(src, p)
		if err != nil {
			return err
		}
		return afero.WriteFile(dst, p, data, info.Mode().Perm())
	})
	if err != nil {
		t.Errorf("copying the file system: %v", err)
	}
}

// panicMemoFs panics on opening the plan memo once on is set: a build that
// stops after its merge state was taken early (startTakingState) but before
// its merge.
type panicMemoFs struct {
	afero.Fs
	on bool
}

func (f *panicMemoFs) Open(name string) (afero.File, error) {
	if f.on && filepath.Base(name) == planMemoFile {
		panic("panicMemoFs: reading " + name)
	}
	return f.Fs.Open(name)
}

// A build on its own reads the merge state while it loads (startTakingState);
// one that stops before merging waits for the read, leaves the collector on
// and the state file in place (dropTakenState), and the next build merges
// incrementally and builds the same site as --no-cache.
func TestStateTakenEarlyIsDroppedByABuildThatStopsBeforeMerging(t *testing.T) {
	if !takeStateEarly || !stateSaveBeside {
		t.Skip("the early take is off")
	}
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	fs := &panicMemoFs{Fs: afero.NewMemMapFs()}
	corpus := newscorpus.New(11)
	for i := 0; i < 4; i++ {
		writeFiles(t, fs, map[string]string{fmt.Sprintf("content/a%02d.md", i): string(corpus.Article(i))})
	}
	opts := Options{ContentDir: "content", SeedsDir: "-", OutDir: "public", CacheDir: "cache", Version: "early-test", Workers: 2}
	if _, err := Build(fs, opts); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{mergeStateFile, planMemoFile} {
		if _, err := fs.Stat(filepath.Join("cache", name)); err != nil {
			t.Fatalf("the first build saved no %s: %v", name, err)
		}
	}
	writeFiles(t, fs, map[string]string{"content/a04.md": string(corpus.Article(4))})
	fs.on = true
	if _, err := Build(fs, opts); err == nil || !strings.Contains(err.Error(), "panicMemoFs") {
		t.Fatalf("the build whose memo read panicked: error %v", err)
	}
	gcPaused.Lock()
	n := gcPaused.n
	gcPaused.Unlock()
	if p := gcPercentNow(); p != 100 || n != 0 {
		t.Fatalf("after the build that stopped before merging: GOGC %d, %d pauses under way; want 100, 0", p, n)
	}
	if _, err := fs.Stat(filepath.Join("cache", mergeStateFile)); err != nil {
		t.Fatalf("the merge state was taken by the build that stopped before merging: %v", err)
	}
	fs.on = false
	sum, err := Build(fs, opts)
	if err != nil {
		t.Fatal(err)
	}
	// The state left in place: the merge knows what changed (one article
	// added), so the plan memo is used and few events are digested afresh.
	if sum.Replanned == 0 || sum.Replanned*2 > sum.Events {
		t.Errorf("the build after: %d of %d events planned afresh; want some, fewer than half (an incremental merge)", sum.Replanned, sum.Events)
	}
	fresh := afero.NewMemMapFs()
	writeFiles(t, fresh, tree(t, fs, "content")) // the same articles
	noCache := opts
	noCache.NoCache = true
	if _, err := Build(fresh, noCache); err != nil {
		t.Fatal(err)
	}
	if got, want := tree(t, fs, "public"), tree(t, fresh, "public"); !reflect.DeepEqual(got, want) {
		t.Error("the build after differs from a --no-cache build")
	}
}

// stateReadFs tells when the merge state file is closed (readMergeState:
// decoded) and, once armed, holds the first article read until then, to
// look at the collector (seen) while the build loads with its state read.
type stateReadFs struct {
	afero.Fs
	read  chan struct{}
	once  sync.Once
	armed bool
	look  sync.Once
	seen  func()
}

type closeFile struct {
	afero.File
	closed func()
}

func (f closeFile) Close() error {
	err := f.File.Close()
	f.closed()
	return err
}

func (f *stateReadFs) Open(name string) (afero.File, error) {
	file, err := f.Fs.Open(name)
	if err != nil || !f.armed {
		return file, err
	}
	if filepath.Base(name) == mergeStateFile {
		return closeFile{file, func() { f.once.Do(func() { close(f.read) }) }}, nil
	}
	if strings.HasSuffix(name, ".md") {
		f.look.Do(f.seen)
	}
	return file, nil
}

// A build with every article edited loads and extracts them with the
// garbage collector on, its state read early or not: the early read pauses
// it only while decoding (decodeUncollected), the merge from its start to
// the end of the Update (was: from the cache stage on, A's review of
// f489793: RSS at the end of the load 200 -> 438 MB at 10k).
func TestEarlyStateReadLeavesTheCollectorOnWhileLoading(t *testing.T) {
	if !takeStateEarly || !stateSaveBeside {
		t.Skip("the early take is off")
	}
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	fs := &stateReadFs{Fs: afero.NewMemMapFs(), read: make(chan struct{})}
	corpus := newscorpus.New(12)
	const n = 12
	for i := 0; i < n; i++ {
		writeFiles(t, fs, map[string]string{fmt.Sprintf("content/a%02d.md", i): string(corpus.Article(i))})
	}
	opts := Options{ContentDir: "content", SeedsDir: "-", OutDir: "public", CacheDir: "cache", Version: "early-gc-test", Workers: 2}
	if _, err := Build(fs, opts); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < n; i++ { // every article edited
		writeFiles(t, fs, map[string]string{fmt.Sprintf("content/a%02d.md", i): string(corpus.Article(i + n))})
	}
	gogc, pauses, looked := 0, 0, false
	fs.seen = func() {
		select {
		case <-fs.read:
		case <-time.After(time.Minute): // a guard against a hang, not a timing
			t.Error("the merge state was not read while the articles were loaded")
			return
		}
		looked = true
		gogc = gcPercentNow()
		gcPaused.Lock()
		pauses = gcPaused.n
		gcPaused.Unlock()
	}
	fs.armed = true
	sum, err := Build(fs, opts)
	if err != nil {
		t.Fatal(err)
	}
	if !looked {
		t.Fatal("no article was read after the merge state")
	}
	if gogc != 100 || pauses != 0 {
		t.Errorf("loading with the merge state read: GOGC %d, %d pauses under way; want 100, 0", gogc, pauses)
	}
	if sum.Extracted != n {
		t.Errorf("%d articles extracted, want %d (all edited)", sum.Extracted, n)
	}
}
