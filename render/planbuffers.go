package render

import (
	"hash/maphash"
	"sync"
)

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
	ids  idVouch  // the event IDs of the last memo a plan given b wrote (idVouch)
}

// idVouch remembers the event IDs of the last memo written by a plan
// given these PlanBuffers: their count and a hash of the memo's ID section
// under a seed of its own, never written anywhere. That plan checked those
// IDs (checkNames: each a safe folder name and a slug, no two alike), and
// being safe, slugs and distinct is a property of the list alone: a memo
// read later whose ID section hashes the same under the seed holds that
// list, so its IDs need no check again (vouchedIDs). Nothing read from
// disk can set it, and without the seed no one can make other IDs hash
// the same but by chance (2^-64): a damaged or foreign memo, or one made
// to look like ours, is checked as before.
type idVouch struct {
	mu     sync.Mutex
	seed   maphash.Seed
	seeded bool
	set    bool   // a list was vouched for
	n      int    // its IDs
	sum    uint64 // maphash of its ID section under seed
}

// seedOf returns b's seed, made on first use.
func (v *idVouch) seedOf() maphash.Seed {
	v.mu.Lock()
	defer v.mu.Unlock()
	if !v.seeded {
		v.seed, v.seeded = maphash.MakeSeed(), true
	}
	return v.seed
}

// vouch records that the n IDs whose ID section hashes to sum (under
// seedOf's seed) were checked.
func (v *idVouch) vouch(n int, sum uint64) {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.set, v.n, v.sum = true, n, sum
}

// vouches reports whether m's IDs are the list vouched for.
func (v *idVouch) vouches(m *Memo) bool {
	v.mu.Lock()
	set, n, sum, seed := v.set, v.n, v.sum, v.seed
	v.mu.Unlock()
	return set && n == m.size() && maphash.String(seed, m.idSection()) == sum
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
