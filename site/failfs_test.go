package site

import (
	"errors"
	"os"
	"path/filepath"
	"sync"

	"github.com/spf13/afero"
)

var errDiskFull = errors.New("simulated write failure")

// failFs wraps a Fs and fails the Nth write to a file (counting from 1). With
// crash set, every operation after that fails too, as if the process had died:
// nothing can be cleaned up.
type failFs struct {
	afero.Fs
	mu     sync.Mutex
	writes int
	failAt int
	crash  bool
	dead   bool
	// renames counts renames; with crashRenameAt set, the process "dies" at that
	// rename (which does not happen).
	renames       int
	crashRenameAt int
}

func (f *failFs) tick() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.dead {
		return errDiskFull
	}
	f.writes++
	if f.writes == f.failAt {
		f.dead = f.crash
		return errDiskFull
	}
	return nil
}

func (f *failFs) isDead() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.dead
}

func (f *failFs) OpenFile(name string, flag int, perm os.FileMode) (afero.File, error) {
	if f.isDead() {
		return nil, errDiskFull
	}
	file, err := f.Fs.OpenFile(name, flag, perm)
	if err != nil {
		return nil, err
	}
	return &failFile{File: file, fs: f}, nil
}

func (f *failFs) Create(name string) (afero.File, error) {
	return f.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o644)
}

func (f *failFs) Rename(o, n string) error {
	f.mu.Lock()
	// The commit's renames; a spare taken by the write stage
	// (publishspare.go) is not one.
	if filepath.Base(filepath.Dir(o)) != spareDir {
		f.renames++
		if f.renames == f.crashRenameAt {
			f.dead = true
		}
	}
	dead := f.dead
	f.mu.Unlock()
	if dead {
		return errDiskFull
	}
	return f.Fs.Rename(o, n)
}

func (f *failFs) RemoveAll(p string) error {
	if f.isDead() {
		return errDiskFull
	}
	return f.Fs.RemoveAll(p)
}

func (f *failFs) Remove(p string) error {
	if f.isDead() {
		return errDiskFull
	}
	return f.Fs.Remove(p)
}

func (f *failFs) MkdirAll(p string, perm os.FileMode) error {
	if f.isDead() {
		return errDiskFull
	}
	return f.Fs.MkdirAll(p, perm)
}

type failFile struct {
	afero.File
	fs *failFs
}

func (f *failFile) Write(p []byte) (int, error) {
	if err := f.fs.tick(); err != nil {
		return 0, err
	}
	return f.File.Write(p)
}

func (f *failFile) WriteString(s string) (int, error) { return f.Write([]byte(s)) }
