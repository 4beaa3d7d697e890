package site

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"

	"github.com/spf13/afero"
	"golang.org/x/sys/unix"
)

// pageDir creates a full build's pages below the temporary folder with
// plain system calls relative to the folder's descriptor, on the operating
// system's file system.
//
// Why not os.OpenFile: for each regular file it opens, the Go runtime tries
// to register it with its network poller (epoll_ctl, refused for regular
// files) and sets and then clears O_NONBLOCK around that (four fcntl calls),
// and it walks the whole absolute path again for every mkdir and open. That
// is nine system calls per page where four (mkdirat, openat, write, close)
// do the work: 127,000 pages at 10,000 articles.
type pageDir struct {
	fs   afero.Fs // for the rare parent folders that do not exist yet
	path string
	fd   int
}

// openPageDir opens dir for creating pages below it, or returns nil when
// fs is not the operating system's file system or dir cannot be opened:
// the caller then writes through fs.
func openPageDir(fs afero.Fs, dir string) *pageDir {
	if _, isOS := fs.(*afero.OsFs); !isOS || !rawPagesEnabled {
		return nil
	}
	fd, err := unix.Open(dir, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil
	}
	return &pageDir{fs: fs, path: dir, fd: fd}
}

// rawPagesEnabled is turned off by BenchmarkWritePages to measure the
// afero path on the same file system.
var rawPagesEnabled = true

func (d *pageDir) close() {
	if d != nil {
		_ = unix.Close(d.fd)
	}
}

// create makes the folder of rel (a slash-separated, checked page path)
// and creates the file, truncating one that exists.
func (d *pageDir) create(rel string) (*pageFD, error) {
	if dir := path.Dir(rel); dir != "." {
		if err := d.mkdir(dir); err != nil {
			return nil, err
		}
	}
	for {
		fd, err := unix.Openat(d.fd, rel, unix.O_WRONLY|unix.O_CREAT|unix.O_TRUNC|unix.O_CLOEXEC, 0o644)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return nil, &os.PathError{Op: "open", Path: d.full(rel), Err: err}
		}
		return &pageFD{fd: fd, dir: d, rel: rel}, nil
	}
}

// createMade is create for a page whose folder was made ahead
// (makeFolders): one openat; when the folder is missing after all, create.
func (d *pageDir) createMade(rel string) (*pageFD, error) {
	for {
		fd, err := unix.Openat(d.fd, rel, unix.O_WRONLY|unix.O_CREAT|unix.O_TRUNC|unix.O_CLOEXEC, 0o644)
		switch err {
		case nil:
			return &pageFD{fd: fd, dir: d, rel: rel}, nil
		case unix.EINTR:
			continue
		}
		return d.create(rel)
	}
}

// makeFolders makes the folder of each page rest lists, in order, and
// sends its position in rest on ready once the folder exists (or could not
// be made: the page's create tries again and reports it); then closes ready.
func (d *pageDir) makeFolders(pages []Page, rest []int32, ready chan<- int32) {
	defer close(ready)
	last := ""
	for n, i := range rest {
		if dir := path.Dir(pages[i].Path); dir != "." && dir != last && d.mkdirRecovered(dir) == nil {
			last = dir
		}
		ready <- int32(n)
	}
}

func (d *pageDir) mkdirRecovered(dir string) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("%v", p)
		}
	}()
	return d.mkdir(dir)
}

// mkdir makes the folder dir (relative): nearly every page has one of its
// own whose parent exists, so one mkdirat does it; when the parent is
// missing (the first page of a section), MkdirAll makes the chain.
func (d *pageDir) mkdir(dir string) error {
	err := unix.Mkdirat(d.fd, dir, 0o755)
	switch {
	case err == nil || err == unix.EEXIST:
		return nil // an existing file in the way fails the open, which says so
	case err == unix.ENOENT:
		return d.fs.MkdirAll(d.full(dir), 0o755)
	}
	return &os.PathError{Op: "mkdir", Path: d.full(dir), Err: err}
}

// remove removes the page file rel, which failed to render.
func (d *pageDir) remove(rel string) { _ = unix.Unlinkat(d.fd, rel, 0) }

func (d *pageDir) full(rel string) string { return filepath.Join(d.path, filepath.FromSlash(rel)) }

// pageFD is one page's file, written without buffering (the page writer
// buffers).
type pageFD struct {
	fd  int
	dir *pageDir
	rel string
}

func (f *pageFD) Write(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		m, err := unix.Write(f.fd, p[n:])
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return n, &os.PathError{Op: "write", Path: f.dir.full(f.rel), Err: err}
		}
		if m <= 0 {
			return n, &os.PathError{Op: "write", Path: f.dir.full(f.rel), Err: io.ErrShortWrite}
		}
		n += m
	}
	return n, nil
}

// Close closes the file; like os.File's, it is not retried on EINTR (the
// descriptor is released either way on Linux).
func (f *pageFD) Close() error {
	if err := unix.Close(f.fd); err != nil && !errors.Is(err, unix.EINTR) {
		return &os.PathError{Op: "close", Path: f.dir.full(f.rel), Err: err}
	}
	return nil
}
