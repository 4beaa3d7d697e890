package merge

import (
	"cmp"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math"
	"slices"
	"sync/atomic"
	"time"
	"unsafe"

	"github.com/newsline/timeline/timeline"
)

// The state's file format: a magic line, the format version, the sections
// below in this order (little-endian fixed-width numbers, uvarint counts and
// lengths), then a CRC-32C of everything before it. The merged events are
// stored last, in timeline order, each as its ID, its members and its
// encoding (eventcodec.go; an event that has none is built again from its
// members' input events by the first Update: update.timeline), followed by
// the section's length (8 bytes), so a reader can read the events into a
// buffer of their own (DecodeStateParts). Maps (postings, interners) are
// rebuilt from the lists.
//
// That last section (the kept section: what a decoded state points into)
// starts 8-byte aligned from the encoding's start (the head ends with 0-7
// bytes of padding) with the candidates' adjacency lists, all in one array
// of 8-byte words (their lengths are in the head), then the events (their
// encodings, then an index of IDs and members: encodeEvents). A
// decoded state's lists are that array's words in place, not copies
// (adjacencyOf): copying them was the largest part of decoding a
// 10,000-article site's state (24 MB of fresh heap, 0.1 CPU s).
const (
	stateMagic   = "newsline merge state\n"
	stateVersion = 14
)

var crcTable = crc32.MakeTable(crc32.Castagnoli)

// ErrCorruptState is wrapped by every DecodeState error about the bytes.
var ErrCorruptState = errors.New("merge state is corrupt")

// Encode appends the state to buf.
func (s *State) Encode(buf []byte) []byte {
	w := stateWriter{b: append(slices.Grow(buf, s.encodedSizeHint()), stateMagic...), base: len(buf)}
	start := len(w.b)
	s.encodeBody(&w)
	return binary.LittleEndian.AppendUint32(w.b, crc32.Checksum(w.b[start:], crcTable))
}

// EncodeTo writes what Encode appends to out, through a small buffer (the
// state of a large site is tens of MB: never held whole in memory).
func (s *State) EncodeTo(out io.Writer) error {
	w := stateWriter{b: make([]byte, 0, 2*flushAt), out: out}
	w.b = append(w.b, stateMagic...)
	w.flushed = len(stateMagic) // the magic is not checksummed
	s.encodeBody(&w)
	w.flush()
	w.b = binary.LittleEndian.AppendUint32(w.b, w.crc)
	if w.err == nil {
		_, w.err = out.Write(w.b)
	}
	return w.err
}

func (s *State) encodeBody(w *stateWriter) { s.encodeBodySplit(w, nil) }

// encodeBodySplit is encodeBody writing the events' encodings to side
// (EncodeSplit) instead of into the state's own bytes when side is not nil.
func (s *State) encodeBodySplit(w *stateWriter, side *sideWriter) {
	w.u32(stateVersion)
	w.bool(s.exact)
	at := w.pos()
	if s.exact {
		w.bool(side != nil)
		n := s.numberingKeeping(side != nil)
		if side != nil {
			n.baseEnds = s.keepAdjacencyBase(n, side)
			w.pages = &statePager{s: s, side: side}
			if side.appendTo {
				w.pages.prev = s.side.pages
			}
			defer func() { s.side.nextPages, w.pages = w.pages.tables, nil }()
		}
		s.encodeNames(w)
		s.encodeCandidates(w, n)
		s.encodeArticles(w, n)
		w.align()
		at = w.pos()
		if side != nil {
			s.encodeAdjacencySplit(w, n, side)
			s.encodeEventsSplit(w, n, side)
		} else {
			s.encodeAdjacency(w, n)
			s.encodeEvents(w, n)
		}
	}
	w.u64(uint64(w.pos() - at)) // the events section's length: see DecodeStateParts
}

// encodedSizeHint is about the encoded size (a little more), so the
// buffer is allocated once instead of grown by copies.
func (s *State) encodedSizeHint() int {
	if !s.exact {
		return 64
	}
	n := 4*len(s.arena) + 80*len(s.pc) + 64*len(s.arts) + 320*len(s.evs) + 60*len(s.sh.dates.keys) + 16*len(s.names.interner)
	n += 8*len(s.adj.words) + 4*len(s.adj.ends)
	for _, l := range s.adj.changed {
		n += 8 * len(l)
	}
	for _, l := range s.anc {
		n += 4 * len(l)
	}
	for _, l := range s.desc {
		n += 4 * len(l)
	}
	return n + 24*s.names.sentences.used + 4096
}

func (s *State) encodeNames(w *stateWriter) {
	w.strings(byID(s.names.interner))
	w.strings(byID(s.names.articles))
	w.strings(byID(s.names.sources))
	encodeSentences(w, s.names.sentences)
	w.count(len(s.names.oddRefs))
	for ref, id := range s.names.oddRefs {
		w.u32(uint32(ref.source))
		w.u64(uint64(ref.start))
		w.u32(uint32(id))
	}
	d := &s.sh.dates
	w.strings(d.names)
	w.count(len(d.keys))
	for _, k := range d.keys {
		w.string(k.value)
		w.span(k.span)
	}
}

// numbering renumbers what is stored: only live candidates, articles and
// events are written, so a state updated many times does not grow with the
// candidates its updates removed.
type numbering struct {
	baseEnds bool    // the adjacency ends are the state's own (a split save keeping its base: encodeAdjacencySplit)
	same     bool    // every candidate is live: sid is the identity (and nil)
	sameArts bool    // every article record is live: art is the identity
	sid      []int32 // old sid -> stored sid, -1 when removed
	art      []int32 // old article record -> stored one, -1 when removed
	event    []int32 // handle+1 -> position in the timeline (events are stored in timeline order), [0] = -1
}

// numberingKeeping numbers what a save stores: live candidates and articles
// in order, events by their timeline position. With keepDead, removed
// candidates and articles are stored too (sid and article records are the identity)
// unless they are more than a quarter of them: a split save then leaves
// every kept candidate's adjacency list as it was (see encodeAdjacencySplit).
func (s *State) numberingKeeping(keepDead bool) numbering {
	n := numbering{art: make([]int32, len(s.arts)), event: make([]int32, len(s.evs)+1)}
	live := 0
	for k := range s.pc {
		if s.sidArt[k] >= 0 {
			live++
		}
	}
	// Every candidate live (no article removed): sid is the identity,
	// not an array of it (memory a fresh build would touch first).
	n.same = live == len(s.pc) || keepDead && 4*(len(s.pc)-live) <= len(s.pc)
	if n.same && live < len(s.pc) { // dead ones kept: so are their articles
		for r := range n.art {
			n.art[r] = int32(r)
		}
		n.sameArts = true
		s.numberEvents(&n)
		return n
	}
	next := int32(0)
	if !n.same {
		n.sid = make([]int32, len(s.pc))
		for k := range s.pc {
			n.sid[k] = -1
			if s.sidArt[k] >= 0 {
				n.sid[k], next = next, next+1
			}
		}
	}
	next = 0
	for r := range s.arts {
		n.art[r] = -1
		if s.arts[r].live {
			n.art[r], next = next, next+1
		}
	}
	n.sameArts = int(next) == len(s.arts)
	s.numberEvents(&n)
	return n
}

// numberEvents sets n.event: events are stored in timeline order.
func (s *State) numberEvents(n *numbering) {
	for k := range n.event {
		n.event[k] = -1
	}
	for pos, h := range s.order {
		n.event[h+1] = int32(pos)
	}
}

// live tells whether old sid k is stored.
func (n *numbering) live(k int) bool { return n.same || n.sid[k] >= 0 }

// sidOf is the stored sid of old sid k (-1 when removed).
func (n *numbering) sidOf(k int32) int32 {
	if n.same {
		return k
	}
	return n.sid[k]
}

func (s *State) encodeCandidates(w *stateWriter, n numbering) {
	live, size := 0, 0
	for k := range s.pc {
		if n.live(k) {
			p := &s.pc[k]
			live++
			size += int(p.nTitle + p.nContext + p.nSent)
		}
	}
	w.count(live)
	w.string(candLayout)
	// The arrays as the machine holds them, each on a page of its own
	// (statearrays.go), renumbered.
	isLive := n.live
	at := int32(0) // where the candidate's sets start in the stored arena
	w.pageAlign()
	for k := range s.pc {
		if isLive(k) {
			p := s.pc[k]
			p.sets, at = at, at+p.nTitle+p.nContext+p.nSent
			w.b = appendCand(w.b, &p)
			w.maybeFlush()
		}
	}
	w.endArray()
	if n.same && n.sameArts { // nothing renumbered: the arrays as they are
		appendNativeAll(w, s.sidArt[:len(s.pc)])
		appendNativeAll(w, s.sidK[:len(s.pc)])
		appendNativeAll(w, s.rank[:len(s.pc)])
	} else {
		appendNative(w, len(s.pc), isLive, func(k int) int32 { return n.art[s.sidArt[k]] })
		appendNative(w, len(s.pc), isLive, func(k int) int32 { return s.sidK[k] })
		appendNative(w, len(s.pc), isLive, func(k int) int32 { return s.rank[k] })
	}
	appendNative(w, len(s.pc), isLive, func(k int) int32 { return n.event[s.sidEvent[k]+1] })
	if n.same {
		appendNativeAll(w, s.noMentions[:len(s.pc)])
		appendNativeAll(w, s.asIs[:len(s.pc)])
	} else {
		appendNative(w, len(s.pc), isLive, func(k int) bool { return s.noMentions[k] })
		appendNative(w, len(s.pc), isLive, func(k int) bool { return s.asIs[k] })
	}
	end := uint32(0) // the lists themselves are in the kept section: encodeAdjacency
	if n.baseEnds {  // the base's own ends, then its last for candidates added since (their lists are patches)
		appendNative(w, len(s.pc), isLive, func(k int) uint32 {
			if k < len(s.adj.ends) {
				end = s.adj.ends[k]
			}
			return end
		})
	} else {
		appendNative(w, len(s.pc), isLive, func(k int) uint32 { end += uint32(len(s.adj.get(int32(k)))); return end })
	}
	w.count(size)
	w.pageAlign()
	for k := range s.pc {
		if isLive(k) {
			p := &s.pc[k]
			w.b = append(w.b, sliceBytes(s.arena[p.sets:p.sets+p.nTitle+p.nContext+p.nSent])...)
			w.maybeFlush()
		}
	}
	w.endArray()
	w.count(len(s.valueSpan))
	for v := range s.valueSpan {
		w.span(s.valueSpan[v])
		w.int32s(s.anc[v])
		w.int32s(s.desc[v])
	}
	w.count(len(s.scores))
	for _, f := range s.scores {
		w.u64(math.Float64bits(f))
	}
}

