package site

import (
	"bytes"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	iofs "io/fs"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"sync"

	"github.com/spf13/afero"

	"github.com/newsline/timeline/timeline"
	"github.com/newsline/timeline/timeline/merge"
)

// The merge state (merge.State) lets a build merge only what its changes
// touch, starting from what the previous build's merge found. It lives in
// the cache folder, after a header naming the tool version: a state of
// another version is not used.
//
// Like the plan memo, the state is taken out of the cache folder when read
// and the new one written right after merging, so a state on disk is always
// the one of the last merge that ran: Changes are relative to it, and a build
// that dies before writing leaves none (the next build merges from scratch
// and reports Known false). A missing, damaged or foreign state is the same:
// a whole merge, never a wrong timeline.

// mergeStateFile is the state's name in the cache folder.
const mergeStateFile = "merge.state"

// mergeStateHeader starts the file, followed by the tool version line, then
// merge.State's encoding (see stateFileHeader).
const mergeStateHeader = "timeline merge state 4\n"

// mergeEventsFile is the merge state's events file in the cache folder:
// the stored events' encodings, which saves append to (merge.EncodeSplit)
// instead of writing them all again with the state, and which is written
// anew (compacted) when a quarter of it is encodings no event names any
// more, or when the state is not the one the file was written with. The
// state file names its length and checksum, checked when read: a state
// whose events file was written anew or damaged since is not used.
const mergeEventsFile = "merge.events"

// mergeEventsHeader starts the events file.
const mergeEventsHeader = "timeline merge events 1\n"

// eventsFileOf is the events file beside the state file name.
func eventsFileOf(name string) string { return filepath.Join(filepath.Dir(name), mergeEventsFile) }

// stateFileHeader is what precedes merge.State's encoding in the file: the
// header, the version line, then spaces and a newline up to a multiple of
// the page size (4096 bytes, or the next multiple for a version line that
// long). Since format 13 the state's arrays and adjacency lists are in the
// events file (aligned there), and the padding is kept for the format's
// sake only.
func stateFileHeader(version string) string {
	h := mergeStateHeader + version
	pad := (stateHeaderAlign - (len(h)+1)%stateHeaderAlign) % stateHeaderAlign
	return h + strings.Repeat(" ", pad) + "\n"
}

// stateHeaderAlign is the page size the state's arrays are aligned to
// (merge's statePage).
const stateHeaderAlign = 4096

// mergeWithState merges the articles (events(i) gives article i's candidate
// events, keys[i] its extraction key: articleKey, which changes with the
// article or the tool version) as merge.Merge does, incrementally from the
// state saved by the previous build unless noCache, and saves the new state.
// It returns the timeline, what changed since the previous build's merge
// (Known false without a usable state), and warnings about the state file.
// events may be called from several goroutines at once (extraction.eventsOf
// may); it is called for the new and changed articles and those holding a
// member of a group merged again (merge.State.Update): the state stores the
// merged events, so the others' cached events are never decoded.
func mergeWithState(fs afero.Fs, cacheDir, version string, arts []timeline.Article, events func(i int) []timeline.Event,
	keys [][32]byte, noCache, mapEvents bool) (timeline.Timeline, timeline.Changes, []string) {
	var warnings []string
	name := filepath.Join(cacheDir, mergeStateFile)
	// The events section is mapped only when the caller accepts a mapping
	// that is never released (mapEvents: Options.MapCache, which `timeline
	// build` and serve set; see readMergeState); otherwise it is read.
	tl, changes, st, warn := takeAndMerge(fs, name, version, noCache, mapEvents, arts, events, keys)
	if warn != "" {
		warnings = append(warnings, warn)
	}
	if err := saveMergeState(fs, cacheDir, name, version, st); err != nil {
		warnings = append(warnings, fmt.Sprintf("saving the merge state %s: %v (the next build merges in full)", name, err))
	}
	return tl, changes, warnings
}

// takeAndMerge is takeMergeState then mergeOn, with the garbage collector
// paused from the state's decoding to the end of its Update when the state
// read is an incremental one (takePaused).
func takeAndMerge(fs afero.Fs, name, version string, noCache, mapEvents bool, arts []timeline.Article,
	events func(i int) []timeline.Event, keys [][32]byte) (timeline.Timeline, timeline.Changes, *merge.State, string) {
	st, warn, resume := takePaused(fs, name, version, noCache, mapEvents)
	defer resume() // on a panic too
	tl, changes, st := mergeOn(st, arts, events, keys)
	return tl, changes, st, warn
}

