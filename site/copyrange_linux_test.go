package site

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unsafe"

	"golang.org/x/sys/unix"
)

// A small staged page's writeback is started when it is written
// (startWriteback, from settleLarge), so that it has no delayed blocks left
// for ext4's auto_da_alloc to write back inside the commit's rename over its
// published copy. Seen through FIEMAP: a delayed extent is flagged
// FIEMAP_EXTENT_DELALLOC. Skipped where the temporary folder's file system
// does not delay allocation (tmpfs) or has no FIEMAP.
func TestSmallStagedPagesHaveNoDelayedBlocks(t *testing.T) {
	dir := t.TempDir()
	page := strings.Repeat("<p>a changed page</p>\n", 300) // 6.6 KB
	write := func(name string) *os.File {
		f, err := os.Create(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { f.Close() })
		if _, err := f.WriteString(page); err != nil {
			t.Fatal(err)
		}
		return f
	}
	control := write("control.html")
	delayed, ok := hasDelayedExtent(control)
	if !ok || !delayed {
		t.Skipf("the file system of %s delays no allocation here (FIEMAP answered: %v)", dir, ok)
	}
	staged := write("staged.html")
	if err := settleLarge(staged, 0); err != nil { // as writer.render does for a staged page
		t.Fatal(err)
	}
	if delayed, ok := hasDelayedExtent(staged); !ok || delayed {
		t.Errorf("staged page after settleLarge: delayed extent %v (FIEMAP answered: %v), want none", delayed, ok)
	}
}

// hasDelayedExtent reports whether f has an extent whose blocks are not
// allocated yet (FIEMAP_EXTENT_DELALLOC); ok is false when FIEMAP fails.
func hasDelayedExtent(f *os.File) (delayed, ok bool) {
	const (
		fsIocFiemap     = 0xC020660B // _IOWR('f', 11, struct fiemap)
		extentDelalloc  = 0x4        // FIEMAP_EXTENT_DELALLOC
		maxExtents      = 16
		fiemapHeader    = 32
		fiemapExtentLen = 56
	)
	var buf [fiemapHeader + maxExtents*fiemapExtentLen]byte
	*(*uint64)(unsafe.Pointer(&buf[8])) = ^uint64(0)  // fm_length: to the end
	*(*uint32)(unsafe.Pointer(&buf[24])) = maxExtents // fm_extent_count
	if _, _, errno := unix.Syscall(unix.SYS_IOCTL, f.Fd(), fsIocFiemap, uintptr(unsafe.Pointer(&buf[0]))); errno != 0 {
		return false, false
	}
	n := *(*uint32)(unsafe.Pointer(&buf[20])) // fm_mapped_extents
	for i := 0; i < int(min(n, maxExtents)); i++ {
		flags := *(*uint32)(unsafe.Pointer(&buf[fiemapHeader+i*fiemapExtentLen+40]))
		if flags&extentDelalloc != 0 {
			return true, true
		}
	}
	return false, true
}
