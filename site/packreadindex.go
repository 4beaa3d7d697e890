package site

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"

	"slices"
	"unsafe"

	"github.com/spf13/afero"
)

// The pack's index lists where each record's payload lies, so that opening
// the pack touches none of its pages: reading the length and key of every
// record meant a page fault on nearly every page of the mapped pack (about
// 3 µs each on this project's machines, 80 ms for the 104 MB pack of 10,000
// articles), although an incremental build never reads the 46% of it that
// holds the events of unchanged articles.
//
// Index layout: indexMagic, the tool version, then uvarints: the pack bytes
// it covers, then the last tailLen bytes of those (to tell the pack it was
// written for from another of the same size), the records the pack holds
// but the index does not list (superseded), the number of entries, and per
// entry, in pack order, the 32-byte key, the payload's offset (as the
// distance from the previous entry's) and length; last, the CRC-32 of all
// that.
//
// Trust: a record located by the index is still checked on use, key and CRC
// (packEntry.sound); an index that does not match its pack is ignored and
// the pack read whole, as without one. The part of the pack written after
// the index (by a build killed before it wrote its index) is read as before.

const (
	indexMagic = "timeline-extract-index-1\n"
	tailLen    = 16
)

type indexEntry struct {
	key    [32]byte
	off, n int64 // the payload's offset in the pack and its length
}

func (c *extractCache) indexFile() string { return c.file + ".idx" }

// readIndex fills c.records from the index when it matches data, and
// returns how many bytes of data it covers.
func (c *extractCache) readIndex(data []byte, mapped bool) (covered int, ok bool) {
	// Mapped like the pack when it is (1.2 MB at 10,000 articles: read into
	// the heap it was that much memory touched for the first time, twice
	// over as the read buffer grew). Nothing of idx is kept past this
	// function (keys are copied): flush rewrites the file in place.
	idx, _, err := readPack(c.fs, c.indexFile(), mapped)
	if err != nil || len(idx) < 4 {
		return 0, false
	}
	body := idx[:len(idx)-4]
	if crc32.ChecksumIEEE(body) != binary.LittleEndian.Uint32(idx[len(idx)-4:]) {
		return 0, false
	}
	head := indexMagic + c.version + "\n"
	if !bytes.HasPrefix(body, []byte(head)) || !bytes.HasPrefix(data, []byte(c.header())) {
		return 0, false
	}
	r := indexReader{data: body[len(head):]}
	cov := r.uvarint()
	tail := r.bytes(tailLen)
	if r.bad || cov < uint64(len(c.header())+tailLen) || cov > uint64(len(data)) || !bytes.Equal(tail, data[cov-tailLen:cov]) {
		return 0, false
	}
	dead, count := r.uvarint(), r.uvarint()
	if r.bad || count > uint64(len(r.data))/34 { // an entry takes at least 34 bytes
		return 0, false
	}
	text := unsafe.String(unsafe.SliceData(data), len(data))
	records := make(map[[32]byte]packEntry, count)
	dups, first := 0, uint64(len(c.header())+32)
	for off, i := uint64(0), uint64(0); i < count; i++ {
		key := [32]byte(r.bytes(32))
		delta := r.uvarint()
		n := r.uvarint()
		// Overflow-free: off <= cov here, so off+delta cannot wrap once
		// delta <= cov (a crafted index with a right CRC could otherwise
		// wrap off+n+4 around uint64 past the check, and the slicing
		// panicked in every build until --no-cache).
		if r.bad || delta > cov {
			return 0, false
		}
		off += delta
		if off < first || off > cov || n > cov-off || cov-off-n < 4 {
			return 0, false
		}
		// A key met again replaces the record (the pack's later one wins)
		// and counts as dead: told by the map's size, which saves a lookup
		// per entry (30,000 at 10,000 articles).
		before := len(records)
		records[key] = recordView(text, int(off), int(n))
		if len(records) == before {
			dups++
		}
	}
	if len(r.data) != 0 {
		return 0, false
	}
	c.records, c.dead = records, int(dead)+dups
	return int(cov), true
}

type indexReader struct {
	data []byte
	bad  bool
}

func (r *indexReader) uvarint() uint64 {
	v, n := binary.Uvarint(r.data)
	if n <= 0 {
		r.bad = true
		return 0
	}
	r.data = r.data[n:]
	return v
}

func (r *indexReader) bytes(n int) []byte {
	if len(r.data) < n {
		r.bad = true
		return make([]byte, n)
	}
	b := r.data[:n]
	r.data = r.data[n:]
	return b
}

// saveIndex writes the index of a pack of size bytes ending in tail, holding
// entries and dead superseded records besides. An index that cannot be
// written is removed: the next build reads the pack instead.
func (c *extractCache) saveIndex(entries []indexEntry, dead int, size int64, tail [tailLen]byte) {
	slices.SortFunc(entries, func(a, b indexEntry) int { return int(a.off - b.off) })
	buf := make([]byte, 0, len(indexMagic)+len(c.version)+64+len(entries)*40)
	buf = append(buf, indexMagic+c.version+"\n"...)
	buf = binary.AppendUvarint(buf, uint64(size))
	buf = append(buf, tail[:]...)
	buf = binary.AppendUvarint(buf, uint64(dead))
	buf = binary.AppendUvarint(buf, uint64(len(entries)))
	prev := int64(0)
	for _, e := range entries {
		buf = append(buf, e.key[:]...)
		buf = binary.AppendUvarint(buf, uint64(e.off-prev))
		buf = binary.AppendUvarint(buf, uint64(e.n))
		prev = e.off
	}
	buf = binary.LittleEndian.AppendUint32(buf, crc32.ChecksumIEEE(buf))
	// Written in place, not renamed into place: an index torn by a crash
	// fails its CRC and is ignored.
	if err := afero.WriteFile(c.fs, c.indexFile(), buf, 0o644); err != nil {
		_ = c.fs.Remove(c.indexFile())
	}
}

// saveAppendedIndex indexes the pack this build appended to (or only read):
// its records as opened, less those this build superseded, plus the new.
func (c *extractCache) saveAppendedIndex() {
	var fresh []indexEntry
	size := c.size
	var tail [tailLen]byte
	if c.sink != nil {
		fresh, size, tail = c.sink.entries, c.sink.pos, c.sink.tail
	} else if !c.tailOf(&tail) {
		return
	}
	entries := make([]indexEntry, 0, len(c.records)+len(fresh))
	dead := c.dead
	for key, e := range c.records {
		if c.fresh[key] {
			dead++
			continue
		}
		entries = append(entries, indexEntry{key: key, off: e.off, n: int64(len(e.enc()))})
	}
	c.saveIndex(append(entries, fresh...), dead, size, tail)
}

// tailOf reads the last tailLen bytes of the pack as opened.
func (c *extractCache) tailOf(tail *[tailLen]byte) bool {
	if c.size < tailLen {
		return false
	}
	f, err := c.fs.Open(c.file)
	if err != nil {
		return false
	}
	defer f.Close()
	_, err = f.ReadAt(tail[:], c.size-tailLen)
	return err == nil
}
