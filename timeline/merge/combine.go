package merge

import (
	"math/bits"
	"slices"
	"strings"

	"github.com/newsline/timeline/timeline"
)

// combine folds a group of candidates into one event.
//
//   - Start (and End) is the most precise date of the group: the group's dates
//     all contain one another, so the shortest span refines the others and
//     nothing is ever made coarser.
//   - Title is taken from the member whose start date is most precise (the
//     mention that fixed the date); among equally precise ones, the title that
//     shares most with the other titles (the consensus wording), then the one
//     with more content words, then the shorter, then the alphabetically first.
//   - Mentions and entities are the union, de-duplicated and sorted.
//   - Lead and Manual are set when any member has them.
func combine(x *pairIndex, group []*candidate) timeline.Event {
	if len(group) == 1 { // the common case: built as below, with nothing to fold
		c := group[0]
		ev := *c.in
		ev.Mentions = c.mentions // sorted and unique already
		if ev.End != nil {
			end := *ev.End
			ev.End = &end
		}
		ev.Entities = c.entities // sorted and unique already (see add)
		return ev
	}
	ev := timeline.Event{Start: finest(group, func(c *candidate) *timeline.Date { return &c.in.Start })}
	if group[0].in.End != nil {
		end := finest(group, func(c *candidate) *timeline.Date { return c.in.End })
		ev.End = &end
	}
	ev.Title = bestTitle(x, group)
	for _, c := range group {
		ev.Lead = ev.Lead || c.in.Lead
		ev.Manual = ev.Manual || c.in.Manual
	}
	ev.Mentions = mergedMentions(group)
	ev.Entities = mergedEntities(group)
	return ev
}

// finest returns the date with the shortest span (ties: smaller value).
func finest(group []*candidate, get func(*candidate) *timeline.Date) timeline.Date {
	var best *timeline.Date
	for _, c := range group {
		d := get(c)
		if d == nil {
			continue
		}
		if best == nil || moreprecise(d, best) {
			best = d
		}
	}
	if best == nil {
		return timeline.Date{}
	}
	return *best
}

func moreprecise(a, b *timeline.Date) bool {
	sa, sb := a.End.Sub(a.Start), b.End.Sub(b.Start)
	if a.IsZero() != b.IsZero() {
		return !a.IsZero()
	}
	if sa != sb {
		return sa < sb
	}
	return a.Value < b.Value
}

func bestTitle(x *pairIndex, group []*candidate) string {
	var buf [16]float64
	central := centralities(x, group, buf[:0])
	best := 0
	for k := 1; k < len(group); k++ {
		if betterTitle(x, group[k], central[k], group[best], central[best]) {
			best = k
		}
	}
	return group[best].in.Title
}

func betterTitle(x *pairIndex, a *candidate, ca float64, b *candidate, cb float64) bool {
	sa, sb := a.in.Start.End.Sub(a.in.Start.Start), b.in.Start.End.Sub(b.in.Start.Start)
	switch {
	case sa != sb:
		return sa < sb
	case ca != cb:
		return ca > cb
	case words(x, a) != words(x, b):
		return words(x, a) > words(x, b)
	case len(a.in.Title) != len(b.in.Title):
		return len(a.in.Title) < len(b.in.Title)
	}
	return a.in.Title < b.in.Title
}

// centrality counts the title stems c shares with the other members' titles
// (a count, not a ratio, so a bare "44-day war" does not beat a title that
// also names the place).
func centrality(x *pairIndex, group []*candidate, c *candidate) float64 {
	sum := 0
	title := x.titleOf(c)
	for _, o := range group {
		if o != c {
			sum += common(title, x.titleOf(o))
		}
	}
	return float64(sum)
}

// pairwiseGroup is the largest group whose centralities are counted pair by
// pair; past it, comparing every two titles (k² merges) costs more than
// counting each stem's titles once.
const pairwiseGroup = 8

// centralities appends each member's centrality to dst, in group order.
// For a large group they are counted at once: a member shares a stem with
// as many other titles as hold it, less its own, so its centrality is that
// count summed over its title stems (titles are sets, so the sums are the
// same integers).
func centralities(x *pairIndex, group []*candidate, dst []float64) []float64 {
	if len(group) <= pairwiseGroup {
		for _, c := range group {
			dst = append(dst, centrality(x, group, c))
		}
		return dst
	}
	titles := 0
	for _, c := range group {
		titles += len(x.titleOf(c))
	}
	holders := make(map[int32]int32, titles) // stem -> titles holding it
	for _, c := range group {
		for _, s := range x.titleOf(c) {
			holders[s]++
		}
	}
	for _, c := range group {
		sum := 0
		for _, s := range x.titleOf(c) {
			sum += int(holders[s]) - 1
		}
		dst = append(dst, float64(sum))
	}
	return dst
}

