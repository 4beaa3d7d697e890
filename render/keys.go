package render

import (
	"encoding/binary"
	"encoding/hex"
	"sync"
	"time"

	"github.com/zeebo/xxh3"

	"github.com/newsline/timeline/timeline"
)

// keyWriter hashes typed fields for page Keys. Each field is written with a
// tag byte and, for strings and lists, its length, so two different field
// sequences never produce the same byte stream. It replaces hashing JSON
// encodings: a 10,000-article plan spent most of its time in json.Marshal's
// reflection.
//
// The fields are collected in a buffer and hashed with XXH3-128: in one call
// at the end for the small Keys (nearly all), streamed in blocks for the
// site-wide ones (same result: XXH3's streaming form is the one-shot
// hash of the whole input). A Key only detects change (equal Key, equal bytes, for inputs
// this program made itself); it needs no resistance to forgery, and SHA-256
// cost an incremental 10,000-article plan a third of its CPU. XXH3's output is
// fixed by its specification, so Keys stay comparable across processes and
// machines. A string longer than bigField is written as its own XXH3-128
// instead of its bytes (its length says which form follows), so an article's
// text is read once, in place, and not copied into the buffer.
type keyWriter struct {
	buf       []byte
	h         *xxh3.Hasher // made on the first Key that outgrows keyFlushAt
	streaming bool         // this Key's first bytes are in h
}

// bigField is the length above which a string or byte field is hashed on
// its own and only its digest written.
const bigField = 1 << 10

// keyFlushAt is the buffered length above which a Key streams into h, so the
// buffer stays small and is reused whatever the Key's size.
var keyFlushAt = 16 << 10 // a variable so a test can stream every Key

func newKeyWriter() *keyWriter {
	return &keyWriter{buf: make([]byte, 0, keyFlushAt+2*bigField)}
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
	k.buf = k.buf[:0]
	k.streaming = false
}

// flush passes the buffered bytes to the streaming hash.
func (k *keyWriter) flush() {
	if k.h == nil {
		k.h = xxh3.New()
	}
	if !k.streaming {
		k.h.Reset()
		k.streaming = true
	}
	k.h.Write(k.buf)
	k.buf = k.buf[:0]
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
	if len(s) > bigField {
		k.sub(xxh3.HashString128(s))
		return
	}
	k.buf = append(k.buf, s...)
}

func (k *keyWriter) bytes(b []byte) {
	k.head(tagBytes, len(b))
	if len(b) > bigField {
		k.sub(xxh3.Hash128(b))
		return
	}
	k.buf = append(k.buf, b...)
}

// sub writes the digest of a big field in place of its bytes.
func (k *keyWriter) sub(d xxh3.Uint128) {
	k.buf = binary.LittleEndian.AppendUint64(k.buf, d.Lo)
	k.buf = binary.LittleEndian.AppendUint64(k.buf, d.Hi)
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
func (k *keyWriter) linkTo(s *site, i int) { k.bytes(s.linkDigest(i)) }

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
	d := k.digest()
	return hex.EncodeToString(d[:12])
}

// digest returns the 16 bytes of the hash, for digests that are hashed again
// into Keys.
func (k *keyWriter) digest() [16]byte {
	if !k.streaming {
		return xxh3.Hash128(k.buf).Bytes()
	}
	k.h.Write(k.buf)
	k.buf = k.buf[:0]
	return k.h.Sum128().Bytes()
}

// contentDigest hashes an article's text (raw file, body, cleaned text, the
// spans set aside and a front matter description), the part of it only its own page shows. k is reused for
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
	// A sidecar's description is not in Raw; hashed only when given, so the
	// Keys of articles without one stay as they were.
	if d := metaDescription(a); d != "" {
		k.str(d)
	}
	return k.sum()
}
