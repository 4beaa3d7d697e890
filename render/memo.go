package render

import (
	"encoding/binary"
	"errors"
	"hash/crc32"
	"io"
	"slices"
	"strings"
	"unsafe"

	"github.com/zeebo/xxh3"

	"github.com/newsline/timeline/timeline"
)

// An incremental build adds one article to a site of 100,000 events; hashing
// every event again for its digest was most of such a plan's CPU. A Memo is
// what the previous plan derived from each event (its digest, its link's
// digest, its page Key, with what that Key also depends on) and from each
// article (the digest of its metadata), so that a plan told by a
// timeline.Changes which events are unchanged copies those instead of
// hashing the events again.
//
// The memo is only ever a shortcut: a plan with it returns the paths, Keys
// and bytes a full plan would. What it cannot check for itself is that
// Changes describes the timeline the memo was made from; it checks what is
// cheap (every reused event's mention count and start, a sample of reused
// digests recomputed) and plans in full when any of it disagrees.

// Memo is a previous plan's memo, read with ParseMemo.
type Memo struct {
	cfgKey string
	data   string                 // the encoded memo: records, keys and IDs are read from it in place
	recs   int                    // offset of the records in data
	keys   int                    // offset of the page Keys in data
	idSpan []uint32               // per event: start and end of its ID in data
	arts   map[string]memoArticle // by slug
	ents   []memoEntity           // the entity table, sorted as site.entities
	entAt  []uint32               // per event: offset in data of its entity list; one more entry at the end
	table0 int                    // offset in data of the entity table (just after the IDs)
	next   int                    // the record after the last one found
	table  []int32                // hash table of record numbers + 1, made on the first ID not found in order
}

// PlanStats says what a plan reused from the memo it was given.
type PlanStats struct {
	Events     int  // events in the timeline
	Digests    int  // events whose digests came from the memo
	Keys       int  // event pages whose Key came from the memo
	Articles   int  // article pages whose Key came from the memo
	MemoUsed   bool // a memo and known Changes were given and passed the checks
	MemoRefuse bool // a memo was given but its checks failed: full plan
}

// Incremental is the result of PlanIncremental.
type Incremental struct {
	Pages []Page
	Stats PlanStats
	s     *site
	evs   []Page   // the event pages, in timeline order (their Keys go into the memo)
	arts  []Page   // the article pages, in timeline order
	keys  []string // DetachMemo's copy of the Keys of evs then arts; nil: read them from the pages
}

// DetachMemo copies what the memo reads of Pages (the event and article
// pages' Keys), so that the caller may change Pages (a build compacts
// them in place when it vets them) while WriteMemo runs on another
// goroutine. The copy lies in cfg.Buffers' array when there is one (a
// Session's, written over by its next plan, which starts after the
// memo is written). Nothing else WriteMemo reads belongs to Pages.
func (r *Incremental) DetachMemo() {
	keys := lend(&r.s.bufs.memoKeys, len(r.evs)+len(r.arts))
	for i := range r.evs {
		keys[i] = r.evs[i].Key
	}
	for i := range r.arts {
		keys[len(r.evs)+i] = r.arts[i].Key
	}
	r.keys = keys
}

// eventKey and articleKey are the Keys of event i's and article i's pages.
func (r *Incremental) eventKey(i int) string {
	if r.keys != nil {
		return r.keys[i]
	}
	return r.evs[i].Key
}

func (r *Incremental) articleKey(i int) string {
	if r.keys != nil {
		return r.keys[len(r.evs)+i]
	}
	return r.arts[i].Key
}

const memoFormat = "timeline-plan-memo-4\n"

// memoArticle is what the memo keeps of an article: the digests of its
// metadata and text, the number of events citing it, its page Key.
type memoArticle struct {
	head    [16]byte
	content string
	events  int
	key     string
}

// memoEntity is an entity of the memo's table.
type memoEntity struct{ kind, name string }

// memoRecord is one event's fixed-size record: digest, link digest, hash of
// the listing page its page links up to, mention count, start (Unix seconds),
// hash of its listing row (rowHashes).
const memoRecord = 16 + 16 + 8 + 4 + 8 + 8

// keyLen is a page Key's length: 12 bytes in hex (keyWriter.sum).
const keyLen = 24

var errMemo = errors.New("malformed plan memo")

// AppendMemo appends the memo of this plan, for the next one, to b.
func (r *Incremental) AppendMemo(b []byte) []byte {
	mw := &memoWriter{b: b, from: len(b)}
	r.encodeMemo(mw)
	return mw.finish()
}

