package events

import "github.com/newsline/timeline/timeline"

// An article yields a few events, each with a mention or two, a few names
// and a date span: allocated one by one they were most of extraction's
// allocations. The helpers below carve them from blocks instead.
//
// Parts that end up in the returned events (mentions, names, spans) come
// from blocks that are handed out once and never reused, so no two events
// ever share memory: every slice is returned with its capacity equal to its
// length, and appending to it later copies it. The events themselves are
// copied out by result, so they come from a pooled block that the next
// article reuses.

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

// appendMention is append(ms, m), the first mention of an event taken from a
// shared block rather than a one-item allocation.
func (sc *scratch) appendMention(ms []timeline.Mention, m timeline.Mention) []timeline.Mention {
	if len(ms) > 0 {
		return append(ms, m)
	}
	if len(sc.mentions) == 0 {
		sc.mentions = make([]timeline.Mention, blockSize)
	}
	out := sc.mentions[:1:1]
	sc.mentions = sc.mentions[1:]
	out[0] = m
	return out
}

// entitiesFor returns an empty slice with room for n names (nil when n is 0,
// as an event naming nobody has always had).
func (sc *scratch) entitiesFor(n int) []timeline.Entity {
	if n == 0 {
		return nil
	}
	if n > blockSize {
		return make([]timeline.Entity, 0, n)
	}
	if len(sc.entities) < n {
		sc.entities = make([]timeline.Entity, blockSize)
	}
	out := sc.entities[:0:n]
	sc.entities = sc.entities[n:]
	return out
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
	clear(x.scratch.events)
	x.scratch.events = x.scratch.events[:0]
	putScratch(x.scratch)
}
