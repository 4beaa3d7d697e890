//go:build !(linux || darwin || freebsd || netbsd || openbsd)

package site

import (
	"errors"
	"os"
)

// mapFile is not available here: the pack is read instead.
func mapFile(*os.File, int) ([]byte, error) { return nil, errors.ErrUnsupported }
