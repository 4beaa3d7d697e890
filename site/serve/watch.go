package serve

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/fsnotify/fsnotify"

	"github.com/newsline/timeline/timeline/ingest"
)

// watcher turns file-system events under the watched paths into debounced
// batches of changed names, and tells the build's listing (ingest.Listing)
// of every change under the watched folders as it comes, or that it may have
// missed some.
type watcher struct {
	fsw     *fsnotify.Watcher
	roots   map[string]bool // watched folders (recursively)
	files   map[string]bool // single files watched through their folder
	absent  map[string]bool // watched paths not there yet, watched through their nearest folder
	listing *ingest.Listing // told of every change under roots; nil: none
	changes chan []string
	errs    chan error
	stop    chan struct{}
}

func newWatcher(paths []string, debounce time.Duration, listing *ingest.Listing) (*watcher, error) {
	fsw, err := fsnotify.NewWatcher()
	if err != nil {
		return nil, err
	}
	w := &watcher{fsw: fsw, roots: map[string]bool{}, files: map[string]bool{}, absent: map[string]bool{},
		listing: listing, changes: make(chan []string), errs: make(chan error, 1), stop: make(chan struct{})}
	for _, p := range paths {
		w.watch(filepath.Clean(p))
	}
	go w.loop(debounce)
	return w, nil
}

// watch starts watching p, a clean path, and reports whether it is there.
// A path not there yet (no seeds/, no timeline.yaml) is watched through its
// nearest existing folder, so that its coming is seen (arrive).
func (w *watcher) watch(p string) bool {
	fi, err := os.Stat(p)
	switch {
	case err != nil:
		w.absent[p] = true
		for dir := filepath.Dir(p); ; dir = filepath.Dir(dir) {
			if fi, err := os.Stat(dir); err == nil && fi.IsDir() {
				_ = w.fsw.Add(dir)
				break
			}
			if dir == filepath.Dir(dir) {
				break
			}
		}
		return false
	case fi.IsDir():
		w.roots[p] = true
		w.addTree(p)
	default:
		// Watch the folder (editors replace files by renaming) but only report this file.
		w.files[p] = true
		_ = w.fsw.Add(filepath.Dir(p))
	}
	return true
}

// arrive handles an event for a watched path not there yet, or for a folder
// on the way to one: what has come is watched from now on and returned as
// changed; what is still absent is watched through its nearest folder again
// (a folder on its way may have come). A watched folder that goes is returned
// as changed and watched as absent from then on.
func (w *watcher) arrive(ev fsnotify.Event) []string {
	name := filepath.Clean(ev.Name)
	var came []string
	if w.roots[name] && (ev.Has(fsnotify.Remove) || ev.Has(fsnotify.Rename)) {
		// A watched folder removed or moved away: its watches went with it,
		// so it is watched as absent until it comes back (rm -r seeds; mkdir seeds).
		delete(w.roots, name)
		if w.listing != nil {
			w.listing.Invalidate()
		}
		w.watch(name)
		came = append(came, name) // what it held is gone (or back already)
	}
	if len(w.absent) == 0 || !ev.Has(fsnotify.Create) {
		return came
	}
	for p := range w.absent {
		if p != name && !strings.HasPrefix(p, name+string(filepath.Separator)) {
			continue
		}
		delete(w.absent, p)
		if w.watch(p) {
			came = append(came, p)
			if w.roots[p] && w.listing != nil {
				w.listing.Invalidate() // a new root: whatever was listed under its name is stale
			}
		}
	}
	sort.Strings(came)
	return came
}

func (w *watcher) addTree(root string) {
	top := root
	if info, err := os.Lstat(root); err == nil && info.Mode()&os.ModeSymlink != 0 {
		top = root + string(filepath.Separator) + "." // a linked folder: WalkDir would not enter it
	}
	_ = filepath.WalkDir(top, func(p string, d os.DirEntry, err error) error {
		if err == nil && d.IsDir() {
			if p == top {
				p = root
			}
			if p != root && strings.HasPrefix(d.Name(), ".") {
				return filepath.SkipDir
			}
			_ = w.fsw.Add(p)
		}
		return nil
	})
}

// relevant skips editor droppings and files outside what we watch.
func (w *watcher) relevant(name string) bool {
	base := filepath.Base(name)
	if strings.HasPrefix(base, ".") || strings.HasSuffix(base, "~") || strings.HasSuffix(base, ".swp") {
		return false
	}
	return w.files[filepath.Clean(name)] || w.inRoots(name)
}

// inRoots reports whether name is in a watched folder.
func (w *watcher) inRoots(name string) bool {
	for root := range w.roots {
		if rel, err := filepath.Rel(root, name); err == nil && !strings.HasPrefix(rel, "..") {
			return true
		}
	}
	return false
}

// tell tells the listing of a change in a watched folder, editor droppings
// included (the build's walk sees them too). A new folder is watched first:
// the listing then reads it whole, and what comes into it later is told.
func (w *watcher) tell(ev fsnotify.Event) {
	if !w.inRoots(ev.Name) {
		return
	}
	if ev.Has(fsnotify.Create) && !strings.HasPrefix(filepath.Base(ev.Name), ".") {
		if fi, err := os.Lstat(ev.Name); err == nil && fi.IsDir() {
			w.addTree(ev.Name)
		}
	}
	if w.listing != nil {
		w.listing.Changed(ev.Name)
	}
}

func (w *watcher) loop(debounce time.Duration) {
	pending := map[string]bool{}
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	for {
		select {
		case <-w.stop:
			return
		case ev, ok := <-w.fsw.Events:
			if !ok {
				return
			}
			came := w.arrive(ev) // a watched path that was not there is watched now
			w.tell(ev)           // a new sub-folder of content/ is watched too
			for _, p := range came {
				pending[p] = true
			}
			if w.relevant(ev.Name) {
				pending[filepath.Clean(ev.Name)] = true // one name for one file, however it came
			} else if len(came) == 0 {
				continue
			}
			timer.Reset(debounce)
		case err, ok := <-w.fsw.Errors:
			if !ok {
				return
			}
			if w.listing != nil {
				w.listing.Invalidate() // an overflow lost events: the next build walks
			}
			select {
			case w.errs <- err:
			default:
			}
		case <-timer.C:
			names := make([]string, 0, len(pending))
			for n := range pending {
				names = append(names, n)
			}
			sort.Strings(names)
			pending = map[string]bool{}
			select {
			case w.changes <- names:
			case <-w.stop:
				return
			}
		}
	}
}

func (w *watcher) close() {
	close(w.stop)
	w.fsw.Close()
}
