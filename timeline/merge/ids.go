package merge

import (
	"bytes"
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/newsline/timeline/timeline"
)

// IDLength is the number of hex characters of an event ID.
const IDLength = 10

// assignIDs gives each event a stable ID: the first IDLength hex characters of
// the SHA-256 of its earliest mention's article slug (its source path when it
// has none) and sentence text. The slug, not the path, so that building from
// "content" or from "/srv/site/content" gives the same permalinks.
// "Earliest" is by publication date of the mention's article, then
// source path, then offset, so adding an unrelated article, or a newer article
// that tells the same event again, leaves existing IDs alone; editing other
// sentences of the file does not move it either (the text is hashed, not the
// offsets). An event without mentions hashes its article, title and date.
//
// The date expression is left out on purpose: a better resolver that moves a
// date's span must not move permalinks. Two events hashing alike (two events
// told by one sentence) are told apart deterministically: in the order of
// their date expressions in that sentence (then of their other mentions) the
// first keeps the hash, the next get "-2", "-3"...
func assignIDs(events []timeline.Event, groups [][]*candidate, pub map[string]time.Time) {
	slots := make([]slot, len(events))
	parallel(len(events), groupGrain, func(_, from, to int) {
		var buf, prev []byte
		var hash uint64
		for i := from; i < to; i++ {
			var first int
			buf, first = idBase(buf[:0], &events[i], groups[i], pub)
			// Events told by one sentence come one after the other (a
			// tenth of them on the 10,000-article benchmark): the same
			// bytes are not hashed again.
			if i == from || !bytes.Equal(buf, prev) {
				hash = idBits(buf)
			}
			slots[i] = slot{hash: hash, first: int32(first), index: int32(i)}
			buf, prev = prev, buf
		}
	})
	slots = sortByHash(slots)
	ties := tieSorter{events: events, groups: groups}
	for from := 0; from < len(slots); {
		to := from + 1
		for to < len(slots) && slots[to].hash == slots[from].hash {
			to++
		}
		run := slots[from:to]
		if len(run) > 1 {
			ties.sort(run)
		}
		for n, s := range run {
			id := idHex(s.hash)
			if n > 0 {
				id += "-" + strconv.Itoa(n+1)
			}
			events[s.index].ID = id
		}
		from = to
	}
}

// slot is one event to name: its hash, the index in its mentions of the
// mention hashed (-1 when none), and its index in the events.
// The indices are 32-bit (as the candidates' are) so that a slot is 16
// bytes: the slots and the radix sort's second array are made per merge.
type slot struct {
	hash  uint64 // the ID's bytes, big-endian: orders as the ID's hex does
	first int32
	index int32
}

// sortByHash sorts slots by hash, keeping equal hashes in the order they came
// (by index), with a stable radix sort on the IDLength/2 bytes of the hash:
// no comparison calls, and ties are left to tieSorter run by run. It returns
// the sorted slots, which may be a new slice.
func sortByHash(slots []slot) []slot {
	if len(slots) < 2 {
		return slots
	}
	tmp := make([]slot, len(slots))
	var count [256]int
	for shift := 0; shift < IDLength/2*8; shift += 8 {
		clear(count[:])
		for _, s := range slots {
			count[byte(s.hash>>shift)]++
		}
		if count[byte(slots[0].hash>>shift)] == len(slots) {
			continue // every slot has this digit: the pass would not move one
		}
		pos := 0
		for d, c := range count {
			count[d] = pos
			pos += c
		}
		for _, s := range slots {
			d := byte(s.hash >> shift)
			tmp[count[d]] = s
			count[d]++
		}
		slots, tmp = tmp, slots
	}
	return slots
}

// tieSorter orders slots of equal hash (events told by one sentence) as
// their tie keys do: the hashed mention's prefix and text, then \x03 and
// the event's candidates' keys (then the index). Most ties differ in the
// hashed mention (the date expression's offset), which is compared in place;
// only the rest spell the keys, cut to shortTieKey first, whole when the cut
// keys cannot tell.
type tieSorter struct {
	events []timeline.Event
	groups [][]*candidate
	tied   []tiedSlot
	order  []int
}

type tiedSlot struct {
	slot
	short, full string // built on demand; "" until then (a key is never empty)
}

