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
	// at[s] is titleMark when stem s is in own's title, contextMark when
	// it is only in own's context (titles are part of the context), 0
	// otherwise: set clears the previous own's stems before marking the
	// next one's, so a look-up is a load and an add (see overlap).
	at  []uint64
	own *pairCand
}

// The marks, chosen so that a sum of them over a set counts two things at
// once: the low 32 bits count the stems in own at all, the high 32 bits
// those in own's title (a set has far fewer than 2^32 stems).
const (
	contextMark = 1
	titleMark   = 1<<32 | 1
)

func newMarks(x *pairIndex) *marks {
	return &marks{x: x, at: make([]uint64, x.stems)}
}

// set makes c the candidate the next pairs are scored against.
func (m *marks) set(c *pairCand) {
	if o := m.own; o != nil {
		for _, s := range m.x.context(o) {
			m.at[s] = 0
		}
		for _, s := range m.x.title(o) {
			m.at[s] = 0
		}
	}
	m.own = c
	for _, s := range m.x.context(c) {
		m.at[s] = contextMark
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
	var t, c uint64 // sums of marks: see contextMark and titleMark
	for _, s := range m.x.title(b) {
		t += m.at[s]
	}
	for _, s := range m.x.context(b) {
		c += m.at[s]
	}
	return overlap{titles: int(t >> 32), bTitleInOwn: int(uint32(t)), contexts: int(uint32(c)), ownTitleInB: int(c >> 32)}
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
