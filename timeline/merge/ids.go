package merge

import (
	"crypto/sha256"
	"encoding/hex"
	"sort"
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
		hash  string
		first timeline.Mention // the mention hashed (zero when none)
		index int
	}
	slots := make([]slot, len(events))
	for i, ev := range events {
		base, first := idBase(ev, groups[i], pub)
		slots[i] = slot{hash: IDFor(base), first: first, index: i}
	}
	// The tie-break key is built only for equal hashes, which are rare.
	tieKey := func(s slot) string {
		first := ""
		if len(events[s.index].Mentions) > 0 {
			first = mentionKey(s.first)
		}
		return first + "\x03" + eventKey(groups[s.index])
	}
	sort.Slice(slots, func(a, b int) bool {
		if slots[a].hash != slots[b].hash {
			return slots[a].hash < slots[b].hash
		}
		return tieKey(slots[a]) < tieKey(slots[b])
	})
	for k, s := range slots {
		n := 1
		for k-n >= 0 && slots[k-n].hash == s.hash {
			n++
		}
		id := s.hash
		if n > 1 {
			id += "-" + strconv.Itoa(n)
		}
		events[s.index].ID = id
	}
}

// IDFor hashes any text into an ID of IDLength lower-case hex characters.
func IDFor(text string) string {
	sum := sha256.Sum256([]byte(text))
	return hex.EncodeToString(sum[:])[:IDLength]
}

// idBase returns the text to hash and the mention it came from.
func idBase(ev timeline.Event, group []*candidate, pub map[string]time.Time) (string, timeline.Mention) {
	if len(ev.Mentions) == 0 {
		c := group[0]
		return "article\x00" + c.article + "\x00" + c.ev.Title + "\x00" + c.ev.Start.Value, timeline.Mention{}
	}
	first := ev.Mentions[0]
	for _, m := range ev.Mentions[1:] {
		if earlier(m, first, pub) {
			first = m
		}
	}
	where := first.Article
	if where == "" {
		where = first.Source
	}
	return where + "\x00" + first.Text, first
}

func earlier(a, b timeline.Mention, pub map[string]time.Time) bool {
	if c := pub[a.Article].Compare(pub[b.Article]); c != 0 {
		return c < 0
	}
	if a.Source != b.Source {
		return a.Source < b.Source
	}
	return mentionKey(a) < mentionKey(b)
}

func eventKey(group []*candidate) string {
	keys := make([]string, len(group))
	for i, c := range group {
		keys[i] = candidateKey(c)
	}
	return strings.Join(keys, "\x03")
}
