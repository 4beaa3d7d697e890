package merge

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"math"
	"slices"

	"github.com/newsline/timeline/timeline"
)

// Cache lets a rebuild reuse the pair scoring of the previous build, the
// most expensive part of merging: the scored pairs inside each article and
// between each two articles depend only on those articles, so after adding,
// changing or removing a few articles only the pairs that involve them are
// scored again; clustering, combining, IDs and sorting run in full.
//
// Use one Cache per site, across builds:
//
//	c := merge.NewCache()               // or merge.DecodeCache(bytes from the last build)
//	tl := c.Merge(articles, perArticle) // always equal to merge.Merge(articles, perArticle)
//	data := c.Encode()                  // keep for the next build
//
// The result never depends on the cache's content: an empty, stale or
// unrelated cache gives the same timeline, only slower. An article is
// recognised by a hash of everything merging reads of it (slug, candidate
// events with their mentions and entities), not by its path or modification
// time. The scoring is redone in full when a blocking list crosses
// MaxPosting or a date value's span changes, which the reuse cannot follow
// exactly (see Stats). A Cache is not safe for concurrent use.
type Cache struct {
	stems stemCache
	units map[unitKey]int32 // article hash -> index in unitList
	list  []cachedUnit
	cross []crossEdge
	long  map[string]bool // "value\x00stem" of blocking lists longer than MaxPosting
	spans map[string]span // start date value -> its span as blocking read it
	stats CacheStats
}

// CacheStats tells what the last Cache.Merge reused.
type CacheStats struct {
	Articles int  // articles (distinct slugs) merged
	Reused   int  // of them, found unchanged in the cache
	Full     bool // every pair was scored (empty cache, or blocking changed)
	Edges    int  // scored pairs at or above Threshold
}

type unitKey [16]byte

// cachedUnit is one article's hash and its joinable pairs inside it, in
// local indices (its candidates' canonical order within the article).
type cachedUnit struct {
	key  unitKey
	n    int32 // candidates
	same []localEdge
}

type localEdge struct {
	i, j  int32
	score float64
}

// crossEdge is a joinable pair of candidates of two articles: unit indices
// in Cache.list and local indices within each.
type crossEdge struct {
	a, b  int32
	i, j  int32
	score float64
}

// NewCache returns an empty cache.
func NewCache() *Cache { return &Cache{} }

// Stats reports what the last Merge reused.
func (c *Cache) Stats() CacheStats { return c.stats }

// Merge is merge.Merge, reusing and then updating the cache.
func (c *Cache) Merge(articles []timeline.Article, perArticle [][]timeline.Event) timeline.Timeline {
	return mergeWith(articles, perArticle, &c.stems, c.pairs)
}

// units groups the canonical indices of the candidates by article (interned
// ID in x), in canonical order.
func unitMembers(x *pairIndex, n int) [][]int32 {
	members := make([][]int32, n)
	for i := range x.pos {
		a := x.of(i).article
		members[a] = append(members[a], int32(i))
	}
	return members
}

// unitKeyOf hashes everything pair scoring reads of an article's candidates.
func unitKeyOf(cands []*candidate, members []int32, buf []byte) (unitKey, []byte) {
	buf = buf[:0]
	for _, i := range members {
		c := cands[i]
		buf = appendString(buf, c.article)
		buf = appendString(buf, c.ev.Title)
		buf = appendDate(buf, c.ev.Start)
		if c.ev.End != nil {
			buf = append(buf, 1)
			buf = appendDate(buf, *c.ev.End)
		}
		buf = append(buf, boolByte(c.ev.Lead), boolByte(c.ev.Manual))
		buf = binary.AppendUvarint(buf, uint64(len(c.ev.Mentions)))
		for _, m := range c.ev.Mentions {
			buf = appendString(buf, m.Article)
			buf = appendString(buf, m.Source)
			buf = binary.AppendVarint(buf, int64(m.Sentence.Start))
			buf = binary.AppendVarint(buf, int64(m.Sentence.End))
			buf = appendString(buf, m.Text)
		}
		buf = binary.AppendUvarint(buf, uint64(len(c.ev.Entities)))
		for _, e := range c.ev.Entities {
			buf = appendString(buf, e.Name)
			buf = appendString(buf, string(e.Kind))
		}
	}
	sum := sha256.Sum256(buf)
	var k unitKey
	copy(k[:], sum[:])
	return k, buf
}

func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

func appendDate(b []byte, d timeline.Date) []byte {
	b = appendString(b, d.Value)
	sp := spanOf(d)
	b = append(b, boolByte(sp.known))
	b = binary.AppendVarint(b, sp.from.sec)
	b = binary.AppendVarint(b, int64(sp.from.nsec))
	b = binary.AppendVarint(b, sp.to.sec)
	return binary.AppendVarint(b, int64(sp.to.nsec))
}

