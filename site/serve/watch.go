package serve

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/fsnotify/fsnotify"
)

// watcher turns file-system events under the watched paths into debounced
// batches of changed names.
type watcher struct {
	fsw     *fsnotify.Watcher
	roots   map[string]bool // watched folders (recursively)
	files   map[string]bool // single files watched through their folder
	changes chan []string
	errs    chan error
	stop    chan struct{}
}

func newWatcher(paths []string, debounce time.Duration) (*watcher, error) {
	fsw, err := fsnotify.NewWatcher()
	if err != nil {
		return nil, err
	}
	w := &watcher{fsw: fsw, roots: map[string]bool{}, files: map[string]bool{},
		changes: make(chan []string), errs: make(chan error, 1), stop: make(chan struct{})}
	for _, p := range paths {
		fi, err := os.Stat(p)
		switch {
		case err != nil:
			continue // absent folders (no seeds/) are fine
		case fi.IsDir():
			w.roots[filepath.Clean(p)] = true
			w.addTree(p)
		default:
			// Watch the folder (editors replace files by renaming) but only report this file.
			w.files[filepath.Clean(p)] = true
			_ = fsw.Add(filepath.Dir(p))
		}
	}
	go w.loop(debounce)
	return w, nil
}

func (w *watcher) addTree(root string) {
	_ = filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err == nil && d.IsDir() {
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
	if w.files[filepath.Clean(name)] {
		return true
	}
	for root := range w.roots {
		if rel, err := filepath.Rel(root, name); err == nil && !strings.HasPrefix(rel, "..") {
			return true
		}
	}
	return false
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
			if !w.relevant(ev.Name) {
				continue
			}
			if ev.Has(fsnotify.Create) {
				if fi, err := os.Stat(ev.Name); err == nil && fi.IsDir() {
					w.addTree(ev.Name) // a new sub-folder of content/
				}
			}
			pending[ev.Name] = true
			timer.Reset(debounce)
		case err, ok := <-w.fsw.Errors:
			if !ok {
				return
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
