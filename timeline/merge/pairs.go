package merge

import (
	"cmp"
	"math"
	"slices"
)

// Blocking: which pairs are scored at all.
//
// Inside an article every pair is scored. Across articles, candidates are
// blocked by start date value and one title stem (event words excluded): only
// pairs with compatible dates that share a title stem are scored. What this
// can miss is bounded: without a shared title stem a cross-article pair
// scores at most 0.40 + 0.30*context, so only pairs whose sentences are
// two-thirds the same are lost. Blocking on title stems rather than sentence
// words or event classes keeps the buckets small when many articles look back
// on the same war in the same year.

// MaxPosting bounds a blocking bucket: a key shared by more candidates than
// this on one date value (say a country's name in a year many articles look
// back on) is too common to propose pairs across articles by itself, and such
// pairs are found through their rarer shared words or not at all. It keeps
// merging near-linear on large corpora; inside one article every pair is
// still scored.
const MaxPosting = 200

// scoredPairs returns the candidate pairs that pass the hard rules and score
// at least Threshold: every pair inside an article, and across articles the
// pairs the blocking proposes. Which pairs those are does not depend on the
// order they are found in; the caller puts them in join order
// (edgesByComponent).
//
// Both kinds are scored in parallel, each worker into its own edge list; the
// lists are then joined, and sorting them later makes the result the same
// whichever worker found which pair.
func scoredPairs(x *pairIndex) *edgeList {
	bl := newBlocking(x)
	byArticle, articleFrom := candidatesByArticle(x)
	nArticles := len(articleFrom) - 1
	lists := make([]edgeList, max(workerCount(nArticles, articleGrain), workerCount(len(x.cands), pairGrain)))
	scorers := make([]*marks, len(lists))
	scorer := func(w int) *marks {
		if scorers[w] == nil {
			scorers[w] = newMarks(x)
		}
		return scorers[w]
	}
	parallelOn(len(lists), nArticles, articleGrain, func(w, from, to int) {
		for a := from; a < to; a++ {
			sameArticlePairs(x, byArticle[articleFrom[a]:articleFrom[a+1]], scorer(w), &lists[w])
		}
	})
	seen := make([][]int32, len(lists))
	parallelOn(len(lists), len(x.cands), pairGrain, func(w, from, to int) {
		if seen[w] == nil {
			seen[w] = make([]int32, len(x.cands))
		}
		crossArticlePairs(x, bl, from, to, seen[w], scorer(w), &lists[w])
	})
	return joinEdges(lists)
}

// Pieces of work handed to one worker at a time: small enough to balance
// two workers whatever the dates' skew, large enough that taking a piece
// costs nothing in comparison.
// (Variables so that tests can cut the work into pieces of one item.)
var (
	articleGrain = 256
	pairGrain    = 2048
)

// joinEdges moves the edges of several lists into one (before sorting).
func joinEdges(lists []edgeList) *edgeList {
	out := &lists[0]
	for k := 1; k < len(lists); k++ {
		l := &lists[k]
		for b, score := range l.scores {
			to := out.bucket(score)
			out.chunks[to] = append(out.chunks[to], l.chunks[b]...)
			out.sizes[to] += l.sizes[b]
			out.n += l.sizes[b]
		}
	}
	return out
}

// edgeList collects the edges by score: one bucket of packed pairs
// (i<<32 | j) per distinct score. Scores are ratios of small counts, so there
// are few distinct ones; ordering the buckets and sorting each bucket's plain
// integers gives the join order (strongest score first, ties by i, then j:
// no two edges tie on all three, as a pair is scored once) far faster than comparing edges, at half
// the memory.
type edgeList struct {
	bucketOf *table[int32] // math.Float64bits(score) -> bucket (scores are never -0 or NaN)
	scores   []float64
	chunks   [][][]uint64 // per bucket, fixed-size chunks: no copy as they grow
	sizes    []int
	buckets  [][]uint64 // per bucket, all its pairs in order (after sort)
	order    []int32    // bucket indices, strongest score first (after sort)
	n        int
}

const edgeChunk = 1 << 12

func (l *edgeList) add(e edge) {
	k := l.bucket(e.score)
	cs := l.chunks[k]
	if len(cs) == 0 || len(cs[len(cs)-1]) == cap(cs[len(cs)-1]) {
		// Chunks double from 16 up to edgeChunk: most scores are rare, and
		// a bucket's last chunk is then at most half empty (a thousand
		// buckets of a few dozen edges each left 16 MB unused in full-size
		// chunks).
		size := 16
		if len(cs) > 0 {
			size = min(2*cap(cs[len(cs)-1]), edgeChunk)
		}
		cs = append(cs, make([]uint64, 0, size))
		l.chunks[k] = cs
	}
	last := &cs[len(cs)-1]
	*last = append(*last, packPair(e.i, e.j))
	l.sizes[k]++
	l.n++
}

// bucket returns the index of score's bucket, adding an empty one if needed.
func (l *edgeList) bucket(score float64) int32 {
	if l.bucketOf == nil {
		l.bucketOf = newTable[int32](64)
	}
	k, ok := l.bucketOf.get(math.Float64bits(score))
	if !ok {
		k = int32(len(l.scores))
		l.bucketOf.put(math.Float64bits(score), k)
		l.scores = append(l.scores, score)
		l.chunks = append(l.chunks, nil)
		l.sizes = append(l.sizes, 0)
	}
	return k
}

