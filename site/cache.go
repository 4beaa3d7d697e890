package site

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"unsafe"

	"github.com/spf13/afero"

	"github.com/newsline/timeline/timeline"
)

// extractCache keeps every article's extracted events in one pack file, read
// once per build: one JSON file per article cost a file open and a JSON decode
// per article on every build. Each record is named by the hash of everything
// the extraction reads (articleKey: the tool version, the article's path,
// slug, metadata and raw bytes), so a changed article simply misses.
//
// Pack layout: packMagic, the tool version, then records
// [uvarint length][32-byte key][events (eventcodec.go)][CRC-32 of key+events].
// Fresh records are written as they are extracted (never all held in memory):
// appended to the pack when it is sound, or into a new pack that replaces it
// (write then rename) when there is none, it is of another tool version or
// --no-cache, or anything in it was unreadable. When the pack ends up holding
// more dead records (articles changed or gone) than live ones it is compacted.
// A truncated or corrupt record, from a killed build or a bad disk, is a miss
// and a warning, never an error: the cache only ever saves time.
//
// A record's CRC is checked when the record is first used, not when the pack
// is opened: an incremental build uses the records of the few articles that
// changed plus the parsed form of the others, and checking the whole pack
// (110 MB at 10,000 articles) cost more than the rest of opening it. Opening
// reads the pack's index (packreadindex.go) instead of the pack itself, and
// each record's length and key only in the part of the pack the index does
// not cover.
type extractCache struct {
	fs      afero.Fs
	file    string
	version string
	read    bool // false with NoCache: always extract, still write

	records  map[[32]byte]packEntry // key -> record, from the pack
	dead     int                    // duplicate records in the pack
	rewrite  bool                   // the pack is replaced, not appended to; set before any put
	warnings []string               // what was wrong with the pack

	undecodable bool  // a record failed its CRC or did not decode: compact the pack
	mapped      int64 // bytes of the pack mapped into memory (0: read into the heap, or none)

	mapping []byte // the mapped pack when mapped: a Session releases its resident pages (keepCache)

	mu    sync.Mutex
	used  map[[32]byte]bool
	fresh map[[32]byte]bool   // written this build: the old record of that key, if any, is stale
	known map[string][32]byte // article path -> extraction key, from the file records (fileMemo)
	sink  *packSink           // where fresh records go; opened by the first put
	err   error               // the first error writing records

	damaged  map[[32]byte]bool // records that failed their CRC this build
	reported int               // how many of them a warning has told of

	size    int64 // bytes of the pack as opened
	indexed bool  // the index described the whole pack as opened
	flushed bool  // records put after flush are dropped (their articles are extracted again next build)

	compacted bool // flush rewrote the pack with the live records only

	recalled     *recalledFiles // the session's previous build's notes (rawcache_session.go); nil: none
	nextRecalled *recalledFiles // this build's, for the session's next; nil: not noted

	fileKeyOf func(path string) [32]byte // names a path's file record (fileMemo.fileKey); nil: no file records this build
}

// packEntry is one record of the pack as opening found it: one string over
// the record's key, payload and CRC as written (they lie in that order), 24
// bytes where three strings, one per part, made it 56. The records map of a
// 10,000-article pack has 30,000 entries, all memory touched for the first
// time when the cache is opened (about 5 ms of CPU per MB here).
type packEntry struct {
	rec string // the key's 32 bytes, the payload, the CRC-32's 4 bytes (recordView)
	off int64  // where the payload starts in the pack
}

// recordView is the entry of the record whose payload is text[off:off+n],
// its key the 32 bytes before and its CRC the 4 after (the caller checked
// they are within text).
func recordView(text string, off, n int) packEntry {
	return packEntry{rec: text[off-32 : off+n+4], off: int64(off)}
}

// enc is the payload: encoded events, parsed article or file record ("" for
// the zero entry).
func (e packEntry) enc() string {
	if len(e.rec) < 32+4 {
		return ""
	}
	return e.rec[32 : len(e.rec)-4]
}

// sound checks the record's key and CRC, which covers key and payload: the
// index that located the record may be stale.
func (e packEntry) sound(key [32]byte) bool {
	if len(e.rec) < 32+4 || e.rec[:32] != unsafe.String(&key[0], 32) {
		return false
	}
	body, crc := e.rec[:len(e.rec)-4], e.rec[len(e.rec)-4:]
	want := uint32(crc[0]) | uint32(crc[1])<<8 | uint32(crc[2])<<16 | uint32(crc[3])<<24
	// Over the key as the pack holds it (equal to key): passing key[:] would
	// move key to the heap, an allocation per record.
	return crc32.Update(0, crc32.IEEETable, unsafe.Slice(unsafe.StringData(body), len(body))) == want
}

