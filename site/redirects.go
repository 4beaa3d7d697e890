package site

import (
	"errors"
	"fmt"
	"io"
	iofs "io/fs"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/spf13/afero"
	"github.com/zeebo/xxh3"

	"github.com/newsline/timeline/render"
	"github.com/newsline/timeline/timeline"
	"github.com/newsline/timeline/timeline/merge"
	"github.com/newsline/timeline/timeline/overrides"
)

// Permalinks of events whose ID moved.
//
// An event's ID hashes its earliest-published mention (timeline/merge,
// assignIDs), so it moves when an older article tells the same event or when
// two events merge. The page at the old ID would then vanish: instead the
// build plans a redirect page there (render.RedirectPage) when the event the
// old ID named lives on. Which one it lives on as is decided by the old ID's
// identity: the mention it was hashed from. Since the ID is that mention's
// hash, the event now holding a mention hashing to the old ID (its "-2"...
// suffix dropped) is the one. An event truly gone (its article deleted, the
// event hidden by an override) holds no such mention and gets no page.
//
// Which IDs the previous site published, and where its redirects pointed,
// is read back from the previous site itself: idsFile, a page of the site
// like any other (planned, written, committed or swapped with the pages,
// described by the manifest), so a --no-cache build sees it too and a failed
// build leaves the published one. Every build lists in it its events' IDs
// and its redirects; a redirect keeps its old target while that lives
// (later builds keep the stub), moves when the target itself moved (chains
// collapse: A->B then B->C gives A->C), and goes when an event has the old ID
// again or when neither the old ID's mention nor its target lives on.

// idsFile is the published record of the site's event IDs and redirects.
const idsFile = ".timeline-ids"

// idsHeader is its first line; bumped when the format changes.
const idsHeader = "timeline-ids 1"

// idRecord is what idsFile says of the previous site.
type idRecord struct {
	live  []string          // the event IDs it published pages for
	moved map[string]string // its redirects: old ID -> the event ID it pointed to
}

// readIDRecord reads the previous site's idsFile: an empty record when there
// is none. A redirect's line that is not a pair of IDs (a hand edit) is
// skipped with a warning; the IDs become page paths, so only safe ones are
// taken. The live IDs are cut from one string (116,000 of them on the 10k
// benchmark's site: one allocation, not one per ID).
func readIDRecord(fs afero.Fs, outDir string) (idRecord, []string, error) {
	rec := idRecord{moved: map[string]string{}}
	name := filepath.Join(restoredOutput(fs, outDir), idsFile)
	raw, err := afero.ReadFile(fs, name)
	if errors.Is(err, iofs.ErrNotExist) {
		return rec, nil, nil
	}
	if err != nil {
		return rec, nil, fmt.Errorf("%s: %w (the previous site's event IDs; moved events' old permalinks depend on it)", name, err)
	}
	data := string(raw)
	head, rest, _ := strings.Cut(data, "\n")
	if head != idsHeader {
		return rec, []string{fmt.Sprintf("%s:1: not a %q record: ignored (moved events' old permalinks are not kept)", name, idsHeader)}, nil
	}
	var warns []string
	rec.live = make([]string, 0, strings.Count(rest, "\n")+1)
	for n := 2; rest != ""; n++ {
		var line string
		line, rest, _ = strings.Cut(rest, "\n")
		if line == "" {
			continue
		}
		// A live ID is not checked here (116,000 checks a build): one that
		// no event has only becomes a page's path through safeEventID
		// (redirectPages).
		from, to, pair := strings.Cut(line, " ")
		switch {
		case !pair:
			rec.live = append(rec.live, from)
		case !safeEventID(from) || !safeEventID(to):
			warns = append(warns, fmt.Sprintf("%s:%d: not a pair of event IDs: skipped", name, n))
		default:
			rec.moved[from] = to
		}
	}
	return rec, warns, nil
}

