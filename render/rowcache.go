package render

import (
	"bytes"
	"math"
	"runtime/debug"
	"runtime/metrics"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/zeebo/xxh3"
)

// rowCache keeps the listing rows a Session's build wrote (appendRow), for
// its next build's listing pages: an editor saving the same article again
// rewrites the same year and month pages, whose rows are nearly all as they
// were. Making them again was most of a warm build's listing pages (~16,000
// rows per page kind at 10,000 articles).
//
// A row is kept under its event's row hash (rowSum: what rowKey writes, the
// event's link, ID, title and dates, its entities and the labels and slugs
// of the articles it cites, which is all appendRowHead and appendRowTail
// read), the page's root, and only for
// settings and templates of the same cfgKey. The entity references between
// head and tail are numbers on the page (pageEntities), which another event
// on the page can shift, so they are written afresh for every row. A reused
// row must also start with its event's own ID: two events whose row hashes
// collide do not share bytes.
//
// Only the plain pages' rows are kept; an embed page's row is the plain
// page's with one more "../" before its links' addresses and a target after
// them (appendEmbedTail). What is kept is the rows the last build that wrote
// any rows wrote or reused, at most rowCacheMax bytes of them, in arrays
// of at most twice their bytes (compactRows): a warm build
// of the 10,000-article site writes ~31,000 rows, half of them on plain
// pages, ~8 MB; a full build's 116,000 plain rows are not all kept.
type rowCache struct {
	mu      sync.Mutex
	cfgKey  string
	rows    rowMap         // the kept rows: read by a plan's pages, written only by begin
	size    int            // bytes of the rows in rows
	pending []*rowRecorder // what the pages of the plan since begin recorded
	added   atomic.Int64   // bytes the pages of the plan since begin copied
	reused  atomic.Int64   // rows written from the kept ones, for tests
	// rowBytes is the mean bytes of a new row (without references) of the
	// last page that kept some, for the next page's array (sizeFor).
	rowBytes atomic.Int64
}

// rowCacheMax bounds the bytes of rows a rowCache keeps (rowCache).
var rowCacheMax = 12 << 20

// rowMap holds rows by their key: the event's row hash (rowSum) mixed with
// the page's variant (rowVariant).
type rowMap = map[uint64]cachedRow

// cachedRow is a row without its entity references: b[:head] before
// them, b[head:] after.
type cachedRow struct {
	b       []byte
	arena   *rowArena // what b is part of
	variant uint64    // rowVariant of the page's root and embed
	head    int32
}

// rowVariant hashes what a row depends on besides its event: the page's
// root and whether it is an embed page.
func rowVariant(root string, embed bool) uint64 {
	v := xxh3.HashString(root)
	if embed {
		v = ^v
	}
	return v | 1 // never 0: a key's sum and variant are mixed (rowKeyOf)
}

// rowKeyOf is the key of a row of the event with row hash sum on pages of
// the variant.
func rowKeyOf(sum, variant uint64) uint64 { return sum ^ variant*0x9e3779b97f4a7c15 }

// begin starts a plan's use of c: the rows the pages of the last build
// wrote or reused are kept, the others dropped (all of them when the
// settings or templates changed), and returned for the plan's pages to read
// without the lock. The kept rows are a new map: the one the plan before was
// given is left as it was. Under memory pressure (memoryPressed) c keeps
// nothing and begin returns false: the plan's pages make every row.
func (c *rowCache) begin(cfgKey string) (rowMap, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if memoryPressed() {
		c.rows, c.size, c.pending, c.cfgKey = nil, 0, nil, ""
		return nil, false
	}
	if c.cfgKey != cfgKey {
		c.rows, c.size, c.pending, c.cfgKey = nil, 0, nil, cfgKey
	}
	if len(c.pending) > 0 { // else the last build wrote no rows: keep the ones before
		n := 0
		for _, r := range c.pending {
			n += len(r.keys)
		}
		rows, size := make(rowMap, n), 0
		for _, r := range c.pending {
			for j, k := range r.keys {
				row := r.rows[j]
				if old, ok := rows[k]; ok {
					size -= len(old.b)
				} else if size+len(row.b) > rowCacheMax {
					continue
				}
				rows[k] = row
				size += len(row.b)
			}
		}
		compactRows(rows)
		c.rows, c.size, c.pending = rows, size, nil
	}
	c.added.Store(int64(c.size))
	return c.rows, true
}

// compactRows copies the rows of rows whose arenas they fill less than half
// of into one new arena of their size, so that the arenas rows holds are at
// most twice its rows' bytes: a page that wrote one new row among hundreds
// it reused made an arena of that row alone (keep), but an arena of
// hundreds of rows stays while any one of them is reused.
func compactRows(rows rowMap) {
	for _, row := range rows {
		row.arena.live = 0
	}
	for _, row := range rows {
		row.arena.live += len(row.b)
	}
	n := 0
	for _, row := range rows {
		if 2*row.arena.live < row.arena.size {
			n += len(row.b)
		}
	}
	if n == 0 {
		return
	}
	buf := make([]byte, 0, n)
	a := &rowArena{size: cap(buf)}
	for k, row := range rows {
		if 2*row.arena.live < row.arena.size {
			at := len(buf)
			buf = append(buf, row.b...)
			row.b, row.arena = buf[at:len(buf):len(buf)], a
			rows[k] = row
		}
	}
}

