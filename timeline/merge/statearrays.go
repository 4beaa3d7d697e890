package merge

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"reflect"
	"slices"
	"unsafe"
)

// The candidates' arrays (pair data, article, index, rank, event, flags) and
// the arena are stored as the machine holds them in memory, each starting on
// a page boundary of the encoding, so that a reader can hand them out without
// decoding: mapped privately from the state file (ArrayMapper), their pages
// come from the page cache, where decoding them into the heap touched about
// 45 MB of fresh memory in a fresh 10k build (about 5 ms of CPU per MB on
// this project's machines: /work/notes/s11/baseline.md). A page an Update
// writes (a removed candidate's article, a new candidate appended in the room
// after the array) is copied or taken fresh by the kernel, a page at a time.
//
// The layout is the running binary's: candLayout names it, and a state of
// another layout is refused (the caller merges in full). The state file is a
// cache of one tool version, so this only guards against a change of
// pairCand under a version string pinned by hand (benchmarks).

// statePage is the boundary the arrays start on, from the encoding's start.
const statePage = 4096

// ArrayMapper returns capBytes of writable memory whose first n bytes are
// those of the encoding at offset off (a multiple of statePage) and whose
// rest is zero, or nil when it cannot; the memory must stay valid and
// private to the state for the life of the process (the state keeps it).
// DecodeStatePartsMapped calls it for each large array of the state.
type ArrayMapper func(off, n, capBytes int) []byte

// candLayout describes pairCand's memory layout and the machine's byte
// order: part of the encoding, which stores pairCand values as they are.
var candLayout = layoutOf(reflect.TypeFor[pairCand]())

func layoutOf(t reflect.Type) string {
	s := fmt.Sprintf("%s/%d/le=%v", t.Name(), t.Size(), littleEndian)
	for i := range t.NumField() {
		f := t.Field(i)
		s += fmt.Sprintf(";%s:%s@%d", f.Name, f.Type, f.Offset)
	}
	return s
}

// candBoolOffsets are the offsets of pairCand's bool fields (checked to be
// 0 or 1 on decoding: a bool byte of any other value is not a Go bool), and
// candEnd where its last field ends (the padding after it is written zero).
var candBoolOffsets, candEnd = func() ([]uintptr, uintptr) {
	t := reflect.TypeFor[pairCand]()
	var bools []uintptr
	var end uintptr
	for i := range t.NumField() {
		f := t.Field(i)
		if f.Type.Kind() == reflect.Bool {
			bools = append(bools, f.Offset)
		}
		end = max(end, f.Offset+f.Type.Size())
	}
	return bools, end
}()

// rawBytes is v's memory.
func rawBytes[T any](v *T) []byte {
	return unsafe.Slice((*byte)(unsafe.Pointer(v)), unsafe.Sizeof(*v))
}

// sliceBytes is the memory of s's elements.
func sliceBytes[T any](s []T) []byte {
	if len(s) == 0 {
		return nil
	}
	return unsafe.Slice((*byte)(unsafe.Pointer(&s[0])), len(s)*int(unsafe.Sizeof(s[0])))
}

// appendCand appends p's memory, its padding zeroed (the encoding stays the
// same for the same state).
func appendCand(b []byte, p *pairCand) []byte {
	at := len(b)
	b = append(b, rawBytes(p)...)
	clear(b[at+int(candEnd):])
	return b
}

// pageAlign pads so that the next byte starts a page of the encoding: two
// bytes saying how many zero bytes follow, then those.
func (w *stateWriter) pageAlign() {
	if w.pages != nil {
		w.pages.begin(w)
		return
	}
	pad := (statePage - (w.pos()-w.base+2)%statePage) % statePage
	w.b = binary.LittleEndian.AppendUint16(w.b, uint16(pad))
	var zeros [statePage]byte
	w.b = append(w.b, zeros[:pad]...)
}

// appendNativeAll is appendNative of every element of vs as it is: its
// memory passed on at once (stateWriter.bulk), not element by element.
func appendNativeAll[T any](w *stateWriter, vs []T) {
	w.pageAlign()
	w.bulk(sliceBytes(vs))
	w.endArray()
}

// appendNative appends v's memory for each element of vs that keep selects,
// written through f (which may renumber it).
func appendNative[T any](w *stateWriter, n int, keep func(k int) bool, f func(k int) T) {
	w.pageAlign()
	for k := 0; k < n; k++ {
		if keep(k) {
			v := f(k)
			w.b = append(w.b, rawBytes(&v)...)
			w.maybeFlush()
		}
	}
	w.endArray()
}

