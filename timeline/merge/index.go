package merge

import (
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
	classBits []uint32 // stem ID -> its event class bit, 0 for other stems
	copies    copies
	articles  map[string]int32
	sources   map[string]int32
	dateIDs   map[string]int32
	spans     map[dateKey]int32
	dates     []span
	sentences *table[int32]         // packed sentenceRef -> ID
	oddRefs   map[sentenceRef]int32 // refs whose start does not pack (IDs -1, -2, ...)
	pcs       []pairCand            // input order; sets index chunks[where[k]]
	chunks    [][]int32             // scratch arena
	where     []int32
	size      int // IDs in the scratch arena
	// Reused buffers.
	work, title, sent []int32
	lastSource        string
	lastSourceID      int32
	lastText          string               // the last mention sentence stemmed
	lastTextIDs       []int32              // its stem IDs (nil before the first)
	startIDs          map[dateKey][2]int32 // start dates seen: value and span IDs
	lastStart         dateKey              // the last start date interned
	lastStartIDs      [2]int32             // its value and span IDs ({-1, -1} before the first)
}

// dateKey identifies a date span (value included, so distinct values stay distinct).
type dateKey struct {
	value string
	span  span
}

func newIndexBuilder(n int, copies copies) *indexBuilder {
	interner := map[string]int32{}
	var classBits []uint32
	for id, bit := range classBitIndex(interner) {
		for int(id) >= len(classBits) {
			classBits = append(classBits, 0)
		}
		classBits[id] = bit
	}
	return &indexBuilder{
		st:           newStemmer(interner),
		classBits:    classBits,
		copies:       copies,
		articles:     map[string]int32{},
		sources:      map[string]int32{},
		dateIDs:      map[string]int32{},
		spans:        map[dateKey]int32{},
		sentences:    newTable[int32](n),
		oddRefs:      map[sentenceRef]int32{},
		pcs:          make([]pairCand, 0, n),
		where:        make([]int32, 0, n),
		lastSourceID: -1,
		startIDs:     map[dateKey][2]int32{},
		lastStartIDs: [2]int32{-1, -1},
	}
}

// add fills c from in (extracted from art) and records its pair data.
func (b *indexBuilder) add(c *candidate, in *timeline.Event, art *timeline.Article) {
	c.ev = *in
	ev := &c.ev
	ev.Mentions = b.copies.sortedMentions(in.Mentions)
	ev.Entities = b.copies.entities(in.Entities)
	c.article, c.lead, c.pub = art.Slug, ev.Lead, art.Meta.Date
	if c.article == "" && len(ev.Mentions) > 0 {
		c.article = ev.Mentions[0].Article
	}
	pc := pairCand{lead: ev.Lead, end: -1, source: -1, hasStart: !ev.Start.IsZero()}
	var title, ctx []int32
	pc.classes, title, ctx = b.stemSets(ev)
	sent := b.sent[:0]
	for k := range ev.Mentions {
		m := &ev.Mentions[k]
		src := b.sourceID(m.Source)
		sent = append(sent, b.sentenceID(sentenceRef{src, m.Sentence.Start}))
		if k == 0 {
			pc.source = src
		} else if src != pc.source {
			pc.source = -1
		}
	}
	pc.nTitle, pc.nContext, pc.nSent = int32(len(title)), int32(len(ctx)), int32(len(sent))
	pc.sets = b.store(title, ctx, sent)
	c.classes = pc.classes
	b.sent = sent
	pc.article = internOne(c.article, b.articles)
	pc.dateID, pc.start = b.startDate(&ev.Start)
	if ev.End != nil {
		pc.end = b.span(*ev.End)
	}
	b.pcs = append(b.pcs, pc)
	c.pair = int32(len(b.pcs) - 1)
}

// startDate interns a start date's value and span. An article's events
// share a few dates, so the last date's IDs are kept and reused when the
// next date is the same.
func (b *indexBuilder) startDate(d *timeline.Date) (valueID, spanID int32) {
	s := spanOf(*d)
	if b.lastStart.value == d.Value && b.lastStart.span == s && b.lastStartIDs[1] >= 0 {
		return b.lastStartIDs[0], b.lastStartIDs[1]
	}
	k := dateKey{d.Value, s}
	ids, ok := b.startIDs[k]
	if !ok {
		ids = [2]int32{internOne(d.Value, b.dateIDs), b.span(*d)}
		b.startIDs[k] = ids
	}
	b.lastStart, b.lastStartIDs = k, ids
	return ids[0], ids[1]
}