// WriteMemo writes the memo AppendMemo appends to w, through a small
// buffer: the entries copied from the previous memo go from its bytes to w
// directly, so writing a 12 MB memo touches no 12 MB of fresh memory (about
// 5 ms per MB the first time on the benchmarks' VM).
func (r *Incremental) WriteMemo(w io.Writer) error {
	mw := &memoWriter{b: make([]byte, 0, memoChunk+4<<10), w: w}
	r.encodeMemo(mw)
	mw.finish()
	return mw.err
}

func (r *Incremental) encodeMemo(mw *memoWriter) {
	s := r.s
	mw.b = append(mw.b, memoFormat...)
	mw.b = appendUvarintString(mw.b, s.cfgKey)
	mw.b = binary.AppendUvarint(mw.b, uint64(len(s.tl.Articles)))
	for i := range s.tl.Articles {
		b := appendUvarintString(mw.b, s.tl.Articles[i].Slug)
		b = append(b, s.heads[i][:]...)
		b = appendUvarintString(b, s.contents[i])
		b = binary.AppendUvarint(b, uint64(len(s.articleEvents[i])))
		mw.b = appendUvarintString(b, r.articleKey(i))
		mw.spill()
	}
	n := len(s.tl.Events)
	mw.b = binary.AppendUvarint(mw.b, uint64(n))
	c := r.memoCopies()
	if mw.w == nil {
		mw.b = growBytes(mw.b, c.size(s))
	}
	m := s.memo
	c.each(mw, func(b []byte, i int) []byte { return s.appendRecord(b, i) },
		func(run memoRun) string { return m.data[m.recs+run.j*memoRecord:][:run.n*memoRecord] })
	c.each(mw, func(b []byte, i int) []byte {
		k := r.eventKey(i)
		if len(k) != keyLen { // cannot happen (keyWriter.sum); a memo without this key would be wrong
			k = strings.Repeat("-", keyLen)
		}
		return append(b, k...)
	}, func(run memoRun) string { return m.data[m.keys+run.j*keyLen:][:run.n*keyLen] })
	c.each(mw, func(b []byte, i int) []byte { return appendUvarintString(b, s.eventID(i)) },
		func(run memoRun) string { return m.data[m.idsFrom(run.j):m.idSpan[2*(run.j+run.n)-1]] })
	if c.sameEntities {
		mw.copy(m.data[m.table0:m.entAt[0]])
	} else {
		mw.b = binary.AppendUvarint(mw.b, uint64(len(s.entities)))
		for _, e := range s.entities {
			mw.b = appendUvarintString(mw.b, e.Kind)
			mw.b = appendUvarintString(mw.b, e.Name)
			mw.spill()
		}
	}
	lists := c
	if !c.sameEntities { // the memo's lists number another table
		lists = memoCopies{n: n}
	}
	lists.each(mw, func(b []byte, i int) []byte {
		b = binary.AppendUvarint(b, uint64(len(s.entitiesOf(i))))
		for _, id := range s.entitiesOf(i) {
			b = binary.AppendUvarint(b, uint64(id))
		}
		return b
	}, func(run memoRun) string { return m.data[m.entAt[run.j]:m.entAt[run.j+run.n]] })
}

// memoChunk is how many bytes WriteMemo collects before writing them; a
// variable so tests can cross many chunk boundaries in a small memo.
var memoChunk = 64 << 10

// memoWriter collects a memo: in b (after the caller's bytes, from) when w
// is nil, else in chunks written to w, keeping the first error.
type memoWriter struct {
	b    []byte
	from int
	w    io.Writer
	crc  uint32 // of the bytes written to w so far
	err  error
}

// spill writes the collected bytes once there are enough of them.
func (mw *memoWriter) spill() {
	if mw.w != nil && len(mw.b) >= memoChunk {
		mw.flush()
	}
}

func (mw *memoWriter) flush() {
	if mw.w == nil {
		return
	}
	mw.write(mw.b)
	mw.b = mw.b[:0]
}

func (mw *memoWriter) write(p []byte) {
	mw.crc = crc32.Update(mw.crc, memoCRC, p)
	if mw.err == nil {
		_, mw.err = mw.w.Write(p)
	}
}

// copy adds bytes of the previous memo.
func (mw *memoWriter) copy(s string) {
	if mw.w == nil {
		mw.b = append(mw.b, s...)
		return
	}
	mw.flush()
	if len(s) > 0 {
		mw.write(unsafe.Slice(unsafe.StringData(s), len(s))) // w may not keep or modify p (io.Writer)
	}
}