type packRecord struct {
	key    [32]byte
	events string // encoded
}

// packSink buffers records on their way to a file, noting where each one
// lands for the index.
type packSink struct {
	f       afero.File
	buf     *bufio.Writer
	pos     int64 // bytes of the file before the next record
	entries []indexEntry
	tail    [tailLen]byte // the file's last bytes so far
}

const packMagic = "timeline-extract-pack-1\n"

// openExtractCache reads the pack in cacheDir (unless read is false); mapped
// maps it instead of copying it (readPack).
func openExtractCache(fs afero.Fs, cacheDir, version string, read, mapped bool) *extractCache {
	c := &extractCache{fs: fs, file: packFile(cacheDir), version: version, read: read,
		records: map[[32]byte]packEntry{}, used: map[[32]byte]bool{}, fresh: map[[32]byte]bool{}, known: map[string][32]byte{},
		damaged: map[[32]byte]bool{}}
	if !read {
		c.rewrite = true
		return c
	}
	data, isMapped, err := readPack(fs, c.file, mapped)
	if isMapped {
		c.mapped, c.mapping = int64(len(data)), data
	}
	if err != nil {
		c.rewrite = true
		if !os.IsNotExist(err) {
			c.warnings = append(c.warnings, fmt.Sprintf("%s: %v (extracting every article again)", c.file, err))
		}
		return c
	}
	c.size = int64(len(data))
	from := len(c.header())
	if covered, ok := c.readIndex(data, mapped); ok {
		from = covered
		c.indexed = covered == len(data)
	}
	c.parse(data, from)
	// Sized once: an incremental build uses about every record, and growing
	// the maps allocated twice their size in memory touched for the first time.
	c.used = make(map[[32]byte]bool, len(c.records))
	c.known = make(map[string][32]byte, len(c.records)/3)
	return c
}

// packFile is the pack's name in the cache folder.
func packFile(cacheDir string) string { return filepath.Join(cacheDir, "extract.pack") }

// parse indexes the records of a pack from byte from on (the end of its
// header, or of the part its index covered). The decoded events' strings
// point into the pack's memory instead of each being copied: data is viewed
// as a string without a copy, which is sound because nothing writes to data
// after this.
func (c *extractCache) parse(data []byte, from int) {
	header := c.header()
	if !bytes.HasPrefix(data, []byte(header)) {
		c.rewrite = true // another tool version, or not a pack: start afresh
		return
	}
	text := unsafe.String(unsafe.SliceData(data), len(data))
	for pos := max(from, len(header)); pos < len(data); {
		n, w := binary.Uvarint(data[pos:])
		if w <= 0 || n < 32+4 || n > uint64(len(data)-pos-w) {
			c.corrupt(pos)
			return
		}
		start, end := pos+w, pos+w+int(n)-4
		key := [32]byte(data[start : start+32])
		before := len(c.records) // a key met again: its earlier record is dead (readIndex)
		c.records[key] = recordView(text, start+32, end-start-32)
		if len(c.records) == before {
			c.dead++
		}
		pos = end + 4
	}
}

func (c *extractCache) corrupt(pos int) {
	c.rewrite = true
	c.warnings = append(c.warnings, fmt.Sprintf("%s: unreadable record at byte %d, extracting the articles from there again", c.file, pos))
}

// articleKey hashes what the extraction of a depends on. Meta stands in for the
// sidecar and the --date option (both only reach extraction through Meta).
func articleKey(version string, a timeline.Article) [32]byte {
	h := sha256.New()
	for _, s := range []string{version, a.Path, a.Slug, a.Format} {
		io.WriteString(h, s)
		h.Write([]byte{0})
	}
	if a.Meta.Extra == nil {
		// The article codec's exact binary form: json.Marshal's reflection
		// was most of this function's cost.
		enc := eventEncoder{seen: map[string]int{}}
		h.Write(enc.meta([]byte{1}, a.Meta))
	} else if meta, err := json.Marshal(a.Meta); err == nil {
		h.Write([]byte{2})
		h.Write(meta)
	} else {
		fmt.Fprintf(h, "\x03%#v", a.Meta) // fmt prints maps sorted: still deterministic
	}
	h.Write([]byte{0})
	h.Write(a.Raw)
	var key [32]byte
	h.Sum(key[:0])
	return key
}

