package render

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"runtime"
	"runtime/debug"
	"slices"
	"testing"

	"github.com/newsline/timeline/timeline"
	"github.com/newsline/timeline/timeline/merge"
	"github.com/newsline/timeline/timeline/overrides"
)

// TestRowCacheRowsAreRendered plans and renders a paginated timeline with
// one PlanBuffers through edits that change a row (a title), its neighbours
// (an event added beside it), the entity numbers of the other rows on its
// page (an entity that sorts first), what an overrides file changes (a
// title, a date, a hidden event), a cited article's label, and the settings
// (so the cfgKey, which hashes the templates too): every page must be the
// bytes a plan without PlanBuffers renders, and the rows must have been
// reused (except after the settings change, which drops them).
func TestRowCacheRowsAreRendered(t *testing.T) {
	defer func(n int) { paginateAbove = n }(paginateAbove)
	paginateAbove = 40
	cfg := Config{Title: "Rows"}
	buffers := &PlanBuffers{}
	tl := synthetic(t, 1200)
	var memo *Memo
	var last timeline.Timeline
	step := func(what string, next timeline.Timeline, cfg Config, wantReuse bool) {
		t.Helper()
		lent := cfg
		lent.Buffers = buffers
		var ch *timeline.Changes
		if memo != nil && last.Events != nil {
			ch = referenceChanges(last, next)
		}
		before := buffers.rows.reused.Load()
		inc, err := PlanIncremental(next, lent, memo, ch)
		if err != nil {
			t.Fatal(err)
		}
		full, err := Plan(next, cfg)
		if err != nil {
			t.Fatal(err)
		}
		samePlan(t, what, inc.Pages, full, true)
		reused := buffers.rows.reused.Load() - before
		if wantReuse && reused == 0 {
			t.Errorf("%s: no row reused", what)
		}
		if !wantReuse && reused != 0 {
			t.Errorf("%s: %d rows reused, want none", what, reused)
		}
		memo, last = roundTrip(t, inc), next
	}
	edit := func(f func(tl *timeline.Timeline)) timeline.Timeline {
		out := timeline.Timeline{Events: slices.Clone(tl.Events), Articles: slices.Clone(tl.Articles)}
		f(&out)
		merge.SortEvents(out.Events)
		tl = out
		return out
	}
	step("first", tl, cfg, false)
	step("again", tl, cfg, true)
	k := len(tl.Events) / 2
	step("title", edit(func(tl *timeline.Timeline) { tl.Events[k].Title = "A new title" }), cfg, true)
	step("neighbour", edit(func(tl *timeline.Timeline) {
		ev := tl.Events[k]
		ev.ID, ev.Title = "beside0001", "Beside it"
		tl.Events = slices.Insert(tl.Events, k+1, ev)
	}), cfg, true)
	step("entity", edit(func(tl *timeline.Timeline) {
		ev := &tl.Events[k]
		ev.Entities = append(slices.Clone(ev.Entities), timeline.Entity{Name: "Aaaa, sorted first", Kind: timeline.Person})
	}), cfg, true)
	step("entity dropped", edit(func(tl *timeline.Timeline) {
		ev := &tl.Events[k]
		ev.Entities = slices.Clone(ev.Entities[:len(ev.Entities)-1])
	}), cfg, true)
	step("override", edit(func(tl *timeline.Timeline) {
		src := fmt.Sprintf("- id: %s\n  title: Overridden title\n- id: %s\n  date: 1999-03\n- id: %s\n  hide: true\n",
			tl.Events[k-1].ID, tl.Events[k+3].ID, tl.Events[k+5].ID)
		f, err := overrides.Parse("overrides.yaml", []byte(src))
		if err != nil {
			t.Fatal(err)
		}
		if errs := f.Apply(tl); len(errs) > 0 {
			t.Fatal(errs)
		}
	}), cfg, true)
	step("article label", edit(func(tl *timeline.Timeline) { tl.Articles[0].Meta.Publisher = "Another Publisher" }), cfg, true)
	other := cfg
	other.Title = "Rows, renamed"
	step("settings", tl, other, false)
	step("settings again", tl, other, true)
}

