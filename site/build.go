package site

import (
	"fmt"
	"github.com/newsline/timeline/internal/cputime"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"sort"
	"sync/atomic"
	"time"

	"github.com/spf13/afero"

	"github.com/newsline/timeline/timeline"
)

// Build runs the whole pipeline and publishes the site into opts.OutDir.
//
// Every error of the run is collected and returned together in a *BuildError.
// By default a build with errors publishes nothing; with KeepGoing it publishes
// what could be built and still returns the errors. The previous site stays whole
// until the new one is complete. Build never panics.
func Build(fs afero.Fs, opts Options) (Summary, error) { return build(fs, opts, nil) }

// build is Build, within a Session when warm is not nil.
func build(fs afero.Fs, opts Options, warm *warmBuild) (sum Summary, err error) {
	start := time.Now()
	defer func() {
		if p := recover(); p != nil {
			err = &BuildError{Errs: []error{fmt.Errorf("internal error: %v", p)}}
		}
		sum.Elapsed = time.Since(start)
	}()
	defaultPlan := opts.Stages.Plan == nil
	opts = opts.withDefaults()
	defer applyMemoryLimit(opts.MemoryLimit)()
	if opts.HugePages {
		// Once per process: the advice stays on the address range, and a
		// second preparation would only find the first one's block freed
		// below the frontier (see prepareHugeHeap).
		hugeHeapOnce.Do(func() { prepareHugeHeap(hugeHeapSize(opts.MemoryLimit)) })
	}
	// Start from a collected heap: what an earlier build in this process left
	// (serve, the scale bench) is garbage, and near the soft memory limit the
	// runtime would otherwise release free pages to the OS to make room and
	// fault fresh ones in (about 27 µs a page here) instead of reusing them.
	// In a fresh process this costs nothing.
	runtime.GC()
	b := &builder{fs: fs, opts: opts, warm: warm}
	// Refused before the lock, which makes the output's parent and the
	// cache folder: a refused build leaves nothing behind.
	if err := checkInputs(fs, opts); err != nil {
		b.fail(err)
		return b.result()
	}
	// No other build of this output or this cache folder from here on
	// (buildlock.go); a Session's build holds the locks until its state is
	// saved.
	unlock, lockWarnings, err := lockBuild(fs, opts)
	if err != nil { // its Context ended while it waited (buildlock.go)
		b.fail(err)
		return b.result()
	}
	if warm != nil {
		warm.unlock = unlock
	} else {
		defer unlock()
	}
	b.warn(lockWarnings...)
	removeRetiredBeside(fs, opts) // a killed process or a build on its own left them (retire.go)
	// When run panicked past result: Build never leaves the state's save,
	// the plan memo's save or the manifest's early read running. The memo's
	// save reads the plan's lent buffers (PlanBuffers), which a Session's
	// next plan rewrites, and writes the one temporary file the next save
	// writes (was: not joined here, left running after a panic past
	// planning; F's review).
	defer func() { b.prevMemo.release() }() // after the memo's save, which reads it (a failed build's; planmemo.go)
	defer b.joinStateSave()
	defer b.joinMemoSave()
	defer b.dropManifest()
	// Nor the spares being made (publishspare.go).
	defer func() { b.spares.wait() }()
	if defaultPlan { // the real render: its exports splice the published files (exportsplice.go)
		b.opts.Stages.Plan = b.splicedPlan
	}
	return b.run()
}

