package site

import (
	"errors"
	"fmt"
	"io"
	"os"
	"sync/atomic"

	"github.com/spf13/afero"
	"golang.org/x/sys/unix"
)

// copyFileRange copies n bytes at off of src to dst's current offset with
// copy_file_range(2) and returns how many it copied. It copies nothing,
// without an error, when either is not an operating system file or the
// kernel cannot copy between them (another file system, an old kernel): the
// caller then copies through a buffer.
func copyFileRange(dst afero.File, src io.ReaderAt, off, n int64) (int64, error) {
	out, ok1 := dst.(*os.File)
	in, ok2 := src.(*os.File)
	if !ok1 || !ok2 {
		return 0, nil
	}
	var done int64
	for done < n {
		roff := off + done
		m, err := unix.CopyFileRange(int(in.Fd()), &roff, int(out.Fd()), nil, int(min(n-done, 1<<30)), 0)
		if err == unix.EINTR {
			continue
		}
		if err != nil && done == 0 && isUnsupportedCopy(err) {
			return 0, nil
		}
		if err != nil {
			return done, fmt.Errorf("copying from %s: %w", in.Name(), err)
		}
		if m == 0 {
			return done, fmt.Errorf("copying %d bytes at offset %d of %s: it ends at %d", n, off, in.Name(), off+done)
		}
		done += int64(m)
	}
	kernelCopies.Add(1)
	return done, nil
}

// kernelCopies counts the ranges copied by copy_file_range (for the tests).
var kernelCopies atomic.Int64

// isUnsupportedCopy reports the errors by which copy_file_range declines
// a pair of files it cannot copy between.
func isUnsupportedCopy(err error) bool {
	return errors.Is(err, unix.ENOSYS) || errors.Is(err, unix.EXDEV) || errors.Is(err, unix.EOPNOTSUPP) ||
		errors.Is(err, unix.EINVAL) || errors.Is(err, unix.EPERM) || errors.Is(err, unix.EBADF)
}

// startWriteback starts writing a staged file's dirty pages to disk
// (sync_file_range(2) SYNC_FILE_RANGE_WRITE: it does not wait for them) when
// it is an operating system file. See writer.render: renaming it over its
// published copy would otherwise do this inside rename(2) (ext4's
// auto_da_alloc writes back a file with delayed blocks that replaces
// another), under the file system's rename lock, which every rename of the
// commit waits for: the commit's cross-folder renames are serial. Started
// here, the writeback of a small page (most of a commit's renames) costs
// the write stage's worker about what it cost the rename, with no lock held:
// perf on fresh 10k incremental builds found __filemap_fdatawrite_range in
// 97 of the 155 samples of ext4_rename, and the swap stage's CPU fell from
// 15.4 to 8.0 ms (medians of 16 alternated builds; warm 14.8 to 8.3), the
// write stage's within its noise. Any size: it was large files only.
func startWriteback(f afero.File) {
	osf, ok := f.(*os.File)
	if !ok || !writebackEarly {
		return
	}
	_ = unix.SyncFileRange(int(osf.Fd()), 0, 0, unix.SYNC_FILE_RANGE_WRITE) // advice: a failure changes nothing
}

// preallocate allocates the blocks of a staged file expected to hold about
// size bytes (its published copy's), with some room to grow, when that is
// at least largeFileSize (fallocate(2) FALLOC_FL_KEEP_SIZE: the file's size
// stays what is written), and returns how many bytes it allocated (0:
// none). Written into allocated blocks, the file has no delayed
// allocation, so neither the rename over its published copy (ext4's
// auto_da_alloc) nor the build needs to write it back: the kernel's
// flusher does, later. The room left past its end (at most a 64th and
// 1 MiB) stays allocated until the file is replaced: trimming it
// (ftruncate) would change the file's modification time after the spliced
// export has noted it (exportsplice.go), and the next build could not
// splice it.
func preallocate(f afero.File, size int64) int64 {
	osf, ok := f.(*os.File)
	if !ok || !preallocateLarge || size < largeFileSize {
		return 0
	}
	n := size + size/64 + largeFileSize
	if unix.Fallocate(int(osf.Fd()), unix.FALLOC_FL_KEEP_SIZE, 0, n) != nil {
		return 0 // another file system; startWriteback then
	}
	return n
}

// settleLarge finishes a staged file written after preallocate allocated
// allocated bytes for it (0: none): it starts the writeback of one that
// outgrew them or had none allocated (startWriteback).
func settleLarge(f afero.File, allocated int64) error {
	if allocated > 0 {
		osf, ok := f.(*os.File)
		var st unix.Stat_t
		if ok && unix.Fstat(int(osf.Fd()), &st) == nil && st.Size <= allocated {
			return nil
		}
	}
	startWriteback(f)
	return nil
}
