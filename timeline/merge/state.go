package merge

import (
	"cmp"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/newsline/timeline/timeline"
)

// State is an incremental merge: what a Merge found (every candidate's pair
// data, the scored edges, the groups and their events), kept so that the
// next build's merge redoes only the part of the work its changes touch.
//
// Exactness: Update(articles N) on the state of a previous input P gives
// the Timeline Merge(N) gives, deeply equal. It rests on what Merge's result
// depends on:
//   - edges are pairwise (score.go), except for the blocking's MaxPosting
//     cut, whose lists are counted here as Merge counts them;
//   - a group depends only on its connected component's edges and the
//     members' relative canonical order, which for articles with distinct
//     slugs whose mentions all name their own article is (no mentions first,
//     slug, order inside the article);
//   - an event depends on its group's members; its ID on its mentions, the
//     publication dates of their articles, and the other events of its hash.
//
// So an update re-merges the union S of the connected components (of the
// new edge graph) that hold an added candidate or an end of an edge that
// came or went, and recombines only the groups of S that are not an old
// group, plus the events whose ID suffix may move. Inputs outside these
// assumptions (repeated or empty slugs, a mention naming another article, a
// date value with two spans) make the state fall back to whole merges.
//
// An article is identified by its slug and judged unchanged when its key
// (the caller's content hash of everything its events depend on) and its
// publication date are unchanged: its events are then not read at all unless
// a group to recombine holds one of them.
type State struct {
	exact bool // false: Update merges from scratch (see NewState)

	names     *indexBuilder // interners: stems, articles, sources, sentences
	sh        *stemShare    // stems new candidates with names' interner; holds the global date table
	pc        []pairCand    // by candidate ID (sid); sets index arena
	arena     []int32
	dates     []span    // span ID -> span
	valueSpan []span    // start value ID -> its span (known false until seen)
	anc, desc [][]int32 // start value ID -> ancestor / descendant value IDs (see ancestorValues)
	postings  postingLists
	// The lists of a title stem are loaded on first need: building them
	// all cost more than the rest of decoding (allStems: all are loaded).
	allStems   bool
	stemLoaded []bool // by stem ID, when !allStems

	sidArt     []int32 // sid -> article record, -1 once removed
	sidK       []int32 // sid -> index of its event among its article's events
	rank       []int32 // sid -> rank among its article's candidates in canonical order
	noMentions []bool
	asIs       []bool    // the input event's mentions and entities are sorted and unique already
	adj        adjacency // sid -> neighbour<<32 | score ID
	scores     []float64
	scoreIDs   map[uint64]uint32 // math.Float64bits(score) -> score ID
	sidEvent   []int32           // sid -> event handle, -1 when none yet

	arts   []artRec
	bySlug map[string]int32

	evs     []evRec  // by handle
	hashes  []uint64 // by handle: the event's ID hash (hashOfID), apart so apply's scan of every event reads 1 MB, not evs' 27
	freeEv  []int32
	order   []int32   // live handles in timeline order
	unbuilt int       // live events not built yet (decoded state)
	bodies  string    // a decoded state's stored encodings, which its events' raw point into (encodeEvents writes runs of it)
	side    sideState // the events file of a split state (EncodeSplit), which raw may point into
	// out is the event array of the timeline the last Update (or
	// NewState) returned, which the next Update writes its own into: see
	// Update's contract. Copying 116,000 events into a fresh 20 MB array
	// was most of a warm build's merge stage (its first touch, then the
	// collector's work), where rewriting a warm one costs a fraction.
	out         []timeline.Event
	outArticles []timeline.Article // the same for the timeline's articles (articlesByDate)

	// scratch, sized to the candidates
	mark    []int32
	markGen int32
	local   []int32 // sid -> index in the subset recluster clusters (where mark is its generation)

	pre *predecoder // the running Update's decoding of stored events (predecode.go), nil outside one
	// adoptMoves counts the events the last adopt moved left and right (for tests).
	adoptMoves [2]int

	mappedArrays int    // arrays an ArrayMapper gave when decoded (MappedArrays)
	release      func() // gives back the memory of those arrays (SetRelease)

	// Stats describes the last Update, for tests and benchmarks.
	Stats UpdateStats
}