// sortedEntities sorts es in place by name, then kind, and drops duplicates.
func sortedEntities(es []timeline.Entity) []timeline.Entity {
	slices.SortStableFunc(es, compareEntities)
	return slices.Compact(es)
}

func compareEntities(a, b timeline.Entity) int {
	if c := strings.Compare(a.Name, b.Name); c != 0 {
		return c
	}
	return strings.Compare(string(a.Kind), string(b.Kind))
}

// words counts a title's content words: named stems plus event classes.
func words(x *pairIndex, c *candidate) int {
	return int(x.cands[c.pair].nTitle) + bits.OnesCount32(c.classes)
}

// Union folds others into ev: mentions and entities united, de-duplicated and
// sorted as Merge does, Lead and Manual set if any has them. Title, dates and
// ID stay those of ev. The inputs' slices are not modified.
func Union(ev timeline.Event, others ...timeline.Event) timeline.Event {
	ev.Mentions = slices.Clone(ev.Mentions)
	ev.Entities = slices.Clone(ev.Entities)
	for _, o := range others {
		ev.Mentions = append(ev.Mentions, o.Mentions...)
		ev.Entities = append(ev.Entities, o.Entities...)
		ev.Lead = ev.Lead || o.Lead
		ev.Manual = ev.Manual || o.Manual
	}
	ev.Mentions = sortedMentions(ev.Mentions)
	ev.Entities = sortedEntities(ev.Entities)
	return ev
}

// mergeWays is the most members whose mentions (or entities) are merged
// directly; larger groups (rare) are sorted as one slice.
const mergeWays = 16

// mergedMentions returns the union of the group's mentions, sorted and
// de-duplicated as sortedMentions would sort all of them in group order.
// Each member's are sorted and unique already, so they are merged into one
// exactly sized slice (sorting a joined copy cost a second copy), taking
// from the earliest member on ties: the one a stable sort keeps.
func mergedMentions(group []*candidate) []timeline.Mention {
	n := 0
	for _, c := range group {
		n += len(c.mentions)
	}
	out := make([]timeline.Mention, 0, n)
	if len(group) > mergeWays {
		all := out
		for _, c := range group {
			all = append(all, c.mentions...)
		}
		return sortedMentions(all)
	}
	var heads [mergeWays][]timeline.Mention
	k := 0
	for _, c := range group {
		if len(c.mentions) > 0 {
			heads[k] = c.mentions
			k++
		}
	}
	eachInUnion(heads[:k], compareMentions, func(m *timeline.Mention) { out = append(out, *m) })
	return out
}

// mergedEntities returns the union of the group's entities, sorted and
// de-duplicated as sortedEntities would; nil when there are none. Members
// of one group mostly name the same entities, so the union is counted
// before it is copied: a slice sized for all members' entities was twice
// the union's size on the 10,000-article benchmark (2.5 MB unused per merge).
func mergedEntities(group []*candidate) []timeline.Entity {
	if len(group) > mergeWays {
		n := 0
		for _, c := range group {
			n += len(c.entities)
		}
		if n == 0 {
			return nil
		}
		all := make([]timeline.Entity, 0, n)
		for _, c := range group {
			all = append(all, c.entities...)
		}
		return sortedEntities(all)
	}
	var heads [mergeWays][]timeline.Entity
	k := 0
	for _, c := range group {
		if len(c.entities) > 0 {
			heads[k] = c.entities
			k++
		}
	}
	count := heads // eachInUnion uses up the lists it is given
	n := 0
	eachInUnion(count[:k], compareEntityRefs, func(*timeline.Entity) { n++ })
	if n == 0 {
		return nil
	}
	out := make([]timeline.Entity, 0, n)
	eachInUnion(heads[:k], compareEntityRefs, func(e *timeline.Entity) { out = append(out, *e) })
	return out
}

func compareEntityRefs(a, b *timeline.Entity) int { return compareEntities(*a, *b) }

// eachInUnion calls emit with each element of the union of lists (each
// sorted by compare and free of repeats) in order, once per distinct
// element: on ties, the element of the earliest list, the one a stable sort
// of the lists joined in order would keep. It uses up lists (and reorders
// the slice headers in it).
func eachInUnion[T any](lists [][]T, compare func(a, b *T) int, emit func(*T)) {
	k := len(lists)
	var last *T
	for k > 0 {
		best := 0
		for h := 1; h < k; h++ {
			if compare(&lists[h][0], &lists[best][0]) < 0 {
				best = h
			}
		}
		if e := &lists[best][0]; last == nil || compare(last, e) != 0 {
			emit(e)
			last = e
		}
		if lists[best] = lists[best][1:]; len(lists[best]) == 0 {
			copy(lists[best:k], lists[best+1:k]) // keeps the lists' order
			k--
		}
	}
}
