package site

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/spf13/afero"
)

// Temporary and retired output folders live beside the output, named from it:
// public.tmp-<random> while building, public.old-<random> during the swap.
const (
	tmpInfix = ".tmp-"
	oldInfix = ".old-"
)

// randomSuffix names a build's folder beside the output: 12 lowercase hex
// digits, drawn again when all are digits (0.36% of draws), which
// isRandomSuffix leaves to the user as a date stamp.
func randomSuffix() string {
	for {
		var b [6]byte
		_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on supported platforms
		if s := hex.EncodeToString(b[:]); strings.ContainsAny(s, "abcdef") {
			return s
		}
	}
}

// makeTemp creates the folder the new site is written into.
func makeTemp(fs afero.Fs, out string) (string, error) {
	tmp := out + tmpInfix + randomSuffix()
	if err := fs.MkdirAll(tmp, 0o755); err != nil {
		return "", fmt.Errorf("creating %s: %w", tmp, err)
	}
	if err := markTemp(fs, tmp); err != nil { // before anything else: what tells cleanStale it is a build's (stale.go)
		_ = fs.Remove(tmp)
		return "", fmt.Errorf("creating %s: %w", tmp, err)
	}
	return tmp, nil
}

// swap replaces out by tmp: out -> out.old-*, tmp -> out, then removes the old
// folder. Each step is a rename, so at every instant either the old or the new
// site is whole, and cleanStale repairs the one gap a crash can leave.
func swap(fs afero.Fs, out, tmp string, lock sync.Locker, workers int) (warnings []string, err error) {
	if lock != nil {
		lock.Lock()
	}
	old := ""
	if exists, _ := afero.DirExists(fs, out); exists {
		old = out + oldInfix + randomSuffix()
		if err := fs.Rename(out, old); err != nil {
			if lock != nil {
				lock.Unlock()
			}
			return nil, fmt.Errorf("moving the previous site aside: %w", err)
		}
	} else if exists, _ := afero.Exists(fs, out); exists {
		if lock != nil {
			lock.Unlock()
		}
		return nil, fmt.Errorf("%s exists and is not a folder: refusing to replace it", out)
	}
	err = fs.Rename(tmp, out)
	if err != nil && old != "" {
		_ = fs.Rename(old, out) // put the previous site back; cleanStale retries if this fails
	}
	if lock != nil {
		lock.Unlock()
	}
	if err != nil {
		return nil, fmt.Errorf("publishing %s: %w", out, err)
	}
	if old != "" {
		if err := removeOld(fs, old, workers); err != nil {
			warnings = append(warnings, fmt.Sprintf("removing %s: %v (it will be removed by the next build)", old, err))
		}
	}
	return warnings, nil
}

// writer writes pages into the temporary folder. With inPlace, the output
// holds the site prev describes (see manifest), so a page whose Key did not
// change is left where it is without any file operation, and tmp receives only
// the changed pages.
type writer struct {
	fs      afero.Fs
	tmp     string // where rendered pages go
	prev    manifest
	same    []bool // per page: prev lists it with the same Key (vetPages)
	inPlace bool
	dir     *pageDir        // a whole new site on the OS file system: tmp, opened (rawwrite_linux.go); else nil
	out     string          // the published output, whose files' sizes order the site-wide pages (toWrite); "": plan order
	spares  *spares         // in place: empty files to stage pages in (publishspare.go); nil: none
	sizes   map[int32]int64 // the site-wide pages' published sizes, by page index (toWrite)
}

// vetted are the planned pages fit to publish, each found in the previous
// manifest: at[i] is pages[i]'s position in it or -1, same[i] reports whether
// it lists the page with the same (non-empty) Key, and unchanged counts those.
type vetted struct {
	pages     []Page
	at        []int32
	same      []bool
	unchanged int
}

