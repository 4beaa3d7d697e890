package export

import (
	"encoding/binary"
	"errors"
	"hash/crc32"
	"io"
	"sync"

	"github.com/newsline/timeline/timeline"
)

// SpliceStore lets the whole-file exports (events.ics, events.csv,
// timeline.json) reuse the previously published copy of their file: each is a
// header, one fragment per event in timeline order (its VEVENT, row or slide)
// and a footer, and a rebuild copies the fragments of unchanged events from
// the old file instead of rendering them again.
//
// The index saved with a file lists, for each fragment, a digest of
// everything its bytes are made of (see fragmentSum), its length and a
// CRC-32C of its bytes, and a CRC-32C of the bytes between the fragments (the
// header and footer). The old file is trusted only when all of those match
// its bytes, read once when it is opened (or when the store vouches for the
// file, see SpliceVoucher); a fragment is then copied when its digest is in
// the old index. Anything else (no previous file, an index of
// another file or format, a size that differs, a damaged index, bytes changed
// on disk) renders that fragment or the whole file, so the output is
// byte-identical to a full render whatever the store returns.
//
// When the destination is a RangeCopier (a file, on an operating system
// that copies between files itself), runs of copied fragments are copied
// from the old file without passing through this process: rewriting the
// 170 MB of exports of a 10,000-article site read and wrote every byte
// twice more in memory.
//
// Methods may be called from several goroutines at once (the exports render
// concurrently), each call naming its file.
type SpliceStore interface {
	// Previous returns the published copy of file, its size and the index
	// Written saved with it; ok is false when there is none to trust.
	Previous(file string) (prev io.ReaderAt, size int64, index []byte, ok bool)
	// Written receives the index of the file just written in full. The
	// caller keeps it only if the file is published, and must copy it to
	// keep it: its memory is reused once Written returns (see recycle).
	Written(file string, index []byte, stats SpliceStats)
}

// SpliceReleaser is an optional method of a SpliceStore. Release(file) says
// that the export is done with what the last Previous(file) returned: the
// index is no longer read, so the store may reuse its memory.
type SpliceReleaser interface {
	Release(file string)
}

// SpliceVoucher is an optional method of a SpliceStore. Vouched reports,
// after Previous(file), that the file it returned is the very file published
// with that index, unchanged since (the store recorded the file's identity
// when it was published and found it again), so the export trusts the
// index's CRCs without reading the whole file to check them: an incremental
// build then touches only the bytes of the fragments it renders. A store
// that cannot tell returns false and the file is read and checked.
type SpliceVoucher interface {
	Vouched(file string) bool
}

// SpliceIndexStreamer is an optional method of a SpliceStore. When
// IndexWriter(file) returns a writer (ok), the export streams the index of
// file into it as it makes it, a piece at a time, instead of handing the
// whole index to Written: an index of 116,000 fragments is 2.8 MB, which a
// fresh process would otherwise hold in memory it touches for the first time
// (about 5 ms per MB on the virtual machines the builds run on). The
// export ends with Commit, once the index is complete, or with Abort, where
// it would not have called Written (the file could not be indexed, or its
// export failed).
type SpliceIndexStreamer interface {
	IndexWriter(file string) (w SpliceIndexWriter, ok bool)
}

// SpliceIndexWriter receives one index (SpliceIndexStreamer). A failed Write
// is the writer's to remember: the export goes on (the index only saves
// work), and Commit then keeps no index.
type SpliceIndexWriter interface {
	io.Writer
	Commit(stats SpliceStats)
	Abort()
}

// RangeCopier is a destination that copies n bytes at offset off of src (the
// file the store's Previous returned) to its own end, flushing what it holds
// first; it may use the operating system's copy between files. An error is
// a failed copy or write: the export fails, as with a failed Write.
type RangeCopier interface {
	CopyRange(src io.ReaderAt, off, n int64) error
}

// SpliceStats counts what one export did with its fragments.
type SpliceStats struct {
	Reused   int // fragments copied from the previous file
	Rendered int // fragments rendered
	// Vouched is set when the previous file was trusted on the store's
	// word (SpliceVoucher) instead of being read and checked.
	Vouched bool
}

// spliceFormat heads every index; bump it when the index layout or the
// fragment structure of a file changes. FragmentVersion, part of every
// digest, covers the fragments' bytes.
const spliceFormat = "timeline-splice-2\n"

