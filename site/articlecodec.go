package site

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"unsafe"

	"github.com/newsline/timeline/timeline"
	"github.com/newsline/timeline/timeline/ingest"
)

// Parsed articles are cached in the extraction pack beside their events, so an
// incremental build reads every article's bytes (to hash them) but parses only
// the changed ones. A record holds what ingest.Parse derives from the file;
// the path and the bytes themselves come from the file just read. Like the event
// codec, every field is written; TestArticleCodecCoversEveryField fails when a
// field is added to timeline.Article or timeline.Meta and not here.

// parseKey hashes what ingest.Parse reads: the tool version, the path, the
// bytes, the sidecar's bytes (or its absence) and the options Parse uses.
// TestParseKeyCoversIngestOptions fails when ingest.Options gains a field.
func parseKey(version, path string, raw, sidecar []byte, opts ingest.Options) [32]byte {
	h := sha256.New()
	io.WriteString(h, "parse\x00"+version+"\x00"+path+"\x00")
	var n [binary.MaxVarintLen64]byte
	h.Write(n[:binary.PutUvarint(n[:], uint64(len(raw)))])
	h.Write(raw)
	if sidecar == nil {
		h.Write([]byte{0})
	} else {
		h.Write([]byte{1})
		h.Write(n[:binary.PutUvarint(n[:], uint64(len(sidecar)))])
		h.Write(sidecar)
	}
	h.Write(appendTime(nil, opts.Date))
	h.Write(n[:binary.PutVarint(n[:], opts.MaxBytes)])
	var key [32]byte
	h.Sum(key[:0])
	return key
}

// Body is nearly always the end of the file (after the front matter): it is
// written as the offset where it starts, else as a literal.
const (
	bodySuffix byte = iota
	bodyLiteral
)

// appendArticle encodes a parsed article; ok is false for one the codec cannot
// hold exactly (unknown front matter keys in Meta.Extra, whose values are
// arbitrary YAML, or an offset map of another type): such an article is parsed
// on every build.
func appendArticle(buf []byte, a timeline.Article) (_ []byte, ok bool) {
	if !encodable(a) {
		return buf, false
	}
	var offsets *ingest.Offsets
	if lazy, isLazy := a.Offsets.(*lazyOffsets); isLazy {
		offsets = lazy.get()
	} else if a.Offsets != nil {
		if offsets, ok = a.Offsets.(*ingest.Offsets); !ok || offsets == nil {
			return buf, false
		}
	}
	enc := eventEncoder{seen: map[string]int{}}
	buf = enc.string(buf, a.Slug)
	buf = enc.meta(buf, a.Meta)
	buf = enc.string(buf, a.Format)
	if start := len(a.Raw) - len(a.Body); start >= 0 && string(a.Raw[start:]) == a.Body {
		buf = binary.AppendUvarint(append(buf, bodySuffix), uint64(start))
	} else {
		buf = enc.string(append(buf, bodyLiteral), a.Body)
	}
	buf = enc.string(buf, a.Text)
	buf = appendBool(buf, offsets != nil)
	if offsets != nil {
		bin, err := offsets.AppendBinary(nil)
		if err != nil {
			return buf, false
		}
		buf = binary.AppendUvarint(buf, uint64(len(bin)))
		buf = append(buf, bin...)
	}
	buf = appendBool(buf, a.SetAside != nil)
	buf = binary.AppendUvarint(buf, uint64(len(a.SetAside)))
	for _, sp := range a.SetAside {
		buf = appendSpan(buf, sp)
	}
	return enc.string(buf, a.Headline), true
}

// encodable reports whether appendArticle can hold a, without encoding it.
func encodable(a timeline.Article) bool {
	switch o := a.Offsets.(type) {
	case nil, *lazyOffsets:
	case *ingest.Offsets:
		if o == nil {
			return false
		}
	default:
		return false
	}
	return a.Meta.Extra == nil
}

func (enc *eventEncoder) meta(buf []byte, m timeline.Meta) []byte {
	for _, s := range []string{m.Title, m.DateText, m.Source, m.Author, m.Publisher, m.Slug} {
		buf = enc.string(buf, s)
	}
	buf = appendTime(buf, m.Date)
	buf = appendBool(buf, m.Tags != nil)
	buf = binary.AppendUvarint(buf, uint64(len(m.Tags)))
	for _, t := range m.Tags {
		buf = enc.string(buf, t)
	}
	buf = appendBool(buf, m.Draft)
	return appendBool(buf, m.Sample)
}

// decodeArticle rebuilds the article parsed from path and raw. Its strings
// share data's memory, and Body shares raw's (see bodyOf).
func decodeArticle(data, path string, raw []byte) (a timeline.Article, err error) {
	return decodeArticleWith(data, path, raw, false)
}

// decodeArticleLazily is decodeArticle leaving the offset map encoded (but
// checked) until it is used (lazyOffsets): an unchanged article's map is
// used only if its page or its events are made again.
func decodeArticleLazily(data, path string, raw []byte) (a timeline.Article, err error) {
	return decodeArticleWith(data, path, raw, true)
}

