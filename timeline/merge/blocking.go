package merge

import (
	"cmp"
	"math"
	"math/bits"
	"slices"
)

// The posting lists of the blocking (see pairs.go), and the scan that
// proposes cross-article pairs from them.
//
// Most entries a list holds cannot pass mayJoinAcross with a given
// candidate: a range never joins a single date, and a title without an
// event class joins another title only when the two are the same set of
// stems or (four stems and more) nearly so. So each list is cut into four
// segments, by range or single date and by classed or unclassed title, and
// the unclassed segments are sorted by title size and hash: a candidate
// scans the segment of its own kind, and finds in the others only the
// entries with its own title size and hash (or, unclassed, the few sizes a
// near-identical title can have), by binary search. Every pair the full scan
// proposed and mayJoinAcross let through is still proposed, but for those
// found by title size and hash, which can only join an equal title: they
// are taken from one list of the group, as an equal title is in all of
// them (see scan). The others are never looked at.

// posting is one blocking-list entry. It carries what the exact pre-filters
// (mayJoinAcross) read, so that scanning a list touches one contiguous slice
// and most proposed pairs are dismissed without reading either candidate.
type posting struct {
	pos     int32  // index in pairIndex.cands
	article int32  // article, interned
	classes uint32 // event classes of the title
	hash    uint32 // hash of the title stem set: equal sets hash alike
	nTitle  int32  // number of title stems
	lead    bool
	hasEnd  bool
}

func postingOf(x *pairIndex, p int) posting {
	c := &x.cands[p]
	return posting{pos: int32(p), article: c.article, classes: c.classes, hash: c.hash,
		nTitle: c.nTitle, lead: c.lead, hasEnd: c.end >= 0}
}

// setHash is FNV-1a over a set's sorted IDs.
func setHash(ids []int32) uint32 {
	h := uint32(2166136261)
	for _, id := range ids {
		h = (h ^ uint32(id)) * 16777619
	}
	return h
}

// A list's segments, in this order: single dates with a classed title (in
// pairIndex order), single dates unclassed (by title size, hash, then
// pairIndex order), then the same two for ranges.
const (
	segClassed   = 0
	segUnclassed = 1
	segments     = 4
)

func segmentOf(q *posting) int {
	s := segClassed
	if q.classes == 0 {
		s = segUnclassed
	}
	if q.hasEnd {
		s += 2
	}
	return s
}

// MaxPosting fits a segment end in a byte.
const _ = uint8(MaxPosting)

// postingList locates one list's entries in its group's postings: segment
// s is postings[from+ends[s-1] : from+ends[s]] (ends[-1] being 0). A list
// longer than MaxPosting is too common to propose pairs, so it keeps no
// entries: only long is set.
type postingList struct {
	from int32
	ends [segments]uint8
	long bool
}

// postingGroup holds the lists of one start date value, by stem.
type postingGroup struct {
	stems    []int32 // each list's stem, ascending
	lists    []postingList
	postings []posting
}

// blocking holds the posting lists, grouped by start date value.
type blocking struct {
	groupOf   []int32 // start date value (interned) -> group, -1 when none
	groups    []postingGroup
	ancestors [][]int32 // group -> groups of the other values whose span contains its value
}

// newBlocking builds the posting lists of the candidates with a known start,
// which pairIndex lays out grouped by start date value: one group per value,
// built on workers.
func newBlocking(x *pairIndex) *blocking {
	bl := &blocking{groupOf: make([]int32, len(x.dateIDs))}
	for i := range bl.groupOf {
		bl.groupOf[i] = -1
	}
	// Run r, the candidates of one start date value, is
	// x.cands[runFrom[r]:runFrom[r+1]].
	runFrom := []int{}
	for from := 0; from < len(x.cands); {
		to := x.valueRun(from)
		runFrom = append(runFrom, from)
		from = to
	}
	runFrom = append(runFrom, len(x.cands))
	nRuns := len(runFrom) - 1
	bl.groups = make([]postingGroup, nRuns)
	scratch := make([]fillScratch, workerCount(nRuns, runGrain))
	parallelOn(len(scratch), nRuns, runGrain, func(w, lo, hi int) {
		for r := lo; r < hi; r++ {
			bl.groups[r].fill(x, runFrom[r], runFrom[r+1], &scratch[w])
		}
	})
	for r := 0; r < nRuns; r++ {
		bl.groupOf[x.cands[runFrom[r]].dateID] = int32(r)
	}
	bl.ancestors = make([][]int32, nRuns)
	for v, us := range ancestorValues(x.byValue) {
		g := bl.groupOf[x.dateIDs[v]]
		for _, u := range us {
			bl.ancestors[g] = append(bl.ancestors[g], bl.groupOf[x.dateIDs[u]])
		}
	}
	return bl
}

