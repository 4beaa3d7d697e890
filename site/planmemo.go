package site

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	iofs "io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"unsafe"

	"github.com/spf13/afero"

	"github.com/newsline/timeline/render"
	"github.com/newsline/timeline/timeline"
)

// The plan memo (render.Memo) lets a build whose merge says which events are
// unchanged (timeline.Changes) reuse what the previous plan derived from
// them. It lives in the cache folder beside what the site adds to it: the
// tool version, and the overrides the previous build applied, since the
// merge that reports the changes runs before the overrides.
//
// A memo is only right for the timeline its plan saw, and Changes describe
// what changed since the previous merge. Build therefore takes the memo out
// of the cache folder before merging and writes the new one after planning,
// beside the write stage (the build waits for it before it returns): a build
// that stops anywhere in between (an error, a kill) or a save that fails
// leaves no memo, and the next build plans in full. Missing, damaged or foreign
// memos are the same: a full plan, never a wrong site.

// planMemoFile is the memo's name in the cache folder.
const planMemoFile = "plan.memo"

// planMemoHeader starts the file, followed by the tool version line, the
// overrides digest line, the touched IDs, then render's memo.
const planMemoHeader = "timeline plan memo 1\n"

// planMemo is a previous build's memo.
type planMemo struct {
	overrides string   // appliedOverrides.digest
	touched   []string // appliedOverrides.touched
	render    *render.Memo
	buf       []byte // what the file was read into or mapped at (render reads it in place), for release
	unmap     func() // when buf is the file mapped (mapIndexFile): what release calls
}

// spareMemo is the buffer of the last plan memo released, for the next
// build's memo to be read into (12.6 MB at 10,000 articles, read by every
// build): a Session's rebuild read its memo into new heap, pages the
// runtime had handed back to the system, and paid ~30 ms of page faults
// for them (perf, warm 10k build). A sync.Pool would drop it at the second
// collection, and a server's rebuilds come minutes apart. It holds no
// pointers, so keeping it costs the collector nothing.
var spareMemo struct {
	sync.Mutex
	buf []byte
}

// poisonMemoFiles, set by tests, fills a buffer handed back with garbage.
var poisonMemoFiles = false

// takeMemoBuffer returns the spare memo buffer, or nil.
func takeMemoBuffer() []byte {
	spareMemo.Lock()
	defer spareMemo.Unlock()
	b := spareMemo.buf
	spareMemo.buf = nil
	return b
}

// putMemoBuffer keeps b as the spare, unless the spare is larger.
func putMemoBuffer(b []byte) {
	p := poisoned(b, poisonMemoFiles)
	spareMemo.Lock()
	defer spareMemo.Unlock()
	if cap(b) > cap(spareMemo.buf) {
		spareMemo.buf = *p
	}
}

// memoMaps and memoUnmaps count the memos takePlanMemo mapped and the
// mappings released (for the tests).
var memoMaps, memoUnmaps atomic.Int64

// onMemoMapped, set by tests, hears of each memo mapping's bytes.
var onMemoMapped func(data []byte)

// takePlanMemo reads the previous build's memo, unless --no-cache, and
// removes it from the cache folder. nil: none to use. The build hands the
// memo back (release) once its pages are written.
func takePlanMemo(fs afero.Fs, o Options) (*planMemo, error) {
	name := filepath.Join(o.CacheDir, planMemoFile)
	var data []byte
	var unmap func()
	ok := false
	if !o.NoCache {
		// Mapped where it can be: a fresh process (timeline build) read
		// the 12.6 MB of a 10,000-article site's memo into heap it touched
		// for the first time, the kernel clearing every page of it first,
		// then copied the file's cached pages into them; mapped, the
		// memo is those cached pages. The file is removed below and only
		// ever replaced by renaming another over its name (savePlanMemo),
		// so the mapped bytes never change; build() releases the memo,
		// and so unmaps it, only once nothing reads it.
		if data, unmap, ok = mapIndexFile(fs, name); ok {
			memoMaps.Add(1)
			if onMemoMapped != nil {
				onMemoMapped(data)
			}
			unmapFile := unmap
			unmap = func() { unmapFile(); memoUnmaps.Add(1) }
		} else {
			data, ok = readRecycled(fs, name, takeMemoBuffer, putMemoBuffer)
		}
	}
	giveBack := func() {
		if unmap != nil {
			unmap()
		} else {
			putMemoBuffer(data)
		}
	}
	if rerr := fs.Remove(name); rerr != nil && !errors.Is(rerr, iofs.ErrNotExist) {
		if ok {
			giveBack()
		}
		return nil, fmt.Errorf("removing the plan memo %s: %w (the next build plans in full)", name, rerr)
	}
	if !ok {
		return nil, nil
	}
	m := parsePlanMemo(data, o.Version)
	if m == nil {
		giveBack()
		return nil, nil
	}
	m.buf, m.unmap = data, unmap
	return m, nil
}

// release hands the buffer the memo was read into back for a later
// build's memo. The plan made with the memo reads it until its pages are
// rendered (render.ParseMemoOwned), so the build releases it once it has
// written them, and nothing reads m after. nil: nothing to do.
func (m *planMemo) release() {
	if m == nil || m.buf == nil {
		return
	}
	buf, unmap := m.buf, m.unmap
	m.buf, m.render, m.unmap = nil, nil, nil
	if unmap != nil {
		unmap()
		return
	}
	putMemoBuffer(buf)
}

