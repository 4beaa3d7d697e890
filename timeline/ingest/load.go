package ingest

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/newsline/timeline/timeline"
	"github.com/spf13/afero"
)

// skippedNames are files in content/ that are not articles.
var skippedNames = map[string]bool{"_index.md": true, "overrides.yaml": true, "timeline.yaml": true}

// articleExts are the extensions Load reads; other files (images, PDFs,
// editor backups) are left alone.
var articleExts = map[string]bool{".md": true, ".markdown": true, ".txt": true}

// maxLinkHops bounds symlink chains.
const maxLinkHops = 8

// Load reads every article under dirs, in lexical order, dir by dir. It
// returns the good articles and every error met (never only the first):
// unreadable, oversized, binary or malformed files, symlinks leaving their
// directory, duplicate slugs (the later file in walk order is refused).
// Dotfiles and dot-directories, _index.md, overrides.yaml, timeline.yaml and
// .yaml/.yml sidecars are skipped. Drafts are left out unless
// opts.IncludeDrafts. Symlinked directories are not followed.
func Load(fsys afero.Fs, dirs []string, opts Options) ([]timeline.Article, []error) {
	l := loader{fs: fsys, opts: opts, slugs: map[string]string{}}
	for _, dir := range dirs {
		l.dir(dir)
	}
	l.run()
	return l.articles, l.errs
}

type loader struct {
	fs       afero.Fs
	opts     Options
	steps    []step // what the walks met, in walk order
	articles []timeline.Article
	errs     []error
	slugs    map[string]string // slug -> path that took it
}

// step is one entry of the walk, in walk order: an error the walk met, or a
// file to read and parse (on opts.Workers goroutines), then admit in order.
// The parsed article is not kept here but in a list sized once after the walk
// (run): an Article is large, and growing the list of steps by appending
// copied every one of them about twenty times at 10,000 files.
type step struct {
	err        error
	root, path string
	info       fs.FileInfo
	optional   bool
}

// run reads and parses the walked files, on opts.Workers goroutines, each
// result at its own step, then reports and admits them in walk order: the
// outcome does not depend on scheduling. The articles are admitted into the
// list they were parsed into (each moves down to the next free place): a
// second list of 10,000 Articles was 3.7 MB more memory touched for the first
// time, about 18 ms of CPU on this project's machines.
func (l *loader) run() {
	jobs := make(chan int)
	parsed := make([]timeline.Article, len(l.steps)) // sized once: an Article is large
	keep := make([]bool, len(l.steps))               // the file is an article to admit
	var wg sync.WaitGroup
	for w := 0; w < max(1, l.opts.Workers); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				s := &l.steps[i]
				parsed[i], keep[i], s.err = l.prepare(s.root, s.path, s.info, s.optional)
			}
		}()
	}
	for i := range l.steps {
		if l.steps[i].err == nil {
			jobs <- i
		}
	}
	close(jobs)
	wg.Wait()
	l.articles = parsed[:0]
	l.slugs = make(map[string]string, len(l.steps)) // sized once: growing it was 2 ms per 2,000 articles
	for i := range l.steps {
		s := &l.steps[i]
		switch {
		case s.err != nil:
			l.fail(s.err)
		case keep[i]:
			l.admit(s.path, parsed[i]) // a copy, written at or below i
		}
	}
	clear(parsed[len(l.articles):]) // what was not admitted must not stay reachable
}

func (l *loader) fail(err error) { l.errs = append(l.errs, err) }

