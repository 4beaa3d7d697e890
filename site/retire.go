package site

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/spf13/afero"
)

// Renaming a staged export over its published copy frees the old file's
// blocks inside rename(2) when that was its last link: its cached pages are
// dropped and, this ext4 having no journal and being mounted with discard,
// its blocks discarded synchronously (ext4_free_blocks), for each of the
// three 30-80 MB files (timeline.json, events.ics, events.csv) in every
// incremental build of the 10,000-article site. Worse, the rename holds the
// kernel's lock on cross-folder renames (one per file system; every rename of
// a commit is one) meanwhile, so all the other renames queue behind it: perf
// (sched_switch, 27 Nov) showed ~390 ms (summed over threads) blocked on
// do_renameat2's mutex in one 10k build. So a retirer keeps such a file alive
// across the rename with a hard link in a folder beside the output,
// public.retired-<suffix>, so the rename only drops one of its links. A
// Session (timeline serve) removes the folder in the background after the
// build has published. A build on its own removes it before it returns (its
// "retire" stage, removeRetiredNow), so that the replaced exports (~170 MB
// at 10k) do not stay beside the output; it frees the large ones from as
// soon as each is replaced, beside the rest of the commit (freeEarly). A
// folder a killed process left is removed in the background by the next
// build, from its start (removeRetiredBeside); its cleanStale waits for that.
//
// Safety: the folder holds only extra links to files the output replaced or
// still has; nothing in it is ever published or read, and removing it (or a
// crash before its removal) changes nothing in the output. Every build's
// cleanStale removes the ones a killed process left. Only the OS file system
// makes the links; elsewhere the rename frees the file as before.
const retireInfix = ".retired-"

// largeFileSize is the size from which a staged file has its writeback
// started early (startWriteback); the retirer links every replaced file,
// whatever its size: freeing even a small one inside the rename discards its
// blocks synchronously while holding the rename mutex (fresh 10k incremental
// build, linking only files of 1 MiB or more: swap stage 0.02-0.03 s wall,
// 0.02-0.03 CPU; linking all ~90: 0.01/0.01).
const largeFileSize = 1 << 20

// retireFiles turns retiring on; off only to measure what it saves
// (BenchmarkSwapLargeExports).
var retireFiles = true

type retirer struct {
	dir   string
	early bool // a build on its own: large files are freed as soon as they are replaced (freeEarly)
	once  sync.Once
	err   error // creating dir
	n     atomic.Int64
	used  atomic.Bool
}

// newRetirer returns the retirer of a commit into out; nil (retire nothing)
// off the OS file system. With early, the large files are freed during the
// commit (freeEarly).
func newRetirer(fs afero.Fs, out, suffix string, early bool) *retirer {
	if _, ok := fs.(*afero.OsFs); !ok || !retireFiles {
		return nil
	}
	return &retirer{dir: out + retireInfix + suffix, early: early && freeLargeEarly}
}

// keep links dst into the folder when it is a regular file, and returns the
// link's name when the retirer frees it early (a large file), else "". A
// failure only means the rename frees the file itself, as without a
// retirer.
func (r *retirer) keep(dst string) (early string) {
	if r == nil {
		return ""
	}
	fi, err := os.Lstat(dst)
	if err != nil || !fi.Mode().IsRegular() {
		return ""
	}
	r.once.Do(func() {
		// Marked before anything is linked in it: what tells the next
		// build's clean-up that it is a build's (stale.go).
		if r.err = os.Mkdir(r.dir, 0o755); r.err == nil {
			if r.err = os.WriteFile(filepath.Join(r.dir, buildMarker), nil, 0o644); r.err != nil {
				_ = os.Remove(r.dir)
			}
		}
	})
	if r.err != nil {
		return ""
	}
	name := filepath.Join(r.dir, strconv.FormatInt(r.n.Add(1), 10))
	if os.Link(dst, name) != nil {
		return ""
	}
	r.used.Store(true)
	if r.early && fi.Size() >= largeFileSize {
		return name
	}
	return ""
}

