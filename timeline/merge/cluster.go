package merge

import (
	"cmp"
	"math/bits"
	"slices"
	"sort"
	"time"

	"github.com/newsline/timeline/timeline"
)

// edge is a scored pair of candidates (indices in canonical order, i < j).
type edge struct {
	score float64
	i, j  int32
}

// cluster groups the candidates: pairs scoring at least Threshold are joined
// strongest first (ties in canonical order), and a join is refused when any
// two members of the joined group break a hard rule. It returns groups of
// candidates, each in canonical order.
//
// A join only ever involves groups of one connected component of the edges,
// so the components are clustered on workers, each with its edges in the
// global order: the same joins as one pass over all edges.
func cluster(cands []*candidate, x *pairIndex, edges *edgeList) [][]*candidate {
	g := newGroups(len(cands))
	byComponent, from, keys := edgesByComponent(len(cands), edges)
	nComponents := len(from) - 1
	// refused remembers, per pair of roots, two members found incompatible:
	// groups only grow, so while both members still have those roots the
	// groups stay incompatible, and the many edges between two large groups
	// that were refused once are refused without comparing them all again.
	// Roots of different components differ, so a worker empties its table
	// after each component: it stays as small as the largest component
	// needs instead of growing with all of them.
	refused := make([]*table[uint64], workerCount(nComponents, componentGrain)) // packed roots -> packed members
	parallelOn(len(refused), nComponents, componentGrain, func(w, lo, hi int) {
		if refused[w] == nil {
			refused[w] = newResettable[uint64](64)
		}
		for c := lo; c < hi; c++ {
			for _, key := range byComponent[from[c]:from[c+1]] {
				i, j := keys.pair(key)
				g.consider(x, refused[w], i, j)
			}
			refused[w].reset()
		}
	})
	return g.collect(cands)
}

// componentGrain is how many components one worker takes at a time.
var componentGrain = 64

// consider joins the groups of i and j unless they are one already or a
// hard rule between their members forbids it.
func (g *groups) consider(x *pairIndex, refused *table[uint64], i, j int32) {
	ri, rj := g.root[i], g.root[j]
	if ri == rj {
		return
	}
	lo, hi := min(ri, rj), max(ri, rj)
	key := packPair(lo, hi)
	if w, ok := refused.get(key); ok {
		if a, b := unpackPair(w); g.root[a] == lo && g.root[b] == hi {
			return
		}
	}
	if a, b, ok := g.compatible(x, lo, hi); !ok {
		// A refusal found at the roots themselves (most are: two single
		// candidates) costs one check to find again, no more than the
		// table would; only deeper ones are worth remembering. (Caching
		// them all grew the table to 16 MB on 190,000 candidates.)
		if a != lo || b != hi {
			refused.put(key, packPair(a, b))
		}
		return
	}
	g.join(ri, rj)
}

