package merge

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"slices"

	"github.com/newsline/timeline/timeline"
)

// stemSets is what stemming gives for one candidate: its event classes,
// title stems and context stems (sorted sets of interned IDs).
type stemSets struct {
	classes        uint32
	title, context []int32
}

// stemCache keeps each article's stem sets between builds, with the
// interner their IDs refer to, so an unchanged article is not stemmed again.
// Stemming reads only the titles, mention sentences and entity names, so an
// article is recognised by a hash of those. The nil *stemCache keeps nothing.
type stemCache struct {
	st        *stemmer
	classBits map[int32]uint32
	byKey     map[unitKey][]stemSets // the last build's articles
	next      map[unitKey][]stemSets // this build's, so far
	pending   unitKey                // the article being stemmed
	cur       []stemSets             // its candidates' sets so far
	stemming  bool
	buf       []byte // stemKey's scratch
}

// stemmer returns the stemmer and class bits to use: the cache's, which
// live across builds, or new ones.
func (s *stemCache) stemmer() (*stemmer, map[int32]uint32) {
	if s == nil {
		interner := map[string]int32{}
		return newStemmer(interner), classBitIndex(interner)
	}
	if s.st == nil {
		s.st = newStemmer(map[string]int32{})
	}
	if s.classBits == nil {
		s.classBits = classBitIndex(s.st.interner)
	}
	return s.st, s.classBits
}

// lookup returns the kept sets of an article's candidates (in input order),
// or nil when it must be stemmed (then keep receives its sets in order).
func (s *stemCache) lookup(slug string, evs []timeline.Event) []stemSets {
	if s == nil {
		return nil
	}
	s.flush()
	if s.next == nil {
		s.next = map[unitKey][]stemSets{}
	}
	key := s.stemKey(slug, evs)
	if sets, ok := s.byKey[key]; ok && len(sets) == len(evs) {
		s.next[key] = sets
		return sets
	}
	s.pending, s.cur, s.stemming = key, make([]stemSets, 0, len(evs)), true
	return nil
}

func (s *stemCache) keep(sets stemSets) { s.cur = append(s.cur, sets) }

func (s *stemCache) flush() {
	if s.stemming {
		s.next[s.pending] = s.cur
		s.cur, s.stemming = nil, false
	}
}

// finish ends a build: the articles of this build are the ones kept.
func (s *stemCache) finish() {
	if s == nil {
		return
	}
	s.flush()
	s.byKey, s.next = s.next, nil
}

// stemKey hashes what stemming reads of an article's candidates.
func (s *stemCache) stemKey(slug string, evs []timeline.Event) unitKey {
	b := appendString(s.buf[:0], slug)
	for _, ev := range evs {
		b = appendString(b, ev.Title)
		b = binary.AppendUvarint(b, uint64(len(ev.Mentions)))
		for _, m := range ev.Mentions {
			b = appendString(b, m.Text)
		}
		b = binary.AppendUvarint(b, uint64(len(ev.Entities)))
		for _, e := range ev.Entities {
			b = appendString(b, e.Name)
		}
	}
	s.buf = b
	sum := sha256.Sum256(b)
	var k unitKey
	copy(k[:], sum[:])
	return k
}

// encode appends the kept stems and sets to b.
func (s *stemCache) encode(b []byte) []byte {
	var names []string
	if s.st != nil {
		names = make([]string, len(s.st.interner))
		for w, id := range s.st.interner {
			names[id] = w
		}
	}
	b = binary.AppendUvarint(b, uint64(len(names)))
	for _, w := range names {
		b = appendString(b, w)
	}
	keys := make([]unitKey, 0, len(s.byKey))
	for k := range s.byKey {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b unitKey) int { return bytes.Compare(a[:], b[:]) }) // deterministic bytes
	b = binary.AppendUvarint(b, uint64(len(keys)))
	for _, k := range keys {
		b = append(b, k[:]...)
		sets := s.byKey[k]
		b = binary.AppendUvarint(b, uint64(len(sets)))
		for _, ss := range sets {
			b = binary.AppendUvarint(b, uint64(ss.classes))
			for _, ids := range [][]int32{ss.title, ss.context} {
				b = binary.AppendUvarint(b, uint64(len(ids)))
				for _, id := range ids {
					b = binary.AppendUvarint(b, uint64(id))
				}
			}
		}
	}
	return b
}

// decode reads what encode wrote.
func (s *stemCache) decode(r *cacheReader) {
	interner := map[string]int32{}
	n := r.count(1)
	for id := 0; id < n; id++ {
		w := r.string()
		if _, dup := interner[w]; dup {
			r.fail("stem listed twice")
			return
		}
		interner[w] = int32(id)
	}
	s.st = newStemmer(interner)
	s.classBits = classBitIndex(interner) // adds the class tokens when missing
	s.byKey = map[unitKey][]stemSets{}
	for k := r.count(17); k > 0 && r.err == nil; k-- {
		var key unitKey
		copy(key[:], r.bytes(len(key)))
		sets := make([]stemSets, r.count(3))
		for e := range sets {
			sets[e].classes = uint32(r.int32(1 << len(eventClasses)))
			sets[e].title = r.ids(int32(n))
			sets[e].context = r.ids(int32(n))
		}
		s.byKey[key] = sets
	}
}