// freeEarly removes link, a large file's retired link, on a goroutine of
// its own once the rename over the file is done (moveAll), so that its
// discards (tens of ms for an export) overlap the rest of the commit
// instead of waiting for the retire stage; removeRetiredNow waits for
// them. Only a build on its own does: a Session's retired files are
// removed after the build, off the path to the reloaded page. The link
// is an extra one, never the output's: removing it at any point leaves
// the output as it is.
func (r *retirer) freeEarly(link string) {
	if link == "" {
		return
	}
	done := earlyFrees.start()
	go func() {
		defer done()
		_ = os.Remove(link) // else removed with the folder
	}()
}

// earlyFrees counts the links being removed by freeEarly.
var earlyFrees background

// freeLargeEarly turns freeEarly on; off only to measure what it saves.
var freeLargeEarly = true

// take moves a finished commit folder (its journal and the emptied staged
// folder) into the retired folder, to be removed with it: one rename where
// removing it took six calls on the commit's path, each waiting on the
// journal the renames before it had filled. Renamed, it is no longer a
// commit folder, so a crash cannot have it rolled forward again. It reports
// false (the caller removes the folder) when nothing is retired.
func (r *retirer) take(commit string) bool {
	if r == nil || !r.used.Load() || !takeCommits {
		return false
	}
	return os.Rename(commit, filepath.Join(r.dir, takenCommit)) == nil
}

// takenCommit names the commit folder in the retired folder that took it.
const takenCommit = "commit"

// takeCommits turns retirer.take on; off only to measure what it saves.
var takeCommits = true

// folder is the folder to remove once the build has published; "" when
// nothing was linked.
func (r *retirer) folder() string {
	if r == nil || !r.used.Load() {
		return ""
	}
	return r.dir
}

// writebackEarly turns on startWriteback for every staged file (large files
// only before afddc6e); off only to measure what it saves
// (BenchmarkSwapLargeExports).
var writebackEarly = true

// preallocateLarge turns on preallocate for large staged files; off only
// to measure what it saves (BenchmarkSwapLargeExports).
var preallocateLarge = true

// retiring counts the folders being removed in the background.
var retiring background

// removeRetired removes a retired folder in the background (off the path
// to the reloaded page); the next build's cleanStale waits for it, and a
// process that ends first leaves the folder to the next build.
func removeRetired(dir string) {
	if dir == "" {
		return
	}
	done := retiring.start()
	go func() {
		defer done()
		removeRetiredFolder(dir)
	}()
}

// removeRetiredNow removes a retired folder before returning: a build on its
// own does, once its commit is done, rather than leave the replaced files
// beside the output until the next build.
func removeRetiredNow(fs afero.Fs, dir string) {
	if _, ok := fs.(*afero.OsFs); ok {
		earlyFrees.Wait()
		removeRetiredFolder(dir)
		return
	}
	_ = removeBuildFolder(fs, dir, retireInfix, 1)
}

// removeRetiredFolder removes a retired folder on the OS file system: its
// files on retireWorkers goroutines, then the rest (the commit folder taken
// along), its mark last (removeBuildFolder: was first, with the files, so
// that a process ending before the commit folder was gone left an unmarked
// folder every later build warned about). Unlinking a replaced file's last
// link frees its blocks, which this ext4 (no journal, mounted with discard)
// discards synchronously, so one goroutine waited for each file's discards
// in turn: the three exports' 44-51 ms and 12-13 ms for the ~75 small pages
// of a 10k fresh incremental build, one after the other. Several overlap
// the waits.
func removeRetiredFolder(dir string) {
	_ = removeBuildFolder(osFs, dir, retireInfix, retireWorkers) // what is left, marked, goes with the next build
}

// osFs is the OS file system, for the removals written for any afero.Fs.
var osFs afero.Fs = afero.NewOsFs()

// retireWorkers is the number of goroutines removing a retired folder's files.
const retireWorkers = 8

// waitRetired waits for this process's background removals, and for the
// Sessions' spares being made (publishspare.go): what a test waits for
// before its folders are removed.
func waitRetired() {
	waitRemovals()
	sparing.Wait()
}

// waitRemovals waits for this process's background removals: the ones
// started before it was called.
func waitRemovals() {
	earlyFrees.Wait()
	retiring.Wait()
}

