//go:build !linux

package site

import (
	"os"

	"github.com/newsline/timeline/timeline/merge"
)

func releaseArrays([][]byte) {}

// statePages: the arrays are copied into the heap here (see the Linux file).
func statePages(*os.File, *[][]byte) merge.PageMapper { return nil }
