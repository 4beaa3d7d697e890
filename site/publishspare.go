package site

import (
	"os"
	"path/filepath"
	"strconv"
	"sync"

	"github.com/spf13/afero"
)

// An in-place commit stages each changed page in a new file, and creating a
// file here cost ~300 µs of kernel time (perf, 10k incremental builds, 27 Nov:
// 29-41 ms for the 97-131 staged pages of a build, 9-12% of the write stage's
// CPU), nearly all in ext4's recently_deleted: on a file system without a
// journal, finding a free inode skips, one buffer look-up each from the
// block group's start, every inode freed in the last 5-10 minutes, and every
// incremental build frees as many as it creates (the replaced pages, the
// temporary folders). So empty files are made ahead, off the write stage,
// in the cache folder's spare folder, and the write stage takes one by
// renaming it to the staged page's name (no inode to allocate) instead of
// creating the file. A build tops the folder up beside its first stages
// (cache, load, merge leave the second core mostly idle) and a Session also
// after it has published, in the background, for its next build.
//
// Safety: a spare is an empty file the build made and nothing ever
// published; one that is not (a symlink, a folder, a file with data or
// another link: put there by hand) is never written into, and the page is
// created as before. A spare is renamed into the temporary folder before it
// is written, so a killed build leaves it there, and cleanStale removes it
// with the folder. The output's bytes do not depend on which files were
// spares. Off the cache folder's file system (the rename fails) the pages
// are created as before.
const spareDir = "spare"

// spareTarget is how many spares a build keeps ready for a site of pages
// pages: a changed article restages its events' pages, the listings and
// the exports (97-131 files at 10k pages), so about one page in 500, at
// least 16 and at most 256.
func spareTarget(pages int) int { return min(max(pages/500, 16), 256) }

// spares are the spare files of a cache folder.
type spares struct {
	fs    afero.Fs
	dir   string
	mu    sync.Mutex
	names []string    // spares ready to take
	made  os.FileInfo // a file fill made: a spare taken must have its mode and owner
	off   bool        // a rename out of dir failed: create the pages instead
	done  chan struct{}
}

// topUpSpares starts making spares in cacheDir's spare folder on a
// goroutine until it holds target(pages) of them, pages being what the
// previous manifest lists (wait for it: the early read); nil when there is
// no previous site to commit into. The files it lists or makes can be taken
// (take) as soon as they are ready.
func topUpSpares(fs afero.Fs, cacheDir string, pages func() int) *spares {
	s := &spares{fs: fs, dir: filepath.Join(cacheDir, spareDir), done: make(chan struct{})}
	go func() {
		defer close(s.done)
		defer func() { _ = recover() }() // spares only save time: the pages are created as before
		n := pages()
		if n <= 0 {
			return
		}
		s.fill(spareTarget(n))
	}()
	return s
}

// fill lists the spare folder and makes files until it holds target. It
// makes and lists nothing unless the folder is a real folder (not a symlink
// to one elsewhere: its entries would be moved into the output, and what
// the pages do not take removed), and it learns from the first file it
// makes the mode and owner a spare must have to be taken (isBlankFile): a
// file made here gets 0644 less the umask, as a page created by the write
// stage does.
func (s *spares) fill(target int) {
	if err := s.fs.MkdirAll(s.dir, 0o755); err != nil {
		return
	}
	if fi, err := lstat(s.fs, s.dir); err != nil || !fi.IsDir() {
		return
	}
	f, err := s.fs.Open(s.dir)
	if err != nil {
		return
	}
	have, err := f.Readdirnames(-1)
	f.Close()
	if err != nil {
		return
	}
	prefix := randomSuffix() + "-"
	made := func(i int) (string, bool) {
		name := prefix + strconv.Itoa(i)
		f, err := s.fs.OpenFile(filepath.Join(s.dir, name), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if err != nil {
			return "", false
		}
		return name, f.Close() == nil
	}
	// The first file made tells the mode (once per fill: the umask is the
	// process's, and a fill runs once per build). When the folder is full,
	// it is removed again, so that builds that take none do not grow it.
	first, ok := made(len(have))
	if !ok {
		return
	}
	fi, err := lstat(s.fs, filepath.Join(s.dir, first))
	if err != nil || !isBlank(fi, nil) {
		return
	}
	s.made = fi // before any name is listed: take reads it after s.mu
	s.add(have...)
	if len(have) >= target {
		_ = s.fs.Remove(filepath.Join(s.dir, first))
		return
	}
	s.add(first)
	for i := len(have) + 1; i < target; i++ {
		name, ok := made(i)
		if !ok {
			return
		}
		s.add(name)
	}
}

// lstat is Lstat where fs has it, else Stat.
func lstat(fs afero.Fs, name string) (os.FileInfo, error) {
	if l, ok := fs.(afero.Lstater); ok {
		fi, _, err := l.LstatIfPossible(name)
		return fi, err
	}
	return fs.Stat(name)
}

func (s *spares) add(names ...string) {
	s.mu.Lock()
	s.names = append(s.names, names...)
	s.mu.Unlock()
}

// take renames a spare to name (a staged page's file) and reports whether
// name is now an empty file of one link, fit to be written into; false:
// the caller creates name itself.
func (s *spares) take(name string) bool {
	if s == nil {
		return false
	}
	s.mu.Lock()
	if s.off || len(s.names) == 0 {
		s.mu.Unlock()
		return false
	}
	spare := s.names[0] // the oldest: listed, or made first
	s.names = s.names[1:]
	s.mu.Unlock()
	if err := s.fs.Rename(filepath.Join(s.dir, spare), name); err != nil {
		if !os.IsNotExist(err) {
			s.mu.Lock()
			s.off = true // another file system, most likely: no use trying the rest
			s.mu.Unlock()
		}
		return false
	}
	if !isBlankFile(s.fs, name, s.made) {
		_ = s.fs.RemoveAll(name) // never write into what we did not make; the caller creates name
		return false
	}
	return true
}

// waitSparesBeforeWrite makes the write stage wait for the spares being
// made; only tests set it, to know which files the pages are staged in.
var waitSparesBeforeWrite = false

// wait waits for the spares being made (nil: none).
func (s *spares) wait() {
	if s != nil {
		<-s.done
	}
}

// isBlankFile reports whether name is an empty regular file (not a link to
// one) with no other link, and with made's mode and owner.
func isBlankFile(fs afero.Fs, name string, made os.FileInfo) bool {
	fi, err := lstat(fs, name)
	return err == nil && isBlank(fi, made)
}

// isBlank reports whether fi is an empty regular file with one link and,
// unless made is nil, made's mode (permissions and the setuid, setgid and
// sticky bits) and owner: a page staged in it is published with its mode,
// which must be what a page created by the write stage gets.
func isBlank(fi, made os.FileInfo) bool {
	if !fi.Mode().IsRegular() || fi.Size() != 0 || !singleLink(fi) {
		return false
	}
	return made == nil || fi.Mode() == made.Mode() && sameOwner(fi, made)
}

// sparing counts the Sessions' spares being made after a build, for
// waitRetired (tests); a Session's next build waits for its own
// (warmBuild.waitSpares).
var sparing background

// topUpSparesAfter makes spares for the next build of a Session's site of
// pages pages, in the background, and returns them for that build to wait
// for.
func topUpSparesAfter(fs afero.Fs, cacheDir string, pages int) *spares {
	done := sparing.start()
	s := topUpSpares(fs, cacheDir, func() int { return pages })
	go func() {
		defer done()
		s.wait()
	}()
	return s
}