// UpdateStats tells how much of the merge an Update redid.
type UpdateStats struct {
	Full         bool // merged from scratch
	Removed      int  // candidates of changed or removed articles
	Added        int  // candidates of changed or new articles
	Flipped      int  // blocking lists that crossed MaxPosting
	Reclustered  int  // candidates of the components clustered again
	Recombined   int  // events combined again
	ArticlesRead int  // articles whose events were read
	Materialized int  // events of a decoded state built from their members
	Predecoded   int  // stored events decoded while the Update ran (predecode.go) and taken into its timeline
	Adopted      bool // the predecoder's array became the timeline's (adopt): the events it decoded were not copied
	Recovered    bool // the state proved inconsistent: merged from scratch
}

type artRec struct {
	slug string
	key  [32]byte
	pub  time.Time
	sids []int32 // by event index; nil once removed
	live bool
}

// evRec is an event of the state. It holds its built event by pointer, not
// by value: a decoded state's 116,000 records (10k site) are made before any
// event is built, and records of 216 bytes with the event inline were 28 MB
// of fresh heap on a fresh build's merge path, where these take 72.
type evRec struct {
	id   string          // the event's ID (ev.ID once built)
	ev   *timeline.Event // the built event; nil until built (a decoded state)
	sids []int32         // members, canonical order
	live bool
	raw  string // ev's encoding (appendEvent) when decoded from it: written again as is
}

// have: the event is built.
func (e *evRec) have() bool { return e.ev != nil }

// NewState merges the articles from scratch (events(i) gives article i's
// candidate events, keys[i] its content key) and returns the timeline, as
// Merge does, with the state a later Update starts from.
func NewState(articles []timeline.Article, events func(i int) []timeline.Event, keys [][32]byte) (timeline.Timeline, *State) {
	per := make([][]timeline.Event, len(articles))
	for i := range articles {
		per[i] = events(i)
	}
	if len(keys) != len(articles) || !usableArticles(articles) || !ownMentions(articles, per) {
		return Merge(articles, per), &State{Stats: UpdateStats{Full: true}}
	}
	s, tl := newState(articles, per, keys)
	return tl, s
}

// Incremental says whether Update redoes only the part of the merge its
// changes touch (false: the state keeps nothing, and Update merges from
// scratch, as for articles it cannot follow).
func (s *State) Incremental() bool { return s.exact }

// usableArticles: slugs are non-empty, distinct and free of NUL bytes (so
// comparing slugs orders candidates of different articles as Merge does).
func usableArticles(articles []timeline.Article) bool {
	_, ok := indexArticles(articles)
	return ok
}

// indexArticles maps each slug to its article's position, and says whether
// the articles are usable (usableArticles): Update checks and indexes them
// with one map of 10,000 slugs instead of two.
func indexArticles(articles []timeline.Article) (map[string]int, bool) {
	index := make(map[string]int, len(articles))
	for i := range articles {
		slug := articles[i].Slug
		if slug == "" || strings.IndexByte(slug, 0) >= 0 {
			return nil, false
		}
		n := len(index)
		index[slug] = i
		if len(index) == n {
			return nil, false // a repeated slug
		}
	}
	return index, true
}

// ownMentions: every mention names the article it was extracted from.
func ownMentions(articles []timeline.Article, per [][]timeline.Event) bool {
	for i := range per {
		if !mentionsOwn(articles[i].Slug, per[i]) {
			return false
		}
	}
	return true
}

func mentionsOwn(slug string, evs []timeline.Event) bool {
	for k := range evs {
		for m := range evs[k].Mentions {
			if evs[k].Mentions[m].Article != slug {
				return false
			}
		}
	}
	return true
}

