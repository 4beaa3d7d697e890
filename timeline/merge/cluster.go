package merge

import (
	"cmp"
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
	byComponent, from := edgesByComponent(len(cands), edges)
	edges.buckets = nil // the edges now live in byComponent: let the GC have these
	nComponents := len(from) - 1
	// refused remembers, per pair of roots, two members found incompatible:
	// groups only grow, so while both members still have those roots the
	// groups stay incompatible, and the many edges between two large groups
	// that were refused once are refused without comparing them all again.
	// Roots of different components differ, so a worker keeps one table.
	refused := make([]*table[uint64], workerCount(nComponents, componentGrain)) // packed roots -> packed members
	parallel(nComponents, componentGrain, func(w, lo, hi int) {
		if refused[w] == nil {
			refused[w] = newTable[uint64](64)
		}
		for _, p := range byComponent[from[lo]:from[hi]] {
			i, j := unpackPair(p)
			g.consider(x, refused[w], i, j)
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

// edgesByComponent returns the edges (packed pairs) grouped by connected
// component, each component's in join order: component c's are
// byComponent[from[c]:from[c+1]].
func edgesByComponent(n int, edges *edgeList) (byComponent []uint64, from []int) {
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
	edges.each(func(i, j int32) {
		if a, b := find(i), find(j); a != b {
			parent[max(a, b)] = min(a, b)
		}
	})
	component := make([]int32, n) // of each candidate, numbered in order of smallest member
	count := []int{0}
	for i := range component {
		if r := find(int32(i)); r == int32(i) {
			component[i] = int32(len(count) - 1)
			count = append(count, 0)
		} else {
			component[i] = component[r] // r < i: numbered already
		}
	}
	edges.each(func(i, _ int32) { count[component[i]+1]++ })
	for c := 1; c < len(count); c++ {
		count[c] += count[c-1]
	}
	from = slices.Clone(count)
	byComponent = make([]uint64, edges.n)
	edges.each(func(i, j int32) {
		c := component[i]
		byComponent[count[c]] = packPair(i, j)
		count[c]++
	})
	return byComponent, from
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
// listed once). Values are grouped by the years they touch, so a day only
// looks at the values of its own year plus the few spans longer than a year.
func ancestorValues(byValue map[string]timeline.Date) map[string][]string {
	values := make([]string, 0, len(byValue))
	for v := range byValue {
		values = append(values, v)
	}
	sort.Strings(values)
	spans := make([]span, len(values)) // compared as numbers, not time.Time values
	lengths := make([]time.Duration, len(values))
	sameSpan := map[span][]int32{}
	byYear := map[int][]int32{} // value indices
	var long []int32
	for k, v := range values {
		d := byValue[v]
		spans[k], lengths[k] = spanOf(d), d.End.Sub(d.Start)
		sameSpan[spans[k]] = append(sameSpan[spans[k]], int32(k))
		if lengths[k] > 370*24*time.Hour {
			long = append(long, int32(k))
			continue
		}
		for y := d.Start.Year(); y <= d.End.Add(-time.Nanosecond).Year(); y++ {
			byYear[y] = append(byYear[y], int32(k))
		}
	}
	// Longest first: a value containing another is longer or has the same
	// span, so each value scans only the longer values of its years (and
	// those of its own span), not all the days of a year.
	for _, us := range byYear {
		slices.SortFunc(us, func(a, b int32) int { return cmp.Compare(lengths[b], lengths[a]) })
	}
	out := make(map[string][]string, len(values))
	seen := make([]int, len(values)) // seen[u] == k+1: u already listed for value k
	for k, v := range values {
		d := byValue[v]
		var us []string
		consider := func(u int32) {
			if int(u) == k || seen[u] == k+1 || !isAncestor(spans[u], spans[k], values[u], v) {
				return
			}
			seen[u] = k + 1
			us = append(us, values[u])
		}
		for y := d.Start.Year(); y <= d.End.Add(-time.Nanosecond).Year(); y++ {
			for _, u := range byYear[y] {
				if lengths[u] <= lengths[k] {
					break
				}
				consider(u)
			}
		}
		for _, u := range sameSpan[spans[k]] {
			consider(u)
		}
		for _, u := range long {
			consider(u)
		}
		if us != nil {
			sort.Strings(us)
			out[v] = us
		}
	}
	return out
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