// finish adds the checksum and returns the collected bytes.
func (mw *memoWriter) finish() []byte {
	if mw.w == nil {
		return binary.LittleEndian.AppendUint32(mw.b, crc32.Checksum(mw.b[mw.from:], memoCRC))
	}
	mw.flush()
	var sum [4]byte
	binary.LittleEndian.PutUint32(sum[:], mw.crc)
	if mw.err == nil {
		_, mw.err = mw.w.Write(sum[:])
	}
	return nil
}

// appendRecord appends event i's fixed-size record (memoRecord).
func (s *site) appendRecord(b []byte, i int) []byte {
	ev := &s.tl.Events[i]
	b = append(b, s.eventDigest(i)...)
	b = append(b, s.linkDigest(i)...)
	b = binary.LittleEndian.AppendUint64(b, s.upHash(i))
	b = binary.LittleEndian.AppendUint32(b, uint32(len(ev.Mentions)))
	b = binary.LittleEndian.AppendUint64(b, uint64(ev.Start.Start.Unix()))
	return binary.LittleEndian.AppendUint64(b, s.rowSum(i))
}

// A memo written after a plan that reused most of the previous memo is
// mostly that memo again: encoding all 116,000 events afresh was most of a
// fresh incremental build's memo cost (and the memo is rewritten on every
// build). So the events whose record, page Key, ID and entity list would be
// written exactly as the previous memo has them, in runs that keep their
// order there, are copied from it in byte ranges, section by section; only
// the others are encoded. The bytes are those a plan without a memo writes.

// memoRun is a run of events i..i+n-1 whose memo entries are the previous
// memo's j..j+n-1, byte for byte.
type memoRun struct{ i, j, n int }

// memoCopies is what AppendMemo copies from the previous memo.
type memoCopies struct {
	n            int       // events
	runs         []memoRun // in event order
	sameEntities bool      // the entity table is the memo's, so are the lists' numbers
}

// memoCopies finds the runs of events whose entries the previous memo
// holds as they are to be written. An event reusing its memo record
// (memoAt) has the memo's ID (found by it), mention count and start
// (matchMemo checked both) and digests (copied from it); when its page Key
// is the memo's too (memoKey: which also checks its listing page) and the
// row hashes were taken from the memo (rowHashes), its record and Key are
// the memo's, byte for byte. So the events are not read again here: the
// check is two flags per event. (Comparing every reused event's record with
// the memo's cost more than encoding it.)
func (r *Incremental) memoCopies() memoCopies {
	s := r.s
	c := memoCopies{n: len(s.tl.Events)}
	m := s.memo
	if s.memoAt == nil || m == nil || s.keyFromMemo == nil || !s.rowsFromMemo {
		return c
	}
	for i, j := range s.memoAt {
		if j < 0 || !s.keyFromMemo[i] {
			continue
		}
		if k := len(c.runs) - 1; k >= 0 && c.runs[k].i+c.runs[k].n == i && c.runs[k].j+c.runs[k].n == int(j) {
			c.runs[k].n++
			continue
		}
		c.runs = append(c.runs, memoRun{i: i, j: int(j), n: 1})
	}
	c.sameEntities = len(s.entities) == len(m.ents)
	for k := 0; c.sameEntities && k < len(m.ents); k++ {
		c.sameEntities = s.entities[k].Kind == m.ents[k].kind && s.entities[k].Name == m.ents[k].name
	}
	return c
}

// each adds the entries of all events in order: fresh(b, i) appends event
// i's, old(run) is a run's in the previous memo.
func (c memoCopies) each(mw *memoWriter, fresh func([]byte, int) []byte, old func(memoRun) string) {
	at := 0
	encode := func(to int) {
		for ; at < to; at++ {
			mw.b = fresh(mw.b, at)
			mw.spill()
		}
	}
	for _, run := range c.runs {
		encode(run.i)
		mw.copy(old(run))
		at = run.i + run.n
	}
	encode(c.n)
}

// size is about the bytes AppendMemo writes after the articles (a little
// more, see memoSize), counting the copied runs by their length in the memo.
func (c memoCopies) size(s *site) int {
	if len(c.runs) == 0 {
		return s.memoSize()
	}
	m := s.memo
	size := binary.MaxVarintLen64 + c.n*(memoRecord+keyLen) + 4
	at := 0
	for _, run := range c.runs {
		for ; at < run.i; at++ {
			size += binary.MaxVarintLen32 + len(s.path(at)) + (1+len(s.entitiesOf(at)))*binary.MaxVarintLen32
		}
		size += int(m.idSpan[2*(run.j+run.n)-1]) - m.idsFrom(run.j) + int(m.entAt[run.j+run.n]-m.entAt[run.j])
		at = run.i + run.n
	}
	for ; at < c.n; at++ {
		size += binary.MaxVarintLen32 + len(s.path(at)) + (1+len(s.entitiesOf(at)))*binary.MaxVarintLen32
	}
	for _, e := range s.entities {
		size += len(e.Kind) + len(e.Name) + 2*binary.MaxVarintLen32
	}
	return size
}

