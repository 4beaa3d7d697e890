// Package merge turns the per-article candidate events into one timeline:
// mentions of one happening, inside an article and across articles, become one
// event with several mentions; each event gets a stable ID; events are sorted.
//
// The decision is made pair by pair (see score.go for the score and threshold,
// compatible for the rules no score overrides), then pairs are joined
// strongest first, and a join is refused when any two members of the joined
// group would break a hard rule (so 2020 may absorb 2020-09-27 and 2020-03-01
// only one at a time: the two days never end up in one event).
//
// Everything is computed from a canonical order of the candidates (by source
// path and offsets, never by slice position), so reordering the input gives
// byte-identical output.
package merge

import (
	"cmp"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/newsline/timeline/timeline"
)

// candidate is one per-article event with what merging needs precomputed.
// What pair checks read is in a pairCand (pairs.go), laid out apart from
// this cold data so that checking millions of pairs stays in cache.
//
// It points at the caller's event instead of copying it (a copy is 168
// bytes, fresh memory for each of hundreds of thousands of candidates); its
// mentions and entities are the input's when these are sorted already, else
// sorted copies (see copies). Merging never writes into either.
type candidate struct {
	in       *timeline.Event    // the input event, never modified
	mentions []timeline.Mention // in's mentions, sorted and de-duplicated
	entities []timeline.Entity  // in's entities, sorted and de-duplicated
	article  string             // slug of the article it was extracted from
	classes  uint32             // event classes named by the title, as a bit set
	pair     int32              // index of its pairCand (its title stems are there)
}

// Merge merges perArticle[i], the candidate events extracted from articles[i],
// into a sorted timeline with stable IDs. Articles are returned sorted by
// publication date, then slug. The inputs are not modified; an event's
// Mentions and Entities may be the input's own slices (capped at their
// length), so neither the caller nor later stages may write into them in
// place (appending is safe).
func Merge(articles []timeline.Article, perArticle [][]timeline.Event) timeline.Timeline {
	cands, index := buildCandidates(articles, perArticle)
	groups := cluster(cands, index, scoredPairs(index))
	events := make([]timeline.Event, len(groups))
	parallel(len(groups), groupGrain, func(_, from, to int) {
		for i := from; i < to; i++ {
			events[i] = combine(index, groups[i])
		}
	})
	assignIDs(events, groups, publicationDates(articles))
	return timeline.Timeline{Events: sortedByKey(events), Articles: sortedArticles(articles)}
}

// groupGrain is how many groups (or events) one worker takes at a time.
var groupGrain = 1024

// sortedArticles returns the articles stably sorted by publication date,
// then slug. It sorts indices, so each large Article value is copied once.
func sortedArticles(articles []timeline.Article) []timeline.Article {
	if len(articles) == 0 {
		return slices.Clone(articles) // nil stays nil, as before
	}
	order := make([]int32, len(articles))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortStableFunc(order, func(i, j int32) int {
		if c := articles[i].Meta.Date.Compare(articles[j].Meta.Date); c != 0 {
			return c
		}
		return strings.Compare(articles[i].Slug, articles[j].Slug)
	})
	out := make([]timeline.Article, len(articles))
	for k, i := range order {
		out[k] = articles[i]
	}
	return out
}

func publicationDates(articles []timeline.Article) map[string]time.Time {
	m := make(map[string]time.Time, len(articles))
	for _, a := range articles {
		m[a.Slug] = a.Meta.Date
	}
	return m
}

// sortEvents orders by Start, then Title, then ID (the model's documented order).
func sortEvents(events []timeline.Event) {
	sort.Slice(events, func(i, j int) bool { return compareEvents(&events[i], &events[j]) < 0 })
}

// compareEvents is the timeline's order: Start, then Title, then ID.
func compareEvents(a, b *timeline.Event) int {
	if c := a.Start.Compare(b.Start); c != 0 {
		return c
	}
	if c := strings.Compare(a.Title, b.Title); c != 0 {
		return c
	}
	return strings.Compare(a.ID, b.ID)
}