// background counts goroutines doing work in the background, as a
// sync.WaitGroup would, except that work may be started while another
// goroutine waits (several Sessions building at once in one process, each
// starting removals while another's cleanStale waits: a WaitGroup panics,
// "reused before previous Wait has returned"), and that Wait waits only for
// the work started before it was called, so that it returns even while
// other builds go on starting more.
type background struct {
	mu   sync.Mutex
	next uint64
	open map[uint64]chan struct{}
}

// start records a piece of work and returns the function that marks it done.
func (b *background) start() (done func()) {
	ch := make(chan struct{})
	b.mu.Lock()
	if b.open == nil {
		b.open = map[uint64]chan struct{}{}
	}
	id := b.next
	b.next++
	b.open[id] = ch
	b.mu.Unlock()
	return func() {
		b.mu.Lock()
		delete(b.open, id)
		b.mu.Unlock()
		close(ch)
	}
}

// Wait waits for the work started before it was called.
func (b *background) Wait() {
	b.mu.Lock()
	chans := make([]chan struct{}, 0, len(b.open))
	for _, ch := range b.open {
		chans = append(chans, ch)
	}
	b.mu.Unlock()
	for _, ch := range chans {
		<-ch
	}
}

// removeRetiredBeside starts removing, in the background, the retired
// folders earlier builds left: beside the output (a killed process's) and
// in the cache folder's parking folder (a build on its own's, parkRetired).
// cleanStale waits for it.
func removeRetiredBeside(fs afero.Fs, opts Options) {
	if _, ok := fs.(*afero.OsFs); !ok {
		return
	}
	out := opts.OutDir
	parent, base := filepath.Dir(out), filepath.Base(out)
	if entries, err := os.ReadDir(parent); err == nil { // else cleanStale reports it
		for _, e := range entries {
			// Only a retired folder a build made: its exact name and its
			// mark (stale.go), else the user's public.retired-2023 went.
			if infix, ok := buildFolderInfix(base, e.Name()); ok && infix == retireInfix && e.IsDir() {
				if dir := filepath.Join(parent, e.Name()); madeByBuild(fs, dir, infix) != notBuilds {
					removeRetired(dir)
				}
			}
		}
	}
	removeParked(opts)
}

// A build on its own parks its retired folder in the cache folder, with one
// rename, instead of removing it before it returns (its "retire" stage):
// unlinking the replaced files' last links frees their blocks, which this
// ext4 (no journal, mounted with discard) discards synchronously, and the
// three exports' ~157 MB at 10,000 articles were most of that stage (0.01-
// 0.07 s wall of a fresh incremental build, after their frees had been
// started during the commit). The next build removes the parked folder in
// the background from its start (removeRetiredBeside), beside its cache,
// load and merge stages, and its cleanStale waits for that before it
// publishes. The cost: the replaced files stay on disk between two builds.
//
// The cache folder is whatever the user names (--cache ., $HOME, the
// output's parent), so folders are parked only in a parking folder the tool
// made, cache/retired holding the file parkMarker (made with the folder;
// without it the folder is the user's: nothing is parked there or removed
// from it), and removed only from inside it: real folders (not symlinks)
// that neither are nor contain the output, content or seeds folder, compared
// after resolving symlinks (was: any folder named retired-* in the cache
// folder, the output included when named so).
//
// Safety as for the retired folder beside the output: it holds only extra
// links to files the output no longer has (and the finished commit folder),
// nothing in the cache reads it, and removing it at any point, or a crash
// before, changes nothing published. It is parked only where a rename can
// take it: a parking folder on the output's file system, and neither the
// output nor in it; otherwise it is removed as before, its large files
// freed during the commit (the caller asks canPark first). So after a
// successful build the output's parent holds no retired folder.
const (
	parkFolder = "retired"
	parkMarker = ".timeline-retired"
	parkNote   = "This folder holds the files timeline builds replaced, parked here for the next build to remove.\n"
)

// parkRetiredFolders turns parking on; off only to measure what it saves,
// and for the tests of the removal before returning.
var parkRetiredFolders = true

