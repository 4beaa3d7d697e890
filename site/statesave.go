package site

import (
	"fmt"
	"path/filepath"

	"github.com/newsline/timeline/timeline"
	"github.com/newsline/timeline/timeline/merge"
)

// A build on its own (`timeline build`) writes the merge state it leaves
// beside its plan and write stages instead of on the merge's path: encoding
// and writing the state of a 10,000-article site (a 5.5 MB state file and
// what changed appended to its events file, merge.events, since format 14;
// the whole 120 MB events file when it is compacted or written anew) costs
// CPU that the machine's second core can do while the first plans and
// renders. The build waits for it before it returns (the "state"
// stage: the wait only; the save's own CPU time falls in the stages it ran
// beside), so its seconds still include the save and a save that fails is
// still reported.
//
// The file protocol is mergeWithState's (mergestate.go): the state is taken
// before merging (renamed aside, never read again), the new one is written
// under a temporary name and renamed into place, then the taken file is
// removed. The events file is only appended to (the state names its length
// and checksum, so bytes past that length are ignored) or replaced whole by
// rename, so bytes a mapped state points at never change. A build killed while saving leaves no state file (a temporary
// one, truncated by the next save, at most): the next build merges in full
// and knows no changes, as after any interrupted build; the plan memo it
// may have saved meanwhile is used only with changes the merge knows.
//
// Nothing the save reads is written after the merge: the state belongs to
// this build alone, and the timeline's events, which its Update may share
// with it (merge.State.Update's contract), are only read by the plan and the
// pages; the overrides stage edits a copy of the list (overrides.ApplyTracked).

// stateSaveBeside turns the concurrent save on; tests and benchmarks turn it
// off to compare with the save on the merge's path.
var stateSaveBeside = true

// besideSave is a cache file being saved beside the build: the merge state
// (here) or the plan memo (planmemo.go).
type besideSave struct {
	done    chan struct{}
	warning string // set before done is closed; "" when the save went well
}

// newBesideSave returns a save not yet run.
func newBesideSave() *besideSave { return &besideSave{done: make(chan struct{})} }

// run saves, turning an error or a panic into the warning a build gives:
// "saving <what>: <reason> (<then>)", then says it is done.
func (s *besideSave) run(save func() error, what, then string) {
	defer close(s.done)
	defer func() {
		if p := recover(); p != nil {
			s.warning = fmt.Sprintf("saving %s: internal error: %v (%s)", what, p, then)
		}
	}()
	if err := save(); err != nil {
		s.warning = fmt.Sprintf("saving %s: %v (%s)", what, err, then)
	}
}

// joinSave waits for the save *s, if any, reports how it went and laps
// stage (the wait only); *s is nil afterwards.
func (b *builder) joinSave(s **besideSave, stage string) {
	if *s == nil {
		return
	}
	w := *s
	*s = nil
	<-w.done
	if w.warning != "" {
		b.warn(w.warning)
	}
	b.lap(stage)
}

// mergeSavingBeside is mergeWithState with the save started on a goroutine
// of its own; joinStateSave waits for it.
func (b *builder) mergeSavingBeside(x extraction) (timeline.Timeline, timeline.Changes) {
	o := b.opts
	name := filepath.Join(o.CacheDir, mergeStateFile)
	tl, changes, st, warn := b.takeAndMerge(name, x)
	if warn != "" {
		b.warn(warn)
	}
	save := func() error { return saveMergeState(b.fs, o.CacheDir, name, o.Version, st) }
	s := newBesideSave()
	go s.run(save, "the merge state "+name, "the next build merges in full")
	b.saving = s
	return tl, changes
}

// joinStateSave waits for the merge state being saved, if any, and reports
// how it went; every way out of a build passes here (result).
func (b *builder) joinStateSave() { b.joinSave(&b.saving, "state") }

// A build on its own also reads the merge state (readMergeState: read,
// checksum, decode) on a goroutine of its own from the start of its cache
// stage, while it opens the pack and loads the articles (takeStateEarly),
// instead of at the start of the merge: none of them reads it, and the load
// stage keeps about one core of two busy in a fresh incremental build (10k
// articles: load 0.09 s of CPU in 0.10 s), so the 40-50 ms of reading the
// state ran on the merge's path with the second core idle before.
//
//   - The file is taken (takeRead: moved aside) at the start of the merge,
//     as before: a build stopped before merging leaves the state in place,
//     and the next build merges incrementally (was since f489793: taken
//     early, and the next build merged in full).
//   - The garbage collector is paused only while the state is decoded
//     (decodeUncollected), then from the merge's start to the end of its
//     Update for an incremental state, as takePaused does (was: paused from
//     the cache stage on, so a build with many changed articles loaded and
//     extracted them with the collector off: 10k articles all touched, RSS
//     at the end of load 196 -> 345 MB; A's review).
//   - A build that stops before merging waits for the read and releases the
//     state (dropTakenState): its mapped arrays and events file.

// takeStateEarly turns the early read on; off only to measure what it saves.
var takeStateEarly = true

// earlyState is the merge state being read beside the build.
type earlyState struct {
	done     chan struct{}
	st       *merge.State // readMergeState's state and error
	err      error
	panicked any
}

// startTakingState starts reading the merge state when the build will merge
// with it as mergeSavingBeside does (builder.merge's conditions); with
// NoCache nothing is read, and the merge takes the file as before.
func (b *builder) startTakingState() {
	o := b.opts
	if !takeStateEarly || o.NoCache || b.warm != nil || o.Stages.MergeChanges != nil || !o.Stages.realMerge || !stateSaveBeside {
		return
	}
	name := filepath.Join(o.CacheDir, mergeStateFile)
	e := &earlyState{done: make(chan struct{})}
	go func() {
		defer close(e.done)
		defer func() {
			if p := recover(); p != nil {
				e.panicked = p // the merge raises it again
			}
		}()
		e.st, _, e.err = readMergeState(b.fs, name, o.Version, o.MapCache)
	}()
	b.taking = e
}

// takeAndMerge is mergestate.go's takeAndMerge with the state read early
// when it was (startTakingState): it waits for the read, takes the file
// (takeRead) and pauses the collector for an incremental state's Update. A
// panic of the early read is raised here, on the merge's path, as if the
// merge had read the state itself.
func (b *builder) takeAndMerge(name string, x extraction) (timeline.Timeline, timeline.Changes, *merge.State, string) {
	e := b.taking
	if e == nil {
		o := b.opts
		return takeAndMerge(b.fs, name, o.Version, o.NoCache, o.MapCache, x.articles, x.eventsOf, x.keys)
	}
	b.taking = nil
	<-e.done
	if e.panicked != nil {
		panic(e.panicked)
	}
	taken := false
	defer func() {
		if !taken {
			e.st.Release() // takeRead panicked (a file system's rename): no merge reads it
		}
	}()
	st, warn := takeRead(b.fs, name, false, e.st, e.err)
	taken = true
	resume := func() {}
	if st != nil && st.Incremental() {
		resume = pauseGC()
	}
	defer resume() // after the Update, on a panic too
	tl, changes, st := mergeOn(st, x.articles, x.eventsOf, x.keys)
	return tl, changes, st, warn
}

// dropTakenState waits for a state read early that no merge used (the build
// stopped before merging) and releases it; its file stays in place.
func (b *builder) dropTakenState() {
	e := b.taking
	if e == nil {
		return
	}
	b.taking = nil
	<-e.done
	if e.panicked == nil {
		e.st.Release()
	}
}
