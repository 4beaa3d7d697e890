package merge

import (
	"cmp"
	"errors"
	"reflect"
	"slices"
	"sort"
	"strings"
	"sync/atomic"
	"time"

	"github.com/newsline/timeline/timeline"
)

// Update merges the next build's articles (events(i) gives article i's
// candidate events; keys[i] its content key) starting from the state of the
// previous build, and moves the state on to this build. It returns the
// timeline Merge would return for these articles and which events changed
// since the previous build. events is called only for new or changed
// articles and for the articles holding a member of a group merged again
// (and, on an Update of a decoded state, for every article: see
// update.timeline); it may be called from several goroutines at once.
//
// When the state cannot follow the input exactly (see State) it merges from
// scratch and returns Changes{Known: false}.
//
// The returned timeline's event and article arrays are the state's (reused
// from the previous Update's: copying 116,000 events into fresh memory was
// most of a warm merge stage), so they are valid until the next Update on
// s, and the caller must not write into them, nor into the events' lists,
// which the state shares. Whoever edits events (the overrides stage) edits a
// copy of the list (overrides.ApplyTracked clones it); whoever keeps events
// past the next Update copies them. The site build's users, checked when
// the array became shared: render's plan and pages (a build's, done before
// the next build: Session), render.PlanBuffers and Memo (numbers and
// encoded bytes, no events), the exports (bytes), a Session's background
// save (AdoptEvents, joined before the next build).
func (s *State) Update(articles []timeline.Article, events func(i int) []timeline.Event, keys [][32]byte) (tl timeline.Timeline, ch timeline.Changes) {
	s.Stats = UpdateStats{}
	defer func() {
		// A state that does not match its input (a decoded state whose
		// article lost events under an unchanged key, say) cannot be
		// followed: the whole merge is still exact.
		if r := recover(); r != nil {
			tl, ch = s.restart(articles, events, keys)
			s.Stats.Recovered = true
		}
	}()
	if !s.exact || len(keys) != len(articles) {
		return s.restart(articles, events, keys)
	}
	index, usable := indexArticles(articles)
	if !usable {
		return s.restart(articles, events, keys)
	}
	u := &update{s: s, articles: articles, events: events, index: index,
		loaded: map[int][]timeline.Event{}, before: map[uint64]int{}, dissolved: map[int32]bool{},
		firstNew: int32(len(s.pc))}
	s.pre = s.predecode()
	defer s.stopPredecode() // on every way out (restart stops it first: it drops the mappings it reads)
	changed := u.diff(keys)
	churn := 0 // candidates removed or added
	for _, r := range u.gone {
		churn += len(s.arts[r].sids)
	}
	for _, i := range changed {
		evs := events(i)
		if !mentionsOwn(articles[i].Slug, evs) {
			return s.restart(articles, events, keys)
		}
		u.loaded[i] = evs
		s.Stats.ArticlesRead++
		churn += len(evs)
	}
	if churn > max(minChurn, len(s.pc)/8) {
		// Much of the site changed: the whole merge is faster than
		// editing the state piece by piece.
		return s.restart(articles, events, keys)
	}
	var added []int32 // article records
	for _, i := range changed {
		added = append(added, u.addArticle(i, keys[i]))
	}
	s.sh.chunks = nil // the new candidates' sets are copied into the arena
	u.loadListsOf(u.gone, added)
	u.removeArticles()
	for _, r := range added {
		if !u.postArticle(r) {
			return s.restart(articles, events, keys)
		}
	}
	u.linkAdded()
	u.refreshFlipped()
	groups, ok := u.recluster(u.affected())
	if !ok {
		return s.restart(articles, events, keys)
	}
	changes := u.apply(groups)
	return u.timeline(), changes
}

// minChurn is the most removed and added candidates an Update always
// follows; beyond it, and beyond an eighth of the candidates, it merges
// from scratch.
const minChurn = 4096

func (s *State) restart(articles []timeline.Article, events func(i int) []timeline.Event, keys [][32]byte) (timeline.Timeline, timeline.Changes) {
	s.stopPredecode() // it reads the mappings dropHeld may release
	tl, ns := NewState(articles, events, keys)
	release := s.release
	s.dropHeld()
	*s = *ns
	if release != nil { // nothing reads the old arrays now: give their memory back
		release()
	}
	s.Stats.Full = true
	return tl, timeline.Changes{}
}

