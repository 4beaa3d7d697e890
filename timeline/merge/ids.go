package merge

import (
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
	type slot struct {
		hash  uint64 // the ID's bytes, big-endian: orders as the ID's hex does
		first int    // index in the event's mentions of the mention hashed (-1 when none)
		index int
	}
	slots := make([]slot, len(events))
	parallel(len(events), groupGrain, func(_, from, to int) {
		var buf []byte
		for i := from; i < to; i++ {
			var first int
			buf, first = idBase(buf[:0], events[i], groups[i], pub)
			slots[i] = slot{hash: idBits(buf), first: first, index: i}
		}
	})
	// The tie-break key is built only for equal hashes (events told by one
	// sentence), once per event.
	// Tie keys are built only for equal hashes, each at most once cut to
	// shortTieKey and once whole.
	shortKeys, fullKeys := make([]string, len(events)), make([]string, len(events))
	var keyBuf []byte
	tieKey := func(s slot, limit int) string {
		tieKeys := fullKeys
		if limit == shortTieKey {
			tieKeys = shortKeys
		}
		if k := tieKeys[s.index]; k != "" {
			return k
		}
		// Spelled in one reused buffer and copied once: a builder grown by
		// doubling left each key's smaller copies behind.
		keyBuf = keyBuf[:0]
		if s.first >= 0 {
			m := &events[s.index].Mentions[s.first]
			keyBuf = append(appendMentionPrefix(keyBuf, m), m.Text...)
		}
		keyBuf = appendEventKey(append(keyBuf, '\x03'), groups[s.index], limit)
		if len(keyBuf) > limit {
			keyBuf = keyBuf[:limit+1] // limit+1 bytes: the key is longer than limit
		}
		k := string(keyBuf)
		tieKeys[s.index] = k
		return k
	}
	// Sorted on one goroutine: the comparison caches tie keys per event.
	slices.SortFunc(slots, func(a, b slot) int {
		if a.hash != b.hash {
			return cmp.Compare(a.hash, b.hash)
		}
		if c := compareTieKeys(tieKey(a, shortTieKey), tieKey(b, shortTieKey)); c != 0 {
			return c
		}
		if c := strings.Compare(tieKey(a, math.MaxInt), tieKey(b, math.MaxInt)); c != 0 {
			return c
		}
		return cmp.Compare(a.index, b.index) // alike events: any fixed order
	})
	for k, s := range slots {
		n := 1
		for k-n >= 0 && slots[k-n].hash == s.hash {
			n++
		}
		id := idHex(s.hash)
		if n > 1 {
			id += "-" + strconv.Itoa(n)
		}
		events[s.index].ID = id
	}
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
func idBase(buf []byte, ev timeline.Event, group []*candidate, pub map[string]time.Time) ([]byte, int) {
	if len(ev.Mentions) == 0 {
		c := group[0]
		buf = append(buf, "article\x00"+c.article+"\x00"+c.in.Title+"\x00"+c.in.Start.Value...)
		return buf, -1
	}
	first, firstPub := 0, pub[ev.Mentions[0].Article]
	mPub := firstPub
	for k := 1; k < len(ev.Mentions); k++ {
		m := &ev.Mentions[k]
		if m.Article != ev.Mentions[k-1].Article { // mentions come sorted by article
			mPub = pub[m.Article]
		}
		if earlier(m, mPub, &ev.Mentions[first], firstPub) {
			first, firstPub = k, mPub
		}
	}
	m := &ev.Mentions[first]
	where := m.Article
	if where == "" {
		where = m.Source
	}
	buf = append(buf, where...)
	buf = append(buf, 0)
	return append(buf, m.Text...), first
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
// once b holds more than limit bytes.
func appendEventKey(b []byte, group []*candidate, limit int) []byte {
	for i, c := range group {
		if len(b) > limit {
			return b
		}
		if i > 0 {
			b = append(b, '\x03')
		}
		b = appendCandidateKey(b, c)
	}
	return b
}
