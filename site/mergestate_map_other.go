//go:build !(linux || darwin || freebsd || netbsd || openbsd)

package site

import (
	"errors"
	"os"
)

// mapSection is not available here: the state file is read instead.
func mapSection(*os.File, int64, int) (section, mapping []byte, err error) {
	return nil, nil, errors.ErrUnsupported
}

func unmapSection([]byte) {}
