package site

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/spf13/afero"
)

// cleanStale removes the temporary folders a killed build left beside out. If a
// build was killed in the middle of the swap (out gone, out.old-* present), the
// previous site is put back first; then the in-place commits a killed build
// left (out.commit-*, see commit.go) are finished.
//
// Retired folders (retire.go) hold nothing the output needs: the ones this
// process is removing are waited for, the ones a killed process left are
// removed without a warning, in the background on the OS file system.
func cleanStale(fs afero.Fs, out string, workers int) (warnings []string, err error) {
	warnings, _, err = cleanStaleRepairing(fs, out, workers)
	return warnings, err
}

// cleanStaleRepairing is cleanStale, and reports whether it changed the
// output: put a previous site back or finished a commit (which may change
// the marker a manifest read before it was checked against).
func cleanStaleRepairing(fs afero.Fs, out string, workers int) (warnings []string, repaired bool, err error) {
	waitRemovals()
	parent, base := filepath.Dir(out), filepath.Base(out)
	entries, err := afero.ReadDir(fs, parent)
	if err != nil {
		if os.IsNotExist(err) {
			return nil, false, nil
		}
		return nil, false, fmt.Errorf("%s: %w", parent, err)
	}
	var tmps, olds, commits []string
	for _, e := range entries {
		switch name := e.Name(); {
		case e.IsDir() && strings.HasPrefix(name, base+commitInfix):
			commits = append(commits, filepath.Join(parent, name))
		case e.IsDir() && strings.HasPrefix(name, base+tmpInfix):
			tmps = append(tmps, filepath.Join(parent, name))
		case e.IsDir() && strings.HasPrefix(name, base+oldInfix):
			olds = append(olds, filepath.Join(parent, name))
		case e.IsDir() && strings.HasPrefix(name, base+retireInfix):
			removeRetiredOn(fs, filepath.Join(parent, name))
		}
	}
	if len(olds) > 0 {
		if exists, _ := afero.DirExists(fs, out); !exists {
			// Only one swap runs at a time, so at most one old folder is a whole
			// previous site; take the newest if a crash left several.
			sort.Slice(olds, func(i, j int) bool { return modTime(fs, olds[i]) > modTime(fs, olds[j]) })
			repaired = true
			if err := fs.Rename(olds[0], out); err != nil {
				return warnings, repaired, fmt.Errorf("restoring %s from %s: %w", out, olds[0], err)
			}
			warnings = append(warnings, fmt.Sprintf("restored %s from %s left by an interrupted build", out, olds[0]))
			olds = olds[1:]
		}
	}
	// A commit folder is a change a killed build had already decided to
	// publish: finish it (into the restored site, if a swap was interrupted
	// too), in name order; two can only exist if finishing one failed.
	sort.Strings(commits)
	for _, c := range commits {
		repaired = true
		if err := rollForward(fs, out, c, workers, nil); err != nil {
			return warnings, repaired, err
		}
		warnings = append(warnings, fmt.Sprintf("finished publishing %s left by an interrupted build", c))
	}
	for _, dir := range append(tmps, olds...) {
		if err := fs.RemoveAll(dir); err != nil {
			return warnings, repaired, fmt.Errorf("removing stale %s: %w", dir, err)
		}
		warnings = append(warnings, fmt.Sprintf("removed %s left by an interrupted build", dir))
	}
	return warnings, repaired, nil
}

func modTime(fs afero.Fs, p string) int64 {
	if fi, err := fs.Stat(p); err == nil {
		return fi.ModTime().UnixNano()
	}
	return 0
}