// update is one Update's work.
type update struct {
	s         *State
	articles  []timeline.Article
	events    func(int) []timeline.Event
	index     map[string]int           // slug -> position in articles
	loaded    map[int][]timeline.Event // by position in articles
	before    map[uint64]int           // blocking list -> its length before this update
	dissolved map[int32]bool           // old events to drop
	firstNew  int32                    // sids from here on were added by this update
	dirty     []int32                  // ends of edges that came or went
	gone      []int32                  // article records removed
	byRec     [][]timeline.Event       // article record -> its events, once read
}

// diff returns the positions of the new or changed articles, and lists the
// records of the removed or changed ones.
func (u *update) diff(keys [][32]byte) []int {
	s := u.s
	var changed []int
	for i := range u.articles {
		a := &u.articles[i]
		r, ok := s.bySlug[a.Slug]
		if !ok || s.arts[r].key != keys[i] || !s.arts[r].pub.Equal(a.Meta.Date) {
			changed = append(changed, i)
			if ok {
				u.gone = append(u.gone, r)
			}
		}
	}
	for r := range s.arts {
		if rec := &s.arts[r]; rec.live {
			if _, ok := u.index[rec.slug]; !ok {
				u.gone = append(u.gone, int32(r))
			}
		}
	}
	return changed
}

// removeArticles drops the candidates of the removed or changed articles:
// their edges (the other ends become dirty), postings and events.
func (u *update) removeArticles() {
	s := u.s
	for _, r := range u.gone {
		rec := &s.arts[r]
		for _, sid := range rec.sids {
			if h := s.sidEvent[sid]; h >= 0 {
				u.dissolved[h] = true
			}
			for _, e := range s.adj.get(sid) {
				nb := int32(e >> 32)
				u.dirty = append(u.dirty, nb)
				if k := slices.IndexFunc(s.adj.get(nb), func(f uint64) bool { return int32(f>>32) == sid }); k >= 0 {
					s.adj.set(nb, withoutEdge(s.adj.get(nb), k))
				}
			}
			s.adj.set(sid, nil)
			s.removePostings(sid, u.before)
			s.sidArt[sid], s.sidEvent[sid] = -1, -1
			s.Stats.Removed++
		}
		if s.bySlug[rec.slug] == r { // a changed article's new record has it already
			delete(s.bySlug, rec.slug)
		}
		rec.live, rec.sids = false, nil
	}
}

// loadListsOf makes sure the blocking lists of every title stem of the
// articles' candidates are loaded (a decoded state loads them on demand).
func (u *update) loadListsOf(recs ...[]int32) {
	s := u.s
	var stems []int32
	for _, rs := range recs {
		for _, r := range rs {
			for _, sid := range s.arts[r].sids {
				pc := &s.pc[sid]
				stems = append(stems, s.arena[pc.sets:pc.sets+pc.nTitle]...)
			}
		}
	}
	s.loadStems(stems, u.firstNew)
}