// sort reorders run, whose slots share one hash and come by index.
func (t *tieSorter) sort(run []slot) {
	t.tied, t.order = t.tied[:0], t.order[:0]
	for k, s := range run {
		t.tied = append(t.tied, tiedSlot{slot: s})
		t.order = append(t.order, k)
	}
	slices.SortFunc(t.order, func(a, b int) int { return t.compare(&t.tied[a], &t.tied[b]) })
	for k, o := range t.order {
		run[k] = t.tied[o].slot
	}
}

func (t *tieSorter) compare(x, y *tiedSlot) int {
	if c := t.compareHashed(x.slot, y.slot); c != 0 {
		return c
	}
	if x.short == "" {
		x.short = string(t.appendKey(nil, x.slot, shortTieKey))
	}
	if y.short == "" {
		y.short = string(t.appendKey(nil, y.slot, shortTieKey))
	}
	if c := compareTieKeys(x.short, y.short); c != 0 {
		return c
	}
	if x.full == "" {
		x.full = string(t.appendKey(nil, x.slot, math.MaxInt))
	}
	if y.full == "" {
		y.full = string(t.appendKey(nil, y.slot, math.MaxInt))
	}
	if c := strings.Compare(x.full, y.full); c != 0 {
		return c
	}
	return cmp.Compare(x.index, y.index) // alike events: any fixed order
}

// compareHashed compares the keys' heads, the hashed mentions' prefixes and
// texts followed by \x03, without spelling them, when that surely orders
// the keys as comparing them would; 0 when the keys must tell.
func (t *tieSorter) compareHashed(x, y slot) int {
	if x.first < 0 || y.first < 0 {
		return 0
	}
	a, b := &t.events[x.index].Mentions[x.first], &t.events[y.index].Mentions[y.first]
	c, ok := comparePrefixes(a, b)
	if !ok {
		return 0
	}
	if c != 0 {
		return c // the first difference lies inside both prefixes
	}
	n := min(len(a.Text), len(b.Text))
	if c := strings.Compare(a.Text[:n], b.Text[:n]); c != 0 {
		return c
	}
	switch { // one text is a prefix of the other: its \x03 meets the other's next byte
	case len(a.Text) > n && a.Text[n] != '\x03':
		return cmp.Compare(a.Text[n], '\x03')
	case len(b.Text) > n && b.Text[n] != '\x03':
		return cmp.Compare('\x03', b.Text[n])
	}
	return 0
}

// appendKey appends s's tie key to b: the hashed mention's prefix and text,
// then its candidates' keys, cut to limit+1 bytes when longer than limit
// (limit+1: the key is longer than limit).
func (t *tieSorter) appendKey(b []byte, s slot, limit int) []byte {
	start := len(b)
	if s.first >= 0 {
		m := &t.events[s.index].Mentions[s.first]
		b = append(appendMentionPrefix(b, m), m.Text...)
	}
	b = appendEventKey(append(b, '\x03'), t.groups[s.index], start, limit)
	if len(b)-start > limit {
		b = b[:start+limit+1]
	}
	return b
}

// IDFor hashes any text into an ID of IDLength lower-case hex characters.
func IDFor(text string) string { return idOf([]byte(text)) }

// idBits is the ID of text as a number: its first IDLength/2 bytes.
func idBits(text []byte) uint64 {
	sum := sha256.Sum256(text)
	var v uint64
	for _, b := range sum[:IDLength/2] {
		v = v<<8 | uint64(b)
	}
	return v
}

// idHex spells idBits's number as the ID: IDLength lower-case hex characters.
func idHex(v uint64) string {
	var b [IDLength]byte
	const digits = "0123456789abcdef"
	for k := IDLength - 1; k >= 0; k-- {
		b[k] = digits[v&15]
		v >>= 4
	}
	return string(b[:])
}

func idOf(text []byte) string {
	sum := sha256.Sum256(text)
	return hex.EncodeToString(sum[:(IDLength+1)/2])[:IDLength]
}

// idBase appends the text to hash to buf, and returns the index of the
// mention it came from (-1 when the event has none).
func idBase(buf []byte, ev *timeline.Event, group []*candidate, pub map[string]time.Time) ([]byte, int) {
	if len(ev.Mentions) == 0 {
		c := group[0]
		buf = append(buf, "article\x00"+c.article+"\x00"+c.in.Title+"\x00"+c.in.Start.Value...)
		return buf, -1
	}
	first := earliestMention(ev.Mentions, pub)
	return appendMentionKey(buf, &ev.Mentions[first]), first
}

