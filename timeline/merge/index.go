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
	stems   int // number of distinct stems: stem IDs are below it
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

// titleOf returns c's sorted unique title stems, event words excluded.
func (x *pairIndex) titleOf(c *candidate) []int32 { return x.title(&x.cands[c.pair]) }

// of returns the pair data of the candidate at canonical index i.
func (x *pairIndex) of(i int) *pairCand { return &x.cands[x.pos[i]] }

// indexBuilder builds the pair index in three steps (see buildCandidates):
// stemming on workers (stemShare, build.go), one pass in input order for
// what must be numbered globally (intern), and the layout in date order
// (finish, on workers again).
type indexBuilder struct {
	interner  map[string]int32 // stem -> global stem ID
	articles  map[string]int32
	sources   map[string]int32
	dates     dateTable
	sentences *table[int32]         // packed sentenceRef -> ID
	oddRefs   map[sentenceRef]int32 // refs whose start does not pack (IDs -1, -2, ...)
	pcs       []pairCand            // input order; until finish, sets index shares[where[k]].chunks[chunkOf[k]]
	where     []int32               // input order: the share that stemmed the candidate
	chunkOf   []int32               // input order: the share's chunk holding its sets
	shares    []*stemShare
	sents     []int32 // every candidate's sentence IDs, in input order
	sentAt    []int32 // input order: where its sentence IDs start in sents
	size      int     // IDs of all sets: the arena's length
	// transient: the names are not kept after the index is built (Merge's
	// builder, not a State's), so sentences may be numbered without the
	// table of all of them (runSentenceID).
	transient bool
	// What consecutive candidates share, kept to skip lookups.
	lastSource   string
	lastSourceID int32
	lastArticle  string
	lastArtID    int32
}

// dateKey identifies a date span (value included, so distinct values stay distinct).
type dateKey struct {
	value string
	span  span
}

func newIndexBuilder(n int) *indexBuilder {
	interner := map[string]int32{}
	classBitIndex(interner) // class tokens first, with the IDs every share gives them
	return &indexBuilder{
		interner:     interner,
		articles:     map[string]int32{},
		sources:      map[string]int32{},
		dates:        newDateTable(),
		sentences:    newTable[int32](0), // sized by intern, which counts the mentions
		oddRefs:      map[sentenceRef]int32{},
		pcs:          make([]pairCand, n),
		where:        make([]int32, n),
		chunkOf:      make([]int32, n),
		sentAt:       make([]int32, n),
		lastSourceID: -1,
		lastArtID:    -1,
	}
}

// intern numbers, in input order, what pair checks compare across shares:
// stems (each share's IDs mapped to global ones), articles, sources,
// sentences and dates. cands holds the candidates in input order, stemmed.
func (b *indexBuilder) intern(cands []*candidate) {
	for k, sh := range b.shares {
		if k == 0 && b.namesUnused() {
			b.takeFirstShareNames(sh)
			continue
		}
		sh.mapStems(b.interner)
		sh.mapDates(&b.dates)
	}
	mentions := b.sizeForMentions(cands)
	if !b.transient || !b.numberSentences(cands, b.runSentenceID()) {
		b.sizeSentences(mentions)
		b.numberSentences(cands, func(ref sentenceRef) (int32, bool) { return b.sentenceID(ref), true })
	}
	for k, c := range cands {
		pc := &b.pcs[k]
		b.size += int(pc.nTitle + pc.nContext + pc.nSent)
		if c.article != b.lastArticle || b.lastArtID < 0 {
			b.lastArticle, b.lastArtID = c.article, internOne(c.article, b.articles)
		}
		pc.article = b.lastArtID
		sh := b.shares[b.where[k]]
		pc.dateID, pc.start = sh.valueToGlobal[pc.dateID], sh.spanToGlobal[pc.start]
		if pc.end >= 0 {
			pc.end = sh.spanToGlobal[pc.end]
		}
	}
}

// namesUnused: the builder's stem interner holds only the class tokens and
// its date table nothing, as newIndexBuilder made them.
func (b *indexBuilder) namesUnused() bool {
	return len(b.interner) == len(eventClasses) && len(b.dates.names) == 0 && len(b.dates.keys) == 0
}

// takeFirstShareNames takes the first share's stem interner and date table as the
// global ones: mapped into empty ones, in local ID order, they would give
// every stem, value and span its local ID again (see mapStems), so the
// copy is skipped, with its map growth (about 4 MB of garbage per merge of
// the 10,000-article benchmark on one worker, half that on two).
func (b *indexBuilder) takeFirstShareNames(sh *stemShare) {
	b.interner, b.dates = sh.interner, sh.dates
	sh.toGlobal, sh.identity = nil, true
	sh.valueToGlobal = identityIDs(len(sh.dates.names))
	sh.spanToGlobal = identityIDs(len(sh.dates.keys))
}