// stemSets computes ev's event classes, title stems and context stems (in
// the builder's reused buffers).
func (b *indexBuilder) stemSets(ev *timeline.Event) (uint32, []int32, []int32) {
	var classes uint32
	ctx := b.st.appendIDs(ev.Title, b.work[:0])
	title := b.title[:0]
	for _, s := range ctx {
		if int(s) < len(b.classBits) && b.classBits[s] != 0 {
			classes |= b.classBits[s]
		} else {
			title = append(title, s)
		}
	}
	title = sortedSet(title)
	for k := range ev.Mentions {
		// Events told by one sentence come one after the other: the
		// last sentence's stems are kept and reused.
		if text := ev.Mentions[k].Text; text == b.lastText && b.lastTextIDs != nil {
			ctx = append(ctx, b.lastTextIDs...)
		} else {
			from := len(ctx)
			ctx = b.st.appendIDs(text, ctx)
			b.lastText, b.lastTextIDs = text, append(b.lastTextIDs[:0], ctx[from:]...)
		}
	}
	for _, e := range ev.Entities {
		ctx = b.st.appendIDs(e.Name, ctx)
	}
	ctx = sortedSet(ctx)
	b.title, b.work = title, ctx
	return classes, title, ctx
}

// sentenceRef names a sentence: its source file (interned) and start offset.
type sentenceRef struct {
	source int32
	start  int
}

// sentenceID interns a sentence: IDs are only compared for equality.
func (b *indexBuilder) sentenceID(ref sentenceRef) int32 {
	if ref.start < 0 || ref.start >= 1<<32-1 { // does not pack into 32 bits
		id, ok := b.oddRefs[ref]
		if !ok {
			id = -int32(len(b.oddRefs)) - 1
			b.oddRefs[ref] = id
		}
		return id
	}
	key := uint64(uint32(ref.source))<<32 | uint64(ref.start)
	id, ok := b.sentences.get(key)
	if !ok {
		id = int32(b.sentences.used)
		b.sentences.put(key, id)
	}
	return id
}

// sourceID interns a source path; a candidate's mentions mostly share one.
func (b *indexBuilder) sourceID(path string) int32 {
	if path != b.lastSource || b.lastSourceID < 0 {
		b.lastSource, b.lastSourceID = path, internOne(path, b.sources)
	}
	return b.lastSourceID
}

// scratchChunk is the size of the scratch arena's chunks (in IDs): the
// scratch grows by whole chunks instead of being copied as it doubles.
const scratchChunk = 1 << 18

// store copies a candidate's sets into the scratch arena and returns where
// they start; finish moves them to their final place.
func (b *indexBuilder) store(sets ...[]int32) int32 {
	n := 0
	for _, s := range sets {
		n += len(s)
	}
	if len(b.chunks) == 0 || cap(b.chunks[len(b.chunks)-1])-len(b.chunks[len(b.chunks)-1]) < n {
		// Chunks double from a small first one, so merging a few events
		// does not pay for a large scratch.
		size := scratchChunk
		if k := len(b.chunks); k < 8 {
			size >>= 8 - k
		}
		b.chunks = append(b.chunks, make([]int32, 0, max(size, n)))
	}
	chunk := &b.chunks[len(b.chunks)-1]
	b.where = append(b.where, int32(len(b.chunks)-1))
	from := len(*chunk)
	for _, s := range sets {
		*chunk = append(*chunk, s...)
	}
	b.size += n
	return int32(from)
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

// sortedSet sorts and de-duplicates ids in place, so sets compare by merging slices.
func sortedSet(ids []int32) []int32 {
	slices.Sort(ids)
	return slices.Compact(ids)
}

// finish lays the candidates (now in canonical order) out by start date value,
// then canonical order, and copies their sets into one arena in that order.
func (b *indexBuilder) finish(cands []*candidate) *pairIndex {
	x := &pairIndex{
		cands:   make([]pairCand, len(cands)),
		pos:     make([]int32, len(cands)),
		arena:   make([]int32, 0, b.size),
		dates:   b.dates,
		byValue: map[string]timeline.Date{},
		dateIDs: b.dateIDs,
	}
	// Date order: value rank in the high half, canonical index in the low.
	rank := b.valueRanks()
	order := make([]uint64, len(cands))
	for i, c := range cands {
		pc := &b.pcs[c.pair]
		pc.canon = int32(i)
		if pc.hasStart {
			x.byValue[c.ev.Start.Value] = c.ev.Start
		}
		order[i] = uint64(rank[pc.dateID])<<32 | uint64(i)
	}
	slices.Sort(order)
	for p, key := range order {
		i := uint32(key)
		c := cands[i]
		pc := b.pcs[c.pair]
		n := pc.nTitle + pc.nContext + pc.nSent
		from := int32(len(x.arena))
		x.arena = append(x.arena, b.chunks[b.where[c.pair]][pc.sets:pc.sets+n]...)
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