// vetPages drops (and reports) the planned pages whose path is unsafe,
// reserved or planned twice, and finds the others in prev.
//
// The pages come in the order the previous build planned them, apart from
// the few added, removed or moved, so the page after the previous match is
// tried before the index: a string comparison instead of a hash and probe.
// A page prev lists with the same Key is not written at all, and its path was
// checked when prev was recorded (decodeManifest checks them again), so only
// the others' paths are checked; a path planned twice claims one position of
// prev twice, or is twice among the few pages prev does not list. With no
// previous manifest every page is checked.
func vetPages(prev manifest, pages []Page) (v vetted, errs []error) {
	claimed := make([]bool, prev.n())
	var fresh map[string]bool // pages prev does not list
	var freshSet pageSet      // the same, for a build with no previous manifest
	if prev.size() == 0 {
		freshSet = newPageSet(len(pages))
	}
	v.at, v.same = make([]int32, 0, len(pages)), make([]bool, 0, len(pages))
	kept, next := pages[:0], 0
	for _, pg := range pages {
		j, key := -1, ""
		if next < prev.n() {
			if p, k := prev.pair(next); p == pg.Path { // one read of the entry for both
				j, key = next, k
			}
		}
		if j < 0 {
			if j = prev.lookup(pg.Path); j >= 0 {
				key = prev.key(j)
			}
		}
		same := j >= 0 && pg.Key != "" && key == pg.Key
		if !same {
			if err := checkPlannedPath(pg.Path); err != nil {
				errs = append(errs, err)
				continue
			}
		}
		twice := false
		switch {
		case j >= 0:
			twice, claimed[j], next = claimed[j], true, j+1
		case freshSet.slots != nil:
			twice = !freshSet.add(append(kept, pg), len(kept))
		default:
			if fresh == nil {
				fresh = map[string]bool{}
			}
			twice, fresh[pg.Path] = fresh[pg.Path], true
		}
		if twice {
			errs = append(errs, fmt.Errorf("page path %q: planned twice", pg.Path))
			continue
		}
		kept = append(kept, pg)
		v.at, v.same = append(v.at, int32(j)), append(v.same, same)
		if same {
			v.unchanged++
		}
	}
	v.pages = kept
	return v, errs
}

// checkPlannedPath refuses a page path outside the output or the marker's.
func checkPlannedPath(p string) error {
	if err := checkPagePath(p); err != nil {
		return err
	}
	if isReservedPath(p) {
		return fmt.Errorf("page path %q: reserved for the build's own marker file", p)
	}
	return nil
}

// writeResults are the outcome of writing the pages: the pages that failed
// (few), and whether a page was left in place rather than written.
type writeResults struct {
	mu     sync.Mutex
	failed map[int]error // by page index
	w      *writer
}

func (r *writeResults) fail(i int, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.failed == nil {
		r.failed = map[int]error{}
	}
	r.failed[i] = err
}

// err is page i's error, nil when it was published.
func (r *writeResults) err(i int) error { return r.failed[i] }

// reused reports whether page i was left in place.
func (r *writeResults) reused(i int) bool { return r.w.inPlace && r.w.same[i] }

// toWrite lists the pages to render, the root-level ones (see writeAll)
// first: in place, only the changed ones, so that nothing in the write
// stage but vetPages walks every page of the site. The root-level ones
// come largest first by their published copy's size (a handful of Stats),
// as their rendering time goes: the longest started first finish together
// instead of leaving the last export (events.csv, feed.atom after
// timeline.json and events.ics) to run alone on one core at the stage's end.
func (w *writer) toWrite(pages []Page) (siteWide, rest []int32) {
	for i, pg := range pages {
		switch {
		case w.inPlace && w.same[i]:
		case strings.Contains(pg.Path, "/"):
			rest = append(rest, int32(i))
		default:
			siteWide = append(siteWide, int32(i))
		}
	}
	if w.out != "" && len(siteWide) > 0 {
		size := make(map[int32]int64, len(siteWide))
		for _, i := range siteWide {
			if fi, err := w.fs.Stat(filepath.Join(w.out, filepath.FromSlash(pages[i].Path))); err == nil && fi.Mode().IsRegular() {
				size[i] = fi.Size()
			}
		}
		sort.SliceStable(siteWide, func(a, b int) bool { return size[siteWide[a]] > size[siteWide[b]] })
		w.sizes = size
	}
	return siteWide, rest
}

// writeAll writes the pages toWrite lists. Root-level pages (the timeline
// page, the exports, the search data) each hold the whole timeline in memory
// while they render and take far longer than the others: heavy goroutines
// render them from the start of the stage, at most heavy at a time to bound
// the peak memory, while workers goroutines write the other pages.
//
// In place, a heavy goroutine that runs out of root-level pages goes on
// with the others: they are few and staged flat, and the one goroutine
// writing them (the listing pages, the search shards, the event pages:
// 40-45% of a 10k incremental write stage's CPU) was what the stage waited
// for once the exports were done.
//
// A whole new site written with system calls (w.dir) has its pages' folders
// made by one goroutine ahead of the workers (makeFolders), each page
// handed on once its folder exists: nearly every page below the root has
// a folder of its own in one of a few parents (events/, a folder per
// event), and making a folder holds the kernel's lock on its parent, for
// which several goroutines making folders would contend; the workers
// render and create the files, each in its own folder, side by side.
func (w *writer) writeAll(pages []Page, siteWide, rest []int32, workers, heavy int, prog *progress) *writeResults {
	results := &writeResults{w: w}
	var wg sync.WaitGroup
	write := func(i int) {
		if err := w.renderRecovered(i, pages[i]); err != nil {
			results.fail(i, err)
		}
		prog.step()
	}
	drain := func(jobs []int32, next *atomic.Int64) {
		for n := next.Add(1) - 1; n < int64(len(jobs)); n = next.Add(1) - 1 {
			write(int(jobs[n]))
		}
	}
	var nextSiteWide, nextRest atomic.Int64
	drainRest := func() { drain(rest, &nextRest) }
	if w.dir != nil && len(rest) > 0 {
		ready := make(chan int32, 1024) // positions in rest whose folder exists
		workers = max(workers, 1)       // or nothing would take them
		wg.Add(1)
		go func() {
			defer wg.Done()
			w.dir.makeFolders(pages, rest, ready)
		}()
		drainRest = func() {
			for n := range ready {
				write(int(rest[n]))
			}
		}
	}
	for i := 0; i < heavy; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			drain(siteWide, &nextSiteWide)
			if w.inPlace {
				drainRest()
			}
		}()
	}
	for i := 0; i < workers; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			drainRest()
		}()
	}
	wg.Wait()
	return results
}

