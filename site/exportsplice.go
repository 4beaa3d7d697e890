package site

import (
	"bytes"
	"fmt"
	"io"
	iofs "io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"unsafe"

	"github.com/spf13/afero"
	"github.com/zeebo/xxh3"

	"github.com/newsline/timeline/render"
	"github.com/newsline/timeline/render/export"
	"github.com/newsline/timeline/timeline"
)

// exportSplices is the export.SpliceStore of a build: the whole-file exports
// (events.ics, events.csv, timeline.json) copy the fragments of unchanged
// events from their published copy in the output folder, guided by the index
// each saved in the cache folder (.timeline-cache/exports/<file>.idx) when it
// was last written.
//
// Why an index may be saved before the build publishes: the export checks the
// old file against the index (size and CRC-32C of the whole file, then of
// every fragment it copies), so an index describing a file that was never
// published, or a published file changed since, costs a full render of that
// file and never a wrong byte. What the store adds is the tool version (a new
// executable may serialise a format differently) and --no-cache.
type exportSplices struct {
	fs      afero.Fs
	out     string // the output folder
	dir     string // where the indexes live
	version string
	noCache bool

	mu      sync.Mutex
	read    map[string]func()   // file -> what gives back the index file Previous read (or mapped), for Release
	writing map[string]bool     // file -> being written into the output (stampOnWrite)
	saved   map[string][16]byte // file -> digest of the index just saved for it, until stamped
	vouched map[string]bool     // file -> Previous found it as it was written (see stampWritten)
}

// A published export is vouched for (export.SpliceVoucher) by a stamp saved
// beside its index when the build writes it (.timeline-cache/exports/
// <file>.pub): the digest of the index the export saved, and the identity of
// the file it wrote, taken once all its bytes are written (size,
// modification time, and on Linux the device and inode). Publishing renames
// the file or the folder holding it, which keeps all of these. When Previous
// opens the published file and finds both as stamped, the file is the one the
// index describes, and the export copies from it without reading it whole to
// check its CRCs (170 MB at 10,000 articles). A file written to since has
// another modification time; one replaced has another inode (or, in memory,
// time); an index saved by a build that then did not publish is stamped with
// the identity of a file that never reached the output, which the published
// one, existing beside it all along, does not share. Either way the file is
// read and checked as before. The change time, which no one can set back,
// cannot be part of it: renaming the file changes it. So a file rewritten in
// place to the same size and then given its old modification time back, to
// the nanosecond, would pass unseen; the published site is the build's own
// output, and nothing does that to it.
const stampHeader = "timeline export published 1\n"

// indexHeader starts every index file, followed by the tool version and a
// line of statistics (for people and tests), then the export's index.
const indexHeader = "timeline export index 1\n"

func newExportSplices(fs afero.Fs, o Options) *exportSplices {
	return &exportSplices{fs: fs, out: o.OutDir, dir: filepath.Join(o.CacheDir, "exports"),
		version: o.Version, noCache: o.NoCache, read: map[string]func(){}, writing: map[string]bool{}, saved: map[string][16]byte{}, vouched: map[string]bool{}}
}

// splicedPlan is the default Plan stage with the build's store in the render
// settings, reusing the previous build's plan memo for the events b.changes
// says are unchanged and saving this plan's (planmemo.go). Build installs it
// when Stages.Plan is left to the default.
func (b *builder) splicedPlan(fs afero.Fs, contentDir string, tl timeline.Timeline) ([]Page, error) {
	cfg, err := render.LoadConfig(fs, contentDir)
	if err != nil {
		return nil, err
	}
	store := newExportSplices(fs, b.opts)
	cfg.Splices = store
	if b.warm != nil && lendPlanBuffers && !b.opts.NoCache {
		cfg.Buffers = b.warm.plan // a Session's, unless NoCache (no kept rows reused): see render.PlanBuffers
	}
	var prev *render.Memo
	if b.prevMemo != nil {
		prev = b.prevMemo.render
	}
	r, err := render.PlanIncremental(tl, cfg, prev, b.changes)
	if err != nil {
		return nil, err
	}
	b.sum.Replanned = r.Stats.Events - r.Stats.Digests
	b.savePlanMemo(fs, r)
	pages := store.stampOnWrite(asSitePages(r.Pages))
	moved, err := b.redirectPages(fs, cfg, &tl) // old permalinks of moved events (redirects.go)
	if err != nil {
		return nil, err
	}
	return append(pages, moved...), nil
}

