package ingest

import (
	"errors"
	"io/fs"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/spf13/afero"
)

// A Listing keeps what Load's walks found, every folder's entries and their
// Lstat, so that the next Load replays it and Lstats again only the paths it
// was told changed. A long-running process whose file watcher reports every
// change under the folders (timeline serve) then skips the walk: at 10,000
// articles, 10,000 Lstats per rebuild (15-50 ms of CPU on this project's
// machines).
//
// Trust is the watcher's, so a Listing is careful about when it has it:
//   - It keeps nothing until Arm says the watcher is running: what a walk
//     found before that may have changed unseen.
//   - Invalidate (the watcher's queue overflowed, or it failed) drops
//     everything: the next walks start afresh.
//   - A folder's listing older than MaxAge is walked afresh, so that a change
//     the watcher could not see (a network file system) is found in the end.
//   - A walk that met any error is not kept (the next one reports it again),
//     nor is a root that is itself a symlink.
//
// The replay gives the walk's callback the same paths in the same order, with
// each file's Lstat as found by the walk or by the Lstat of a reported change;
// a folder's own FileInfo is the one found when it was listed (Load reads only
// its kind and name from it). Safe for concurrent use.
type Listing struct {
	// MaxAge is how long a root's listing is replayed before it is walked
	// afresh; 0 means DefaultListingMaxAge.
	MaxAge time.Duration

	mu      sync.Mutex
	armed   bool
	gen     int                    // counts Arm and Invalidate: a walk that began before one is not kept
	roots   map[string]*listedRoot // absolute walk root -> what its last walk found
	changed map[string]bool        // absolute paths reported changed, not yet applied
	replays int                    // walks replayed (for tests)
}

// DefaultListingMaxAge is how long a Listing trusts a walk by default.
const DefaultListingMaxAge = 5 * time.Minute

// listedRoot is one walk root's tree and when it was walked in full.
type listedRoot struct {
	top    listedEntry
	walked time.Time
}

// listedEntry is one entry of a folder as a walk found it.
type listedEntry struct {
	name     string
	info     fs.FileInfo
	children []listedEntry // a folder's entries, sorted by name
	listed   bool          // children were read (a folder the callback skipped is not)
	err      error         // its Lstat failed when its folder was read (replayed as such, never kept)
}

// Arm says that every change under the walked folders is reported from now
// on (Changed). What was kept before is dropped: it may be stale.
func (l *Listing) Arm() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.armed, l.roots, l.changed = true, nil, nil
	l.gen++
}

// Invalidate drops everything kept: the next walks start afresh.
func (l *Listing) Invalidate() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.roots, l.changed = nil, nil
	l.gen++
}

// Changed reports paths (files or folders, present or gone) that changed.
// A path that cannot be made absolute drops everything, as Invalidate.
func (l *Listing) Changed(paths ...string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.armed {
		return // nothing is kept
	}
	if l.changed == nil {
		l.changed = map[string]bool{}
	}
	for _, p := range paths {
		abs, err := filepath.Abs(p)
		if err != nil {
			l.roots, l.changed = nil, nil
			l.gen++
			return
		}
		l.changed[abs] = true
	}
}

// Replays counts the walks answered from the listing (for tests).
func (l *Listing) Replays() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.replays
}

// walk is walk (walk.go) answered from the listing when it can be.
func (l *Listing) walk(fsys afero.Fs, root string, workers int, fn filepath.WalkFunc) error {
	abs, err := filepath.Abs(root)
	if err != nil || filepath.Base(root) == "." { // a symlinked root ("content/."): not kept
		return walk(fsys, root, workers, fn)
	}
	kept, changes, gen := l.take(abs)
	if kept != nil {
		if err := kept.patch(fsys, abs, changes); err == nil {
			l.count()
			failed := false
			err := kept.replay(fsys, root, workers, fn, &failed)
			if !failed && err == nil {
				l.keep(abs, kept, gen)
			}
			return err
		}
	}
	walked := time.Now()
	rec := recorder{fn: fn, root: root}
	err = walk(fsys, root, workers, rec.visit)
	if rec.ok() && err == nil {
		l.keep(abs, &listedRoot{top: rec.top, walked: walked}, gen)
	}
	return err
}

// take returns root's listing when it may be replayed, with the changes
// reported under root (removed from those pending), and the generation to
// keep the walk's listing under (-1: not armed, keep nothing); nil when root
// is to be walked afresh.
func (l *Listing) take(root string) (*listedRoot, []string, int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	var changes []string
	for p := range l.changed {
		if p == root || strings.HasPrefix(p, root+string(filepath.Separator)) {
			changes = append(changes, p)
			delete(l.changed, p)
		}
	}
	kept := l.roots[root]
	delete(l.roots, root) // kept again once replayed or walked
	maxAge := l.MaxAge
	if maxAge <= 0 {
		maxAge = DefaultListingMaxAge
	}
	gen := l.gen
	if !l.armed {
		gen = -1
	}
	if kept == nil || gen < 0 || time.Since(kept.walked) > maxAge {
		return nil, nil, gen
	}
	sort.Strings(changes) // a folder before what is inside it
	return kept, changes, gen
}

// keep records root's listing, unless it was taken unarmed or Arm or
// Invalidate came since.
func (l *Listing) keep(root string, r *listedRoot, gen int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if gen < 0 || gen != l.gen || !l.armed {
		return
	}
	if l.roots == nil {
		l.roots = map[string]*listedRoot{}
	}
	l.roots[root] = r
}

func (l *Listing) count() {
	l.mu.Lock()
	l.replays++
	l.mu.Unlock()
}

// errRelist says a change could not be applied to a listing: walk afresh.
var errRelist = errors.New("listing: walk afresh")