// edgesByComponent returns the edges grouped by connected component, each
// component's in join order (strongest score first, then i, then j):
// component c's are byComponent[from[c]:from[c+1]], as keys that keys.pair
// unpacks.
//
// Components do not depend on the order of the edges, so they are found
// from the unsorted edge chunks. When a score's rank and both indices fit
// in 64 bits (up to 2^24 candidates and 2^16 distinct scores, say), each
// edge's key is its rank and pair, scattered to its component unsorted
// and sorted there, components on workers: no sorted copy of all edges is
// made, and each chunk is let go once scattered. Otherwise the edges are
// sorted whole (edgeList.sort) and scattered in join order.
func edgesByComponent(n int, edges *edgeList) (byComponent []uint64, from []int, keys edgeKeys) {
	parent := make([]int32, n)
	for i := range parent {
		parent[i] = int32(i)
	}
	find := func(i int32) int32 {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	edges.eachUnordered(func(i, j int32) {
		if a, b := find(i), find(j); a != b {
			parent[max(a, b)] = min(a, b)
		}
	})
	// Each candidate's component, numbered in order of smallest member,
	// is written over its parent: roots first point every candidate at
	// its root (a root is its component's smallest member, below the
	// others), then each root's number replaces its index, and the others
	// take their root's (numbered already: it is below them).
	for i := range parent {
		parent[i] = find(int32(i))
	}
	components := int32(0)
	for i, r := range parent {
		if r == int32(i) {
			parent[i] = components
			components++
		} else {
			parent[i] = parent[r]
		}
	}
	component := parent
	count := make([]int, components+1)
	edges.eachUnordered(func(i, _ int32) { count[component[i]+1]++ })
	for c := 1; c < len(count); c++ {
		count[c] += count[c-1]
	}
	from = slices.Clone(count)
	byComponent = make([]uint64, edges.n)
	keys, ok := newEdgeKeys(n, len(edges.scores))
	if !ok || !packRanks {
		keys = edgeKeys{jBits: 32, iBits: 32}
		edges.sort()
		edges.each(func(i, j int32) {
			c := component[i]
			byComponent[count[c]] = keys.key(0, i, j)
			count[c]++
		})
		edges.buckets = nil
		return byComponent, from, keys
	}
	for k, rank := range edges.ranks() {
		for _, chunk := range edges.chunks[k] {
			for _, p := range chunk {
				i, j := unpackPair(p)
				c := component[i]
				byComponent[count[c]] = keys.key(rank, i, j)
				count[c]++
			}
		}
		edges.chunks[k] = nil // scattered: the GC may have it
	}
	scratch := make([][]uint64, workerCount(len(from)-1, componentGrain))
	parallelOn(len(scratch), len(from)-1, componentGrain, func(w, lo, hi int) {
		for c := lo; c < hi; c++ {
			sortKeys(byComponent[from[c]:from[c+1]], &scratch[w])
		}
	})
	return byComponent, from, keys
}

// radixSortFrom is the fewest keys sortKeys sorts by radix: below it
// slices.Sort is as fast or faster (measured on random keys of 39 bits,
// two 17-bit indices and a rank as on the benchmark: slices.Sort against
// radix 11 against 14 µs at 1,024 keys, 173 against 43 µs at 4,096, 580
// against 140 µs at 11,000).
const radixSortFrom = 2048

// sortKeys sorts keys in increasing order, using *tmp as scratch. A
// component's edges are mostly a few, but the events many articles retell
// make components of thousands of edges (on the 10,000-article benchmark,
// 25 components hold four fifths of the edges), which a radix sort on the
// keys' bytes (a pass per byte in use: count, then scatter) sorts four
// times faster than comparisons do.
func sortKeys(keys []uint64, tmp *[]uint64) {
	if len(keys) < radixSortFrom {
		slices.Sort(keys)
		return
	}
	var used uint64
	for _, k := range keys {
		used |= k
	}
	if cap(*tmp) < len(keys) {
		*tmp = make([]uint64, len(keys))
	}
	src, dst := keys, (*tmp)[:len(keys)]
	for shift := 0; shift < bits.Len64(used); shift += 8 {
		var at [256]int
		for _, k := range src {
			at[k>>shift&0xff]++
		}
		if at[src[0]>>shift&0xff] == len(src) {
			continue // every key has this byte: the pass would not move one
		}
		next := 0
		for b, n := range at {
			at[b], next = next, next+n
		}
		for _, k := range src {
			b := k >> shift & 0xff
			dst[at[b]] = k
			at[b]++
		}
		src, dst = dst, src
	}
	if &src[0] != &keys[0] { // the last pass wrote into the scratch
		copy(keys, src)
	}
}

// packRanks is false only in tests, to check that sorting all edges at once
// gives the same groups.
var packRanks = true

// edgeKeys packs an edge into a key that sorts in join order: the rank of
// its score (0 for the strongest), then i, then j, in that many bits.
type edgeKeys struct{ iBits, jBits uint }

// newEdgeKeys returns the packing for n candidates and scores distinct
// scores, false when the three do not fit in 64 bits.
func newEdgeKeys(n, scores int) (edgeKeys, bool) {
	index := uint(bits.Len(uint(max(n-1, 1))))
	rank := uint(bits.Len(uint(max(scores-1, 1))))
	return edgeKeys{iBits: index, jBits: index}, rank+2*index <= 64
}

func (k edgeKeys) key(rank, i, j int32) uint64 {
	return uint64(rank)<<(k.iBits+k.jBits) | uint64(uint32(i))<<k.jBits | uint64(uint32(j))
}

func (k edgeKeys) pair(key uint64) (i, j int32) {
	return int32(key >> k.jBits & (1<<k.iBits - 1)), int32(key & (1<<k.jBits - 1))
}

// groups is a union of disjoint groups of canonical indices: each group's
// root is its smallest member, and its members are chained through next.
type groups struct {
	root, next, last []int32
}

func newGroups(n int) *groups {
	g := &groups{root: make([]int32, n), next: make([]int32, n), last: make([]int32, n)}
	for i := range g.root {
		g.root[i], g.next[i], g.last[i] = int32(i), -1, int32(i)
	}
	return g
}

// compatible: no member of the group rooted at ri breaks a hard rule with
// any member of the group rooted at rj. When one does, it returns the two.
func (g *groups) compatible(x *pairIndex, ri, rj int32) (int32, int32, bool) {
	for i := ri; i >= 0; i = g.next[i] {
		a := x.of(int(i))
		for j := rj; j >= 0; j = g.next[j] {
			if !x.compatible(a, x.of(int(j))) {
				return i, j, false
			}
		}
	}
	return 0, 0, true
}

// join merges two groups under the smaller root: independent of join order.
func (g *groups) join(ri, rj int32) {
	if ri > rj {
		ri, rj = rj, ri
	}
	for m := rj; m >= 0; m = g.next[m] {
		g.root[m] = ri
	}
	g.next[g.last[ri]] = rj
	g.last[ri] = g.last[rj]
}

// collect returns the groups in order of their smallest member, members in canonical order.
// All groups share one backing array (each capped at its own length).
func (g *groups) collect(cands []*candidate) [][]*candidate {
	n := 0
	for i := range cands {
		if g.root[i] == int32(i) {
			n++
		}
	}
	out := make([][]*candidate, 0, n)
	all := make([]*candidate, len(cands))
	var idx []int32
	for i := range cands {
		if g.root[i] != int32(i) {
			continue
		}
		idx = idx[:0]
		for m := int32(i); m >= 0; m = g.next[m] {
			idx = append(idx, m)
		}
		slices.Sort(idx)
		group := all[:len(idx):len(idx)]
		all = all[len(idx):]
		for k, m := range idx {
			group[k] = cands[m]
		}
		out = append(out, group)
	}
	return out
}

// ancestorValues maps each date value to the other values whose span
// contains it (coarser, or equal span with a smaller value so each pair is
// listed once). A value of a year or less is listed under the months (UTC)
// it touches, longest first, so a day looks only at the longer values of
// its month (its ancestors touch it), plus those of its own span and the
// few spans longer than a year: on the 10,000-article benchmark, 22,500
// values looked at for 3,454 values (was 163,000, listed by year).
func ancestorValues(byValue map[string]timeline.Date) map[string][]string {
	t := newValueTable(byValue)
	out := make(map[string][]string, len(t.values))
	seen := make([]int, len(t.values)) // seen[u] == k+1: u already listed for value k
	for k, v := range t.values {
		var us []string
		consider := func(u int32) {
			if int(u) == k || seen[u] == k+1 || !isAncestor(t.spans[u], t.spans[k], t.values[u], v) {
				return
			}
			seen[u] = k + 1
			us = append(us, t.values[u])
		}
		t.eachLonger(k, consider)
		for _, u := range t.sameSpan[t.spans[k]] {
			consider(u)
		}
		for _, u := range t.long {
			consider(u)
		}
		if us != nil {
			sort.Strings(us)
			out[v] = us
		}
	}
	return out
}

// valueTable is ancestorValues' index of the values.
type valueTable struct {
	values   []string // sorted
	spans    []span   // compared as numbers, not time.Time values
	lengths  []time.Duration
	years    [][2]int // the first and last year each touches, in its own location
	sameSpan map[span][]int32
	byMonth  map[int][]int32 // UTC month -> the values of a year or less touching it, longest first
	long     []int32         // the values longer than a year
}

func newValueTable(byValue map[string]timeline.Date) *valueTable {
	n := len(byValue)
	t := &valueTable{values: make([]string, 0, n), spans: make([]span, n), lengths: make([]time.Duration, n),
		years: make([][2]int, n), sameSpan: map[span][]int32{}, byMonth: map[int][]int32{}}
	for v := range byValue {
		t.values = append(t.values, v)
	}
	sort.Strings(t.values)
	for k, v := range t.values {
		d := byValue[v]
		t.spans[k], t.lengths[k] = spanOf(d), d.End.Sub(d.Start)
		t.years[k] = [2]int{d.Start.Year(), d.End.Add(-time.Nanosecond).Year()}
		t.sameSpan[t.spans[k]] = append(t.sameSpan[t.spans[k]], int32(k))
		if t.lengths[k] > longValue {
			t.long = append(t.long, int32(k))
			continue
		}
		for m := utcMonth(d.Start); m <= utcMonth(d.End.Add(-time.Nanosecond)); m++ {
			t.byMonth[m] = append(t.byMonth[m], int32(k))
		}
	}
	// Longest first: a value containing another is longer or has the same
	// span, so each value scans only the longer values of its month.
	for _, us := range t.byMonth {
		slices.SortFunc(us, func(a, b int32) int { return cmp.Compare(t.lengths[b], t.lengths[a]) })
	}
	return t
}

// longValue: values longer than this are few, and every value looks at
// them all.
const longValue = 370 * 24 * time.Hour

func utcMonth(at time.Time) int {
	y, m, _ := at.UTC().Date()
	return 12*y + int(m) - 1
}

// eachLonger calls visit with the values of a year or less that are longer
// than value k and touch one of its years (each date in its own location:
// the values ancestorValues looked at when it listed them by year) and
// may contain it. One that contains k touches k's first instant, so the
// values of that instant's month are all a value of positive length needs;
// one of no length (or less) is compared with all of them.
func (t *valueTable) eachLonger(k int, visit func(u int32)) {
	if t.lengths[k] <= 0 {
		for u := range t.values {
			if t.lengths[u] > t.lengths[k] && t.lengths[u] <= longValue && t.yearsMeet(u, k) {
				visit(int32(u))
			}
		}
		return
	}
	d := t.spans[k].from
	for _, u := range t.byMonth[utcMonth(time.Unix(d.sec, int64(d.nsec)))] {
		if t.lengths[u] <= t.lengths[k] {
			break
		}
		if t.yearsMeet(int(u), k) {
			visit(u)
		}
	}
}

// yearsMeet: values u and k touch a year in common, each in its location.
func (t *valueTable) yearsMeet(u, k int) bool {
	return max(t.years[u][0], t.years[k][0]) <= min(t.years[u][1], t.years[k][1])
}

// isAncestor: u (whose value is uValue) contains d, and is strictly longer
// or (same span) has the smaller value.
func isAncestor(u, d span, uValue, dValue string) bool {
	if !u.contains(d) {
		return false
	}
	if u.from == d.from && u.to == d.to {
		return uValue < dValue
	}
	return true
}
