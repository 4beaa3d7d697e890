package site

import (
	"fmt"
	"path/filepath"
	"sync"

	"github.com/spf13/afero"

	"github.com/newsline/timeline/render"
	"github.com/newsline/timeline/timeline"
	"github.com/newsline/timeline/timeline/merge"
)

// Session is a build that a long-running process (timeline serve) repeats:
// each Build keeps in memory what the next one would otherwise read back
// from the cache folder: the merge state (merge.State), whose Update in
// memory redoes only what the change touches where a state read from its
// file must first be decoded, and the extraction pack's records (keptPack),
// which a build that does not map the pack (serve) otherwise reads whole.
//
// The cache folder is still written as by Build, so a later `timeline build`
// (a fresh process) stays incremental. What is kept is used only when the
// cache folder still holds the very file this session wrote after it (same
// file-system stamp: fileStamp), so a build run meanwhile by another process,
// or a cache folder deleted by hand, sends the session back to the files; a
// build that fails keeps nothing (its state may describe a merge whose plan
// never ran). Either way the next build reads the cache folder, exactly as a
// fresh process would.
//
// The merge state file is written after Build returns (off the path to the
// reloaded page); the next Build, and Wait, wait for it. Call Wait before the
// process ends or another process builds in the same cache folder; a process
// killed before the file is written leaves none, and the next build merges
// in full, as after any interrupted build.
//
// The zero Session is ready to use. Builds of one Session run one at a time.
type Session struct {
	mu      sync.Mutex
	kept    *keptMerge // the merge state the last successful build left; nil: none
	pack    *keptPack  // the pack's records the last successful build left; nil: none
	warm    int        // builds that merged on a kept state
	hits    int        // builds that opened the cache from kept records
	saving  *warmBuild // the last build, while its merge state is being saved; nil: none
	savedOK bool       // that build succeeded: its state is kept once saved
	late    []string   // warnings of a save that ended after its build returned
	spares  *spares    // being made after the last build, for the next (publishspare.go); nil: none

	plan render.PlanBuffers // the plan's arrays, lent to the next build's plan (render.PlanBuffers)
}

// keptMerge is a merge state kept in memory, and what says which state file
// it is: the cache folder, the tool version and the file's stamp once saved.
type keptMerge struct {
	st       *merge.State
	cacheDir string
	version  string
	stamp    fileStamp
}

// Build runs a build as Build does, starting from what the session's
// previous build kept, and keeps what this one leaves when it succeeds.
func (s *Session) Build(fs afero.Fs, opts Options) (Summary, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.settle()
	w := &warmBuild{kept: s.kept, pack: s.pack, plan: &s.plan, prevSpares: s.spares}
	s.kept, s.pack = nil, nil // a build that fails keeps nothing
	sum, err := build(fs, opts, w)
	sum.Warnings = append(s.late, sum.Warnings...)
	s.late = nil
	if err == nil {
		s.pack = w.nextPack
	}
	if w.kept != nil {
		// The build stopped before merging: the kept state is dropped
		// (the build failed, and a failed build keeps nothing) and given
		// back; its file, not taken, is the next build's.
		w.kept.st.Release()
	}
	switch {
	case w.save != nil:
		// The state file is written after the build has published, off
		// the path to the reloaded page (0.10 CPU s of a 10k rebuild).
		w.saved = make(chan struct{})
		s.saving, s.savedOK = w, err == nil
		go w.saveState()
	case w.st != nil:
		w.st.Release() // the merge stopped (a panic) before it had a state to save
		w.unlockBuild()
	default:
		w.unlockBuild()
	}
	if w.spares != nil {
		s.spares = w.spares
	}
	if w.used {
		s.warm++
	}
	if w.usedPack {
		s.hits++
	}
	return sum, err
}

// Wait returns once the last build's merge state is saved in the cache
// folder: before the process ends, or before another process builds in
// the same cache folder.
func (s *Session) Wait() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.settle()
	s.spares.wait()
}

// settle waits for the last build's state save and keeps the state if that
// build succeeded and the save did. Called with s.mu held.
func (s *Session) settle() {
	w := s.saving
	if w == nil {
		return
	}
	<-w.saved
	s.late = append(s.late, w.saveWarnings...)
	if s.savedOK && w.next != nil {
		s.kept = w.next
	} else {
		// Not kept (the build failed, or the save did): given back now that
		// the save no longer reads it. The timelines it returned point into
		// none of its mapped arrays (merge.State.Release).
		w.st.Release()
	}
	s.saving = nil
}

// KeptPacks counts the builds of the session that opened the extraction
// cache from the records kept in memory (for tests and benchmarks).
func (s *Session) KeptPacks() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hits
}

// WarmBuilds counts the builds of the session that merged on a state kept in
// memory (for tests and benchmarks).
func (s *Session) WarmBuilds() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.warm
}

// warmBuild is a session's part in one build.
type warmBuild struct {
	kept     *keptMerge   // from the previous build, until the merge takes it (takeKept); nil: none
	st       *merge.State // the state the merge updated or made; given back unless kept (Session.settle)
	next     *keptMerge   // this build's, once its merge state is saved
	used     bool         // the merge ran on kept
	pack     *keptPack    // from the previous build; nil: none
	nextPack *keptPack    // this build's, once the pack is flushed
	usedPack bool         // the cache was opened from pack

	plan *render.PlanBuffers // the session's: its builds run one at a time, each done with its pages when it returns

	prevSpares *spares // being made after the session's previous build; nil: none
	spares     *spares // being made after this one, for the next; nil: none

	save         func() []string // saves the merge state and sets next; nil: nothing to save
	saved        chan struct{}   // closed when save has run
	saveWarnings []string        // what save said
	unlock       func()          // releases the build lock (buildlock.go): once the state is saved; nil: not taken
}

