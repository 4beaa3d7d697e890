package site

import (
	"crypto/sha256"
	"encoding/binary"
	iofs "io/fs"
	"strings"
	"sync/atomic"
	"time"
	"unsafe"

	"github.com/spf13/afero"

	"github.com/newsline/timeline/timeline"
	"github.com/newsline/timeline/timeline/ingest"
)

// Unchanged files are neither opened nor parsed: as git's index does, a build
// records for each article file what the file system said of it (size,
// modification time in ns, mode and, on the operating system's file system,
// inode, device and status-change time: fileStamp) beside its bytes and the
// keys of its parsed form and its events (a file record, keyed by fileKey).
// The next build, finding the same stamp, takes the article from the pack and
// its extraction key from the record, without reading, hashing or parsing
// anything (loadRecalling). Opening, reading and closing 10,000 small files
// cost about 0.3 s of CPU per build on this project's machines, most of it
// system calls and first-touch page faults; hashing their bytes twice to find
// their parse and their events, 0.1 s more.
//
// The status-change time (ctime) is set by the kernel on every write, rename
// or chmod and cannot be set back by a tool, so an edit that restores the
// size and the modification time (touch -r, rsync -t, tar) is still seen; the
// inode changes when an editor saves by renaming a new file over the old one.
// On a file system without them (afero's memory file system) an edit keeping
// size and modification time is not seen, as with make and Hugo.
//
// Git's "racy clean" rule: a file whose modification time is not clearly
// older than the start of the build that reads it may still change within
// its timestamp's granularity without its stamp changing, so it is never
// recorded, and is read again by every build until it is older. As in git,
// the rule reads the modification time only: the status-change time is
// compared, not required to be old (a corpus copied with its times kept is
// trusted at once). The hole that leaves: a file rewritten with the same size
// and its modification time set back within the same tick of the kernel's
// clock (a few ms) as the build read it. --no-cache reads every file.

// racyWindow is how recent a file's modification time may be for its bytes to
// be recorded: wider than any file system's timestamp granularity (FAT's is 2 s)
// and than the lag of the kernel's coarse clock behind the process's.
// Tests shorten it to record files they have just written.
var racyWindow = 3 * time.Second

// fileStamp is what the file system says of a file that changes when its
// bytes do.
type fileStamp struct {
	size, mtime int64
	mode        uint32
	sys         bool // ino, dev and ctime are known (sysStamp)
	ino, dev    uint64
	ctime       int64 // ns
}

func stampOf(info iofs.FileInfo) fileStamp {
	s := fileStamp{size: info.Size(), mtime: info.ModTime().UnixNano(), mode: uint32(info.Mode())}
	sysStamp(info.Sys(), &s)
	return s
}

func (s fileStamp) append(buf []byte) []byte {
	buf = binary.AppendVarint(buf, s.size)
	buf = binary.AppendVarint(buf, s.mtime)
	buf = binary.AppendUvarint(buf, uint64(s.mode))
	if !s.sys {
		return append(buf, 0)
	}
	buf = binary.AppendUvarint(append(buf, 1), s.ino)
	buf = binary.AppendUvarint(buf, s.dev)
	return binary.AppendVarint(buf, s.ctime)
}

// settled reports whether the file was last modified clearly before limit
// (Unix ns): only then can its stamp stand for its bytes.
func (s fileStamp) settled(limit int64) bool { return s.mtime < limit }

// fileMemo answers ingest's Recall and Remember hooks from the pack.
type fileMemo struct {
	cache   *extractCache
	version string
	opts    ingest.Options // the options articles are parsed with
	limit   int64          // files changed at or after this (Unix ns) are not recorded
}

func newFileMemo(cache *extractCache, version string, opts ingest.Options, start time.Time) *fileMemo {
	if next := cache.nextRecalled; next != nil {
		next.version, next.date, next.maxBytes = version, opts.Date, opts.MaxBytes
	}
	m := &fileMemo{cache: cache, version: version, opts: opts, limit: start.Add(-racyWindow).UnixNano()}
	cache.fileKeyOf = m.fileKey // for the order of a new pack (recallOrder)
	return m
}

// fileKey names the file record of path: its stamps are checked against the
// record's, not hashed into the key, so a changed file finds (and replaces)
// its stale record. The parse options are in it because the parsed article
// the record points to depends on them.
func (m *fileMemo) fileKey(path string) [32]byte {
	var buf [256]byte // on the stack for most paths: this runs for every file
	b := append(buf[:0], "file\x00"...)
	b = append(append(append(append(b, m.version...), 0), path...), 0)
	b = appendTime(b, m.opts.Date)
	b = binary.AppendVarint(b, m.opts.MaxBytes)
	return sha256.Sum256(b)
}

// stamps encodes the stamps of a file and of its sidecar (or its absence):
// a file record starts with them.
func stamps(buf []byte, f ingest.File) []byte {
	buf = stampOf(f.Info).append(buf)
	if f.SidecarInfo == nil {
		return append(buf, 0)
	}
	return stampOf(f.SidecarInfo).append(append(buf, 1))
}

// A file record: stamps, the parse record's key, the extraction key, then the
// file's bytes.
const fileRecordKeys = 2 * 32