// get returns the cached events for key; ok is false on a miss. An entry that
// does not decode is a miss plus a warning. Safe for concurrent use.
func (c *extractCache) get(key [32]byte, path string) (events []timeline.Event, ok bool, warn string) {
	enc, found := c.record(key)
	if !found {
		return nil, false, ""
	}
	events, err := decodeEvents(enc)
	if err != nil {
		c.markUndecodable(key)
		return nil, false, fmt.Sprintf("%s: unreadable cache record for %s (%v), extracting again", c.file, path, err)
	}
	return events, true, ""
}

// record returns the encoded record for key and marks it used (kept in the
// pack); ok is false on a miss or with NoCache. Safe for concurrent use.
func (c *extractCache) record(key [32]byte) (enc string, ok bool) {
	enc, ok = c.peek(key)
	if ok {
		c.use(key)
	}
	return enc, ok
}

// peek is record without marking the record used: for a record that may turn
// out stale (a file record whose stamps no longer match).
func (c *extractCache) peek(key [32]byte) (enc string, ok bool) {
	e, ok := c.entry(key)
	if !ok {
		return "", false
	}
	if !e.sound(key) {
		c.markDamaged(key)
		return "", false
	}
	return e.enc(), true
}

// entry returns the record for key as the pack holds it, its CRC not
// checked yet (see packEntry.sound): for events decoded on demand. It is
// neither marked used nor checked. Safe for concurrent use.
func (c *extractCache) entry(key [32]byte) (packEntry, bool) {
	if !c.read {
		return packEntry{}, false
	}
	e, ok := c.records[key]
	return e, ok
}

// markDamaged notes a record that failed its CRC: it is a miss, and the pack
// is compacted at the end of the build, which drops it.
func (c *extractCache) markDamaged(key [32]byte) {
	c.mu.Lock()
	c.undecodable = true
	c.damaged[key] = true
	delete(c.used, key)
	c.mu.Unlock()
}

// damageWarnings returns a warning for the records found damaged since the
// last call, if any. Safe for concurrent use.
func (c *extractCache) damageWarnings() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := len(c.damaged) - c.reported
	if n == 0 {
		return nil
	}
	c.reported = len(c.damaged)
	return []string{fmt.Sprintf("%s: %d record(s) failed their checksum (a bad disk or a build killed while writing), read and extracted again", c.file, n)}
}

// use marks the record of key used: it is kept in the pack.
func (c *extractCache) use(key [32]byte) {
	c.mu.Lock()
	c.used[key] = true
	c.mu.Unlock()
}

// knowKey notes the extraction key of the article read from path, so the
// extract stage need not hash the article again (fileMemo). Safe for
// concurrent use.
func (c *extractCache) knowKey(path string, key [32]byte) {
	c.mu.Lock()
	c.known[path] = key
	c.mu.Unlock()
}

// articleKey is the package's articleKey, taken from what the load stage
// noted of the article's file when it could. Safe for concurrent use.
func (c *extractCache) articleKey(version string, a timeline.Article) [32]byte {
	c.mu.Lock()
	key, ok := c.known[a.Path]
	c.mu.Unlock()
	if ok {
		return key
	}
	return articleKey(version, a)
}

// markUndecodable notes that the record for key passed its CRC but did not
// decode: it is no longer used, and the pack is compacted at the end of the
// build, which drops it.
func (c *extractCache) markUndecodable(key [32]byte) {
	c.mu.Lock()
	c.undecodable = true
	delete(c.used, key)
	c.mu.Unlock()
}

// put writes freshly extracted events to the pack. Safe for concurrent use.
func (c *extractCache) put(key [32]byte, events []timeline.Event) {
	enc := appendEvents(nil, events)
	c.putRecord(key, unsafe.String(unsafe.SliceData(enc), len(enc))) // written out, not kept: no copy
}

// putRecord writes one fresh record to the pack. Safe for concurrent use.
func (c *extractCache) putRecord(key [32]byte, enc string) { c.putRecordParts(key, enc, "") }

// putRecordParts writes a fresh record whose payload is head then body,
// without joining them first (a file record's body is the file's bytes).
func (c *extractCache) putRecordParts(key [32]byte, head, body string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.used[key] = true
	c.fresh[key] = true
	if c.err != nil || c.flushed {
		return
	}
	if c.sink == nil {
		c.sink, c.err = c.openSink()
		if c.err != nil {
			return
		}
	}
	c.err = c.sink.write(key, head, body)
}