// identityIDs maps each of n IDs to itself.
func identityIDs(n int) []int32 {
	ids := make([]int32, n)
	for i := range ids {
		ids[i] = int32(i)
	}
	return ids
}

// sizeForMentions makes the list of sentence IDs large enough for every
// mention, and returns their number; sizeSentences makes the empty sentence
// table large enough for every mention's sentence, an upper bound of the
// distinct ones. Growing them on the way rehashed all sentences seen so far
// into fresh memory (a tenth of interning, and 3 MB of garbage, on the
// 10,000-article benchmark) and copied the list as it grew.
func (b *indexBuilder) sizeForMentions(cands []*candidate) int {
	mentions := 0
	for _, c := range cands {
		mentions += len(c.mentions)
	}
	b.sents = slices.Grow(b.sents, mentions)
	return mentions
}

func (b *indexBuilder) sizeSentences(mentions int) {
	if b.sentences.used == 0 && 2*mentions > len(b.sentences.keys) {
		b.sentences = newTable[int32](mentions)
	}
}

// numberSentences lists every candidate's sentence IDs (b.sents, from
// b.sentAt[k] for candidate k, input order), each mention's source interned,
// with the ID id gives its sentence; it sets each candidate's source and
// number of sentences. It returns false, leaving the list to be made
// again, when id gives up (an ID below zero that is not an odd ref's).
func (b *indexBuilder) numberSentences(cands []*candidate, id func(sentenceRef) (int32, bool)) bool {
	b.sents = b.sents[:0]
	for k, c := range cands {
		pc := &b.pcs[k]
		b.sentAt[k] = int32(len(b.sents))
		for m := range c.mentions {
			men := &c.mentions[m]
			src := b.sourceID(men.Source)
			sid, ok := id(sentenceRef{src, men.Sentence.Start})
			if !ok {
				return false
			}
			b.sents = append(b.sents, sid)
			if m == 0 {
				pc.source = src
			} else if src != pc.source {
				pc.source = -1
			}
		}
		pc.nSent = int32(len(c.mentions))
	}
	return true
}

// runSentenceID numbers sentences as sentenceID does (in order of first
// appearance) without the table of every sentence, for a builder whose
// names are not kept (Merge's): while each source's mentions come in one
// run (an article's candidates come together), a sentence can only come
// again within its source's run, so one small table, emptied when the
// source changes, finds it. It gives up (false) when a source comes back
// after another's run; the caller then numbers them with sentenceID. The
// table of all sentences was 7 MB of fresh memory per merge of the
// 10,000-article benchmark (154,000 sentences).
func (b *indexBuilder) runSentenceID() func(sentenceRef) (int32, bool) {
	run := newResettable[int32](256)
	runSource, next := int32(-1), int32(0)
	return func(ref sentenceRef) (int32, bool) {
		if ref.start < 0 || int64(ref.start) >= 1<<32-1 {
			return b.sentenceID(ref), true // numbered apart, below zero, either way
		}
		if ref.source != runSource {
			// Sources are interned as they first come: a source
			// that is not the last interned has had its run.
			if int(ref.source) != len(b.sources)-1 {
				return 0, false
			}
			runSource = ref.source
			run.reset()
		}
		id, found := run.getOrPut(uint64(ref.start), next)
		if !found {
			next++
		}
		return id, true
	}
}

// sentenceRef names a sentence: its source file (interned) and start offset.
type sentenceRef struct {
	source int32
	start  int
}

// sentenceID interns a sentence: IDs are only compared for equality.
func (b *indexBuilder) sentenceID(ref sentenceRef) int32 {
	if ref.start < 0 || int64(ref.start) >= 1<<32-1 { // does not pack into 32 bits
		id, ok := b.oddRefs[ref]
		if !ok {
			id = -int32(len(b.oddRefs)) - 1
			b.oddRefs[ref] = id
		}
		return id
	}
	key := uint64(uint32(ref.source))<<32 | uint64(ref.start)
	id, _ := b.sentences.getOrPut(key, int32(b.sentences.used))
	return id
}

// sourceID interns a source path; a candidate's mentions mostly share one.
func (b *indexBuilder) sourceID(path string) int32 {
	if path != b.lastSource || b.lastSourceID < 0 {
		b.lastSource, b.lastSourceID = path, internOne(path, b.sources)
	}
	return b.lastSourceID
}

// sortedSet sorts and de-duplicates ids in place, so sets compare by merging slices.
func sortedSet(ids []int32) []int32 {
	slices.Sort(ids)
	return slices.Compact(ids)
}

