package ingest

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

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
	return l.articles, l.errs
}

type loader struct {
	fs       afero.Fs
	opts     Options
	articles []timeline.Article
	errs     []error
	slugs    map[string]string // slug -> path that took it
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
	_ = afero.Walk(l.fs, walkRoot, func(path string, info fs.FileInfo, err error) error {
		if err != nil {
			l.fail(&Error{Path: path, Err: fmt.Errorf("cannot read: %w", unwrapPath(err))})
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
				l.fail(err)
			}
			return nil
		}
		if info.IsDir() || skippedNames[name] || !articleExts[ext] {
			return nil
		}
		l.file(root, path, info, optional)
		return nil
	})
}

// file reads, parses and admits one article.
func (l *loader) file(root, path string, info fs.FileInfo, optional bool) {
	raw, err := l.read(root, path, info)
	if err != nil {
		l.fail(err)
		return
	}
	if raw == nil {
		return // a symlink to a directory
	}
	var sidecar []byte
	if strings.EqualFold(filepath.Ext(path), ".txt") {
		if sidecar, err = l.sidecar(root, path); err != nil {
			l.fail(err)
			return
		}
	}
	parse := Parse
	if l.opts.ParseFile != nil {
		parse = l.opts.ParseFile
	}
	a, err := parse(path, raw, sidecar, l.opts)
	switch {
	case err != nil && optional && sidecar == nil && errors.Is(err, ErrNoDate):
		return // seeds/ without a sidecar: not meant to be built
	case err != nil:
		l.fail(err)
		return
	case a.Meta.Draft && !l.opts.IncludeDrafts:
		return
	}
	if first, taken := l.slugs[a.Slug]; taken {
		l.fail(errorAt(path, 0, ErrDuplicateSlug, "%q is already the slug of %s; set slug: to another value", a.Slug, first))
		return
	}
	l.slugs[a.Slug] = path
	l.articles = append(l.articles, a)
}

// sidecar reads NAME.yaml beside a text file; nil if absent.
func (l *loader) sidecar(root, path string) ([]byte, error) {
	sp := SidecarPath(path)
	info, err := lstat(l.fs, sp)
	if err != nil {
		return nil, nil
	}
	return l.read(root, sp, info)
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