// memoryPressed (heapNearLimit; a variable for tests) says whether the heap left live by the last collection,
// doubled (the collector's goal at GOGC=100), reaches the memory limit: the
// limit then sets when collections run, and rows kept in the heap would
// bring each one sooner (a Session under a limit that reserves room for
// its mapped caches collected back to back with ~10 MB of rows kept; one
// whose limit bounds the heap alone, as timeline serve's, is far from it).
var memoryPressed = heapNearLimit

func heapNearLimit() bool {
	limit := debug.SetMemoryLimit(-1)
	if limit == math.MaxInt64 {
		return false
	}
	live := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(live)
	if live[0].Value.Kind() != metrics.KindUint64 {
		return true
	}
	return 2*live[0].Value.Uint64() >= uint64(max(limit, 0))
}

// rowRecorder collects the rows one page wrote or reused, handed to its
// site's rowCache once the page's rows are written (keep).
type rowRecorder struct {
	keys   []uint64
	rows   []cachedRow
	buf    []byte  // the page's new rows, one after another: the arena keep gives them
	per    int     // the bytes buf is made with per row (sizeFor); 0: grown from empty
	n      int     // the page's rows (sizeFor)
	fresh  []int32 // the indexes in rows of the new rows, in the order of buf
	reused int64   // rows written from the kept ones
}

// rowArena is an array that new rows are copied into, one per page (keep)
// or per compaction (compactRows).
type rowArena struct {
	size int // its bytes
	live int // the bytes of the kept rows in it (compactRows)
}

// sizeFor readies the array the page's new rows are written into, so that
// keep can hand the array itself to the cache as the rows' arena: rows of
// the mean bytes (without references) of the rows the last page kept saw
// (else defaultRowBytes), plus an eighth; first for at most firstRows of
// them, then, once a row does not fit, for all the page's rows not written
// yet (grow). A warm build's pages write a few new rows among the hundreds
// they reuse (an array for all n rows was ~500 KB for the one new row of a
// 1,000-row page, then copied to the row's size); a Session's first build
// writes every row new (one copy of the first rows more per page). The rows
// were written into a pooled array grown by append from empty, then copied
// into an arena of their size: one copy more, and ~5 MB more heap allocated
// per warm build of the 10,000-article site. The arena's pages are still
// memory a warm build touches for the first time (its heap given back by
// the scavenger): the kernel's zeroing of them, ~28 ms of CPU per such
// build in perf, moved from keep's copy to the rows' first writes,
// undiminished.
func (r *rowRecorder) sizeFor(c *rowCache, n int) {
	per := c.rowBytes.Load()
	if per == 0 {
		per = defaultRowBytes
	}
	r.per, r.n = int(per)*9/8, n
}

// defaultRowBytes is sizeFor's guess before any page kept rows.
const defaultRowBytes = 448

// firstRows is the most rows sizeFor's first array is made for.
const firstRows = 4

// grow makes buf an array with room for need bytes more (a row), sized as
// sizeFor says, its bytes copied; the rows recorded keep pointing into the
// array before, whose bytes stay as they were, until keep.
func (r *rowRecorder) grow(need int) {
	rows := max(r.n-len(r.rows), 1) // the page's rows not recorded yet, this one included
	if r.buf == nil {
		rows = min(rows, firstRows)
	}
	size := len(r.buf) + max(r.per*rows, need)
	if r.buf != nil {
		size = max(size, 2*cap(r.buf)) // the mean misled: grow as append does
	}
	r.buf = append(make([]byte, 0, size), r.buf...)
}

// reuse records a kept row the page wrote again.
func (r *rowRecorder) reuse(k uint64, row cachedRow) {
	r.reused++
	r.keys = append(r.keys, k)
	r.rows = append(r.rows, row)
}

// copy records a new row, head and tail, copied into the recorder's buf;
// its b is set by keep.
func (r *rowRecorder) copy(k, variant uint64, head, tail []byte) {
	if need := len(head) + len(tail); r.per > 0 && len(r.buf)+need > cap(r.buf) {
		r.grow(need)
	}
	b := r.buf
	n := len(b)
	b = append(append(b, head...), tail...)
	r.buf = b
	r.fresh = append(r.fresh, int32(len(r.rows)))
	r.keys = append(r.keys, k)
	r.rows = append(r.rows, cachedRow{b: b[n:len(b):len(b)], variant: variant, head: int32(len(head))})
}