// write writes one record, its payload head then body, and notes where it
// landed.
func (s *packSink) write(key [32]byte, head, body string) error {
	n := len(head) + len(body)
	h := uvarintLen(uint64(32 + n + 4))
	s.entries = append(s.entries, indexEntry{key: key, off: s.pos + int64(h) + 32, n: int64(n)})
	s.pos += int64(h) + 32 + int64(n) + 4
	// The file's last bytes: the end of key, head and body, then the CRC.
	last := s.tail[:tailLen-4]
	fill := len(last)
	for _, part := range []string{body, head, unsafe.String(&key[0], 32)} {
		take := min(fill, len(part))
		copy(last[fill-take:fill], part[len(part)-take:])
		fill -= take
	}
	binary.LittleEndian.PutUint32(s.tail[tailLen-4:], recordCRC(key, head, body))
	return writeRecordParts(s.buf, key, head, body)
}

// recordCRC is the CRC-32 of a record's key and payload.
func recordCRC(key [32]byte, head, body string) uint32 {
	crc := crc32.Update(0, crc32.IEEETable, unsafe.Slice(&key[0], 32))
	crc = crc32.Update(crc, crc32.IEEETable, unsafe.Slice(unsafe.StringData(head), len(head)))
	return crc32.Update(crc, crc32.IEEETable, unsafe.Slice(unsafe.StringData(body), len(body)))
}

func uvarintLen(v uint64) int {
	var b [binary.MaxVarintLen64]byte
	return binary.PutUvarint(b[:], v)
}

// writeRecord writes one record as appendRecords lays it out, straight into w:
// a full build puts every article's bytes, parsed form and events, and building
// each record in a buffer of its own first allocated them all again.
func writeRecord(w *bufio.Writer, key [32]byte, enc string) error {
	return writeRecordParts(w, key, enc, "")
}

// writeRecordParts is writeRecord for a payload in two parts.
func writeRecordParts(w *bufio.Writer, key [32]byte, head, body string) error {
	var n [binary.MaxVarintLen64]byte
	w.Write(n[:binary.PutUvarint(n[:], uint64(32+len(head)+len(body)+4))])
	w.Write(key[:])
	w.WriteString(head)
	w.WriteString(body)
	_, err := w.Write(binary.LittleEndian.AppendUint32(n[:0], recordCRC(key, head, body)))
	return err // a bufio.Writer keeps its first error
}

// openSink opens the pack for appending, or starts the new pack.
func (c *extractCache) openSink() (*packSink, error) {
	if err := c.fs.MkdirAll(filepath.Dir(c.file), 0o755); err != nil {
		return nil, err
	}
	var f afero.File
	var err error
	if c.rewrite {
		f, err = c.fs.OpenFile(c.tmpFile(), os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	} else {
		f, err = c.fs.OpenFile(c.file, os.O_WRONLY|os.O_APPEND, 0o644)
	}
	if err != nil {
		return nil, err
	}
	// 128 KiB: an incremental build puts a few records, and a 1 MiB buffer was
	// that much memory touched for the first time (5 ms of CPU here).
	sink := &packSink{f: f, buf: bufio.NewWriterSize(f, 128<<10), pos: c.size}
	if c.rewrite {
		_, err = sink.buf.WriteString(c.header())
		sink.pos = int64(len(c.header()))
	}
	return sink, err
}

func (c *extractCache) header() string  { return packMagic + c.version + "\n" }
func (c *extractCache) tmpFile() string { return c.file + ".tmp" }

// flush finishes the pack: the records this build read from the old pack are
// carried into a new one, and a pack grown mostly dead is compacted.
func (c *extractCache) flush() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.flushed {
		return nil
	}
	c.flushed = true
	if c.rewrite && c.sink == nil && c.err == nil {
		c.sink, c.err = c.openSink() // nothing extracted, but the old pack must go
	}
	if c.rewrite && c.err == nil {
		for _, r := range c.liveOldRecords() {
			if c.err = c.sink.write(r.key, r.events, ""); c.err != nil {
				break
			}
		}
	}
	if c.sink != nil {
		if err := c.sink.buf.Flush(); c.err == nil {
			c.err = err
		}
		if err := c.sink.f.Close(); c.err == nil {
			c.err = err
		}
	}
	if c.err != nil {
		if c.rewrite {
			_ = c.fs.Remove(c.tmpFile())
		}
		return fmt.Errorf("cache: %w", c.err)
	}
	if c.rewrite {
		if err := c.replace(); err != nil {
			return err
		}
		c.saveIndex(c.sink.entries, 0, c.sink.pos, c.sink.tail)
		return nil
	}
	if c.undecodable || c.dead+len(c.records)-c.liveOld() > len(c.used) {
		c.compacted = true
		return c.compact()
	}
	if c.sink != nil || !c.indexed {
		c.saveAppendedIndex()
	}
	return nil
}

