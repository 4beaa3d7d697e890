package render

// PlanBuffers lends a plan the per-event arrays of the plan made before it
// with the same PlanBuffers (Config.Buffers). A warm rebuild of 116,000
// events (timeline serve) otherwise allocated about 12 MB of them afresh on
// every plan: large allocations the runtime zeroes, or faults in again once
// the scavenger has returned them, and garbage that brings the next
// collection closer. Only arrays of numbers are lent (and lists cut from
// those), so what a PlanBuffers keeps between builds holds nothing of the
// timeline, the memo or the pages, apart from the listing rows the pages
// of a plan wrote (rowCache), which the next plan's pages reuse when their
// row hashes say they show the same.
//
// A plan given PlanBuffers overwrites the arrays of the previous plan given
// the same one, so that plan's pages must no longer be rendered: one plan at
// a time, each build done with its pages before the next plans (as a
// site.Session's builds are). The zero PlanBuffers is ready to use; a nil
// one lends nothing.
type PlanBuffers struct {
	a    planArrays
	rows rowCache // the listing rows of the last build that wrote any (rowCache)
}

// planArrays are the lent arrays; each is reused when large enough and
// replaced (and kept) when not. The contents a plan finds are its
// predecessor's: every user writes each element it reads.
type planArrays struct {
	digests, links       [][16]byte // site.eventDigests, site.linkDigests
	rows                 []uint64   // site.rowSums
	memoAt               []int32    // matchMemo's result
	fromMemo             []bool     // site.keyFromMemo
	slots                []idSlot   // checkNames' idSet (cleared before use)
	citeStart, citeIndex []int32    // site.cites
	entities             []int32    // the events' entity lists, one after another
	entityEnds           []int32    // site.entityEnds (the ends of the events' lists in entities)
	articleCounts        []int32    // presizeArticleEvents' counts (cleared before use)
	articleEvents        []int32    // the articles' event lists, one after another
	articleLists         [][]int32  // site.articleEvents: each a part of articleEvents
	pageOf               []int32    // pagination.byEvent
	pathEnds             []int32    // site.pathEnds
	listed               []int32    // the listing pages' events, one page after another
	memoKeys             []string   // Incremental.DetachMemo's copy of the page Keys
	gathered             [][16]byte // gatheredDigests' copy of every event's digest, for the exports
}

// arrays returns the arrays to lend: fresh ones, never kept, for a nil b.
func (b *PlanBuffers) arrays() *planArrays {
	if b == nil {
		return &planArrays{}
	}
	return &b.a
}

// lend returns *buf with n elements, reusing its array when it holds n and
// else allocating one with some room to grow (a site grows between builds)
// and keeping it in *buf. The elements are whatever the array held.
func lend[T any](buf *[]T, n int) []T {
	if cap(*buf) < n {
		*buf = make([]T, n, n+n/16)
	}
	*buf = (*buf)[:n]
	return *buf
}

// lent returns the arrays the site's plan borrows: Config.Buffers', or,
// for a site made without newSiteFrom (tests), fresh ones kept with it.
func (s *site) lent() *planArrays {
	if s.bufs == nil {
		s.bufs = &planArrays{}
	}
	return s.bufs
}

// RowsReused is the number of listing rows the plans given b wrote from the
// rows a plan before them kept (rowCache): for tests and statistics.
func (b *PlanBuffers) RowsReused() int64 { return b.rows.reused.Load() }