// recordSize is one fragment's entry: 16 bytes of digest, its length and the
// CRC-32C of its bytes, both little-endian uint32.
const recordSize = 16 + 4 + 4

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// splicer is the writer an export streams through when a SpliceStore is set:
// it counts and checksums what passes, records the index, and copies reusable
// fragments from the previous file.
type splicer struct {
	file  string
	out   io.Writer
	store SpliceStore
	prev  io.ReaderAt
	old   *oldFile    // nil: nothing to reuse
	copy  RangeCopier // out, when it copies ranges of prev itself; nil otherwise
	run   struct {    // fragments of prev to copy, back to back, not yet copied
		off, n int64
	}

	n      int64  // bytes written so far
	gapCRC uint32 // of the bytes written outside fragments so far
	head   int64  // offset of the first fragment
	count  int    // fragments recorded
	idx    []byte // records so far, or since the last passed to sink
	// sink, when the store streams indexes (SpliceIndexStreamer), takes the
	// records in pieces of indexPiece bytes; sinkCRC is the CRC-32C of
	// those passed on.
	sink    SpliceIndexWriter
	sinkCRC uint32
	streams bool  // sink was set: idx is a pooled chunk
	fragEnd int64 // offset of the end of the last fragment recorded
	inFrag  bool
	start   int64  // offset of the fragment being written
	crc     uint32 // of the fragment being written
	broken  bool   // something was written between two fragments: no index
	stats   SpliceStats
	// previous is set when the store's Previous returned a file (and so an
	// index it may want back: SpliceReleaser).
	previous bool
	// pend holds copied bytes not yet passed on: a run of copied fragments
	// goes out in writes of up to copyChunk bytes instead of one per
	// fragment.
	pend []byte
}

// copyChunk is the most copied bytes the splicer holds before passing them
// on, and the size of its reads of the previous file: large enough that
// system calls cost nothing next to the bytes, small enough that its two
// buffers per export add little memory a process touches for the first
// time (about 5 ms per MB on the Firecracker VM the benchmarks run on).
var copyChunk = 256 << 10 // a variable so tests can cross chunk boundaries in small files

// newSplicer returns the splicer for file, or nil when the site has no store.
// A fragment's bytes are all its own: copied, it is written as it was.
func (p *site) newSplicer(w io.Writer, file string, fragments int) *splicer {
	if p.Splices == nil {
		return nil
	}
	sp := &splicer{file: file, out: w, store: p.Splices}
	if st, ok := p.Splices.(SpliceIndexStreamer); ok {
		sp.sink, sp.streams = st.IndexWriter(file)
	}
	if sp.streams {
		sp.idx = getChunk(0)
	} else {
		sp.idx = getIndexBuf(fragments*recordSize + len(spliceFormat) + len(file) + 64)
	}
	if prev, size, index, ok := p.Splices.Previous(file); ok {
		sp.previous = true
		vouched := false
		if v, ok := p.Splices.(SpliceVoucher); ok {
			vouched = v.Vouched(file)
		}
		sp.prev = prev
		sp.old = decodeIndex(file, index, prev, size, vouched)
		if sp.old != nil && sp.old.stamped {
			// Written before fragments-5, when every VEVENT carried the
			// site's build date, patched into copied ones: no key of
			// this version names its fragments.
			sp.old = nil
		}
		sp.stats.Vouched = sp.old != nil && vouched
	}
	if rc, ok := w.(RangeCopier); ok && sp.old != nil {
		sp.copy = rc
	}
	return sp
}

// close releases the previous file, if the store opened one, and hands
// the buffers back for the next export to reuse.
func (sp *splicer) close() {
	if sp == nil {
		return
	}
	if c, ok := sp.prev.(io.Closer); ok {
		_ = c.Close()
	}
	putChunk(sp.pend)
	sp.pend = nil
	if sp.old != nil {
		putChunk(sp.old.win)
		putOffsets(sp.old.offs)
		sp.old = nil
	}
	if r, ok := sp.store.(SpliceReleaser); ok && sp.previous {
		r.Release(sp.file)
	}
	if sp.sink != nil {
		sp.sink.Abort() // finish did not commit it
		sp.sink = nil
	}
	if sp.streams {
		putChunk(sp.idx)
	} else {
		putIndexBuf(sp.idx)
	}
	sp.idx = nil
}