// encodeAdjacency starts the kept section (8-byte aligned: see align) with
// the live candidates' adjacency lists, renumbered, as one array of words
// after its length, so that a decoder can use them in place (adjacencyOf).
func (s *State) encodeAdjacency(w *stateWriter, n numbering) {
	total := 0
	for k := range s.pc {
		if n.live(k) {
			total += len(s.adj.get(int32(k)))
		}
	}
	w.u64(uint64(total))
	for k := range s.pc {
		if !n.live(k) {
			continue
		}
		if n.same { // nothing to renumber: the words as they are
			w.words64(s.adj.get(int32(k)))
		} else {
			for _, e := range s.adj.get(int32(k)) {
				w.u64(uint64(n.sid[e>>32])<<32 | e&0xffffffff)
			}
		}
		w.maybeFlush()
	}
}

func (s *State) encodeArticles(w *stateWriter, n numbering) {
	stored := 0
	for k := range s.arts {
		if n.art[k] >= 0 {
			stored++
		}
	}
	w.count(stored)
	for k := range s.arts {
		a := &s.arts[k]
		if n.art[k] < 0 {
			continue
		}
		w.string(a.slug)
		w.b = append(w.b, a.key[:]...)
		w.u64(uint64(a.pub.Unix()))
		w.u32(uint32(a.pub.Nanosecond()))
		w.bool(a.live)
		w.count(len(a.sids)) // as int32s of the renumbered list, without making it
		for i, sid := range a.sids {
			if i&0xffff == 0xffff {
				w.maybeFlush()
			}
			w.u32(uint32(n.sidOf(sid)))
		}
	}
}

// encodeEvents writes the live events in timeline order (see numbering):
// their encodings (eventcodec.go) one after another, then an index (per
// event: ID, members, the encoding's length plus one, 0 alone when not
// stored), then the encodings' total length (8 bytes), by which a reader
// finds the index: reading IDs and members walks the index's few MB, not
// every encoding. An event decoded from its encoding and unchanged since
// is written from those bytes, not encoded again.
func (s *State) encodeEvents(w *stateWriter, n numbering) {
	sizes := make([]int32, len(s.order)) // stored length + 1, 0: not stored
	bodies := 0
	var scratch []byte
	// A decoded state's unchanged events, in timeline order, are mostly
	// runs of its stored section (s.bodies): such a run is written from it
	// (stateWriter.bulk) instead of copied through the buffer.
	var run stringRun
	for k, h := range s.order {
		e := &s.evs[h]
		switch {
		case e.raw != "":
			if !run.extend(s.bodies, e.raw) {
				w.bulk(run.bytes(s.bodies))
				run = runOf(s.bodies, e.raw)
			}
			sizes[k] = int32(len(e.raw) + 1)
		case e.have():
			w.bulk(run.bytes(s.bodies))
			run = stringRun{}
			var ok bool
			if scratch, ok = appendEvent(scratch[:0], e.ev); ok {
				w.b = append(w.b, scratch...)
				sizes[k] = int32(len(scratch) + 1)
			}
		}
		bodies += max(int(sizes[k])-1, 0)
		w.maybeFlush()
	}
	w.bulk(run.bytes(s.bodies))
	w.count(len(s.order))
	for k, h := range s.order {
		e := &s.evs[h]
		w.string(e.id)
		w.count(len(e.sids))
		for _, sid := range e.sids {
			w.u32(uint32(n.sidOf(sid)))
		}
		w.count(int(sizes[k]))
	}
	w.u64(uint64(bodies))
}

// stringRun is a run of encodings to write: bytes from..to of a state's
// stored section, or one encoding found elsewhere (raw; from, to 0).
type stringRun struct {
	from, to int
	raw      string
}

// runOf is the run of raw alone: its place in section when it lies there.
func runOf(section, raw string) stringRun {
	if at, ok := offsetIn(section, raw); ok {
		return stringRun{from: at, to: at + len(raw)}
	}
	return stringRun{raw: raw}
}

// extend adds raw to the run when it starts where the run ends in section.
func (r *stringRun) extend(section, raw string) bool {
	if r.raw != "" || r.to == r.from {
		return false
	}
	at, ok := offsetIn(section, raw)
	if !ok || at != r.to {
		return false
	}
	r.to += len(raw)
	return true
}

// bytes is the run's bytes (read-only: they may be a mapped file's).
func (r *stringRun) bytes(section string) []byte {
	s := r.raw
	if r.to > r.from {
		s = section[r.from:r.to]
	}
	return unsafe.Slice(unsafe.StringData(s), len(s))
}

// offsetIn is where raw starts in section, when raw lies within it.
func offsetIn(section, raw string) (int, bool) {
	if len(section) == 0 || len(raw) == 0 {
		return 0, false
	}
	at := int(uintptr(unsafe.Pointer(unsafe.StringData(raw))) - uintptr(unsafe.Pointer(unsafe.StringData(section))))
	return at, at >= 0 && at <= len(section)-len(raw)
}

// byID lists an interner's keys by ID (IDs are 0..len-1).
func byID(m map[string]int32) []string {
	out := make([]string, len(m))
	for k, id := range m {
		out[id] = k
	}
	return out
}

// stateWriter appends to b; with out set, it passes b on to out whenever
// b holds flushAt bytes, keeping the CRC of what it passed on (after the
// first "flushed" bytes, which are not checksummed).
type stateWriter struct {
	pages   *statePager // a split save's: arrays go to the events file by pages (statearrays.go)
	b       []byte
	base    int // where the encoding starts in b (Encode appends to a caller's bytes)
	out     io.Writer
	crc     uint32
	flushed int
	passed  int // bytes passed on to out so far
	err     error
}

// pos is how many bytes the writer has taken so far.
func (w *stateWriter) pos() int { return w.passed + len(w.b) }

// flushAt is small: the buffer (twice this) is memory a fresh build touches
// for the first time (about 5 ms of CPU per MB here: 1 MB made it 2 MB), and
// a write of 128 KB costs the kernel no more per byte than one of 1 MB.
const flushAt = 128 << 10

func (w *stateWriter) flush() {
	w.crc = crc32.Update(w.crc, crcTable, w.b[w.flushed:])
	if w.err == nil {
		_, w.err = w.out.Write(w.b)
	}
	w.passed += len(w.b)
	w.b, w.flushed = w.b[:0], 0
}

// bulk appends p, which may be large: passed on to out as it is, after
// what the buffer holds, rather than copied through the buffer.
func (w *stateWriter) bulk(p []byte) {
	if w.out == nil || len(p) < bulkMin {
		w.b = append(w.b, p...)
		w.maybeFlush()
		return
	}
	if len(w.b) > 0 {
		w.flush()
	}
	w.crc = crc32.Update(w.crc, crcTable, p)
	if w.err == nil {
		_, w.err = w.out.Write(p)
	}
	w.passed += len(p)
}

// bulkMin is the least bulk passes on by itself: below it, one write
// more costs more than the copy it saves.
const bulkMin = 16 << 10

func (w *stateWriter) maybeFlush() {
	if w.out != nil && len(w.b) >= flushAt {
		w.flush()
	}
}

// align pads so that the next byte is 8-byte aligned from the encoding's
// start: a byte saying how many zero bytes follow (0-7), then those.
func (w *stateWriter) align() {
	pad := (8 - (w.pos()-w.base+1)%8) % 8
	w.b = append(w.b, byte(pad))
	w.b = append(w.b, make([]byte, pad)...)
}

// bulkWords: words32 and words64 copy a list's memory at once (the
// machine stores words as the encoding does); else word by word. A switch
// for tests, which compare the two.
var bulkWords = littleEndian

// words64 appends v's words (8 bytes each, little-endian).
func (w *stateWriter) words64(v []uint64) {
	if len(v) == 0 {
		return
	}
	if bulkWords {
		w.b = append(w.b, unsafe.Slice((*byte)(unsafe.Pointer(&v[0])), 8*len(v))...)
		return
	}
	for _, x := range v {
		w.u64(x)
	}
}

