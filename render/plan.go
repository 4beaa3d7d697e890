// Package render writes the static timeline site: HTML pages from the embedded
// templates (package templates), the stylesheet and script, and the export files
// (package render/export). It reads the timeline.Timeline model only; the one
// text it parses is an article's Markdown body, rendered without raw HTML.
//
// Every link is relative (index.html, ../../events/ID/index.html), so the site
// works under any sub-path and from file://. Absolute URLs appear only in
// canonical/og:url metadata and exports, and only when Config.BaseURL is set.
package render

import (
	"bytes"
	"fmt"
	"io"
	"path"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"

	"github.com/spf13/afero"

	"github.com/newsline/timeline/timeline"
)

// Page is one output file.
type Page struct {
	Path   string                // slash-separated, relative to the output root: "events/ab12/index.html"
	Key    string                // hash of everything the bytes depend on; equal Key, equal bytes
	Render func(io.Writer) error // writes the file
}

// Plan lists every output file of the site: pages, stylesheet, script, search
// data and exports, in a fixed order. Rendering happens only when a Page's
// Render is called, so an incremental build can compare Keys first.
func Plan(tl timeline.Timeline, cfg Config) ([]Page, error) {
	r, err := PlanIncremental(tl, cfg, nil, nil)
	if err != nil {
		return nil, err
	}
	return r.Pages, nil
}

// PlanIncremental is Plan reusing, for the events ch says are unchanged
// since the plan that wrote prev (its AppendMemo), what that plan derived
// from them (see Memo). The pages are Plan's, path for path, Key for Key and
// byte for byte, whatever prev and ch are, as long as ch tells the truth
// about the timeline prev was made from; nil prev or ch plans in full. The
// result's AppendMemo writes the memo for the next plan.
func PlanIncremental(tl timeline.Timeline, cfg Config, prev *Memo, ch *timeline.Changes) (*Incremental, error) {
	s, err := newSiteFrom(tl, cfg, prev, ch)
	if err != nil {
		return nil, err
	}
	head := s.assetPages()
	if s.paged == nil {
		head = append(head, s.indexPage(), s.embedPage(), s.aboutPage(), s.notFoundPage(), s.searchPage())
	} else {
		head = append(head, s.aboutPage(), s.notFoundPage())
		head = append(head, s.listingPages()...)
		head = append(head, s.searchShards()...)
	}
	exports := s.exportPages()
	// Sized once: growing a 127,000-page list by appending copied it about
	// twenty times and left the copies to the collector.
	nev, nart := len(s.tl.Events), len(s.tl.Articles)
	pages := make([]Page, len(head)+nev+nart, len(head)+nev+nart+len(exports))
	copy(pages, head)
	// The event and article pages (their Keys: most of a plan's hashing) are
	// listed on every CPU, each page at its own index: eventPage and articlePage
	// must stay safe for concurrent use outside their Render functions.
	events, articles := pages[len(head):len(head)+nev], pages[len(head)+nev:]
	if s.memoAt != nil {
		s.keyFromMemo = lend(&s.lent().fromMemo, nev) // for AppendMemo (memoCopies); every element set below
	}
	inParallel(nev, func(lo, hi int) {
		reused := 0 // counted per chunk: one atomic add per event was 6 ms of a warm plan
		for i := lo; i < hi; i++ {
			var ok bool
			events[i], ok = s.eventPageAt(i)
			reused += btoi(ok)
			if s.keyFromMemo != nil {
				s.keyFromMemo[i] = ok
			}
		}
		s.keysReused.Add(int64(reused))
	})
	inParallel(nart, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			articles[i] = s.articlePage(i)
		}
	})
	pages = append(pages, exports...)
	if err := checkPaths(pages, append(head, exports...)); err != nil {
		return nil, err
	}
	s.stats.Keys = int(s.keysReused.Load())
	s.stats.Articles = int(s.articleKeysReused.Load())
	return &Incremental{Pages: pages, Stats: s.stats, s: s, evs: events, arts: articles}, nil
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// checkPaths fails when two pages share a path. The event and article
// pages ("events/ID/index.html", "articles/SLUG/index.html") cannot share
// one, their IDs and slugs being distinct safe segments (checkNames), so
// when none of the other pages lies under events/ or articles/ only those
// few are compared: a map of 127,000 paths was a tenth of a warm plan.
func checkPaths(all, others []Page) error {
	list := others
	for _, p := range others {
		if strings.HasPrefix(p.Path, "events/") || strings.HasPrefix(p.Path, "articles/") {
			list = all
			break
		}
	}
	seen := make(map[string]bool, len(list))
	for _, p := range list {
		if seen[p.Path] {
			return fmt.Errorf("render: two pages would be written to %s", p.Path)
		}
		seen[p.Path] = true
	}
	return nil
}

// eventDir and indexFile frame an event's ID in its page's path.
const eventDir, indexFile = "events/", "/index.html"

