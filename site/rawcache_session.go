package site

import (
	"sync"
	"sync/atomic"
	"time"

	"github.com/newsline/timeline/timeline"
	"github.com/newsline/timeline/timeline/ingest"
)

// A session's build notes, for each article file it recalled (fileMemo),
// the file's stamps, the keys of its records and the article decoded from
// them; the session's next build (keptPack carries the notes, like the
// pack's records) takes an unchanged file's article from its note. Recalling
// it again cost a SHA-256 of its record's name, two CRC checks of records
// whose pages releasePack had dropped (page faults) and a decode: the bulk
// of a warm build's load stage at 10,000 articles, beside the walk's stats.
//
// Trust is the pack's (keptPack): the notes are used only by a build whose
// cache was reopened from the records kept with them, so the article's
// strings still point into memory the session holds, and only when the
// file's and its sidecar's stamps are those noted, under the parse options
// noted. The records were checked (key and CRC) when the note was made.
type recalledFiles struct {
	version  string
	date     time.Time
	maxBytes int64

	mu     sync.Mutex
	byPath map[string]*recalledFile
}

// recalledFile is the note of one file.
type recalledFile struct {
	head                          string // stamps(f) when recalled
	fileKey, parseKey, extractKey [32]byte
	article                       timeline.Article
}

// noteRecalledFiles makes the cache note the files this build recalls, for
// a session's next build (keep); newFileMemo says under which options.
func (c *extractCache) noteRecalledFiles() {
	c.nextRecalled = &recalledFiles{byPath: make(map[string]*recalledFile, len(c.records)/3)}
}

// matches reports whether the notes were made under these parse options.
func (r *recalledFiles) matches(version string, opts ingest.Options) bool {
	return r != nil && r.version == version && r.date.Equal(opts.Date) && r.maxBytes == opts.MaxBytes
}

// recallNoted returns f's article from the previous build's note when f and
// its sidecar have the stamps noted and the records it came from are still
// in the pack, marking them used as recall does.
func (m *fileMemo) recallNoted(f ingest.File, head string) (timeline.Article, bool) {
	prev := m.cache.recalled
	if !recallNotes || !prev.matches(m.version, m.opts) {
		return timeline.Article{}, false
	}
	r := prev.byPath[f.Path] // read only: written by the previous build
	if r == nil || r.head != head {
		return timeline.Article{}, false
	}
	if !m.cache.holds(r.fileKey) || !m.cache.holds(r.parseKey) {
		return timeline.Article{}, false
	}
	m.cache.use(r.fileKey)
	m.cache.use(r.parseKey)
	m.cache.knowKey(f.Path, r.extractKey)
	m.note(f.Path, r)
	notedRecalls.Add(1)
	return r.article, true
}

// notedRecalls counts the files taken from a note (for the tests).
var notedRecalls atomic.Int64

// recallNotes is turned off by the benchmarks' TIMELINE_BENCH_NO_NOTES, to
// compare warm builds with and without the notes in one binary.
var recallNotes = true

// note records r for the session's next build, when the cache notes.
func (m *fileMemo) note(path string, r *recalledFile) {
	next := m.cache.nextRecalled
	if next == nil {
		return
	}
	next.mu.Lock()
	next.byPath[path] = r
	next.mu.Unlock()
}

// holds reports whether the pack has a sound-looking record of key that
// was not found damaged this build: a map lookup, no CRC.
func (c *extractCache) holds(key [32]byte) bool {
	if _, ok := c.records[key]; !ok || !c.read {
		return false
	}
	c.mu.Lock()
	damaged := c.damaged[key]
	c.mu.Unlock()
	return !damaged
}