// off is the reader's position from the encoding's start.
func (r *stateReader) off() int { return r.origin - len(r.b) }

// pagePadding reads what pageAlign wrote.
func (r *stateReader) pagePadding() {
	b := r.bytes(2)
	if len(b) < 2 {
		return
	}
	pad := int(binary.LittleEndian.Uint16(b))
	if pad >= statePage || slices.ContainsFunc(r.bytes(pad), func(b byte) bool { return b != 0 }) || r.off()%statePage != 0 {
		r.fail("page padding")
	}
}

// arrayOf reads an array of n elements that pageAlign and appendNative
// wrote, with room for spare more: the mapper's memory when it gives some,
// else a copy in the heap. T holds no pointers.
func arrayOf[T any](r *stateReader, n, spare int) []T {
	if r.split {
		return pagedArrayOf[T](r, n, spare)
	}
	r.pagePadding()
	var zero T
	size := int(unsafe.Sizeof(zero))
	off := r.off()
	if n > len(r.b)/max(size, 1) {
		r.fail("array length")
		return nil
	}
	raw := r.bytes(n * size)
	if r.err != nil {
		return nil
	}
	if r.arrays != nil && n > 0 {
		if mem := r.arrays(off, n*size, (n+spare)*size); len(mem) >= (n+spare)*size &&
			uintptr(unsafe.Pointer(&mem[0]))%unsafe.Alignof(zero) == 0 {
			r.mapped++
			return unsafe.Slice((*T)(unsafe.Pointer(&mem[0])), n+spare)[:n]
		}
	}
	out := make([]T, n, n+spare)
	copy(sliceBytes(out), raw)
	return out
}

// boolsValid: every byte of b is 0 or 1.
func boolsValid(b []bool) bool {
	for _, v := range sliceBytes(b) {
		if v > 1 {
			return false
		}
	}
	return true
}

// candBoolsValid: p's bool fields hold 0 or 1.
func candBoolsValid(p *pairCand) bool {
	raw := rawBytes(p)
	for _, at := range candBoolOffsets {
		if raw[at] > 1 {
			return false
		}
	}
	return true
}

// MappedArrays tells how many of the state's arrays its decoder took from
// an ArrayMapper (for tests and benchmarks).
func (s *State) MappedArrays() int { return s.mappedArrays }

// encodeSentences writes the sentence table's slots as they are (keys,
// then values, each an array on pages of its own), so that a reader maps
// them (decodeSentences) instead of putting every sentence into a new table:
// at 10k that table was several MB of fresh heap on a fresh build's merge
// path. A table much larger than its sentences (a full merge sizes it by
// mentions) is written compacted.
func encodeSentences(w *stateWriter, t *table[int32]) {
	if len(t.keys) > 4*max(t.used, 16) {
		compact := newTable[int32](t.used)
		for i, k := range t.keys {
			if k != 0 {
				compact.put(k-1, t.vals[i])
			}
		}
		t = compact
	}
	w.count(len(t.keys))
	w.count(t.used)
	appendNativeAll(w, t.keys)
	appendNativeAll(w, t.vals)
}

// decodeSentences reads what encodeSentences wrote, and checks that the
// table is one (a power-of-two size at most half full, so probes end; each
// key in the slot its own probe finds, so every lookup finds it).
func decodeSentences(r *stateReader) *table[int32] {
	slots, used := r.arrayCount(12), r.arrayCount(12)
	t := &table[int32]{keys: arrayOf[uint64](r, slots, 0), vals: arrayOf[int32](r, slots, 0), used: used}
	if r.err != nil {
		return newTable[int32](0)
	}
	if slots < 16 || slots&(slots-1) != 0 || 2*used > slots || len(t.keys) != slots || len(t.vals) != slots {
		r.fail("sentence table")
		return newTable[int32](0)
	}
	filled := 0
	for i, k := range t.keys {
		if k == 0 {
			continue
		}
		filled++
		if t.slot(k-1) != i || t.vals[i] < 0 {
			r.fail("sentence table")
			return newTable[int32](0)
		}
	}
	if filled != used {
		r.fail("sentence table")
		return newTable[int32](0)
	}
	return t
}

// SetRelease tells the state how to give back the memory an ArrayMapper gave
// its decoder: an Update that merges from scratch calls it once it no longer
// reads those arrays, and so does Release.
func (s *State) SetRelease(release func()) { s.release = release }

