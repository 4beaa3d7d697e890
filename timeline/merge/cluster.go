package merge

import (
	"sort"
	"time"

	"github.com/newsline/timeline/timeline"
)

// edge is a scored pair of candidates (indices in canonical order, i < j).
type edge struct {
	i, j  int
	score float64
}

// cluster groups the candidates: pairs scoring at least Threshold are joined
// strongest first (ties in canonical order), and a join is refused when any
// two members of the joined group break a hard rule. It returns groups of
// candidates, each in canonical order.
func cluster(cands []*candidate) [][]*candidate {
	edges := scoredPairs(cands)
	sort.Slice(edges, func(a, b int) bool {
		if edges[a].score != edges[b].score {
			return edges[a].score > edges[b].score
		}
		if edges[a].i != edges[b].i {
			return edges[a].i < edges[b].i
		}
		return edges[a].j < edges[b].j
	})
	root := make([]int, len(cands))
	members := make([][]int, len(cands))
	for i := range cands {
		root[i] = i
		members[i] = []int{i}
	}
	for _, e := range edges {
		ri, rj := root[e.i], root[e.j]
		if ri == rj || !groupsCompatible(cands, members[ri], members[rj]) {
			continue
		}
		if ri > rj {
			ri, rj = rj, ri // keep the smaller root: independent of join order
		}
		for _, m := range members[rj] {
			root[m] = ri
		}
		members[ri] = append(members[ri], members[rj]...)
		members[rj] = nil
	}
	var groups [][]*candidate
	for i := range cands {
		if root[i] != i {
			continue
		}
		idx := members[i]
		sort.Ints(idx)
		g := make([]*candidate, len(idx))
		for k, m := range idx {
			g[k] = cands[m]
		}
		groups = append(groups, g)
	}
	return groups
}

func groupsCompatible(cands []*candidate, a, b []int) bool {
	for _, i := range a {
		for _, j := range b {
			if !compatible(cands[i], cands[j]) {
				return false
			}
		}
	}
	return true
}

// postingKey blocks candidates by start date value and one title stem (event
// words excluded): across articles, only pairs with compatible dates that
// share a title stem are scored. What this can miss is bounded: without a
// shared title stem a cross-article pair scores at most 0.40 + 0.30*context,
// so only pairs whose sentences are two-thirds the same are lost. Blocking on
// title stems rather than sentence words or event classes keeps the buckets
// small when many articles look back on the same war in the same year.
type postingKey struct {
	date int32 // interned start date value
	stem int32
}

// MaxPosting bounds a blocking bucket: a key shared by more candidates than
// this on one date value (say a country's name in a year many articles look
// back on) is too common to propose pairs across articles by itself, and such
// pairs are found through their rarer shared words or not at all. It keeps
// merging near-linear on large corpora; inside one article every pair is
// still scored.
const MaxPosting = 200

// scoredPairs returns the candidate pairs that pass the hard rules and score
// at least Threshold: every pair inside an article, and across articles the
// pairs the blocking proposes.
func scoredPairs(cands []*candidate) []edge {
	postings := map[postingKey][]posting{}
	byValue := map[string]timeline.Date{}
	dateIDs := map[string]int32{}
	byArticle := map[int32][]int{}
	for i, c := range cands {
		byArticle[c.articleID] = append(byArticle[c.articleID], i)
		if c.ev.Start.IsZero() {
			continue
		}
		byValue[c.ev.Start.Value] = c.ev.Start
		dateIDs[c.ev.Start.Value] = c.dateID
		for _, s := range c.title {
			k := postingKey{c.dateID, s}
			postings[k] = append(postings[k], posting{int32(i), c.articleID, c.classes})
		}
	}
	ancestors := map[int32][]int32{}
	for v, us := range ancestorValues(byValue) {
		for _, u := range us {
			ancestors[dateIDs[v]] = append(ancestors[dateIDs[v]], dateIDs[u])
		}
	}
	seen := make([]int32, len(cands)) // seen[j] == i+1: pair (j, i) already considered
	var edges []edge
	consider := func(i, j int) {
		seen[j] = int32(i + 1)
		if e, ok := scorePair(cands, i, j); ok {
			edges = append(edges, e)
		}
	}
	var values []int32
	for i, c := range cands {
		if c.ev.Start.IsZero() {
			continue
		}
		for _, j := range byArticle[c.articleID] {
			if j < i && !kindsDiffer(c.classes, cands[j].classes) {
				consider(i, j)
			}
		}
		values = append(append(values[:0], c.dateID), ancestors[c.dateID]...)
		mark := int32(i + 1)
		for _, s := range c.title {
			for vi, v := range values {
				list := postings[postingKey{v, s}]
				if len(list) > MaxPosting {
					continue
				}
				for _, p := range list {
					j := int(p.index)
					if (vi == 0 && j >= i) || p.article == c.articleID || kindsDiffer(c.classes, p.classes) || seen[j] == mark {
						continue
					}
					consider(i, j)
				}
			}
		}
	}
	return edges
}

// posting is one blocking-list entry, carrying what the cheap filters read so
// that scanning a list touches one contiguous slice, not every candidate.
type posting struct {
	index   int32
	article int32
	classes uint32
}

// kindsDiffer: both titles name kinds of happening (event class bit sets), and no kind is shared.
// Such a pair scores 0 (nearIdentical needs the same kinds), so it is never
// joined; checking two bit sets first spares most cross-article pairs.
func kindsDiffer(a, b uint32) bool {
	return a != 0 && b != 0 && a&b == 0
}

func scorePair(cands []*candidate, i, j int) (edge, bool) {
	if i > j {
		i, j = j, i
	}
	a, b := cands[i], cands[j]
	if !compatible(a, b) {
		return edge{}, false
	}
	s := score(a, b)
	return edge{i, j, s}, s >= Threshold
}

// ancestorValues maps each date value to the other values whose span
// contains it (coarser, or equal span with a smaller value so each pair is
// listed once). Values are grouped by the years they touch, so a day only
// looks at the values of its own year plus the few spans longer than a year.
func ancestorValues(byValue map[string]timeline.Date) map[string][]string {
	byYear := map[int][]timeline.Date{}
	var long []timeline.Date
	for _, d := range byValue {
		if d.End.Sub(d.Start) > 370*24*time.Hour {
			long = append(long, d)
			continue
		}
		for y := d.Start.Year(); y <= d.End.Add(-time.Nanosecond).Year(); y++ {
			byYear[y] = append(byYear[y], d)
		}
	}
	out := map[string][]string{}
	for v, d := range byValue {
		seen := map[string]bool{}
		consider := func(u timeline.Date) {
			if u.Value == v || seen[u.Value] || !isAncestor(u, d) {
				return
			}
			seen[u.Value] = true
			out[v] = append(out[v], u.Value)
		}
		for y := d.Start.Year(); y <= d.End.Add(-time.Nanosecond).Year(); y++ {
			for _, u := range byYear[y] {
				consider(u)
			}
		}
		for _, u := range long {
			consider(u)
		}
		sort.Strings(out[v])
	}
	return out
}

// isAncestor: u contains d, and is strictly longer or (same span) has the smaller value.
func isAncestor(u, d timeline.Date) bool {
	if !u.Contains(d) {
		return false
	}
	if u.Start.Equal(d.Start) && u.End.Equal(d.End) {
		return u.Value < d.Value
	}
	return true
}
