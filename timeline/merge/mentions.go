package merge

import (
	"cmp"
	"slices"
	"strconv"
	"strings"

	"github.com/newsline/timeline/timeline"
)

// Mentions are ordered by their key, mentionKey: article, source, sentence
// offsets, date expression offset, then text. The key is spelled as a string
// (mentionPrefix) only where a string is needed (ID tie-breaks) or where
// comparing the fields one by one could disagree with comparing the strings
// (comparePrefixes says when); everywhere else the fields are compared in place.

// mentionKey orders mentions: article, source, sentence offsets, date
// expression offset, then text.
func mentionKey(m timeline.Mention) string { return mentionPrefix(m) + m.Text }

// mentionPrefix is mentionKey without the text: separators and fixed-width
// numbers make comparing prefixes, then texts, the same as comparing keys.
func mentionPrefix(m timeline.Mention) string {
	return string(appendMentionPrefix(make([]byte, 0, len(m.Article)+len(m.Source)+4*14), &m))
}

func appendMentionPrefix(b []byte, m *timeline.Mention) []byte {
	b = append(b, m.Article...)
	b = append(b, 0)
	b = append(b, m.Source...)
	b = append(b, 0)
	b = appendPadded(b, m.Sentence.Start)
	b = append(b, 0)
	b = appendPadded(b, m.Sentence.End)
	b = append(b, 0)
	b = appendPadded(b, timexStart(m))
	return append(b, 0)
}

func timexStart(m *timeline.Mention) int {
	if m.Timex == nil {
		return -1
	}
	return m.Timex.Start
}

// appendPadded appends n zero-padded to 12 digits (a minus sign first when negative).
func appendPadded(b []byte, n int) []byte {
	if n < 0 {
		b = append(b, '-')
		n = -n
	}
	var digits [20]byte
	d := strconv.AppendInt(digits[:0], int64(n), 10)
	for k := len(d); k < 12; k++ {
		b = append(b, '0')
	}
	return append(b, d...)
}

// compareMentions compares mentionKey(*a) with mentionKey(*b) as
// (prefix, text) pairs: prefixes first, then texts.
func compareMentions(a, b *timeline.Mention) int {
	c, ok := comparePrefixes(a, b)
	if !ok {
		c = strings.Compare(mentionPrefix(*a), mentionPrefix(*b))
	}
	if c != 0 {
		return c
	}
	return strings.Compare(a.Text, b.Text)
}

// comparePrefixes compares mentionPrefix(*a) with mentionPrefix(*b) field by
// field, without spelling them. ok is false when that could disagree with
// comparing the strings, and the caller must spell them:
//   - one article (or source) is a proper prefix of the other followed by a
//     NUL byte, which the separator would tie with;
//   - an offset is outside ±10^12, where the padding stops being fixed-width.
//
// When ok, neither prefix is a proper prefix of the other (the first
// difference lies inside both), so prefix-then-text order is also the order
// of the joined keys.
func comparePrefixes(a, b *timeline.Mention) (int, bool) {
	if c, ok := compareSeparated(a.Article, b.Article); c != 0 || !ok {
		return c, ok
	}
	if c, ok := compareSeparated(a.Source, b.Source); c != 0 || !ok {
		return c, ok
	}
	if c, ok := comparePadded(a.Sentence.Start, b.Sentence.Start); c != 0 || !ok {
		return c, ok
	}
	if c, ok := comparePadded(a.Sentence.End, b.Sentence.End); c != 0 || !ok {
		return c, ok
	}
	return comparePadded(timexStart(a), timexStart(b))
}

// comparePadded compares appendPadded(x) with appendPadded(y) as paddedRank
// orders them; ok is false when either is outside ±10^12. Offsets are
// mostly both in [0, 10^12), where the padded order is the numbers' order.
func comparePadded(x, y int) (int, bool) {
	if uint64(x) < paddedWidth && uint64(y) < paddedWidth {
		return cmp.Compare(x, y), true
	}
	rx, okx := paddedRank(x)
	ry, oky := paddedRank(y)
	if !okx || !oky {
		return 0, false
	}
	return cmp.Compare(rx, ry), true
}

// compareSeparated compares s+"\x00" with t+"\x00" as strings.Compare(s, t)
// does, except when the shorter is a prefix of the longer followed by a NUL
// (ok false).
func compareSeparated(s, t string) (int, bool) {
	if s == t {
		return 0, true
	}
	c := strings.Compare(s, t)
	if len(s) == len(t) {
		return c, true
	}
	short, long := s, t
	if len(s) > len(t) {
		short, long = t, s
	}
	if long[len(short)] == 0 && long[:len(short)] == short {
		return c, false
	}
	return c, true
}

