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
func combine(group []*candidate) timeline.Event {
	if len(group) == 1 { // the common case: built as below, with nothing to fold
		c := group[0]
		ev := c.ev // its mentions are already a sorted, unique copy
		if ev.End != nil {
			end := *ev.End
			ev.End = &end
		}
		ev.Entities = sortedEntities(ev.Entities) // a copy of the input's, made in add
		return ev
	}
	ev := timeline.Event{Start: finest(group, func(c *candidate) *timeline.Date { return &c.ev.Start })}
	if group[0].ev.End != nil {
		end := finest(group, func(c *candidate) *timeline.Date { return c.ev.End })
		ev.End = &end
	}
	ev.Title = bestTitle(group)
	n := 0
	for _, c := range group {
		n += len(c.ev.Mentions)
	}
	all := make([]timeline.Mention, 0, n)
	for _, c := range group {
		ev.Lead = ev.Lead || c.ev.Lead
		ev.Manual = ev.Manual || c.ev.Manual
		all = append(all, c.ev.Mentions...)
		ev.Entities = append(ev.Entities, c.ev.Entities...)
	}
	ev.Mentions = sortedMentions(all)
	ev.Entities = sortedEntities(ev.Entities)
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
		if best == nil || moreprecise(*d, *best) {
			best = d
		}
	}
	if best == nil {
		return timeline.Date{}
	}
	return *best
}

func moreprecise(a, b timeline.Date) bool {
	sa, sb := a.End.Sub(a.Start), b.End.Sub(b.Start)
	if a.IsZero() != b.IsZero() {
		return !a.IsZero()
	}
	if sa != sb {
		return sa < sb
	}
	return a.Value < b.Value
}

func bestTitle(group []*candidate) string {
	best := group[0]
	bestCentrality := centrality(group, best)
	for _, c := range group[1:] {
		cc := centrality(group, c)
		if betterTitle(c, cc, best, bestCentrality) {
			best, bestCentrality = c, cc
		}
	}
	return best.ev.Title
}

func betterTitle(a *candidate, ca float64, b *candidate, cb float64) bool {
	sa, sb := a.ev.Start.End.Sub(a.ev.Start.Start), b.ev.Start.End.Sub(b.ev.Start.Start)
	switch {
	case sa != sb:
		return sa < sb
	case ca != cb:
		return ca > cb
	case words(a) != words(b):
		return words(a) > words(b)
	case len(a.ev.Title) != len(b.ev.Title):
		return len(a.ev.Title) < len(b.ev.Title)
	}
	return a.ev.Title < b.ev.Title
}

// centrality counts the title stems c shares with the other members' titles
// (a count, not a ratio, so a bare "44-day war" does not beat a title that
// also names the place).
func centrality(group []*candidate, c *candidate) float64 {
	sum := 0
	for _, o := range group {
		if o != c {
			sum += common(c.title, o.title)
		}
	}
	return float64(sum)
}

func sortedEntities(es []timeline.Entity) []timeline.Entity {
	slices.SortStableFunc(es, func(a, b timeline.Entity) int {
		if c := strings.Compare(a.Name, b.Name); c != 0 {
			return c
		}
		return strings.Compare(string(a.Kind), string(b.Kind))
	})
	return slices.Compact(es)
}

// words counts a title's content words: named stems plus event classes.
func words(c *candidate) int { return len(c.title) + bits.OnesCount32(c.classes) }

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
