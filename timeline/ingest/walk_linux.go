package ingest

import (
	"io/fs"
	"path/filepath"
	"syscall"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// The two packages' stat structures are the kernel's: fstatat fills a
// syscall.Stat_t through unix's call (os.Lstat's FileInfo.Sys is one, and
// the build's file stamps read it). These fail to compile if they differ.
var (
	_ [unsafe.Sizeof(syscall.Stat_t{}) - unsafe.Sizeof(unix.Stat_t{})]byte
	_ [unsafe.Sizeof(unix.Stat_t{}) - unsafe.Sizeof(syscall.Stat_t{})]byte
)

// lstatAt Lstats dir's entries names[lo:hi] relative to the folder's
// descriptor (fstatat), where os.Lstat resolves each full path again, into
// infos[lo:hi] (one allocation for all: at[i] backs infos[i]). It reports
// false when the folder cannot be opened: the caller then Lstats by path.
func lstatAt(dir string, names []string, at []statInfo, infos []fs.FileInfo, errs []error, lo, hi int) bool {
	fd, err := unix.Open(dir, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return false
	}
	defer unix.Close(fd)
	for i := lo; i < hi; i++ {
		s := &at[i]
		for {
			err = unix.Fstatat(fd, names[i], (*unix.Stat_t)(unsafe.Pointer(&s.sys)), unix.AT_SYMLINK_NOFOLLOW)
			if err != unix.EINTR {
				break
			}
		}
		if err != nil {
			errs[i] = &fs.PathError{Op: "lstat", Path: filepath.Join(dir, names[i]), Err: err}
			continue
		}
		s.name = names[i]
		infos[i] = s
	}
	return true
}

// statInfo is os's FileInfo for a stat structure (os.fillFileStatFromSys).
type statInfo struct {
	name string
	sys  syscall.Stat_t
}

func (s *statInfo) Name() string       { return s.name }
func (s *statInfo) Size() int64        { return s.sys.Size }
func (s *statInfo) ModTime() time.Time { return time.Unix(s.sys.Mtim.Unix()) }
func (s *statInfo) IsDir() bool        { return s.Mode().IsDir() }
func (s *statInfo) Sys() any           { return &s.sys }

func (s *statInfo) Mode() fs.FileMode {
	m := fs.FileMode(s.sys.Mode & 0o777)
	switch s.sys.Mode & syscall.S_IFMT {
	case syscall.S_IFBLK:
		m |= fs.ModeDevice
	case syscall.S_IFCHR:
		m |= fs.ModeDevice | fs.ModeCharDevice
	case syscall.S_IFDIR:
		m |= fs.ModeDir
	case syscall.S_IFIFO:
		m |= fs.ModeNamedPipe
	case syscall.S_IFLNK:
		m |= fs.ModeSymlink
	case syscall.S_IFSOCK:
		m |= fs.ModeSocket
	}
	if s.sys.Mode&syscall.S_ISGID != 0 {
		m |= fs.ModeSetgid
	}
	if s.sys.Mode&syscall.S_ISUID != 0 {
		m |= fs.ModeSetuid
	}
	if s.sys.Mode&syscall.S_ISVTX != 0 {
		m |= fs.ModeSticky
	}
	return m
}