// runGrain is how many start date values one worker takes at a time.
var runGrain = 16

// valueRun returns the end of the run of candidates from "from" on that
// share its start date value.
func (x *pairIndex) valueRun(from int) (to int) {
	for to = from; to < len(x.cands) && x.cands[to].dateID == x.cands[from].dateID; to++ {
	}
	return to
}

// fillScratch is a worker's scratch for building groups.
type fillScratch struct {
	keys    []uint64 // stem<<32 | position, of one group
	tmp     []uint64 // sortByStem's second buffer
	entries []posting
}

// fill builds the group of the candidates x.cands[from:to] (one start date
// value).
func (g *postingGroup) fill(x *pairIndex, from, to int, scratch *fillScratch) {
	keys := scratch.keys[:0]
	for p := from; p < to; p++ {
		c := &x.cands[p]
		if !c.hasStart {
			continue
		}
		for _, s := range x.title(c) { // stem IDs and positions are not negative
			keys = append(keys, uint64(s)<<32|uint64(p))
		}
	}
	keys = sortByStem(keys, &scratch.tmp, x.stems)
	lists, kept := 0, 0
	eachRun(keys, func(run []uint64) {
		lists++
		if len(run) <= MaxPosting {
			kept += len(run)
		}
	})
	g.stems = make([]int32, 0, lists)
	g.lists = make([]postingList, 0, lists)
	g.postings = make([]posting, 0, kept)
	eachRun(keys, func(run []uint64) {
		g.stems = append(g.stems, int32(run[0]>>32))
		l := postingList{from: int32(len(g.postings)), long: len(run) > MaxPosting}
		if !l.long {
			g.addList(x, &l, run, scratch)
		}
		g.lists = append(g.lists, l)
	})
	scratch.keys = keys
}

// sortByStem sorts keys (stem<<32 | position, stems below stems) as
// slices.Sort does, given that they come in increasing position (fill's
// loop) and each once: then ordering them by stem alone, stably, orders
// them wholly. Long lists are sorted so, by a radix sort on the stem's
// bytes (a pass per byte of the largest stem, counting then scattering,
// between keys and *tmp; the result is whichever holds it last); short
// ones by slices.Sort.
func sortByStem(keys []uint64, tmp *[]uint64, stems int) []uint64 {
	passes := (bits.Len(uint(max(stems-1, 1))) + 7) / 8
	if len(keys) < 64*passes {
		slices.Sort(keys)
		return keys
	}
	if cap(*tmp) < len(keys) {
		*tmp = make([]uint64, len(keys), 2*len(keys))
	}
	src, dst := keys, (*tmp)[:len(keys)]
	for pass := range passes {
		shift := uint(32 + 8*pass)
		var at [257]int
		for _, k := range src {
			at[k>>shift&0xff+1]++
		}
		for b := 1; b < len(at); b++ {
			at[b] += at[b-1]
		}
		for _, k := range src {
			b := k >> shift & 0xff
			dst[at[b]] = k
			at[b]++
		}
		src, dst = dst, src
	}
	if passes%2 == 1 { // the sorted keys are in *tmp: swap the buffers
		*tmp = keys
	}
	return src
}

// eachRun calls do with each run of keys of one stem.
func eachRun(keys []uint64, do func(run []uint64)) {
	for from := 0; from < len(keys); {
		to := from + 1
		for to < len(keys) && keys[to]>>32 == keys[from]>>32 {
			to++
		}
		do(keys[from:to])
		from = to
	}
}

// addList appends one list's entries (keys in pairIndex order) segment by
// segment, and sorts its unclassed segments by title size and hash. The
// entries are read once into scratch, then placed.
func (g *postingGroup) addList(x *pairIndex, l *postingList, keys []uint64, scratch *fillScratch) {
	entries := scratch.entries[:0]
	var count [segments]int
	for _, key := range keys {
		entries = append(entries, postingOf(x, int(uint32(key))))
		count[segmentOf(&entries[len(entries)-1])]++
	}
	scratch.entries = entries
	var at [segments]int // where each segment's next entry goes
	n := len(g.postings)
	for s := 0; s < segments; s++ {
		at[s] = n
		n += count[s]
		l.ends[s] = uint8(n - int(l.from))
	}
	g.postings = g.postings[:n]
	for k := range keys {
		s := segmentOf(&entries[k])
		g.postings[at[s]] = entries[k]
		at[s]++
	}
	for _, s := range [...]int{segUnclassed, segUnclassed + 2} {
		if seg := g.segment(l, s); len(seg) > 1 {
			slices.SortFunc(seg, compareTitleKeys)
		}
	}
}

