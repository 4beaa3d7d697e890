//go:build !unix

package site

import "os"

// flock does not lock here: builds run unlocked, as before.
func flock(f *os.File, waiting func()) bool { return false }

func funlock(f *os.File) {}