// TestRowCacheKeepsAtMost: a cache full at rowCacheMax stops keeping rows,
// and what it kept is still reused with the same bytes.
func TestRowCacheKeepsAtMost(t *testing.T) {
	defer func(n, m int) { paginateAbove, rowCacheMax = n, m }(paginateAbove, rowCacheMax)
	paginateAbove, rowCacheMax = 40, 20<<10
	cfg := Config{Title: "Rows"}
	lent := cfg
	lent.Buffers = &PlanBuffers{}
	tl := synthetic(t, 600)
	for round := 0; round < 3; round++ {
		planSameWithBuffers(t, fmt.Sprint("round ", round), tl, lent, cfg)
		// What the plan found kept: the rows the pages of the round before wrote.
		if size := lent.Buffers.rows.size; round > 0 && (size > rowCacheMax || size < rowCacheMax/2) {
			t.Fatalf("round %d: %d bytes of rows kept, want at most %d (and not far below)", round, size, rowCacheMax)
		}
	}
	if lent.Buffers.rows.reused.Load() == 0 {
		t.Error("no row reused")
	}
}

// TestRowOfChecksTheID: a kept row is another event's when its ID differs,
// even by a prefix.
func TestRowOfChecksTheID(t *testing.T) {
	row := cachedRow{b: []byte(rowHeadStart + `ab-1" data-y="2020"><span>`), head: int32(len(rowHeadStart + `ab-1" data-y="2020"`))}
	for id, want := range map[string]bool{"ab-1": true, "ab": false, "ab-12": false, "ab-2": false, "": false} {
		if got := rowOf(row, id); got != want {
			t.Errorf("rowOf(%q) = %v, want %v", id, got, want)
		}
	}
	if !bytes.HasPrefix(row.b, []byte(rowHeadStart)) {
		t.Fatal("bad fixture")
	}
}

// TestEmbedTailAsRendered: a plain page's row tail made into an embed
// page's (one level below) is what appendRowTail writes for the embed page,
// for every event of a timeline whose events cite one to three articles, at
// the roots of the timeline, year and month pages; an address appendHref
// would escape is refused.
func TestEmbedTailAsRendered(t *testing.T) {
	tl := synthetic(t, 400)
	for i := range tl.Events {
		ev := &tl.Events[i]
		for j := 0; j < i%3; j++ {
			m := ev.Mentions[0]
			m.Article = tl.Articles[(i+j+1)%len(tl.Articles)].Slug
			ev.Mentions = append(ev.Mentions, m)
		}
	}
	s, err := newSite(tl, Config{Title: "Embed"})
	if err != nil {
		t.Fatal(err)
	}
	for _, root := range []string{"", "../", "../../", "../../../"} {
		for i := range tl.Events {
			plain, err := s.appendRowTail(nil, i, root, false)
			if err != nil {
				t.Fatal(err)
			}
			want, err := s.appendRowTail(nil, i, "../"+root, true)
			if err != nil {
				t.Fatal(err)
			}
			got, ok := appendEmbedTail([]byte("x"), plain)
			if !ok || string(got) != "x"+string(want) {
				t.Fatalf("root %q, event %d: embed tail\n got %q (%v)\nwant %q", root, i, got, ok, want)
			}
		}
	}
	if _, ok := appendEmbedTail(nil, []byte(`<a href="../a b/index.html">x</a>`)); ok {
		t.Error("an address with a space was taken as written unchanged")
	}
}

// TestRowCacheGivesWay: under memory pressure a plan keeps no rows and
// reuses none, and renders the same pages; heapNearLimit sees a limit
// below twice the live heap, and none.
func TestRowCacheGivesWay(t *testing.T) {
	defer func(n int, f func() bool) { paginateAbove, memoryPressed = n, f }(paginateAbove, memoryPressed)
	paginateAbove = 40
	cfg := Config{Title: "Rows"}
	lent := cfg
	lent.Buffers = &PlanBuffers{}
	tl := synthetic(t, 600)
	for round, pressed := range []bool{false, false, true, true, false, false} {
		memoryPressed = func() bool { return pressed }
		before := lent.Buffers.rows.reused.Load()
		planSameWithBuffers(t, fmt.Sprint("round ", round), tl, lent, cfg)
		reused, kept := lent.Buffers.rows.reused.Load()-before, len(lent.Buffers.rows.rows)
		switch {
		case pressed && (reused != 0 || kept != 0):
			t.Fatalf("round %d, pressed: %d rows reused, %d kept", round, reused, kept)
		case !pressed && round%2 == 1 && reused == 0:
			t.Fatalf("round %d: no row reused", round)
		}
	}
	old := debug.SetMemoryLimit(1)
	near := heapNearLimit()
	debug.SetMemoryLimit(math.MaxInt64)
	none := heapNearLimit()
	debug.SetMemoryLimit(old)
	if !near || none {
		t.Errorf("heapNearLimit: %v under a 1-byte limit, %v under none", near, none)
	}
}