// Release gives back the memory of the arrays an ArrayMapper gave (see
// SetRelease). The state must not be used afterwards; the timelines its
// Updates returned stay valid (they point into none of these arrays). A nil
// state has nothing to give back.
func (s *State) Release() {
	if s == nil {
		return
	}
	s.dropHeld()
	if release := s.release; release != nil {
		*s = State{}
		release()
	}
}

// dropHeld releases the held mappings of the events file (HoldSide) no
// event was decoded from, the state being dropped: nothing reads its
// encodings, parts or lists any more.
func (s *State) dropHeld() {
	sd := &s.side
	for _, p := range sd.held {
		if p.decodesAt == sd.decodes {
			p.release()
		}
	}
	sd.held = nil
}

// A split state (EncodeSplit) keeps these arrays in the events file, page
// by page: the state names, for each array, the offset in the events file
// of each of its pages (its page table), and a save appends only the pages
// that differ from those the state was decoded with (or last saved), after
// comparing them with the file's bytes: after one article, the pages at the
// arrays' ends, the sentence table's pages holding new sentences, and the
// event numbers (which follow the timeline's order), instead of every page.
// A reader maps each array's pages privately from the events file, one run
// of consecutive pages at a time, with anonymous room after them
// (PageMapper), or copies them.

// PageMapper returns capBytes of writable memory whose first n bytes are
// those of the events file's pages at the offsets given (multiples of
// statePage, one per statePage bytes of n), the rest zero, or nil when it
// cannot; like ArrayMapper's, the memory stays the state's.
type PageMapper func(pages []int64, n, capBytes int) []byte

// statePager receives an array's bytes (a stateWriter's, between
// pageAlign and endArray) and writes its pages to the events file unless
// the previous page table's page there holds the same bytes.
type statePager struct {
	s      *State
	side   *sideWriter
	prev   [][]int64 // the previous page tables, by array (nil: none)
	tables [][]int64 // this save's
	saved  stateWriter
	page   []byte
	table  []int64
	n      int // bytes of the array so far
	active bool
	// previous pages read from the file (previous)
	readBuf, read []byte
	readAt        int64
	anew          bool // the array is written whole (begin)
}

// maxPageRuns is the most runs of consecutive pages an array's pages may
// lie in before a save writes them anew in one (begin).
const maxPageRuns = 512

// runs counts the runs of consecutive pages in a page table.
func runs(table []int64) int {
	n := 0
	for k := range table {
		if k == 0 || table[k] != table[k-1]+statePage {
			n++
		}
	}
	return n
}

// begin diverts w's bytes to the pager until endArray.
func (p *statePager) begin(w *stateWriter) {
	p.saved = *w
	p.active, p.n, p.table = true, 0, nil
	// An array whose pages lie in too many runs is written anew, in one
	// run: each run is a mapping of its own when read (and a fault of its
	// own), and a hash table's changed pages (the sentence table's) are
	// scattered.
	p.anew = false
	if a := len(p.tables); a < len(p.prev) {
		p.anew = runs(p.prev[a]) > maxPageRuns
	}
	if p.page == nil {
		p.page = make([]byte, 0, statePage)
	}
	*w = stateWriter{pages: p, b: w.b[len(w.b):], out: pagerOut{p}}
}

// endArray ends the array pageAlign began: its last page, zero-padded,
// then its page table (its length in bytes, its pages' offsets, each as
// the difference from the page after the one before) in the state.
func (w *stateWriter) endArray() {
	p := w.pages
	if p == nil || !p.active {
		return
	}
	w.flush()
	if len(p.page) > 0 {
		p.page = append(p.page, make([]byte, statePage-len(p.page))...)
		p.put()
	}
	p.active = false
	*w = p.saved
	w.count(p.n)
	w.count(len(p.table))
	next := int64(0)
	for _, off := range p.table {
		w.b = binary.AppendVarint(w.b, (off-next)/statePage)
		next = off + statePage
	}
	w.maybeFlush()
	p.tables = append(p.tables, p.table)
}

type pagerOut struct{ p *statePager }

func (o pagerOut) Write(b []byte) (int, error) {
	p := o.p
	p.n += len(b)
	for len(b) > 0 {
		k := min(len(b), statePage-len(p.page))
		p.page = append(p.page, b[:k]...)
		b = b[k:]
		if len(p.page) == statePage {
			p.put()
		}
	}
	return 0, nil
}