func newState(articles []timeline.Article, per [][]timeline.Event, keys [][32]byte) (*State, timeline.Timeline) {
	firsts := make([]int, len(per)+1)
	for i, evs := range per {
		firsts[i+1] = firsts[i] + len(evs)
	}
	total := firsts[len(per)]
	b := newIndexBuilder(total)
	cands := make([]*candidate, total)
	b.stem(articles, per, firsts, cands)
	b.intern(cands)
	sortInParts(cands, compareCandidates, slices.SortStableFunc[[]*candidate])
	input := make([]int32, total) // canonical index -> input index (c.pair until finish)
	for i, c := range cands {
		input[i] = c.pair
	}
	x := b.finish(cands)

	s := &State{exact: true, scoreIDs: map[uint64]uint32{}, bySlug: make(map[string]int32, len(articles))}
	s.adoptNames(b, x)
	s.adoptCandidates(articles, cands, x, input, firsts, keys)
	edges := scoredPairs(x)
	s.adoptEdges(edges)
	groups := cluster(cands, x, edges)
	events := make([]timeline.Event, len(groups))
	parallel(len(groups), groupGrain, func(_, from, to int) {
		for i := from; i < to; i++ {
			events[i] = combine(x, groups[i])
		}
	})
	assignIDs(events, groups, publicationDates(articles))
	spare := len(events)/8 + 64 // room for later Updates' new events without copying all (27 MB at 10k)
	s.evs = make([]evRec, len(events), len(events)+spare)
	s.hashes = make([]uint64, len(events), len(events)+spare)
	s.order = make([]int32, len(events))
	for h := range events {
		sids := make([]int32, len(groups[h]))
		for k, c := range groups[h] {
			sids[k] = x.cands[c.pair].canon
			s.sidEvent[sids[k]] = int32(h)
		}
		s.evs[h] = evRec{id: events[h].ID, ev: &events[h], sids: sids, live: true}
		s.hashes[h] = hashOfID(events[h].ID)
		s.order[h] = int32(h)
	}
	// Sorted as sortedByKey sorts: start seconds first, on workers.
	starts := make([]int64, len(events))
	for h := range events {
		starts[h] = events[h].Start.Start.Unix()
	}
	sortInParts(s.order, func(a, b int32) int {
		if c := cmp.Compare(starts[a], starts[b]); c != 0 {
			return c
		}
		return compareEvents(s.evs[a].ev, s.evs[b].ev)
	}, slices.SortFunc[[]int32])
	return s, s.timeline(articles)
}

// adoptNames keeps the builder's interners and date table for new candidates.
func (s *State) adoptNames(b *indexBuilder, x *pairIndex) {
	b.pcs, b.where, b.chunkOf, b.shares, b.sents, b.sentAt = nil, nil, nil, nil, nil, nil
	s.names = b
	s.sh = stemShareWith(b.interner, b.dates)
	s.arena = x.arena
	s.dates = x.dates
	s.valueSpan = make([]span, len(b.dates.names))
	s.anc = make([][]int32, len(b.dates.names))
	s.desc = make([][]int32, len(b.dates.names))
	for v, d := range x.byValue {
		s.valueSpan[x.dateIDs[v]] = spanOf(d)
	}
	for v, us := range ancestorValues(x.byValue) {
		id := x.dateIDs[v]
		for _, u := range us {
			uid := x.dateIDs[u]
			s.anc[id] = append(s.anc[id], uid)
			s.desc[uid] = append(s.desc[uid], id)
		}
	}
}

// stemShareWith is a share that interns into the global interner and date
// table, so its IDs are global ones.
func stemShareWith(interner map[string]int32, dates dateTable) *stemShare {
	var classBits []uint32
	for id, bit := range classBitIndex(interner) {
		for int(id) >= len(classBits) {
			classBits = append(classBits, 0)
		}
		classBits[id] = bit
	}
	return &stemShare{st: newStemmer(interner), interner: interner, classBits: classBits, dates: dates}
}