type builder struct {
	fs    afero.Fs
	opts  Options
	warm  *warmBuild // the session's part (session.go); nil: a build on its own
	sum   Summary
	errs  []error
	clock time.Time     // start of the current stage
	cpu   time.Duration // process CPU time at the start of the current stage
	sys   time.Duration // the part of it spent in the kernel
	gcs   uint64        // garbage collections before the current stage
	flts  int64         // page faults before the current stage
	alloc uint64        // bytes allocated on the heap before the current stage

	prevMemo *planMemo         // the previous build's plan memo (planmemo.go); nil: none
	applied  appliedOverrides  // what the overrides did
	changes  *timeline.Changes // the events the plan may take as unchanged since prevMemo; nil: none
	saving   *besideSave       // the merge state being saved beside the build (statesave.go); nil: none
	taking   *earlyState       // the merge state being taken beside the cache and load stages (statesave.go); nil: none
	memoSave *besideSave       // the plan memo being saved beside the write stage (planmemo.go); nil: none
	manifest *earlyManifest    // the previous manifest, being read beside the first stages (manifest.go); nil: none
	spares   *spares           // empty files being made for the staged pages (publishspare.go); nil: none
	release  func()            // drops the mapped pack's resident pages after the write stage (releaseLater); nil: none
	released func()            // release, once run: run again once the saves beside the build are joined (dropPackAgain)
	prevIDs  *idRecord         // the previous site's event IDs and redirects (redirects.go); nil: not read yet
	idsErr   error             // reading them failed
}

// lap records the time since the previous lap as the named stage's.
func (b *builder) lap(stage string) {
	now := time.Now()
	cpu, _ := cputime.Process()
	sys := systemCPU()
	gcs, live, alloc := gcStats()
	flts, peak := memoryStats()
	if !b.clock.IsZero() {
		// The system time (getrusage, microseconds, read after the CPU
		// clock) may come out a little over the CPU time (clock_gettime)
		// of a stage spent nearly all in the kernel: it is part of that
		// time, so it is shown as at most all of it.
		b.sum.Timings = append(b.sum.Timings, Timing{Stage: stage, Elapsed: now.Sub(b.clock), CPU: cpu - b.cpu, System: min(sys-b.sys, cpu-b.cpu), GCs: gcs - b.gcs, LiveMB: live,
			Faults: flts - b.flts, PeakRSSMB: peak, AllocMB: float64(alloc-b.alloc) / (1 << 20)})
	}
	b.clock, b.cpu, b.sys, b.gcs, b.flts, b.alloc = now, cpu, sys, gcs, flts, alloc
}

// gcStats reads the number of garbage collections so far, the heap the last
// one found live and the bytes allocated so far: the stage timings show them
// because at scale the collector's work grows faster than the build's (every
// cycle marks the whole live heap), and because the bytes a stage allocates
// are, unlike its CPU time on a shared machine, the same from run to run. The
// runtime's own estimate of GC CPU time is not used: it counts wall time,
// which on a loaded machine says little.
func gcStats() (cycles uint64, liveMB float64, allocated uint64) {
	s := []metrics.Sample{{Name: "/gc/cycles/total:gc-cycles"}, {Name: "/gc/heap/live:bytes"}, {Name: "/gc/heap/allocs:bytes"}}
	metrics.Read(s)
	if s[0].Value.Kind() == metrics.KindUint64 {
		cycles = s[0].Value.Uint64()
	}
	if s[1].Value.Kind() == metrics.KindUint64 {
		liveMB = float64(s[1].Value.Uint64()) / (1 << 20)
	}
	if s[2].Value.Kind() == metrics.KindUint64 {
		allocated = s[2].Value.Uint64()
	}
	return cycles, liveMB, allocated
}

func (b *builder) fail(errs ...error) { b.errs = append(b.errs, compact(errs)...) }

func (b *builder) warn(ws ...string) { b.sum.Warnings = append(b.sum.Warnings, ws...) }

func (b *builder) result() (Summary, error) {
	b.spares.wait()
	b.joinMemoSave()
	b.joinStateSave()
	b.dropPackAgain()
	b.dropManifest() // a build that stopped before publishing
	b.releasePack()  // a build that stopped before writing
	b.sum.Errors = len(b.errs)
	if len(b.errs) == 0 {
		return b.sum, nil
	}
	return b.sum, &BuildError{Errs: b.errs, Published: b.sum.Published}
}

