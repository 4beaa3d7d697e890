package merge

// marks scores the pairs of one candidate, "own", with many others, as
// pairIndex.edge does, without merging sorted sets pair by pair: own's stems
// are marked once in a table indexed by stem ID, and each other candidate's
// stems are looked up there. A merge of two sorted sets costs a mispredicted
// branch per element of both; a look-up costs one load per element of the
// other set. Both count the same intersections, so the scores are the same
// floating-point numbers.
type marks struct {
	x *pairIndex
	// at[s] is 2*mark+1 when stem s is in own's title, 2*mark when it is
	// only in own's context (titles are part of the context), anything
	// else otherwise.
	at   []int32
	mark int32
	own  *pairCand
}

func newMarks(x *pairIndex) *marks {
	return &marks{x: x, at: make([]int32, x.stems)}
}

// set makes c the candidate the next pairs are scored against.
func (m *marks) set(c *pairCand) {
	if m.mark >= 1<<29 { // marks of earlier candidates could come back: start afresh
		clear(m.at)
		m.mark = 0
	}
	m.mark++
	m.own = c
	ctxMark, titleMark := 2*m.mark, 2*m.mark+1
	for _, s := range m.x.context(c) {
		m.at[s] = ctxMark
	}
	for _, s := range m.x.title(c) {
		m.at[s] = titleMark
	}
}

// edge is pairIndex.edge(own, b).
func (m *marks) edge(b *pairCand) (edge, bool) {
	a, x := m.own, m.x
	if !x.compatible(a, b) {
		return edge{}, false
	}
	s := m.score(b)
	i, j := a.canon, b.canon
	if i > j {
		i, j = j, i
	}
	return edge{s, i, j}, s >= Threshold
}

// overlap counts what own shares with b: title with title, context with
// context, own's title with b's context and b's title with own's context.
type overlap struct{ titles, contexts, ownTitleInB, bTitleInOwn int }

func (m *marks) overlap(b *pairCand) overlap {
	var o overlap
	titleMark := 2*m.mark + 1
	for _, s := range m.x.title(b) {
		v := m.at[s]
		o.titles += b2i(v == titleMark)
		o.bTitleInOwn += b2i(v>>1 == m.mark)
	}
	for _, s := range m.x.context(b) {
		v := m.at[s]
		o.contexts += b2i(v>>1 == m.mark)
		o.ownTitleInB += b2i(v == titleMark)
	}
	return o
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// diceOf is dice for sets of sizes na and nb sharing common elements.
func diceOf(common int, na, nb int32) float64 {
	if na == 0 || nb == 0 {
		return 0
	}
	return 2 * float64(common) / float64(na+nb)
}

// score is pairIndex.score(own, b), term for term.
func (m *marks) score(b *pairCand) float64 {
	a := m.own
	o := m.overlap(b)
	titles := diceOf(o.titles, a.nTitle, b.nTitle)
	if a.classes == b.classes && a.nTitle >= 2 && b.nTitle >= 2 && titles >= NearIdentical {
		return 1 + weightContext*diceOf(o.contexts, a.nContext, b.nContext)
	}
	shared := a.classes&b.classes != 0
	if a.classes != 0 && b.classes != 0 && !shared {
		return 0
	}
	s := weightTitle*titles + weightContext*diceOf(o.contexts, a.nContext, b.nContext)
	conflict := a.nTitle != 0 && b.nTitle != 0 && o.ownTitleInB == 0 && o.bTitleInOwn == 0
	if shared && !conflict {
		s += weightClass
		if a.article == b.article {
			s += weightSameArticle
		}
	}
	return s
}
