package merge

import (
	"cmp"
	"slices"

	"github.com/newsline/timeline/timeline"
)

// pairCand is what checking a pair reads of a candidate. Pair checks touch
// millions of pairs in random order, so this is kept small, and the
// candidates are laid out by start date: the ones a candidate is compared
// with across articles have its date or a coarser one, and sit together.
type pairCand struct {
	canon    int32  // index in canonical order
	article  int32  // article, interned
	dateID   int32  // start date value, interned (the blocking key)
	start    int32  // start date's span, index into pairIndex.dates
	end      int32  // end date's span, or -1 when the event has no end
	source   int32  // the one source file all its mentions are in, -1 when none or several
	classes  uint32 // event classes named by the title, as a bit set
	sets     int32  // offset in pairIndex.arena of its title, context and sentence IDs
	nTitle   int32
	nContext int32
	nSent    int32
	hash     uint32 // setHash of the title stems
	lead     bool
	hasStart bool // Start is not zero: it takes part in blocking
}

// pairIndex holds every candidate's pair data in date order, with their
// sorted stem sets and sentence IDs in one arena in the same order.
type pairIndex struct {
	cands []pairCand // in date order
	pos   []int32    // pos[canonical index] = index in cands
	arena []int32
	dates []span // distinct date spans, indexed by pairCand.start/end
	// byValue is, for each start date value, its last Date in canonical
	// order (the one blocking's ancestor lists are computed from).
	byValue map[string]timeline.Date
	dateIDs map[string]int32
}

func (x *pairIndex) title(c *pairCand) []int32 { return x.arena[c.sets : c.sets+c.nTitle] }

func (x *pairIndex) context(c *pairCand) []int32 {
	from := c.sets + c.nTitle
	return x.arena[from : from+c.nContext]
}

func (x *pairIndex) sentences(c *pairCand) []int32 {
	from := c.sets + c.nTitle + c.nContext
	return x.arena[from : from+c.nSent]
}

// of returns the pair data of the candidate at canonical index i.
func (x *pairIndex) of(i int) *pairCand { return &x.cands[x.pos[i]] }

// indexBuilder computes each candidate's stems once, in input order, into a
// scratch arena; finish lays them out in date order.
type indexBuilder struct {
	st        *stemmer
	classBits map[int32]uint32
	articles  map[string]int32
	sources   map[string]int32
	dateIDs   map[string]int32
	spans     map[dateKey]int32
	dates     []span
	pcs       []pairCand      // input order; sets index scratch
	scratch   []int32
	work      []int32
}

// dateKey identifies a date span (value included, so distinct values stay distinct).
type dateKey struct {
	value string
	span  span
}

func newIndexBuilder(n int) *indexBuilder {
	interner := map[string]int32{}
	return &indexBuilder{
		st:        newStemmer(interner),
		classBits: classBitIndex(interner),
		articles:  map[string]int32{},
		sources:   map[string]int32{},
		dateIDs:   map[string]int32{},
		spans:     map[dateKey]int32{},
		pcs:       make([]pairCand, 0, n),
	}
}