func (l *loader) dir(root string) {
	optional := false
	for _, d := range l.opts.OptionalDateDirs {
		optional = optional || filepath.Clean(d) == filepath.Clean(root)
	}
	walkRoot := root
	if info, err := lstat(l.fs, root); err == nil && info.Mode()&os.ModeSymlink != 0 {
		// the folder itself may be a link (content -> /srv/articles): walk
		// through it; links inside are still checked against it
		walkRoot = root + string(filepath.Separator) + "."
	}
	walkFn := walk
	if l.opts.Listing != nil {
		walkFn = l.opts.Listing.walk
	}
	_ = walkFn(l.fs, walkRoot, l.opts.Workers, func(path string, info fs.FileInfo, err error) error {
		if err != nil {
			l.steps = append(l.steps, step{err: &Error{Path: path, Err: fmt.Errorf("cannot read: %w", unwrapPath(err))}})
			return nil
		}
		name := info.Name()
		if path != walkRoot && strings.HasPrefix(name, ".") {
			if info.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		ext := strings.ToLower(filepath.Ext(name))
		if info.Mode()&os.ModeSymlink != 0 && !articleExts[ext] {
			// not an article, but a link out of the folder (say, to a
			// directory) is still worth refusing loudly
			if _, err := l.resolve(root, path); err != nil {
				l.steps = append(l.steps, step{err: err})
			}
			return nil
		}
		if info.IsDir() || skippedNames[name] || !articleExts[ext] {
			return nil
		}
		l.steps = append(l.steps, step{root: root, path: path, info: info, optional: optional})
		return nil
	})
}

// prepare reads and parses one file; keep is false for what is not to be built
// (a symlink to a directory, a seed without a date, a draft). Safe for
// concurrent use, as the hooks in opts must be when opts.Workers > 1.
func (l *loader) prepare(root, path string, info fs.FileInfo, optional bool) (a timeline.Article, keep bool, err error) {
	f, recallable := l.recallable(path, info)
	if recallable && l.opts.Recall != nil {
		if a, ok := l.opts.Recall(f); ok {
			return a, !a.Meta.Draft || l.opts.IncludeDrafts, nil
		}
	}
	raw, err := l.read(root, path, info)
	if err != nil || raw == nil {
		return a, false, err // raw == nil: a symlink to a directory
	}
	var sidecar []byte
	var sideInfo fs.FileInfo
	if isText(path) {
		if sideInfo, sidecar, err = l.sidecar(root, path); err != nil {
			return a, false, err
		}
	}
	parse := Parse
	if l.opts.ParseFile != nil {
		parse = l.opts.ParseFile
	}
	a, err = parse(path, raw, sidecar, l.opts)
	switch {
	case err != nil && optional && sidecar == nil && errors.Is(err, ErrNoDate):
		return a, false, nil // seeds/ without a sidecar: not meant to be built
	case err != nil:
		return a, false, err
	}
	// Remembered only under the infos Recall was (or would have been) asked
	// with: the sidecar read must be the one the walk found then.
	if recallable && l.opts.Remember != nil && sameFile(f.SidecarInfo, sideInfo) {
		f.Raw, f.Sidecar = raw, sidecar
		l.opts.Remember(f, a)
	}
	return a, !a.Meta.Draft || l.opts.IncludeDrafts, nil
}

func isText(path string) bool { return strings.EqualFold(filepath.Ext(path), ".txt") }

// recallable says whether Recall may be asked about path: a regular file
// within the size limit whose sidecar, for raw text, is a regular file or
// absent. A symlink's bytes depend on its target, which its Lstat does not
// describe; so do a sidecar link's.
func (l *loader) recallable(path string, info fs.FileInfo) (File, bool) {
	f := File{Path: path, Info: info}
	if l.opts.Recall == nil && l.opts.Remember == nil {
		return f, false
	}
	if !info.Mode().IsRegular() || info.Size() > l.opts.maxBytes() {
		return f, false
	}
	if isText(path) {
		side, err := lstat(l.fs, SidecarPath(path))
		if err == nil {
			if !side.Mode().IsRegular() {
				return f, false
			}
			f.SidecarInfo = side
		}
	}
	return f, true
}

// sameFile reports whether two infos of a sidecar (nil: none) describe the
// same file as far as size and modification time tell.
func sameFile(a, b fs.FileInfo) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return a.Size() == b.Size() && a.ModTime().Equal(b.ModTime()) && a.Mode() == b.Mode()
}