// keep hands what r recorded to c, for the next plan (begin). The page's
// new rows' array is their arena when they fill at least half of it (as
// compactRows keeps arenas), else they are copied into one of their size.
func (c *rowCache) keep(r *rowRecorder) {
	c.reused.Add(r.reused)
	if r.buf != nil {
		b := r.buf
		if 2*len(b) < cap(b) {
			b = append([]byte(nil), b...)
		}
		if len(r.fresh) > 0 {
			c.rowBytes.Store(int64(len(b) / len(r.fresh)))
		}
		a := &rowArena{size: cap(b)}
		at := 0
		for _, j := range r.fresh {
			n := len(r.rows[j].b)
			r.rows[j].b, r.rows[j].arena = b[at:at+n:at+n], a
			at += n
		}
		r.buf, r.fresh = nil, nil
	}
	if len(r.keys) == 0 {
		return
	}
	c.mu.Lock()
	c.pending = append(c.pending, r)
	c.mu.Unlock()
}

// rowLook is how the rows of one list on a page are looked up in the kept
// rows: by the page's root and embed, and for an embed page, whose rows are
// the plain page's with one more "../" in their links and a target on them,
// by the plain page's (derive) when its root is "../" and the plain one's.
type rowLook struct {
	root    string
	embed   bool
	variant uint64 // rowVariant of the rows looked up
	derive  bool   // an embed page's rows made from the plain page's (appendEmbedTail)
}

func newRowLook(root string, embed bool) rowLook {
	if embed && strings.HasPrefix(root, "../") {
		return rowLook{root: root, embed: true, variant: rowVariant(root[3:], false), derive: true}
	}
	return rowLook{root: root, embed: embed, variant: rowVariant(root, embed)}
}

// appendRowCached is appendRow, reusing the row the build before wrote for
// the same row hash and page variant when the site has a rowCache, and
// recording what it writes in rec. Only the plain pages' rows are kept: an
// embed page derives its rows from them.
func (s *site) appendRowCached(b []byte, i int, l *rowLook, refs refsFunc, rec *rowRecorder) ([]byte, error) {
	b, _, _, err := s.appendRowParts(b, i, l, refs, rec)
	return b, err
}

// appendRowParts is appendRowCached, also returning where in b the row's
// entity references start and end.
func (s *site) appendRowParts(b []byte, i int, l *rowLook, refs refsFunc, rec *rowRecorder) ([]byte, int, int, error) {
	start := len(b)
	if s.rowCache == nil {
		b = s.appendRowHead(b, i)
		head := len(b)
		b = appendRowRefs(b, i, refs)
		refsEnd := len(b)
		b, err := s.appendRowTail(b, i, l.root, l.embed)
		return b, head, refsEnd, err
	}
	k := rowKeyOf(s.rowSum(i), l.variant)
	if row, ok := s.rowsPrev[k]; ok && row.variant == l.variant && rowOf(row, s.eventID(i)) {
		b = append(b, row.b[:row.head]...)
		head := len(b)
		b = appendRowRefs(b, i, refs)
		refsEnd := len(b)
		if !l.derive {
			b = append(b, row.b[row.head:]...)
		} else if b, ok = appendEmbedTail(b, row.b[row.head:]); !ok {
			b, err := s.appendRow(b[:start], i, l.root, l.embed, refs)
			return b, -1, -1, err
		}
		rec.reuse(k, row)
		return b, head, refsEnd, nil
	}
	b = s.appendRowHead(b, i)
	head := len(b)
	b = appendRowRefs(b, i, refs)
	refsEnd := len(b)
	b, err := s.appendRowTail(b, i, l.root, l.embed)
	if err != nil || l.embed {
		return b, head, refsEnd, err
	}
	if n := len(b) - start - (refsEnd - head); s.rowCache.added.Add(int64(n)) <= int64(rowCacheMax) {
		rec.copy(k, l.variant, b[start:head], b[refsEnd:]) // without the references
	}
	return b, head, refsEnd, nil
}

// appendEmbedTail appends the tail of a plain page's row (appendRowTail) as
// the embed page one level below it writes it: every link's address has
// one more "../" before it and target="_top" after it, as appendSitePath
// and appendLinkTail write them for the embed page's root. The row's text
// is escaped, so its only `href="` are its links'. False (and b unusable)
// when an address is not one appendHrefParts writes unchanged.
func appendEmbedTail(b, tail []byte) ([]byte, bool) {
	const attr = `href="`
	for {
		j := bytes.Index(tail, []byte(attr))
		if j < 0 {
			return append(b, tail...), true
		}
		j += len(attr)
		q := bytes.IndexByte(tail[j:], '"')
		if q < 0 || !plainHref(tail[j:j+q]) {
			return b, false
		}
		b = append(b, tail[:j]...)
		b = append(b, "../"...)
		b = append(b, tail[j:j+q+1]...)
		b = append(b, ` target="_top"`...)
		tail = tail[j+q+1:]
	}
}

// rowOf says whether row is a row of the event with the given ID.
func rowOf(row cachedRow, id string) bool {
	h := row.b[:row.head]
	return len(h) > len(rowHeadStart)+len(id) && string(h[len(rowHeadStart):len(rowHeadStart)+len(id)]) == id &&
		h[len(rowHeadStart)+len(id)] == '"'
}