func decodeArticleWith(data, path string, raw []byte, lazy bool) (a timeline.Article, err error) {
	lits := literalPool.Get().(*[]string)
	d := &eventDecoder{data: data, literals: (*lits)[:0], lazyOffsets: lazy}
	defer func() {
		clear(d.literals) // the pool must not keep the pack's strings alive
		*lits = d.literals[:0]
		literalPool.Put(lits)
	}()
	a.Path, a.Raw = path, raw
	a.Slug = d.string()
	a.Meta = d.meta()
	a.Format = d.string()
	switch d.byte() {
	case bodySuffix:
		if start := d.uvarint(); start <= uint64(len(raw)) {
			a.Body = bodyOf(raw, int(start))
		} else {
			d.fail()
		}
	case bodyLiteral:
		a.Body = d.string()
	default:
		d.fail()
	}
	a.Text = d.string()
	if d.bool() {
		a.Offsets = d.offsets()
	}
	if d.bool() {
		a.SetAside = make([]timeline.Span, 0, d.count())
		for i := 0; i < cap(a.SetAside) && d.err == nil; i++ {
			a.SetAside = append(a.SetAside, d.span())
		}
	} else if d.count() != 0 {
		d.fail()
	}
	a.Headline = d.string()
	if d.err == nil && d.pos != len(d.data) {
		d.err = fmt.Errorf("%w: %d bytes left over", errCorrupt, len(d.data)-d.pos)
	}
	if d.err != nil {
		return timeline.Article{}, d.err
	}
	return a, nil
}

func (d *eventDecoder) meta() (m timeline.Meta) {
	for _, s := range []*string{&m.Title, &m.DateText, &m.Source, &m.Author, &m.Publisher, &m.Slug} {
		*s = d.string()
	}
	m.Date = d.time()
	hasTags := d.bool()
	n := d.count()
	if hasTags {
		m.Tags = make([]string, n)
		for i := range m.Tags {
			m.Tags[i] = d.string()
		}
	} else if n != 0 {
		d.fail()
	}
	m.Draft = d.bool()
	m.Sample = d.bool()
	return m
}

func (d *eventDecoder) offsets() timeline.OffsetMap {
	n := d.count()
	if d.err != nil {
		return nil
	}
	bin := unsafe.Slice(unsafe.StringData(d.data[d.pos:]), n) // read-only: no copy
	d.pos += n
	if d.lazyOffsets {
		if ingest.CheckBinary(bin) != nil {
			d.fail()
			return nil
		}
		return &lazyOffsets{enc: bin}
	}
	o := &ingest.Offsets{}
	if err := o.UnmarshalBinary(bin); err != nil {
		d.fail()
		return nil
	}
	return o
}

// lazyOffsets is an offset map decoded on first use from its binary form,
// which was checked (ingest.CheckBinary) so that decoding cannot fail. It
// answers as the decoded *ingest.Offsets does. Safe for concurrent use.
// Decoding the maps of every article an incremental build recalls was 4.8 MB
// of memory touched for the first time at 10,000 articles (about 24 ms of CPU
// here), for maps that only the pages and events made again read.
type lazyOffsets struct {
	once sync.Once
	enc  []byte // in the pack's memory; dropped once decoded
	o    *ingest.Offsets
}

func (l *lazyOffsets) get() *ingest.Offsets {
	l.once.Do(func() {
		l.o = &ingest.Offsets{}
		if err := l.o.UnmarshalBinary(l.enc); err != nil {
			panic(fmt.Sprintf("a checked offset map did not decode: %v", err)) // CheckBinary's contract broken
		}
		l.enc = nil
	})
	return l.o
}

func (l *lazyOffsets) Original(i int) int      { return l.get().Original(i) }
func (l *lazyOffsets) OriginalEnd(end int) int { return l.get().OriginalEnd(end) }

// cachedParse returns ingest's ParseFile hook: parsed articles come from the
// pack when their bytes and options are unchanged, and are stored there when
// they are parsed.
func cachedParse(cache *extractCache, version string, parsed *atomic.Int64) func(string, []byte, []byte, ingest.Options) (timeline.Article, error) {
	return func(path string, raw, sidecar []byte, opts ingest.Options) (timeline.Article, error) {
		key := parseKey(version, path, raw, sidecar, opts)
		if enc, ok := cache.record(key); ok {
			if a, err := decodeArticle(enc, path, raw); err == nil {
				return a, nil
			}
			cache.markUndecodable(key)
		}
		parsed.Add(1) // ingest.Load calls this from its workers
		a, err := ingest.Parse(path, raw, sidecar, opts)
		if err != nil {
			return a, err
		}
		if enc, ok := appendArticle(nil, a); ok {
			cache.putRecord(key, unsafe.String(unsafe.SliceData(enc), len(enc))) // written out, not kept: no copy
		}
		if start := len(a.Raw) - len(a.Body); start >= 0 && string(a.Raw[start:]) == a.Body {
			a.Body = bodyOf(a.Raw, start)
		}
		return a, nil
	}
}

// bodyOf returns raw[start:] as a string sharing raw's memory, without a copy.
// Every article keeps Raw, Body and Text until the pages are written, and Body
// is nearly all of Raw again: sharing it takes a tenth off the live heap the
// garbage collector marks on each of the write stage's many cycles (28 MB of
// about 270 MB at 10,000 articles). Sound because nothing writes to an
// article's Raw: it is the file as read, and nothing else holds that slice.
func bodyOf(raw []byte, start int) string {
	if start >= len(raw) {
		return ""
	}
	return unsafe.String(&raw[start], len(raw)-start)
}