// fileRecordParseKey returns the parse record's key named by a file record,
// skipping its stamps as stamps wrote them; ok is false if they do not parse.
func fileRecordParseKey(rec string) (key [32]byte, ok bool) {
	b := unsafe.Slice(unsafe.StringData(rec), len(rec))
	skip := func(n int) bool {
		if n <= 0 || n > len(b) {
			return false
		}
		b = b[n:]
		return true
	}
	stamp := func() bool {
		for range 3 { // size, mtime (varints), mode (uvarint): each ends on a byte below 0x80
			_, n := binary.Uvarint(b)
			if !skip(n) {
				return false
			}
		}
		if len(b) == 0 || b[0] > 1 {
			return false
		}
		if sys := b[0] == 1; !skip(1) || !sys {
			return true
		}
		for range 3 { // ino, dev, ctime
			_, n := binary.Uvarint(b)
			if !skip(n) {
				return false
			}
		}
		return true
	}
	if !stamp() || len(b) == 0 || b[0] > 1 {
		return key, false
	}
	if sidecar := b[0] == 1; !skip(1) || (sidecar && !stamp()) {
		return key, false
	}
	if len(b) < fileRecordKeys {
		return key, false
	}
	return [32]byte(b[:32]), true
}

// recall returns the article parsed from f by an earlier build when f's and
// its sidecar's stamps are those recorded then; the article's Raw is the
// recorded bytes (in the pack's memory), and its extraction key is noted for
// the extract stage. Any doubt is a miss: the file is read.
func (m *fileMemo) recall(f ingest.File) (timeline.Article, bool) {
	var buf [64]byte
	head := stamps(buf[:0], f)
	if a, ok := m.recallNoted(f, unsafe.String(unsafe.SliceData(head), len(head))); ok {
		return a, true
	}
	key := m.fileKey(f.Path)
	rec, ok := m.cache.peek(key)
	if !ok {
		return timeline.Article{}, false
	}
	if !strings.HasPrefix(rec, unsafe.String(unsafe.SliceData(head), len(head))) || len(rec)-len(head)-fileRecordKeys != int(f.Info.Size()) {
		return timeline.Article{}, false
	}
	rest := rec[len(head):]
	var parseKey, extractKey [32]byte
	copy(parseKey[:], rest[:32])
	copy(extractKey[:], rest[32:64])
	enc, ok := m.cache.record(parseKey)
	if !ok {
		return timeline.Article{}, false
	}
	a, err := decodeArticleLazily(enc, f.Path, rawOf(rest[fileRecordKeys:]))
	if err != nil {
		m.cache.markUndecodable(parseKey)
		return timeline.Article{}, false
	}
	m.cache.use(key)
	m.cache.knowKey(f.Path, extractKey)
	if m.cache.nextRecalled != nil {
		m.note(f.Path, &recalledFile{head: string(head), fileKey: key, parseKey: parseKey, extractKey: extractKey, article: a})
	}
	return a, true
}

// remember notes the extraction key of an article just parsed and, when its
// files are settled and the parsed form is in the pack, records them.
func (m *fileMemo) remember(f ingest.File, a timeline.Article) {
	extractKey := articleKey(m.version, a)
	m.cache.knowKey(f.Path, extractKey)
	if !stampOf(f.Info).settled(m.limit) || (f.SidecarInfo != nil && !stampOf(f.SidecarInfo).settled(m.limit)) {
		return
	}
	if int64(len(f.Raw)) != f.Info.Size() {
		return // changed while read: its stamp does not describe these bytes
	}
	if !encodable(a) {
		return // cachedParse could not keep its parsed form: nothing to recall
	}
	parseKey := parseKey(m.version, f.Path, f.Raw, f.Sidecar, m.opts)
	var buf [64 + fileRecordKeys]byte
	head := append(append(stamps(buf[:0], f), parseKey[:]...), extractKey[:]...)
	// Written out, not kept: no copies (the file's bytes were a 30 MB copy
	// in a full build of 10,000 articles).
	m.cache.putRecordParts(m.fileKey(f.Path), unsafe.String(unsafe.SliceData(head), len(head)), unsafe.String(unsafe.SliceData(f.Raw), len(f.Raw)))
}

// loadRecalling is the load stage of a build with caches: unchanged files
// are recalled from the pack (fileMemo), the others read, and parsed only
// when their bytes and options are new (cachedParse). start is when the
// build started (for the racy rule); parsed counts the articles parsed;
// listing, when not nil, answers the walk (Options.Listing).
func loadRecalling(fs afero.Fs, dirs []string, date time.Time, cache *extractCache, version string, start time.Time, workers int,
	parsed *atomic.Int64, listing *ingest.Listing) ([]timeline.Article, []error) {
	opts := ingest.Options{Date: date, Workers: workers, Listing: listing}
	if len(dirs) > 1 {
		opts.OptionalDateDirs = dirs[1:]
	}
	m := newFileMemo(cache, version, opts, start)
	opts.ParseFile = cachedParse(cache, version, parsed)
	opts.Recall, opts.Remember = m.recall, m.remember
	return ingest.Load(fs, dirs, opts)
}

// rawOf views a record as the file's bytes without copying them: nothing
// writes to an article's Raw (see bodyOf), and a mapped pack is read-only.
func rawOf(enc string) []byte {
	if enc == "" {
		return []byte{}
	}
	return unsafe.Slice(unsafe.StringData(enc), len(enc))
}