// TestRowCacheHoldsWhatItCounts: a Session whose builds each retitle one
// event rewrites that event's pages, which write one new row each and
// reuse the others. The heap the kept rows hold (measured: the live heap
// with them, less without) must stay near the bytes counted against
// rowCacheMax: at most twice them, plus the map. (Each page's new rows
// were copied into 64 KB slabs, and a slab stayed while any of its rows was
// reused: 30 edits at 3,000 events, ~75 KB counted and megabytes held.)
func TestRowCacheHoldsWhatItCounts(t *testing.T) {
	cfg := Config{Title: "Held"}
	lent := cfg
	lent.Buffers = &PlanBuffers{}
	tl := synthetic(t, 3000)
	keys := map[string]string{}
	build := func(tl timeline.Timeline) {
		t.Helper()
		pages, err := Plan(tl, lent)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range pages {
			if keys[p.Path] == p.Key {
				continue
			}
			keys[p.Path] = p.Key
			if err := p.Render(io.Discard); err != nil {
				t.Fatal(err)
			}
		}
	}
	build(tl)
	var year []int
	for i := range tl.Events {
		if tl.Events[i].Start.Start.Year() == tl.Events[len(tl.Events)/2].Start.Start.Year() {
			year = append(year, i)
		}
	}
	for r := 0; r < 30; r++ {
		out := timeline.Timeline{Events: slices.Clone(tl.Events), Articles: tl.Articles}
		out.Events[year[r%len(year)]].Title = fmt.Sprintf("Corrected title %d", r)
		tl = out
		build(tl)
	}
	if _, err := Plan(tl, lent); err != nil { // its begin keeps the last build's rows
		t.Fatal(err)
	}
	c := &lent.Buffers.rows
	heap := func() int64 {
		var m runtime.MemStats
		runtime.GC()
		runtime.GC()
		runtime.ReadMemStats(&m)
		return int64(m.HeapAlloc)
	}
	with := heap()
	n, size := len(c.rows), c.size
	c.rows, c.pending = nil, nil
	held := with - heap()
	runtime.KeepAlive(lent.Buffers) // its lent arrays, and all else, live in both
	runtime.KeepAlive(tl)
	runtime.KeepAlive(keys)
	t.Logf("%d rows kept, %d KB counted, %d KB held", n, size>>10, held>>10)
	if n == 0 || size == 0 {
		t.Fatal("no rows kept")
	}
	if limit := int64(2*size + 160*n + 64<<10); held > limit {
		t.Errorf("%d rows of %d KB hold %d KB of heap, want at most %d KB", n, size>>10, held>>10, limit>>10)
	}
}

// TestCompactRowsMovesSparseArenas: a row kept from an arena whose other
// rows are gone is copied into a new arena of its size; rows that fill at
// least half their arena stay where they are; the bytes are unchanged.
func TestCompactRowsMovesSparseArenas(t *testing.T) {
	big := make([]byte, 1000)
	copy(big, "lonely row")
	full := []byte("row one row two")
	sparse, dense := &rowArena{size: len(big)}, &rowArena{size: len(full)}
	rows := rowMap{
		1: {b: big[:10:10], arena: sparse, head: 3},
		2: {b: full[:7:7], arena: dense},
		3: {b: full[8:], arena: dense},
	}
	compactRows(rows)
	if r := rows[1]; string(r.b) != "lonely row" || r.arena == sparse || r.arena.size >= 2*len(r.b) || r.head != 3 || &r.b[0] == &big[0] {
		t.Errorf("sparse row: %q in an arena of %d, head %d", r.b, r.arena.size, r.head)
	}
	if r := rows[2]; string(r.b) != "row one" || r.arena != dense || &r.b[0] != &full[0] {
		t.Errorf("dense row moved: %q", r.b)
	}
	if r := rows[3]; string(r.b) != "row two" || r.arena != dense {
		t.Errorf("dense row moved: %q", r.b)
	}
}

// planSameWithBuffers plans tl with lent (a Config with Buffers) and with cfg
// (the same without) and fails the test unless the two plans are the same.
func planSameWithBuffers(t *testing.T, name string, tl timeline.Timeline, lent, cfg Config) {
	t.Helper()
	got, err := Plan(tl, lent)
	if err != nil {
		t.Fatal(err)
	}
	want, err := Plan(tl, cfg)
	if err != nil {
		t.Fatal(err)
	}
	samePlan(t, name, got, want, true)
}

