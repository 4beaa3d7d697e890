package site

import (
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
// A build appends the records it extracted; when the pack holds as many dead
// records (articles changed or gone) as live ones, or anything in it was
// unreadable, it is rewritten whole (write then rename). A truncated or corrupt
// record, from a killed build or a bad disk, is a miss and a warning, never an
// error: the cache only ever saves time.
type extractCache struct {
	fs      afero.Fs
	file    string
	version string
	read    bool // false with NoCache: always extract, still write

	records  map[[32]byte]string // key -> encoded events, from the pack
	dead     int                 // records in the pack no article of this build needs
	rewrite  bool                // the pack must be written whole
	warnings []string            // what was wrong with the pack

	mu    sync.Mutex
	used  map[[32]byte]bool
	added []packRecord
}

type packRecord struct {
	key    [32]byte
	events string // encoded
}

const packMagic = "timeline-extract-pack-1\n"

func openExtractCache(fs afero.Fs, cacheDir, version string, read bool) *extractCache {
	c := &extractCache{fs: fs, file: filepath.Join(cacheDir, "extract.pack"), version: version, read: read,
		records: map[[32]byte]string{}, used: map[[32]byte]bool{}}
	if !read {
		c.rewrite = true
		return c
	}
	data, err := afero.ReadFile(fs, c.file)
	if err != nil {
		c.rewrite = true
		if !os.IsNotExist(err) {
			c.warnings = append(c.warnings, fmt.Sprintf("%s: %v (extracting every article again)", c.file, err))
		}
		return c
	}
	c.parse(data)
	return c
}

// parse indexes the records of a pack. The decoded events' strings point into
// the pack's memory instead of each being copied: data is viewed as a string
// without a copy, which is sound because nothing writes to data after this.
func (c *extractCache) parse(data []byte) {
	header := packMagic + c.version + "\n"
	if !bytes.HasPrefix(data, []byte(header)) {
		c.rewrite = true // another tool version, or not a pack: start afresh
		return
	}
	text := unsafe.String(unsafe.SliceData(data), len(data))
	for pos := len(header); pos < len(data); {
		n, w := binary.Uvarint(data[pos:])
		if w <= 0 || n < 32+4 || n > uint64(len(data)-pos-w) {
			c.corrupt(pos)
			return
		}
		start, end := pos+w, pos+w+int(n)-4
		if crc32.ChecksumIEEE(data[start:end]) != binary.LittleEndian.Uint32(data[end:]) {
			c.corrupt(pos)
			return
		}
		key := [32]byte(data[start : start+32])
		if _, dup := c.records[key]; dup {
			c.dead++
		}
		c.records[key] = text[start+32 : end]
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
	if meta, err := json.Marshal(a.Meta); err == nil {
		h.Write(meta)
	} else {
		fmt.Fprintf(h, "%#v", a.Meta) // fmt prints maps sorted: still deterministic
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
	if !c.read {
		return nil, false, ""
	}
	enc, found := c.records[key]
	if !found {
		return nil, false, ""
	}
	events, err := decodeEvents(enc)
	c.mu.Lock()
	defer c.mu.Unlock()
	if err != nil {
		c.rewrite = true
		return nil, false, fmt.Sprintf("%s: unreadable cache record for %s (%v), extracting again", c.file, path, err)
	}
	c.used[key] = true
	return events, true, ""
}

// put records freshly extracted events; flush writes them. Safe for concurrent use.
func (c *extractCache) put(key [32]byte, events []timeline.Event) {
	enc := string(appendEvents(nil, events))
	c.mu.Lock()
	defer c.mu.Unlock()
	c.added = append(c.added, packRecord{key: key, events: enc})
	c.used[key] = true
}

// flush saves what this build extracted: appended to the pack, or the pack
// rewritten with the records this build used when it holds too many others.
func (c *extractCache) flush() error {
	c.dead += len(c.records) - c.usedFromPack()
	if !c.rewrite && c.dead <= len(c.used) {
		return c.appendRecords(c.added)
	}
	return c.writeAll()
}

func (c *extractCache) usedFromPack() int {
	n := 0
	for key := range c.used {
		if _, ok := c.records[key]; ok {
			n++
		}
	}
	return n
}

func (c *extractCache) appendRecords(recs []packRecord) error {
	if len(recs) == 0 {
		return nil
	}
	f, err := c.fs.OpenFile(c.file, os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return fmt.Errorf("cache: %w", err)
	}
	_, err = f.Write(appendRecords(nil, recs)) // one write: a killed build leaves at most one torn record
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("cache: %w", err)
	}
	return nil
}

// writeAll writes a new pack of the records this build used, in key order so
// the file does not depend on scheduling, then renames it over the old one.
func (c *extractCache) writeAll() error {
	live := make([]packRecord, 0, len(c.used))
	for key := range c.used {
		if enc, ok := c.records[key]; ok {
			live = append(live, packRecord{key: key, events: enc})
		}
	}
	live = append(live, c.added...)
	sortRecords(live)
	buf := appendRecords([]byte(packMagic+c.version+"\n"), live)
	if err := c.fs.MkdirAll(filepath.Dir(c.file), 0o755); err != nil {
		return fmt.Errorf("cache: %w", err)
	}
	tmp := c.file + ".tmp"
	if err := afero.WriteFile(c.fs, tmp, buf, 0o644); err != nil {
		return fmt.Errorf("cache: %w", err)
	}
	if err := c.fs.Rename(tmp, c.file); err != nil {
		return fmt.Errorf("cache: %w", err)
	}
	// The one-file-per-article cache of earlier versions is dead weight now.
	_ = c.fs.RemoveAll(filepath.Join(filepath.Dir(c.file), "extract"))
	return nil
}

func sortRecords(recs []packRecord) {
	slices.SortFunc(recs, func(a, b packRecord) int { return bytes.Compare(a.key[:], b.key[:]) })
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
