package merge

import (
	"cmp"
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

// pairwiseGroup is the largest group whose centralities are counted pair by
// pair; past it, comparing every two titles (k² merges) costs more than
// counting each stem's titles once.
const pairwiseGroup = 8

// pairwiseCentralities appends centralities of a group of up to
// pairwiseGroup members: each two titles are compared once, their count of
// shared stems added to both (the count is symmetric: half the merges of
// centrality's member by member; the members are distinct candidates).
func pairwiseCentralities(x *pairIndex, group []*candidate, dst []float64) []float64 {
	var titles [pairwiseGroup][]int32
	var sums [pairwiseGroup]int
	for i, c := range group {
		titles[i] = x.titleOf(c)
	}
	for i := range group {
		for j := i + 1; j < len(group); j++ {
			n := common(titles[i], titles[j])
			sums[i] += n
			sums[j] += n
		}
	}
	for i := range group {
		dst = append(dst, float64(sums[i]))
	}
	return dst
}

// centralities appends each member's centrality to dst, in group order: the
// count of title stems it shares with the other members' titles (a count,
// not a ratio, so a bare "44-day war" does not beat a title that also names
// the place; TestCentralitiesMatchPairwise holds it to that definition).
// For a large group they are counted at once: a member shares a stem with
// as many other titles as hold it, less its own, so its centrality is that
// count summed over its title stems (titles are sets, so the sums are the
// same integers).
func centralities(x *pairIndex, group []*candidate, dst []float64) []float64 {
	if len(group) <= pairwiseGroup {
		return pairwiseCentralities(x, group, dst)
	}
	titles := 0
	for _, c := range group {
		titles += len(x.titleOf(c))
	}
	// Every member's title stems, sorted: the titles holding a stem are
	// the length of its run (a sorted array is a third of a map's memory).
	all := make([]int32, 0, titles)
	for _, c := range group {
		all = append(all, x.titleOf(c)...)
	}
	slices.Sort(all)
	for _, c := range group {
		sum := 0
		for _, s := range x.titleOf(c) {
			from, _ := slices.BinarySearch(all, s)
			to, _ := slices.BinarySearch(all[from:], s+1)
			sum += to - 1
		}
		dst = append(dst, float64(sum))
	}
	return dst
}

// sortedEntities sorts es in place by name, then kind, and drops duplicates.
// A few (most lists: an event names two or three) are sorted by insertion,
// compared in place (slices.SortStableFunc does the same for up to 20, but
// through compareEntities, which takes both entities by value: 32-byte
// copies per comparison); either way the sort is stable, so the result is
// the same.
func sortedEntities(es []timeline.Entity) []timeline.Entity {
	if len(es) <= smallEntitySort {
		for i := 1; i < len(es); i++ {
			for j := i; j > 0 && compareEntityRefs(&es[j], &es[j-1]) < 0; j-- {
				es[j], es[j-1] = es[j-1], es[j]
			}
		}
	} else {
		slices.SortStableFunc(es, compareEntities)
	}
	return slices.Compact(es)
}

// smallEntitySort is the most entities sortedEntities sorts by insertion.
const smallEntitySort = 16

func compareEntities(a, b timeline.Entity) int { return compareEntityRefs(&a, &b) }

// compareEntityRefs is compareEntities in place. Names mostly differ in
// their first byte, which decides strings.Compare's answer without its call.
func compareEntityRefs(a, b *timeline.Entity) int {
	if len(a.Name) > 0 && len(b.Name) > 0 && a.Name[0] != b.Name[0] {
		return cmp.Compare(a.Name[0], b.Name[0])
	}
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

// mergeWays is the most lists eachInUnion scans for the least head; past
// it (large groups) it keeps them in a heap.
const mergeWays = 16

// eachInUnion notes tied lists as bits of a uint32: mergeWays must fit.
const _ uint32 = 1 << (mergeWays - 1)

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
	var held [mergeWays][]timeline.Mention
	lists := listsOf(held[:0], group, func(c *candidate) []timeline.Mention { return c.mentions })
	if len(lists) >= 2 && len(lists) <= mergeWays {
		if joined, ok := appendDisjoint(out, lists, compareMentions); ok {
			return joined
		}
	}
	eachInUnion(lists, compareMentions, func(m *timeline.Mention) { out = append(out, *m) })
	return out
}

// mergedEntities returns the union of the group's entities, sorted and
// de-duplicated as sortedEntities would; nil when there are none. Members
// of one group mostly name the same entities, so the union is gathered (as
// pointers into the members' lists, on the stack while they fit) before it
// is copied into an exactly sized slice: a slice sized for all members'
// entities was twice the union's size on the 10,000-article benchmark (2.5
// MB unused per merge), and counting the union first took a second pass.
func mergedEntities(group []*candidate) []timeline.Entity {
	var lists [mergeWays][]timeline.Entity
	var held [64]*timeline.Entity
	union := held[:0]
	eachInUnion(listsOf(lists[:0], group, func(c *candidate) []timeline.Entity { return c.entities }),
		compareEntityRefs, func(e *timeline.Entity) { union = append(union, e) })
	if len(union) == 0 {
		return nil
	}
	out := make([]timeline.Entity, len(union))
	for k, e := range union {
		out[k] = *e
	}
	return out
}

// listsOf appends the members' lists that are not empty to lists, in group
// order (callers pass an array on their stack with room for mergeWays).
func listsOf[T any](lists [][]T, group []*candidate, get func(*candidate) []T) [][]T {
	if len(group) > cap(lists) {
		lists = make([][]T, 0, len(group))
	}
	for _, c := range group {
		if l := get(c); len(l) > 0 {
			lists = append(lists, l)
		}
	}
	return lists
}

// eachInUnion calls emit with each element of the union of lists (each
// sorted by compare and free of repeats) in order, once per distinct
// element: on ties, the element of the earliest list, the one a stable sort
// of the lists joined in order would keep. It uses up lists (and reorders
// the slice headers in it).
//
// The scan for the least head notes the lists whose heads tie with it, and
// all of them move past it at once: no list repeats an element, so no later
// head can equal it. A group's members mostly name the same entities, and
// each distinct entity costs one scan (was: one scan per list holding it,
// and a comparison with the last element emitted for each).
func eachInUnion[T any](lists [][]T, compare func(a, b *T) int, emit func(*T)) {
	if len(lists) > mergeWays {
		eachInUnionByHeap(lists, compare, emit)
		return
	}
	k := len(lists)
	for k > 1 {
		best, tied := 0, uint32(1) // tied: bit h set when list h's head equals the least so far
		for h := 1; h < k; h++ {
			switch c := compare(&lists[h][0], &lists[best][0]); {
			case c < 0:
				best, tied = h, 1<<h
			case c == 0:
				tied |= 1 << h
			}
		}
		emit(&lists[best][0])
		emptied := false
		for t := tied; t != 0; t &= t - 1 {
			h := bits.TrailingZeros32(t)
			lists[h] = lists[h][1:]
			emptied = emptied || len(lists[h]) == 0
		}
		if emptied { // drop the used-up lists, keeping the others' order
			n := 0
			for _, l := range lists[:k] {
				if len(l) > 0 {
					lists[n] = l
					n++
				}
			}
			k = n
		}
	}
	if k == 1 { // the last list left: the rest of the union, as it is
		for i := range lists[0] {
			emit(&lists[0][i])
		}
	}
}

// appendDisjoint appends the union of lists (2 to mergeWays) to out and
// returns true when the lists do not overlap: ordered by their first
// elements, each one's last comes before the next one's first, so the union
// is the lists one after the other, with no element in two of them. Else it
// returns out as it was and false. A group's members mostly tell the event
// in different articles, and their mentions, ordered by article first, do
// not overlap: k-1 comparisons when the lists come in order, as members in
// canonical order mostly do, and k-1 more to check them (was: k-1 per
// element). Each list is appended whole, one copy of its elements (was: a
// call per element). Entities are not tried: members mostly name the same.
func appendDisjoint[T any](out []T, lists [][]T, compare func(a, b *T) int) ([]T, bool) {
	var held [mergeWays]int8
	order := held[:len(lists)]
	for i := range order {
		order[i] = int8(i)
	}
	for i := 1; i < len(order); i++ { // by first element, by insertion
		for j := i; j > 0 && compare(&lists[order[j]][0], &lists[order[j-1]][0]) < 0; j-- {
			order[j], order[j-1] = order[j-1], order[j]
		}
	}
	for i := 1; i < len(order); i++ {
		prev := lists[order[i-1]]
		if compare(&prev[len(prev)-1], &lists[order[i]][0]) >= 0 {
			return out, false
		}
	}
	for _, i := range order {
		out = append(out, lists[i]...)
	}
	return out, true
}

// eachInUnionByHeap is eachInUnion for many lists: their indices are kept
// in a binary heap ordered by head, then index (the earlier list first on
// ties), so taking the least head costs a logarithm of the lists, not all
// of them, and no joined copy of the lists is sorted (the copy sortedMentions
// made beside the output was 1.9 MB per merge of the scale corpus).
func eachInUnionByHeap[T any](lists [][]T, compare func(a, b *T) int, emit func(*T)) {
	less := func(a, b int32) bool {
		c := compare(&lists[a][0], &lists[b][0])
		return c < 0 || (c == 0 && a < b)
	}
	heap := make([]int32, len(lists))
	for i := range heap {
		heap[i] = int32(i)
	}
	down := func(i int) {
		for {
			least := i
			for _, child := range [2]int{2*i + 1, 2*i + 2} {
				if child < len(heap) && less(heap[child], heap[least]) {
					least = child
				}
			}
			if least == i {
				return
			}
			heap[i], heap[least] = heap[least], heap[i]
			i = least
		}
	}
	for i := len(heap)/2 - 1; i >= 0; i-- {
		down(i)
	}
	var last *T
	for len(heap) > 0 {
		top := heap[0]
		if e := &lists[top][0]; last == nil || compare(last, e) != 0 {
			emit(e)
			last = e
		}
		if lists[top] = lists[top][1:]; len(lists[top]) == 0 {
			heap[0] = heap[len(heap)-1]
			heap = heap[:len(heap)-1]
		}
		down(0)
	}
}
