//go:build !linux

package site

import (
	"io"
	"sync/atomic"

	"github.com/spf13/afero"
)

// copyFileRange copies nothing: the caller copies through a buffer.
func copyFileRange(dst afero.File, src io.ReaderAt, off, n int64) (int64, error) { return 0, nil }

// kernelCopies counts the ranges copied by the kernel: none here.
var kernelCopies atomic.Int64

// startWriteback does nothing: the staged file is written back when the
// system chooses.
func startWriteback(f afero.File) {}

// preallocate allocates nothing here.
func preallocate(f afero.File, size int64) int64 { return 0 }

// settleLarge does nothing here.
func settleLarge(f afero.File, allocated int64) error { return nil }