// unlockBuild releases the build lock, if the build took it.
func (w *warmBuild) unlockBuild() {
	if w.unlock != nil {
		w.unlock()
		w.unlock = nil
	}
}

// waitSpares waits for the spares being made after the session's previous
// build (none for a build on its own): the spares of one Session are made
// one fill at a time.
func (w *warmBuild) waitSpares() {
	if w != nil {
		w.prevSpares.wait()
	}
}

// saveState runs save, turning a panic into a warning.
func (w *warmBuild) saveState() {
	defer close(w.saved)
	defer w.unlockBuild() // before saved is closed: the lock is free once Wait returns
	defer func() {
		if p := recover(); p != nil {
			w.next = nil
			w.saveWarnings = append(w.saveWarnings, fmt.Sprintf("saving the merge state: internal error: %v (the next build merges in full)", p))
		}
	}()
	w.saveWarnings = w.save()
}

// openCache opens the extraction cache from the kept records when they
// still describe the pack, else from the cache folder (openExtractCache).
func (w *warmBuild) openCache(fs afero.Fs, o Options) *extractCache {
	if w != nil {
		if c := w.pack.reopen(fs, packFile(o.CacheDir), o.Version, !o.NoCache); c != nil {
			w.usedPack = true
			return c
		}
	}
	return openExtractCache(fs, o.CacheDir, o.Version, !o.NoCache, o.MapCache)
}

// keepCache keeps what the next build needs of the flushed cache. (The
// mapped pack's resident pages are released by every build at the end of
// the merge stage: see builder.releasePack.)
func (w *warmBuild) keepCache(c *extractCache) {
	if w != nil {
		w.nextPack = c.keep()
	}
}

// merge is mergeWithState (mergestate.go) for a session: the same file
// protocol (the state file is removed before merging and the new one saved
// after), but the state comes from memory when the file is the one the
// session saved, the new state is saved after the build (Session.Build),
// and kept.
func (w *warmBuild) merge(fs afero.Fs, o Options, arts []timeline.Article, events func(i int) []timeline.Event,
	keys [][32]byte) (timeline.Timeline, timeline.Changes, []string) {
	var warnings []string
	name := filepath.Join(o.CacheDir, mergeStateFile)
	st := w.takeKept(fs, name, o)
	if st == nil {
		var warn string
		var resume func()
		st, warn, resume = takePaused(fs, name, o.Version, o.NoCache, o.MapCache)
		defer resume() // after the Update (mergeOn), on a panic too
		if warn != "" {
			warnings = append(warnings, warn)
		}
	}
	w.st = st // a state a panic in the merge leaves is still given back
	tl, changes, st := mergeOn(st, arts, events, keys)
	w.st = st
	if sessionMerged != nil {
		sessionMerged(tl)
	}
	// Saved by Session.Build once the build has returned: nothing touches
	// st until the session's next build, which waits for the save.
	w.save = func() []string {
		saved, err := saveMergeStateSplit(fs, o.CacheDir, name, o.Version, st)
		if err != nil {
			return []string{fmt.Sprintf("saving the merge state %s: %v (the next build merges in full)", name, err)}
		}
		keepSaved(fs, name, st, saved) // the next save appends to the events file
		info, err := fs.Stat(name)
		if err != nil {
			return nil
		}
		// A state read from its file holds its kept events as their
		// encodings, which its Update decodes straight into the timeline;
		// kept, it takes them from that timeline once, here (the build
		// is over: nothing edits tl's events, the overrides stage edits a
		// copy), so the next builds' Updates copy them instead of decoding
		// all again.
		if !st.AdoptEvents(tl) {
			if err := st.BuildEvents(); err != nil {
				return []string{fmt.Sprintf("keeping the merge state %s: %v (the next build reads it from its file)", name, err)}
			}
		}
		w.next = &keptMerge{st: st, cacheDir: o.CacheDir, version: o.Version, stamp: stampOf(info)}
		return nil
	}
	return tl, changes, warnings
}

// sessionMerged, set by tests only, sees each session build's merged
// timeline: its event array is the kept state's (merge.State.Update), which
// the tests poison between builds to prove nothing reads it after its build.
var sessionMerged func(tl timeline.Timeline)

// takeKept returns the kept state and removes its file, when the file is the
// one the session saved for this cache folder and tool version; nil (and the
// file left to takeMergeState) otherwise, the kept state released (its
// mapped arrays unmapped: nothing else holds it, and the timelines it
// returned point into none of them).
func (w *warmBuild) takeKept(fs afero.Fs, name string, o Options) *merge.State {
	k := w.kept
	if k == nil {
		return nil
	}
	w.kept = nil // taken: kept, or released below
	if o.NoCache || k.cacheDir != o.CacheDir || k.version != o.Version {
		k.st.Release()
		return nil
	}
	info, err := fs.Stat(name)
	if err != nil || stampOf(info) != k.stamp {
		k.st.Release()
		return nil // another build saved its own state since, or none is left
	}
	if err := takeStateFile(fs, name); err != nil {
		k.st.Release()
		return nil // takeMergeState tries again and tells
	}
	w.used = true
	return k.st
}