// sortedByKey sorts merged events in sortEvents' order and returns them. Their IDs are
// unique, so the order is total and any sort gives sortEvents' result; this
// one sorts indices, so each large Event value is moved once.
func sortedByKey(events []timeline.Event) []timeline.Event {
	order := make([]int32, len(events))
	// Start's and End's instants, read once: compareEvents compares Start
	// (Date.Compare: first instant, then last instant latest first, then
	// value) before titles, and most comparisons end at the instants.
	type instants struct {
		start, end     int64 // Unix seconds
		startNs, endNs int32
	}
	at := make([]instants, len(events))
	for i := range order {
		order[i] = int32(i)
		d := &events[i].Start
		at[i] = instants{d.Start.Unix(), d.End.Unix(), int32(d.Start.Nanosecond()), int32(d.End.Nanosecond())}
	}
	sortInParts(order, func(i, j int32) int {
		a, b := &at[i], &at[j]
		if c := cmp.Compare(a.start, b.start); c != 0 {
			return c // as Start.Compare: Date.Compare orders by the first instant first
		}
		if c := cmp.Compare(a.startNs, b.startNs); c != 0 {
			return c
		}
		if c := cmp.Compare(b.end, a.end); c != 0 {
			return c // then the last instant, the longer span first
		}
		if c := cmp.Compare(b.endNs, a.endNs); c != 0 {
			return c
		}
		ei, ej := &events[i], &events[j]
		if c := strings.Compare(ei.Start.Value, ej.Start.Value); c != 0 {
			return c
		}
		if c := strings.Compare(ei.Title, ej.Title); c != 0 {
			return c
		}
		return strings.Compare(ei.ID, ej.ID)
	}, slices.SortFunc[[]int32])
	// Move events[order[k]] to k in place, one cycle of the permutation at
	// a time (each visited place marked by order[j] = j).
	for k := range order {
		if order[k] == int32(k) {
			continue
		}
		held, j := events[k], k
		for {
			next := int(order[j])
			order[j] = int32(j)
			if next == k {
				events[j] = held
				break
			}
			events[j], j = events[next], next
		}
	}
	return events
}

// SortEvents sorts events in the timeline's order; overrides use it after editing.
func SortEvents(events []timeline.Event) { sortEvents(events) }

// buildCandidates copies every event (mentions sorted, so the caller's slices
// stay untouched), precomputes its stems and sorts all of them canonically.
// It returns them with the index pair checks read.
func buildCandidates(articles []timeline.Article, perArticle [][]timeline.Event) ([]*candidate, *pairIndex) {
	firsts := make([]int, len(perArticle)+1) // firsts[i]: input index of article i's first event
	for i, evs := range perArticle {
		firsts[i+1] = firsts[i] + len(evs)
	}
	total := firsts[len(perArticle)]
	b := newIndexBuilder(total)
	b.transient = true
	// An article's events mostly name it and its file alone: the maps
	// are made for them at once instead of growing (1 MB of garbage each
	// per merge of the 10,000-article benchmark).
	b.articles, b.sources = make(map[string]int32, len(articles)), make(map[string]int32, len(articles))
	cands := make([]*candidate, total) // input order until sorted
	b.stem(articles, perArticle, firsts, cands)
	b.intern(cands)
	sortInParts(cands, compareCandidates, slices.SortStableFunc[[]*candidate])
	return cands, b.finish(cands)
}

// compareCandidates is the canonical order: where the event is told (its
// sorted mentions, fewer first on a tie), then what it says.
func compareCandidates(a, b *candidate) int {
	am, bm := a.mentions, b.mentions
	for k := 0; k < len(am) && k < len(bm); k++ {
		if c := compareMentions(&am[k], &bm[k]); c != 0 {
			return c
		}
	}
	if c := cmp.Compare(len(am), len(bm)); c != 0 {
		return c
	}
	return strings.Compare(candidateTail(a), candidateTail(b))
}

// candidateTail is what a candidate says, as one comparable string; it is
// only built for candidates told by the same mentions.
func candidateTail(c *candidate) string {
	s := c.article + "\x00" + c.in.Title + "\x00" + c.in.Start.Value
	if c.in.End != nil {
		s += "\x00" + c.in.End.Value
	}
	if c.in.Lead {
		s += "\x00lead"
	}
	return s
}

// appendCandidateKey appends the canonical order spelled as one string (for
// the ID tie-breaks that need a key, see assignIDs): each mention's key (its
// prefix and text) followed by \x01, then \x02 and candidateTail.
func appendCandidateKey(b []byte, c *candidate) []byte {
	for k := range c.mentions {
		m := &c.mentions[k]
		b = appendMentionPrefix(b, m)
		b = append(b, m.Text...)
		b = append(b, '\x01')
	}
	b = append(b, '\x02')
	return append(b, candidateTail(c)...)
}

func internOne[K comparable](w K, interner map[K]int32) int32 {
	id, ok := interner[w]
	if !ok {
		id = int32(len(interner))
		interner[w] = id
	}
	return id
}

// classBitIndex gives each event class a bit, keyed by the interned class token.
func classBitIndex(interner map[string]int32) map[int32]uint32 {
	names := make([]string, 0, len(eventClasses))
	for name := range eventClasses {
		names = append(names, name)
	}
	sort.Strings(names)
	bits := make(map[int32]uint32, len(names))
	for i, name := range names {
		bits[internOne("#"+name, interner)] = 1 << uint(i)
	}
	return bits
}