// takePaused is takeMergeState with the garbage collector paused from the
// state's decoding until resume is called, after the caller's Update (mergeOn),
// when the state read is an incremental one (decodeUncollected alone pauses
// the decoding): that Update decodes the state's 116,000 stored events (10k
// site) straight into the timeline it returns, 50-60 MB that stay live as the
// state's do. Collected on the way, a fresh build's merge stage ran two
// collections of mostly live heap (60 and 118 MB) that freed 2-6 MB; paused,
// the one that starts when the pause ends marks it once. A full merge (no
// state, or one that keeps nothing) is not paused (resume does nothing): most
// of what it allocates is garbage. A panic in takeMergeState (a file system's
// read) resumes before it goes on up: the caller has no resume to defer yet,
// and the collector would stay off for the rest of the process (a server's).
func takePaused(fs afero.Fs, name, version string, noCache, mapEvents bool) (st *merge.State, warn string, resume func()) {
	resume = pauseGC()
	taken := false
	defer func() {
		if !taken {
			resume()
		}
	}()
	st, warn = takeMergeState(fs, name, version, noCache, mapEvents)
	taken = true
	if st == nil || !st.Incremental() {
		resume()
	}
	return st, warn, resume
}

// takeMergeState reads and removes the saved state; nil (and why, when
// something was wrong) when there is none to use. mapEvents maps the state's
// events section (readMergeState).
func takeMergeState(fs afero.Fs, name, version string, noCache, mapEvents bool) (*merge.State, string) {
	var st *merge.State
	var err error
	if !noCache {
		st, _, err = readMergeState(fs, name, version, mapEvents)
	}
	return takeRead(fs, name, noCache, st, err)
}

// takeRead is takeMergeState's second half: it takes the state file
// (takeStateFile) whose state was read as st, err (readMergeState's; none
// when noCache), and says what to merge with. A build on its own reads the
// state early and takes the file at its merge (statesave.go).
func takeRead(fs afero.Fs, name string, noCache bool, st *merge.State, err error) (*merge.State, string) {
	if rerr := takeStateFile(fs, name); rerr != nil {
		st.Release() // the state is dropped: nothing points into its mappings
		return nil, fmt.Sprintf("removing the merge state %s: %v (merging in full)", name, rerr)
	}
	switch {
	case noCache || errors.Is(err, iofs.ErrNotExist) || errors.Is(err, errOtherVersion):
		return nil, "" // another tool version: its state does not apply, and that is no fault
	case err != nil:
		return nil, fmt.Sprintf("%s: %v (merging in full)", name, err)
	}
	return st, ""
}

var errOtherVersion = errors.New("merge state of another tool version")

// takenSuffix names a state file taken by a build (takeStateFile) until the
// build's new state is saved, when it is removed (saveMergeState). It is
// never read: a build killed in between leaves it and no state, and the next
// build merges in full.
const takenSuffix = ".taken"

// takeStateFile moves the state file out of the way, so no later build
// reads a state the merge running now is about to make stale: renamed to
// name+takenSuffix rather than removed, because unlinking a 115 MB file frees
// its blocks inside the call (0.04-0.20 s wall on ext4 here, measured with
// rm), on the merge's path; the taken file is removed when the new state is
// saved, after the build returns in a Session. When the rename fails, the
// file is removed; a file that is not there is no error.
func takeStateFile(fs afero.Fs, name string) error {
	err := fs.Rename(name, name+takenSuffix)
	if err == nil || errors.Is(err, iofs.ErrNotExist) {
		return nil
	}
	if err = fs.Remove(name); err != nil && !errors.Is(err, iofs.ErrNotExist) {
		return err
	}
	return nil
}

