// Package site orchestrates a build: ingest -> per-article extraction (cached) ->
// merge -> overrides -> render plan -> pages written into a temporary folder beside
// the output, swapped in whole only when the build succeeded.
package site

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/spf13/afero"

	"github.com/newsline/timeline/timeline"
	"github.com/newsline/timeline/timeline/ingest"
)

// Options configure one build. Zero values get sensible defaults (see withDefaults).
type Options struct {
	ContentDir string    // articles, overrides.yaml, timeline.yaml; default "content"
	SeedsDir   string    // raw source documents with sidecars; default "seeds", "-" for none
	OutDir     string    // published site; default "public"
	CacheDir   string    // extraction cache and page manifest; default ".timeline-cache"
	NoCache    bool      // ignore the caches (full build); they are still rewritten
	KeepGoing  bool      // publish what could be built even when there are errors
	Date       time.Time // publication date for raw text without a sidecar date (zero: none)
	Workers    int       // parallel extraction/render workers; default GOMAXPROCS
	// MemoryLimit is the soft memory limit in bytes while the build runs
	// (runtime/debug.SetMemoryLimit): near it the garbage collector runs more
	// often instead of letting the heap double. 0 means DefaultMemoryLimit,
	// negative means none; the GOMEMLIMIT environment variable overrides it.
	MemoryLimit int64
	// HeapOnlyLimit makes MemoryLimit bound the Go heap alone. By default
	// the mapped caches' resident pages come off it (reserveOutsideHeap), so
	// that a build's resident set stays within the limit. A server keeps
	// them mapped from one rebuild to the next (the pack and the merge state
	// taken from its file, ~240 MB at 10,000 articles): with them off the
	// limit, its heap had ~250 MB for ~200 MB live, and collected 9-14 times
	// per rebuild, most of the rebuild's CPU (BenchmarkRebuilds in
	// site/serve). The server sets it: a larger resident set, for rebuilds
	// that collect once or twice. Nor are the mapped pack's resident pages
	// dropped after the write stage (releaseLater): the server's next
	// rebuild read them back, 0.5-1.3k page faults in its load stage (the
	// articles' slugs; 10k kept site, alternating: load 0.09-0.11 -> 0.02-0.05
	// CPU s, peak RSS 563-565 -> 617-620 MB, figures of a benchmark that ran
	// two Servers in one process, each mapping the caches; one Server, as
	// timeline serve runs, peaks at 400-450 MB at 10k with the pack resident:
	// ~65 MB of it, which the rebuilds fault back in whole when released).
	HeapOnlyLimit bool
	// Listing, when set, answers the load stage's walk of the content and
	// seeds folders from what the previous builds found, Lstat-ing again only
	// what it was told changed (ingest.Listing): a server sets it and tells
	// it what its file watcher sees. Not used with NoCache or a custom Load.
	Listing *ingest.Listing
	// MapCache maps the extraction cache's pack file into memory instead of
	// reading it (on the operating system's file system; elsewhere it is read).
	// The mapping is never released, because the cached events' strings point
	// into it. A server (timeline serve, through a Session) maps the pack once
	// and keeps using that mapping while the pack is only appended to; a pack
	// rewritten or compacted is mapped again and the old mapping stays, which
	// is rare (compaction waits for more dead records than live ones).
	MapCache bool
	// HugePages backs the heap the build will use with 2 MiB pages where the
	// operating system offers them on request (Linux transparent huge pages in
	// "madvise" mode): first-touch page faults were a third of an incremental
	// build's CPU time (hugeheap.go). For a process that builds once, like
	// MapCache: it reserves address space for the whole run.
	HugePages bool

	// Version identifies the tool build for cache invalidation; default toolVersion().
	Version string
	// Progress, when set, is called as work advances (from one goroutine at a time).
	Progress func(Progress)
	// Context, when set, calls off the build's wait for another build's
	// lock once it is done (buildlock.go): the build then fails, having
	// published nothing. Only the wait: a build that has the lock runs on.
	Context context.Context
	// Waiting, when set, is called with a line saying so when the build
	// starts waiting for another build's lock (buildlock.go): for a log,
	// where Progress draws nothing.
	Waiting func(string)
	// SwapLock, when set, is held while the output folder is swapped, so a server
	// reading the output never sees it half-replaced.
	SwapLock sync.Locker
	// Stages are the pipeline steps; nil fields get the real packages (DefaultStages).
	Stages Stages
}

