//go:build !linux

package site

import (
	"os"
	"sync/atomic"

	"github.com/newsline/timeline/timeline/merge"
)

func releaseArrays([][]byte) {}

// arraysReleased counts the arrays releaseArrays unmapped (for tests): none here.
var arraysReleased atomic.Int64

// statePages: the arrays are copied into the heap here (see the Linux file).
func statePages(*os.File, *[][]byte) merge.PageMapper { return nil }