var memoCRC = crc32.MakeTable(crc32.Castagnoli)

// memoSize is about the bytes AppendMemo writes after the articles (a little
// more): growing a 10 MB memo by appending copied it several times.
func (s *site) memoSize() int {
	size := binary.MaxVarintLen64 + len(s.tl.Events)*(memoRecord+keyLen+binary.MaxVarintLen32) + 4
	for i := range s.tl.Events {
		size += len(s.path(i)) + len(s.entitiesOf(i))*binary.MaxVarintLen32
	}
	for _, e := range s.entities {
		size += len(e.Kind) + len(e.Name) + 2*binary.MaxVarintLen32
	}
	return size
}

func appendUvarintString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

func growBytes(b []byte, n int) []byte {
	if cap(b)-len(b) < n {
		nb := make([]byte, len(b), len(b)+n)
		copy(nb, b)
		return nb
	}
	return b
}

// ParseMemo reads a memo AppendMemo wrote. A damaged or foreign memo is an
// error; the caller then plans in full.
func ParseMemo(data []byte) (*Memo, error) {
	return parseMemo(data, false)
}

// ParseMemoOwned is ParseMemo taking data over: the memo reads its records
// and IDs in data itself instead of a copy (12 MB at 116,000 events, copied
// on every warm build), so the caller must never modify data afterwards,
// nor unmap it while a plan made with the memo is in use: the plan reads
// the reused events' digests and row hashes there until its pages and
// exports are rendered.
func ParseMemoOwned(data []byte) (*Memo, error) {
	return parseMemo(data, true)
}

func parseMemo(data []byte, owned bool) (*Memo, error) {
	if len(data) < len(memoFormat)+4 || string(data[:len(memoFormat)]) != memoFormat {
		return nil, errMemo
	}
	body := data[:len(data)-4]
	if crc32.Checksum(body, memoCRC) != binary.LittleEndian.Uint32(data[len(data)-4:]) {
		return nil, errMemo
	}
	m := &Memo{}
	if owned {
		m.data = unsafe.String(unsafe.SliceData(body), len(body)) // never written again: ParseMemoOwned
	} else {
		m.data = string(body)
	}
	rd := memoReader{s: m.data, off: len(memoFormat)}
	m.cfgKey = rd.str()
	arts := rd.count(1 + 16)
	m.arts = make(map[string]memoArticle, arts)
	for a := 0; a < arts && rd.err == nil; a++ {
		slug := rd.str()
		head := [16]byte([]byte(rd.take(16)))
		m.arts[slug] = memoArticle{head: head, content: rd.str(), events: int(rd.uvarint()), key: rd.str()}
	}
	n := rd.count(memoRecord + keyLen + 1)
	m.recs = rd.off
	rd.take(n * memoRecord)
	m.keys = rd.off
	rd.take(n * keyLen)
	m.idSpan = make([]uint32, 2*n)
	for i := 0; i < n && rd.err == nil; i++ {
		at := rd.off
		l := rd.count(1)
		if rd.off-at != uvarintLen(uint64(l)) { // idsFrom finds an entry's start by its length's
			rd.err = errMemo
		}
		m.idSpan[2*i] = uint32(rd.off)
		rd.take(l)
		m.idSpan[2*i+1] = uint32(rd.off)
	}
	m.table0 = rd.off
	m.readEntities(&rd, n)
	if rd.err != nil || rd.off != len(m.data) || uint64(len(m.data)) > 1<<32-1 {
		return nil, errMemo
	}
	return m, nil
}

// readEntities reads the entity table and finds each event's list, checking
// that every list is sorted and within the table (a plan uses them as they are).
func (m *Memo) readEntities(rd *memoReader, events int) {
	n := rd.count(2)
	m.ents = make([]memoEntity, n)
	for i := range m.ents {
		m.ents[i] = memoEntity{kind: rd.str(), name: rd.str()}
		if i > 0 && compareMemoEntities(m.ents[i-1], m.ents[i]) >= 0 {
			rd.err = errMemo
		}
	}
	m.entAt = make([]uint32, events+1)
	for i := 0; i < events && rd.err == nil; i++ {
		m.entAt[i] = uint32(rd.off)
		last := int64(-1)
		for k := rd.count(1); k > 0; k-- {
			id := int64(rd.uvarint())
			if id <= last || id >= int64(n) {
				rd.err = errMemo
			}
			last = id
		}
	}
	m.entAt[events] = uint32(rd.off)
}