// readMergeState decodes the state file and the events file it names. On
// the operating system's file system their sections are mapped rather than
// read into the heap: memory a process touches for the first time costs
// about 5 ms of CPU per MB on this project's build machines (see readPack),
// and reading the 118 MB state of a 10,000-article site into fresh heap cost
// more than decoding it.
//
//   - The head (everything before the events section: names, the arrays'
//     page tables, articles) is unmapped as soon as it is decoded:
//     merge.DecodeStateSplit keeps nothing of it. With mapEvents, the
//     candidates' arrays are mapped privately from the events file's pages,
//     each with room for new candidates after it (statePages), and kept by
//     the state.
//   - The events section (adjacency header, the events' index) and the
//     events file (arrays' pages, adjacency lists, events' encodings) are
//     mapped too when mapEvents is set (Options.MapCache): the decoded
//     events' strings and adjacency lists point into the events file, so
//     the state holds the events file's mapping (merge.State.HoldSide),
//     which it unmaps only once nothing points into it: never after an
//     Update decoded events from it, as a build's does (mapping is
//     returned for tests and benchmarks, which may unmap it once they drop
//     the state without releasing it). Its pages stay resident: planning
//     reads every event, and resident they are reserved off the heap's memory
//     limit after merging (releasePack), as the heap buffer they replace
//     counted against it (dropped after merging, the pages all faulted back
//     in and a fresh 10k build peaked at 540-564 MB instead of 486-501).
//     Otherwise it is read into a buffer of its own, which the
//     garbage collector frees with the last event that points into it.
//
// Why a mapping cannot change under the build: the state file is never
// written in place. saveMergeState writes a new file under a temporary name
// and renames it over the old one, and takeMergeState removes it; both leave
// a mapped file's bytes as they were (the mapping holds the old file). The
// events file is only appended to past the bytes any state names, or
// replaced by rename (saveMergeStateSplit).
// TestMappedMergeStateOutlivesItsFile checks it. Truncating the file by hand
// during a build would make the process fault, as for the pack.
func readMergeState(fs afero.Fs, name, version string, mapEvents bool) (st *merge.State, mapping []byte, err error) {
	f, err := fs.Open(name)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, nil, err
	}
	size := info.Size()
	header := stateFileHeader(version)
	tail := make([]byte, merge.StateTailLen)
	if size < int64(len(header)+len(tail)) {
		return nil, nil, errors.New("not a merge state")
	}
	got := make([]byte, len(header))
	if _, err := f.ReadAt(got, 0); err != nil {
		return nil, nil, fmt.Errorf("reading: %w", err)
	}
	if !bytes.HasPrefix(got, []byte(mergeStateHeader)) {
		return nil, nil, errors.New("not a merge state")
	}
	if string(got) != header {
		return nil, nil, errOtherVersion
	}
	if _, err := f.ReadAt(tail, size-int64(len(tail))); err != nil {
		return nil, nil, fmt.Errorf("reading: %w", err)
	}
	evLen, ok := merge.StateEventsLength(tail)
	evAt := size - int64(len(tail)) - evLen
	if !ok || evAt < int64(len(header)) {
		return nil, nil, fmt.Errorf("%w: events length %d in a file of %d bytes", merge.ErrCorruptState, evLen, size)
	}
	head, headMapping, err := sectionOf(f, 0, evAt, true)
	if err != nil {
		return nil, nil, err
	}
	defer unmapSection(headMapping) // decoded: nothing points into it
	events, eventsMapping, err := sectionOf(f, evAt, evLen, mapEvents)
	if err != nil {
		return nil, nil, err
	}
	ef, side, mapping, err := readEventsFile(fs, eventsFileOf(name), events, mapEvents)
	if err != nil {
		unmapSection(eventsMapping)
		return nil, nil, err
	}
	if ef != nil {
		defer ef.Close()
	}
	var pages merge.PageMapper
	var made [][]byte // the arrays' mappings
	if osf, isOS := ef.(*os.File); isOS && mapEvents {
		pages = statePages(osf, &made)
	}
	st, err = decodeUncollected(head[len(header):], events, tail, side, pages)
	if err != nil {
		unmapSection(mapping) // nothing decoded is kept
		unmapSection(eventsMapping)
		releaseArrays(made)
		return nil, nil, err
	}
	if len(made) > 0 {
		st.SetRelease(func() { releaseArrays(made) })
	}
	releaseUnread(mapping, st.SideInPlace())
	holdMapping(st, mapping)
	return st, mapping, nil
}