// Write passes b on, counting it and, inside a fragment, checksumming it.
func (sp *splicer) Write(b []byte) (int, error) {
	if err := sp.flush(); err != nil {
		return 0, err
	}
	if sp.inFrag {
		sp.crc = crc32.Update(sp.crc, castagnoli, b)
	} else {
		sp.gapCRC = crc32.Update(sp.gapCRC, castagnoli, b)
	}
	n, err := sp.out.Write(b)
	sp.n += int64(n)
	return n, err
}

// fragment writes one event's fragment: copied from the previous file when
// its digest is there with intact bytes, else rendered through sp.
func (sp *splicer) fragment(key [16]byte, render func(io.Writer) error) error {
	sp.begin()
	if ok, err := sp.copyOld(key); err != nil || ok {
		if err == nil {
			sp.stats.Reused++
			sp.end(key)
		}
		return err
	}
	if err := render(sp); err != nil {
		return err
	}
	sp.stats.Rendered++
	sp.end(key)
	return nil
}

func (sp *splicer) begin() {
	if sp.count == 0 {
		sp.head = sp.n
	} else if sp.n != sp.fragEnd {
		sp.broken = true // the fragments are not back to back: offsets cannot be derived
	}
	sp.inFrag, sp.start, sp.crc = true, sp.n, 0
}

func (sp *splicer) end(key [16]byte) {
	sp.inFrag = false
	sp.idx = append(sp.idx, key[:]...)
	sp.idx = binary.LittleEndian.AppendUint32(sp.idx, uint32(sp.n-sp.start))
	sp.idx = binary.LittleEndian.AppendUint32(sp.idx, sp.crc)
	sp.count++
	sp.fragEnd = sp.n
	if sp.n-sp.start > 1<<31 {
		sp.broken = true
	}
	if sp.sink != nil && len(sp.idx) >= indexPiece {
		sp.passIndex()
	}
}

// indexPiece is how many bytes of records a splicer holds before passing
// them to its sink: a fraction of its pooled buffer, which it never grows.
var indexPiece = copyChunk - 4<<10 // room for the trailer

// passIndex passes the records held to the sink (a broken index, which
// will not be kept, is dropped).
func (sp *splicer) passIndex() {
	if !sp.broken {
		sp.sinkCRC = crc32.Update(sp.sinkCRC, castagnoli, sp.idx)
		_, _ = sp.sink.Write(sp.idx) // a failed write is the sink's to remember
	}
	sp.idx = sp.idx[:0]
}

// copyOld writes the old file's fragment with this digest, if it has one
// whose bytes still match their CRC. ok false means: render it. An error is
// a failed write (a failed read only stops the reuse).
func (sp *splicer) copyOld(key [16]byte) (ok bool, err error) {
	if sp.old == nil {
		return false, nil
	}
	j, found := sp.old.find(key)
	if !found {
		return false, nil
	}
	if sp.copy != nil {
		return true, sp.queue(j)
	}
	data, err := sp.old.read(j)
	if err != nil {
		sp.old = nil // the old file cannot be read: render the rest
		return false, nil
	}
	crc := sp.old.crc(j)
	if crc32.Checksum(data, castagnoli) != crc {
		return false, nil
	}
	sp.crc = crc // the bytes emitted are checksummed
	return true, sp.emit(data)
}

// queue adds old fragment j to the run of fragments to copy. Its bytes were
// checked against its CRC when the old file was opened (verifyFile), or the
// store vouched for the file (SpliceVoucher), and the
// old file is only ever replaced by renaming a new one over it, never
// rewritten in place, so the descriptor the store opened still holds them.
func (sp *splicer) queue(j int) error {
	off, n := sp.old.offset(j), int64(sp.old.length(j))
	if sp.run.n > 0 && sp.run.off+sp.run.n != off {
		if err := sp.flushRun(); err != nil {
			return err
		}
	}
	if sp.run.n == 0 {
		sp.run.off = off
	}
	sp.run.n += n
	sp.crc = sp.old.crc(j)
	sp.n += n
	return nil
}

// flushRun copies the queued run of old fragments.
func (sp *splicer) flushRun() error {
	if sp.run.n == 0 {
		return nil
	}
	off, n := sp.run.off, sp.run.n
	sp.run.off, sp.run.n = 0, 0
	return sp.copy.CopyRange(sp.prev, off, n)
}

