package merge

import (
	"math"
	"math/bits"
	"slices"

	"github.com/newsline/timeline/timeline"
)

// stemShare is one worker's part of stemming: a contiguous run of articles,
// stemmed with the share's own stemmer and interner, so shares never wait on
// each other. Stem IDs are local to the share until intern maps them to
// global ones (mapStems); the class tokens are interned first everywhere, so
// they have the same IDs in every share.
type stemShare struct {
	st        *stemmer
	interner  map[string]int32
	classBits []uint32  // stem ID -> its event class bit, 0 for other stems
	chunks    [][]int32 // title then context stems of each candidate, local IDs
	toGlobal  []int32   // local stem ID -> global stem ID
	identity  bool      // every local ID is its global ID: sets are copied as they are
	// Dates, interned locally (pairCand's dateID, start and end hold local
	// IDs until intern maps them).
	dates                       dateTable
	valueToGlobal, spanToGlobal []int32
	// Reused buffers.
	work, title []int32
	lastText    string  // the last mention sentence stemmed
	lastTextIDs []int32 // its stem IDs (nil before the first)
	inSet       []int32 // local stem ID -> setSerial when in the set unique is building
	setSerial   int32
	bits        []uint64 // a bit per local stem ID, all zero between calls (sortedUnique)
}

func newStemShare() *stemShare {
	interner := map[string]int32{}
	var classBits []uint32
	for id, bit := range classBitIndex(interner) {
		for int(id) >= len(classBits) {
			classBits = append(classBits, 0)
		}
		classBits[id] = bit
	}
	return &stemShare{st: newStemmer(interner), interner: interner, classBits: classBits, dates: newDateTable()}
}

// stemGrain is the fewest candidates worth a share of their own (a
// variable so that tests can cut shares of one candidate).
var stemGrain = 4096

// stem fills cands (input order) from perArticle: each event with its
// mentions and entities sorted, its article, and its stem sets, by one share
// per worker over contiguous runs of articles (so which share stems what,
// and hence the global stem IDs, depend only on the number of workers).
// Each share allocates (and so clears) its own candidates and copy blocks.
func (b *indexBuilder) stem(articles []timeline.Article, perArticle [][]timeline.Event, firsts []int, cands []*candidate) {
	n := workerCount(len(cands), stemGrain)
	b.shares = make([]*stemShare, n)
	parallel(n, 1, func(_, s, _ int) {
		sh := newStemShare()
		b.shares[s] = sh
		// Share s takes the articles whose first event falls in its n-th of the events.
		from, _ := slices.BinarySearch(firsts[:len(perArticle)], s*len(cands)/n)
		to, _ := slices.BinarySearch(firsts[:len(perArticle)], (s+1)*len(cands)/n)
		if s == n-1 {
			to = len(perArticle)
		}
		own := make([]candidate, firsts[to]-firsts[from])
		var cp copies
		var none timeline.Article // events beyond the articles given belong to no article
		for i := from; i < to; i++ {
			art := &none
			if i < len(articles) {
				art = &articles[i]
			}
			for k := range perArticle[i] {
				at := firsts[i] + k
				c := &own[at-firsts[from]]
				b.chunkOf[at] = sh.add(c, &b.pcs[at], &perArticle[i][k], art, &cp)
				c.pair = int32(at)
				cands[at] = c
				b.where[at] = int32(s)
			}
		}
	})
}

// add fills c from in (extracted from art) and the share's part of its pair
// data, and returns the chunk its sets were stored in.
func (sh *stemShare) add(c *candidate, pc *pairCand, in *timeline.Event, art *timeline.Article, cp *copies) int32 {
	c.in = in
	c.mentions = cp.sortedMentions(in.Mentions)
	c.entities = cp.entities(in.Entities)
	c.article = art.Slug
	if c.article == "" && len(c.mentions) > 0 {
		c.article = c.mentions[0].Article
	}
	classes, title, ctx := sh.stemSets(in, c.mentions)
	c.classes = classes
	chunk, at := sh.store(title, ctx)
	*pc = pairCand{lead: in.Lead, end: -1, source: -1, hasStart: !in.Start.IsZero(), classes: classes,
		sets: at, nTitle: int32(len(title)), nContext: int32(len(ctx))}
	pc.dateID, pc.start = sh.dates.startDate(&in.Start)
	if in.End != nil {
		pc.end = sh.dates.span(*in.End)
	}
	return chunk
}

