package site

import (
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/afero"
)

// Two processes building the same site at once (an editor's `timeline
// serve` and a `timeline build` in another terminal) undo each other: one's
// cleanStale removes the other's live temporary folder, and an in-place
// commit can publish into a folder the other is swapping out. So a build on
// the OS file system holds an advisory lock (flock) on a file of its cache
// folder, build.lock, from before it looks at the output's parent until it
// has published; a Session's build holds it until its merge state is saved
// (Session.Build), not between builds. A second build waits for it rather
// than fail: the first is usually a rebuild of a second or two, and a
// failed rebuild would show an editor an error for a passing state. While
// it waits it reports the wait (Progress: a stage named after the lock
// file) and, once it has the lock, a warning saying how long it waited, so
// a build stuck behind a hung process says which file it waits on. The
// kernel drops the lock of a process that ends, however it ends: a killed
// build leaves no stale lock, and the file itself is never removed (removing
// it would let a third build lock a new file while the second holds the
// old one).
//
// Builds of one process in the same cache folder lock each other too (each
// opens the file: flock locks an open file, not a process). Off the OS file
// system, without a cache folder, or where the lock file cannot be opened,
// a build runs unlocked, as before.
const lockFile = "build.lock"

// lockBuild takes the build lock of o's cache folder, waiting for another
// build that holds it, and returns its release (never nil; call it once) and
// a warning when it had to wait ("" otherwise).
func lockBuild(fs afero.Fs, o Options) (release func(), warning string) {
	none := func() {}
	if _, ok := fs.(*afero.OsFs); !ok || o.CacheDir == "" {
		return none, ""
	}
	if err := fs.MkdirAll(o.CacheDir, 0o755); err != nil {
		return none, ""
	}
	name := filepath.Join(o.CacheDir, lockFile)
	f, err := fs.OpenFile(name, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return none, ""
	}
	osf, ok := f.(*os.File)
	if !ok {
		f.Close()
		return none, ""
	}
	var start time.Time
	locked := flock(osf, func() {
		start = time.Now()
		if o.Progress != nil {
			o.Progress(Progress{Stage: "waiting for another build (" + name + ")", Total: 1})
		}
	})
	if !locked {
		f.Close()
		return none, ""
	}
	if !start.IsZero() {
		if o.Progress != nil {
			o.Progress(Progress{Stage: "waiting for another build (" + name + ")", Done: 1, Total: 1})
		}
		warning = fmt.Sprintf("waited %.1f s for another build holding %s", time.Since(start).Seconds(), name)
	}
	return func() { funlock(osf); f.Close() }, warning
}
