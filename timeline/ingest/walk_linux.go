package ingest

import (
	"io/fs"
	"path/filepath"
	"strings"
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
	var name nameBuf
	for i := lo; i < hi; i++ {
		s := &at[i]
		for {
			err = name.fstatat(fd, names[i], (*unix.Stat_t)(unsafe.Pointer(&s.sys)))
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

// nameBuf holds a file name with the NUL the system call wants after it,
// reused from name to name: unix.Fstatat copies each name into a new heap
// slice for that (BytePtrFromString), 10,000 allocations per walk of the
// 10k site, with their share of the collector's assists (perf of fresh 10k
// builds: ~3 of lstatAt's ~27 ms, the rest the kernel's).
type nameBuf [256]byte

// fstatat is unix.Fstatat(fd, name, st, AT_SYMLINK_NOFOLLOW) without the
// allocation, where the architecture's call is known (sysFstatat) and the
// name fits; otherwise it is unix.Fstatat, which also refuses a name with a
// NUL as before (EINVAL).
func (b *nameBuf) fstatat(fd int, name string, st *unix.Stat_t) error {
	if !haveSysFstatat || len(name) >= len(b) || strings.IndexByte(name, 0) >= 0 {
		return unix.Fstatat(fd, name, st, unix.AT_SYMLINK_NOFOLLOW)
	}
	b[copy(b[:], name)] = 0
	_, _, e := unix.Syscall6(sysFstatat, uintptr(fd), uintptr(unsafe.Pointer(&b[0])), uintptr(unsafe.Pointer(st)), unix.AT_SYMLINK_NOFOLLOW, 0, 0)
	if e != 0 {
		return e
	}
	return nil
}