func (b *builder) run() (Summary, error) {
	o := b.opts
	b.lap("")
	b.manifest = readManifestEarly(b.fs, o)
	if !o.NoCache {
		b.warm.waitSpares() // a Session's, made after its previous build
		e := b.manifest
		b.spares = topUpSpares(b.fs, o.CacheDir, func() int {
			if <-e.done; e.panicked {
				return 0
			}
			return e.m.size()
		})
	}
	dirs, err := b.inputDirs()
	if err != nil {
		b.fail(err)
		return b.result()
	}
	tl, ok := b.timeline(dirs)
	if !ok {
		return b.result()
	}
	pages, ok := b.plan(tl)
	if !ok {
		return b.result()
	}
	b.sum.Events = len(tl.Events)
	if len(b.errs) > 0 && !o.KeepGoing {
		// Nothing will be published, but render anyway (to nowhere) so the
		// editor sees every error of the run at once, template errors included.
		v, errs := vetPages(manifest{}, pages)
		b.fail(errs...)
		b.fail(dryRender(v.pages, o.Workers)...)
		return b.result()
	}
	b.publish(pages)
	b.joinMemoSave()     // its encoding copies runs of the previous memo
	b.prevMemo.release() // the pages are written: nothing reads the memo now (planmemo.go)
	return b.result()
}

// checkInputs refuses a build before it touches anything: an output folder
// whose swap would destroy something else (checkOutDir), a missing content
// folder. inputDirs checks the content folder again once locked.
func checkInputs(fs afero.Fs, o Options) error {
	if err := checkOutDir(o.OutDir, o.ContentDir, o.CacheDir); err != nil {
		return err
	}
	if ok, _ := afero.DirExists(fs, o.ContentDir); !ok {
		return fmt.Errorf("%s: content folder not found", o.ContentDir)
	}
	return nil
}

// inputDirs lists the folders to ingest: the content folder (required) and the
// seeds folder when it exists.
func (b *builder) inputDirs() ([]string, error) {
	o := b.opts
	if ok, _ := afero.DirExists(b.fs, o.ContentDir); !ok {
		return nil, fmt.Errorf("%s: content folder not found", o.ContentDir)
	}
	dirs := []string{o.ContentDir}
	if o.SeedsDir != "-" {
		if ok, _ := afero.DirExists(b.fs, o.SeedsDir); ok {
			dirs = append(dirs, o.SeedsDir)
		}
	}
	return dirs, nil
}

// timeline ingests, extracts, merges and applies the overrides.
func (b *builder) timeline(dirs []string) (timeline.Timeline, bool) {
	o := b.opts
	b.startTakingState()
	defer b.dropTakenState() // none left after merging
	cache := b.warm.openCache(b.fs, o)
	if b.warm != nil {
		cache.noteRecalledFiles() // for the session's next build
	}
	reserve := func(int64) {}
	if !o.HeapOnlyLimit {
		reserve = reserveOutsideHeap(o.MemoryLimit, cache.mapped)
	}
	b.warn(cache.warnings...)
	b.lap("cache")
	load := o.Stages.Load
	var parsed atomic.Int64
	if o.Stages.parseCache {
		start := time.Now()
		load = func(fs afero.Fs, dirs []string, date time.Time) ([]timeline.Article, []error) {
			listing := o.Listing
			if o.NoCache {
				listing = nil // the walk's listing is a cache too
			}
			return loadRecalling(fs, dirs, date, cache, o.Version, start, o.Workers, &parsed, listing)
		}
	}
	arts, loadErrs := safeLoad(load, b.fs, dirs, o.Date)
	b.sum.Parsed = int(parsed.Load())
	b.fail(loadErrs...)
	b.lap("load")
	x := extractLazily(arts, o, cache)
	b.fail(x.errs...)
	b.warn(x.warnings...)
	b.sum.Articles = len(x.articles)
	b.sum.Extracted, b.sum.CacheHits = x.fresh, x.hits
	b.lap("extract")

	// Taken before merging: see planmemo.go.
	memo, err := takePlanMemo(b.fs, o)
	if err != nil {
		b.warn(err.Error())
	}
	b.prevMemo = memo
	var tl timeline.Timeline
	var merged *timeline.Changes
	if err := guard("merging events", func() { tl, merged = b.merge(x) }); err != nil {
		b.fail(err)
		return tl, false
	}
	// After the merge: events decoded on demand may find a damaged record,
	// extracted again and put in the pack, which must still be open.
	lateErrs, lateWarns := x.lateIssues()
	b.fail(lateErrs...)
	b.warn(lateWarns...)
	if err := cache.flush(); err != nil {
		b.warn(err.Error()) // a cache we cannot write only costs time next build
	} else {
		b.warm.keepCache(cache)
	}
	if !o.HeapOnlyLimit {
		b.release = releaseLater(cache, reserve)
	} // else a server's: the pack stays resident for its next rebuild (HeapOnlyLimit)
	b.lap("merge")
	if err := guard("applying overrides", func() { b.applyOverrides(&tl) }); err != nil {
		b.fail(err)
		return tl, false
	}
	b.fail(b.applied.errs...)
	b.changes = planChanges(merged, b.prevMemo, b.applied, o.Stages.trackedOverrides)
	b.lap("overrides")
	return tl, true
}