// addArticle stems article i's events into new candidates and returns the
// new article record (postArticle lists them).
func (u *update) addArticle(i int, key [32]byte) int32 {
	s := u.s
	art := &u.articles[i]
	evs := u.loaded[i]
	r := int32(len(s.arts))
	s.arts = append(s.arts, artRec{slug: art.Slug, key: key, pub: art.Meta.Date, sids: make([]int32, len(evs)), live: true})
	s.bySlug[art.Slug] = r
	artID := internOne(art.Slug, s.names.articles)
	tmp := make([]candidate, len(evs))
	var cp copies
	for k := range evs {
		sid := int32(len(s.pc))
		s.pc = append(s.pc, pairCand{})
		pc := &s.pc[sid]
		c := &tmp[k]
		chunk := s.sh.add(c, pc, &evs[k], art, &cp)
		at := int32(len(s.arena))
		s.arena = append(s.arena, s.sh.chunks[chunk][pc.sets:pc.sets+pc.nTitle+pc.nContext]...)
		for m := range c.mentions {
			men := &c.mentions[m]
			src := s.names.sourceID(men.Source)
			s.arena = append(s.arena, s.names.sentenceID(sentenceRef{src, men.Sentence.Start}))
			if m == 0 {
				pc.source = src
			} else if src != pc.source {
				pc.source = -1
			}
		}
		pc.nSent = int32(len(c.mentions))
		pc.sets, pc.article = at, artID
		pc.hash = setHash(s.arena[at : at+pc.nTitle])
		s.arts[r].sids[k] = sid
		s.sidArt = append(s.sidArt, r)
		s.sidK = append(s.sidK, int32(k))
		s.rank = append(s.rank, 0)
		s.noMentions = append(s.noMentions, len(c.mentions) == 0)
		s.asIs = append(s.asIs, takenAsIs(c))
		s.sidEvent = append(s.sidEvent, -1)
		s.Stats.Added++
	}
	for id := len(s.dates); id < len(s.sh.dates.keys); id++ {
		s.dates = append(s.dates, s.sh.dates.keys[id].span)
	}
	order := make([]int, len(evs))
	for k := range order {
		order[k] = k
	}
	slices.SortStableFunc(order, func(a, b int) int { return compareCandidates(&tmp[a], &tmp[b]) })
	for rank, k := range order {
		s.rank[s.arts[r].sids[k]] = int32(rank)
	}
	return r
}

// postArticle lists a new article's candidates in the blocking; false when
// a start value turns out to have two spans (the state cannot follow that).
func (u *update) postArticle(r int32) bool {
	s := u.s
	for _, sid := range s.arts[r].sids {
		pc := &s.pc[sid]
		if pc.hasStart {
			v := pc.dateID
			switch {
			case int(v) >= len(s.valueSpan) || !s.valueSpan[v].known:
				s.newValue(v, s.dates[pc.start])
			case s.valueSpan[v] != s.dates[pc.start]:
				return false
			}
		}
		s.addPostings(sid, u.before)
	}
	return true
}

// linkAdded computes the new candidates' edges; their other ends are dirty.
func (u *update) linkAdded() {
	s := u.s
	for sid := u.firstNew; sid < int32(len(s.pc)); sid++ {
		s.adj.set(sid, s.edgesOf(sid, nil))
		for _, e := range s.adj.get(sid) {
			if nb := int32(e >> 32); nb < u.firstNew {
				s.adj.set(nb, append(s.adj.get(nb), uint64(sid)<<32|e&0xffffffff))
				u.dirty = append(u.dirty, nb)
			}
		}
	}
}

// refreshFlipped recomputes the edges of the old candidates that a blocking
// list crossing MaxPosting (either way) may have given or taken an edge:
// the list's members and those of the same stem on finer values, which scan
// it. The ends of every edge that came or went are dirty.
func (u *update) refreshFlipped() {
	s := u.s
	var affected []int32
	gen := s.nextMark()
	for key, n0 := range u.before {
		n1 := len(s.postings.get(key))
		if (n0 > MaxPosting) == (n1 > MaxPosting) {
			continue
		}
		s.Stats.Flipped++
		v, t := int32(key>>32), int32(uint32(key))
		lists := [][]int32{s.postings.get(key)}
		for _, w := range s.desc[v] {
			lists = append(lists, s.postings.get(postingKey(w, t)))
		}
		for _, l := range lists {
			for _, sid := range l {
				if sid < u.firstNew && s.mark[sid] != gen {
					s.mark[sid] = gen
					affected = append(affected, sid)
				}
			}
		}
	}
	slices.Sort(affected) // the order edges are refreshed in changes nothing, but keep it fixed
	var stems []int32
	for _, f := range affected {
		pc := &s.pc[f]
		stems = append(stems, s.arena[pc.sets:pc.sets+pc.nTitle]...)
	}
	s.loadStems(stems, int32(len(s.pc)))
	for _, f := range affected {
		u.refresh(f)
	}
}

// withoutEdge is l without its k-th edge, the last one moved into its
// place, in new memory: a decoded state's lists are the state file's bytes,
// which may be mapped read-only (wordsOf), so a list is never written in
// place.
func withoutEdge(l []uint64, k int) []uint64 {
	out := make([]uint64, len(l)-1)
	copy(out, l[:len(l)-1])
	if k < len(out) {
		out[k] = l[len(l)-1]
	}
	return out
}