// liveOld is the number of records of the old pack this build used, while
// no record was found undecodable: a key enters used by a hit in records
// (use: record, extractOne, recall and recallNoted call it after finding the
// key there) or by a put, which marks it fresh too; records only grows;
// and only markDamaged and markUndecodable take keys out of used, and they
// set undecodable. So used is the fresh keys and, apart from them, the old
// records used (was: liveOldCount, a lookup in records and one in fresh for
// each used key, 30,000 at 10,000 articles; the package's tests count so
// too, through liveOldCheck, and compare).
func (c *extractCache) liveOld() int {
	n := len(c.used) - len(c.fresh)
	if liveOldCheck != nil {
		liveOldCheck(c, n)
	}
	return n
}

// liveOldCheck, set by the package's tests, is given every liveOld count.
var liveOldCheck func(c *extractCache, n int)

// liveOldRecords lists the records of the old pack this build used, in the
// order the load stage reads them (recallOrder), the others after them by key.
func (c *extractCache) liveOldRecords() []packRecord {
	type ranked struct {
		packRecord
		rank int
	}
	rank := c.recallOrder()
	var live []ranked
	for key := range c.used {
		// Checked here because a record used without being read (events
		// nobody decoded) was never checked, and its copy gets a new CRC.
		if e, ok := c.records[key]; ok && !c.fresh[key] && e.sound(key) {
			r, ok := rank[key]
			if !ok {
				r = len(rank)
			}
			live = append(live, ranked{packRecord{key: key, events: e.enc()}, r})
		}
	}
	slices.SortFunc(live, func(a, b ranked) int {
		if a.rank != b.rank {
			return a.rank - b.rank
		}
		return bytes.Compare(a.key[:], b.key[:])
	})
	recs := make([]packRecord, len(live))
	for i, r := range live {
		recs[i] = r.packRecord
	}
	return recs
}

// recallOrder ranks the records of the articles this build read, by path:
// each file record then the parsed article it names, then the events of
// each article. A new pack laid out so is read front to back by the next
// build's load stage (paths are walked in order), where one sorted by key
// had it touch two records at random places of 110 MB for each of 10,000
// files (at 10,000 articles): first touches of pages and cache lines that
// were most of a fresh process's recall. A file record that does not parse
// only loses its parsed article's place (its CRC is checked by the caller).
func (c *extractCache) recallOrder() map[[32]byte]int {
	paths := make([]string, 0, len(c.known))
	for p := range c.known {
		paths = append(paths, p)
	}
	slices.Sort(paths)
	rank := make(map[[32]byte]int, 3*len(paths))
	at := func(key [32]byte) {
		if _, ok := rank[key]; !ok {
			rank[key] = len(rank)
		}
	}
	if c.fileKeyOf != nil {
		for _, p := range paths {
			key := c.fileKeyOf(p)
			e, ok := c.records[key]
			if !ok || !c.used[key] {
				continue
			}
			at(key)
			if parseKey, ok := fileRecordParseKey(e.enc()); ok {
				at(parseKey)
			}
		}
	}
	for _, p := range paths {
		at(c.known[p])
	}
	return rank
}

// replace renames the new pack over the old one.
func (c *extractCache) replace() error {
	if err := c.fs.Rename(c.tmpFile(), c.file); err != nil {
		return fmt.Errorf("cache: %w", err)
	}
	// The one-file-per-article cache of earlier versions is dead weight now.
	_ = c.fs.RemoveAll(filepath.Join(filepath.Dir(c.file), "extract"))
	return nil
}

// compact rewrites the pack with only the records this build used: it reads
// the pack again, since this build's records went straight to the file.
func (c *extractCache) compact() error {
	again := &extractCache{fs: c.fs, file: c.file, version: c.version, read: true,
		records: map[[32]byte]packEntry{}, used: c.used, fresh: map[[32]byte]bool{}, rewrite: true,
		known: c.known, fileKeyOf: c.fileKeyOf}
	data, err := afero.ReadFile(c.fs, c.file)
	if err != nil {
		return fmt.Errorf("cache: %w", err)
	}
	again.parse(data, 0)
	again.rewrite = true
	return again.flush()
}

func appendRecords(buf []byte, recs []packRecord) []byte {
	for _, r := range recs {
		n := 32 + len(r.events) + 4
		buf = binary.AppendUvarint(buf, uint64(n))
		start := len(buf)
		buf = append(buf, r.key[:]...)
		buf = append(buf, r.events...)
		buf = binary.LittleEndian.AppendUint32(buf, crc32.ChecksumIEEE(buf[start:]))
	}
	return buf
}
