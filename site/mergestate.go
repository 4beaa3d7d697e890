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
// may); a decoded state calls it for every article, and for the changed ones
// only when kept in memory (merge.State.Update).
func mergeWithState(fs afero.Fs, cacheDir, version string, arts []timeline.Article, events func(i int) []timeline.Event,
	keys [][32]byte, noCache bool) (timeline.Timeline, timeline.Changes, []string) {
	var warnings []string
	name := filepath.Join(cacheDir, mergeStateFile)
	st, warn := takeMergeState(fs, name, version, noCache)
	if warn != "" {
		warnings = append(warnings, warn)
	}
	var tl timeline.Timeline
	var changes timeline.Changes
	if st != nil {
		tl, changes = st.Update(arts, events, keys)
	} else {
		tl, st = merge.NewState(arts, events, keys)
	}
	if err := saveMergeState(fs, cacheDir, name, version, st); err != nil {
		warnings = append(warnings, fmt.Sprintf("saving the merge state %s: %v (the next build merges in full)", name, err))
	}
	return tl, changes, warnings
}

// takeMergeState reads and removes the saved state; nil (and why, when
// something was wrong) when there is none to use.
func takeMergeState(fs afero.Fs, name, version string, noCache bool) (*merge.State, string) {
	var data []byte
	var err error
	if !noCache {
		data, err = afero.ReadFile(fs, name)
	}
	if rerr := fs.Remove(name); rerr != nil && !errors.Is(rerr, iofs.ErrNotExist) {
		return nil, fmt.Sprintf("removing the merge state %s: %v (merging in full)", name, rerr)
	}
	switch {
	case noCache || errors.Is(err, iofs.ErrNotExist):
		return nil, ""
	case err != nil:
		return nil, fmt.Sprintf("reading the merge state %s: %v (merging in full)", name, err)
	}
	rest, ok := bytes.CutPrefix(data, []byte(mergeStateHeader))
	if !ok {
		return nil, fmt.Sprintf("%s: not a merge state (merging in full)", name)
	}
	ver, rest, ok := bytes.Cut(rest, []byte("\n"))
	if !ok || string(ver) != version {
		return nil, "" // another tool version: its state does not apply, and that is no fault
	}
	st, err := merge.DecodeState(rest)
	if err != nil {
		return nil, fmt.Sprintf("%s: %v (merging in full)", name, err)
	}
	return st, ""
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