func boolByte(v bool) byte {
	if v {
		return 1
	}
	return 0
}

// pairs finds the scored pairs as scoredPairs does, reusing the cached ones
// of unchanged articles, and records this build's pairs in the cache.
func (c *Cache) pairs(cands []*candidate, x *pairIndex) *edgeList {
	members := unitMembers(x, x.articles)
	keys := make([]unitKey, len(members))
	var buf []byte
	for a, m := range members {
		keys[a], buf = unitKeyOf(cands, m, buf)
	}
	bl := newBlocking(x)
	long := longLists(x, bl)
	spans := valueSpans(x)
	full := c.list == nil || !sameKeys(long, c.long) || spansChanged(spans, c.spans)
	var edges edgeList
	reused := 0
	if full {
		sameArticlePairs(x, &edges, nil)
		crossArticlePairs(x, bl, &edges)
	} else {
		reused = c.reuse(x, members, keys, bl, &edges)
	}
	edges.sort()
	c.record(x, members, keys, &edges)
	c.long, c.spans = long, spans
	c.stats = CacheStats{Articles: len(members), Reused: reused, Full: full, Edges: edges.n}
	return &edges
}

// reuse adds the cached pairs of unchanged articles and scores the pairs
// that involve the others; it returns how many articles were unchanged.
func (c *Cache) reuse(x *pairIndex, members [][]int32, keys []unitKey, bl *blocking, edges *edgeList) int {
	isNew := make([]bool, len(members))
	current := make([]int32, len(c.list)) // cached unit -> article ID here, or -1
	for k := range current {
		current[k] = -1
	}
	reused := 0
	for a, key := range keys {
		slot, ok := c.units[key]
		if !ok || current[slot] >= 0 || int(c.list[slot].n) != len(members[a]) {
			isNew[a] = true
			continue
		}
		current[slot] = int32(a)
		reused++
		for _, e := range c.list[slot].same {
			edges.add(edge{e.score, members[a][e.i], members[a][e.j]})
		}
	}
	for _, e := range c.cross {
		a, b := current[e.a], current[e.b]
		if a < 0 || b < 0 {
			continue
		}
		i, j := members[a][e.i], members[b][e.j]
		edges.add(edge{e.score, min(i, j), max(i, j)})
	}
	sameArticlePairs(x, edges, isNew)
	newArticlePairs(x, bl, isNew, edges)
	return reused
}

// record replaces the cache's content with this build's articles and pairs.
func (c *Cache) record(x *pairIndex, members [][]int32, keys []unitKey, edges *edgeList) {
	local := make([]int32, len(x.pos))
	for _, m := range members {
		for k, i := range m {
			local[i] = int32(k)
		}
	}
	c.units = make(map[unitKey]int32, len(keys))
	c.list = make([]cachedUnit, 0, len(keys))
	slot := make([]int32, len(keys))
	for a, key := range keys {
		if s, dup := c.units[key]; dup { // two articles alike: keep the first
			slot[a] = -1 - s
			continue
		}
		slot[a] = int32(len(c.list))
		c.units[key] = slot[a]
		c.list = append(c.list, cachedUnit{key: key, n: int32(len(members[a]))})
	}
	c.cross = make([]crossEdge, 0, edges.n)
	for k, bucket := range edges.buckets {
		score := edges.scores[k]
		for _, p := range bucket {
			i, j := unpackPair(p)
			a, b := x.of(int(i)).article, x.of(int(j)).article
			if slot[a] < 0 || slot[b] < 0 {
				continue // an article's duplicate: the first one's pairs are kept
			}
			if a == b {
				u := &c.list[slot[a]]
				u.same = append(u.same, localEdge{local[i], local[j], score})
				continue
			}
			c.cross = append(c.cross, crossEdge{slot[a], slot[b], local[i], local[j], score})
		}
	}
}