// mkdirFor creates the folder of name. Nearly every page has a folder of its
// own whose parent exists, so one Mkdir does it, without MkdirAll's
// Stat-then-Mkdir walk; remembering the folders made saved nothing (no two
// pages share one but the handful at the root) and held a 126,000-entry map
// the collector marked on every cycle of the 10,000-article build.
func (w *writer) mkdirFor(name string) error {
	dir := filepath.Dir(name)
	if err := w.fs.Mkdir(dir, 0o755); err != nil && !os.IsExist(err) {
		return w.fs.MkdirAll(dir, 0o755)
	}
	return nil
}

// renderRecovered is render with a panic (a file system that panics on
// open, write or close; the renderer's own are safeRender's) turned into
// the page's error, as extraction, the state's read and the saves beside
// the build turn theirs into errors: a page-writing goroutine that panicked
// took the process down, serve included. Like any page that fails, the
// page is removed (a --keep-going site never publishes half a page), and
// without --keep-going nothing is published: the old site stays. A file
// left open by the panic is closed by the collector.
func (w *writer) renderRecovered(i int, pg Page) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("%s: internal error: %v", pg.Path, p)
			w.removeAfterPanic(i, pg)
		}
	}()
	return w.render(i, pg)
}

// removeAfterPanic removes what a panicking render of page i may have left,
// as render removes a page that fails; a removal that panics too is
// ignored, like one that fails.
func (w *writer) removeAfterPanic(i int, pg Page) {
	defer func() { _ = recover() }()
	if w.dir != nil && strings.Contains(pg.Path, "/") {
		w.dir.remove(pg.Path)
		return
	}
	_ = w.fs.Remove(w.fileName(i, pg))
}

// fileName is the file render writes page i into when not below the root
// of a whole new site (renderBelow).
func (w *writer) fileName(i int, pg Page) string {
	if w.inPlace {
		// Staged flat, named by the page's index, and moved to its path by
		// the commit (commit.go): no folder to make per page here, and none
		// to remove after the commit.
		return filepath.Join(w.tmp, stagedName(i))
	}
	return filepath.Join(w.tmp, filepath.FromSlash(pg.Path))
}

// render writes page i. A page that fails is removed, so a --keep-going site
// never publishes half a page.
func (w *writer) render(i int, pg Page) error {
	if w.dir != nil && strings.Contains(pg.Path, "/") {
		return w.renderBelow(pg)
	}
	name := w.fileName(i, pg)
	if !w.inPlace {
		if err := w.mkdirFor(name); err != nil {
			return fmt.Errorf("%s: %w", pg.Path, err)
		}
	}
	flags := os.O_WRONLY | os.O_CREATE | os.O_TRUNC
	if w.inPlace && w.spares.take(name) {
		// An empty file of the build's (publishspare.go): truncating it
		// anyway would have ext4 write it back when it is closed
		// (auto_da_alloc after a truncation to zero), 4-6 ms of a 10k
		// build's write stage.
		flags = os.O_WRONLY
	}
	f, err := w.fs.OpenFile(name, flags, 0o644)
	if err != nil {
		return fmt.Errorf("%s: %w", pg.Path, err)
	}
	// A staged file is renamed over its published copy by the commit,
	// which on ext4 first writes its delayed blocks back (auto_da_alloc)
	// under the file system's rename lock. A large one (an export) has its
	// blocks allocated before it is written, about as many as its published
	// copy's (preallocate), so it has no delayed blocks and the kernel
	// writes it back when it chooses; any other (a page), or one that
	// outgrew them, has its writeback started here (startWriteback), which
	// overlaps the rest of the write stage instead of holding up the commit.
	var allocated int64
	if w.inPlace {
		allocated = preallocate(f, w.sizes[int32(i)])
	}
	err = renderInto(pg, f, f)
	if err == nil && w.inPlace {
		err = settleLarge(f, allocated)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		_ = w.fs.Remove(name)
		return fmt.Errorf("%s: %w", pg.Path, err)
	}
	return nil
}