func (w *stateWriter) u32(v uint32) { w.b = binary.LittleEndian.AppendUint32(w.b, v) }
func (w *stateWriter) u64(v uint64) { w.b = binary.LittleEndian.AppendUint64(w.b, v) }
func (w *stateWriter) count(n int)  { w.maybeFlush(); w.b = binary.AppendUvarint(w.b, uint64(n)) }
func (w *stateWriter) bool(v bool) {
	if v {
		w.b = append(w.b, 1)
	} else {
		w.b = append(w.b, 0)
	}
}
func (w *stateWriter) string(s string) { w.count(len(s)); w.b = append(w.b, s...) }
func (w *stateWriter) strings(ss []string) {
	w.count(len(ss))
	for _, s := range ss {
		w.string(s)
	}
}
func (w *stateWriter) int32s(v []int32) {
	w.count(len(v))
	for k, x := range v {
		if k&0xffff == 0xffff {
			w.maybeFlush()
		}
		w.u32(uint32(x))
	}
}
func (w *stateWriter) span(s span) {
	w.u64(uint64(s.from.sec))
	w.u32(uint32(s.from.nsec))
	w.u64(uint64(s.to.sec))
	w.u32(uint32(s.to.nsec))
	w.bool(s.known)
}

// DecodeState reads a state Encode wrote. It never panics: damaged or
// foreign bytes give an error wrapping ErrCorruptState, and the caller
// merges from scratch instead. The state, and the events of the timelines
// its Updates return, keep data (their strings are read in place): the
// caller must not modify data afterwards. DecodeStateParts keeps less.
func DecodeState(data []byte) (*State, error) {
	n := len(data) - StateTailLen
	if n < len(stateMagic) {
		return nil, fmt.Errorf("%w: not a merge state", ErrCorruptState)
	}
	evLen := binary.LittleEndian.Uint64(data[n:])
	if evLen > uint64(n-len(stateMagic)) {
		return nil, fmt.Errorf("%w: bad events length", ErrCorruptState)
	}
	at := n - int(evLen)
	return DecodeStateParts(data[:at], data[at:n], data[n:])
}

// StateTailLen is the length of a state encoding's tail: the events
// section's length (8 bytes, see StateEventsLength) and the checksum (4).
const StateTailLen = 12

// StateEventsLength reads, from a state encoding's tail, the length of its
// events section, which precedes the tail.
func StateEventsLength(tail []byte) (int64, bool) {
	if len(tail) != StateTailLen {
		return 0, false
	}
	n := binary.LittleEndian.Uint64(tail)
	return int64(n), n < 1<<62
}

// DecodeStateParts is DecodeState of head + events + tail (the encoding
// cut before the events section and before the tail): the state and the
// timelines its Updates return keep events only (strings and adjacency
// lists are read in place: the caller must not modify it, and may hand in
// read-only memory: Update never writes into it) and nothing of head (the
// candidates, half the encoding), which the caller may free, reuse or
// unmap once decoded (TestDecodedStateKeepsNothingOfTheHead). events is
// used in place only where it is 8-byte aligned (else its lists are
// copied): a mapped file's section is when it starts 8-byte aligned in the file.
func DecodeStateParts(head, events, tail []byte) (*State, error) {
	return DecodeStatePartsMapped(head, events, tail, nil)
}

// DecodeStatePartsMapped is DecodeStateParts taking the candidates' arrays
// (about 40% of the head) from arrays, when not nil, instead of copying them
// into the heap (see statearrays.go); the state then keeps that memory, and
// still nothing of head.
func DecodeStatePartsMapped(head, events, tail []byte, arrays ArrayMapper) (*State, error) {
	return decodeParts(head, events, tail, nil, false, arrays, nil)
}

// DecodeStateSplit decodes a state EncodeSplit wrote, cut as for
// DecodeStatePartsMapped, whose events file's first bytes are side (the
// length the state names: StateSideLength). The state and its timelines
// keep side as they keep events (strings read in place).
func DecodeStateSplit(head, events, tail, side []byte, pages PageMapper) (*State, error) {
	return decodeParts(head, events, tail, side, true, nil, pages)
}

// StateSideLength reads, from a split state's events section (see
// DecodeStateSplit), the length of the events file it names.
func StateSideLength(events []byte) (int64, bool) {
	if len(events) < 20 || binary.LittleEndian.Uint64(events[len(events)-8:]) != 0 {
		return 0, false
	}
	n := binary.LittleEndian.Uint64(events[len(events)-20:])
	return int64(n), n < 1<<62
}

func decodeParts(head, events, tail, side []byte, split bool, arrays ArrayMapper, pages PageMapper) (*State, error) {
	if len(head) < len(stateMagic) || string(head[:len(stateMagic)]) != stateMagic || len(tail) != StateTailLen {
		return nil, fmt.Errorf("%w: not a merge state", ErrCorruptState)
	}
	if n, _ := StateEventsLength(tail); n != int64(len(events)) {
		return nil, fmt.Errorf("%w: events length mismatch", ErrCorruptState)
	}
	if stateSum(head[len(stateMagic):], events, tail[:8]) != binary.LittleEndian.Uint32(tail[8:]) {
		return nil, fmt.Errorf("%w: checksum mismatch", ErrCorruptState)
	}
	r := &stateReader{b: head[len(stateMagic):], origin: len(head), arrays: arrays, split: split, side: side, pager: pages}
	if v := r.u32(); v != stateVersion {
		return nil, fmt.Errorf("%w: format version %d, want %d", ErrCorruptState, v, stateVersion)
	}
	if !r.bool() {
		if len(events) != 0 {
			return nil, fmt.Errorf("%w: events in a state that keeps none", ErrCorruptState)
		}
		return &State{}, r.end()
	}
	if r.bool() != split {
		return nil, fmt.Errorf("%w: split (events file) or not, unlike the caller's", ErrCorruptState)
	}
	s := &State{exact: true}
	// The events (evs, order) are decoded beside the rest, which sets
	// other fields only: on two cores that halves the wall time of the
	// longest step of a fresh build's merge. Neither part can panic on
	// damaged bytes (the readers check every length), and the events'
	// members are checked against the candidates (check) before use.
	var adj []uint64
	var patches map[int32][]uint64
	var rest []byte
	var err error
	if split {
		adj, patches, rest, err = adjacencySplitOf(events, side)
	} else {
		adj, rest, err = adjacencyOf(events)
	}
	if err != nil {
		return nil, err
	}
	evErr := make(chan error, 1)
	sideErr := make(chan error, 1)
	if split {
		// The events file's checksum on a goroutine of its own: the
		// events point into it, but only sliced (bounds checked), so it
		// is checked before the state is returned, not before decoding.
		go func() { sideErr <- s.checkSide(rest, side) }()
		go func() { evErr <- s.decodeAllEventsSplit(rest, side) }()
	} else {
		sideErr <- nil
		go func() { evErr <- s.decodeAllEvents(rest) }()
	}
	s.decodeNames(r)
	s.decodeCandidates(r, adj)
	for sid := range patches {
		if int(sid) >= len(s.pc) {
			r.fail("adjacency patch")
		}
	}
	if len(patches) > 0 && r.err == nil {
		s.adj.changed = patches
	}
	s.decodeArticles(r)
	r.padding()
	headErr := r.end()
	s.mappedArrays = r.mapped
	s.side.pages = r.tables
	// The state is checked while the events file's checksum may still
	// run (split: it reads 127 MB at 10k, the longest of the three), and
	// refused on either: check reads nothing checkSide writes, and reads
	// what the unchecked bytes hold only through the same range checks.
	var checkErr error
	evsErr := <-evErr
	if headErr == nil && evsErr == nil {
		checkErr = s.check()
	}
	if err := cmp.Or(headErr, evsErr, <-sideErr); err != nil {
		return nil, err
	}
	if checkErr != nil {
		return nil, fmt.Errorf("%w: %v", ErrCorruptState, checkErr)
	}
	s.rebuildMaps()
	return s, nil
}

// stateSum is the CRC-32C of head + events + tail, the events' part summed
// on another goroutine: reading a mapped state's pages the first time is
// most of what checksumming costs, and each part then takes its own on its
// own core.
func stateSum(head, events, tail []byte) uint32 {
	evSum := make(chan uint32, 1)
	go func() { evSum <- crcUpdate(crcUpdate(0, events), tail) }()
	sum := crcUpdate(0, head)
	return crcCombine(sum, <-evSum, int64(len(events)+len(tail)))
}

// decodeAllEvents decodes the events section (after the adjacency lists:
// see encodeEvents): the events' IDs and members from the index
// (decodeEvents). Their encodings are decoded by the first Update straight
// into the timeline it returns (update.timeline), or into the state by
// BuildEvents.
func (s *State) decodeAllEvents(events []byte) error {
	if len(events) < 8 {
		return fmt.Errorf("%w: no events length", ErrCorruptState)
	}
	at := len(events) - 8
	n := binary.LittleEndian.Uint64(events[at:])
	if n > uint64(at) {
		return fmt.Errorf("%w: bad events length", ErrCorruptState)
	}
	r := &stateReader{b: events[n:at]}
	s.decodeEvents(r, events[:n])
	return r.end()
}

// checkSide checks the events file's bytes (side) against the length and
// CRC-32C the split state's events section ends with, and has the state
// know that file (SideAppendable).
func (s *State) checkSide(events, side []byte) error {
	if len(events) < 20 {
		return fmt.Errorf("%w: no events file length", ErrCorruptState)
	}
	at := len(events) - 20
	n, sum := binary.LittleEndian.Uint64(events[at:]), binary.LittleEndian.Uint32(events[at+8:])
	if n != uint64(len(side)) {
		return fmt.Errorf("%w: events file of %d bytes, want %d", ErrCorruptState, len(side), n)
	}
	if crcUpdate(0, side) != sum {
		return fmt.Errorf("%w: events file checksum mismatch", ErrCorruptState)
	}
	s.side.known, s.side.len, s.side.sum = true, int64(n), sum
	if len(side) > 0 {
		s.side.segs = []sideSeg{{at: 0, data: unsafe.String(&side[0], len(side))}}
	}
	return nil
}