// releaseUnread drops the resident pages of the events file's mapping
// outside the ranges the state reads in place (merge.State.SideInPlace):
// checksumming made every page resident, and the arrays' pages (about 40 MB
// at 10k: the state's private mappings have them) and the encodings no event
// names would otherwise count in the process's memory until it ends.
func releaseUnread(mapping []byte, keep [][2]int64) {
	if len(mapping) == 0 {
		return
	}
	page := int64(stateHeaderAlign)
	at := int64(0)                    // the first byte not yet kept or released
	release := func(from, to int64) { // inward to whole pages
		from = (from + page - 1) / page * page
		to = to / page * page
		if to > from {
			releaseResident(mapping[from:to])
		}
	}
	for _, r := range keep {
		if r[0] > int64(len(mapping)) {
			break
		}
		release(at, r[0])
		at = max(at, r[0]+r[1])
	}
	release(at, int64(len(mapping)))
}

// decodeUncollected is merge.DecodeStateParts with the garbage collector
// paused (the memory limit still holds): what decoding allocates is the
// state, all of it live until the state is dropped, so a collection while it
// is built finds nothing to free and only marks again what it marked before.
// A fresh 10,000-article build collected 3-5 times while decoding its state.
func decodeUncollected(head, events, tail, side []byte, pages merge.PageMapper) (*merge.State, error) {
	defer pauseGC()()
	return merge.DecodeStateSplit(head, events, tail, side, pages)
}

// gcPaused counts the pauses of the collector (pauseGC) under way in the
// process: builds may run at once (tests; a server's), and each pause must
// not restore the GOGC another has set to -1, nor keep it off after the last.
var gcPaused struct {
	sync.Mutex
	n    int
	gogc int // the percentage before the first pause, restored after the last
}

// pauseGC turns the garbage collector off (debug.SetGCPercent(-1); the soft
// memory limit still makes it collect near the limit) until the function it
// returns is called (once; later calls do nothing). Pauses nest.
func pauseGC() (resume func()) {
	gcPaused.Lock()
	if gcPaused.n == 0 {
		gcPaused.gogc = debug.SetGCPercent(-1)
	}
	gcPaused.n++
	gcPaused.Unlock()
	return sync.OnceFunc(func() {
		gcPaused.Lock()
		gcPaused.n--
		if gcPaused.n == 0 {
			debug.SetGCPercent(gcPaused.gogc)
		}
		gcPaused.Unlock()
	})
}

// readEventsFile returns the first bytes of the events file the state's
// events section names (merge.StateSideLength), mapped (mapping non-nil) as
// readMergeState maps the events section, or read. Its checksum is the
// decoder's to check. The file is never written in place (appended to, or
// replaced by rename: saveMergeState), so a mapping of it cannot change.
func readEventsFile(fs afero.Fs, name string, events []byte, mapIt bool) (f afero.File, side, mapping []byte, err error) {
	if len(events) == 0 {
		// A state that keeps nothing (articles it cannot follow: merged in
		// full every time) has no events section, and names no events file.
		return nil, nil, nil, nil
	}
	n, ok := merge.StateSideLength(events)
	if !ok || n < int64(len(mergeEventsHeader)) {
		return nil, nil, nil, fmt.Errorf("%w: no events file length", merge.ErrCorruptState)
	}
	f, err = fs.Open(name)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("the events file: %v", err) // not ErrNotExist: a state without its events file is a fault
	}
	info, err := f.Stat()
	if err == nil && info.Size() < n {
		err = fmt.Errorf("%w: events file %s of %d bytes, the state names %d", merge.ErrCorruptState, name, info.Size(), n)
	}
	if err == nil {
		side, mapping, err = sectionOf(f, 0, n, mapIt)
	}
	if err != nil {
		f.Close()
		return nil, nil, nil, err
	}
	return f, side, mapping, nil
}

// sectionOf returns the n bytes of f at off: mapped (mapping then non-nil)
// when mapIt is set and f is an operating-system file that can be mapped,
// else read into a buffer of their own.
func sectionOf(f afero.File, off, n int64, mapIt bool) (section, mapping []byte, err error) {
	if n == 0 {
		return []byte{}, nil, nil
	}
	if osf, isOS := f.(*os.File); mapIt && isOS && int64(int(n)) == n {
		if section, mapping, err := mapSection(osf, off, int(n)); err == nil {
			return section, mapping, nil
		}
	}
	section = make([]byte, n)
	if _, err := f.ReadAt(section, off); err != nil {
		return nil, nil, fmt.Errorf("reading: %w", err)
	}
	return section, nil, nil
}