// newArticlePairs scores the cross-article pairs that involve a candidate of
// a new article (isNew by article ID) and that crossArticlePairs would
// propose: a shared title stem whose blocking list, in the group of the
// pair's coarser (or common) start value, holds at most MaxPosting entries.
func newArticlePairs(x *pairIndex, bl *blocking, isNew []bool, edges *edgeList) {
	descendants := make([][]int32, len(bl.ancestors))
	for g, us := range bl.ancestors {
		for _, u := range us {
			descendants[u] = append(descendants[u], int32(g))
		}
	}
	seen := make([]int32, len(x.cands))
	for p := range x.cands {
		c := &x.cands[p]
		if !c.hasStart || !isNew[c.article] {
			continue
		}
		own := postingOf(x, p)
		mark := int32(p + 1)
		visit := func(list []posting) {
			for k := range list {
				q := &list[k]
				if q.article == c.article || kindsDiffer(c.classes, q.classes) || seen[q.pos] == mark {
					continue
				}
				if isNew[q.article] && q.pos < int32(p) {
					continue // a pair of two new articles is scored from its later member
				}
				seen[q.pos] = mark
				if !mayJoinAcross(&own, q) {
					continue
				}
				if e, ok := x.edge(c, &x.cands[q.pos]); ok {
					edges.add(e)
				}
			}
		}
		g := bl.groupOf[c.dateID]
		for _, s := range x.title(c) {
			ownList := bl.list(g, s)
			if len(ownList) <= MaxPosting {
				visit(ownList)
				for _, h := range descendants[g] {
					visit(bl.list(h, s))
				}
			}
			for _, h := range bl.ancestors[g] {
				if l := bl.list(h, s); len(l) <= MaxPosting {
					visit(l)
				}
			}
		}
	}
}

// longLists names the blocking lists longer than MaxPosting by start value and stem.
func longLists(x *pairIndex, bl *blocking) map[string]bool {
	values := make([]string, len(x.dateIDs))
	for v, id := range x.dateIDs {
		values[id] = v
	}
	valueOfGroup := make([]string, len(bl.groupFrom)-1)
	for id, g := range bl.groupOf {
		if g >= 0 {
			valueOfGroup[g] = values[id]
		}
	}
	var stems []string
	long := map[string]bool{}
	for g := range valueOfGroup {
		for k := bl.groupFrom[g]; k < bl.groupFrom[g+1]; k++ {
			if bl.listFrom[k+1]-bl.listFrom[k] <= MaxPosting {
				continue
			}
			if stems == nil {
				stems = x.stemNames()
			}
			long[valueOfGroup[g]+"\x00"+stems[bl.listStem[k]]] = true
		}
	}
	return long
}

// valueSpans is each start value's span as blocking's ancestor lists read it.
func valueSpans(x *pairIndex) map[string]span {
	m := make(map[string]span, len(x.byValue))
	for v, d := range x.byValue {
		m[v] = spanOf(d)
	}
	return m
}

func sameKeys(a, b map[string]bool) bool {
	if len(a) != len(b) {
		return false
	}
	for k := range a {
		if !b[k] {
			return false
		}
	}
	return true
}

// spansChanged: a value known to both builds has another span.
func spansChanged(now, before map[string]span) bool {
	for v, s := range now {
		if old, ok := before[v]; ok && old != s {
			return true
		}
	}
	return false
}

// cacheMagic starts an encoded cache; the last byte is the codec version.
var cacheMagic = []byte("tlmerge\x02")

// Encode returns the cache as bytes for DecodeCache.
func (c *Cache) Encode() []byte {
	b := append([]byte(nil), cacheMagic...)
	b = binary.AppendUvarint(b, uint64(len(c.list)))
	for _, u := range c.list {
		b = append(b, u.key[:]...)
		b = binary.AppendUvarint(b, uint64(u.n))
		b = binary.AppendUvarint(b, uint64(len(u.same)))
		for _, e := range u.same {
			b = binary.AppendUvarint(b, uint64(e.i))
			b = binary.AppendUvarint(b, uint64(e.j))
			b = binary.LittleEndian.AppendUint64(b, math.Float64bits(e.score))
		}
	}
	b = binary.AppendUvarint(b, uint64(len(c.cross)))
	for _, e := range c.cross {
		b = binary.AppendUvarint(b, uint64(e.a))
		b = binary.AppendUvarint(b, uint64(e.b))
		b = binary.AppendUvarint(b, uint64(e.i))
		b = binary.AppendUvarint(b, uint64(e.j))
		b = binary.LittleEndian.AppendUint64(b, math.Float64bits(e.score))
	}
	long := make([]string, 0, len(c.long))
	for k := range c.long {
		long = append(long, k)
	}
	slices.Sort(long) // deterministic bytes
	b = binary.AppendUvarint(b, uint64(len(long)))
	for _, k := range long {
		b = appendString(b, k)
	}
	values := make([]string, 0, len(c.spans))
	for v := range c.spans {
		values = append(values, v)
	}
	slices.Sort(values)
	b = c.stems.encode(b)
	b = binary.AppendUvarint(b, uint64(len(values)))
	for _, v := range values {
		s := c.spans[v]
		b = appendString(b, v)
		b = append(b, boolByte(s.known))
		b = binary.AppendVarint(b, s.from.sec)
		b = binary.AppendVarint(b, int64(s.from.nsec))
		b = binary.AppendVarint(b, s.to.sec)
		b = binary.AppendVarint(b, int64(s.to.nsec))
	}
	return binary.LittleEndian.AppendUint32(b, crc32.ChecksumIEEE(b))
}