// refresh replaces f's edges by those of the current state, mending the
// other ends' lists.
func (u *update) refresh(f int32) {
	s := u.s
	fresh := s.edgesOf(f, nil)
	has := func(l []uint64, nb int32) bool {
		return slices.ContainsFunc(l, func(e uint64) bool { return int32(e>>32) == nb })
	}
	for _, e := range s.adj.get(f) {
		if nb := int32(e >> 32); !has(fresh, nb) {
			if k := slices.IndexFunc(s.adj.get(nb), func(g uint64) bool { return int32(g>>32) == f }); k >= 0 {
				s.adj.set(nb, withoutEdge(s.adj.get(nb), k))
			}
			u.dirty = append(u.dirty, nb, f)
		}
	}
	for _, e := range fresh {
		if nb := int32(e >> 32); !has(s.adj.get(f), nb) {
			if nb < u.firstNew {
				s.adj.set(nb, append(s.adj.get(nb), uint64(f)<<32|e&0xffffffff))
			}
			u.dirty = append(u.dirty, nb, f)
		}
	}
	s.adj.set(f, fresh)
}

// affected returns the live candidates of the connected components that
// hold a new or dirty candidate: every component that is not an old
// component with its old edges.
func (u *update) affected() []int32 {
	s := u.s
	gen := s.nextMark()
	var queue []int32
	push := func(sid int32) {
		if s.sidArt[sid] >= 0 && s.mark[sid] != gen {
			s.mark[sid] = gen
			queue = append(queue, sid)
		}
	}
	for sid := u.firstNew; sid < int32(len(s.pc)); sid++ {
		push(sid)
	}
	for _, sid := range u.dirty {
		push(sid)
	}
	for k := 0; k < len(queue); k++ {
		for _, e := range s.adj.get(queue[k]) {
			push(int32(e >> 32))
		}
	}
	return queue
}

// scoredEdge is an edge between two candidates of the subset being
// clustered (local canonical indices, i < j).
type scoredEdge struct {
	score float64
	i, j  int32
}

// recluster clusters the candidates of whole components exactly as cluster
// does, and returns their groups as sids in canonical order (false when an
// edge leaves the subset: the state is inconsistent).
func (u *update) recluster(sub []int32) ([][]int32, bool) {
	s := u.s
	s.Stats.Reclustered = len(sub)
	slices.SortFunc(sub, s.compareSids)
	// sid -> local index, in scratch by sid (a map of a large component's
	// sids, and edges grown by doubling, were most of a fresh 10k build's
	// recluster: 0.07 of 0.10 CPU s in growslice).
	gen := s.nextMark()
	if len(s.local) < len(s.pc) {
		s.local = append(s.local, make([]int32, len(s.pc)-len(s.local))...)
	}
	degrees := 0
	for i, sid := range sub {
		s.mark[sid], s.local[sid] = gen, int32(i)
		degrees += len(s.adj.get(sid))
	}
	edges := make([]scoredEdge, 0, degrees/2)
	for i, sid := range sub {
		for _, e := range s.adj.get(sid) {
			nb := int32(e >> 32)
			if s.mark[nb] != gen {
				return nil, false
			}
			if j := s.local[nb]; int32(i) < j {
				edges = append(edges, scoredEdge{s.scores[uint32(e)], int32(i), j})
			}
		}
	}
	slices.SortFunc(edges, func(a, b scoredEdge) int {
		if c := cmp.Compare(b.score, a.score); c != 0 {
			return c
		}
		if c := cmp.Compare(a.i, b.i); c != 0 {
			return c
		}
		return cmp.Compare(a.j, b.j)
	})
	g := newGroups(len(sub))
	refused := newResettable[uint64](64)
	x := s.view(sub)
	for _, e := range edges {
		g.consider(x, refused, e.i, e.j)
	}
	var out [][]int32
	for i := range sub {
		if g.root[i] != int32(i) {
			continue
		}
		var members []int32
		for m := int32(i); m >= 0; m = g.next[m] {
			members = append(members, m)
		}
		slices.Sort(members)
		for k, m := range members {
			members[k] = sub[m]
		}
		out = append(out, members)
	}
	return out, true
}