// releaseLater shrinks the memory limit's reservation for the mapped pack
// (made when it was opened) at the end of the merge stage, and returns what
// drops its resident pages after the write stage (nil: nothing to drop). By
// then the build has read the file records of every article (load) and the
// events it decodes (merge); the plan and the write read every article's
// record again (slugs, render's content digests), so pages dropped at the
// end of the merge stage came back as 0.5-0.9k page faults in a fresh 10k
// plan, about 80 CPU ms by BenchmarkReleasedPackTouch (touching the pack's
// 30,000 records after the release: 79 ms, resident: 0.6 ms), and the plan
// faulted back in about all of the pack anyway. Kept resident through the
// write stage, the pack is not reserved for: the reservation is shrunk to
// the file-backed memory outside the pack, as it was once the pack was
// dropped (with the whole 110 MB reserved, a fresh incremental build
// collected 4-5 times in its write stage). Where the pack's own resident
// memory cannot be read, the pages are dropped now, as before.
func releaseLater(cache *extractCache, reserve func(n int64)) func() {
	if len(cache.mapping) == 0 {
		return nil
	}
	all, ok := fileResidentBytes()
	pack, packOK := mappedResidentBytes(cache.mapping)
	if !ok || !packOK {
		releaseResident(cache.mapping)
		if n, ok := fileResidentBytes(); ok {
			reserve(n)
		}
		return nil
	}
	reserve(all - pack)
	return func() { releaseResident(cache.mapping) }
}

// releasePack drops the mapped pack's resident pages (releaseLater), once.
func (b *builder) releasePack() {
	if b.release != nil {
		b.release()
		b.released, b.release = b.release, nil
	}
}

// dropPackAgain drops the pack's pages faulted back in after releasePack by
// work that ran on past the write stage (presumably the saves beside the
// build, joined just before; not traced): with both cores busy, a build on
// its own left 32 pages of the pack resident in 11 of 30 runs of
// TestHeapOnlyLimitKeepsThePackResident, none with this.
func (b *builder) dropPackAgain() {
	if b.released != nil {
		b.released()
		b.released = nil
	}
}

// merge merges the events, and says which are unchanged since the previous
// build's merge when the merge stage can tell (nil: it cannot).
func (b *builder) merge(x extraction) (timeline.Timeline, *timeline.Changes) {
	o := b.opts
	if m := o.Stages.MergeChanges; m != nil {
		return m(x.articles, x.allEvents(o.Workers))
	}
	if o.Stages.realMerge && b.warm != nil {
		tl, changes, warnings := b.warm.merge(b.fs, o, x.articles, x.eventsOf, x.keys)
		b.warn(warnings...)
		return tl, &changes
	}
	if o.Stages.realMerge && stateSaveBeside {
		tl, changes := b.mergeSavingBeside(x)
		return tl, &changes
	}
	if o.Stages.realMerge {
		tl, changes, warnings := mergeWithState(b.fs, o.CacheDir, o.Version, x.articles, x.eventsOf, x.keys, o.NoCache, o.MapCache)
		b.warn(warnings...)
		return tl, &changes
	}
	return o.Stages.Merge(x.articles, x.allEvents(o.Workers)), nil
}

