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