// apply turns the new groups into events: a group that is an old group
// keeps its event; the others are combined, and get IDs together with every
// event whose ID suffix they may move. It returns the changes.
func (u *update) apply(groups [][]int32) timeline.Changes {
	s := u.s
	keep := map[int32]bool{}
	var fresh [][]int32
	for _, g := range groups {
		if h := s.sidEvent[g[0]]; h >= 0 && u.sameGroup(h, g) {
			keep[h] = true
			continue
		}
		fresh = append(fresh, g)
	}
	for _, g := range groups {
		for _, sid := range g {
			if h := s.sidEvent[sid]; h >= 0 && !keep[h] {
				u.dissolved[h] = true
			}
		}
	}
	events, cands := u.combineGroups(fresh)
	pub := u.addPublicationDates(nil, events)
	touched := map[uint64]bool{}
	for k := range events {
		buf, _ := idBase(nil, &events[k], cands[k], pub)
		touched[idBits(buf)] = true
	}
	for h := range u.dissolved {
		touched[s.hashes[h]] = true
	}
	extra := u.sameHashes(touched) // live events whose run of equal hashes changes
	moreEvents, moreCands := u.combineGroups(extra)
	pub = u.addPublicationDates(pub, moreEvents)
	events, cands = append(events, moreEvents...), append(cands, moreCands...)
	fresh = append(fresh, extra...)
	// Merge's groups come in order of their first member: alike events
	// (equal tie keys) take their suffixes in that order.
	perm := make([]int, len(fresh))
	for k := range perm {
		perm[k] = k
	}
	slices.SortFunc(perm, func(a, b int) int { return s.compareSids(fresh[a][0], fresh[b][0]) })
	events, cands, fresh = permuted(events, perm), permuted(cands, perm), permuted(fresh, perm)
	assignIDs(events, cands, pub)
	s.Stats.Recombined = len(events)
	return u.replace(events, fresh)
}

// addPublicationDates adds to pub the publication dates of the articles the
// events' mentions name: all that naming them (idBase) reads, where
// publicationDates maps all 10,000 articles of a large site (1.4 ms).
// Every mention names an input article (Update checked: mentionsOwn).
func (u *update) addPublicationDates(pub map[string]time.Time, events []timeline.Event) map[string]time.Time {
	if pub == nil {
		pub = map[string]time.Time{}
	}
	for k := range events {
		for m := range events[k].Mentions {
			slug := events[k].Mentions[m].Article
			if _, ok := pub[slug]; !ok {
				if i, ok := u.index[slug]; ok {
					pub[slug] = u.articles[i].Meta.Date
				}
			}
		}
	}
	return pub
}

// sameHashes marks dissolved, and returns the members of, the live events
// not dissolved yet whose ID hash is touched. One pass over the hashes by
// handle, cheaper than keeping an index by hash of every event (a map of
// 116,000 cost 70 ms to build); a 256-bit filter answers most of them
// without the map. Their order does not matter: apply sorts the groups.
func (u *update) sameHashes(touched map[uint64]bool) [][]int32 {
	s := u.s
	if len(touched) == 0 {
		return nil
	}
	var filter [4]uint64
	for t := range touched {
		filter[t>>6&3] |= 1 << (t & 63)
	}
	var extra [][]int32
	for h, t := range s.hashes {
		if filter[t>>6&3]&(1<<(t&63)) == 0 || !touched[t] {
			continue
		}
		if rec := &s.evs[h]; rec.live && !u.dissolved[int32(h)] {
			u.dissolved[int32(h)] = true
			extra = append(extra, rec.sids)
		}
	}
	return extra
}