// DecodeCache reads what Encode wrote. Data from another version, or
// damaged (a CRC-32 checksum ends the data), is an error (the caller then starts from NewCache); it never
// panics.
func DecodeCache(data []byte) (*Cache, error) {
	if !bytes.HasPrefix(data, cacheMagic) {
		return nil, errors.New("merge cache: not a cache of this version")
	}
	body := data[:max(len(cacheMagic), len(data)-4)]
	if len(data) < len(cacheMagic)+4 || crc32.ChecksumIEEE(body) != binary.LittleEndian.Uint32(data[len(body):]) {
		return nil, errors.New("merge cache: damaged (checksum)")
	}
	r := &cacheReader{data: body[len(cacheMagic):]}
	c := &Cache{units: map[unitKey]int32{}, long: map[string]bool{}, spans: map[string]span{}}
	c.list = make([]cachedUnit, r.count(17))
	for k := range c.list {
		u := &c.list[k]
		copy(u.key[:], r.bytes(len(u.key)))
		u.n = r.int32(math.MaxInt32)
		u.same = make([]localEdge, r.count(10))
		for e := range u.same {
			u.same[e] = localEdge{r.int32(u.n), r.int32(u.n), r.float()}
		}
		if _, dup := c.units[u.key]; dup {
			r.fail("article hash listed twice")
		}
		c.units[u.key] = int32(k)
	}
	c.cross = make([]crossEdge, r.count(12))
	for k := range c.cross {
		e := crossEdge{a: r.int32(int32(len(c.list))), b: r.int32(int32(len(c.list)))}
		if r.err != nil {
			break
		}
		e.i, e.j, e.score = r.int32(c.list[e.a].n), r.int32(c.list[e.b].n), r.float()
		c.cross[k] = e
	}
	for k := r.count(1); k > 0; k-- {
		c.long[r.string()] = true
	}
	c.stems.decode(r)
	for k := r.count(6); k > 0; k-- {
		v := r.string()
		s := span{known: r.bytes(1)[0] == 1}
		s.from = instant{r.varint(), int32(r.varint())}
		s.to = instant{r.varint(), int32(r.varint())}
		c.spans[v] = s
	}
	if r.err == nil && len(r.data) > 0 {
		r.fail("trailing bytes")
	}
	if r.err != nil {
		return nil, r.err
	}
	return c, nil
}

// cacheReader reads DecodeCache's fields; after the first error it returns
// zeros and keeps the error.
type cacheReader struct {
	data []byte
	err  error
}

func (r *cacheReader) fail(why string) {
	if r.err == nil {
		r.err = fmt.Errorf("merge cache: %s at %d bytes from the end", why, len(r.data))
	}
	r.data = nil
}

func (r *cacheReader) uvarint() uint64 {
	v, n := binary.Uvarint(r.data)
	if n <= 0 {
		r.fail("bad number")
		return 0
	}
	r.data = r.data[n:]
	return v
}

func (r *cacheReader) varint() int64 {
	v, n := binary.Varint(r.data)
	if n <= 0 {
		r.fail("bad number")
		return 0
	}
	r.data = r.data[n:]
	return v
}

// count reads a length whose items take at least minSize bytes each, so a
// damaged length cannot make DecodeCache allocate more than the data holds.
func (r *cacheReader) count(minSize int) int {
	v := r.uvarint()
	if v > uint64(len(r.data)/minSize) {
		r.fail("length past the end")
		return 0
	}
	return int(v)
}

// int32 reads an index that must be below limit.
func (r *cacheReader) int32(limit int32) int32 {
	v := r.uvarint()
	if v >= uint64(limit) {
		r.fail("index out of range")
		return 0
	}
	return int32(v)
}

func (r *cacheReader) bytes(n int) []byte {
	if len(r.data) < n {
		r.fail("truncated")
		return make([]byte, n)
	}
	b := r.data[:n]
	r.data = r.data[n:]
	return b
}

func (r *cacheReader) float() float64 {
	return math.Float64frombits(binary.LittleEndian.Uint64(r.bytes(8)))
}

// ids reads a sorted set of IDs below limit.
func (r *cacheReader) ids(limit int32) []int32 {
	ids := make([]int32, r.count(1))
	for k := range ids {
		ids[k] = r.int32(limit)
		if k > 0 && ids[k] <= ids[k-1] {
			r.fail("set not sorted")
		}
	}
	return ids
}

func (r *cacheReader) string() string { return string(r.bytes(r.count(1))) }