// parkingFolder returns the cache folder's parking folder, made with its
// marker when missing, or "" when there is none the tool made.
func parkingFolder(cacheDir string) string {
	if cacheDir == "" {
		return ""
	}
	dir := filepath.Join(cacheDir, parkFolder)
	if err := os.Mkdir(dir, 0o755); err == nil {
		f, err := os.OpenFile(filepath.Join(dir, parkMarker), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if err == nil {
			_, err = f.WriteString(parkNote)
			if cerr := f.Close(); err == nil {
				err = cerr
			}
		}
		if err != nil {
			_ = os.RemoveAll(dir) // made just now, by this build
			return ""
		}
		return dir
	}
	if !ownParking(dir) {
		return ""
	}
	return dir
}

// ownParking reports whether dir is a parking folder the tool made: a real
// folder holding the marker, a regular file.
func ownParking(dir string) bool {
	fi, err := os.Lstat(dir)
	if err != nil || !fi.IsDir() {
		return false
	}
	fi, err = os.Lstat(filepath.Join(dir, parkMarker))
	return err == nil && fi.Mode().IsRegular()
}

// canPark returns the parking folder a build on its own will move its
// retired folder into, or "" when it removes it instead: off the OS file
// system, without a cache folder, when the parking folder is not the tool's,
// is or is in the output or holds it, or is on another file system. Asked
// before the commit, so that a build that cannot park frees the large
// replaced files during the commit.
func canPark(fs afero.Fs, opts Options) string {
	if _, ok := fs.(*afero.OsFs); !ok || !parkRetiredFolders || opts.NoCache {
		return ""
	}
	if opts.CacheDir == "" {
		return ""
	}
	// Checked before the folder is made: never made in the output.
	park, out := resolvedPath(filepath.Join(opts.CacheDir, parkFolder)), resolvedPath(opts.OutDir)
	if park == "" || out == "" || within(out, park) || within(park, out) || !sameFileSystem(opts.CacheDir, filepath.Dir(opts.OutDir)) {
		return ""
	}
	return parkingFolder(opts.CacheDir)
}

// parkRetired moves dir, a retired folder beside out, into park (canPark's
// answer), and reports whether it did.
func parkRetired(dir, out, park string) bool {
	suffix := strings.TrimPrefix(filepath.Base(dir), filepath.Base(out)+retireInfix)
	if park == "" || dir == "" || suffix == "" || suffix == filepath.Base(dir) || suffix == parkMarker {
		return false
	}
	return os.Rename(dir, filepath.Join(park, suffix)) == nil
}

// removeParked starts removing the folders parked in the cache folder's
// parking folder, if the tool made it: real folders only, none that is or
// holds the output, content or seeds folder.
func removeParked(opts Options) {
	if opts.CacheDir == "" {
		return
	}
	dir := filepath.Join(opts.CacheDir, parkFolder)
	if !ownParking(dir) {
		return
	}
	entries, err := os.ReadDir(dir)
	real := resolvedPath(dir)
	if err != nil || real == "" {
		return
	}
	var keep []string
	for _, p := range []string{opts.OutDir, opts.ContentDir, opts.SeedsDir} {
		if p != "" && p != "-" {
			if r := resolvedPath(p); r != "" {
				keep = append(keep, r)
			} else {
				return // cannot tell where it is: remove nothing
			}
		}
	}
entries:
	for _, e := range entries {
		if !e.IsDir() { // a symlink's type is not a folder's
			continue
		}
		for _, k := range keep {
			if within(filepath.Join(real, e.Name()), k) { // k is the entry or in it
				continue entries
			}
		}
		removeRetired(filepath.Join(dir, e.Name()))
	}
}

// resolvedPath is p made absolute with its symlinks resolved, as far as it
// exists (the rest appended as named); "" when that fails.
func resolvedPath(p string) string {
	abs, err := filepath.Abs(p)
	if err != nil {
		return ""
	}
	rest := ""
	for {
		if r, err := filepath.EvalSymlinks(abs); err == nil {
			return filepath.Join(r, rest)
		} else if !os.IsNotExist(err) {
			return ""
		}
		parent := filepath.Dir(abs)
		if parent == abs {
			return ""
		}
		rest = filepath.Join(filepath.Base(abs), rest)
		abs = parent
	}
}

// removeRetiredOn removes a retired folder a killed process left: in the
// background on the OS file system, now elsewhere.
func removeRetiredOn(fs afero.Fs, dir string) {
	if _, ok := fs.(*afero.OsFs); ok {
		removeRetired(dir)
		return
	}
	_ = removeBuildFolder(fs, dir, retireInfix, 1)
}