func (g *postingGroup) segment(l *postingList, s int) []posting {
	from := l.from
	if s > 0 {
		from += int32(l.ends[s-1])
	}
	return g.postings[from : l.from+int32(l.ends[s])]
}

// titleKey orders unclassed segments: title size, then hash.
func titleKey(q *posting) uint64 { return uint64(uint32(q.nTitle))<<32 | uint64(q.hash) }

func compareTitleKeys(a, b posting) int {
	if c := cmp.Compare(titleKey(&a), titleKey(&b)); c != 0 {
		return c
	}
	return cmp.Compare(a.pos, b.pos)
}

// find returns the list of stem in group g and its group (nil when there is none).
func (bl *blocking) find(g, stem int32) (*postingGroup, *postingList) {
	grp := &bl.groups[g]
	k, ok := searchSorted(grp.stems, stem)
	if !ok {
		return nil, nil
	}
	return grp, &grp.lists[k]
}

// searchSorted finds x in the ascending a. Each step moves by arithmetic
// instead of a branch that the processor would mispredict half the time
// (the compiler does not turn this one into a conditional move).
func searchSorted(a []int32, x int32) (int, bool) {
	if len(a) == 0 {
		return 0, false
	}
	base, n := 0, len(a)
	for n > 1 {
		half := n / 2
		d := int64(x) - int64(a[base+half]) // negative when a[mid] > x
		base += half &^ int(d>>63)
		n -= half
	}
	return base, a[base] == x
}

// firstTitleKey returns the index of the first entry of the sorted
// unclassed segment whose titleKey is at least key (len(seg) when none is),
// branch-free as searchSorted. Keys are below 1<<63.
func firstTitleKey(seg []posting, key uint64) int {
	if len(seg) == 0 {
		return 0
	}
	base, n := 0, len(seg)
	for n > 1 {
		half := n / 2
		d := int64(titleKey(&seg[base+half])) - int64(key) // negative when below key
		base += half & int(d>>63)
		n -= half
	}
	if titleKey(&seg[base]) < key {
		base++
	}
	return base
}

// proposer proposes the cross-article pairs of one candidate, own (at p in
// pairIndex order), and scores those mayJoinAcross lets through.
type proposer struct {
	x      *pairIndex
	c      *pairCand
	own    posting
	seen   []int32 // seen[q] == mark: the pair with q was proposed already
	mark   int32
	m      *marks
	marked bool // m holds own's stems
	edges  *edgeList
	// Title sizes a near-identical unclassed title can have (near false
	// when own's title is classed or too small to be near-identical).
	lo, hi int32
	near   bool
}

// crossArticlePairs scores the pairs of different articles that the
// blocking proposes: for each candidate, those sharing a title stem with it
// whose start value is its own (the earlier ones in pairIndex order) or a
// coarser one that contains it. Posting lists longer than MaxPosting are
// skipped. It proposes the pairs of the candidates from..to-1 (in date
// order); seen is scratch of len(x.cands).
func crossArticlePairs(x *pairIndex, bl *blocking, from, to int, seen []int32, m *marks, edges *edgeList) {
	var groups []int32
	var titled []bool // titled[gi]: a list of groups[gi] was scanned for own's title already
	pr := proposer{x: x, seen: seen, m: m, edges: edges}
	for p := from; p < to; p++ {
		c := &x.cands[p]
		if !c.hasStart {
			continue
		}
		pr.start(p)
		g := bl.groupOf[c.dateID]
		groups = append(append(groups[:0], g), bl.ancestors[g]...)
		titled = slices.Grow(titled[:0], len(groups))[:len(groups)]
		clear(titled)
		for _, s := range x.title(c) {
			for gi, h := range groups {
				before := int32(math.MaxInt32)
				if gi == 0 {
					before = int32(p) // same value: each pair once, from its later member
				}
				if grp, l := bl.find(h, s); l != nil && !l.long {
					pr.scan(grp, l, before, !titled[gi])
					titled[gi] = true
				}
			}
		}
	}
}

func (pr *proposer) start(p int) {
	pr.c = &pr.x.cands[p]
	pr.own = postingOf(pr.x, p)
	pr.mark = int32(p + 1)
	pr.marked = false
	pr.lo, pr.hi, pr.near = 0, 0, false
	if pr.own.classes == 0 {
		pr.lo, pr.hi, pr.near = nearSizes(pr.own.nTitle)
	}
}