// finish lays the candidates (now in canonical order) out by start date value,
// then canonical order, and copies their sets into one arena in that order,
// stems mapped to global IDs.
func (b *indexBuilder) finish(cands []*candidate) *pairIndex {
	x := &pairIndex{
		pos:     make([]int32, len(cands)),
		arena:   make([]int32, b.size),
		dates:   b.dates.spanList(),
		byValue: make(map[string]timeline.Date, len(b.dates.values)), // at most one per value: no growth
		dateIDs: b.dates.values,
		stems:   len(b.interner),
	}
	order := b.dateOrder(cands, x.byValue)
	// The high half of order now takes where each one's sets start in
	// the arena.
	next := int32(0)
	for p, key := range order {
		pc := &b.pcs[cands[uint32(key)].pair]
		order[p] = uint64(uint32(next))<<32 | uint64(uint32(key))
		next += pc.nTitle + pc.nContext + pc.nSent
	}
	dest := make([]int32, len(order)) // input index -> index in date order
	parallel(len(order), pairGrain, func(_, from, to int) {
		for p := from; p < to; p++ {
			i, at := uint32(order[p]), int32(order[p]>>32)
			c := cands[i]
			pc := &b.pcs[c.pair]
			sh := b.shares[b.where[c.pair]]
			local := sh.chunks[b.chunkOf[c.pair]][pc.sets : pc.sets+pc.nTitle+pc.nContext]
			dst := x.arena[at : at+pc.nTitle+pc.nContext+pc.nSent]
			sh.copyMapped(dst[:pc.nTitle], local[:pc.nTitle])
			sh.copyMapped(dst[pc.nTitle:pc.nTitle+pc.nContext], local[pc.nTitle:])
			from := b.sentAt[c.pair]
			copy(dst[pc.nTitle+pc.nContext:], b.sents[from:from+pc.nSent])
			pc.sets = at
			pc.hash = setHash(dst[:pc.nTitle])
			x.pos[i] = int32(p)
			dest[c.pair] = int32(p)
			c.pair = int32(p)
		}
	})
	x.cands = permuteInPlace(b.pcs, dest)
	return x
}

// dateOrder returns the canonical indices of cands (in canonical order) by
// start date value rank, then canonical order, and numbers them (canon);
// it fills byValue. Candidates come in canonical order, so counting them
// by rank and placing each in turn (a counting sort) orders them so
// (sorting rank-and-index keys cost 5 ms per merge of the 10,000-article
// benchmark). byValue takes, for each start value, the Date of the last
// candidate with a start that has it: one assignment per value (was: one
// per candidate, 4 ms).
func (b *indexBuilder) dateOrder(cands []*candidate, byValue map[string]timeline.Date) []uint64 {
	rank := b.valueRanks()
	ranks := make([]int32, len(cands)) // canonical index -> its value's rank
	from := make([]int32, len(rank)+1) // rank -> where its candidates start in the order
	last := make([]int32, len(rank))   // value ID -> its last candidate with a start, -1 for none
	for v := range last {
		last[v] = -1
	}
	for i, c := range cands {
		pc := &b.pcs[c.pair]
		pc.canon = int32(i)
		ranks[i] = rank[pc.dateID]
		from[ranks[i]+1]++
		if pc.hasStart {
			last[pc.dateID] = int32(i)
		}
	}
	for r := 1; r < len(from); r++ {
		from[r] += from[r-1]
	}
	order := make([]uint64, len(cands))
	for i, r := range ranks {
		order[from[r]] = uint64(i)
		from[r]++
	}
	for _, i := range last {
		if i >= 0 {
			byValue[cands[i].in.Start.Value] = cands[i].in.Start
		}
	}
	return order
}

// permuteInPlace moves s[k] to dest[k] for every k (dest is a permutation,
// used up as scratch) and returns s: reordering the pair data where it lies
// spares a second array of it.
func permuteInPlace[T any](s []T, dest []int32) []T {
	for k := range s {
		for d := dest[k]; d != int32(k); d = dest[k] {
			s[k], s[d] = s[d], s[k]
			dest[k], dest[d] = dest[d], d
		}
	}
	return s
}

// valueRanks ranks the start date values alphabetically: a year sorts just
// before its months and days, so a day's candidates and those of the coarser
// dates it is compared with sit close together.
func (b *indexBuilder) valueRanks() []int32 {
	values := make([]string, 0, len(b.dates.values))
	for v := range b.dates.values {
		values = append(values, v)
	}
	slices.Sort(values)
	rank := make([]int32, len(values))
	for r, v := range values {
		rank[b.dates.values[v]] = int32(r)
	}
	return rank
}