// safeEventID accepts what an event ID may be ([a-z0-9-], as the overrides
// check), not starting with '-', at most 64 bytes: a safe path segment.
func safeEventID(id string) bool {
	if id == "" || len(id) > 64 || id[0] == '-' {
		return false
	}
	for i := 0; i < len(id); i++ {
		if c := id[i]; !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// redirectPlan is what a build publishes for moved events: a redirect page
// per old ID and the record of this site's IDs.
type redirectPlan struct {
	moved  map[string]string // old ID -> live event ID
	record []byte            // idsFile's bytes
}

// planRedirects decides the redirects of tl's site given the previous one's
// record.
func planRedirects(tl *timeline.Timeline, prev idRecord) redirectPlan {
	// The old IDs to place: the previous site's, gone now. A redirect whose
	// target lives keeps it without a look at the mentions.
	lost := goneIDs(tl, prev.live)
	ask := map[string]bool{} // the IDs of prev's redirects: which live?
	for from, to := range prev.moved {
		ask[from], ask[to] = false, false
	}
	if len(ask) > 0 {
		for i := range tl.Events {
			if _, ok := ask[tl.Events[i].ID]; ok {
				ask[tl.Events[i].ID] = true
			}
		}
	}
	moved := map[string]string{}
	for from, to := range prev.moved {
		switch {
		case ask[from]: // an event has the ID again
		case ask[to]:
			moved[from] = to
		default:
			lost = append(lost, from)
		}
	}
	if len(lost) > 0 {
		slices.Sort(lost)
		wasLive := make(map[string]bool, len(prev.live))
		for _, id := range prev.live {
			wasLive[id] = true
		}
		holders := mentionHolders(tl, lost, prev.moved)
		for _, id := range lost {
			to, ok := heir(tl, id, holders, wasLive)
			if !ok && prev.moved[id] != "" { // its mention is gone: follow its old target
				to, ok = heir(tl, prev.moved[id], holders, wasLive)
			}
			if ok {
				moved[id] = to
			}
		}
	}
	return redirectPlan{moved: moved, record: idRecordBytes(tl, moved)}
}

// goneIDs returns the IDs of was that no event of tl has. was lists the
// previous site's events in its timeline order, which mostly is tl's with a
// few events added, removed or moved: the two lists are walked side by
// side, looking a few places ahead on a mismatch, and only the IDs left
// unmatched on either side are compared through a map. (A map of every ID,
// with the record's IDs one string each, cost 77 ms and 30 MB a build at
// 116,000 events; BenchmarkRedirectsLargeSite.) Whatever the lists, the
// result is exact: an ID of was that some event has is matched in the walk
// or left unmatched on both sides.
func goneIDs(tl *timeline.Timeline, was []string) []string {
	const ahead = 8
	cur := tl.Events
	var leftWas []string
	var leftCur map[string]bool
	i, j := 0, 0
	for i < len(was) && j < len(cur) {
		if was[i] == cur[j].ID {
			i, j = i+1, j+1
			continue
		}
		if k := slices.IndexFunc(cur[j+1:min(j+1+ahead, len(cur))], func(e timeline.Event) bool { return e.ID == was[i] }); k >= 0 {
			for _, e := range cur[j : j+1+k] { // added before was[i]
				leftCur = addTo(leftCur, e.ID)
			}
			i, j = i+1, j+2+k
			continue
		}
		if k := slices.Index(was[i+1:min(i+1+ahead, len(was))], cur[j].ID); k >= 0 {
			leftWas = append(leftWas, was[i:i+1+k]...) // removed before cur[j]
			i, j = i+2+k, j+1
			continue
		}
		leftWas = append(leftWas, was[i])
		leftCur = addTo(leftCur, cur[j].ID)
		i, j = i+1, j+1
	}
	leftWas = append(leftWas, was[i:]...)
	for _, e := range cur[j:] {
		leftCur = addTo(leftCur, e.ID)
	}
	gone := leftWas[:0]
	for _, id := range leftWas {
		if !leftCur[id] {
			gone = append(gone, id)
		}
	}
	return gone
}

func addTo(set map[string]bool, id string) map[string]bool {
	if set == nil {
		set = map[string]bool{}
	}
	set[id] = true
	return set
}

// idBase is an ID without the "-2", "-3"... that tells apart events hashing
// alike.
func idBase(id string) string {
	if i := strings.IndexByte(id, '-'); i > 0 {
		return id[:i]
	}
	return id
}

// mentionHolders maps the bases of the lost IDs (and of their old targets)
// to the indices of the events holding a mention that hashes to them, each
// once, in event order: one pass over every mention, made only by a build
// in which an ID went, on every core. The hash is merge's ID hash
// (merge.MentionIDBits), compared as a number, without spelling it for each
// mention.
func mentionHolders(tl *timeline.Timeline, lost []string, moved map[string]string) map[string][]int {
	holders := map[string][]int{}
	wanted := map[uint64]string{} // by the hash's bytes: the base spelling them
	want := func(id string) {
		base := idBase(id)
		holders[base] = nil
		if v, ok := idNumber(base); ok {
			wanted[v] = base
		}
	}
	for _, id := range lost {
		want(id)
		if to := moved[id]; to != "" {
			want(to)
		}
	}
	if len(wanted) == 0 {
		return holders
	}
	// On every core, each worker a run of events: the hits (event index,
	// base) come back in event order whatever the scheduling.
	type hit struct {
		event int
		base  string
	}
	workers := min(runtime.GOMAXPROCS(0), max(1, len(tl.Events)/4096))
	hits := make([][]hit, workers)
	var wg sync.WaitGroup
	for w := range workers {
		from, to := w*len(tl.Events)/workers, (w+1)*len(tl.Events)/workers
		wg.Go(func() {
			var buf []byte
			for i := from; i < to; i++ {
				ev := &tl.Events[i]
				if ev.Manual {
					continue // an editor's event, hashed from no mention
				}
				for k := range ev.Mentions {
					var v uint64
					v, buf = merge.MentionIDBits(buf, &ev.Mentions[k])
					if base, ok := wanted[v]; ok { // read only: safe from every worker
						hits[w] = append(hits[w], hit{i, base})
					}
				}
			}
		})
	}
	wg.Wait()
	for _, run := range hits {
		for _, h := range run {
			if list := holders[h.base]; len(list) == 0 || list[len(list)-1] != h.event {
				holders[h.base] = append(list, h.event)
			}
		}
	}
	return holders
}

// idNumber reads an ID of merge.IDLength lower-case hex digits as the
// number of the hash bytes it spells; ok is false for any other ID (an
// editor's, which no mention hashes to).
func idNumber(id string) (uint64, bool) {
	if len(id) != merge.IDLength {
		return 0, false
	}
	var v uint64
	for i := 0; i < len(id); i++ {
		c := id[i]
		switch {
		case c >= '0' && c <= '9':
			v = v<<4 | uint64(c-'0')
		case c >= 'a' && c <= 'f':
			v = v<<4 | uint64(c-'a'+10)
		default:
			return 0, false
		}
	}
	return v, true
}

// heir is the live event that id's identity now belongs to: the one event
// holding its mention. Events told by one sentence ("X", "X-2") share the
// mention's hash, so one of them that the previous site published under an
// ID of the same hash kept its own identity and is never the heir (the
// lead event of an article whose dated event was hidden is not where that
// event went). When several remain, the one the previous site did not
// publish is, if it is one; else none is (no redirect beats a wrong one).
func heir(tl *timeline.Timeline, id string, holders map[string][]int, wasLive map[string]bool) (string, bool) {
	base := idBase(id)
	var cands []string
	for _, i := range holders[base] {
		if other := tl.Events[i].ID; !(wasLive[other] && idBase(other) == base) {
			cands = append(cands, other)
		}
	}
	if len(cands) == 1 {
		return cands[0], true
	}
	found := ""
	for _, other := range cands {
		if wasLive[other] {
			continue
		}
		if found != "" {
			return "", false // cannot tell which
		}
		found = other
	}
	return found, found != ""
}

// idRecordBytes is idsFile for this site: its header, its events' IDs in
// timeline order, then its redirects ordered by old ID.
func idRecordBytes(tl *timeline.Timeline, moved map[string]string) []byte {
	n := len(idsHeader) + 1 + 24*len(moved)
	for i := range tl.Events {
		n += len(tl.Events[i].ID) + 1
	}
	b := make([]byte, 0, n)
	b = append(b, idsHeader...)
	b = append(b, '\n')
	for i := range tl.Events {
		b = append(append(b, tl.Events[i].ID...), '\n')
	}
	for _, from := range sortedKeys(moved) {
		b = append(append(append(append(b, from...), ' '), moved[from]...), '\n')
	}
	return b
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// redirectPages plans the redirect pages and the ID record of tl's site,
// reading the previous one's record from the output.
func (b *builder) redirectPages(fs afero.Fs, cfg render.Config, tl *timeline.Timeline) ([]Page, error) {
	prev := b.previousIDs()
	if b.idsErr != nil {
		return nil, b.idsErr
	}
	plan := planRedirects(tl, prev)
	live := make(map[string]int, len(plan.moved))
	for _, to := range plan.moved {
		live[to] = -1
	}
	for i := range tl.Events {
		if _, ok := live[tl.Events[i].ID]; ok {
			live[tl.Events[i].ID] = i
		}
	}
	pages := make([]Page, 0, len(plan.moved)+1)
	for _, from := range sortedKeys(plan.moved) {
		to := plan.moved[from]
		if !safeEventID(from) || !safeEventID(to) {
			continue // an override's ID: checked there, but the paths must be safe
		}
		p, err := render.RedirectPage(cfg, from, tl.Events[live[to]])
		if err != nil {
			return nil, err
		}
		pages = append(pages, Page(p))
	}
	data := plan.record
	pages = append(pages, Page{Path: idsFile, Key: fmt.Sprintf("ids-%x", xxh3.Hash128(data).Bytes()), Render: func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	}})
	return pages, nil
}

// previousIDs reads the previous site's record of IDs once (the overrides
// stage and the plan both use it); a read error is the plan's to report.
func (b *builder) previousIDs() idRecord {
	if b.prevIDs == nil {
		prev, warns, err := readIDRecord(b.fs, b.opts.OutDir)
		b.warn(warns...)
		b.prevIDs, b.idsErr = &prev, err
	}
	return *b.prevIDs
}

// remapMovedIDs points the entries of file that select an event by an ID no
// event of tl has, when the event that ID named lives on under another ID
// (as planRedirects decides, on the merged timeline), at that ID, and
// returns a warning for each: the editor's correction keeps applying to the
// event it was written for, and the file should be updated. An ID nothing
// lives on from stays, and is reported as matching no event.
func remapMovedIDs(file *overrides.File, tl *timeline.Timeline, prev idRecord) []string {
	live := make(map[string]bool, len(tl.Events))
	for i := range tl.Events {
		live[tl.Events[i].ID] = true
	}
	var lost []string
	for _, e := range file.Entries {
		for _, id := range append([]string{e.ID}, e.Merge...) {
			if id != "" && !live[id] {
				lost = append(lost, id)
			}
		}
	}
	if len(lost) == 0 {
		return nil
	}
	wasLive := make(map[string]bool, len(prev.live))
	for _, id := range prev.live {
		wasLive[id] = true
	}
	holders := mentionHolders(tl, lost, prev.moved)
	heirOf := func(id string) (string, bool) { // as planRedirects decides
		to := prev.moved[id]
		if live[to] {
			return to, true
		}
		if h, ok := heir(tl, id, holders, wasLive); ok {
			return h, true
		}
		if to != "" {
			return heir(tl, to, holders, wasLive)
		}
		return "", false
	}
	var warns []string
	remap := func(line int, id *string) {
		if *id == "" || live[*id] {
			return
		}
		if to, ok := heirOf(*id); ok {
			warns = append(warns, fmt.Sprintf("%s:%d: override id %q: the event it named is now %s (its ID moved: an older article tells it, or it was merged); applied to %s, write that ID in the file",
				file.Path, line, *id, to, to))
			*id = to
		}
	}
	for k := range file.Entries {
		e := &file.Entries[k]
		remap(e.Line, &e.ID)
		if len(e.Merge) > 0 {
			e.Merge = slices.Clone(e.Merge)
			for j := range e.Merge {
				remap(e.Line, &e.Merge[j])
			}
			// Two IDs of one event now: merged once (a merge listing an
			// event twice would fold it into itself and drop it).
			seen := map[string]bool{}
			e.Merge = slices.DeleteFunc(e.Merge, func(id string) bool {
				dup := seen[id]
				seen[id] = true
				return dup
			})
		}
	}
	return warns
}

// restoredOutput is the folder the previous site is in: the output, or,
// when a build was killed between the two renames of its swap, the old
// folder the publish stage will put back (cleanStaleRepairing; the record
// is read before it runs) and this build's site will replace.
func restoredOutput(fs afero.Fs, out string) string {
	if exists, _ := afero.DirExists(fs, out); exists {
		return out
	}
	parent, base := filepath.Dir(out), filepath.Base(out)
	entries, err := afero.ReadDir(fs, parent)
	if err != nil {
		return out
	}
	found, newest := out, int64(0)
	for _, e := range entries {
		dir := filepath.Join(parent, e.Name())
		if infix, ok := buildFolderInfix(base, e.Name()); ok && e.IsDir() && infix == oldInfix && holdsMarker(fs, dir) {
			if t := modTime(fs, dir); found == out || t > newest {
				found, newest = dir, t
			}
		}
	}
	return found
}