// decodeAllEventsSplit is decodeAllEvents for a split state: the index,
// then the events file's length and CRC (checkSide), then 0.
func (s *State) decodeAllEventsSplit(events, side []byte) error {
	if len(events) < 20 || binary.LittleEndian.Uint64(events[len(events)-8:]) != 0 {
		return fmt.Errorf("%w: no events file length", ErrCorruptState)
	}
	r := &stateReader{b: events[:len(events)-20]}
	s.decodeEventsFrom(r, side, true)
	return r.end()
}

func (s *State) decodeNames(r *stateReader) {
	b := &indexBuilder{interner: r.interner(), articles: r.interner(), sources: r.interner(),
		oddRefs: map[sentenceRef]int32{}, lastSourceID: -1, lastArtID: -1}
	b.sentences = decodeSentences(r)
	for k, n := 0, r.count(16); k < n && r.err == nil; k++ {
		b.oddRefs[sentenceRef{int32(r.u32()), int(int64(r.u64()))}] = int32(r.u32())
	}
	d := newDateTable()
	d.names = r.strings()
	for id, v := range d.names {
		d.values[v] = int32(id)
	}
	n := r.count(26)
	d.keys = make([]dateKey, 0, n)
	for k := 0; k < n && r.err == nil; k++ {
		key := dateKey{r.string(), r.span()}
		d.spans[key] = int32(len(d.keys))
		d.keys = append(d.keys, key)
	}
	s.names = b
	s.sh = stemShareWith(b.interner, d)
	s.dates = d.spanList()
}

// adjacencyOf splits the kept section into the adjacency lists' words
// (encodeAdjacency) and the rest (the events).
func adjacencyOf(section []byte) (words []uint64, rest []byte, err error) {
	if len(section) < 8 {
		return nil, nil, fmt.Errorf("%w: no adjacency lists", ErrCorruptState)
	}
	n := binary.LittleEndian.Uint64(section)
	if n > uint64(len(section)-8)/8 {
		return nil, nil, fmt.Errorf("%w: bad adjacency length", ErrCorruptState)
	}
	end := 8 + 8*int(n)
	return wordsOf(section[8:end]), section[end:], nil
}

// littleEndian: the machine stores words as the encoding does.
var littleEndian = binary.NativeEndian.Uint16([]byte{1, 0}) == 1

// wordsOf returns raw's little-endian 8-byte words: raw itself, when it is
// aligned and the machine little-endian (then never written: raw may be
// read-only mapped memory, and Update copies a list before changing it:
// withoutEdge, and append past a list's end, which its capacity forbids),
// else a copy.
func wordsOf(raw []byte) []uint64 {
	n := len(raw) / 8
	if n == 0 {
		return nil
	}
	if p := unsafe.Pointer(&raw[0]); littleEndian && uintptr(p)%8 == 0 {
		return unsafe.Slice((*uint64)(p), n)
	}
	words := make([]uint64, n)
	for k := range words {
		words[k] = binary.LittleEndian.Uint64(raw[8*k:])
	}
	return words
}

func (s *State) decodeCandidates(r *stateReader, adj []uint64) {
	n := r.arrayCount(int(unsafe.Sizeof(pairCand{})) + 4*4 + 2 + 1)
	if layout := r.string(); r.err == nil && layout != candLayout {
		r.fail("candidate layout (another build of the tool)")
	}
	spare := n/8 + 64 // room for the next builds' new candidates without copying all
	s.pc = arrayOf[pairCand](r, n, spare)
	s.sidArt, s.sidK = arrayOf[int32](r, n, spare), arrayOf[int32](r, n, spare)
	s.rank, s.sidEvent = arrayOf[int32](r, n, spare), arrayOf[int32](r, n, spare)
	s.noMentions, s.asIs = arrayOf[bool](r, n, spare), arrayOf[bool](r, n, spare)
	s.adj = adjacency{words: adj, ends: arrayOf[uint32](r, n, 0)}
	if r.err == nil && !s.adj.valid() {
		r.fail("adjacency lists")
	}
	size := r.arrayCount(4)
	s.arena = arrayOf[int32](r, size, size/8) // room for the next builds' sets without copying all
	n = r.count(27)
	s.valueSpan, s.anc, s.desc = make([]span, n), make([][]int32, n), make([][]int32, n)
	for v := 0; v < n && r.err == nil; v++ {
		s.valueSpan[v], s.anc[v], s.desc[v] = r.span(), r.int32s(), r.int32s()
	}
	n = r.count(8)
	s.scores = make([]float64, n)
	for k := range s.scores {
		s.scores[k] = math.Float64frombits(r.u64())
	}
}

func (s *State) decodeArticles(r *stateReader) {
	n := r.count(47)
	s.arts = make([]artRec, n)
	for k := 0; k < n && r.err == nil; k++ {
		a := &s.arts[k]
		a.slug = r.string()
		copy(a.key[:], r.bytes(32))
		sec, nsec := int64(r.u64()), int64(r.u32())
		a.pub = time.Unix(sec, nsec).UTC()
		a.live = r.bool()
		a.sids = r.int32s()
	}
}

// decodeEvents reads the events' index (r) and points each event at its
// encoding in bodies. The events' strings are substrings of the caller's
// bytes, not copies (DecodeState's data must not change afterwards):
// copying the 57 MB section of a 10,000-article site cost as much memory
// again, at the build's peak. Their encodings are decoded by
// decodeEventBodies, on workers.
func (s *State) decodeEvents(r *stateReader, bodies []byte) { s.decodeEventsFrom(r, bodies, false) }

// decodeEventsFrom is decodeEvents; split: each stored encoding's index
// entry names its offset in bodies (the events file), rather than the
// encodings lying one after another.
func (s *State) decodeEventsFrom(r *stateReader, bodies []byte, split bool) {
	n := r.count(3)
	s.evs = make([]evRec, n, n+n/8)
	s.hashes = make([]uint64, n, n+n/8)
	s.order = make([]int32, n, n+n/8)
	var text, body string
	if len(r.b) > 0 {
		text = unsafe.String(&r.b[0], len(r.b))
	}
	if len(bodies) > 0 {
		body = unsafe.String(&bodies[0], len(bodies))
	}
	r.b = nil
	s.bodies = body
	er := &eventReader{data: text}
	at := 0 // where the next encoding starts in body
	var runs [][2]int64
	var backing []int32
	for k := 0; k < n && er.err == nil; k++ {
		e := &s.evs[k]
		e.live = true
		e.id = er.str()
		if len(e.id) >= IDLength { // else refused by check
			s.hashes[k] = hashOfID(e.id) // here, beside the head's decoding, not after it
		}
		m := er.uvarint()
		if m > uint64(len(text)-er.pos)/4 {
			er.fail()
			break
		}
		if len(backing) < int(m) { // one allocation for many lists
			backing = make([]int32, max(int(m), 1<<16))
		}
		e.sids, backing = backing[:m:m], backing[m:]
		for i := range e.sids {
			p := er.pos + 4*i
			e.sids[i] = int32(uint32(text[p]) | uint32(text[p+1])<<8 | uint32(text[p+2])<<16 | uint32(text[p+3])<<24)
		}
		er.pos += 4 * int(m)
		if size := er.uvarint(); size > 0 {
			from := uint64(at)
			if split {
				from = er.uvarint()
			}
			if from > uint64(len(body)) || size-1 > uint64(len(body))-from {
				er.fail()
				break
			}
			e.raw = body[from : from+size-1]
			at = int(from + size - 1)
			if split && size > 1 { // the runs of encodings read in place (SideInPlace)
				if r := len(runs) - 1; r >= 0 && runs[r][0]+runs[r][1] == int64(from) {
					runs[r][1] += int64(size - 1)
				} else {
					runs = append(runs, [2]int64{int64(from), int64(size - 1)})
				}
			}
		}
		s.order[k] = int32(k)
	}
	s.side.eventRuns = runs
	if er.err == nil && (er.pos != len(text) || !split && at != len(body)) {
		er.fail()
	}
	if er.err != nil {
		r.fail("events")
	}
}

// BuildEvents decodes into the state every live event it holds only as its
// encoding (a decoded state's, until an Update needs one), on workers (each
// with its own slabs). A process that keeps the state for its next Update
// (a serve session) calls it between builds: that Update then copies the
// events out instead of decoding 116,000 of them again (0.24 CPU s at 10k).
// Not safe to call during an Update.
func (s *State) BuildEvents() error {
	if s.unbuilt == 0 {
		return nil
	}
	s.decodedRaw()
	var failed atomic.Bool
	var decoded atomic.Int64
	parallel(len(s.evs), 4096, func(_, from, to int) {
		var er eventReader
		var slab []timeline.Event
		for k := from; k < to; k++ {
			e := &s.evs[k]
			if !e.live || e.have() || e.raw == "" {
				continue
			}
			ev := &carveSlab(&slab, 1, false)[0]
			ev.ID = e.id
			if er.event(e.raw, ev) != nil {
				failed.Store(true)
				return
			}
			e.ev = ev
			decoded.Add(1)
		}
	})
	s.unbuilt -= int(decoded.Load())
	if failed.Load() {
		return fmt.Errorf("%w: bad event encoding", ErrCorruptState)
	}
	return nil
}