// Progress reports how far a stage got.
type Progress struct {
	Stage string // "extract" or "render"
	Done  int
	Total int
}

// Page is one output file: render.Page seen through the orchestrator.
type Page struct {
	Path   string // slash-separated, relative to the output root
	Key    string // hash of everything the bytes depend on
	Render func(io.Writer) error
}

// Stages are the pipeline steps. Tests replace them with fakes; Build fills nil
// fields from DefaultStages.
type Stages struct {
	// Load reads every article under dirs; every error names its file (and line).
	Load func(fs afero.Fs, dirs []string, date time.Time) ([]timeline.Article, []error)
	// Extract returns one article's candidate events. It may panic; Build recovers.
	Extract func(a timeline.Article) []timeline.Event
	// ExtractAll returns Extract's events of every article, in order (see
	// events.ExtractAll): a panic on article i goes to failed(i, value) and
	// leaves its events nil, the others extracted. Build extracts its cache
	// misses through it, a contiguous run of them per call. Left nil it is
	// events.ExtractAll when Extract is nil too, otherwise Extract called
	// article by article; Extract left nil beside a custom ExtractAll is
	// ExtractAll of one article.
	ExtractAll func(arts []timeline.Article, failed func(i int, p any)) [][]timeline.Event
	// Merge merges per-article events into the timeline.
	Merge func(articles []timeline.Article, perArticle [][]timeline.Event) timeline.Timeline
	// MergeChanges, when set, merges instead of Merge and also says which
	// events are the same as in the previous build's merge (nil or not
	// Known: none), so that the plan reuses what it derived from them (see
	// planmemo.go). It must describe the timeline it returned the previous
	// time it ran in this cache folder.
	MergeChanges func(articles []timeline.Article, perArticle [][]timeline.Event) (timeline.Timeline, *timeline.Changes)
	// Overrides reads the editor's overrides from contentDir (if any) and applies them.
	Overrides func(fs afero.Fs, contentDir string, tl *timeline.Timeline) []error
	// Plan reads the site configuration from contentDir and lists the pages.
	Plan func(fs afero.Fs, contentDir string, tl timeline.Timeline) ([]Page, error)

	// parseCache is set when Load is the real ingest (left nil): Build then
	// parses only the articles whose bytes changed (articlecodec.go).
	parseCache bool
	// trackedOverrides is set when Overrides is the real one (left nil):
	// Build then learns which events the overrides touched, which an
	// incremental plan must count as changed.
	trackedOverrides bool
	// realMerge is set when Merge is the real one (left nil): Build then
	// merges incrementally from the merge state in the cache folder.
	realMerge bool
}

// Summary tells what a build did.
type Summary struct {
	Articles  int           // articles ingested without error
	Events    int           // events in the merged timeline
	Pages     int           // pages published (rendered + reused)
	Rendered  int           // pages rendered this time
	Reused    int           // pages whose Key did not change, copied from the previous site
	Parsed    int           // articles parsed this time (the others came from the cache); with fake stages, 0
	Extracted int           // articles whose events were extracted this time
	CacheHits int           // articles whose events came from the cache
	Replanned int           // events the plan digested afresh (the others came from the plan memo); with a custom Plan stage, 0
	Warnings  []string      // things worth telling that did not fail the build
	Errors    int           // errors found (the returned error lists them)
	Published bool          // the output folder was replaced by this build
	Elapsed   time.Duration // wall time
	Timings   []Timing      // wall time per stage, in pipeline order
}

// Timing is the wall time of one pipeline stage, the CPU time the whole
// process spent meanwhile (zero where it is not measured), the garbage
// collections it ran and the live heap the last one found.
type Timing struct {
	Stage     string
	Elapsed   time.Duration
	CPU       time.Duration
	System    time.Duration // the part of CPU spent in the kernel (zero where not measured)
	GCs       uint64
	LiveMB    float64
	Faults    int64   // page faults meanwhile (zero where not measured)
	PeakRSSMB float64 // the process's peak resident set size so far, at the stage's end
	AllocMB   float64 // bytes allocated on the heap meanwhile, in MiB
}