// shareChunk is the size of a share's scratch chunks (in IDs): the scratch
// grows by whole chunks instead of being copied as it doubles.
const shareChunk = 1 << 16

// store appends a candidate's title and context sets to the share's last
// chunk (a new one when they do not fit) and returns the chunk and where in
// it they start.
func (sh *stemShare) store(title, ctx []int32) (chunk, at int32) {
	n := len(title) + len(ctx)
	last := len(sh.chunks) - 1
	if last < 0 || cap(sh.chunks[last])-len(sh.chunks[last]) < n {
		sh.chunks = append(sh.chunks, make([]int32, 0, max(shareChunk, n)))
		last++
	}
	c := &sh.chunks[last]
	at = int32(len(*c))
	*c = append(append(*c, title...), ctx...)
	return int32(last), at
}

// stemSets computes ev's event classes, title stems and context stems
// (mentions are ev's, sorted; the results are in the share's reused buffers).
func (sh *stemShare) stemSets(ev *timeline.Event, mentions []timeline.Mention) (uint32, []int32, []int32) {
	var classes uint32
	ctx := sh.st.appendIDs(ev.Title, sh.work[:0])
	title := sh.title[:0]
	for _, s := range ctx {
		if int(s) < len(sh.classBits) && sh.classBits[s] != 0 {
			classes |= sh.classBits[s]
		} else {
			title = append(title, s)
		}
	}
	title = sortedSet(title)
	for k := range mentions {
		// Events told by one sentence come one after the other: the
		// last sentence's stems are kept and reused.
		if text := mentions[k].Text; text == sh.lastText && sh.lastTextIDs != nil {
			ctx = append(ctx, sh.lastTextIDs...)
		} else {
			from := len(ctx)
			ctx = sh.st.appendIDs(text, ctx)
			sh.lastText, sh.lastTextIDs = text, append(sh.lastTextIDs[:0], ctx[from:]...)
		}
	}
	for _, e := range ev.Entities {
		ctx = sh.st.appendIDs(e.Name, ctx)
	}
	ctx = sh.sortedUnique(ctx)
	sh.title, sh.work = title, ctx
	return classes, title, ctx
}

// sortedUnique returns the distinct IDs of ids in increasing order, in
// place. Either the repeats are dropped (unique) and the rest sorted, or,
// when the IDs are many for the number of stems there are (a word of 64
// bits per 64 stems to scan costs less than sorting: a lead event's
// dozens of sentences), each sets its bit in a bitmap and the bitmap is
// read back in order. Both give the same slice.
func (sh *stemShare) sortedUnique(ids []int32) []int32 {
	words := (len(sh.interner) + 63) / 64
	if len(ids) < 32 || words > 2*len(ids) {
		ids = sh.unique(ids)
		slices.Sort(ids)
		return ids
	}
	if len(sh.bits) < words {
		sh.bits = make([]uint64, words+words/2)
	}
	bm := sh.bits[:words]
	for _, id := range ids {
		bm[uint32(id)/64] |= 1 << (uint32(id) % 64)
	}
	out := ids[:0]
	for k, w := range bm {
		if w == 0 {
			continue
		}
		bm[k] = 0 // left all zero for the next call
		for ; w != 0; w &= w - 1 {
			out = append(out, int32(k*64+bits.TrailingZeros64(w)))
		}
	}
	return out
}

// unique drops repeated IDs from ids in place, keeping first occurrences:
// a title's words come again in its sentence and entities, so sorting the
// unique ones sorts about half as many.
func (sh *stemShare) unique(ids []int32) []int32 {
	if n := len(sh.interner); len(sh.inSet) < n {
		sh.inSet = append(sh.inSet, make([]int32, n-len(sh.inSet)+n/2)...)
	}
	sh.setSerial++
	if sh.setSerial == math.MaxInt32 { // serials would come back: start afresh
		clear(sh.inSet)
		sh.setSerial = 1
	}
	out := ids[:0]
	for _, id := range ids {
		if sh.inSet[id] != sh.setSerial {
			sh.inSet[id] = sh.setSerial
			out = append(out, id)
		}
	}
	return out
}

