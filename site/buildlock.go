package site

import (
	"context"
	"errors"
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
//
// A build with a Context (Options.Context: timeline serve's, ended when it
// shuts down) stops waiting when it is done, and fails without having
// touched anything beside the output or in the cache (was: it waited for
// good, so a serve stopped behind a hung build hung too).
const lockFile = "build.lock"

// errWaitStopped is flock's error when the wait was called off.
var errWaitStopped = errors.New("stopped waiting")

// lockBuild takes the build locks, waiting for another build that holds
// one: first the output's parent folder's (flock on the folder itself), which
// is what keeps two builds of one output from gutting the live site whatever
// their cache folders (or with a read-only cache, where build.lock cannot be
// made), then build.lock of o's cache folder, which keeps two builds of one
// cache from writing it at once. Every build takes them in that order, so
// two builds never wait for each other's. It returns their release (never
// nil; call it once) and warnings: one per wait, and one per lock it could
// not take on the OS file system (the build then runs unlocked there).
// Called once checkOutDir and the content check passed: it creates the
// output's parent and the cache folder if missing. When o.Context ends
// while it waits, it releases what it took and returns the error (the
// build must stop); release is then nil.
func lockBuild(fs afero.Fs, o Options) (release func(), warnings []string, err error) {
	if _, ok := fs.(*afero.OsFs); !ok || !flockWorks {
		return func() {}, nil, nil
	}
	parent := filepath.Dir(filepath.Clean(o.OutDir))
	var releases []func()
	releaseAll := func() {
		for i := len(releases) - 1; i >= 0; i-- {
			releases[i]()
		}
	}
	if rel, w, err := lockDir(parent, o); errors.Is(err, errWaitStopped) {
		return nil, nil, stoppedWaiting(o, parent)
	} else if err != nil {
		warnings = append(warnings, fmt.Sprintf("no build lock on %s (%v): another build of %s at once could break the published site", parent, err, o.OutDir))
	} else {
		releases = append(releases, rel)
		warnings = append(warnings, w...)
	}
	if o.CacheDir != "" {
		if rel, w, err := lockCache(fs, o); errors.Is(err, errWaitStopped) {
			releaseAll()
			return nil, nil, stoppedWaiting(o, filepath.Join(o.CacheDir, lockFile))
		} else if err != nil {
			warnings = append(warnings, fmt.Sprintf("no build lock in the cache folder (%v)", err))
		} else {
			releases = append(releases, rel)
			warnings = append(warnings, w...)
		}
	}
	return releaseAll, warnings, nil
}

// stoppedWaiting is the error of a build whose context ended while it
// waited for the lock on name.
func stoppedWaiting(o Options, name string) error {
	return fmt.Errorf("stopped waiting for another build (%s): %w", name, context.Cause(o.Context))
}

// lockDir locks the folder dir itself, making it first if missing (the
// build publishes into it).
func lockDir(dir string, o Options) (release func(), warnings []string, err error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, nil, err
	}
	d, err := os.Open(dir)
	if err != nil {
		return nil, nil, err
	}
	return lockHeld(d, dir+" (the output's parent folder)", o)
}

// lockCache locks build.lock of o's cache folder, making both if missing.
func lockCache(fs afero.Fs, o Options) (release func(), warnings []string, err error) {
	if err := fs.MkdirAll(o.CacheDir, 0o755); err != nil {
		return nil, nil, err
	}
	name := filepath.Join(o.CacheDir, lockFile)
	f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, nil, err
	}
	return lockHeld(f, name, o)
}

// lockHeld locks the open file f (lockOpen) and returns what unlocks and
// closes it; f is closed when the lock cannot be taken.
func lockHeld(f *os.File, name string, o Options) (release func(), warnings []string, err error) {
	w, err := lockOpen(f, name, o)
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	return func() { funlock(f); f.Close() }, w, nil
}

// lockOpen locks f, named name in what it reports: when another build holds
// the lock it reports the wait (Progress: a stage named after name, and
// Options.Waiting) and returns a warning saying how long it waited.
func lockOpen(f *os.File, name string, o Options) (warnings []string, err error) {
	stage := "waiting for another build (" + name + ")"
	var start time.Time
	var stop <-chan struct{}
	if o.Context != nil {
		stop = o.Context.Done()
	}
	err = flock(f, func() {
		start = time.Now()
		if o.Progress != nil {
			o.Progress(Progress{Stage: stage, Total: 1})
		}
		if o.Waiting != nil {
			o.Waiting(stage)
		}
	}, stop)
	if err != nil || start.IsZero() {
		return nil, err
	}
	if o.Progress != nil {
		o.Progress(Progress{Stage: stage, Done: 1, Total: 1})
	}
	return []string{fmt.Sprintf("waited %.1f s for another build holding %s", time.Since(start).Seconds(), name)}, nil
}