// appendMentionKey appends to buf what an event's ID hashes when m is its
// earliest mention: m's article slug (its source path when it has none), a
// NUL and its sentence.
func appendMentionKey(buf []byte, m *timeline.Mention) []byte {
	where := m.Article
	if where == "" {
		where = m.Source
	}
	buf = append(buf, where...)
	buf = append(buf, 0)
	return append(buf, m.Text...)
}

// MentionIDBits is the number an event's ID spells (its first IDLength/2
// hash bytes; a "-2", "-3"... suffix aside) when m is the event's earliest
// mention. buf is scratch, returned for the next call.
func MentionIDBits(buf []byte, m *timeline.Mention) (uint64, []byte) {
	buf = appendMentionKey(buf[:0], m)
	return idBits(buf), buf
}

// earliestMention returns the index of the earliest of ms (sorted by
// mentionKey, no two alike) by earlier. Only the first mention of each run
// of one article and source is compared: the others share its date and
// source, and their keys sort after its key (within one article and source
// the prefixes differ, if at all, inside both, so comparing them joined to
// the texts, as earlier may, orders them as sorting did). A lone mention
// (three events in four) needs no date at all.
func earliestMention(ms []timeline.Mention, pub map[string]time.Time) int {
	if len(ms) == 1 {
		return 0
	}
	first, firstPub := 0, pub[ms[0].Article]
	mPub := firstPub
	for k := 1; k < len(ms); k++ {
		m, last := &ms[k], &ms[k-1]
		if m.Article == last.Article && m.Source == last.Source {
			continue
		}
		if m.Article != last.Article {
			mPub = pub[m.Article]
		}
		if earlier(m, mPub, &ms[first], firstPub) {
			first, firstPub = k, mPub
		}
	}
	return first
}

// earlier: a's article was published first, else a's source path sorts
// first, else a's mentionKey (prefix and text) does.
func earlier(a *timeline.Mention, aPub time.Time, b *timeline.Mention, bPub time.Time) bool {
	if c := aPub.Compare(bPub); c != 0 {
		return c < 0
	}
	if a.Source != b.Source {
		return a.Source < b.Source
	}
	c, ok := comparePrefixes(a, b)
	if !ok {
		return compareJoined(mentionPrefix(*a), a.Text, mentionPrefix(*b), b.Text) < 0
	}
	if c == 0 {
		c = strings.Compare(a.Text, b.Text)
	}
	return c < 0
}

// compareJoined compares a1+a2 with b1+b2 without joining them.
func compareJoined(a1, a2, b1, b2 string) int {
	for {
		if a1 == "" {
			a1, a2 = a2, ""
		}
		if b1 == "" {
			b1, b2 = b2, ""
		}
		if a1 == "" || b1 == "" { // one side is used up
			return cmp.Compare(len(a1), len(b1))
		}
		n := min(len(a1), len(b1))
		if c := strings.Compare(a1[:n], b1[:n]); c != 0 {
			return c
		}
		a1, b1 = a1[n:], b1[n:]
	}
}

// shortTieKey is the length of the tie keys compared first: events told by
// one sentence mostly differ within it, and their full keys (all mentions of
// every member) can be long.
const shortTieKey = 1024

// compareTieKeys compares two tie keys cut to shortTieKey bytes (a key cut
// short keeps one byte more, see assignIDs): 0 when the cut keys cannot
// tell, so the full keys must.
func compareTieKeys(a, b string) int {
	n := min(len(a), len(b))
	if c := strings.Compare(a[:n], b[:n]); c != 0 {
		return c
	}
	aCut, bCut := len(a) > shortTieKey, len(b) > shortTieKey
	switch {
	case aCut && bCut:
		return 0
	case aCut || bCut: // the whole of one key is a prefix of the other
		return cmp.Compare(len(a), len(b))
	}
	return strings.Compare(a, b)
}

// appendEventKey appends its candidates' keys joined with \x03, stopping
// once b[start:] holds more than limit bytes.
func appendEventKey(b []byte, group []*candidate, start, limit int) []byte {
	for i, c := range group {
		if len(b)-start > limit {
			return b
		}
		if i > 0 {
			b = append(b, '\x03')
		}
		b = appendCandidateKey(b, c)
	}
	return b
}