// TimingString lists the stage timings, wall/CPU: "load 0.41/0.30s, extract 2.10/3.90s, ...".
func (s Summary) TimingString() string {
	parts := make([]string, len(s.Timings))
	for i, t := range s.Timings {
		parts[i] = fmt.Sprintf("%s %.2f/%.2fs", t.Stage, t.Elapsed.Seconds(), t.CPU.Seconds())
	}
	return strings.Join(parts, ", ")
}

// SystemString lists the stage's CPU time spent in the kernel against the
// whole: "load 0.05/0.30s, write 3.10/4.45s, ...". Writing a site is mostly
// file system work, and this says how much.
func (s Summary) SystemString() string {
	parts := make([]string, len(s.Timings))
	for i, t := range s.Timings {
		parts[i] = fmt.Sprintf("%s %.2f/%.2fs", t.Stage, t.System.Seconds(), t.CPU.Seconds())
	}
	return strings.Join(parts, ", ")
}

// GCString lists the garbage collections per stage and the live heap after
// it: "load 3/41MB, extract 12/180MB, ...".
func (s Summary) GCString() string {
	parts := make([]string, len(s.Timings))
	for i, t := range s.Timings {
		parts[i] = fmt.Sprintf("%s %d/%.0fMB", t.Stage, t.GCs, t.LiveMB)
	}
	return strings.Join(parts, ", ")
}

// FaultString lists the page faults per stage, in thousands, and the peak RSS
// at its end: "load 3.1k/150MB, extract 12.0k/210MB, ...". Memory touched for
// the first time faults once a page; the stage where the peak last grew is the
// process's peak.
func (s Summary) FaultString() string {
	parts := make([]string, len(s.Timings))
	for i, t := range s.Timings {
		parts[i] = fmt.Sprintf("%s %.1fk/%.0fMB", t.Stage, float64(t.Faults)/1000, t.PeakRSSMB)
	}
	return strings.Join(parts, ", ")
}

// AllocString lists the heap bytes each stage allocated: "load 41MB, extract
// 180MB, ...". Unlike CPU time on a shared machine, they barely vary from run
// to run, so they show what a change saved.
func (s Summary) AllocString() string {
	parts := make([]string, len(s.Timings))
	for i, t := range s.Timings {
		parts[i] = fmt.Sprintf("%s %.1fMB", t.Stage, t.AllocMB)
	}
	return strings.Join(parts, ", ")
}

// String is the one-line summary printed after a build.
func (s Summary) String() string {
	return fmt.Sprintf("%d articles, %d events, %d pages (%d rendered, %d reused), %d warnings, %d errors, %.2fs",
		s.Articles, s.Events, s.Pages, s.Rendered, s.Reused, len(s.Warnings), s.Errors, s.Elapsed.Seconds())
}

// BuildError lists every error of a build.
type BuildError struct {
	Errs      []error
	Published bool // with KeepGoing, what could be built was published anyway
}

func (e *BuildError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d error(s)", len(e.Errs))
	if e.Published {
		b.WriteString(" (published what could be built)")
	} else {
		b.WriteString(" (nothing published)")
	}
	b.WriteString(":")
	for _, err := range e.Errs {
		b.WriteString("\n  ")
		b.WriteString(err.Error())
	}
	return b.String()
}

// Unwrap exposes every error to errors.Is / errors.As.
func (e *BuildError) Unwrap() []error { return e.Errs }

func (o Options) withDefaults() Options {
	if o.ContentDir == "" {
		o.ContentDir = "content"
	}
	if o.SeedsDir == "" {
		o.SeedsDir = "seeds"
	}
	if o.OutDir == "" {
		o.OutDir = "public"
	}
	if o.CacheDir == "" {
		o.CacheDir = ".timeline-cache"
	}
	// "public/" must become "public": the temporary folder is named from it.
	o.ContentDir, o.OutDir, o.CacheDir = filepath.Clean(o.ContentDir), filepath.Clean(o.OutDir), filepath.Clean(o.CacheDir)
	if o.SeedsDir != "-" {
		o.SeedsDir = filepath.Clean(o.SeedsDir)
	}
	if o.Workers <= 0 {
		o.Workers = defaultWorkers()
	}
	if o.Version == "" {
		o.Version = toolVersion()
	}
	o.Stages = o.Stages.withDefaults()
	return o
}