// emit queues copied bytes (they may live in the old file's read window,
// so they are copied into pend or passed on at once).
func (sp *splicer) emit(b []byte) error {
	if len(sp.pend)+len(b) > copyChunk {
		if err := sp.flush(); err != nil {
			return err
		}
	}
	sp.n += int64(len(b))
	if len(b) >= copyChunk {
		_, err := sp.out.Write(b)
		return err
	}
	if sp.pend == nil {
		sp.pend = getChunk(0)
	}
	sp.pend = append(sp.pend, b...)
	return nil
}

// flush passes the queued copied bytes on, in one write or copy.
func (sp *splicer) flush() error {
	if err := sp.flushRun(); err != nil {
		return err
	}
	if len(sp.pend) == 0 {
		return nil
	}
	_, err := sp.out.Write(sp.pend)
	sp.pend = sp.pend[:0]
	return err
}

// finish passes on the copied bytes still queued and hands the index of the
// complete file to the store.
func (sp *splicer) finish() error {
	if err := sp.flush(); err != nil {
		return err
	}
	switch {
	case sp.sink != nil && sp.broken:
		sink := sp.sink
		sp.sink = nil // ended: close must not abort it again
		sink.Abort()
	case sp.sink != nil:
		sp.idx = sp.encodeIndex()
		sp.passIndex()
		sink := sp.sink
		sp.sink = nil
		sink.Commit(sp.stats)
	case !sp.broken:
		sp.idx = sp.encodeIndex() // the buffer close recycles, grown or not
		sp.store.Written(sp.file, sp.idx, sp.stats)
	}
	return nil
}

// encodeIndex appends to the records (those not yet passed to a sink), in
// place (no copy of a 100,000-record index), a trailer: format, file name, an empty
// string (where files before fragments-5 had a stamp line), offset of
// the first fragment, fragment count, file size, the CRC-32C of the bytes
// outside the fragments, the trailer's length; then a CRC-32C of everything
// before. (A CRC of the whole file would need the bytes of every copied
// fragment, which a RangeCopier never shows this process.)
func (sp *splicer) encodeIndex() []byte {
	b := sp.idx
	start := len(b)
	b = append(b, spliceFormat...)
	b = appendString(b, sp.file)
	b = appendString(b, "")
	b = binary.AppendUvarint(b, uint64(sp.head))
	b = binary.AppendUvarint(b, uint64(sp.count))
	b = binary.AppendUvarint(b, uint64(sp.n))
	b = binary.LittleEndian.AppendUint32(b, sp.gapCRC)
	b = binary.LittleEndian.AppendUint32(b, uint32(len(b)-start))
	return binary.LittleEndian.AppendUint32(b, crc32.Update(sp.sinkCRC, castagnoli, b)) // sinkCRC: of the records passed on
}

func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

// oldFile is the previously published copy of an export and its index.
type oldFile struct {
	r       io.ReaderAt
	size    int64
	head    int64  // offset of the first fragment
	gapCRC  uint32 // of the bytes outside the fragments
	stamped bool   // the index has a stamp line: written before fragments-5
	recs    []byte // the index's records
	count   int    // of records
	// offs holds every fragment's offset in r once the file is met out of
	// order (buildTable); before, offset walks forward from record curJ,
	// at curOff, the last offset asked for.
	offs   []int64
	curJ   int
	curOff int64
	next   int     // the record after the last one found
	byKey  []int32 // hash table of record numbers + 1, made once tableAfterMisses records were not found in order
	misses int     // keys not found in order before byKey was made
	win    []byte  // bytes of r read ahead, from offset winOff
	winOff int64
}

var errIndex = errors.New("malformed splice index")

// decodeIndex checks index against the file it says it describes (name,
// size, and unless the store vouched for the file, the CRC of every fragment
// and of the bytes between) and returns it ready for lookups, or nil when it
// cannot be trusted.
func decodeIndex(file string, index []byte, r io.ReaderAt, size int64, vouched bool) *oldFile {
	old, err := parseIndex(file, index, size)
	if err != nil {
		return nil
	}
	if !vouched && !verifyFile(r, old) {
		return nil
	}
	old.r = r
	return old
}

// verifyFile reads the whole file once (the copies then come from the page
// cache) and checks every fragment's bytes and the bytes outside them
// against their CRCs.
func verifyFile(r io.ReaderAt, old *oldFile) bool {
	rd := seqReader{r: r, buf: make([]byte, min(old.size, 64<<10))}
	gap, ok := rd.update(0, old.head)
	for j := 0; ok && j < old.count; j++ {
		var sum uint32
		sum, ok = rd.update(0, int64(old.length(j)))
		ok = ok && sum == old.crc(j)
	}
	if ok {
		gap, ok = rd.update(gap, old.size-rd.off)
	}
	return ok && gap == old.gapCRC
}