// AdoptEvents is BuildEvents from tl, the timeline the state's last Update
// returned, with its events unchanged (the overrides stage edits a copy of
// the list): the events a decoded state holds only as their encodings were
// decoded into tl by that Update (update.timeline), so the state takes them
// from there, sharing their lists, instead of decoding them again (0.24
// CPU s of a 10k site; copying them out costs a tenth of it). It returns
// false, having adopted none or some, when tl does not match the state
// (another length, an event's ID where the state has another); the caller
// then calls BuildEvents. Not safe to call during an Update.
func (s *State) AdoptEvents(tl timeline.Timeline) bool {
	if s.unbuilt == 0 {
		return true
	}
	if len(tl.Events) != len(s.order) {
		return false
	}
	// The events are copied out of tl (its array is the state's, which the
	// next Update overwrites), into one array for all.
	slab := make([]timeline.Event, s.unbuilt)
	for pos, h := range s.order {
		rec := &s.evs[h]
		if rec.have() {
			continue
		}
		if tl.Events[pos].ID != rec.id || len(slab) == 0 {
			return false
		}
		slab[0] = tl.Events[pos]
		rec.ev, slab = &slab[0], slab[1:]
		s.unbuilt--
	}
	return true
}

// spared makes a slice of length n with room for spare more.
func spared[T any](n, spare int) []T { return make([]T, n, n+spare) }

// check verifies what Update indexes with, so a state that passed the
// checksum but is inconsistent is refused instead of failing later.
func (s *State) check() error {
	n := int32(len(s.pc))
	if !boolsValid(s.noMentions) || !boolsValid(s.asIs) { // stored as the machine holds them
		return errors.New("a candidate's flag is not a bool")
	}
	// The candidates whose adjacency list changed since the words were
	// written (a save's patches), looked up once each: a map lookup per
	// candidate in candidateFits (adjacency.get) was 7% of reading a 10k
	// state that had been appended to.
	for sid := range s.adj.changed {
		if sid < 0 || int(sid) >= len(s.pc) {
			return fmt.Errorf("adjacency patch of candidate %d out of range [0, %d)", sid, len(s.pc))
		}
	}
	patched := s.patchedCandidates()
	for k := range s.pc {
		if !s.candidateFits(k, patched) { // the fast test; the slow one says what is wrong
			if err := s.checkCandidate(k); err != nil {
				return err
			}
		}
	}
	nValues := int32(len(s.valueSpan))
	inRange := func(what string, v, lo, hi int32) error {
		if v < lo || v >= hi {
			return fmt.Errorf("%s %d out of range [%d, %d)", what, v, lo, hi)
		}
		return nil
	}
	for v := range s.anc {
		for _, values := range [2][]int32{s.anc[v], s.desc[v]} { // not appended into one: an allocation per value
			for _, u := range values {
				if err := inRange("value", u, 0, nValues); err != nil {
					return err
				}
			}
		}
	}
	if len(s.sh.dates.names) < len(s.valueSpan) {
		return errors.New("fewer date values than value spans")
	}
	for k := range s.arts {
		for _, sid := range s.arts[k].sids {
			if err := inRange("article member", sid, 0, n); err != nil {
				return err
			}
		}
	}
	live := 0
	for k := range s.evs {
		if !s.evs[k].live {
			continue
		}
		live++
		if len(s.evs[k].sids) == 0 || len(s.evs[k].id) < IDLength {
			return fmt.Errorf("event %d: no members or a short ID", k)
		}
		for _, sid := range s.evs[k].sids {
			if err := inRange("event member", sid, 0, n); err != nil {
				return err
			}
		}
	}
	if len(s.order) != live {
		return fmt.Errorf("%d events in order, %d live", len(s.order), live)
	}
	for _, h := range s.order {
		if err := inRange("ordered event", h, 0, int32(len(s.evs))); err != nil {
			return err
		}
		if !s.evs[h].live {
			return fmt.Errorf("ordered event %d is not live", h)
		}
	}
	return nil
}

// patchedCandidates marks, by sid, the candidates whose adjacency list is
// a changed one (s.adj.changed; sids past the candidates are left out), or
// is nil when none is.
func (s *State) patchedCandidates() []bool {
	if len(s.adj.changed) == 0 {
		return nil
	}
	patched := make([]bool, len(s.pc))
	for sid := range s.adj.changed {
		if sid >= 0 && int(sid) < len(patched) {
			patched[sid] = true
		}
	}
	return patched
}

// candidateFits tells, with plain comparisons (check's loop over 190k
// candidates and their 3M adjacency words was 15% of decoding), whether
// checkCandidate would pass candidate k. patched (nil when none is) marks
// the candidates whose list is a changed one (s.adj.changed).
func (s *State) candidateFits(k int, patched []bool) bool {
	p := &s.pc[k]
	if p.sets < 0 || p.nTitle < 0 || p.nContext < 0 || p.nSent < 0 || int64(p.sets)+int64(p.nTitle)+int64(p.nContext)+int64(p.nSent) > int64(len(s.arena)) ||
		!candBoolsValid(p) {
		return false
	}
	spans := uint32(len(s.dates))
	if uint32(p.start) >= spans || uint32(p.end+1) > spans || uint32(s.sidArt[k]+1) > uint32(len(s.arts)) ||
		uint32(s.sidEvent[k]+1) > uint32(len(s.evs)) || p.hasStart && uint32(p.dateID) >= uint32(len(s.valueSpan)) {
		return false
	}
	n, scores := uint64(len(s.pc)), uint64(len(s.scores))
	list := s.adj.stored(int32(k))
	if patched != nil && patched[k] {
		list = s.adj.changed[int32(k)]
	}
	for _, e := range list {
		if e>>32 >= n || uint64(uint32(e)) >= scores {
			return false
		}
	}
	stems := uint32(len(s.names.interner))
	for _, id := range s.arena[p.sets : p.sets+p.nTitle+p.nContext] {
		if uint32(id) >= stems {
			return false
		}
	}
	return true
}

// checkCandidate says what is wrong with candidate k, if anything.
func (s *State) checkCandidate(k int) error {
	n := int32(len(s.pc))
	inRange := func(what string, v, lo, hi int32) error {
		if v < lo || v >= hi {
			return fmt.Errorf("%s %d out of range [%d, %d)", what, v, lo, hi)
		}
		return nil
	}
	nValues, nSpans := int32(len(s.valueSpan)), int32(len(s.dates))
	p := &s.pc[k]
	if p.sets < 0 || p.nTitle < 0 || p.nContext < 0 || p.nSent < 0 || int64(p.sets)+int64(p.nTitle)+int64(p.nContext)+int64(p.nSent) > int64(len(s.arena)) {
		return fmt.Errorf("candidate %d: sets out of the arena", k)
	}
	if !candBoolsValid(p) {
		return fmt.Errorf("candidate %d: a flag is not a bool", k)
	}
	for _, err := range []error{
		inRange("start span", p.start, 0, nSpans), inRange("end span", p.end, -1, nSpans),
		inRange("article", s.sidArt[k], -1, int32(len(s.arts))), inRange("event", s.sidEvent[k], -1, int32(len(s.evs))),
	} {
		if err != nil {
			return fmt.Errorf("candidate %d: %w", k, err)
		}
	}
	if p.hasStart {
		if err := inRange("start value", p.dateID, 0, nValues); err != nil {
			return fmt.Errorf("candidate %d: %w", k, err)
		}
	}
	for _, e := range s.adj.get(int32(k)) {
		if err := inRange("neighbour", int32(e>>32), 0, n); err != nil {
			return err
		}
		if uint32(e) >= uint32(len(s.scores)) {
			return fmt.Errorf("candidate %d: score %d out of range", k, uint32(e))
		}
	}
	for _, id := range s.arena[p.sets : p.sets+p.nTitle+p.nContext] {
		if err := inRange("stem", id, 0, int32(len(s.names.interner))); err != nil {
			return err
		}
	}
	return nil
}

// rebuildMaps makes the maps the lists stand for: slugs, score IDs, free
// handles (postings and hash runs are built on first need).
func (s *State) rebuildMaps() {
	s.postings = newPostingLists() // loaded on demand (loadStems)
	s.bySlug = make(map[string]int32, len(s.arts))
	for k := range s.arts {
		if s.arts[k].live {
			s.bySlug[s.arts[k].slug] = int32(k)
		}
	}
	s.scoreIDs = make(map[uint64]uint32, len(s.scores))
	for k, f := range s.scores {
		s.scoreIDs[math.Float64bits(f)] = uint32(k)
	}
	for h := range s.evs {
		e := &s.evs[h]
		if !e.live {
			s.freeEv = append(s.freeEv, int32(h))
			continue
		}
		if !e.have() {
			s.unbuilt++
		}
	}
}

// stateReader reads what stateWriter wrote; after the first error every
// read returns zero values and err stays set.
type stateReader struct {
	b      []byte
	err    error
	origin int         // b's length plus its offset from the encoding's start (see off)
	arrays ArrayMapper // maps the candidates' arrays (arrayOf); nil: copied
	mapped int         // arrays the mapper gave
	// A split state's arrays are pages of the events file (side), named
	// by page tables (statePager), mapped by pager when not nil.
	split  bool
	side   []byte
	pager  PageMapper
	tables [][]int64
	strs   []byte  // the free end of the slab strings are copied into (string)
	ints   []int32 // the free end of the slab int32s cuts lists from
}

func (r *stateReader) fail(what string) {
	if r.err == nil {
		r.err = fmt.Errorf("%w: bad %s", ErrCorruptState, what)
	}
	r.b = nil
}

