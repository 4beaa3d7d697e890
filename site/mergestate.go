package site

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	iofs "io/fs"
	"os"
	"path/filepath"

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
// merge.State's encoding.
const mergeStateHeader = "timeline merge state 1\n"

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
	keys [][32]byte, noCache bool) (timeline.Timeline, timeline.Changes, []string) {
	var warnings []string
	name := filepath.Join(cacheDir, mergeStateFile)
	st, warn := takeMergeState(fs, name, version, noCache)
	if warn != "" {
		warnings = append(warnings, warn)
	}
	tl, changes, st := mergeOn(st, arts, events, keys)
	if err := saveMergeState(fs, cacheDir, name, version, st); err != nil {
		warnings = append(warnings, fmt.Sprintf("saving the merge state %s: %v (the next build merges in full)", name, err))
	}
	return tl, changes, warnings
}

// takeMergeState reads and removes the saved state; nil (and why, when
// something was wrong) when there is none to use.
func takeMergeState(fs afero.Fs, name, version string, noCache bool) (*merge.State, string) {
	var st *merge.State
	var err error
	if !noCache {
		st, err = readMergeState(fs, name, version)
	}
	if rerr := fs.Remove(name); rerr != nil && !errors.Is(rerr, iofs.ErrNotExist) {
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

// readMergeState decodes the state file, reading its events section into a
// buffer of its own: the decoded state and timeline keep that one only
// (their strings are read in place), and the rest, about half of the file,
// is garbage once decoded instead of held through the build.
func readMergeState(fs afero.Fs, name, version string) (*merge.State, error) {
	f, err := fs.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, err
	}
	size := info.Size()
	header := mergeStateHeader + version + "\n"
	tail := make([]byte, merge.StateTailLen)
	if size < int64(len(header)+len(tail)) {
		return nil, errors.New("not a merge state")
	}
	got := make([]byte, len(header))
	if _, err := f.ReadAt(got, 0); err != nil {
		return nil, fmt.Errorf("reading: %w", err)
	}
	if !bytes.HasPrefix(got, []byte(mergeStateHeader)) {
		return nil, errors.New("not a merge state")
	}
	if string(got) != header {
		return nil, errOtherVersion
	}
	if _, err := f.ReadAt(tail, size-int64(len(tail))); err != nil {
		return nil, fmt.Errorf("reading: %w", err)
	}
	evLen, ok := merge.StateEventsLength(tail)
	evAt := size - int64(len(tail)) - evLen
	if !ok || evAt < int64(len(header)) {
		return nil, fmt.Errorf("%w: events length %d in a file of %d bytes", merge.ErrCorruptState, evLen, size)
	}
	head, events := make([]byte, evAt), make([]byte, evLen)
	if _, err := f.ReadAt(head, 0); err != nil {
		return nil, fmt.Errorf("reading: %w", err)
	}
	if _, err := f.ReadAt(events, evAt); err != nil {
		return nil, fmt.Errorf("reading: %w", err)
	}
	return merge.DecodeStateParts(head[len(header):], events, tail)
}

// saveMergeState writes the state to a temporary name (streamed: tens of
// MB for a large site), then renames it.
func saveMergeState(fs afero.Fs, cacheDir, name, version string, st *merge.State) error {
	if err := fs.MkdirAll(cacheDir, 0o755); err != nil {
		return err
	}
	tmp := name + ".tmp"
	f, err := fs.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return err
	}
	_, err = io.WriteString(f, mergeStateHeader+version+"\n")
	if err == nil {
		err = st.EncodeTo(f)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = fs.Rename(tmp, name)
	}
	if err != nil {
		_ = fs.Remove(tmp)
	}
	return err
}

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