// seqReader reads a file from the start, through one buffer.
type seqReader struct {
	r      io.ReaderAt
	buf    []byte
	off    int64 // file offset of the next byte to hand out
	lo, hi int   // buf[lo:hi] holds the bytes from off on
}

// update extends crc over the next n bytes; ok is false on a read error or
// the end of the file.
func (s *seqReader) update(crc uint32, n int64) (uint32, bool) {
	for n > 0 {
		if s.lo == s.hi {
			m, _ := s.r.ReadAt(s.buf, s.off) // a short read is fine: the rest comes next time
			if m == 0 {
				return 0, false // an error or the end of the file
			}
			s.lo, s.hi = 0, m
		}
		k := min(int64(s.hi-s.lo), n)
		crc = crc32.Update(crc, castagnoli, s.buf[s.lo:s.lo+int(k)])
		s.lo += int(k)
		s.off += k
		n -= k
	}
	return crc, true
}

func parseIndex(file string, b []byte, size int64) (*oldFile, error) {
	if len(b) < 8 || crc32.Checksum(b[:len(b)-4], castagnoli) != binary.LittleEndian.Uint32(b[len(b)-4:]) {
		return nil, errIndex
	}
	b = b[:len(b)-4]
	n := int(binary.LittleEndian.Uint32(b[len(b)-4:]))
	b = b[:len(b)-4]
	if n > len(b) || n < len(spliceFormat) || string(b[len(b)-n:][:len(spliceFormat)]) != spliceFormat {
		return nil, errIndex
	}
	recs, trailer := b[:len(b)-n], b[len(b)-n+len(spliceFormat):]
	rd := indexReader{b: trailer}
	name, stamp := rd.str(), rd.str()
	head, count, total := rd.uvarint(), rd.uvarint(), rd.uvarint()
	if rd.err != nil || name != file || len(rd.b) != 4 || len(recs)%recordSize != 0 ||
		count != uint64(len(recs)/recordSize) || int64(total) != size {
		return nil, errIndex
	}
	old := &oldFile{stamped: stamp != "", recs: recs, size: size, count: int(count),
		head: int64(head), gapCRC: binary.LittleEndian.Uint32(rd.b)}
	old.curOff = old.head
	off := int64(head)
	for j := range old.count {
		off += int64(old.length(j))
	}
	if off > size {
		return nil, errIndex
	}
	return old, nil
}

// find returns the record with this digest. An incremental build meets the
// old fragments mostly in their order, so the records just after the last
// one found are tried first (findAhead of them: a deleted article leaves a
// gap of its events); the others are looked up in a hash table.
func (o *oldFile) find(key [16]byte) (int, bool) {
	for j := o.next; j < min(o.count, o.next+findAhead); j++ {
		if o.key(j) == key {
			o.next = j + 1
			return j, true
		}
	}
	if o.byKey == nil {
		// A rebuild after a small change misses a few keys (its new or
		// edited events) and finds the rest in order: building the table
		// (a random write per record) for those few cost more than
		// rendering them. Only a file met out of order builds it.
		if o.misses++; o.misses <= tableAfterMisses {
			return 0, false
		}
		o.buildTable()
	}
	mask := uint64(len(o.byKey) - 1)
	for i := o.slot(key[:]); o.byKey[i] != 0; i = (i + 1) & mask {
		if j := int(o.byKey[i] - 1); o.key(j) == key {
			o.next = j + 1
			return j, true
		}
	}
	return 0, false
}

// buildTable indexes the records by digest: open addressing at most half
// full, the slot taken from the digest's first bytes (a digest is uniformly
// distributed, so it needs no further hashing). Building it costs one pass,
// where sorting the digests cost a sixth of an incremental export. An index
// whose digests crowd a few slots (forged: real ones do not) gets an empty
// table, so its fragments are rendered rather than searched for in
// quadratic time.
func (o *oldFile) buildTable() {
	o.allOffsets()
	size := 16
	for size < 2*o.count {
		size *= 2
	}
	o.byKey = make([]int32, size)
	mask := uint64(size - 1)
	for j := range o.count {
		i, probes := o.slot(o.recs[j*recordSize:]), 0
		for ; o.byKey[i] != 0; i = (i + 1) & mask {
			if probes++; probes > maxProbes {
				o.byKey = make([]int32, 1)
				return
			}
		}
		o.byKey[i] = int32(j + 1)
	}
}