// lendPlanBuffers is false only in benchmark runs that measure a
// Session's plans without PlanBuffers (BenchmarkWarmStages).
var lendPlanBuffers = true

// asSitePages is sitePages without the copy: the plan's pages are read as
// this package's Page in place (127,000 pages, 5 MB, copied per build
// before). The two types have the same fields in the same order, which the
// conversion below checks at compile time; planned must no longer be used
// as []render.Page.
func asSitePages(planned []render.Page) []Page {
	_ = Page(render.Page{}) // fails to compile when the types part
	return unsafe.Slice((*Page)(unsafe.Pointer(unsafe.SliceData(planned))), len(planned))
}

func (e *exportSplices) indexPath(file string) string { return filepath.Join(e.dir, file+".idx") }

// Previous opens the published file and reads its index; the export closes
// the file (it is an io.Closer).
func (e *exportSplices) Previous(file string) (io.ReaderAt, int64, []byte, bool) {
	if e.noCache || strings.ContainsAny(file, `/\`) {
		return nil, 0, nil, false
	}
	data, giveBack, ok := e.readIndexFile(e.indexPath(file))
	if !ok {
		return nil, 0, nil, false
	}
	index, ok := e.unwrap(data)
	if !ok {
		giveBack()
		return nil, 0, nil, false
	}
	f, err := e.fs.Open(filepath.Join(e.out, file))
	if err != nil {
		giveBack()
		return nil, 0, nil, false
	}
	info, err := f.Stat()
	if err != nil || !info.Mode().IsRegular() {
		f.Close()
		giveBack()
		return nil, 0, nil, false
	}
	vouched := e.stampMatches(file, index, info)
	e.mu.Lock()
	e.vouched[file] = vouched
	// A second Previous of the file (no build makes one) leaves the
	// first's index as it is, mapped or in memory: it may be in use.
	e.read[file] = giveBack
	e.mu.Unlock()
	return f, info.Size(), index, true
}

// readIndexFile maps an index file (mapIndexFile) or else reads it into a
// recycled buffer; giveBack unmaps or recycles it.
func (e *exportSplices) readIndexFile(name string) (data []byte, giveBack func(), ok bool) {
	if data, unmap, ok := mapIndexFile(e.fs, name); ok {
		return data, unmap, true
	}
	data, ok = readRecycled(e.fs, name, takeIndexFile, putIndexFile)
	return data, func() { putIndexFile(data) }, ok
}

// Release gives back the index file Previous(file) mapped or read
// (export.SpliceReleaser).
func (e *exportSplices) Release(file string) {
	e.mu.Lock()
	giveBack := e.read[file]
	delete(e.read, file)
	e.mu.Unlock()
	if giveBack != nil {
		giveBack()
	}
}

// indexFiles recycles the buffers the index files are read into: 2.8 MB
// per export at 10,000 articles, read by every incremental build (timeline
// serve's included). They hold no pointers, so keeping them in the pool
// costs the collector nothing.
var indexFiles sync.Pool // *[]byte

// poisonIndexFiles, set by tests, fills a buffer handed back with garbage.
var poisonIndexFiles = false

func putIndexFile(b []byte) { indexFiles.Put(poisoned(b, poisonIndexFiles)) }

// takeIndexFile returns a buffer putIndexFile handed back, or nil.
func takeIndexFile() []byte {
	if p, ok := indexFiles.Get().(*[]byte); ok {
		return *p
	}
	return nil
}

// poisoned empties b for recycling, filled with garbage first when poison
// is set (tests: anything still reading it then fails).
func poisoned(b []byte, poison bool) *[]byte {
	if poison {
		b = b[:cap(b)]
		for i := range b {
			b[i] = 0xA5
		}
	}
	b = b[:0]
	return &b
}

// readRecycled reads the whole of a file into a buffer take returns (nil
// or too small: a new one), which giveBack takes back when the read fails;
// ok is false when the file cannot be read or does not keep the size it
// had when opened.
func readRecycled(fs afero.Fs, name string, take func() []byte, giveBack func([]byte)) ([]byte, bool) {
	f, err := fs.Open(name)
	if err != nil {
		return nil, false
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil || !info.Mode().IsRegular() || info.Size() > 1<<34 {
		return nil, false
	}
	size := int(info.Size())
	buf := take()
	if cap(buf) > size {
		buf = buf[:size+1]
	} else {
		// With room to spare: the next build's file (an article added)
		// is a little larger, and would not fit in a buffer of this size.
		buf = make([]byte, size+1, size+size/32+4<<10)
	}
	// One byte more than the size: a file grown since reads it, and is refused.
	if n, err := io.ReadFull(f, buf); n != size || err != io.ErrUnexpectedEOF && !(size == 0 && err == io.EOF) {
		giveBack(buf)
		return nil, false
	}
	return buf[:size], true
}

// Vouched reports whether the file the last Previous(file) opened is the one
// published with its index (export.SpliceVoucher).
func (e *exportSplices) Vouched(file string) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	return vouchExports && e.vouched[file]
}

// vouchExports is false only in BenchmarkExportsVouched's runs that measure
// what reading the files whole would cost.
var vouchExports = true

func (e *exportSplices) stampPath(file string) string { return filepath.Join(e.dir, file+".pub") }

// stamp is the content of file's stamp: the index digest and the file's identity.
func (e *exportSplices) stamp(digest [16]byte, info iofs.FileInfo) string {
	return fmt.Sprintf("%s%s\n%x\n%s\n", stampHeader, e.version, digest, fileIdentity(info))
}

// stampMatches reports whether file's stamp names this index and the
// identity of the opened file.
func (e *exportSplices) stampMatches(file string, index []byte, info iofs.FileInfo) bool {
	data, err := afero.ReadFile(e.fs, e.stampPath(file))
	return err == nil && string(data) == e.stamp(xxh3.Hash128(index).Bytes(), info)
}

// stampOnWrite makes the pages at the root of the output (where the
// spliced exports are) stamp their file once written, when their export
// saved an index. Only a page written into a file of the output saves an
// index: a build with errors renders its pages to nowhere (dryRender), and
// an index of those bytes would describe no published file, costing the
// next build a full render of every export.
func (e *exportSplices) stampOnWrite(pages []Page) []Page {
	for i := range pages {
		path, render := pages[i].Path, pages[i].Render
		if strings.Contains(path, "/") || render == nil {
			continue
		}
		pages[i].Render = func(w io.Writer) error {
			f, ok := w.(*pageFile)
			e.mu.Lock()
			e.writing[path] = ok
			e.mu.Unlock()
			if err := render(w); err != nil {
				return err
			}
			if ok {
				e.stampWritten(path, f)
			}
			return nil
		}
	}
	return pages
}

// stampWritten stamps file, whose bytes were all handed to f, if its export
// saved an index while writing it. A stamp that cannot be written only costs
// the next build a read of the file; one left from before names another
// index or another file and is ignored.
func (e *exportSplices) stampWritten(file string, f *pageFile) {
	e.mu.Lock()
	digest, ok := e.saved[file]
	delete(e.saved, file)
	e.mu.Unlock()
	if !ok || f.Flush() != nil {
		return
	}
	info, err := f.f.Stat()
	if err != nil || !info.Mode().IsRegular() {
		return
	}
	tmp := e.stampPath(file) + ".tmp"
	if afero.WriteFile(e.fs, tmp, []byte(e.stamp(digest, info)), 0o644) != nil || e.fs.Rename(tmp, e.stampPath(file)) != nil {
		_ = e.fs.Remove(tmp)
	}
}

// fileIdentity is what changes when a file is written to or replaced: its
// size and modification time, and what the system adds (sysIdentity).
func fileIdentity(info iofs.FileInfo) string {
	return fmt.Sprintf("%d %d%s", info.Size(), info.ModTime().UnixNano(), sysIdentity(info))
}

// unwrap checks an index file's header and returns the export's index.
func (e *exportSplices) unwrap(data []byte) ([]byte, bool) {
	rest, ok := bytes.CutPrefix(data, []byte(indexHeader))
	if !ok {
		return nil, false
	}
	version, rest, ok := bytes.Cut(rest, []byte("\n"))
	if !ok || string(version) != e.version {
		return nil, false
	}
	_, index, ok := bytes.Cut(rest, []byte("\n")) // the statistics line
	return index, ok
}

// Written saves the index (write, then rename) of a file being written into
// the output (see stampOnWrite). A failure only costs the next build a full
// render of the file, so it is not reported.
func (e *exportSplices) Written(file string, index []byte, st export.SpliceStats) {
	e.mu.Lock()
	writing := e.writing[file]
	e.mu.Unlock()
	if !writing || strings.ContainsAny(file, `/\`) || e.fs.MkdirAll(e.dir, 0o755) != nil {
		return
	}
	tmp := e.indexPath(file) + ".tmp"
	if e.writeIndex(tmp, index, st) != nil {
		_ = e.fs.Remove(tmp)
		return
	}
	if e.fs.Rename(tmp, e.indexPath(file)) == nil {
		e.mu.Lock()
		e.saved[file] = xxh3.Hash128(index).Bytes()
		e.mu.Unlock()
	}
}

// IndexWriter opens the index file of a file being written into the output
// (see stampOnWrite) for the export to stream its index into
// (export.SpliceIndexStreamer): a fresh process no longer holds three
// indexes of 2.8 MB each (at 10,000 articles) in new memory to write them
// whole. The statistics line, known at the end, is written over a
// placeholder of the same width; the digest the stamp needs is taken as the
// index passes. As with Written, a failure only costs the next build a full
// render of the file.
func (e *exportSplices) IndexWriter(file string) (export.SpliceIndexWriter, bool) {
	e.mu.Lock()
	writing := e.writing[file]
	e.mu.Unlock()
	if !writing || strings.ContainsAny(file, `/\`) || e.fs.MkdirAll(e.dir, 0o755) != nil {
		return nil, false
	}
	tmp := e.indexPath(file) + ".tmp"
	f, err := e.fs.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return nil, false
	}
	head := indexHeader + e.version + "\n"
	w := &indexFile{e: e, file: file, tmp: tmp, f: f, statsAt: int64(len(head)), sum: xxh3.New()}
	_, w.err = io.WriteString(f, head+fixedStatsLine(export.SpliceStats{})+"\n")
	return w, true
}

// indexFile is an index being streamed into its file (IndexWriter).
type indexFile struct {
	e       *exportSplices
	file    string
	tmp     string
	f       afero.File
	statsAt int64 // offset of the statistics line
	sum     *xxh3.Hasher
	err     error // the first failed write
}

func (w *indexFile) Write(b []byte) (int, error) {
	if w.err != nil {
		return 0, w.err
	}
	_, _ = w.sum.Write(b)
	var n int
	n, w.err = w.f.Write(b)
	return n, w.err
}

// Commit writes the statistics line and renames the complete index into place.
func (w *indexFile) Commit(st export.SpliceStats) {
	if w.err == nil {
		_, w.err = w.f.WriteAt([]byte(fixedStatsLine(st)), w.statsAt)
	}
	if err := w.f.Close(); w.err == nil {
		w.err = err
	}
	if w.err != nil || w.e.fs.Rename(w.tmp, w.e.indexPath(w.file)) != nil {
		_ = w.e.fs.Remove(w.tmp)
		return
	}
	w.e.mu.Lock()
	w.e.saved[w.file] = w.sum.Sum128().Bytes()
	w.e.mu.Unlock()
}

// Abort drops the index.
func (w *indexFile) Abort() {
	_ = w.f.Close()
	_ = w.e.fs.Remove(w.tmp)
}

// writeIndex writes the header and the index without joining them (an index
// of 100,000 events is a few megabytes).
func (e *exportSplices) writeIndex(name string, index []byte, st export.SpliceStats) error {
	f, err := e.fs.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return err
	}
	_, err = io.WriteString(f, indexHeader+e.version+"\n"+statsLine(st)+"\n")
	if err == nil {
		_, err = f.Write(index)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

func statsLine(st export.SpliceStats) string {
	return fmt.Sprintf("reused %d rendered %d vouched %t", st.Reused, st.Rendered, st.Vouched)
}

// fixedStatsLine is statsLine padded to one width whatever the figures (up
// to ten digits): IndexWriter writes it over a placeholder once they are
// known. readSpliceStats reads both.
func fixedStatsLine(st export.SpliceStats) string {
	return fmt.Sprintf("reused %10d rendered %10d vouched %-5t", st.Reused, st.Rendered, st.Vouched)
}

// readSpliceStats reads what the export last written as file did with its
// fragments, from its index file (for tests and the scale benchmark).
func readSpliceStats(fs afero.Fs, cacheDir, file string) (export.SpliceStats, bool) {
	data, err := afero.ReadFile(fs, filepath.Join(cacheDir, "exports", file+".idx"))
	if err != nil {
		return export.SpliceStats{}, false
	}
	lines := strings.SplitN(string(data[:min(len(data), 512)]), "\n", 4)
	if len(lines) < 4 || lines[0]+"\n" != indexHeader {
		return export.SpliceStats{}, false
	}
	f := strings.Fields(lines[2])
	if len(f) != 6 {
		return export.SpliceStats{}, false
	}
	reused, err1 := strconv.Atoi(f[1])
	rendered, err2 := strconv.Atoi(f[3])
	return export.SpliceStats{Reused: reused, Rendered: rendered, Vouched: f[5] == "true"}, err1 == nil && err2 == nil
}
