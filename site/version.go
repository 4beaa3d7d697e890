package site

import (
	"crypto/sha256"
	"encoding/hex"
	"io"
	"os"
	"runtime"
	"runtime/debug"
	"sync"
)

// cacheFormat is bumped by hand when the cache layout changes.
const cacheFormat = "timeline-cache-1"

var (
	versionOnce sync.Once
	versionText string
)

// toolVersion identifies this build of the tool: any change to the code (the
// extractors, the templates embedded in the binary) must invalidate the caches,
// so it hashes the executable itself. Go builds are reproducible, so `go run`
// of unchanged sources keeps the cache warm. The executable is read with the os
// package: it is the program, not site data.
func toolVersion() string {
	versionOnce.Do(func() {
		h := sha256.New()
		io.WriteString(h, cacheFormat)
		if !hashExecutable(h) {
			// No readable executable: fall back to the module build info.
			if bi, ok := debug.ReadBuildInfo(); ok {
				io.WriteString(h, bi.String())
			}
			io.WriteString(h, runtime.Version())
		}
		versionText = cacheFormat + "+" + hex.EncodeToString(h.Sum(nil))[:16]
	})
	return versionText
}

func hashExecutable(w io.Writer) bool {
	path, err := os.Executable()
	if err != nil {
		return false
	}
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	_, err = io.Copy(w, f)
	return err == nil
}

func defaultWorkers() int { return runtime.GOMAXPROCS(0) }