// scan proposes the pairs with the entries of one list that may pass
// mayJoinAcross, among those before pairIndex position "before". The
// entries found by own's title size and hash (scanRun, and the classed
// ones an unclassed own takes) can reach Threshold only with own's very
// title (see equalBelow), which is in every list of own's stems in the
// group: they are proposed only when sameTitle is set, for the first list
// of the group scanned. The other lists proposed them again (as many times
// as own has stems, each set apart by seen) or proposed a title of the
// same size and hash but other stems, which cannot score enough.
func (pr *proposer) scan(g *postingGroup, l *postingList, before int32, sameTitle bool) {
	kind := 0
	if pr.own.hasEnd {
		kind = 2
	}
	classed, unclassed := g.segment(l, kind+segClassed), g.segment(l, kind+segUnclassed)
	own := &pr.own
	if own.classes != 0 {
		for k := range classed {
			if classed[k].pos >= before {
				break
			}
			pr.consider(&classed[k])
		}
		if sameTitle {
			pr.scanRun(unclassed, before) // same title only
		}
		return
	}
	// Unclassed: a classed title joins only with the same title.
	if sameTitle {
		for k := range classed {
			q := &classed[k]
			if q.pos >= before {
				break
			}
			if q.nTitle == own.nTitle && q.hash == own.hash {
				pr.consider(q)
			}
		}
	}
	if !pr.near {
		if sameTitle {
			pr.scanRun(unclassed, before) // same title only
		}
		return
	}
	pr.scanSizes(unclassed, before, sameTitle)
}

// equalBelow: titles of fewer stems than this are near-identical to a
// title of their size only when the two are the same set (2c/2m >= 0.90
// needs c = m). Without a shared event class and near-identical titles a
// pair scores at most 0.30*dice(titles) + 0.30*dice(contexts), so below
// Threshold unless the title sets are the same.
const equalBelow = 10

// scanRun proposes the entries of an unclassed segment with own's title
// (its size and hash), in pairIndex order.
func (pr *proposer) scanRun(seg []posting, before int32) {
	n := pr.own.nTitle
	if n <= 0 {
		return
	}
	want := uint64(uint32(n))<<32 | uint64(pr.own.hash)
	for k := firstTitleKey(seg, want); k < len(seg) && titleKey(&seg[k]) == want; k++ {
		if seg[k].pos >= before {
			break
		}
		pr.consider(&seg[k])
	}
}

// scanSizes proposes the entries of an unclassed segment whose title size
// is in own's near-identical window: of own's size, only those with its
// hash when that size is below equalBelow, and those only when sameTitle
// is set (see scan).
func (pr *proposer) scanSizes(seg []posting, before int32, sameTitle bool) {
	m := pr.own.nTitle
	for k := firstTitleKey(seg, uint64(uint32(pr.lo))<<32); k < len(seg) && seg[k].nTitle <= pr.hi; {
		n := seg[k].nTitle
		if n == m && m < equalBelow {
			if sameTitle {
				pr.scanRun(seg, before)
			}
			for k < len(seg) && seg[k].nTitle == n {
				k++
			}
			continue
		}
		for ; k < len(seg) && seg[k].nTitle == n; k++ {
			if seg[k].pos < before {
				pr.consider(&seg[k])
			}
		}
	}
}

// consider applies the exact pre-filters to the pair of own and q, and
// scores it when they let it through.
func (pr *proposer) consider(q *posting) {
	own := &pr.own
	if q.article == own.article || kindsDiffer(own.classes, q.classes) || pr.seen[q.pos] == pr.mark {
		return
	}
	pr.seen[q.pos] = pr.mark
	if !mayJoinAcross(own, q) {
		return
	}
	if !pr.marked {
		pr.m.set(pr.c)
		pr.marked = true
	}
	if e, ok := pr.m.edge(&pr.x.cands[q.pos]); ok {
		pr.edges.add(e)
	}
}

// nearSizes returns the title sizes n for which mayBeNearIdentical can hold
// with a title of m stems, computed as it computes them: [lo, hi], false
// when there are none.
func nearSizes(m int32) (lo, hi int32, ok bool) {
	if m < 2 {
		return 0, 0, false
	}
	lo, hi = m, m
	for lo > 2 && 2*float64(lo-1)/float64(m+lo-1) >= NearIdentical {
		lo--
	}
	for 2*float64(m)/float64(m+hi+1) >= NearIdentical {
		hi++
	}
	return lo, hi, true
}