// applyOverrides applies the overrides stage, recording which events the
// real one touched.
func (b *builder) applyOverrides(tl *timeline.Timeline) {
	o := b.opts
	if o.Stages.trackedOverrides {
		b.applied = trackOverridesMoved(b.fs, o.ContentDir, tl, b.previousIDs())
		b.warn(b.applied.warnings...)
		return
	}
	b.applied = appliedOverrides{errs: o.Stages.Overrides(b.fs, o.ContentDir, tl)}
}

// plan lists the pages and checks their paths and uniqueness. Pages with a bad
// path are dropped (and reported), never written.
func (b *builder) plan(tl timeline.Timeline) ([]Page, bool) {
	var pages []Page
	var err error
	if perr := guard("planning pages", func() { pages, err = b.opts.Stages.Plan(b.fs, b.opts.ContentDir, tl) }); perr != nil {
		err = perr
	}
	if err != nil {
		b.fail(fmt.Errorf("planning pages: %w", err))
		return nil, false
	}
	b.lap("plan")
	return pages, true
}

// publish writes the pages into a temporary folder beside the output and swaps
// it in when the build succeeded (or, with KeepGoing, whatever was built). When
// the output holds the site the previous manifest describes, only the changed
// pages are staged and committed in place (see commit.go).
func (b *builder) publish(pages []Page) {
	o := b.opts
	warns, repaired, err := cleanStaleRepairing(b.fs, o.OutDir, ioWorkers(o.Workers))
	b.warn(warns...)
	if err != nil {
		b.fail(err)
		return
	}
	tmp, err := makeTemp(b.fs, o.OutDir)
	if err != nil {
		b.fail(err)
		return
	}
	prev := b.takeManifest(repaired)
	v, errs := vetPages(prev, pages)
	b.fail(errs...)
	if len(errs) > 0 && !o.KeepGoing {
		b.discard(tmp)
		b.fail(dryRender(v.pages, o.Workers)...) // every error of the run at once, as in run
		return
	}
	pages, at := v.pages, v.at
	w := &writer{fs: b.fs, tmp: tmp, prev: prev, same: v.same, inPlace: prev.size() > 0 && commitsInPlace(len(pages), v.unchanged), out: o.OutDir, spares: b.spares}
	if w.inPlace {
		w.tmp = filepath.Join(tmp, stagedDir)
		if err := b.fs.Mkdir(w.tmp, 0o755); err != nil { // the pages are staged flat in it
			b.fail(fmt.Errorf("creating %s: %w", w.tmp, err))
			b.discard(tmp)
			return
		}
	}
	b.lap("clean")
	// Through afero, one goroutine writes the pages below the root (the
	// heavy site-wide ones still run beside it): they are one folder each
	// in a few parent folders, and several goroutines creating entries in
	// one folder contend for the kernel's lock on it. Paired 10k scale runs
	// at load ~1.5 (27 Nov): write stage 20.9/23.9 and 31.3/34.9 s wall/CPU
	// with one writer, against 24.1/45.1 with eight and 27.2/47.2 with two;
	// rendering in parallel into memory for one writer was worse still
	// (29.0/38.8, 44.2/54.1). With system calls (a whole new site on the OS
	// file system, w.dir), one goroutine makes the folders ahead and Workers
	// goroutines render and create the files (writeAll).
	siteWide, rest := w.toWrite(pages)
	if waitSparesBeforeWrite {
		b.spares.wait()
	}
	writers := pageWriters
	if !w.inPlace {
		if w.dir = openPageDir(b.fs, w.tmp); w.dir != nil {
			writers = o.Workers
		}
	}
	results := w.writeAll(pages, siteWide, rest, writers, o.Workers, newProgress(o.Progress, "render", len(siteWide)+len(rest)))
	w.dir.close()
	b.releasePack()
	b.lap("write")
	rec := b.recordPages(prev, pages, results, at, w.inPlace)
	if err := b.fs.MkdirAll(w.tmp, 0o755); err != nil {
		b.fail(fmt.Errorf("creating %s: %w", w.tmp, err))
	} else if err := writeMarker(b.fs, w.tmp, rec.digest()); err != nil {
		b.fail(err)
	}
	if len(b.errs) > 0 && !o.KeepGoing {
		b.discard(tmp)
		return
	}
	var retired string // the replaced files' links (retire.go)
	var park string    // the folder a build on its own parks them in; "": removed before returning
	if w.inPlace {
		// The manifest stays: until the log records this commit, its
		// digest is not the marker's (see manifestlog.go).
		written := append(rec.staged, stagedPage{Name: markerFile, Path: markerFile})
		// Every build retires the files it replaces (retire.go): freed
		// inside the renames, they held the kernel's rename lock (one for
		// the whole file system) while the other renames queued behind it.
		// A Session removes them in the background after the commit; a
		// build on its own removes them before it returns ("retire" stage),
		// so that no folder is left beside the output, the large ones from
		// as soon as each is replaced, beside the rest of the commit.
		// With parking (parkRetired), nothing is freed early: the folder
		// goes whole into the cache folder, for the next build to remove.
		// When it cannot be parked, the large files are freed early.
		if b.warm == nil {
			park = canPark(b.fs, o)
		}
		retired, err = commitInPlace(b.fs, o.OutDir, tmp, rec.delta.deleted, written, o.SwapLock, ioWorkers(o.Workers), true, b.warm == nil && park == "")
		if b.warm != nil {
			// Even after a failed roll-forward: nothing in it is needed.
			defer removeRetired(retired)
		}
	} else {
		if err := forgetManifest(b.fs, o.CacheDir); err != nil {
			b.warn(fmt.Sprintf("removing the page manifest: %v", err))
		}
		if err = unmarkTemp(b.fs, tmp); err == nil { // else the mark would be published (stale.go)
			warns, err = swap(b.fs, o.OutDir, tmp, o.SwapLock, ioWorkers(o.Workers))
			b.warn(warns...)
		}
	}
	if err != nil {
		b.fail(err)
		b.discard(tmp)
		return
	}
	b.sum.Published = true
	b.sum.Pages = rec.pages
	if w.inPlace && b.warm != nil && !o.NoCache {
		// For the Session's next build, off the path to the reloaded page.
		b.warm.spares = topUpSparesAfter(b.fs, o.CacheDir, rec.pages)
	}
	b.lap("swap")
	if err := rec.save(b.fs, o.CacheDir, &prev); err != nil {
		b.warn(fmt.Sprintf("saving the page manifest: %v (the next build renders every page)", err))
	}
	b.lap("manifest")
	if retired != "" && b.warm == nil {
		if !parkRetired(retired, o.OutDir, park) {
			removeRetiredNow(b.fs, retired)
		}
		b.lap("retire")
	}
}