// timeline returns the merged timeline. The kept events a decoded state
// holds as their encoding are decoded, and those it holds by members and ID
// only are built from their members' input events, straight into the
// returned slice, on workers, and not kept: the state's next encoding needs
// only their bytes, or their members and IDs, and building them into the
// state, then copying them out, cost a second pass over 20 MB (0.09 CPU s of
// a fresh 10k build). A long-running process that keeps the state builds
// them into it once, off its builds' path (BuildEvents).
func (u *update) timeline() timeline.Timeline {
	s := u.s
	if s.unbuilt > 0 {
		s.decodedRaw() // the events held as encodings are decoded into the timeline
		need := make([]bool, len(s.arts))
		for _, h := range s.order {
			if rec := &s.evs[h]; !rec.have() && rec.raw == "" {
				for _, sid := range rec.sids {
					need[s.sidArt[sid]] = true
				}
			}
		}
		u.readArticles(need)
	}
	s.pre.finish()
	out, placed := s.pre.adopt(s)
	if out == nil {
		out = s.reusedEvents(len(s.order))
	}
	s.Stats.Adopted = placed != nil
	x := s.view(nil)
	var built, taken atomic.Int64
	var damaged atomic.Bool
	readers := make([]eventReader, workers()) // by worker: their slabs serve many pieces
	parallelOn(len(readers), len(s.order), groupGrain, func(w, from, to int) {
		var b eventBuilder
		er := &readers[w]
		took := 0
		defer func() { taken.Add(int64(took)) }()
		for pos := from; pos < to; pos++ {
			rec := &s.evs[s.order[pos]]
			switch {
			case placed != nil && placed[pos]:
				out[pos].ID = rec.id
				took++
			case rec.have():
				out[pos] = *rec.ev
			case s.pre.take(s.order[pos], rec.id, rec.raw, &out[pos]):
				took++
			case rec.raw != "":
				out[pos] = timeline.Event{ID: rec.id} // event writes only the fields set: the array is reused
				if er.event(rec.raw, &out[pos]) != nil {
					damaged.Store(true)
				}
			default:
				out[pos] = b.build(u, x, rec)
				built.Add(1)
			}
		}
	})
	if damaged.Load() { // here, not on a worker, so Update recovers and merges in full
		panic(errDamagedEvent)
	}
	s.Stats.Materialized += int(built.Load())
	s.Stats.Predecoded += int(taken.Load())
	return timeline.Timeline{Events: out, Articles: articlesByDate(u.articles, &s.outArticles)}
}

// articlesByDate is sortedArticles for articles with distinct slugs (Update
// checked them: indexArticles), whose order is then total, so any sort gives
// the stable sort's result: sorting on the dates' seconds and nanoseconds
// read once took 1 ms of 10,000 articles where the stable sort on
// time.Compare took 5. The result is written into *reuse, the array the
// previous Update returned (see Update's contract), grown when short:
// copying 10,000 articles into fresh memory took 3 ms of a warm Update.
func articlesByDate(articles []timeline.Article, reuse *[]timeline.Article) []timeline.Article {
	if len(articles) == 0 {
		return sortedArticles(articles)
	}
	type key struct {
		sec  int64
		nsec int32
		i    int32
	}
	keys := make([]key, len(articles))
	for i := range articles {
		d := articles[i].Meta.Date
		keys[i] = key{d.Unix(), int32(d.Nanosecond()), int32(i)}
	}
	// Articles given in slug order (a site's are) break ties of date by
	// index, which is then their slugs' order: most of a corpus's dates
	// are days, shared by several articles, and comparing their slugs
	// (read through the articles) was half of this sort's time.
	bySlug := true
	for i := 1; i < len(articles); i++ {
		if articles[i-1].Slug >= articles[i].Slug {
			bySlug = false
			break
		}
	}
	if bySlug {
		slices.SortFunc(keys, func(a, b key) int {
			if c := cmp.Compare(a.sec, b.sec); c != 0 {
				return c
			}
			if c := cmp.Compare(a.nsec, b.nsec); c != 0 {
				return c
			}
			return cmp.Compare(a.i, b.i)
		})
	} else {
		slices.SortFunc(keys, func(a, b key) int {
			if c := cmp.Compare(a.sec, b.sec); c != 0 {
				return c
			}
			if c := cmp.Compare(a.nsec, b.nsec); c != 0 {
				return c
			}
			return strings.Compare(articles[a.i].Slug, articles[b.i].Slug)
		})
	}
	n := len(articles)
	if cap(*reuse) < n {
		*reuse = make([]timeline.Article, n, n+n/16)
	} else {
		clear((*reuse)[n:cap(*reuse)]) // the articles cut off can be collected
		*reuse = (*reuse)[:n]
	}
	out := *reuse
	if scribbleReused {
		for k := range out {
			out[k] = timeline.Article{Slug: out[k].Slug, Text: "scribbled over by articlesByDate"}
		}
	}
	for k, key := range keys {
		out[k] = articles[key.i]
	}
	return out
}