// adoptCandidates records every candidate by its canonical index (its sid).
func (s *State) adoptCandidates(articles []timeline.Article, cands []*candidate, x *pairIndex, input []int32, firsts []int, keys [][32]byte) {
	n := len(cands)
	// Room for the next builds' new candidates, as a decoded state has:
	// growing these arrays (29 MB at 10k) was about 0.2 s of a Session's
	// first warm Update after its full build (copied into fresh memory).
	spare := n/8 + 64
	s.pc = spared[pairCand](n, spare)
	s.sidArt, s.sidK, s.rank = spared[int32](n, spare), spared[int32](n, spare), spared[int32](n, spare)
	s.noMentions, s.sidEvent, s.asIs = spared[bool](n, spare), spared[int32](n, spare), spared[bool](n, spare)
	s.arts = make([]artRec, len(articles))
	for i := range articles {
		s.arts[i] = artRec{slug: articles[i].Slug, key: keys[i], pub: articles[i].Meta.Date,
			sids: make([]int32, firsts[i+1]-firsts[i]), live: true}
		s.bySlug[articles[i].Slug] = int32(i)
	}
	ranks := make([]int32, len(articles))
	s.postings = newPostingLists() // loaded per title stem on first need (loadStems)
	for sid, c := range cands {
		in := int(input[sid])
		a, _ := slices.BinarySearch(firsts, in+1)
		a-- // the article whose events hold input index in
		k := in - firsts[a]
		s.pc[sid] = x.cands[c.pair]
		s.sidArt[sid], s.sidK[sid], s.rank[sid] = int32(a), int32(k), ranks[a]
		ranks[a]++
		s.noMentions[sid] = len(c.mentions) == 0
		s.asIs[sid] = takenAsIs(c)
		s.arts[a].sids[k] = int32(sid)
		if pc := &s.pc[sid]; pc.hasStart && s.dates[pc.start] != s.valueSpan[pc.dateID] {
			s.exact = false // a value with two spans: blocking's ancestors depend on which comes last
		}
	}
}

// adoptEdges records the scored edges as adjacency lists.
func (s *State) adoptEdges(edges *edgeList) {
	next := make([]uint32, len(s.pc)) // by sid: where its next edge goes
	edges.eachUnordered(func(i, j int32) { next[i]++; next[j]++ })
	ends := make([]uint32, len(s.pc))
	total := uint32(0)
	for sid, d := range next {
		next[sid] = total
		total += d
		ends[sid] = total
	}
	words := make([]uint64, total)
	for k, chunks := range edges.chunks {
		id := s.scoreID(edges.scores[k])
		for _, c := range chunks {
			for _, p := range c {
				i, j := unpackPair(p)
				words[next[i]], words[next[j]] = uint64(j)<<32|uint64(id), uint64(i)<<32|uint64(id)
				next[i]++
				next[j]++
			}
		}
	}
	s.adj = adjacency{words: words, ends: ends}
}

func (s *State) scoreID(score float64) uint32 {
	bits := math.Float64bits(score)
	id, ok := s.scoreIDs[bits]
	if !ok {
		id = uint32(len(s.scores))
		s.scoreIDs[bits] = id
		s.scores = append(s.scores, score)
	}
	return id
}

// hashOfID reads the hash back from an ID (its first IDLength lower-case
// hex digits), without a branch per digit: '0'-'9' are 0x30-0x39 and 'a'-'f'
// 0x61-0x66, so a digit is its low four bits plus 9 when bit 6 is set. The
// branch (letter or not) went either way at random, a mispredicted one for
// about one digit in three of the 116,000 IDs a decoded 10k state reads.
// Both the decoder and the Update read hashes through it; an ID that is not
// hex (never one idHex spells) gets some hash, the same each time.
func hashOfID(id string) uint64 {
	var v uint64
	for k := 0; k < IDLength; k++ {
		c := uint64(id[k])
		v = v<<4 | (c&0xf + 9*(c>>6&1))
	}
	return v
}

// candidateOf is sid's candidate for combining and naming, from its input
// event: the state's pair data stands in for stemming (combine reads the
// title stems through c.pair, here the sid, of the view).
func (s *State) candidateOf(sid int32, in *timeline.Event, cp *copies) *candidate {
	c := s.candidateValue(sid, in, cp)
	return &c
}

func (s *State) candidateValue(sid int32, in *timeline.Event, cp *copies) candidate {
	c := candidate{in: in, article: s.arts[s.sidArt[sid]].slug, classes: s.pc[sid].classes, pair: sid}
	if !s.asIs[sid] {
		c.mentions, c.entities = cp.sortedMentions(in.Mentions), cp.entities(in.Entities)
		return c
	}
	// What copies returns for sorted input, without checking again.
	c.mentions = []timeline.Mention{}
	if n := len(in.Mentions); n > 0 {
		c.mentions = in.Mentions[:n:n]
	}
	if n := len(in.Entities); n > 0 {
		c.entities = in.Entities[:n:n]
	}
	return c
}