// pageRecord is what a build records of the pages it publishes: the whole
// next manifest, or for an in-place commit only the delta from the previous
// one (manifestlog.go).
type pageRecord struct {
	inPlace bool
	next    manifest      // !inPlace
	delta   manifestDelta // inPlace
	staged  []stagedPage  // inPlace: the pages written, as staged
	pages   int
}

// recordPages counts the written and reused pages, reports the failed ones
// and records the published ones.
func (b *builder) recordPages(prev manifest, pages []Page, results *writeResults, at []int32, inPlace bool) pageRecord {
	o := b.opts
	rec := pageRecord{inPlace: inPlace, delta: manifestDelta{Before: prev.Digest}}
	if !inPlace {
		rec.next = manifest{Version: o.Version, Out: filepath.Clean(o.OutDir), ents: make([]uint32, 0, len(pages)),
			added: make([]pagePair, 0, len(pages))}
	}
	kept := make([]bool, prev.n()) // prev's pages the next site has
	for i, pg := range pages {
		if err := results.err(i); err != nil {
			b.fail(err)
			continue
		}
		rec.pages++
		if at[i] >= 0 {
			kept[at[i]] = true
		}
		reused := results.reused(i)
		if reused {
			b.sum.Reused++
		} else {
			b.sum.Rendered++
		}
		switch {
		case !inPlace:
			rec.next.add(b.prevMemo.detach(pg.Path), b.prevMemo.detach(pg.Key))
		case !reused:
			rec.delta.set(b.prevMemo.detach(pg.Path), b.prevMemo.detach(pg.Key))
			rec.staged = append(rec.staged, stagedPage{Name: stagedName(i), Path: pg.Path})
		}
	}
	if inPlace {
		rec.delta.deleted = deletedPages(prev, kept)
		if err := rec.delta.seal(&prev); err != nil {
			b.fail(fmt.Errorf("sealing the page manifest's delta: %w", err)) // cannot happen: prev lists what was deleted
		}
	} else {
		rec.next.seal()
	}
	return rec
}