// eventBuilder builds events of a decoded state from their members' input
// events (read already: readArticles), with reused scratch.
type eventBuilder struct {
	cp    copies
	group []*candidate
	slab  []candidate
}

func (b *eventBuilder) build(u *update, x *pairIndex, rec *evRec) timeline.Event {
	s := u.s
	b.group, b.slab = b.group[:0], b.slab[:0]
	for _, sid := range rec.sids {
		b.slab = append(b.slab, s.candidateValue(sid, &u.byRec[s.sidArt[sid]][s.sidK[sid]], &b.cp))
	}
	for k := range b.slab {
		b.group = append(b.group, &b.slab[k])
	}
	ev := combine(x, b.group)
	ev.ID = rec.id
	return ev
}

// errDamagedEvent: a stored event's encoding does not decode (the state's
// checksum matched: a fault of this package, never of the input).
var errDamagedEvent = errors.New("merge: a stored event's encoding does not decode")

// built returns event h, decoding or building it (and keeping it) when a
// decoded state holds it as its encoding or by members and ID only:
// placing new events among the kept ones compares a few of them, and a
// dissolved event is compared with its successor.
func (u *update) built(h int32) *timeline.Event {
	s := u.s
	rec := &s.evs[h]
	if !rec.have() && rec.raw != "" {
		s.decodedRaw()
		er := eventReader{single: true}
		ev := &timeline.Event{ID: rec.id}
		if er.event(rec.raw, ev) != nil {
			panic(errDamagedEvent)
		}
		rec.ev = ev
		s.unbuilt--
	}
	if !rec.have() {
		for _, sid := range rec.sids {
			u.eventOf(sid) // reads the member's article
		}
		var b eventBuilder
		ev := b.build(u, s.view(nil), rec)
		rec.ev = &ev
		s.unbuilt--
	}
	return rec.ev
}

// readArticles reads the events of the article records marked in need that
// are not read yet, on workers (events may be called concurrently), and
// checks that each holds the events the state counts.
func (u *update) readArticles(need []bool) {
	s := u.s
	if len(u.byRec) < len(s.arts) {
		u.byRec = append(u.byRec, make([][]timeline.Event, len(s.arts)-len(u.byRec))...)
	}
	var recs []int32
	for r, ok := range need {
		if ok && u.byRec[r] == nil {
			if evs, read := u.loaded[u.index[s.arts[r].slug]]; read {
				u.byRec[r] = evs
			} else {
				recs = append(recs, int32(r))
			}
		}
	}
	parallel(len(recs), 16, func(_, from, to int) {
		for _, r := range recs[from:to] {
			u.byRec[r] = u.events(u.index[s.arts[r].slug])
		}
	})
	s.Stats.ArticlesRead += len(recs)
	for r, ok := range need {
		if ok && len(u.byRec[r]) < len(s.arts[r].sids) {
			panic("merge: state has more events for " + s.arts[r].slug + " than its input")
		}
	}
}

// sameGroup: the old event h has exactly the members g, all of them old.
func (u *update) sameGroup(h int32, g []int32) bool {
	s := u.s
	if len(s.evs[h].sids) != len(g) {
		return false
	}
	for _, sid := range g {
		if sid >= u.firstNew || s.sidEvent[sid] != h {
			return false
		}
	}
	return true
}

// eventOf returns candidate sid's input event, reading its article's events
// on first need.
func (u *update) eventOf(sid int32) *timeline.Event {
	s := u.s
	r := s.sidArt[sid]
	if len(u.byRec) < len(s.arts) {
		u.byRec = append(u.byRec, make([][]timeline.Event, len(s.arts)-len(u.byRec))...)
	}
	evs := u.byRec[r]
	if evs == nil {
		i := u.index[s.arts[r].slug]
		var ok bool
		if evs, ok = u.loaded[i]; !ok {
			evs = u.events(i)
			u.loaded[i] = evs
			s.Stats.ArticlesRead++
		}
		u.byRec[r] = evs
	}
	if int(s.sidK[sid]) >= len(evs) {
		panic("merge: state has more events for " + s.arts[s.sidArt[sid]].slug + " than its input")
	}
	return &evs[s.sidK[sid]]
}