// saveMergeState writes the state to a temporary name (streamed: tens of
// MB for a large site), then renames it, and removes the state file the
// build took (takeStateFile), saved or not. The events' encodings go to the
// events file (mergeEventsFile; see savedState).
func saveMergeState(fs afero.Fs, cacheDir, name, version string, st *merge.State) error {
	_, err := saveMergeStateSplit(fs, cacheDir, name, version, st)
	return err
}

// savedState is what a save did to the events file.
type savedState struct {
	side      merge.SideWritten
	start     int64  // the file's length before the save (its header's, when written anew)
	appended  []byte // the encodings appended, when it appended
	compacted bool   // the file was written anew (renamed into place)
}

// saveMergeStateSplit is saveMergeState; it tells what it wrote to the
// events file, for merge.State.SideSaved (a Session keeps the state).
//
// The events file is appended to when the state knows it
// (merge.State.SideAppendable: it was read with the state, or written by
// this state's last save) and it has the length the state knows: the new
// encodings (a few KB after one article) in one write with O_APPEND, which
// can only add bytes, checked to have landed where the state names them
// (the file's length after the write); otherwise it is written anew under a
// temporary name and renamed into place before the state is. Either way the
// bytes a saved state names never change. A build killed in between leaves
// no state file (taken): the next build merges in full and writes the
// events file anew; a killed append only leaves bytes no state names.
func saveMergeStateSplit(fs afero.Fs, cacheDir, name, version string, st *merge.State) (saved savedState, err error) {
	defer fs.Remove(name + takenSuffix) // saved or not: a taken file is never read, and a later save removes one left
	if err := fs.MkdirAll(cacheDir, 0o755); err != nil {
		return saved, err
	}
	eventsName := eventsFileOf(name)
	var side merge.EventsSide
	var appendTo afero.File
	var added bytes.Buffer
	if at, sum, ok := st.SideAppendableWithin(eventsSlack); ok {
		if ef, err := fs.OpenFile(eventsName, os.O_WRONLY|os.O_APPEND, 0o644); err == nil {
			if info, err := ef.Stat(); err == nil && info.Size() == at {
				appendTo, side = ef, merge.EventsSide{Out: &added, At: at, Sum: sum, Append: true}
				// The arrays' pages are compared with the file's, read (not
				// through the state's mapping: see merge.EventsSide.Prev).
				if rf, err := fs.Open(eventsName); err == nil {
					defer rf.Close()
					side.Prev = rf
				}
			} else {
				_ = ef.Close()
			}
		}
	}
	tmp, eventsTmp := name+".tmp", eventsName+".tmp"
	var newEvents afero.File
	if appendTo == nil {
		if newEvents, err = fs.OpenFile(eventsTmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644); err != nil {
			return saved, err
		}
		side = merge.EventsSide{Out: newEvents, At: int64(len(mergeEventsHeader)),
			Sum: crc32.Checksum([]byte(mergeEventsHeader), crc32.MakeTable(crc32.Castagnoli))}
		_, err = io.WriteString(newEvents, mergeEventsHeader)
	}
	var f afero.File
	if err == nil {
		f, err = fs.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	}
	if err == nil {
		_, err = io.WriteString(f, stateFileHeader(version))
		if err == nil {
			saved.side, err = st.EncodeSplit(f, side)
		}
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}
	saved.start = side.At
	if appendTo != nil {
		if err == nil {
			err = appendEncodings(appendTo, added.Bytes(), saved.side.Len)
		}
		if cerr := appendTo.Close(); err == nil {
			err = cerr
		}
		saved.appended = added.Bytes()
	} else {
		if cerr := newEvents.Close(); err == nil {
			err = cerr
		}
		if err == nil {
			err = fs.Rename(eventsTmp, eventsName)
		}
		if err != nil {
			_ = fs.Remove(eventsTmp)
		}
		saved.compacted = true
	}
	if err == nil {
		err = fs.Rename(tmp, name)
	}
	if err != nil {
		_ = fs.Remove(tmp)
		return savedState{}, err
	}
	return saved, nil
}

