package site

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"github.com/spf13/afero"
)

// An incremental build does not rebuild the whole output folder: replacing a
// 126,000-file site to change a few hundred pages cost more than the rest of the
// build (hard-linking every unchanged page, then unlinking the old tree). It
// stages only the changed pages in the temporary folder beside the output, then
// commits them with a journal:
//
//	public.tmp-X/site/...   the changed pages (staged; a crash here leaves the
//	public.tmp-X/deleted    old site untouched and cleanStale removes the folder)
//	public.tmp-X -> public.commit-X   the commit point: one folder rename
//	public.commit-X is rolled forward: listed deletions, then each staged page
//	renamed over its old copy, then the folder removed.
//
// A build killed after the commit point is finished by the next build's
// cleanStale, which rolls every public.commit-* forward before anything else.
// Every step of the roll-forward is idempotent, so a crash during it is harmless.
const (
	commitInfix = ".commit-"
	stagedDir   = "site"
	deletedFile = "deleted"
)

// commitInPlace writes the journal of deletions into tmp, renames tmp to the
// commit folder and rolls it forward into out.
func commitInPlace(fs afero.Fs, out, tmp string, deleted []string, lock sync.Locker, workers int) error {
	data, err := json.Marshal(deleted)
	if err != nil {
		return err
	}
	if err := afero.WriteFile(fs, filepath.Join(tmp, deletedFile), data, 0o644); err != nil {
		return fmt.Errorf("writing the commit journal: %w", err)
	}
	if lock != nil {
		lock.Lock()
		defer lock.Unlock()
	}
	commit := out + commitInfix + strings.TrimPrefix(filepath.Base(tmp), filepath.Base(out)+tmpInfix)
	if err := fs.Rename(tmp, commit); err != nil {
		return fmt.Errorf("committing %s: %w", out, err)
	}
	return rollForward(fs, out, commit, workers)
}

// rollForward finishes a committed change: it may be called any number of times
// on the same commit folder, from any point of a previous attempt.
func rollForward(fs afero.Fs, out, commit string, workers int) error {
	if err := applyDeletions(fs, out, commit); err != nil {
		return err
	}
	staged := filepath.Join(commit, stagedDir)
	files, err := stagedFiles(fs, staged)
	if err != nil {
		return fmt.Errorf("rolling %s forward: %w", commit, err)
	}
	if err := moveAll(fs, staged, out, files, workers); err != nil {
		return fmt.Errorf("rolling %s forward: %w", commit, err)
	}
	if err := fs.RemoveAll(commit); err != nil {
		return fmt.Errorf("removing %s: %w", commit, err)
	}
	return nil
}

// stagedFiles lists the files under staged; none when it is gone (nothing
// changed, or a previous roll-forward already moved them).
func stagedFiles(fs afero.Fs, staged string) ([]string, error) {
	if ok, _ := afero.DirExists(fs, staged); !ok {
		return nil, nil
	}
	var files []string
	err := afero.Walk(fs, staged, func(p string, fi os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		if !fi.IsDir() {
			files = append(files, p)
		}
		return nil
	})
	return files, err
}

func applyDeletions(fs afero.Fs, out, commit string) error {
	data, err := afero.ReadFile(fs, filepath.Join(commit, deletedFile))
	if err != nil {
		return fmt.Errorf("reading the journal of %s: %w", commit, err)
	}
	var deleted []string
	if err := json.Unmarshal(data, &deleted); err != nil {
		return fmt.Errorf("reading the journal of %s: %w", commit, err)
	}
	for _, p := range deleted {
		if checkPagePath(p) != nil {
			continue // never act on a path outside the output, whatever the journal says
		}
		name := filepath.Join(out, filepath.FromSlash(p))
		if err := fs.Remove(name); err != nil && !os.IsNotExist(err) {
			if ok, _ := afero.Exists(fs, name); ok {
				return fmt.Errorf("removing %s: %w", name, err)
			}
		}
		removeEmptyParents(fs, out, filepath.Dir(name))
	}
	return nil
}

// removeEmptyParents removes dir and its parents up to (not including) out while
// they are empty; a folder that is not empty just stays.
func removeEmptyParents(fs afero.Fs, out, dir string) {
	for within(out, dir) && filepath.Clean(dir) != filepath.Clean(out) {
		if !isEmptyDir(fs, dir) || fs.Remove(dir) != nil {
			return
		}
		dir = filepath.Dir(dir)
	}
}

// isEmptyDir reads at most one entry of dir: listing the 30,000-entry events
// folder after each deleted event page dominated the commit.
func isEmptyDir(fs afero.Fs, dir string) bool {
	f, err := fs.Open(dir)
	if err != nil {
		return false
	}
	defer f.Close()
	names, err := f.Readdirnames(1)
	return len(names) == 0 && err == io.EOF
}

// moveAll renames every staged file to the same place under out, creating folders.
func moveAll(fs afero.Fs, staged, out string, files []string, workers int) error {
	sort.Strings(files)
	errs := make([]error, len(files))
	var made sync.Map // folders already created under out
	jobs := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				errs[i] = moveOne(fs, staged, out, files[i], &made)
			}
		}()
	}
	for i := range files {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	if errs = compact(errs); len(errs) > 0 {
		return errs[0]
	}
	return nil
}

func moveOne(fs afero.Fs, staged, out, file string, made *sync.Map) error {
	rel, err := filepath.Rel(staged, file)
	if err != nil {
		return err
	}
	dst := filepath.Join(out, rel)
	dir := filepath.Dir(dst)
	if _, done := made.Load(dir); !done {
		if err := fs.MkdirAll(dir, 0o755); err != nil {
			return err
		}
		made.Store(dir, true)
	}
	return fs.Rename(file, dst)
}

// deletedPages lists the pages of prev that the next site no longer has
// (kept[i] is false for prev's page i), sorted.
func deletedPages(prev manifest, kept []bool) []string {
	var out []string
	for i, p := range prev.paths {
		if !kept[i] && p != "" { // "": removed by an earlier delta
			out = append(out, p)
		}
	}
	sort.Strings(out)
	return out
}
