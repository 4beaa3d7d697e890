package site

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/spf13/afero"
)

// cleanStale removes the temporary folders a killed build left beside out. If a
// build was killed in the middle of the swap (out gone, out.old-* present and
// still holding markerFile), the previous site is put back first; then the in-place commits a killed build
// left (out.commit-*, see commit.go) are finished. Only the folders a
// build made count (buildFolderInfix, madeByBuild); a folder with a build's
// exact name but none of its marks is left, with a warning, and the user's
// others (public.old-backup) are not looked at.
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
	var tmps, olds, commits, empties []string
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		name := e.Name()
		infix, ok := buildFolderInfix(base, name)
		if !ok {
			continue // not a name a build gives: the user's (public.old-backup)
		}
		dir := filepath.Join(parent, name)
		switch madeByBuild(fs, dir, infix) {
		case notBuilds:
			warnings = append(warnings, leftAloneWarning(dir))
			continue
		case emptyFolder: // never an old folder (madeByBuild): one without markerFile is removed below
			empties = append(empties, dir)
			continue
		}
		switch infix {
		case commitInfix:
			commits = append(commits, dir)
		case tmpInfix:
			tmps = append(tmps, dir)
		case oldInfix:
			olds = append(olds, dir)
		case retireInfix:
			removeRetiredOn(fs, dir)
		}
	}
	for _, dir := range empties {
		// Made by a build killed before it marked it: nothing in it to
		// lose, and Remove (not RemoveAll) removes nothing that came since.
		_ = fs.Remove(dir)
	}
	if len(olds) > 0 {
		if exists, _ := afero.DirExists(fs, out); !exists {
			// Only one swap runs at a time, so at most one old folder is a whole
			// previous site; take the newest if a crash left several. Only
			// one still holding markerFile is whole: its removal (removeOld)
			// takes that first, so one cut short is removed, not restored
			// (was: any old folder, so a half-removed one became the site
			// when the output had been deleted meanwhile).
			whole := slices.DeleteFunc(slices.Clone(olds), func(dir string) bool { return !holdsMarker(fs, dir) })
			sort.Slice(whole, func(i, j int) bool { return modTime(fs, whole[i]) > modTime(fs, whole[j]) })
			if len(whole) > 0 {
				repaired = true
				if err := fs.Rename(whole[0], out); err != nil {
					return warnings, repaired, fmt.Errorf("restoring %s from %s: %w", out, whole[0], err)
				}
				warnings = append(warnings, fmt.Sprintf("restored %s from %s left by an interrupted build", out, whole[0]))
				olds = slices.DeleteFunc(olds, func(dir string) bool { return dir == whole[0] })
			}
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
	for i, dir := range append(tmps, olds...) {
		var err error
		if i < len(tmps) {
			err = removeBuildFolder(fs, dir, tmpInfix, 1)
		} else {
			err = removeOld(fs, dir, workers) // markerFile first (publish.go)
		}
		if err != nil {
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

// A folder beside the output is a build's (cleanStale removes it, restores
// it or finishes it) only when its name is the output's name, an infix and
// a randomSuffix, exactly, and it holds what a build puts in it before
// anything else (madeByBuild): was any folder whose name began with
// public.tmp-, public.old-, public.commit- or public.retired-, so a user's
// public.old-backup was removed, or renamed into the output when it was
// missing.
//
// buildMarker is the empty file makeTemp makes first in a temporary folder
// and the retirer in a retired folder. A commit folder is a temporary folder
// renamed after its journal (deletedFile) was written; a commit a build of
// an earlier version left has the journal only. An old folder is the output
// itself renamed by the swap: nothing can be written in it first, so its
// name is all there is to go by; whether it is whole, and may be restored,
// its markerFile tells (removeOld removes that first). A temporary folder
// swapped in whole loses its buildMarker just before the swap (unmarkTemp),
// when it already holds the site's markerFile; a folder a build made and
// was killed before marking is empty.
const buildMarker = ".timeline-build"

// buildFolderInfix returns the infix of name when it is base+infix+suffix
// with suffix as randomSuffix makes them (12 lowercase hex digits).
func buildFolderInfix(base, name string) (infix string, ok bool) {
	rest, ok := strings.CutPrefix(name, base)
	if !ok {
		return "", false
	}
	for _, infix := range []string{tmpInfix, oldInfix, commitInfix, retireInfix} {
		if suffix, ok := strings.CutPrefix(rest, infix); ok && isRandomSuffix(suffix) {
			return infix, true
		}
	}
	return "", false
}

// leftAloneWarning is cleanStale's warning about dir, named as a build's
// folder but holding none of its marks: what it is and what to do (was: what
// it is only, repeated by every build with nothing to act on).
func leftAloneWarning(dir string) string {
	return fmt.Sprintf("left %s alone: named like a build's folder, but it holds no mark of one; "+
		"if it is not yours, delete it (it may be what an interrupted build of an older version left); "+
		"if it is, rename it: every build warns of it", dir)
}

// checkOutName refuses an output folder named as a build's folder of
// another output beside it (public.tmp-0123456789ab is public's): that
// output's builds would take it for one of theirs and remove it, or roll it
// forward, or rename it into their output (a published site holds
// markerFile, a temporary folder's mark). Only the exact names count, as in
// buildFolderInfix.
func checkOutName(out string) error {
	base := filepath.Base(filepath.Clean(out))
	for _, infix := range []string{tmpInfix, oldInfix, commitInfix, retireInfix} {
		i := strings.LastIndex(base, infix)
		if i <= 0 {
			continue
		}
		if owner := base[:i]; isRandomSuffix(base[i+len(infix):]) {
			return fmt.Errorf("output folder %q: named like a folder the builds of %q make beside it, which would remove or replace it: choose another name",
				out, filepath.Join(filepath.Dir(filepath.Clean(out)), owner))
		}
	}
	return nil
}

// isRandomSuffix reports whether s is as randomSuffix makes them: 12
// lowercase hex digits, at least one of them a letter. All digits is a
// user's date stamp (public.old-202611280130, date +%Y%m%d%H%M), never ours.
func isRandomSuffix(s string) bool {
	if len(s) != 12 {
		return false
	}
	letters := 0
	for _, c := range []byte(s) {
		switch {
		case c >= 'a' && c <= 'f':
			letters++
		case c < '0' || c > '9':
			return false
		}
	}
	return letters > 0
}

// buildMark is what madeByBuild found in a folder named as a build's.
type buildMark int

const (
	notBuilds   buildMark = iota // holds none of what a build puts there first: the user's
	marked                       // holds it
	emptyFolder                  // holds nothing: made, not yet marked, or emptied
)

// madeByBuild tells whether dir, named as a build's folder with infix,
// holds what a build puts in such a folder before anything else.
func madeByBuild(fs afero.Fs, dir, infix string) buildMark {
	if infix == oldInfix {
		return marked
	}
	marks := buildMarks(infix)
	if infix == retireInfix {
		// The commit folder it took (retirer.take): its journal or its
		// mark. What a process ending while removing the folder left when
		// the folder's mark went first (6f09a6b until removeBuildFolder).
		for _, m := range []string{deletedFile, writtenFile, buildMarker} {
			marks = append(marks, filepath.Join(takenCommit, m))
		}
	}
	for _, m := range marks {
		if fi, err := lstat(fs, filepath.Join(dir, m)); err == nil && fi.Mode().IsRegular() {
			return marked
		}
	}
	if empty, err := afero.IsEmpty(fs, dir); err == nil && empty {
		return emptyFolder
	}
	return notBuilds
}

// buildMarks lists the files a build puts first in a folder it names with
// infix (tmp, commit and retired folders; an old folder has none): any one
// of them marks it as a build's.
func buildMarks(infix string) []string {
	switch infix {
	case tmpInfix:
		return []string{buildMarker, markerFile}
	case commitInfix:
		return []string{buildMarker, deletedFile}
	case retireInfix:
		return []string{buildMarker}
	}
	return nil
}

// removeBuildFolder removes dir, a folder a build named with infix, its
// marks (buildMarks) last: first its other files (on workers goroutines),
// then its folders, then the marks, then dir. A process ending at any point
// of it leaves dir marked, empty or gone, so the next build still knows it
// for a build's and removes it (was: RemoveAll, or the files in parallel,
// in directory order: a removal cut short after the marks left an unmarked
// folder beside the output, warned about by every build and never removed).
// A commit folder is only removed once rolled forward: what is left of it
// then (staged folders emptied, its journal) rolls forward again to nothing.
func removeBuildFolder(fs afero.Fs, dir, infix string, workers int) error {
	entries, err := afero.ReadDir(fs, dir)
	if err != nil {
		if os.IsNotExist(err) {
			return nil
		}
		return err
	}
	isMark := map[string]bool{}
	for _, m := range buildMarks(infix) {
		isMark[m] = true
	}
	var files, dirs []string
	for _, e := range entries {
		switch p := filepath.Join(dir, e.Name()); {
		case isMark[e.Name()]:
		case e.IsDir():
			dirs = append(dirs, p)
		default:
			files = append(files, p)
		}
	}
	errs := make([]error, len(files))
	jobs := make(chan int)
	var wg sync.WaitGroup
	for range min(max(workers, 1), len(files)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				if err := fs.Remove(files[i]); err != nil && !os.IsNotExist(err) {
					errs[i] = err
				}
			}
		}()
	}
	for i := range files {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err // dir keeps its marks: the next build tries again
		}
	}
	for _, d := range dirs {
		if err := fs.RemoveAll(d); err != nil {
			return err
		}
	}
	for _, m := range buildMarks(infix) {
		if err := fs.Remove(filepath.Join(dir, m)); err != nil && !os.IsNotExist(err) {
			return err
		}
	}
	if err := fs.Remove(dir); err != nil && !os.IsNotExist(err) {
		return fs.RemoveAll(dir) // something came in since it was listed
	}
	return nil
}

// markTemp makes buildMarker in tmp, a temporary folder just made.
func markTemp(fs afero.Fs, tmp string) error {
	return afero.WriteFile(fs, filepath.Join(tmp, buildMarker), nil, 0o644)
}

// unmarkTemp removes buildMarker from tmp before it is swapped in whole as
// the output: it already holds the site's markerFile.
func unmarkTemp(fs afero.Fs, tmp string) error {
	if err := fs.Remove(filepath.Join(tmp, buildMarker)); err != nil && !os.IsNotExist(err) {
		return err
	}
	return nil
}