// appendEncodings appends p to the events file f (opened with O_APPEND)
// and checks that the file then has length want: p landed where the state
// names it, no other process having appended meanwhile.
func appendEncodings(f afero.File, p []byte, want int64) error {
	if len(p) > 0 {
		if _, err := f.Write(p); err != nil {
			return err
		}
	}
	info, err := f.Stat()
	if err != nil {
		return err
	}
	if info.Size() != want {
		return fmt.Errorf("the events file is %d bytes after appending, want %d (written to by another build)", info.Size(), want)
	}
	return nil
}

// keepSaved tells st, which a Session keeps, where its save put the
// events' encodings (merge.State.SideSaved), so that its next save appends
// to the events file: the bytes appended (mapped back from the file when
// they are the bytes the save wrote, else the save's copy), or those of the
// file written anew (mapped, or read, and checked against the checksum the
// save computed: a file another build replaced meanwhile is not taken for
// it).
//
// The state holds each mapping (merge.State.HoldSide) and unmaps it once
// nothing points into it: the mappings of the file a later save replaced
// (and of what was appended to it) once that save's SideSaved has moved the
// state's encodings and lists into the new file's, and all of them when the
// state is released; never one events were decoded from (their strings
// point into it). Before, a Session kept every replaced file's mapping,
// whose blocks and resident pages (made resident by the compaction that
// copied from it) the process held until it ended, and kept every appended
// byte (the arrays' pages included) in its heap until the next compaction.
func keepSaved(fs afero.Fs, name string, st *merge.State, saved savedState) {
	if !saved.compacted {
		keepAppended(fs, name, st, saved)
		return
	}
	f, err := fs.Open(eventsFileOf(name))
	if err != nil {
		st.SideSaved(nil) // the state knows no events file: its next save writes one anew
		return
	}
	defer f.Close()
	data, mapping, err := sectionOf(f, 0, saved.side.Len, true)
	if err != nil || int64(len(data)) != saved.side.Len || merge.Checksum(data) != saved.side.Sum {
		unmapSection(mapping)
		st.SideSaved(nil)
		return
	}
	if !st.SideSaved(data[saved.start:]) {
		unmapSection(mapping) // nothing points into it
		return
	}
	// Otherwise mapped for as long as the state points into it, as a read
	// state's events file. Checksumming made all of it resident, where the
	// state reads little of it until its next save (its events are built,
	// its arrays its own): the pages go, and come back from the page cache
	// if read.
	holdMapping(st, mapping)
	releaseResident(mapping)
}

// keepAppended is keepSaved for a save that appended: the appended bytes
// are mapped from the events file, when it is an operating-system file
// holding them where the save appended them, so that the state does not
// keep the save's copy (the arrays' changed pages with the encodings: about
// 0.6 MB a save at 10k, held until the file is written anew) in its heap; a
// save that appended nothing gives the state nothing to hold.
func keepAppended(fs afero.Fs, name string, st *merge.State, saved savedState) {
	if n := len(saved.appended); n > 0 {
		if f, err := fs.Open(eventsFileOf(name)); err == nil {
			defer f.Close()
			if osf, isOS := f.(*os.File); isOS {
				if data, mapping, err := mapSection(osf, saved.start, n); err == nil {
					if bytes.Equal(data, saved.appended) && st.SideSaved(data) {
						holdMapping(st, mapping)
						releaseResident(mapping) // compared: resident, and read again only when the file is written anew
						return
					}
					unmapSection(mapping)
				}
			}
		}
	}
	st.SideSaved(saved.appended)
}

// holdMapping gives st the mapping of its events file's bytes (none when
// they were read), which it unmaps once nothing points into it
// (merge.State.HoldSide).
func holdMapping(st *merge.State, mapping []byte) {
	if len(mapping) > 0 {
		st.HoldSide(mapping, func() { unmapSection(mapping) })
	}
}

// eventsSlack is the garbage an events file may hold whatever its size
// (merge.SideSlack); tests set less, to write small sites' files anew.
var eventsSlack int64 = merge.SideSlack

// mergeOn updates st with the articles, or merges them from scratch into a
// new state when st is nil (Changes not Known), and returns the state to save.
func mergeOn(st *merge.State, arts []timeline.Article, events func(i int) []timeline.Event,
	keys [][32]byte) (timeline.Timeline, timeline.Changes, *merge.State) {
	if st == nil {
		tl, st := merge.NewState(arts, events, keys)
		return tl, timeline.Changes{}, st
	}
	tl, changes := st.Update(arts, events, keys)
	return tl, changes, st
}