func (r *stateReader) bytes(n int) []byte {
	if r.err != nil || n < 0 || n > len(r.b) {
		r.fail("length")
		return nil
	}
	out := r.b[:n]
	r.b = r.b[n:]
	return out
}

// padding reads what stateWriter.align wrote.
func (r *stateReader) padding() {
	pad := r.bytes(1)
	if len(pad) == 1 && (pad[0] > 7 || slices.ContainsFunc(r.bytes(int(pad[0])), func(b byte) bool { return b != 0 })) {
		r.fail("padding")
	}
}

func (r *stateReader) u32() uint32 {
	b := r.bytes(4)
	if len(b) < 4 {
		return 0
	}
	return binary.LittleEndian.Uint32(b)
}

func (r *stateReader) u64() uint64 {
	b := r.bytes(8)
	if len(b) < 8 {
		return 0
	}
	return binary.LittleEndian.Uint64(b)
}

func (r *stateReader) bool() bool {
	b := r.bytes(1)
	return len(b) == 1 && b[0] == 1
}

// count reads a count of items of at least minSize bytes each, refusing one
// the remaining bytes cannot hold (so corrupt counts never allocate much).
func (r *stateReader) count(minSize int) int {
	if r.err != nil {
		return 0
	}
	v, n := binary.Uvarint(r.b)
	if n <= 0 || v > uint64(len(r.b)-n)/uint64(max(minSize, 1)) {
		r.fail("count")
		return 0
	}
	r.b = r.b[n:]
	return int(v)
}

// string reads a string, copied (the state outlives the bytes it is read
// from) into a slab shared with the strings read before it: a 10k state's
// 47,000 strings (stems, slugs, sources, dates; 1 MB) were as many
// allocations, two thirds of reading it.
func (r *stateReader) string() string {
	b := r.bytes(r.count(1))
	switch {
	case len(b) == 0:
		return ""
	case len(b) > stringSlab/16:
		return string(b)
	case len(r.strs) < len(b):
		r.strs = make([]byte, stringSlab)
	}
	n := copy(r.strs, b)
	s := unsafe.String(&r.strs[0], n)
	r.strs = r.strs[n:] // never written again: s is immutable
	return s
}

// stringSlab is the size of the slabs stateReader.string copies into.
const stringSlab = 64 << 10

// intSlab is the size, in elements, of the slabs stateReader.int32s cuts
// lists from.
const intSlab = 16 << 10