// eventPaths writes the paths of the pages of all events into one string
// and their ends into s.pathEnds (lent): s.path(i) cuts event i's from it.
// One string instead of one per page, and an int32 per event instead of a
// string header (16 bytes: 1.9 MB of fresh memory per plan at 116,000).
func (s *site) eventPaths() {
	n := 0
	for i := range s.tl.Events {
		n += len(eventDir) + len(s.tl.Events[i].ID) + len(indexFile)
	}
	var b strings.Builder
	b.Grow(n)
	ends := lend(&s.lent().pathEnds, len(s.tl.Events)) // every element set below
	for i := range s.tl.Events {
		b.WriteString(eventDir)
		b.WriteString(s.tl.Events[i].ID)
		b.WriteString(indexFile)
		ends[i] = int32(b.Len())
	}
	s.pathAll, s.pathEnds = b.String(), ends
}

// path is event i's page path (eventPaths).
func (s *site) path(i int) string {
	from := int32(0)
	if i > 0 {
		from = s.pathEnds[i-1]
	}
	return s.pathAll[from:s.pathEnds[i]]
}

// minParallel is the fewest items worth splitting across goroutines: below
// it starting them costs more than it saves.
const minParallel = 512

// inParallel calls f on contiguous chunks covering [0, n), one per CPU, and
// waits for them. f must write only at its own chunk's indexes, so the result
// does not depend on scheduling. A panic in a chunk is raised again on the
// calling goroutine, where the build's guard turns it into an error.
func inParallel(n int, f func(lo, hi int)) {
	workers := min(runtime.GOMAXPROCS(0), n/minParallel)
	if workers <= 1 {
		f(0, n)
		return
	}
	var wg sync.WaitGroup
	var once sync.Once
	var panicked any
	for w := 0; w < workers; w++ {
		lo, hi := n*w/workers, n*(w+1)/workers
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() {
				if p := recover(); p != nil {
					once.Do(func() { panicked = p })
				}
			}()
			f(lo, hi)
		}()
	}
	wg.Wait()
	if panicked != nil {
		panic(panicked)
	}
}

// goDo runs f on a goroutine of its own. Its wait returns once f has
// returned, with what f panicked with, if it did (nil otherwise), for the
// caller to raise again on its goroutine, as inParallel does, where the
// build's guard turns it into an error.
func goDo(f func()) *goRun {
	r := &goRun{done: make(chan any, 1)}
	go func() {
		var panicked any
		defer func() { r.done <- panicked }()
		defer func() { panicked = recover() }()
		f()
	}()
	return r
}

// goRun is a function goDo runs.
type goRun struct {
	once     sync.Once
	done     chan any
	panicked any
}

// wait waits for the function to return (at once after the first wait)
// and returns what it panicked with, or nil.
func (r *goRun) wait() any {
	r.once.Do(func() { r.panicked = <-r.done })
	return r.panicked
}

// Site plans the site and writes every page under outDir.
func Site(fsys afero.Fs, outDir string, tl timeline.Timeline, cfg Config) error {
	pages, err := Plan(tl, cfg)
	if err != nil {
		return err
	}
	for _, p := range pages {
		if err := WritePage(fsys, outDir, p); err != nil {
			return err
		}
	}
	return nil
}

// WritePage renders one page into outDir, creating its folders.
func WritePage(fsys afero.Fs, outDir string, p Page) error {
	if !safeRelPath(p.Path) {
		return fmt.Errorf("render: refusing to write outside the output folder: %q", p.Path)
	}
	target := filepath.Join(outDir, filepath.FromSlash(p.Path))
	if err := fsys.MkdirAll(filepath.Dir(target), 0o755); err != nil {
		return fmt.Errorf("render: %s: %w", target, err)
	}
	var buf bytes.Buffer
	if err := p.Render(&buf); err != nil {
		return fmt.Errorf("render: %s: %w", p.Path, err)
	}
	if err := afero.WriteFile(fsys, target, buf.Bytes(), 0o644); err != nil {
		return fmt.Errorf("render: %s: %w", target, err)
	}
	return nil
}

func safeRelPath(p string) bool {
	return p != "" && path.Clean(p) == p && !path.IsAbs(p) && p != ".." && !hasDotDot(p)
}

func hasDotDot(p string) bool {
	for _, seg := range strings.Split(p, "/") {
		if seg == ".." || seg == "." || seg == "" {
			return true
		}
	}
	return false
}

// segmentOK is what an event ID or article slug must look like to become a
// folder name: no separators, no dots at the start, nothing a shell or URL
// would need to escape.
var segmentOK = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_.-]{0,199}$`)

// maxSegment is the longest name safeSegment accepts.
const maxSegment = 200

// safeSegment reports whether name matches segmentOK, without the regexp
// engine: every plan checks each of a large site's 127,000 names.
func safeSegment(name string) bool {
	if len(name) == 0 || len(name) > maxSegment || name[0] == '.' || name[0] == '-' {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_' || c == '.' || c == '-') {
			return false
		}
	}
	return true
}