func compareMemoEntities(a, b memoEntity) int {
	if c := strings.Compare(a.kind, b.kind); c != 0 {
		return c
	}
	return strings.Compare(a.name, b.name)
}

// appendEntities appends event j's entities, as indexes into m.ents.
func (m *Memo) appendEntities(dst []int32, j int) []int32 {
	rd := memoReader{s: m.data[:m.entAt[j+1]], off: int(m.entAt[j])}
	for k := rd.uvarint(); k > 0; k-- {
		dst = append(dst, int32(rd.uvarint()))
	}
	return dst
}

// entityCount is how many entities event j has.
func (m *Memo) entityCount(j int) int {
	rd := memoReader{s: m.data[:m.entAt[j+1]], off: int(m.entAt[j])}
	return int(rd.uvarint())
}

// findEntity returns the index of an entity in m.ents.
func (m *Memo) findEntity(kind, name string) (int, bool) {
	return slices.BinarySearchFunc(m.ents, memoEntity{kind, name}, compareMemoEntities)
}

// memoReader reads a memo, keeping the first error.
type memoReader struct {
	s   string
	off int
	err error
}

func (r *memoReader) uvarint() uint64 {
	var v uint64
	for shift := 0; shift < 64; shift += 7 {
		if r.off >= len(r.s) {
			break
		}
		c := r.s[r.off]
		r.off++
		v |= uint64(c&0x7f) << shift
		if c < 0x80 {
			return v
		}
	}
	r.err = errMemo
	return 0
}

// count reads a length whose items take at least min bytes each, so a
// damaged length cannot ask for more memory than the memo could describe.
func (r *memoReader) count(minBytes int) int {
	v := r.uvarint()
	if r.err != nil || v > uint64(len(r.s)-r.off)/uint64(minBytes) {
		r.err = errMemo
		return 0
	}
	return int(v)
}

func (r *memoReader) take(n int) string {
	if r.err != nil || n < 0 || n > len(r.s)-r.off {
		r.err = errMemo
		return strings.Repeat("\x00", max(n, 0)&15)
	}
	s := r.s[r.off : r.off+n]
	r.off += n
	return s
}

func (r *memoReader) str() string { return r.take(r.count(1)) }

// size is the number of events the memo holds.
func (m *Memo) size() int { return len(m.idSpan) / 2 }

func (m *Memo) id(j int) string { return m.data[m.idSpan[2*j]:m.idSpan[2*j+1]] }

// idsFrom is the offset of event j's ID entry in data: its length, then the ID.
func (m *Memo) idsFrom(j int) int {
	start := int(m.idSpan[2*j])
	return start - uvarintLen(uint64(int(m.idSpan[2*j+1])-start))
}

func uvarintLen(v uint64) int {
	n := 1
	for ; v >= 0x80; v >>= 7 {
		n++
	}
	return n
}

func (m *Memo) rec(j int) string { return m.data[m.recs+j*memoRecord:][:memoRecord] }

func (m *Memo) digest(j int) [16]byte { return [16]byte([]byte(m.rec(j)[:16])) }

func (m *Memo) link(j int) [16]byte { return [16]byte([]byte(m.rec(j)[16:32])) }

// digestBytes is digest(j) in the memo's own bytes, which must not be
// written to: the digests of the events reusing their records are read
// there (site.eventDigest) rather than copied into a fresh array.
func (m *Memo) digestBytes(j int) []byte { return stringBytes(m.rec(j)[:16]) }

// linkBytes is link(j) in the memo's own bytes, read only as digestBytes.
func (m *Memo) linkBytes(j int) []byte { return stringBytes(m.rec(j)[16:32]) }

// stringBytes views s's bytes as a slice, which must not be written to.
func stringBytes(s string) []byte { return unsafe.Slice(unsafe.StringData(s), len(s)) }

func (m *Memo) up(j int) uint64 { return le64(m.rec(j)[32:40]) }

func (m *Memo) mentions(j int) int {
	r := m.rec(j)[40:44]
	return int(uint32(r[0]) | uint32(r[1])<<8 | uint32(r[2])<<16 | uint32(r[3])<<24)
}