// paddedRank orders offsets as appendPadded's strings do: negative ones
// first, by magnitude ("-000000000001" < "-000000000002"), then the others
// by value. ok is false outside ±10^12.
func paddedRank(n int) (int64, bool) {
	switch {
	case int64(n) <= -paddedWidth || int64(n) >= paddedWidth:
		return 0, false
	case n < 0:
		return int64(-n), true
	}
	return paddedWidth + int64(n), true
}

// paddedWidth is 10^12, the first offset appendPadded writes in more than
// its 12 digits.
const paddedWidth = 1_000_000_000_000

// sortedMentions copies, sorts (article, then offset) and de-duplicates mentions.
func sortedMentions(ms []timeline.Mention) []timeline.Mention {
	return appendSortedMentions(make([]timeline.Mention, 0, len(ms)), ms)
}

// appendSortedMentions appends ms to out sorted by mentionKey and
// de-duplicated (the first of equal keys kept), and returns out. It sorts
// indices, so the large Mention values are moved once; ms is not modified.
func appendSortedMentions(out, ms []timeline.Mention) []timeline.Mention {
	switch {
	case len(ms) == 1:
		return append(out, ms[0])
	case len(ms) == 2: // the common case of several: no index slice
		switch c := compareMentions(&ms[0], &ms[1]); {
		case c < 0:
			return append(out, ms[0], ms[1])
		case c > 0:
			return append(out, ms[1], ms[0])
		}
		return append(out, ms[0])
	}
	order := make([]int32, len(ms))
	for i := range order {
		order[i] = int32(i)
	}
	compare := func(a, b int32) int { return compareMentions(&ms[a], &ms[b]) }
	slices.SortStableFunc(order, compare)
	order = slices.CompactFunc(order, func(a, b int32) bool { return compare(a, b) == 0 })
	for _, k := range order {
		out = append(out, ms[k])
	}
	return out
}

// copies hands out the candidates' mentions and entities, sorted and
// de-duplicated. Extracted events mostly come so already: those slices are
// shared, capped at their length (merging never writes into them, and an
// append reallocates), instead of copied, which spared about 30 MB of fresh
// memory on 190,000 candidates. The others are copied into blocks carved
// in turn, so copying costs an allocation per block, not per candidate.
type copies struct {
	mentionBlock []timeline.Mention
	entityBlock  []timeline.Entity
}

// copyBlock is how many elements a block holds.
const copyBlock = 1024

// sortedMentions returns ms sorted and de-duplicated (as sortedMentions):
// ms itself when it is already; never nil.
func (c *copies) sortedMentions(ms []timeline.Mention) []timeline.Mention {
	if len(ms) == 0 {
		return []timeline.Mention{}
	}
	if mentionsAscend(ms) {
		return ms[:len(ms):len(ms)]
	}
	return appendSortedMentions(carve(&c.mentionBlock, len(ms)), ms)
}

// mentionsAscend: each mention's key is greater than the one before (so
// sorting and de-duplicating would change nothing).
func mentionsAscend(ms []timeline.Mention) bool {
	for k := 1; k < len(ms); k++ {
		if compareMentions(&ms[k-1], &ms[k]) >= 0 {
			return false
		}
	}
	return true
}

// entities returns es sorted and de-duplicated (as sortedEntities): es
// itself when it is already, else a copy; nil when es is empty.
func (c *copies) entities(es []timeline.Entity) []timeline.Entity {
	if len(es) == 0 {
		return nil
	}
	if entitiesAscend(es) {
		return es[:len(es):len(es)]
	}
	return sortedEntities(append(carve(&c.entityBlock, len(es)), es...))
}

// entitiesAscend: each entity sorts after the one before (sortedEntities's order).
func entitiesAscend(es []timeline.Entity) bool {
	for k := 1; k < len(es); k++ {
		if compareEntities(es[k-1], es[k]) >= 0 {
			return false
		}
	}
	return true
}

// carve returns an empty slice of capacity n (not 0) cut from the end of
// *block, refilled with a new block of copyBlock elements when too little is
// left; a request of more than a quarter block gets its own.
func carve[T any](block *[]T, n int) []T {
	b := *block
	if cap(b)-len(b) < n {
		if n > copyBlock/4 {
			return make([]T, 0, n)
		}
		b = make([]T, 0, copyBlock)
	}
	*block = b[:len(b)+n]
	return b[len(b) : len(b) : len(b)+n]
}