// admit adds a parsed article unless an earlier file took its slug.
func (l *loader) admit(path string, a timeline.Article) {
	if first, taken := l.slugs[a.Slug]; taken {
		l.fail(errorAt(path, 0, ErrDuplicateSlug, "%q is already the slug of %s; set slug: to another value", a.Slug, first))
		return
	}
	l.slugs[a.Slug] = path
	l.articles = append(l.articles, a)
}

// sidecar reads NAME.yaml beside a text file, and returns what its Lstat
// found; nil, nil if absent.
func (l *loader) sidecar(root, path string) (fs.FileInfo, []byte, error) {
	sp := SidecarPath(path)
	info, err := lstat(l.fs, sp)
	if err != nil {
		return nil, nil, nil
	}
	raw, err := l.read(root, sp, info)
	return info, raw, err
}

// read returns a file's bytes after refusing what must not be read: a
// symlink leaving root, or a file over the size limit (checked before
// reading, so a 50 MB file is never loaded). A symlink to a directory
// returns nil, nil.
func (l *loader) read(root, path string, info fs.FileInfo) ([]byte, error) {
	linked := info.Mode()&os.ModeSymlink != 0
	if linked {
		target, err := l.resolve(root, path)
		if err != nil {
			return nil, err
		}
		if info, err = l.fs.Stat(target); err != nil {
			return nil, &Error{Path: path, Err: fmt.Errorf("cannot read: %w", unwrapPath(err))}
		}
		if info.IsDir() {
			return nil, nil
		}
	}
	if !info.Mode().IsRegular() && info.Mode()&os.ModeSymlink == 0 {
		return nil, errorAt(path, 0, ErrFormat, "not a regular file")
	}
	if max := l.opts.maxBytes(); info.Size() > max {
		return nil, errorAt(path, 0, ErrTooLarge, "%d bytes, limit %d", info.Size(), max)
	}
	var raw []byte
	var err error
	if l.opts.ReadFile != nil && !linked {
		raw, err = l.opts.ReadFile(path, info)
	} else {
		raw, err = afero.ReadFile(l.fs, path)
	}
	if err != nil {
		return nil, &Error{Path: path, Err: fmt.Errorf("cannot read: %w", unwrapPath(err))}
	}
	return raw, nil
}

// resolve follows a symlink chain and returns the final target, refusing
// any hop that leaves root.
func (l *loader) resolve(root, path string) (string, error) {
	lr, ok := l.fs.(afero.LinkReader)
	if !ok {
		return "", errorAt(path, 0, ErrSymlink, "this file system cannot read links, so the target cannot be checked")
	}
	cur := path
	for hop := 0; hop < maxLinkHops; hop++ {
		target, err := lr.ReadlinkIfPossible(cur)
		if err != nil {
			return "", &Error{Path: path, Err: fmt.Errorf("cannot read link: %w", unwrapPath(err))}
		}
		if !filepath.IsAbs(target) {
			target = filepath.Join(filepath.Dir(cur), target)
		}
		if !inside(root, target) {
			return "", errorAt(path, 0, ErrSymlink, "-> %s", target)
		}
		info, err := lstat(l.fs, target)
		if err != nil || info.Mode()&os.ModeSymlink == 0 {
			return target, nil
		}
		cur = target
	}
	return "", errorAt(path, 0, ErrSymlink, "more than %d links in a chain", maxLinkHops)
}

// inside reports whether target lies within root (both cleaned; made
// absolute when only one of them is).
func inside(root, target string) bool {
	if filepath.IsAbs(target) != filepath.IsAbs(root) {
		var err error
		if root, err = filepath.Abs(root); err != nil {
			return false
		}
		if target, err = filepath.Abs(target); err != nil {
			return false
		}
	}
	rel, err := filepath.Rel(filepath.Clean(root), filepath.Clean(target))
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

func lstat(fsys afero.Fs, path string) (fs.FileInfo, error) {
	if ls, ok := fsys.(afero.Lstater); ok {
		info, _, err := ls.LstatIfPossible(path)
		return info, err
	}
	return fsys.Stat(path)
}

// unwrapPath drops the *PathError wrapper: our Error already names the path.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
