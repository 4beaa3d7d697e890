package events

import "github.com/newsline/timeline/timeline"

// An article yields a few events, each with a mention or two, a few names
// and a date span: allocated one by one they were most of extraction's
// allocations. The helpers below carve them from blocks instead.
//
// Parts that end up in the returned events (spans) come from blocks that
// are handed out once and never reused, so no two events ever share
// memory: every slice is returned with its capacity equal to its length,
// and appending to it later copies it. The events themselves are copied out
// by result, so they come from a pooled block that the next article reuses;
// the mentions and names grow in pooled arenas too and are copied out once,
// all of an article's into one block each (finishMentions, finishEntities).

// blockSize is the number of items per block: enough for a typical article.
const blockSize = 32

// newEvent returns a zeroed event from the pooled block. Pointers to earlier
// events stay valid: a full block is left to the garbage collector, not
// overwritten.
func (sc *scratch) newEvent() *timeline.Event {
	if len(sc.events) == cap(sc.events) {
		sc.events = make([]timeline.Event, 0, max(blockSize, 2*cap(sc.events)))
	}
	sc.events = sc.events[:len(sc.events)+1]
	return &sc.events[len(sc.events)-1]
}

// appendMention is append(ms, m). Every event's mentions grow in the pooled
// arena sc.grown, so the lead event's dozens of mentions do not double their
// way up through fresh arrays, and an event's first mention costs no block
// of its own that a second one would abandon; finishMentions copies every
// list out to one block of the article's own before the events are
// returned: the only memory for mentions an article allocates.
func (sc *scratch) appendMention(ms []timeline.Mention, m timeline.Mention) []timeline.Mention {
	if len(ms) == cap(ms) {
		ms = sc.growMentions(ms)
	}
	return append(ms, m)
}

// growMentions moves ms to a region of twice its length (two at first) in
// the arena. A full arena is replaced, not grown: regions already handed out
// stay where they are, so the lists pointing at them remain valid.
func (sc *scratch) growMentions(ms []timeline.Mention) []timeline.Mention {
	need := max(2*len(ms), 2)
	if cap(sc.grown)-len(sc.grown) < need {
		sc.grown = make([]timeline.Mention, 0, max(need, 256, 2*cap(sc.grown)))
	}
	n := len(sc.grown)
	sc.grown = sc.grown[:n+need]
	region := sc.grown[n : n : n+need]
	return append(region, ms...)
}

// finishMentions gives every event (its mentions all grew in the arena) a
// copy of exactly their length, in one block for the article, so no
// returned event points into pooled memory.
func (x *extractor) finishMentions() {
	packLists(x, func(ev *timeline.Event) *[]timeline.Mention { return &ev.Mentions }, 0)
}

// packLists gives each event whose list (as list returns it) is longer than
// keep a copy of exactly its length, all in one block for the article.
func packLists[T any](x *extractor, list func(*timeline.Event) *[]T, keep int) {
	total := 0
	x.eachEvent(func(ev *timeline.Event) {
		if n := len(*list(ev)); n > keep {
			total += n
		}
	})
	if total == 0 {
		return
	}
	block := make([]T, total)
	x.eachEvent(func(ev *timeline.Event) {
		l := list(ev)
		if n := len(*l); n > keep {
			copy(block, *l)
			*l, block = block[:n:n], block[n:]
		}
	})
}

func (x *extractor) eachEvent(f func(*timeline.Event)) {
	if x.lead != nil {
		f(x.lead)
	}
	for _, ev := range x.events {
		f(ev)
	}
}

// appendEntity is append(ents, e) in the pooled arena sc.entArena: an
// event's names grow there as its mentions come, instead of doubling their
// way up through fresh arrays; finishEntities copies them all out to one
// block of the article's own. A list that is full moves to a region of twice
// its size; a full arena is replaced, not grown, so regions handed out stay
// valid.
func (sc *scratch) appendEntity(ents []timeline.Entity, e timeline.Entity) []timeline.Entity {
	if len(ents) < cap(ents) {
		return append(ents, e)
	}
	need := max(2*len(ents), 4)
	if cap(sc.entArena)-len(sc.entArena) < need {
		sc.entArena = make([]timeline.Entity, 0, max(need, 256, 2*cap(sc.entArena)))
	}
	n := len(sc.entArena)
	sc.entArena = sc.entArena[:n+need]
	region := sc.entArena[n : n : n+need]
	return append(append(region, ents...), e)
}

// finishEntities gives every event naming someone a copy of its names of
// exactly their length, in one block for the article, so no returned event
// points into pooled memory and appending to one event's names copies them.
// An event naming nobody keeps nil.
func (x *extractor) finishEntities() {
	packLists(x, func(ev *timeline.Event) *[]timeline.Entity { return &ev.Entities }, 0)
}

// span returns a pointer to a copy of sp.
func (sc *scratch) span(sp timeline.Span) *timeline.Span {
	if len(sc.spans1) == 0 {
		sc.spans1 = make([]timeline.Span, blockSize)
	}
	p := &sc.spans1[0]
	sc.spans1 = sc.spans1[1:]
	*p = sp
	return p
}

// release returns the extractor's scratch to the pool, with its list of
// events, so the next article reuses both.
func (x *extractor) release() {
	clear(x.events)
	x.scratch.eventList = x.events[:0]
	clear(x.keyed)
	x.scratch.keyed = x.keyed[:0]
	clear(x.news[:cap(x.news)]) // the whole array: keepLatest leaves pointers past the end
	clear(x.plans[:cap(x.plans)])
	x.scratch.news, x.scratch.plans = x.news[:0], x.plans[:0]
	clear(x.scratch.events)
	x.scratch.events = x.scratch.events[:0]
	clear(x.scratch.grown)
	x.scratch.grown = x.scratch.grown[:0]
	clear(x.scratch.entArena)
	x.scratch.entArena = x.scratch.entArena[:0]
	sc := x.scratch
	*x = extractor{} // x is sc.extractor: drop its references to the article
	putScratch(sc)
}
