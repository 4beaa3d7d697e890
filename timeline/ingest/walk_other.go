//go:build !linux

package ingest

import "io/fs"

type statInfo struct{}

// lstatAt reports false: the caller Lstats by path.
func lstatAt(dir string, names []string, at []statInfo, infos []fs.FileInfo, errs []error, lo, hi int) bool {
	return false
}