// renderBelow is render for a page below the root of a whole new site
// (nearly all of them), created with plain system calls (see pageDir) in
// the folder writeAll made ahead.
// These pages never splice a previous file, so they need no afero.File.
func (w *writer) renderBelow(pg Page) error {
	f, err := w.dir.createMade(pg.Path)
	if err != nil {
		return fmt.Errorf("%s: %w", pg.Path, err)
	}
	err = renderInto(pg, f, nil)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		w.dir.remove(pg.Path)
		return fmt.Errorf("%s: %w", pg.Path, err)
	}
	return nil
}

// renderInto renders pg into dst through a pooled buffer; file, when not
// nil, is dst as a file a spliced export can copy ranges into.
func renderInto(pg Page, dst io.Writer, file afero.File) error {
	buf := bufPool.Get().(*bufio.Writer)
	buf.Reset(dst)
	err := safeRender(pg, &pageFile{Writer: buf, f: file})
	if err == nil {
		err = buf.Flush()
	}
	buf.Reset(nil)
	bufPool.Put(buf)
	return err
}

// bufPool recycles page write buffers: one per page was a sixth of all allocation.
var bufPool = sync.Pool{New: func() any { return bufio.NewWriterSize(nil, 32<<10) }}

// safeRender turns a panicking page renderer into an error.
func safeRender(pg Page, out io.Writer) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("rendering failed: %v", p)
		}
	}()
	if pg.Render == nil {
		return fmt.Errorf("no renderer")
	}
	return pg.Render(out)
}

// dryRender renders every page to nowhere, to report every render error of a
// build that will not be published anyway.
func dryRender(pages []Page, workers int) []error {
	errs := make([]error, len(pages))
	jobs := make(chan int)
	var wg sync.WaitGroup
	for i := 0; i < workers; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var buf bytes.Buffer
			for i := range jobs {
				buf.Reset()
				if err := safeRender(pages[i], &buf); err != nil {
					errs[i] = fmt.Errorf("%s: %w", pages[i].Path, err)
				}
			}
		}()
	}
	for i := range pages {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	return compact(errs)
}

func compact(errs []error) []error {
	out := errs[:0]
	for _, e := range errs {
		if e != nil {
			out = append(out, e)
		}
	}
	return out
}

// removeOld removes old, the previous output a swap moved aside, its
// markerFile first, then the rest (removeTree): a process ending during the
// removal leaves a folder without it, which cleanStale removes and never
// restores as the output (was: removeTree alone, in directory order, and a
// half-removed folder still holding markerFile was put back as the site
// when the output had gone meanwhile). A markerFile that cannot be removed
// stops the removal, leaving old whole for the next build.
func removeOld(fs afero.Fs, old string, workers int) error {
	if holdsMarker(fs, old) {
		if err := fs.Remove(filepath.Join(old, markerFile)); err != nil && !os.IsNotExist(err) {
			return err
		}
	}
	return removeTree(fs, old, workers)
}

// holdsMarker reports whether dir holds markerFile, a regular file: the
// mark of a whole published site, and of an old folder whose removal has
// not begun.
func holdsMarker(fs afero.Fs, dir string) bool {
	fi, err := lstat(fs, filepath.Join(dir, markerFile))
	return err == nil && fi.Mode().IsRegular()
}

// removeTree removes dir like RemoveAll, but on the OS filesystem removes the
// folders two levels down in parallel: a site has one folder per event, and
// removing a previous site one file at a time dominated incremental builds.
func removeTree(fs afero.Fs, dir string, workers int) error {
	if _, isOS := fs.(*afero.OsFs); !isOS {
		return fs.RemoveAll(dir)
	}
	var subdirs []string
	top, _ := os.ReadDir(dir)
	for _, e := range top {
		if !e.IsDir() {
			continue
		}
		p := filepath.Join(dir, e.Name())
		inner, _ := os.ReadDir(p)
		for _, f := range inner {
			if f.IsDir() {
				subdirs = append(subdirs, filepath.Join(p, f.Name()))
			}
		}
	}
	jobs := make(chan string)
	var wg sync.WaitGroup
	for i := 0; i < workers; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for p := range jobs {
				_ = osFs.RemoveAll(p) // what fails here fails again below, and is reported there
			}
		}()
	}
	for _, p := range subdirs {
		jobs <- p
	}
	close(jobs)
	wg.Wait()
	return osFs.RemoveAll(dir) // osFs: the tests cut it short
}

// ioWorkers is the concurrency of file-system-bound stages: more than the cores,
// because the workers mostly wait on system calls.
func ioWorkers(cpu int) int { return max(4*cpu, 8) }