// patch applies the changed paths (absolute, under root) to the listing.
func (r *listedRoot) patch(fsys afero.Fs, root string, changes []string) error {
	for _, p := range changes {
		rel, err := filepath.Rel(root, p)
		if err != nil {
			return errRelist
		}
		if rel == "." {
			continue // the root's own attributes: it is Lstat'ed by every replay
		}
		if err := r.top.apply(fsys, root, strings.Split(rel, string(filepath.Separator))); err != nil {
			return err
		}
	}
	return nil
}

// apply Lstats the entry at names below e (at path dir) and updates e's
// children: the first name e does not hold is added when it exists (a
// folder unlisted: it is read when replayed), the last is updated or removed.
func (e *listedEntry) apply(fsys afero.Fs, dir string, names []string) error {
	if !e.listed {
		return nil // read afresh when replayed, or skipped
	}
	path := filepath.Join(dir, names[0])
	i := sort.Search(len(e.children), func(i int) bool { return e.children[i].name >= names[0] })
	found := i < len(e.children) && e.children[i].name == names[0]
	if found && len(names) > 1 && e.children[i].info.IsDir() {
		return e.children[i].apply(fsys, path, names[1:])
	}
	info, err := lstat(fsys, path)
	switch {
	case errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR):
		if found {
			e.children = append(e.children[:i], e.children[i+1:]...)
		}
		return nil
	case err != nil:
		return errRelist // reported by the walk, as it would be
	case found:
		// A folder's own report (created, removed, renamed, replaced):
		// read again when replayed, since what it holds may be new.
		e.children[i] = listedEntry{name: names[0], info: info}
		return nil
	default:
		e.children = append(e.children, listedEntry{})
		copy(e.children[i+1:], e.children[i:])
		e.children[i] = listedEntry{name: names[0], info: info}
		return nil
	}
}

// replay calls fn as walk would, from the listing; folders not listed yet are
// read now. The root is Lstat'ed again: it costs one call. failed is set when
// the walk met an error: the listing is then not kept.
func (r *listedRoot) replay(fsys afero.Fs, root string, workers int, fn filepath.WalkFunc, failed *bool) error {
	info, err := lstat(fsys, root)
	if err != nil || !info.IsDir() {
		*failed = true
		return walk(fsys, root, workers, fn)
	}
	r.top.info = info
	return r.top.replay(fsys, root, workers, fn, failed)
}

func (e *listedEntry) replay(fsys afero.Fs, path string, workers int, fn filepath.WalkFunc, failed *bool) error {
	if err := fn(path, e.info, nil); err != nil {
		if e.info.IsDir() && err == filepath.SkipDir {
			return nil
		}
		return err
	}
	if !e.info.IsDir() {
		return nil
	}
	if !e.listed {
		if err := e.list(fsys, path, workers); err != nil {
			*failed = true
			return fn(path, e.info, err) // as walkFrom reports it
		}
	}
	for i := range e.children {
		c := &e.children[i]
		name := filepath.Join(path, c.name)
		if c.err != nil {
			*failed = true
			if err := fn(name, c.info, c.err); err != nil && err != filepath.SkipDir {
				return err
			}
			continue
		}
		if err := c.replay(fsys, name, workers, fn, failed); err != nil {
			if !c.info.IsDir() || err != filepath.SkipDir {
				return err
			}
		}
	}
	return nil
}

// list reads a folder's entries and Lstats them, as walkFrom does.
func (e *listedEntry) list(fsys afero.Fs, path string, workers int) error {
	names, err := readDirNames(fsys, path)
	if err != nil {
		return err
	}
	infos, errs := lstatAll(fsys, path, names, workers)
	children := make([]listedEntry, len(names))
	for i, name := range names {
		children[i] = listedEntry{name: name, info: infos[i], err: errs[i]} // an error is reported as walkFrom does
	}
	e.children, e.listed = children, true
	return nil
}

// recorder builds a listing from a walk's calls, in walk order.
type recorder struct {
	fn     filepath.WalkFunc
	root   string
	top    listedEntry
	stack  []*listedEntry // the folders being walked, root first
	paths  []string       // their paths
	failed bool           // the walk met an error: keep nothing
}

func (r *recorder) visit(path string, info fs.FileInfo, err error) error {
	if err != nil {
		r.failed = true
		return r.fn(path, info, err)
	}
	ret := r.fn(path, info, nil)
	if path == r.root {
		r.top = listedEntry{name: filepath.Base(path), info: info, listed: info.IsDir() && ret == nil}
		r.stack, r.paths = []*listedEntry{&r.top}, []string{filepath.Clean(path)}
		return ret
	}
	parent := r.parentOf(path)
	if parent == nil {
		r.failed = true // cannot happen: the walk visits a folder before its entries
		return ret
	}
	parent.children = append(parent.children, listedEntry{name: filepath.Base(path), info: info,
		listed: info.IsDir() && ret == nil})
	if info.IsDir() && ret == nil {
		r.stack = append(r.stack, &parent.children[len(parent.children)-1])
		r.paths = append(r.paths, path)
	}
	return ret
}

// parentOf pops the folders path is not in and returns the one it is in.
// Pointers into a parent's children stay valid: the walk has finished a
// folder's entries before it appends the next entry to the parent.
func (r *recorder) parentOf(path string) *listedEntry {
	dir := filepath.Dir(path)
	for n := len(r.stack); n > 0; n = len(r.stack) {
		if r.paths[n-1] == dir {
			return r.stack[n-1]
		}
		r.stack, r.paths = r.stack[:n-1], r.paths[:n-1]
	}
	return nil
}

func (r *recorder) ok() bool { return !r.failed && r.top.info != nil && r.top.listed }
