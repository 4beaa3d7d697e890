package site

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
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
//	public.tmp-X/written    the staged files' names and page paths: pages are
//	                        staged flat, named by their index in the plan (an
//	                        older build's commit had none, and staged the pages
//	                        at their paths; its staged tree is walked instead)
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
	writtenFile = "written"
)

// commitInPlace writes the journal of deletions and of the staged files (page
// paths relative to the staged folder) into tmp, renames tmp to the commit
// folder and rolls it forward into out.
//
// With retire, it returns the folder of retired files (retire.go) to
// remove once the build has published, "" when there is none; with early
// too (a build on its own), the large files it replaces are freed during
// the commit (retirer.freeEarly).
func commitInPlace(fs afero.Fs, out, tmp string, deleted []string, written []stagedPage, lock sync.Locker, workers int, retire, early bool) (retired string, err error) {
	for name, list := range map[string]any{deletedFile: deleted, writtenFile: written} {
		data, err := json.Marshal(list)
		if err != nil {
			return "", err
		}
		if err := afero.WriteFile(fs, filepath.Join(tmp, name), data, 0o644); err != nil {
			return "", fmt.Errorf("writing the commit journal: %w", err)
		}
	}
	if lock != nil {
		lock.Lock()
		defer lock.Unlock()
	}
	suffix := strings.TrimPrefix(filepath.Base(tmp), filepath.Base(out)+tmpInfix)
	commit := out + commitInfix + suffix
	if err := fs.Rename(tmp, commit); err != nil {
		return "", fmt.Errorf("committing %s: %w", out, err)
	}
	var r *retirer
	if retire {
		r = newRetirer(fs, out, suffix, early)
	}
	err = rollForward(fs, out, commit, workers, r)
	return r.folder(), err
}

// rollForward finishes a committed change: it may be called any number of times
// on the same commit folder, from any point of a previous attempt. The large
// files it replaces are linked into r's folder first (nil: none).
func rollForward(fs afero.Fs, out, commit string, workers int, r *retirer) error {
	if err := applyDeletions(fs, out, commit); err != nil {
		return err
	}
	staged := filepath.Join(commit, stagedDir)
	moves, err := journalMoves(fs, out, commit, staged)
	if err != nil {
		return fmt.Errorf("rolling %s forward: %w", commit, err)
	}
	if err := moveAll(fs, moves, workers, r); err != nil {
		return fmt.Errorf("rolling %s forward: %w", commit, err)
	}
	if r.take(commit) {
		return nil // removed with the retired files
	}
	if err := removeBuildFolder(fs, commit, commitInfix, 1); err != nil { // its marks last (stale.go)
		return fmt.Errorf("removing %s: %w", commit, err)
	}
	return nil
}

// stagedPage is a staged file (its name in the staged folder) and the path
// of the page it is, both slash-separated.
type stagedPage struct {
	Name string `json:"n"`
	Path string `json:"p"`
}

// stagedName names page i of the plan in the staged folder.
func stagedName(i int) string { return "p" + strconv.Itoa(i) }

// move is one rename of the roll-forward.
type move struct{ src, dst string }

// journalMoves lists the renames from the commit's journal of staged
// files, or from the staged tree when the journal has no such list (an
// older build's commit). Files already moved by an earlier attempt are
// skipped by moveOne.
func journalMoves(fs afero.Fs, out, commit, staged string) ([]move, error) {
	data, err := afero.ReadFile(fs, filepath.Join(commit, writtenFile))
	if os.IsNotExist(err) {
		return treeMoves(fs, out, staged)
	}
	if err != nil {
		return nil, err
	}
	var written []stagedPage
	if err := json.Unmarshal(data, &written); err != nil {
		return nil, fmt.Errorf("reading the journal of %s: %w", commit, err)
	}
	moves := make([]move, 0, len(written))
	for _, f := range written {
		// Never act on a path outside the output, whatever the journal says.
		if checkPagePath(f.Name) != nil || (f.Path != markerFile && checkPlannedPath(f.Path) != nil) {
			return nil, fmt.Errorf("journal of %s: bad entry %q -> %q", commit, f.Name, f.Path)
		}
		moves = append(moves, move{src: filepath.Join(staged, filepath.FromSlash(f.Name)), dst: filepath.Join(out, filepath.FromSlash(f.Path))})
	}
	return moves, nil
}

// treeMoves renames every file under staged to the same place under out.
func treeMoves(fs afero.Fs, out, staged string) ([]move, error) {
	files, err := stagedFiles(fs, staged)
	moves := make([]move, 0, len(files))
	for _, f := range files {
		rel, rerr := filepath.Rel(staged, f)
		if rerr != nil {
			return nil, rerr
		}
		moves = append(moves, move{src: f, dst: filepath.Join(out, rel)})
	}
	return moves, err
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
	_, onOS := fs.(*afero.OsFs)
	for within(out, dir) && filepath.Clean(dir) != filepath.Clean(out) {
		// The operating system refuses to remove a folder that is not
		// empty, and finds out in microseconds; opening the 30,000-entry
		// events folder to read one entry cost ~0.2 ms a deleted page.
		// afero's MemMapFs would remove it with its files: look first.
		if (!onOS && !isEmptyDir(fs, dir)) || fs.Remove(dir) != nil {
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

// moveAll makes the renames, creating folders, in destination order.
func moveAll(fs afero.Fs, moves []move, workers int, r *retirer) error {
	sort.Slice(moves, func(i, j int) bool { return moves[i].dst < moves[j].dst })
	errs := make([]error, len(moves))
	var made sync.Map // folders already created under out
	jobs := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				early := r.keep(moves[i].dst)
				if errs[i] = moveOne(fs, moves[i], &made); errs[i] == nil {
					r.freeEarly(early)
				}
			}
		}()
	}
	for i := range moves {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	if errs = compact(errs); len(errs) > 0 {
		return errs[0]
	}
	return nil
}

// moveOne makes one rename. Most changed pages replace a page whose folder
// exists, so the rename is tried first; when it fails, a staged file that is
// gone was moved by an earlier attempt, and otherwise the folder is made and
// the rename tried again.
func moveOne(fs afero.Fs, m move, made *sync.Map) error {
	if fs.Rename(m.src, m.dst) == nil {
		return nil
	}
	if _, err := fs.Stat(m.src); os.IsNotExist(err) {
		return nil
	}
	dir := filepath.Dir(m.dst)
	if _, done := made.Load(dir); !done {
		if err := fs.MkdirAll(dir, 0o755); err != nil {
			return err
		}
		made.Store(dir, true)
	}
	return fs.Rename(m.src, m.dst)
}

// deletedPages lists the pages of prev that the next site no longer has
// (kept[i] is false for prev's page i), sorted.
func deletedPages(prev manifest, kept []bool) []string {
	var out []string
	for i := range prev.n() {
		if kept[i] {
			continue
		}
		if p := prev.path(i); p != "" { // "": removed by an earlier delta
			out = append(out, p)
		}
	}
	sort.Strings(out)
	return out
}
