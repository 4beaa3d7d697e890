package site

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/spf13/afero"

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
}

// indexHeader starts every index file, followed by the tool version and a
// line of statistics (for people and tests), then the export's index.
const indexHeader = "timeline export index 1\n"

func newExportSplices(fs afero.Fs, o Options) *exportSplices {
	return &exportSplices{fs: fs, out: o.OutDir, dir: filepath.Join(o.CacheDir, "exports"),
		version: o.Version, noCache: o.NoCache}
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
	cfg.Splices = newExportSplices(fs, b.opts)
	var prev *render.Memo
	if b.prevMemo != nil {
		prev = b.prevMemo.render
	}
	r, err := render.PlanIncremental(tl, cfg, prev, b.changes)
	if err != nil {
		return nil, err
	}
	b.sum.Replanned = r.Stats.Events - r.Stats.Digests
	if err := savePlanMemo(fs, b.opts, b.applied, r); err != nil {
		b.warn(fmt.Sprintf("saving the plan memo: %v (the next build plans in full)", err))
	}
	return sitePages(r.Pages), nil
}

func (e *exportSplices) indexPath(file string) string { return filepath.Join(e.dir, file+".idx") }

// Previous opens the published file and reads its index; the export closes
// the file (it is an io.Closer).
func (e *exportSplices) Previous(file string) (io.ReaderAt, int64, []byte, bool) {
	if e.noCache || strings.ContainsAny(file, `/\`) {
		return nil, 0, nil, false
	}
	data, err := afero.ReadFile(e.fs, e.indexPath(file))
	if err != nil {
		return nil, 0, nil, false
	}
	index, ok := e.unwrap(data)
	if !ok {
		return nil, 0, nil, false
	}
	f, err := e.fs.Open(filepath.Join(e.out, file))
	if err != nil {
		return nil, 0, nil, false
	}
	info, err := f.Stat()
	if err != nil || !info.Mode().IsRegular() {
		f.Close()
		return nil, 0, nil, false
	}
	return f, info.Size(), index, true
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

// Written saves the index (write, then rename). A failure only costs the next
// build a full render of the file, so it is not reported.
func (e *exportSplices) Written(file string, index []byte, st export.SpliceStats) {
	if strings.ContainsAny(file, `/\`) || e.fs.MkdirAll(e.dir, 0o755) != nil {
		return
	}
	tmp := e.indexPath(file) + ".tmp"
	if e.writeIndex(tmp, index, st) != nil {
		_ = e.fs.Remove(tmp)
		return
	}
	_ = e.fs.Rename(tmp, e.indexPath(file))
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
	return fmt.Sprintf("reused %d rendered %d", st.Reused, st.Rendered)
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
	if len(f) != 4 {
		return export.SpliceStats{}, false
	}
	reused, err1 := strconv.Atoi(f[1])
	rendered, err2 := strconv.Atoi(f[3])
	return export.SpliceStats{Reused: reused, Rendered: rendered}, err1 == nil && err2 == nil
}