// combineGroups folds each group (sids in canonical order) into its event,
// as Merge does, from the members' input events; it returns the events and
// the candidates of each group (for the IDs).
func (u *update) combineGroups(groups [][]int32) ([]timeline.Event, [][]*candidate) {
	events := make([]timeline.Event, len(groups))
	out := make([][]*candidate, len(groups))
	var cp copies
	for k, g := range groups {
		out[k] = make([]*candidate, len(g))
		for m, sid := range g {
			out[k][m] = u.s.candidateOf(sid, u.eventOf(sid), &cp)
		}
		events[k] = combine(u.s.view(nil), out[k])
	}
	return events, out
}

// replace drops the dissolved events, records the new ones (groups[k] is
// events[k]'s members) and returns what changed.
func (u *update) replace(events []timeline.Event, groups [][]int32) timeline.Changes {
	s := u.s
	old := make(map[string]timeline.Event, len(u.dissolved))
	for h := range u.dissolved {
		rec := &s.evs[h]
		if rec.raw != "" {
			u.built(h) // decoded, so that an event merged again unchanged is not counted as changed
		}
		if rec.have() {
			old[rec.id] = *rec.ev
		} else {
			old[rec.id] = timeline.Event{ID: rec.id} // only its ID: then counted as changed
			s.unbuilt--
		}
		*rec = evRec{}
		s.freeEv = append(s.freeEv, h)
	}
	gone := make([]bool, len(s.evs)) // by handle: the order's events are live but these
	for h := range u.dissolved {
		gone[h] = true
	}
	order := s.order[:0]
	for _, h := range s.order {
		if !gone[h] {
			order = append(order, h)
		}
	}
	slices.Sort(s.freeEv) // reuse handles in a fixed order
	added := make([]int32, len(events))
	ch := timeline.Changes{Known: true}
	seen := make(map[string]bool, len(events))
	for k := range events {
		var h int32
		if n := len(s.freeEv); n > 0 {
			h, s.freeEv = s.freeEv[0], s.freeEv[1:]
		} else {
			h = int32(len(s.evs))
			s.evs = append(s.evs, evRec{})
			s.hashes = append(s.hashes, 0)
		}
		ev := events[k]
		s.evs[h] = evRec{id: ev.ID, ev: &events[k], sids: groups[k], live: true}
		s.hashes[h] = hashOfID(ev.ID)
		for _, sid := range groups[k] {
			s.sidEvent[sid] = h
		}
		added[k] = h
		seen[ev.ID] = true
		if prev, ok := old[ev.ID]; !ok || !reflect.DeepEqual(prev, ev) {
			ch.Changed = append(ch.Changed, ev.ID)
		}
	}
	for id := range old {
		if !seen[id] {
			ch.Removed = append(ch.Removed, id)
		}
	}
	slices.Sort(ch.Changed)
	slices.Sort(ch.Removed)
	s.sortOrder(added)
	s.order = insertSorted(order, added, func(a, b int32) int { return compareEvents(u.built(a), u.built(b)) })
	return ch
}

// insertSorted returns the sorted order with the sorted added handles put
// in place, each found by binary search (few are added to many).
func insertSorted(order, added []int32, compare func(a, b int32) int) []int32 {
	out := make([]int32, 0, len(order)+len(added))
	from := 0
	for _, h := range added {
		at := from + sort.Search(len(order)-from, func(k int) bool { return compare(order[from+k], h) > 0 })
		out = append(append(out, order[from:at]...), h)
		from = at
	}
	return append(out, order[from:]...)
}

// permuted returns s reordered: element k of the result is s[perm[k]].
func permuted[T any](s []T, perm []int) []T {
	out := make([]T, len(perm))
	for k, p := range perm {
		out[k] = s[p]
	}
	return out
}