func packPair(i, j int32) uint64 { return uint64(uint32(i))<<32 | uint64(uint32(j)) }

func unpackPair(p uint64) (int32, int32) { return int32(uint32(p >> 32)), int32(uint32(p)) }

// sort orders the buckets by score, strongest first, and each bucket's pairs
// in canonical order: together, the join order.
func (l *edgeList) sort() {
	l.order = make([]int32, len(l.scores))
	for k := range l.order {
		l.order[k] = int32(k)
	}
	slices.SortFunc(l.order, func(a, b int32) int { return cmp.Compare(l.scores[b], l.scores[a]) })
	l.buckets = make([][]uint64, len(l.chunks))
	parallel(len(l.chunks), 1, func(_, k, _ int) {
		b := make([]uint64, 0, l.sizes[k])
		for _, c := range l.chunks[k] {
			b = append(b, c...)
		}
		slices.Sort(b)
		l.buckets[k] = b
	})
	l.chunks = nil
}

// ranks returns each bucket's rank in join order (0 for the strongest score).
func (l *edgeList) ranks() []int32 {
	order := make([]int32, len(l.scores))
	for k := range order {
		order[k] = int32(k)
	}
	slices.SortFunc(order, func(a, b int32) int { return cmp.Compare(l.scores[b], l.scores[a]) })
	rank := make([]int32, len(order))
	for r, k := range order {
		rank[k] = int32(r)
	}
	return rank
}

// eachUnordered calls visit with the edges in no particular order (before sort).
func (l *edgeList) eachUnordered(visit func(i, j int32)) {
	for _, cs := range l.chunks {
		for _, c := range cs {
			for _, p := range c {
				visit(unpackPair(p))
			}
		}
	}
}

// each calls visit with the edges in join order (after sort).
func (l *edgeList) each(visit func(i, j int32)) {
	for _, k := range l.order {
		for _, p := range l.buckets[k] {
			visit(unpackPair(p))
		}
	}
}

// candidatesByArticle groups the canonical indices by article (by
// counting): article a's are byArticle[from[a]:from[a+1]], in canonical order.
func candidatesByArticle(x *pairIndex) (byArticle, from []int32) {
	n := len(x.pos)
	from = make([]int32, len(x.cands)+1)
	for _, c := range x.cands {
		from[c.article+1]++
	}
	for k := 1; k < len(from); k++ {
		from[k] += from[k-1]
	}
	byArticle = make([]int32, n)
	fill := slices.Clone(from)
	for i := 0; i < n; i++ {
		a := x.of(i).article
		byArticle[fill[a]] = int32(i)
		fill[a]++
	}
	return byArticle, from
}

// sameArticlePairs scores every pair of one article's candidates (canonical
// indices) whose titles do not name different kinds of happening.
func sameArticlePairs(x *pairIndex, members []int32, m *marks, edges *edgeList) {
	for k, i := range members {
		ci := x.of(int(i))
		if !ci.hasStart || k == 0 {
			continue
		}
		marked := false // ci's stems are marked at its first pair to score
		for _, j := range members[:k] {
			cj := x.of(int(j))
			if kindsDiffer(ci.classes, cj.classes) || !x.datesCompatible(ci.start, cj.start) {
				continue
			}
			if !marked {
				m.set(ci)
				marked = true
			}
			if e, ok := m.edge(cj); ok {
				edges.add(e)
			}
		}
	}
}

// edge checks and scores a pair.
func (x *pairIndex) edge(a, b *pairCand) (edge, bool) {
	if a.canon > b.canon {
		a, b = b, a
	}
	if !x.compatible(a, b) {
		return edge{}, false
	}
	s := x.score(a, b)
	return edge{s, a.canon, b.canon}, s >= Threshold
}

// mayJoinAcross is false only for pairs of different articles that cannot
// pass compatible and reach Threshold, judged from their postings alone:
//   - a range and a single date never join;
//   - two articles' lead events join only when their titles are near-identical;
//   - without a shared event class and near-identical titles, the score is at
//     most 0.30*dice(titles) + 0.30, below Threshold unless the title sets are equal.
func mayJoinAcross(a, b *posting) bool {
	if a.hasEnd != b.hasEnd {
		return false
	}
	near := a.classes == b.classes && mayBeNearIdentical(a, b)
	if a.lead && b.lead && !near {
		return false
	}
	sameTitle := a.nTitle > 0 && a.nTitle == b.nTitle && a.hash == b.hash
	return a.classes&b.classes != 0 || near || sameTitle
}

// mayBeNearIdentical bounds the title Dice from the set sizes (and, for equal
// sizes, the hashes): false only when nearIdentical must be false. The bound
// is computed as dice computes the real value, so rounding cannot differ.
func mayBeNearIdentical(a, b *posting) bool {
	m, n := a.nTitle, b.nTitle
	if m < 2 || n < 2 {
		return false
	}
	most := min(m, n)
	if m == n && a.hash != b.hash {
		most-- // equal sizes, different sets: at least one stem is not shared
	}
	return 2*float64(most)/float64(m+n) >= NearIdentical
}

// kindsDiffer: both titles name kinds of happening (event class bit sets), and no kind is shared.
// Such a pair scores 0 (nearIdentical needs the same kinds), so it is never
// joined; checking two bit sets first spares most cross-article pairs.
func kindsDiffer(a, b uint32) bool {
	return a != 0 && b != 0 && a&b == 0
}