// add fills c from ev (extracted from art) and records its pair data.
func (b *indexBuilder) add(c *candidate, ev timeline.Event, art timeline.Article) {
	ev.Mentions, c.prefixes = sortedMentionsKeyed(ev.Mentions)
	ev.Entities = slices.Clone(ev.Entities)
	c.ev, c.article, c.lead, c.pub = ev, art.Slug, ev.Lead, art.Meta.Date
	if c.article == "" && len(ev.Mentions) > 0 {
		c.article = ev.Mentions[0].Article
	}
	pc := pairCand{lead: ev.Lead, end: -1, source: -1, sets: int32(len(b.scratch)), hasStart: !ev.Start.IsZero()}
	ctx := b.st.appendIDs(ev.Title, b.work[:0])
	title := b.scratch
	for _, s := range ctx {
		if bit, ok := b.classBits[s]; ok {
			pc.classes |= bit
		} else {
			title = append(title, s)
		}
	}
	title = sortedSetTail(title, len(b.scratch))
	pc.nTitle = int32(len(title) - len(b.scratch))
	c.classes, c.title = pc.classes, title[len(b.scratch):len(title):len(title)]
	for _, m := range ev.Mentions {
		ctx = b.st.appendIDs(m.Text, ctx)
	}
	for _, e := range ev.Entities {
		ctx = b.st.appendIDs(e.Name, ctx)
	}
	all := sortedSetTail(append(title, ctx...), len(title))
	pc.nContext = int32(len(all) - len(title))
	for k, m := range ev.Mentions {
		all = append(all, b.st.sentenceID(m.Source, m.Sentence.Start))
		src := internOne(m.Source, b.sources)
		if k == 0 {
			pc.source = src
		} else if src != pc.source {
			pc.source = -1
		}
	}
	pc.nSent = int32(len(all)) - pc.sets - pc.nTitle - pc.nContext
	b.scratch, b.work = all, ctx
	pc.article = internOne(c.article, b.articles)
	pc.dateID = internOne(ev.Start.Value, b.dateIDs)
	pc.start = b.span(ev.Start)
	if ev.End != nil {
		pc.end = b.span(*ev.End)
	}
	b.pcs = append(b.pcs, pc)
	c.pair = int32(len(b.pcs) - 1)
}

func (b *indexBuilder) span(d timeline.Date) int32 {
	k := dateKey{d.Value, spanOf(d)}
	id, ok := b.spans[k]
	if !ok {
		id = int32(len(b.dates))
		b.spans[k] = id
		b.dates = append(b.dates, k.span)
	}
	return id
}

// sortedSetTail sorts and de-duplicates s[from:] in place and returns s cut
// after the set, so sets compare by merging slices.
func sortedSetTail(s []int32, from int) []int32 {
	slices.Sort(s[from:])
	return s[:from+len(slices.Compact(s[from:]))]
}

// finish lays the candidates (now in canonical order) out by start date value,
// then canonical order, and copies their sets into one arena in that order.
func (b *indexBuilder) finish(cands []*candidate) *pairIndex {
	x := &pairIndex{
		cands:   make([]pairCand, len(cands)),
		pos:     make([]int32, len(cands)),
		arena:   make([]int32, 0, len(b.scratch)),
		dates:   b.dates,
		byValue: map[string]timeline.Date{},
		dateIDs: b.dateIDs,
	}
	order := make([]int32, len(cands)) // canonical indices in date order
	for i, c := range cands {
		order[i] = int32(i)
		pc := &b.pcs[c.pair]
		pc.canon = int32(i)
		if pc.hasStart {
			x.byValue[c.ev.Start.Value] = c.ev.Start
		}
	}
	rank := b.valueRanks()
	slices.SortFunc(order, func(i, j int32) int {
		a, c := cands[i].pair, cands[j].pair
		if v := cmp.Compare(rank[b.pcs[a].dateID], rank[b.pcs[c].dateID]); v != 0 {
			return v
		}
		return cmp.Compare(i, j)
	})
	for p, i := range order {
		c := cands[i]
		pc := b.pcs[c.pair]
		n := pc.nTitle + pc.nContext + pc.nSent
		from := int32(len(x.arena))
		x.arena = append(x.arena, b.scratch[pc.sets:pc.sets+n]...)
		pc.sets = from
		pc.hash = setHash(x.arena[from : from+pc.nTitle])
		x.cands[p] = pc
		x.pos[i] = int32(p)
		c.title = x.title(&x.cands[p])
		c.pair = int32(p)
	}
	return x
}

// valueRanks ranks the start date values alphabetically: a year sorts just
// before its months and days, so a day's candidates and those of the coarser
// dates it is compared with sit close together.
func (b *indexBuilder) valueRanks() []int32 {
	values := make([]string, 0, len(b.dateIDs))
	for v := range b.dateIDs {
		values = append(values, v)
	}
	slices.Sort(values)
	rank := make([]int32, len(values))
	for r, v := range values {
		rank[b.dateIDs[v]] = int32(r)
	}
	return rank
}