// digest is the marker's content for the published pages.
func (r *pageRecord) digest() string {
	if r.inPlace {
		return r.delta.After
	}
	return r.next.Digest
}

// save records the published pages in the cache folder; prev is the
// manifest the delta applies to, which it becomes.
func (r *pageRecord) save(fs afero.Fs, cacheDir string, prev *manifest) error {
	if r.inPlace {
		return appendManifestLog(fs, cacheDir, prev, r.delta)
	}
	return saveManifest(fs, cacheDir, r.next)
}

// commitsInPlace decides how a build whose previous site is known publishes:
// in place (only the changed pages staged and renamed into the output) unless
// most of a large site changed. Committing 127,000 pages one by one (a
// template edit changes every page of a 10,000-article site) took 180 s of
// renames into the output's crowded folders, where writing a whole new site
// beside it and swapping it in costs what a full build's write stage does.
func commitsInPlace(pages, unchanged int) bool {
	changed := pages - unchanged
	return changed < minSwapPages || 2*changed <= pages
}

// minSwapPages is the fewest changed pages for which a whole swap is
// considered: below it an in-place commit is quick whatever the site's size.
const minSwapPages = 1000

// pageWriters is the number of goroutines writing the pages below the root
// through afero; with system calls (pageDir) it is Workers, the folders
// made ahead by one goroutine of their own (writeAll).
const pageWriters = 1

func (b *builder) discard(tmp string) {
	if err := removeBuildFolder(b.fs, tmp, tmpInfix, 1); err != nil { // its mark last (stale.go)
		b.warn(fmt.Sprintf("removing %s: %v (it will be removed by the next build)", tmp, err))
	}
	b.sum.Rendered, b.sum.Reused = 0, 0
}

// safeLoad runs the ingest stage, turning a panic into an error and sorting the
// errors by their text so the report is stable.
func safeLoad(load func(afero.Fs, []string, time.Time) ([]timeline.Article, []error), fs afero.Fs, dirs []string, date time.Time) (arts []timeline.Article, errs []error) {
	if err := guard("reading articles", func() { arts, errs = load(fs, dirs, date) }); err != nil {
		return nil, []error{err}
	}
	sort.SliceStable(errs, func(i, j int) bool { return errs[i].Error() < errs[j].Error() })
	return arts, errs
}

// guard runs f, turning a panic into an error naming the stage.
func guard(stage string, f func()) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("%s: internal error: %v", stage, p)
		}
	}()
	f()
	return nil
}