// TestKeptRowsStayInTheirArray: a page's new rows are written into an array
// sized for a few rows (firstRows), then, once they do not fit, for the
// page's rows not written yet (sizeFor, grow), which keep hands to the
// cache as their arena when they fill at least half of it; a mostly empty
// array is copied into one of the rows' size. The rows' bytes are what was
// written either way, and the rows reused are left as they were. Fails
// when the first array is made for all the page's rows (sparse, one of
// 1,000: arrays of 44,800 and 112,000 bytes for 400 and 100 bytes of
// rows), when the second is not made for the rest (all new: 7 arrays), and
// when keep always copies.
func TestKeptRowsStayInTheirArray(t *testing.T) {
	for _, c := range []struct {
		name      string
		mean      int64            // rowBytes, the mean row of the last page
		sizedFor  int              // rows sizeFor is told of
		isNew     func(i int) bool // row i new, else reused
		rows      int              // rows written
		inPlace   bool
		maxArrays int // arrays buf is made as
		maxCap    int // bytes of the largest
	}{
		{"all new", 100, 40, func(int) bool { return true }, 40, true, 2, 4500},
		{"first half new", 100, 40, func(i int) bool { return i < 20 }, 40, false, 2, 4500},
		{"sparse", 100, 400, func(i int) bool { return i%100 == 7 }, 400, true, 1, 448},
		{"one of 1,000", 100, 1000, func(i int) bool { return i == 500 }, 1000, false, 1, 448},
		{"last row", 100, 1000, func(i int) bool { return i == 999 }, 1000, true, 1, 112},
		{"grown", 100, 2, func(int) bool { return true }, 40, true, 6, 8192},
		{"rows over the mean", 50, 40, func(int) bool { return true }, 40, true, 3, 4656},
	} {
		var cache rowCache
		cache.rowBytes.Store(c.mean)
		var rec rowRecorder
		rec.sizeFor(&cache, c.sizedFor)
		var want [][]byte
		var reused []cachedRow
		arrays, maxCap := 0, 0
		var at *byte
		fresh := 0
		for i := 0; i < c.rows; i++ {
			head := []byte(fmt.Sprintf(`%s%04d"`, rowHeadStart, i))
			tail := bytes.Repeat([]byte{byte('a' + i%26)}, 100-len(head)) // rows of 100 bytes
			want = append(want, append(slices.Clone(head), tail...))
			if !c.isNew(i) {
				row := cachedRow{b: want[i], head: int32(len(head)), variant: 1}
				rec.reuse(uint64(i+1), row)
				reused = append(reused, row)
				continue
			}
			rec.copy(uint64(i+1), 1, head, tail)
			fresh++
			if p := &rec.buf[:1][0]; p != at {
				at, arrays, maxCap = p, arrays+1, max(maxCap, cap(rec.buf))
			}
		}
		written := rec.buf
		cache.keep(&rec)
		if len(cache.pending) != 1 {
			t.Fatalf("%s: %d recorders pending, want 1", c.name, len(cache.pending))
		}
		rows := cache.pending[0].rows
		if len(rows) != c.rows {
			t.Fatalf("%s: %d rows recorded, want %d", c.name, len(rows), c.rows)
		}
		var first *cachedRow
		for i := range rows {
			row := &rows[i]
			if !bytes.Equal(row.b, want[i]) {
				t.Fatalf("%s: row %d is %q, want %q", c.name, i, row.b, want[i])
			}
			if !c.isNew(i) {
				if &row.b[0] != &want[i][0] || row.arena != nil {
					t.Fatalf("%s: reused row %d moved", c.name, i)
				}
			} else if first == nil {
				first = row
			}
		}
		inPlace := &first.b[0] == &written[0]
		if inPlace != c.inPlace {
			t.Errorf("%s: rows kept in the array they were written into: %v, want %v", c.name, inPlace, c.inPlace)
		}
		if a := first.arena; 2*len(written) < a.size {
			t.Errorf("%s: %d bytes of rows in an arena of %d", c.name, len(written), a.size)
		}
		if arrays > c.maxArrays || maxCap > c.maxCap {
			t.Errorf("%s: rows written into %d arrays of up to %d bytes, want at most %d of up to %d", c.name, arrays, maxCap, c.maxArrays, c.maxCap)
		}
		if got := cache.rowBytes.Load(); got != int64(len(written)/fresh) {
			t.Errorf("%s: mean row %d bytes, want %d", c.name, got, len(written)/fresh)
		}
	}
}