// takenAsIs: copies handed c its input's own mentions and entities (they
// were sorted and unique), or they are empty.
func takenAsIs(c *candidate) bool {
	ms, es := c.in.Mentions, c.in.Entities
	return (len(ms) == 0 || &c.mentions[0] == &ms[0]) && (len(es) == 0 || &c.entities[0] == &es[0])
}

// view is a pairIndex over the state's candidates (by sid; pos maps
// canonical indices of a subset to sids).
func (s *State) view(pos []int32) *pairIndex {
	return &pairIndex{cands: s.pc, arena: s.arena, dates: s.dates, pos: pos}
}

func postingKey(value, stem int32) uint64 { return uint64(uint32(value))<<32 | uint64(uint32(stem)) }

// addPostings lists sid under its start value and each title stem, noting
// in before each list's length before its first change.
func (s *State) addPostings(sid int32, before map[uint64]int) {
	pc := &s.pc[sid]
	if !pc.hasStart {
		return
	}
	for _, t := range s.arena[pc.sets : pc.sets+pc.nTitle] {
		key := postingKey(pc.dateID, t)
		list := s.postings.get(key)
		if before != nil {
			if _, ok := before[key]; !ok {
				before[key] = len(list)
			}
		}
		s.postings.set(key, append(list, sid))
	}
}

func (s *State) removePostings(sid int32, before map[uint64]int) {
	pc := &s.pc[sid]
	if !pc.hasStart {
		return
	}
	for _, t := range s.arena[pc.sets : pc.sets+pc.nTitle] {
		key := postingKey(pc.dateID, t)
		list := s.postings.get(key)
		if _, ok := before[key]; !ok {
			before[key] = len(list)
		}
		if k := slices.Index(list, sid); k >= 0 {
			list[k] = list[len(list)-1]
			list = list[:len(list)-1]
		}
		s.postings.set(key, list)
	}
}

// stemNoteChunk is how many entries loadStems notes in one chunk (96 KB);
// tests make it small.
var stemNoteChunk = 8192

