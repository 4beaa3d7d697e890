package render

import (
	"sync"
	"sync/atomic"
)

// rowTwin hands the rows a listing's plain page wrote to its embed page:
// the embed page lists the same events with the same entity numbers
// (pageEntities of the same list), so its rows are the plain page's with
// one more "../" before each link's address and a target after it
// (appendEmbedTail), made in a fraction of appendRowTail's time. Without a
// row cache (every `timeline build`, and a Session's first build after one
// that wrote no rows) both pages otherwise made every row.
//
// The plain page records its rows when it is the first of the two to
// come (record); the embed page takes them if the plain page is done
// (take), and else makes its rows itself and tells the plain page not to
// record. Neither waits for the other: a page of the pair rendered at the
// same time as the other makes its rows as before. The rows are taken by
// position and event, and any row that cannot be derived (appendEmbedTail)
// is made afresh, so the embed page's bytes are the same whichever way.
type rowTwin struct {
	mu    sync.Mutex
	state uint8 // twinFree, twinRecording, twinDone, twinGone
	rec   *twinRows
}

const (
	twinFree      = iota // neither page has come
	twinRecording        // the plain page is recording its rows
	twinDone             // the plain page's rows are there to take
	twinGone             // taken, or the embed page came first: nothing to record
)

// twinRows are a plain page's rows, one after another in b, in the order
// the page wrote them.
type twinRows struct {
	root   string // the plain page's
	b      []byte
	rows   []twinRow
	budget *twinBudget // the site's, counting cap(b)
}

// twinBudget is what a site's rowTwins hold.
type twinBudget struct {
	held     atomic.Int64 // bytes recorded and not yet taken
	rowBytes atomic.Int64 // the mean bytes of a row the last recording saw, for the next's array
}

// twinRow is one row of twinRows: b[start:end], its entity references
// b[head:refs].
type twinRow struct {
	event                  int32
	start, head, refs, end int32
}

// twinMax bounds the bytes of recorded rows a site holds at once (the
// rows of plain pages whose embed page has not come yet): a full build's
// listing pages come plain then embed, so one or two listings' rows at a
// time, but an embed page that never comes (unchanged) leaves its plain
// page's rows until the plan is dropped.
var twinMax int64 = 16 << 20

// twinRowsTaken counts the embed pages' rows written from their plain
// page's (appendRowTwin), for tests.
var twinRowsTaken atomic.Int64

var twinPool = sync.Pool{New: func() any { return new(twinRows) }}

// record returns where the plain page, of n rows, records its rows, or
// nil when it should not (the embed page came or took them already, or the
// site holds twinMax bytes of rows not yet taken). The array is sized for
// n rows of the mean size the last recording saw (else 512 bytes), plus
// an eighth: grown by append from empty, its copies were 4-9 MB more heap
// allocated per build at 10,000 articles.
func (t *rowTwin) record(budget *twinBudget, root string, n int) *twinRows {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.state != twinFree || budget.held.Load() >= twinMax {
		return nil
	}
	t.state = twinRecording
	r := twinPool.Get().(*twinRows)
	r.budget, r.root = budget, root
	per := budget.rowBytes.Load()
	if per == 0 {
		per = 512
	}
	if want := int(per) * n * 9 / 8; cap(r.b) < want {
		r.b = make([]byte, 0, want)
	}
	if cap(r.rows) < n {
		r.rows = make([]twinRow, 0, n)
	}
	budget.held.Add(int64(cap(r.b)))
	return r
}

// recorded ends the plain page's recording: its rows are the embed page's
// to take, or given back if the embed page came meanwhile.
func (t *rowTwin) recorded(r *twinRows) {
	if len(r.rows) > 0 {
		r.budget.rowBytes.Store(int64(len(r.b) / len(r.rows)))
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.state == twinRecording {
		t.state, t.rec = twinDone, r
		return
	}
	r.release()
}

// take returns the plain page's rows for the embed page, or nil (and no
// rows recorded after this) when there are none.
func (t *rowTwin) take() *twinRows {
	t.mu.Lock()
	defer t.mu.Unlock()
	r := t.rec
	t.state, t.rec = twinGone, nil
	return r
}

// add records row b (a row as appendRowParts wrote it, its references
// b[head:refs]) of event i.
func (r *twinRows) add(i int, b []byte, head, refs int) {
	start, before := len(r.b), cap(r.b)
	r.b = append(r.b, b...)
	if c := cap(r.b); c != before {
		r.budget.held.Add(int64(c - before))
	}
	r.rows = append(r.rows, twinRow{event: int32(i), start: int32(start), head: int32(start + head),
		refs: int32(start + refs), end: int32(len(r.b))})
}

// release gives r back for another plain page.
func (r *twinRows) release() {
	r.budget.held.Add(-int64(cap(r.b)))
	r.b, r.rows, r.budget = r.b[:0], r.rows[:0], nil
	twinPool.Put(r)
}

// appendRowTwin appends event i's row on an embed page from the row its
// plain page wrote at position n (r), when that is event i's and its
// links derive (appendEmbedTail); else as appendRowCached.
func (s *site) appendRowTwin(b []byte, i int, l *rowLook, refs refsFunc, rec *rowRecorder, r *twinRows, n int) ([]byte, error) {
	if n < len(r.rows) && r.rows[n].event == int32(i) {
		row := r.rows[n]
		start := len(b)
		b = append(b, r.b[row.start:row.refs]...)
		var ok bool
		if b, ok = appendEmbedTail(b, r.b[row.refs:row.end]); ok {
			twinRowsTaken.Add(1)
			return b, nil
		}
		b = b[:start]
	}
	return s.appendRowCached(b, i, l, refs, rec)
}