func (m *Memo) start(j int) int64 { return int64(le64(m.rec(j)[44:52])) }

func (m *Memo) row(j int) uint64 { return le64(m.rec(j)[52:60]) }

func (m *Memo) key(j int) string { return m.data[m.keys+j*keyLen:][:keyLen] }

func le64(s string) uint64 {
	_ = s[7]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

// find returns the record of the event with this ID. A plan meets the
// memo's events mostly in their order, so the records just after the last
// one found are tried first; the others are looked up in a hash table.
func (m *Memo) find(id string) (int, bool) {
	for j := m.next; j < min(m.size(), m.next+4); j++ {
		if m.id(j) == id {
			m.next = j + 1
			return j, true
		}
	}
	if m.table == nil {
		m.buildTable()
	}
	mask := uint64(len(m.table) - 1)
	for i, probes := xxh3.HashString(id)&mask, 0; m.table[i] != 0 && probes <= maxMemoProbes; i, probes = (i+1)&mask, probes+1 {
		if j := int(m.table[i] - 1); m.id(j) == id {
			m.next = j + 1
			return j, true
		}
	}
	return 0, false
}

// maxMemoProbes bounds a search (and an insertion) in the ID table: at half
// load a good hash needs a few probes, and a memo whose IDs crowd one place
// is answered "not found", which only costs recomputing.
const maxMemoProbes = 256

func (m *Memo) buildTable() {
	size := 16
	for size < 2*m.size() {
		size *= 2
	}
	m.table = make([]int32, size)
	mask := uint64(size - 1)
	for j := 0; j < m.size(); j++ {
		i, probes := xxh3.HashString(m.id(j))&mask, 0
		for ; m.table[i] != 0 && probes <= maxMemoProbes; i = (i + 1) & mask {
			probes++
		}
		if m.table[i] == 0 {
			m.table[i] = int32(j + 1)
		}
	}
}

// memoChecks is how many reused digests a plan recomputes to catch a memo
// that does not describe the timeline Changes was computed against.
const memoChecks = 64

// matchMemo returns, per event, the memo record whose digests it may reuse
// (-1: compute them), or nil when nothing may be reused. An event reuses
// its record when Changes says it is unchanged, the memo has it, and every
// article it cites has the same metadata as when the memo was made (an
// article's title shows on the pages of the events citing it, though the
// events themselves did not change).
func (s *site) matchMemo(prev *Memo, ch *timeline.Changes) ([]int32, bool) {
	if prev == nil || ch == nil || !ch.Known || prev.cfgKey != s.cfgKey {
		return nil, prev != nil && ch != nil && ch.Known
	}
	headSame := make([]bool, len(s.tl.Articles))
	for a := range s.tl.Articles {
		h, ok := prev.arts[s.tl.Articles[a].Slug]
		headSame[a] = ok && h.head == s.heads[a]
	}
	// Changes.Same is two binary searches, string compares all: over
	// 100,000 events, a set of the few IDs it excludes costs a tenth. The
	// filter in front of it spares most events the set's hashing.
	differ := make(map[string]struct{}, len(ch.Changed)+len(ch.Removed))
	var maybe idFilter
	for _, ids := range [][]string{ch.Changed, ch.Removed} {
		for _, id := range ids {
			differ[id] = struct{}{}
			maybe.add(id)
		}
	}
	at := lend(&s.lent().memoAt, len(s.tl.Events))
	for i := range s.tl.Events {
		at[i] = -1
		ev := &s.tl.Events[i]
		id := s.eventID(i)
		if maybe.has(id) {
			if _, changed := differ[id]; changed {
				continue
			}
		}
		j, ok := prev.find(id)
		if !ok || !s.citedSame(i, headSame, prev) {
			continue
		}
		if prev.mentions(j) != len(ev.Mentions) || prev.start(j) != ev.Start.Start.Unix() {
			return nil, true // Changes and memo describe different timelines
		}
		at[i] = int32(j)
	}
	if !s.spotCheck(prev, at) {
		return nil, true
	}
	return at, false
}

// idFilter is a 1024-bit Bloom filter of a few IDs over their length and
// last four bytes (read from the event pages' paths, which lie in order in
// memory): has is false for nearly every ID that was not added, and never
// for one that was.
type idFilter [16]uint64

func (f *idFilter) add(id string) { b := idFilterBit(id); f[b>>6] |= 1 << (b & 63) }

func (f *idFilter) has(id string) bool { b := idFilterBit(id); return f[b>>6]&(1<<(b&63)) != 0 }

// idFilterBit mixes the length and last four bytes (where IDs differ most:
// the end of a hex digest, a counter) into ten bits.
func idFilterBit(id string) uint64 {
	h := uint64(len(id)) << 32
	for k := max(len(id)-4, 0); k < len(id); k++ {
		h ^= uint64(id[k]) << (8 * (len(id) - 1 - k))
	}
	return (h * 0x9E3779B97F4A7C15) >> 54
}

// citedSame reports whether every article event i cites has the metadata
// it had in the memo, and no citation that found no article then finds one now
// or the reverse.
func (s *site) citedSame(i int, headSame []bool, prev *Memo) bool {
	for j := range s.tl.Events[i].Mentions {
		if a := s.cites.of(i, j); a >= 0 {
			if !headSame[a] {
				return false
			}
		} else if _, had := prev.arts[s.tl.Events[i].Mentions[j].Article]; had {
			return false
		}
	}
	return true
}

// spotCheck recomputes the digests of up to memoChecks reused events, spread
// over the timeline, and compares them with the memo's.
func (s *site) spotCheck(prev *Memo, at []int32) bool {
	k := borrowKeyWriter()
	defer returnKeyWriter(k)
	step := max(1, len(at)/memoChecks)
	for i := 0; i < len(at); i += step {
		if at[i] < 0 {
			continue
		}
		d, l := s.digestEvent(k, i)
		if d != prev.digest(int(at[i])) || l != prev.link(int(at[i])) {
			return false
		}
	}
	return true
}

// rowHashes hashes each event's listing row (rowKey): an event that reuses
// its memo record takes the memo's, its row showing nothing that could have
// changed (its link digest is reused, its entities are the memo's, the
// articles it cites have the metadata they had); the others are computed.
// Reading the entity names and article labels of 100,000 rows, scattered
// over the heap, was the largest part of a warm plan's listing Keys. A
// sample of the reused hashes is recomputed: one differs, and all are.
// Reused, they are read in the memo (rowSum), so the array returned holds
// only the others, by digest slot (digestSlot); else every event's.
func (s *site) rowHashes() []uint64 {
	s.rowsFromMemo = s.memoAt != nil && s.rowsSpotCheck()
	n := len(s.tl.Events)
	if s.rowsFromMemo {
		n = len(s.eventDigests) // the events without a memo record, one per slot
	}
	rows := lend(&s.lent().rows, n) // every element set below
	inParallel(len(s.tl.Events), func(lo, hi int) {
		k := borrowKeyWriter()
		defer returnKeyWriter(k)
		for i := lo; i < hi; i++ {
			if !s.rowsFromMemo {
				rows[i] = s.rowHash(k, i)
			} else if slot, fresh := s.digestSlot(i); fresh {
				rows[slot] = s.rowHash(k, i)
			}
		}
	})
	return rows
}

// rowSum is event i's row hash (rowHashes).
func (s *site) rowSum(i int) uint64 {
	if !s.rowsFromMemo {
		return s.rowSums[i]
	}
	if slot, fresh := s.digestSlot(i); fresh {
		return s.rowSums[slot]
	}
	return s.memo.row(int(s.memoAt[i]))
}

// rowsSpotCheck recomputes up to memoChecks of the row hashes the memo
// has for the events reusing their records, spread over the timeline.
func (s *site) rowsSpotCheck() bool {
	k := borrowKeyWriter()
	defer returnKeyWriter(k)
	step := max(1, len(s.memoAt)/memoChecks)
	for i := 0; i < len(s.memoAt); i += step {
		if j := s.memoAt[i]; j >= 0 && s.memo.row(int(j)) != s.rowHash(k, i) {
			return false
		}
	}
	return true
}

// rowHash is the hash of what rowKey writes for event i.
func (s *site) rowHash(k *keyWriter, i int) uint64 {
	k.reset()
	s.rowKey(k, i)
	d := k.digest()
	return binary.LittleEndian.Uint64(d[:8])
}

// memoKey returns event i's page Key from the memo when everything the Key
// hashes is as it was: the event's digest (reused), its neighbours (the
// memo's neighbours of its record, themselves reused) and its listing page.
func (s *site) memoKey(i int) (string, bool) {
	if s.memoAt == nil || s.memoAt[i] < 0 {
		return "", false
	}
	j, n, last := int(s.memoAt[i]), len(s.tl.Events), s.memo.size()-1
	prevOK := (i == 0 && j == 0) || (i > 0 && j > 0 && s.memoAt[i-1] == int32(j-1))
	nextOK := (i == n-1 && j == last) || (i < n-1 && j < last && s.memoAt[i+1] == int32(j+1))
	if !prevOK || !nextOK || s.memo.up(j) != s.upHash(i) {
		return "", false
	}
	return s.memo.key(j), true
}

// indexEntitiesFrom is indexEntities for a plan with a memo: an event that
// reuses its memo record (memoAt) names the entities the memo lists for it,
// read as numbers, so the entity names of the unchanged events (scattered
// over the heap: reading them was most of indexEntities) are not touched.
// The other events' entities are found in the memo's table or added to it;
// the entities no event names any more drop out. The table, counts and
// lists are those indexEntities makes.
func (s *site) indexEntitiesFrom(prev *Memo) {
	base := len(prev.ents)
	counts := make([]int, base)
	var added []timeline.Entity
	addedID := map[timeline.Entity]int32{}
	total := 0
	for i, j := range s.memoAt {
		if j >= 0 {
			total += prev.entityCount(int(j))
		} else {
			total += len(s.tl.Events[i].Entities)
		}
	}
	ends := lend(&s.lent().entityEnds, len(s.tl.Events)) // every element set below
	flat := lend(&s.lent().entities, total)[:0]
	for i, j := range s.memoAt {
		start := len(flat)
		if j >= 0 {
			flat = prev.appendEntities(flat, int(j))
		} else {
			for _, en := range s.tl.Events[i].Entities {
				en.Name = strings.TrimSpace(en.Name)
				if en.Name == "" {
					continue
				}
				id, ok := int32(0), false
				if at, found := prev.findEntity(string(en.Kind), en.Name); found {
					id, ok = int32(at), true
				} else if id, ok = addedID[en]; !ok {
					id = int32(base + len(added))
					addedID[en] = id
					added = append(added, en)
					counts = append(counts, 0)
				}
				if slices.Contains(flat[start:], id) {
					continue
				}
				flat = append(flat, id)
			}
		}
		for _, id := range flat[start:] {
			counts[id]++
		}
		ends[i] = int32(len(flat))
	}
	rank := s.rankEntities(prev, added, counts)
	for j := range flat {
		flat[j] = rank[flat[j]]
	}
	s.entityFlat, s.entityEnds = flat, ends
	for i := range ends {
		slices.Sort(s.entitiesOf(i))
	}
}

// rankEntities makes the site's entity table from the memo's (ids below
// len(prev.ents), already sorted) and the added entities (the ids after),
// dropping those no event names, and returns each id's place in it.
func (s *site) rankEntities(prev *Memo, added []timeline.Entity, counts []int) []int32 {
	base := len(prev.ents)
	order := make([]int32, len(added))
	for k := range order {
		order[k] = int32(k)
	}
	slices.SortFunc(order, func(a, b int32) int { return compareEntities(added[a], added[b]) })
	rank := make([]int32, len(counts))
	s.entities = s.entities[:0]
	put := func(id int, name, kind string) {
		if counts[id] > 0 {
			rank[id] = int32(len(s.entities))
			s.entities = append(s.entities, entityRef{Name: name, Kind: kind, Count: counts[id]})
		}
	}
	a := 0
	for m := 0; m < base; m++ {
		for ; a < len(order) && compareMemoEntities(memoEntity{string(added[order[a]].Kind), added[order[a]].Name}, prev.ents[m]) < 0; a++ {
			put(base+int(order[a]), added[order[a]].Name, string(added[order[a]].Kind))
		}
		put(m, prev.ents[m].name, prev.ents[m].kind)
	}
	for ; a < len(order); a++ {
		put(base+int(order[a]), added[order[a]].Name, string(added[order[a]].Kind))
	}
	return rank
}

// memoArticleKey returns article i's page Key from the memo when everything
// the Key hashes (articleKey) is as it was: its metadata and text, and the
// events citing it, all reused and as many as then (an event citing it now
// that did not is not reused, being changed; one that no longer cites it
// makes them fewer). Those events keep their order, titles and expressions.
func (s *site) memoArticleKey(i int) (string, bool) {
	if s.memoAt == nil {
		return "", false
	}
	rec, ok := s.memo.arts[s.tl.Articles[i].Slug]
	if !ok || rec.head != s.heads[i] || rec.content != s.contents[i] || rec.events != len(s.articleEvents[i]) || len(rec.key) != keyLen {
		return "", false
	}
	for _, e := range s.articleEvents[i] {
		if s.memoAt[e] < 0 {
			return "", false
		}
	}
	return rec.key, true
}