// findAhead is how many records after the last one found find compares
// before it looks further: 16 bytes each, in order in memory.
const findAhead = 64

// tableAfterMisses is how many keys find answers "not there" from the
// records after the last one found before it indexes them all: a fragment
// wrongly answered is rendered, byte for byte what copying gives.
const tableAfterMisses = 64

// maxProbes bounds a search in the digest table; at half load, uniform
// digests need a few.
const maxProbes = 256

func (o *oldFile) slot(digest []byte) uint64 {
	return binary.BigEndian.Uint64(digest) & uint64(len(o.byKey)-1)
}

func (o *oldFile) key(j int) [16]byte { return [16]byte(o.recs[j*recordSize:]) }

func (o *oldFile) length(j int) uint32 { return binary.LittleEndian.Uint32(o.recs[j*recordSize+16:]) }

// offset returns fragment j's offset in the old file. Until the file is met
// out of order, find hands out records in increasing order, so the offsets
// are summed forward from the last one asked for: no array of 116,000
// offsets per export (0.9 MB of memory a fresh process touches first).
func (o *oldFile) offset(j int) int64 {
	if o.offs != nil {
		return o.offs[j]
	}
	if j < o.curJ {
		o.curJ, o.curOff = 0, o.head
	}
	for ; o.curJ < j; o.curJ++ {
		o.curOff += int64(o.length(o.curJ))
	}
	return o.curOff
}

// allOffsets fills offs, for the lookups in any order that follow buildTable.
func (o *oldFile) allOffsets() {
	if o.offs != nil {
		return
	}
	o.offs = getOffsets(o.count)
	off := o.head
	for j := range o.offs {
		o.offs[j] = off
		off += int64(o.length(j))
	}
}

func (o *oldFile) crc(j int) uint32 {
	return binary.LittleEndian.Uint32(o.recs[j*recordSize+20:])
}

// read returns fragment j's bytes, valid until the next read. Fragments are
// mostly read in file order, so one read of copyChunk bytes serves a run of
// them.
func (o *oldFile) read(j int) ([]byte, error) {
	n := int64(o.length(j))
	off := o.offset(j)
	if off >= o.winOff && off+n <= o.winOff+int64(len(o.win)) {
		return o.win[off-o.winOff:][:n], nil
	}
	size := min(max(n, int64(copyChunk)), o.size-off) // parseIndex checked off+n <= size
	if int64(cap(o.win)) < size {
		putChunk(o.win)
		o.win = getChunk(int(size))
	}
	o.win, o.winOff = o.win[:size], off
	if m, err := o.r.ReadAt(o.win, off); int64(m) < size {
		o.win = o.win[:0]
		if err == nil {
			err = io.ErrUnexpectedEOF
		}
		return nil, err
	}
	return o.win[:n], nil
}

// chunks recycles the splicer's buffers of copyChunk bytes (its read window
// and its queue of copied bytes): the exports of a build, and of the builds
// a server runs, reuse them instead of clearing fresh megabytes.
var chunks sync.Pool

// getChunk returns a buffer of length n and capacity at least copyChunk.
func getChunk(n int) []byte {
	if b, ok := chunks.Get().(*[]byte); ok && cap(*b) >= max(n, copyChunk) {
		return (*b)[:n]
	}
	return make([]byte, n, max(n, copyChunk))
}

func putChunk(b []byte) {
	if cap(b) == copyChunk {
		chunks.Put(&b)
	}
}

// indexReader reads the variable-length head of an index, keeping the first error.
type indexReader struct {
	b   []byte
	err error
}

func (r *indexReader) uvarint() uint64 {
	v, n := binary.Uvarint(r.b)
	if n <= 0 {
		r.err = errIndex
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *indexReader) str() string {
	n := r.uvarint()
	if r.err != nil || n > uint64(len(r.b)) {
		r.err = errIndex
		return ""
	}
	s := string(r.b[:n])
	r.b = r.b[n:]
	return s
}

// spliceKey is the digest an event's fragment is indexed by.
func (p *site) spliceKey(kind string, i int, ev *timeline.Event, extra string) [16]byte {
	return p.fragmentSum(kind, i, ev, extra)
}