// mapStems interns the share's stems into the global interner, in local ID
// order, and records the mapping. Shares are mapped in order, so the first
// share's IDs are the global ones.
func (sh *stemShare) mapStems(global map[string]int32) {
	words := make([]string, len(sh.interner))
	for w, id := range sh.interner {
		words[id] = w
	}
	sh.toGlobal = make([]int32, len(words))
	sh.identity = true
	for id, w := range words {
		sh.toGlobal[id] = internOne(w, global)
		sh.identity = sh.identity && sh.toGlobal[id] == int32(id)
	}
}

// copyMapped copies the sorted set local (local IDs) into dst as global IDs,
// sorted again when the mapping changed them.
func (sh *stemShare) copyMapped(dst, local []int32) {
	if sh.identity {
		copy(dst, local)
		return
	}
	for k, id := range local {
		dst[k] = sh.toGlobal[id]
	}
	slices.Sort(dst)
}

// mapDates interns the share's date values and spans into the global table,
// in local ID order, and records the mappings.
func (sh *stemShare) mapDates(global *dateTable) {
	sh.valueToGlobal = make([]int32, len(sh.dates.names))
	for id, v := range sh.dates.names {
		sh.valueToGlobal[id] = global.value(v)
	}
	sh.spanToGlobal = make([]int32, len(sh.dates.keys))
	for id, k := range sh.dates.keys {
		sh.spanToGlobal[id] = global.spanKey(k)
	}
}

// dateTable interns date values, and spans with their value (so distinct
// values stay distinct).
type dateTable struct {
	values       map[string]int32
	names        []string // value ID -> value
	spans        map[dateKey]int32
	keys         []dateKey            // span ID -> its value and span
	startIDs     map[dateKey][2]int32 // start dates seen: value and span IDs
	firstSpan    map[string]startSeen // value -> its first span seen, with IDs
	lastStart    dateKey              // the last start date interned
	lastStartIDs [2]int32             // its value and span IDs ({-1, -1} before the first)
}

func newDateTable() dateTable {
	return dateTable{values: map[string]int32{}, spans: map[dateKey]int32{},
		startIDs: map[dateKey][2]int32{}, firstSpan: map[string]startSeen{}, lastStartIDs: [2]int32{-1, -1}}
}

// startSeen is a start date's span and IDs (value, span).
type startSeen struct {
	span span
	ids  [2]int32
}

func (t *dateTable) value(v string) int32 { return internListed(t.values, &t.names, v) }

func (t *dateTable) span(d timeline.Date) int32 { return t.spanKey(dateKey{d.Value, spanOf(d)}) }

func (t *dateTable) spanKey(k dateKey) int32 { return internListed(t.spans, &t.keys, k) }

// internListed returns k's ID in ids, giving it the next one (and listing it
// in byID) the first time.
func internListed[K comparable](ids map[K]int32, byID *[]K, k K) int32 {
	id, ok := ids[k]
	if !ok {
		id = int32(len(*byID))
		ids[k] = id
		*byID = append(*byID, k)
	}
	return id
}

// spanList returns the spans by ID.
func (t *dateTable) spanList() []span {
	out := make([]span, len(t.keys))
	for id, k := range t.keys {
		out[id] = k.span
	}
	return out
}

// startDate interns a start date's value and span. An article's events
// share a few dates, so the last date's IDs are kept and reused when the
// next date is the same.
func (t *dateTable) startDate(d *timeline.Date) (valueID, spanID int32) {
	s := spanOf(*d)
	if t.lastStart.value == d.Value && t.lastStart.span == s && t.lastStartIDs[1] >= 0 {
		return t.lastStartIDs[0], t.lastStartIDs[1]
	}
	k := dateKey{d.Value, s}
	// A value almost always has one span: looked up by the value alone
	// (hashing a string, not a string and a span), and by both only when
	// the span is another.
	first, seen := t.firstSpan[d.Value]
	ids := first.ids
	if !seen || first.span != s {
		var ok bool
		if ids, ok = t.startIDs[k]; !ok {
			ids = [2]int32{t.value(d.Value), t.spanKey(k)}
			t.startIDs[k] = ids
		}
		if !seen {
			t.firstSpan[d.Value] = startSeen{s, ids}
		}
	}
	t.lastStart, t.lastStartIDs = k, ids
	return ids[0], ids[1]
}