// uvarint reads a number the caller bounds itself.
func (r *stateReader) uvarint() uint64 {
	if r.err != nil {
		return 0
	}
	v, n := binary.Uvarint(r.b)
	if n <= 0 {
		r.fail("number")
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *stateReader) strings() []string {
	n := r.count(1)
	out := make([]string, 0, n)
	for k := 0; k < n && r.err == nil; k++ {
		out = append(out, r.string())
	}
	return out
}

func (r *stateReader) interner() map[string]int32 {
	words := r.strings()
	m := make(map[string]int32, len(words))
	for id, w := range words {
		if _, dup := m[w]; dup {
			r.fail("interner")
		}
		m[w] = int32(id)
	}
	return m
}

func (r *stateReader) int32s() []int32 { return r.int32sSpared(0) }

// int32sSpared reads a list into a slice with room for len/spareDiv more
// (none when spareDiv is 0).
func (r *stateReader) int32sSpared(spareDiv int) []int32 {
	n := r.count(4)
	raw := r.bytes(4 * n)
	if len(raw) != 4*n {
		return nil
	}
	spare := 0
	if spareDiv > 0 {
		spare = n / spareDiv
	}
	var out []int32
	switch {
	case n == 0 && spare == 0:
		out = []int32{} // empty, not nil, as make gives
	case spare == 0 && n <= intSlab/16:
		// Cut from a slab shared with the lists read before it (an
		// article's members, a value's ancestors or descendants: 15,000
		// allocations of a 10k state), its capacity its length, so that
		// appending to it copies it instead of overwriting the next list.
		if len(r.ints) < n {
			r.ints = make([]int32, intSlab)
		}
		out, r.ints = r.ints[:n:n], r.ints[n:]
	default:
		out = make([]int32, n, n+spare)
	}
	for k := range out {
		out[k] = int32(binary.LittleEndian.Uint32(raw[4*k:]))
	}
	return out
}

func (r *stateReader) span() span {
	s := span{from: instant{int64(r.u64()), int32(r.u32())}, to: instant{int64(r.u64()), int32(r.u32())}}
	s.known = r.bool()
	return s
}

func (r *stateReader) end() error {
	if r.err == nil && len(r.b) != 0 {
		r.fail("trailing bytes")
	}
	return r.err
}

// A split state (EncodeSplit) keeps its events' encodings in a file of its
// own, the events file, which only ever grows by appending until it is
// written anew whole (compacted): the state's index names each encoding by
// its offset there, and ends with the length of the events file it knows
// and the CRC-32C of those bytes, which the decoder checks. A save then
// writes the state (names, candidates, articles, adjacency lists and the
// events' index: about 40% of a whole encoding) and appends only the
// encodings of the events made or changed since the events file was
// written (a few KB after one article), instead of writing all of them
// again (60 MB at 10,000 articles).
//
// Why a state never reads wrong bytes: the events file's first Len bytes
// are never written again (bytes are only appended, and a compaction makes a
// new file, renamed over the old one: a mapping of the old one keeps its
// bytes), and a state whose Len bytes do not have its CRC (the file was
// compacted or replaced since, or damaged) is refused (ErrCorruptState).

// EventsSide is where EncodeSplit writes the events' encodings.
type EventsSide struct {
	Out io.Writer // receives the encodings written, one after another
	At  int64     // the events file's length before them (where Out's first byte lands)
	Sum uint32    // CRC-32C of those At bytes
	// Append: the file's first At bytes are the events file this state
	// knows (SideAppendable): encodings already there are named by offset,
	// not written again. Otherwise every live encoding is written to Out.
	Append bool
	// Prev, when not nil, reads the events file the state knows: an
	// appending save compares the arrays' pages with it (else with the
	// parts of the file the state holds, mapped or in the heap).
	Prev io.ReaderAt
}

// SideWritten is what EncodeSplit made of the events file.
type SideWritten struct {
	Len     int64  // the file's length with what was written
	Sum     uint32 // CRC-32C of those Len bytes
	Written int64  // bytes written to Out
	// KeptBase: the adjacency lists' base was kept where it is in the
	// file, and only the lists changed since were named (or written).
	KeptBase bool
}

// sideSeg is a part of the events file a state holds: its bytes (mapped,
// read, or kept from a save) and their offset in the file.
type sideSeg struct {
	at   int64
	data string
}

// sideRef is an encoding EncodeSplit wrote to the events file: the event's
// handle, its offset in the file and its length.
type sideRef struct {
	h   int32
	off int64
	n   int32
}

// sideState is what a state knows of its events file.
type sideState struct {
	known bool  // segs are the file's bytes at their offsets, and the file is len bytes with CRC sum
	len   int64 //
	sum   uint32
	segs  []sideSeg
	// The last EncodeSplit's: where it started writing, what it wrote
	// (for SideSaved) and how many bytes.
	start      int64
	wrote      []sideRef
	written    int64
	next       SideWritten
	appendMode bool // it appended to the file the state knew (else it wrote every encoding)
	pending    bool // an EncodeSplit ran and SideSaved has not been told yet
	// The adjacency lists it wrote: a new base (every list, numbered as
	// the state numbers them: base not nil, with its ends), or patches
	// (lists changed since the base) in lists.
	lists   []listRef
	base    []uint32 // the new base's ends; nil: none written, or renumbered (the state keeps its lists)
	baseOff int64
	// The arrays' page tables (statePager): of the state as decoded or
	// last saved (compared with by the next save), and of the last save.
	pages, nextPages [][]int64
	eventRuns        [][2]int64 // a decoded state's: the runs of its events' encodings in the file
	// The mappings the state's parts of the file lie in (HoldSide), and
	// a count bumped by every decoding of stored events from their
	// encodings (decodedRaw): a decoded event's strings point into its
	// encoding, so a mapping the state read events from while holding it
	// is never released (timelines the state returned may point into it).
	held    []heldPart
	decodes uint64
}

// heldPart is a mapping of the events file a state's parts may lie in, and
// how to release it (HoldSide).
type heldPart struct {
	mem       []byte
	release   func()
	decodesAt uint64 // side.decodes when it was held
}

// maxSideSegs is the most parts of its events file a state holds before
// its next save writes the file anew (SideAppendable): each save that
// appends adds one, and a state looks an encoding's offset up among them.
const maxSideSegs = 256

// sideOffset is the offset in the known events file of raw, a stored
// event's encoding, when raw lies in one of the file's parts the state
// holds.
func (s *State) sideOffset(raw string) (int64, bool) {
	for k := range s.side.segs {
		if at, ok := offsetIn(s.side.segs[k].data, raw); ok {
			return s.side.segs[k].at + int64(at), true
		}
	}
	return 0, false
}

// SideAppendable tells whether the state's next EncodeSplit may append to
// the events file the state was decoded from or last saved to (SideSaved),
// whose length and CRC-32C it returns: it knows that file, and no more than
// a quarter of it is encodings no live event names (past that, the file is
// better written anew: its bytes are all checksummed when a state is read).
// The caller still checks that the file on disk has that length.
func (s *State) SideAppendable() (at int64, sum uint32, ok bool) {
	return s.SideAppendableWithin(SideSlack)
}

// SideAppendableWithin is SideAppendable with slack bytes of garbage let be
// whatever the file's size (SideSlack; tests give less, to compact small
// files), and no more than maxSideSegs parts of the file held.
func (s *State) SideAppendableWithin(slack int64) (at int64, sum uint32, ok bool) {
	if !s.exact || !s.side.known || len(s.side.segs) >= maxSideSegs {
		return 0, 0, false
	}
	live := int64(0)
	for _, t := range s.side.pages {
		live += statePage * int64(len(t))
	}
	if _, in := s.sideOffset(wordsString(s.adj.words)); in {
		live += 8 * int64(len(s.adj.words))
	}
	for _, l := range s.adj.changed {
		if _, in := s.sideOffset(wordsString(l)); in {
			live += 8 * int64(len(l))
		}
	}
	for _, h := range s.order {
		if raw := s.evs[h].raw; raw != "" {
			if _, in := s.sideOffset(raw); in {
				live += int64(len(raw))
			}
		}
	}
	return s.side.len, s.side.sum, 4*live >= 3*s.side.len-4*slack
}

// SideSlack is garbage an events file may hold whatever its size: a small
// site's saves append a page or two of each array every time.
const SideSlack = 1 << 20

// EncodeSplit writes the state to out as EncodeTo does, but with the
// events' encodings in the events file (see EventsSide): those written now
// go to side.Out. Afterwards the state no longer counts on the events file
// it knew until SideSaved says the save went through.
func (s *State) EncodeSplit(out io.Writer, side EventsSide) (SideWritten, error) {
	appendTo := side.Append && s.side.known && side.At == s.side.len && side.Sum == s.side.sum
	s.side.known, s.side.pending, s.side.wrote, s.side.appendMode = false, false, nil, appendTo
	s.side.lists, s.side.base, s.side.nextPages, s.side.eventRuns = nil, nil, nil, nil
	if !appendTo {
		s.side.pages = nil
	}
	sw := &sideWriter{stateWriter: stateWriter{b: make([]byte, 0, 2*flushAt), out: side.Out, crc: side.Sum, passed: int(side.At)},
		appendTo: appendTo, prev: side.Prev}
	if !appendTo { // every encoding is written: one list at its size (2.8 MB at 10k; grown by appending, about twice that)
		sw.wrote = make([]sideRef, 0, len(s.order))
	}
	w := stateWriter{b: make([]byte, 0, 2*flushAt), out: out}
	w.b = append(w.b, stateMagic...)
	w.flushed = len(stateMagic) // the magic is not checksummed
	s.encodeBodySplit(&w, sw)
	w.flush()
	w.b = binary.LittleEndian.AppendUint32(w.b, w.crc)
	if w.err == nil {
		_, w.err = out.Write(w.b)
	}
	if sw.err != nil {
		return SideWritten{}, sw.err
	}
	if w.err != nil {
		return SideWritten{}, w.err
	}
	got := SideWritten{Len: int64(sw.pos()), Sum: sw.crc, Written: int64(sw.pos()) - side.At, KeptBase: sw.keptBase}
	s.side.start, s.side.wrote, s.side.written, s.side.next, s.side.pending = side.At, sw.wrote, got.Written, got, true
	return got, nil
}

// SideSaved tells the state that the events file now holds what its last
// EncodeSplit wrote, and that the state file naming it was saved: written
// is those bytes (what side.Out received; a mapping of them, or a copy the
// state may keep), from which the events written are read from now on, so
// that the next EncodeSplit appends only what changes after. It returns
// false, and the state knows no events file, when written is not what the
// last EncodeSplit wrote.
func (s *State) SideSaved(written []byte) bool {
	sd := &s.side
	if !sd.pending || int64(len(written)) != sd.written {
		sd.known, sd.pending, sd.wrote = false, false, nil
		return false
	}
	var data string
	if len(written) > 0 {
		data = unsafe.String(&written[0], len(written))
	}
	for _, r := range sd.wrote {
		at := r.off - sd.start
		if at < 0 || at+int64(r.n) > int64(len(data)) {
			sd.known, sd.pending, sd.wrote = false, false, nil
			return false
		}
	}
	for _, l := range sd.lists {
		if at := l.off - sd.start; at < 0 || at+8*int64(l.n) > int64(len(data)) {
			sd.known, sd.pending, sd.wrote = false, false, nil
			return false
		}
	}
	if !sd.appendMode { // every encoding written anew: the parts held before are named by no event any more
		sd.segs = nil
		s.bodies = data // Encode's runs of encodings: they lie one after another here now
	}
	for _, r := range sd.wrote {
		at := r.off - sd.start
		s.evs[r.h].raw = data[at : at+int64(r.n)]
	}
	s.adoptAdjacency(data)
	if len(data) > 0 { // a save that wrote nothing adds no part
		sd.segs = append(sd.segs, sideSeg{at: sd.start, data: data})
	}
	sd.known, sd.len, sd.sum = true, sd.next.Len, sd.next.Sum
	sd.pages = sd.nextPages
	sd.pending, sd.wrote, sd.lists, sd.base, sd.nextPages = false, nil, nil, nil, nil
	if !sd.appendMode {
		s.releaseHeld()
	}
	return true
}

// HoldSide tells the state that mem, a mapping, holds the bytes of its
// events file it was decoded from or last given (SideSaved), and that
// release unmaps it. The state calls release once nothing can point into
// mem: after a save that wrote the events file anew (SideSaved) and in
// Release (and an Update that merges from scratch), when none of its
// events' encodings, parts of the file or adjacency lists lie in mem, and
// no event was decoded from an encoding since mem was held (its strings
// would point into mem, and so would the timelines holding it). A mapping
// events were decoded from is never released: the process keeps it, as
// before HoldSide.
func (s *State) HoldSide(mem []byte, release func()) {
	if len(mem) == 0 || release == nil {
		return
	}
	s.side.held = append(s.side.held, heldPart{mem: mem, release: release, decodesAt: s.side.decodes})
}

// SideParts counts the parts of its events file the state holds (one read
// or written anew, and one per save that appended since), and those of
// them that lie in none of the mappings it holds (HoldSide): in the heap
// (for tests).
func (s *State) SideParts() (parts, inHeap int) {
	for _, g := range s.side.segs {
		p := uintptr(unsafe.Pointer(unsafe.StringData(g.data)))
		mapped := false
		for _, h := range s.side.held {
			lo := uintptr(unsafe.Pointer(unsafe.SliceData(h.mem)))
			mapped = mapped || p >= lo && p+uintptr(len(g.data)) <= lo+uintptr(len(h.mem))
		}
		if !mapped {
			inHeap++
		}
	}
	return len(s.side.segs), inHeap
}

// releaseHeld releases the held mappings nothing points into (HoldSide)
// and forgets those events were decoded from (never released).
func (s *State) releaseHeld() {
	sd := &s.side
	kept := sd.held[:0]
	for _, p := range sd.held {
		switch {
		case p.decodesAt != sd.decodes:
			// Events were decoded while it was held: dropped from the
			// list, never released.
		case s.pointsInto(p.mem):
			kept = append(kept, p)
		default:
			p.release()
		}
	}
	clear(sd.held[len(kept):])
	sd.held = kept
}

// pointsInto tells whether any of the state's events' encodings, held
// parts of the events file or adjacency lists lie in mem.
func (s *State) pointsInto(mem []byte) bool {
	lo := uintptr(unsafe.Pointer(unsafe.SliceData(mem)))
	hi := lo + uintptr(len(mem))
	in := func(p unsafe.Pointer, n int) bool {
		a := uintptr(p)
		return n > 0 && a < hi && a+uintptr(n) > lo
	}
	for k := range s.evs {
		if raw := s.evs[k].raw; in(unsafe.Pointer(unsafe.StringData(raw)), len(raw)) {
			return true
		}
	}
	for _, g := range s.side.segs {
		if in(unsafe.Pointer(unsafe.StringData(g.data)), len(g.data)) {
			return true
		}
	}
	if in(unsafe.Pointer(unsafe.StringData(s.bodies)), len(s.bodies)) {
		return true
	}
	if in(unsafe.Pointer(unsafe.SliceData(s.adj.words)), 8*len(s.adj.words)) {
		return true
	}
	for _, l := range s.adj.changed {
		if in(unsafe.Pointer(unsafe.SliceData(l)), 8*len(l)) {
			return true
		}
	}
	return false
}

// decodedRaw notes that events are decoded from their encodings (HoldSide).
func (s *State) decodedRaw() { s.side.decodes++ }

// sideWriter is where encodeEventsSplit writes encodings: the events file
// from its offset pos().
type sideWriter struct {
	stateWriter
	appendTo bool // the state's known events file: its encodings are named, not written
	prev     io.ReaderAt
	wrote    []sideRef // the encodings written
	keptBase bool      // the adjacency base was kept (encodeAdjacencySplit)
}

// encodeEventsSplit is encodeEvents for a split state: the index alone,
// each encoding named by its offset in the events file (side), then the
// events file's length and CRC (after side's writes), then the inline
// encodings' length, 0.
func (s *State) encodeEventsSplit(w *stateWriter, n numbering, side *sideWriter) {
	w.count(len(s.order))
	var scratch []byte
	var run stringRun           // encodings of a held part of the file, copied to a new one in runs
	runSeg := -1                // the part run is in
	sideAt := int64(side.pos()) // where the next encoding lands: side's bytes, then run's
	flushRun := func() {
		if runSeg >= 0 {
			side.bulk(run.bytes(s.side.segs[runSeg].data))
		}
		run, runSeg = stringRun{}, -1
	}
	for _, h := range s.order {
		e := &s.evs[h]
		size, off := 0, int64(0)
		switch {
		case e.raw != "" && side.appendTo:
			if at, ok := s.sideOffset(e.raw); ok {
				size, off = len(e.raw)+1, at
				break
			}
			flushRun()
			off, size = sideAt, len(e.raw)+1
			side.b = append(side.b, e.raw...)
			sideAt += int64(len(e.raw))
			side.wrote = append(side.wrote, sideRef{h, off, int32(len(e.raw))})
		case e.raw != "":
			seg := s.segOf(e.raw)
			if seg < 0 || seg != runSeg || !run.extend(s.side.segs[seg].data, e.raw) {
				flushRun()
				if seg >= 0 {
					run, runSeg = runOf(s.side.segs[seg].data, e.raw), seg
				} else {
					side.b = append(side.b, e.raw...)
				}
			}
			off, size = sideAt, len(e.raw)+1
			sideAt += int64(len(e.raw))
			side.wrote = append(side.wrote, sideRef{h, off, int32(len(e.raw))})
		case e.have():
			flushRun()
			var ok bool
			if scratch, ok = appendEvent(scratch[:0], e.ev); ok {
				side.b = append(side.b, scratch...)
				off, size = sideAt, len(scratch)+1
				sideAt += int64(len(scratch))
				side.wrote = append(side.wrote, sideRef{h, off, int32(len(scratch))})
			}
		}
		side.maybeFlush()
		w.string(e.id)
		w.count(len(e.sids))
		for _, sid := range e.sids {
			w.u32(uint32(n.sidOf(sid)))
		}
		w.count(size)
		if size > 0 {
			w.b = binary.AppendUvarint(w.b, uint64(off))
		}
	}
	flushRun()
	side.flush()
	w.u64(uint64(side.pos()))
	w.u32(side.crc)
	w.u64(0) // no encodings in the state's own bytes
}

// segOf is the held part of the events file raw lies in, or -1.
func (s *State) segOf(raw string) int {
	for k := range s.side.segs {
		if _, ok := offsetIn(s.side.segs[k].data, raw); ok {
			return k
		}
	}
	return -1
}

// listRef is an adjacency list a split save wrote to the events file: its
// candidate, offset and length in words.
type listRef struct {
	sid int32
	off int64
	n   int
}

// wordsString is v's memory as a string (for sideOffset).
func wordsString(v []uint64) string {
	if len(v) == 0 {
		return ""
	}
	return unsafe.String((*byte)(unsafe.Pointer(&v[0])), 8*len(v))
}

// keepAdjacencyBase tells whether a split save keeps the adjacency lists'
// base where it is in the events file and writes only the lists changed
// since (patches): it appends to the file the state knows, no candidate is
// renumbered, the base lies in that file, and the patches hold no more
// than a quarter of the base's words (past that a new base is written).
func (s *State) keepAdjacencyBase(n numbering, side *sideWriter) bool {
	if !side.appendTo || !n.same || len(s.adj.words) == 0 {
		return false
	}
	if _, ok := s.sideOffset(wordsString(s.adj.words)); !ok {
		return false
	}
	patched := 0
	for _, l := range s.adj.changed {
		patched += len(l) + 1
	}
	return 4*patched <= len(s.adj.words)
}

// encodeAdjacencySplit is encodeAdjacency for a split state: the lists are
// in the events file, 8-byte aligned, used in place by a decoder that maps
// it. The kept section names the base (every candidate's list, one after
// another, as the head's ends cut them) by offset and length in words,
// then the patches: each changed candidate's list (sid, length, offset),
// in sid order, which replace the base's. With n.baseEnds the base is the
// one the state was decoded with (or last saved), and the patches are the
// lists changed since, each written to the file unless it lies there
// already; otherwise every list is written as a new base, and no patch.
func (s *State) encodeAdjacencySplit(w *stateWriter, n numbering, side *sideWriter) {
	if !n.baseEnds {
		side.pad8()
		off, total := side.pos(), 0
		for k := range s.pc {
			if !n.live(k) {
				continue
			}
			l := s.adj.get(int32(k))
			total += len(l)
			if n.same {
				side.words64(l)
			} else {
				for _, e := range l {
					side.u64(uint64(n.sid[e>>32])<<32 | e&0xffffffff)
				}
			}
			side.maybeFlush()
		}
		w.u64(uint64(off))
		w.u64(uint64(total))
		w.count(0)
		if n.same { // the state's own numbering: its next save may keep this base
			ends, end := make([]uint32, len(s.pc)), uint32(0)
			for k := range s.pc {
				end += uint32(len(s.adj.get(int32(k))))
				ends[k] = end
			}
			s.side.base, s.side.baseOff = ends, int64(off)
		}
		return
	}
	side.keptBase = true
	at, _ := s.sideOffset(wordsString(s.adj.words))
	w.u64(uint64(at))
	w.u64(uint64(len(s.adj.words)))
	sids := make([]int32, 0, len(s.adj.changed))
	for sid := range s.adj.changed {
		if int(sid) < len(s.pc) {
			sids = append(sids, sid)
		}
	}
	slices.Sort(sids)
	w.count(len(sids))
	for _, sid := range sids {
		l := s.adj.changed[sid]
		w.u32(uint32(sid))
		w.b = binary.AppendUvarint(w.b, uint64(len(l)))
		if len(l) == 0 {
			continue
		}
		off, ok := s.sideOffset(wordsString(l))
		if !ok || off%8 != 0 {
			side.pad8()
			off = int64(side.pos())
			side.words64(l)
			side.maybeFlush()
			s.side.lists = append(s.side.lists, listRef{sid: sid, off: off, n: len(l)})
		}
		w.b = binary.AppendUvarint(w.b, uint64(off))
		w.maybeFlush()
	}
}

// pad8 pads the events file with zero bytes to an 8-byte boundary.
func (sw *sideWriter) pad8() {
	for sw.pos()%8 != 0 {
		sw.b = append(sw.b, 0)
	}
}

// adoptAdjacency points the state's adjacency lists at what its last
// EncodeSplit wrote (written, from the file offset s.side.start): a new
// base, or the patches it appended, so that the next save keeps them.
func (s *State) adoptAdjacency(written string) {
	sd := &s.side
	bytesAt := func(off int64, n int) []uint64 {
		at := off - sd.start
		return wordsOf(unsafe.Slice(unsafe.StringData(written[at:]), 8*n))
	}
	if sd.base != nil {
		total := 0
		if len(sd.base) > 0 {
			total = int(sd.base[len(sd.base)-1])
		}
		if sd.baseOff-sd.start < 0 || sd.baseOff-sd.start+8*int64(total) > int64(len(written)) {
			return // the state keeps its lists; the next save writes a new base
		}
		if total == 0 {
			s.adj = adjacency{ends: sd.base}
			return
		}
		s.adj = adjacency{words: bytesAt(sd.baseOff, total), ends: sd.base}
		return
	}
	for _, l := range sd.lists {
		s.adj.changed[l.sid] = bytesAt(l.off, l.n)
	}
}

// adjacencySplitOf reads a split state's adjacency header (the kept
// section's start: encodeAdjacencySplit) and returns the base's words and
// the patches, in place in side when aligned (else copies), and the rest of
// the section (the events' index).
func adjacencySplitOf(section, side []byte) (words []uint64, patches map[int32][]uint64, rest []byte, err error) {
	r := &stateReader{b: section}
	listAt := func(off, n uint64) []uint64 {
		if off > uint64(len(side)) || n > (uint64(len(side))-off)/8 {
			r.fail("adjacency list")
			return nil
		}
		return wordsOf(side[off : off+8*n])
	}
	off, n := r.u64(), r.u64()
	words = listAt(off, n)
	count := r.count(5)
	if count > 0 {
		patches = make(map[int32][]uint64, count)
	}
	for k := 0; k < count && r.err == nil; k++ {
		sid := int32(r.u32())
		m := r.uvarint() // bounded by the events file: listAt
		var l []uint64
		if m > 0 {
			l = listAt(r.uvarint(), m)
		}
		if _, dup := patches[sid]; dup || sid < 0 {
			r.fail("adjacency patch")
		}
		patches[sid] = l
	}
	if r.err != nil {
		return nil, nil, nil, r.err
	}
	return words, patches, r.b, nil
}

// SideInPlace lists the ranges (offset, length) of the events file that
// the state reads in place: its adjacency lists and its events' encodings,
// merged where they touch, in file order. A caller that mapped the file may
// drop the rest of the mapping's resident pages (read once, to check the
// file's checksum): the arrays' pages are the state's own private mappings,
// and the rest is encodings no event names.
func (s *State) SideInPlace() [][2]int64 {
	var rs [][2]int64
	add := func(v string) {
		if off, ok := s.sideOffset(v); ok && len(v) > 0 {
			rs = append(rs, [2]int64{off, int64(len(v))})
		}
	}
	add(wordsString(s.adj.words))
	for _, l := range s.adj.changed {
		add(wordsString(l))
	}
	if s.side.eventRuns != nil { // as decoded: the runs decodeEvents found, not 116,000 encodings sorted
		rs = append(rs, s.side.eventRuns...)
	} else {
		for _, h := range s.order {
			add(s.evs[h].raw)
		}
	}
	slices.SortFunc(rs, func(a, b [2]int64) int { return cmp.Compare(a[0], b[0]) })
	out := rs[:0]
	for _, r := range rs {
		if k := len(out) - 1; k >= 0 && r[0] <= out[k][0]+out[k][1] {
			out[k][1] = max(out[k][1], r[0]+r[1]-out[k][0])
			continue
		}
		out = append(out, r)
	}
	return out
}
