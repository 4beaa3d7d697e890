package render

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"hash"
	"sync"
	"time"
	"unsafe"

	"github.com/newsline/timeline/timeline"
)

// keyWriter hashes typed fields for page Keys. Each field is written with a
// tag byte and, for strings and lists, its length, so two different field
// sequences never produce the same byte stream. It replaces hashing JSON
// encodings: a 10,000-article plan spent most of its time in json.Marshal's
// reflection. Fields are buffered and handed to SHA-256 in large blocks.
type keyWriter struct {
	h   hash.Hash
	buf []byte
	out [sha256.Size]byte // where sums land: a local array escaped to the heap, one allocation per Key
}

const keyFlushAt = 2 << 10

func newKeyWriter() *keyWriter {
	return &keyWriter{h: sha256.New(), buf: make([]byte, 0, keyFlushAt+512)}
}

// keyWriters lends key writers to the Keys computed on several goroutines
// (event and article pages, digests; see inParallel). A site's own s.keys
// serves the rest, on the planning goroutine only.
var keyWriters = sync.Pool{New: func() any { return newKeyWriter() }}

// borrowKeyWriter returns a reset writer; give it back with returnKeyWriter.
func borrowKeyWriter() *keyWriter {
	k := keyWriters.Get().(*keyWriter)
	k.reset()
	return k
}

func returnKeyWriter(k *keyWriter) { keyWriters.Put(k) }

// Field tags: a field of one type can never be read as one of another.
const (
	tagStr byte = iota + 1
	tagBytes
	tagInt
	tagBool
	tagTime
	tagList
	tagNil
)

// reset starts a new Key, keeping the buffer.
func (k *keyWriter) reset() {
	k.h.Reset()
	k.buf = k.buf[:0]
}

func (k *keyWriter) flush() {
	if len(k.buf) > 0 {
		k.h.Write(k.buf)
		k.buf = k.buf[:0]
	}
}

func (k *keyWriter) head(tag byte, n int) {
	if len(k.buf) >= keyFlushAt {
		k.flush()
	}
	k.buf = append(k.buf, tag)
	k.buf = binary.AppendVarint(k.buf, int64(n))
}

func (k *keyWriter) str(s string) {
	k.head(tagStr, len(s))
	if len(s) > keyFlushAt {
		k.flush()
		// Viewed, not copied: an article's text is hashed on every plan, and
		// converting it copied 56 MB per plan at 10,000 articles. The hash
		// only reads its input.
		k.h.Write(unsafe.Slice(unsafe.StringData(s), len(s)))
		return
	}
	k.buf = append(k.buf, s...)
}

func (k *keyWriter) bytes(b []byte) {
	k.head(tagBytes, len(b))
	if len(b) > keyFlushAt {
		k.flush()
		k.h.Write(b)
		return
	}
	k.buf = append(k.buf, b...)
}

func (k *keyWriter) int(n int) { k.head(tagInt, n) }

func (k *keyWriter) bool(b bool) {
	n := 0
	if b {
		n = 1
	}
	k.head(tagBool, n)
}

// list starts a list of n items (or marks a nil pointer with n < 0).
func (k *keyWriter) list(n int) {
	if n < 0 {
		k.head(tagNil, 0)
		return
	}
	k.head(tagList, n)
}

func (k *keyWriter) time(t time.Time) {
	_, offset := t.Zone()
	k.head(tagTime, offset)
	k.buf = binary.AppendVarint(k.buf, t.Unix())
	k.buf = binary.AppendVarint(k.buf, int64(t.Nanosecond()))
}

func (k *keyWriter) span(s timeline.Span) {
	k.int(s.Start)
	k.int(s.End)
}

func (k *keyWriter) date(d timeline.Date) {
	k.str(d.Value)
	k.int(int(d.Gran))
	k.time(d.Start)
	k.time(d.End)
}

func (k *keyWriter) datePtr(d *timeline.Date) {
	if d == nil {
		k.list(-1)
		return
	}
	k.list(1)
	k.date(*d)
}

func (k *keyWriter) strs(list []string) {
	k.list(len(list))
	for _, s := range list {
		k.str(s)
	}
}

// event writes every field of an event.
func (k *keyWriter) event(ev *timeline.Event) {
	k.str(ev.ID)
	k.str(ev.Title)
	k.date(ev.Start)
	k.datePtr(ev.End)
	k.bool(ev.Lead)
	k.bool(ev.Manual)
	k.list(len(ev.Mentions))
	for i := range ev.Mentions {
		m := &ev.Mentions[i]
		k.str(m.Article)
		k.str(m.Source)
		k.span(m.Sentence)
		k.str(m.Text)
		if m.Timex == nil {
			k.list(-1)
		} else {
			k.list(1)
			k.span(*m.Timex)
		}
		k.str(m.TimexText)
	}
	k.list(len(ev.Entities))
	for _, en := range ev.Entities {
		k.str(en.Name)
		k.str(string(en.Kind))
	}
}

// linkTo writes what a link to event i shows, as its digest (site.linkDigests).
func (k *keyWriter) linkTo(s *site, i int) { k.bytes(s.linkDigests[i][:]) }

// link writes what a link to an event shows: its title and dates.
func (k *keyWriter) link(ev *timeline.Event) {
	k.str(ev.ID)
	k.str(ev.Title)
	k.date(ev.Start)
	k.datePtr(ev.End)
}

// meta writes the front matter fields a page can show (Extra, unknown keys
// kept for other tools, appears on no page).
func (k *keyWriter) meta(m *timeline.Meta) {
	k.str(m.Title)
	k.time(m.Date)
	k.str(m.DateText)
	k.str(m.Source)
	k.str(m.Author)
	k.str(m.Publisher)
	k.strs(m.Tags)
	k.bool(m.Draft)
	k.str(m.Slug)
	k.bool(m.Sample)
}

// headDigest hashes what an article contributes to pages that show only its
// metadata (articleHead): every event citing it writes this digest instead of
// the fields, once per article rather than once per citing event.
func headDigest(k *keyWriter, a *timeline.Article) [16]byte {
	k.reset()
	k.articleHead(a)
	return k.digest()
}

// articleHead writes what an article contributes to pages that show only its
// metadata (event pages, lists).
func (k *keyWriter) articleHead(a *timeline.Article) {
	k.str(a.Path)
	k.str(a.Slug)
	k.str(a.Format)
	k.str(a.Headline)
	k.meta(&a.Meta)
}

// sum returns the Key: the first 12 bytes of the hash, in hex.
func (k *keyWriter) sum() string {
	k.flush()
	return hex.EncodeToString(k.h.Sum(k.out[:0])[:12])
}

// digest returns the first 16 bytes of the hash, for digests that are
// hashed again into Keys.
func (k *keyWriter) digest() [16]byte {
	k.flush()
	var d [16]byte
	copy(d[:], k.h.Sum(k.out[:0]))
	return d
}

// contentDigest hashes an article's text (raw file, body, cleaned text and the
// spans set aside), the part of it only its own page shows. k is reused for
// every article: a fresh hash and buffer each was an allocation per article.
// A body that is the end of the raw file (nearly always: the file after its
// front matter) is written as where it starts, which says the same.
func contentDigest(k *keyWriter, a *timeline.Article) string {
	k.reset()
	k.bytes(a.Raw)
	if start := len(a.Raw) - len(a.Body); start >= 0 && string(a.Raw[start:]) == a.Body {
		k.int(start)
	} else {
		k.str(a.Body)
	}
	k.str(a.Text)
	k.list(len(a.SetAside))
	for _, sp := range a.SetAside {
		k.span(sp)
	}
	return k.sum()
}