// put writes the full page p.page: named where the previous table has
// the same bytes, else appended to the events file.
func (p *statePager) put() {
	i, a := len(p.table), len(p.tables)
	if a < len(p.prev) && i < len(p.prev[a]) && !p.anew {
		if old, ok := p.previous(p.prev[a], i); ok && bytes.Equal(old, p.page) {
			p.table = append(p.table, p.prev[a][i])
			p.page = p.page[:0]
			return
		}
	}
	side := p.side
	for side.pos()%statePage != 0 {
		side.b = append(side.b, 0)
		side.maybeFlush()
	}
	p.table = append(p.table, int64(side.pos()))
	side.b = append(side.b, p.page...)
	side.maybeFlush()
	p.page = p.page[:0]
}

// previous is the page of table at i as the events file holds it: read
// from side.prev when the caller gave one (a run of the table's pages at a
// time, into a buffer of pagerRead bytes), else from the parts of the file
// the state holds. Read through the file rather than through a mapping of
// it, the pages compared do not become the process's resident memory (40
// MB at 10k, counted in its peak beside the mapped arrays' own).
func (p *statePager) previous(table []int64, i int) ([]byte, bool) {
	off := table[i]
	if p.side.prev == nil {
		old, ok := p.s.sideBytes(off, statePage)
		return unsafe.Slice(unsafe.StringData(old), len(old)), ok // read only
	}
	if at := off - p.readAt; p.read != nil && at >= 0 && at+statePage <= int64(len(p.read)) {
		return p.read[at : at+statePage], true
	}
	n := 1
	for i+n < len(table) && n < pagerRead/statePage && table[i+n] == off+int64(n)*statePage {
		n++
	}
	if p.readBuf == nil {
		p.readBuf = make([]byte, pagerRead)
	}
	got, err := p.side.prev.ReadAt(p.readBuf[:n*statePage], off)
	if got < statePage || err != nil && got < n*statePage {
		p.read = nil
		return nil, false
	}
	p.read, p.readAt = p.readBuf[:got-got%statePage], off
	return p.read[:statePage], true
}

// pagerRead is how much of the previous pages previous reads at a time.
const pagerRead = 256 << 10

// sideBytes is the events file's n bytes at off, when a part the state
// holds has them.
func (s *State) sideBytes(off int64, n int) (string, bool) {
	for _, g := range s.side.segs {
		if at := off - g.at; at >= 0 && at+int64(n) <= int64(len(g.data)) {
			return g.data[at : at+int64(n)], true
		}
	}
	return "", false
}

// pagedArrayOf is arrayOf for a split state: the array's length in bytes
// and page table, then its pages from the events file.
func pagedArrayOf[T any](r *stateReader, n, spare int) []T {
	var zero T
	size := int(unsafe.Sizeof(zero))
	bytesN := r.uvarint() // checked against n
	pages := r.count(1)
	if r.err != nil {
		return nil
	}
	if bytesN != uint64(n*size) || pages != (n*size+statePage-1)/statePage {
		r.fail("array length")
		return nil
	}
	table := make([]int64, pages)
	next := int64(0)
	for k := range table {
		v, m := binary.Varint(r.b)
		if m <= 0 {
			r.fail("page table")
			return nil
		}
		r.b = r.b[m:]
		off := next + v*statePage
		if off < 0 || off > int64(len(r.side))-statePage {
			r.fail("page table")
			return nil
		}
		table[k], next = off, off+statePage
	}
	r.tables = append(r.tables, table)
	if r.pager != nil && n > 0 {
		if mem := r.pager(table, n*size, (n+spare)*size); len(mem) >= (n+spare)*size &&
			uintptr(unsafe.Pointer(&mem[0]))%unsafe.Alignof(zero) == 0 {
			r.mapped++
			return unsafe.Slice((*T)(unsafe.Pointer(&mem[0])), n+spare)[:n]
		}
	}
	out := make([]T, n, n+spare)
	raw := sliceBytes(out)
	for k, off := range table {
		copy(raw[k*statePage:], r.side[off:off+statePage])
	}
	return out
}

// arrayCount is count for the length of arrays of items of at least
// minSize bytes: in a split state they are in the events file, which must
// hold them.
func (r *stateReader) arrayCount(minSize int) int {
	if !r.split {
		return r.count(minSize)
	}
	v := r.uvarint()
	if v > uint64(len(r.side))/uint64(max(minSize, 1)) {
		r.fail("count")
		return 0
	}
	return int(v)
}