// loadStems loads the blocking lists of the stems not loaded yet, from the
// live candidates below sid "below" (those above are listed by the caller).
func (s *State) loadStems(stems []int32, below int32) {
	if s.allStems {
		return
	}
	if n := len(s.names.interner); len(s.stemLoaded) < n {
		s.stemLoaded = append(s.stemLoaded, make([]bool, n-len(s.stemLoaded))...)
	}
	// Each stem's entries are gathered in sid order, then split into its
	// lists by value with a counting sort, kept per stem (postingLists):
	// appending each entry to its list in a map was 70 ms of a decoded
	// 10k state's first Update (388,000 entries of 70,000 lists for one
	// article's 40 title stems: a map assignment per entry, the map and
	// the lists grown as they filled).
	dense := make([]int32, len(s.stemLoaded)) // stem -> 1 + its index in lists
	var lists [][]int32                       // by wanted stem: its sids in order, each followed by its value
	var stemOf []int32
	for _, t := range stems {
		if !s.stemLoaded[t] {
			s.stemLoaded[t] = true
			lists = append(lists, nil)
			stemOf = append(stemOf, t)
			dense[t] = int32(len(lists))
		}
	}
	if len(lists) == 0 {
		return
	}
	// One scan of the candidates notes each entry (its stem's index in
	// lists, sid, value) in sid order and counts the entries of each stem,
	// whose lists are then cut from one array at their sizes and filled
	// from the notes (it scanned the candidates twice, counting then
	// filling: 90 -> 80 M instructions for the site scale benchmark's
	// 191k candidates, 388,000 entries). The notes are kept in chunks of
	// a fixed size, never copied: one slice grown by append allocated five
	// times what it held (27 MB there, not 4.7), lists grown by appending
	// twice.
	// Each entry's value is noted beside it, so the sort reads it in
	// order instead of from the candidate's record again.
	sizes := make([]int, len(lists))
	var full [][]int32 // chunks of notes filled, each d, sid, value
	var notes []int32  // the chunk being filled, up to n
	n := 0
	for sid := int32(0); sid < below; sid++ {
		pc := &s.pc[sid]
		if !pc.hasStart || s.sidArt[sid] < 0 {
			continue
		}
		for _, t := range s.arena[pc.sets : pc.sets+pc.nTitle] {
			if d := dense[t]; d > 0 {
				if n+3 > len(notes) {
					full = append(full, notes[:n])
					notes, n = make([]int32, 3*stemNoteChunk), 0
				}
				note := notes[n : n+3 : n+3]
				note[0], note[1], note[2] = d-1, sid, pc.dateID
				n += 3
				sizes[d-1]++
			}
		}
	}
	full = append(full, notes[:n])
	total := 0
	for _, n := range sizes {
		total += n
	}
	flat, sorted := make([]int32, 2*total), make([]int32, total)
	at := 0
	for k, n := range sizes {
		lists[k], at = flat[at:at:at+2*n], at+2*n
	}
	for _, chunk := range full {
		for j := 0; j+2 < len(chunk); j += 3 {
			d := chunk[j]
			lists[d] = append(lists[d], chunk[j+1], chunk[j+2])
		}
	}
	loading := make(map[int32]*stemLists, len(lists))
	var count []int32 // by value: entries, then where the next one goes
	var values []int32
	for k, pairs := range lists {
		values = values[:0]
		for j := 1; j < len(pairs); j += 2 {
			v := pairs[j]
			if int(v) >= len(count) {
				count = append(count, make([]int32, int(v)+1-len(count))...)
			}
			if count[v] == 0 {
				values = append(values, v)
			}
			count[v]++
		}
		// The lists by value, for get's binary search: read off the counts
		// in order when the values fill an eighth of them (a common stem's
		// thousands of values: sorting them was a seventh of a warm 10k
		// Update's loadStems), else sorted.
		if len(values) >= len(count)/8 {
			values = values[:0]
			for v, c := range count {
				if c != 0 {
					values = append(values, int32(v))
				}
			}
		} else {
			slices.Sort(values)
		}
		sl := &stemLists{values: slices.Clone(values), ends: make([]int32, len(values))}
		at := int32(0)
		for i, v := range values {
			at, count[v] = at+count[v], at
			sl.ends[i] = at
		}
		n := len(pairs) / 2
		sl.sids = sorted[:n:n]
		sorted = sorted[n:]
		for j := 0; j < len(pairs); j += 2 {
			v := pairs[j+1]
			sl.sids[count[v]] = pairs[j]
			count[v]++
		}
		for _, v := range values {
			count[v] = 0
		}
		loading[stemOf[k]] = sl
	}
	s.postings.load(loading)
}

func (s *State) long(value, stem int32) bool {
	return len(s.postings.get(postingKey(value, stem))) > MaxPosting
}

// nextMark returns a fresh mark for s.mark, sized to the candidates.
func (s *State) nextMark() int32 {
	if len(s.mark) < len(s.pc) {
		s.mark = append(s.mark, make([]int32, len(s.pc)-len(s.mark))...)
	}
	if s.markGen == math.MaxInt32 {
		clear(s.mark)
		s.markGen = 0
	}
	s.markGen++
	return s.markGen
}

// edgesOf returns p's edges in the current state, as neighbour<<32 | score
// ID: the pairs Merge would score and keep (same article: every pair; other
// articles: those the blocking proposes, see crossArticlePairs).
func (s *State) edgesOf(p int32, out []uint64) []uint64 {
	x := s.view(nil)
	a := &s.pc[p]
	for _, q := range s.arts[s.sidArt[p]].sids {
		if q != p {
			out = s.appendEdge(x, a, q, out)
		}
	}
	if !a.hasStart || a.nTitle == 0 {
		return out
	}
	gen := s.nextMark()
	own := postingOf(x, int(p))
	v := a.dateID
	consider := func(list []int32) {
		for _, q := range list {
			b := &s.pc[q]
			if b.article == a.article || kindsDiffer(a.classes, b.classes) || s.mark[q] == gen {
				continue
			}
			s.mark[q] = gen
			if qp := postingOf(x, int(q)); mayJoinAcross(&own, &qp) {
				out = s.appendEdge(x, a, q, out)
			}
		}
	}
	for _, t := range x.title(a) {
		if !s.long(v, t) {
			consider(s.postings.get(postingKey(v, t)))
			for _, w := range s.desc[v] { // finer values scan v's list
				consider(s.postings.get(postingKey(w, t)))
			}
		}
		for _, w := range s.anc[v] {
			if !s.long(w, t) {
				consider(s.postings.get(postingKey(w, t)))
			}
		}
	}
	return out
}