// detach returns s, copied when its bytes are the memo's: a page the plan
// took from the memo carries its Key (and may carry its Path) in place, and
// the manifest the build records outlives the memo (a Session keeps it for
// its next build), which release unmaps or hands to the next memo's read.
// A build after a failed one renders such pages (the memo is the failed
// build's, the manifest older), and a Session's later build read their Keys
// from unmapped memory. nil m: s.
func (m *planMemo) detach(s string) string {
	if m == nil || len(m.buf) == 0 || len(s) == 0 {
		return s
	}
	start := uintptr(unsafe.Pointer(unsafe.SliceData(m.buf)))
	at := uintptr(unsafe.Pointer(unsafe.StringData(s)))
	if at >= start && at < start+uintptr(len(m.buf)) {
		return strings.Clone(s)
	}
	return s
}

// parsePlanMemo reads the file's content, which it takes over (the render
// memo is read in place); nil when it is not a memo of this tool version.
func parsePlanMemo(data []byte, version string) *planMemo {
	rest, ok := bytes.CutPrefix(data, []byte(planMemoHeader))
	if !ok {
		return nil
	}
	ver, rest, ok := bytes.Cut(rest, []byte("\n"))
	if !ok || string(ver) != version {
		return nil
	}
	ov, rest, ok := bytes.Cut(rest, []byte("\n"))
	if !ok {
		return nil
	}
	m := &planMemo{overrides: string(ov)}
	n, k := binary.Uvarint(rest)
	if k <= 0 || n > uint64(len(rest)) {
		return nil
	}
	rest = rest[k:]
	for i := uint64(0); i < n; i++ {
		l, k := binary.Uvarint(rest)
		if k <= 0 || l > uint64(len(rest)-k) {
			return nil
		}
		m.touched = append(m.touched, string(rest[k:k+int(l)]))
		rest = rest[k+int(l):]
	}
	r, err := render.ParseMemoOwned(rest)
	if err != nil {
		return nil
	}
	m.render = r
	return m
}

// savePlanMemo writes this build's memo (to a temporary name, then
// renamed). The render memo is streamed into the file (WriteMemo): built
// whole in memory it was 12 MB of fresh pages per build at 10,000 articles.
func savePlanMemo(fs afero.Fs, o Options, ov appliedOverrides, r *render.Incremental) error {
	b := make([]byte, 0, 4<<10)
	b = append(b, planMemoHeader...)
	b = append(b, o.Version+"\n"+ov.digest+"\n"...)
	b = binary.AppendUvarint(b, uint64(len(ov.touched)))
	for _, id := range ov.touched {
		b = binary.AppendUvarint(b, uint64(len(id)))
		b = append(b, id...)
	}
	if err := fs.MkdirAll(o.CacheDir, 0o755); err != nil {
		return err
	}
	name := filepath.Join(o.CacheDir, planMemoFile)
	if err := writeMemoFile(fs, name+".tmp", b, r); err != nil {
		_ = fs.Remove(name + ".tmp")
		return err
	}
	return fs.Rename(name+".tmp", name)
}

// writeMemoFile writes head then r's memo to a new file name.
func writeMemoFile(fs afero.Fs, name string, head []byte, r *render.Incremental) error {
	f, err := fs.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return err
	}
	_, err = f.Write(head)
	if err == nil {
		err = r.WriteMemo(f)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// planChanges turns what the merge says changed into what the plan may
// trust: nothing without a previous memo, merge changes, or the real
// overrides (whose effect a custom stage does not tell), or when the
// overrides file differs from the previous build's; otherwise the merge's
// changes plus every event the overrides touched this time or last time.
func planChanges(merged *timeline.Changes, prev *planMemo, ov appliedOverrides, tracked bool) *timeline.Changes {
	if merged == nil || !merged.Known || prev == nil || !tracked || ov.digest != prev.overrides || ov.digest == "?" {
		return nil
	}
	changed := slices.Concat(merged.Changed, ov.touched, prev.touched)
	slices.Sort(changed)
	return &timeline.Changes{Known: true, Changed: slices.Compact(changed), Removed: merged.Removed}
}

// The memo's encoding and write (12.6 MB at 10,000 articles, ~8 ms of
// encoding and the write's kernel time, on the plan stage's path in a warm
// build) run beside the write stage, like the merge state's save
// (statesave.go). The build waits for the save before it hands the
// previous memo back (the encoding copies runs of it) and before it
// returns, and reports its failure as before from its own goroutine. A save
// that fails or panics renames nothing into place: the previous memo was
// taken before merging, so the next build plans in full. Nothing the
// encoding reads (the plan's state, lent buffers included, and the previous
// memo) is written before the build returns: the pages only read it.

// planMemoBeside turns the concurrent save on; tests turn it off to
// compare with the save on the plan's path.
var planMemoBeside = true

// savePlanMemo saves r's memo, beside the build unless planMemoBeside is
// off; joinMemoSave waits for it.
func (b *builder) savePlanMemo(fs afero.Fs, r *render.Incremental) {
	o, ov := b.opts, b.applied
	s := newBesideSave()
	save := func() {
		s.run(func() error { return savePlanMemo(fs, o, ov, r) }, "the plan memo", "the next build plans in full")
	}
	b.memoSave = s
	if planMemoBeside {
		r.DetachMemo() // the write stage compacts the pages in place (vetPages)
		go save()
	} else {
		save()
	}
}

// joinMemoSave waits for the plan memo being saved, if any, and reports
// how it went, as the "memo" stage (the wait only).
func (b *builder) joinMemoSave() { b.joinSave(&b.memoSave, "memo") }