// appendEdge appends the edge of a with q when the pair passes the hard
// rules and scores at least Threshold.
func (s *State) appendEdge(x *pairIndex, a *pairCand, q int32, out []uint64) []uint64 {
	b := &s.pc[q]
	if kindsDiffer(a.classes, b.classes) || !x.compatible(a, b) {
		return out
	}
	if score := x.score(a, b); score >= Threshold {
		out = append(out, uint64(q)<<32|uint64(s.scoreID(score)))
	}
	return out
}

// newValue records the ancestry of a start value seen for the first time.
func (s *State) newValue(v int32, sp span) {
	for int(v) >= len(s.valueSpan) {
		s.valueSpan = append(s.valueSpan, span{})
		s.anc = append(s.anc, nil)
		s.desc = append(s.desc, nil)
	}
	s.valueSpan[v] = sp
	name := s.sh.dates.names[v]
	for u, us := range s.valueSpan {
		if int32(u) == v || !us.known {
			continue
		}
		uname := s.sh.dates.names[u]
		if isAncestor(us, sp, uname, name) {
			s.anc[v] = append(s.anc[v], int32(u))
			s.desc[u] = append(s.desc[u], v)
		}
		if isAncestor(sp, us, name, uname) {
			s.anc[u] = append(s.anc[u], v)
			s.desc[v] = append(s.desc[v], int32(u))
		}
	}
}

// compareSids is the canonical order of two live candidates.
func (s *State) compareSids(a, b int32) int {
	if s.noMentions[a] != s.noMentions[b] {
		if s.noMentions[a] {
			return -1
		}
		return 1
	}
	if aa, ba := s.sidArt[a], s.sidArt[b]; aa != ba {
		return strings.Compare(s.arts[aa].slug, s.arts[ba].slug)
	}
	return cmp.Compare(s.rank[a], s.rank[b])
}

func (s *State) sortOrder(order []int32) {
	slices.SortFunc(order, func(a, b int32) int { return compareEvents(s.evs[a].ev, s.evs[b].ev) })
}

func (s *State) timeline(articles []timeline.Article) timeline.Timeline {
	events := s.reusedEvents(len(s.order))
	for k, h := range s.order {
		events[k] = *s.evs[h].ev
	}
	return timeline.Timeline{Events: events, Articles: sortedArticles(articles)}
}

// reusedEvents returns the state's event array (out) resized to n for the
// timeline an Update is about to return: the array the previous one
// returned, which Update's contract lets it overwrite. The caller writes
// every element from the state (never from the array's old contents, which
// a careless caller may have edited). The events cut off are cleared, so
// their lists can be collected.
func (s *State) reusedEvents(n int) []timeline.Event {
	if s.out == nil || cap(s.out) < n { // an empty timeline's list is empty, not nil, as Merge's
		s.out = make([]timeline.Event, n, n+n/16) // room for the site to grow
	} else {
		clear(s.out[min(n, len(s.out)):])
		s.out = s.out[:n]
	}
	if scribbleReused {
		scribble(s.out)
	}
	return s.out
}

// scribbleReused makes reusedEvents overwrite every field of the array it
// reuses before handing it out (set by tests only): a caller still reading
// the previous timeline then reads poison, and an element this Update
// failed to write keeps it.
var scribbleReused bool

// Every field but the ID is overwritten: keeping it also catches a reuse
// that would trust an element whose ID matches.
func scribble(events []timeline.Event) {
	poison := timeline.Event{Title: "scribbled over by reusedEvents",
		Start: timeline.Date{Value: "1066"}, End: &timeline.Date{Value: "1067"}, Lead: true, Manual: true,
		Mentions: []timeline.Mention{{Article: "scribbled"}}, Entities: []timeline.Entity{{Name: "scribbled"}}}
	for k := range events {
		poison.ID = events[k].ID
		events[k] = poison
	}
}
