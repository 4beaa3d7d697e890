package site

import (
	"encoding/binary"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/newsline/timeline/timeline"
)

// The extraction cache stores events in a compact binary form: decoding the
// JSON entries of a 2,000-article site took longer than extracting most of
// them. Every field of timeline.Event is written; TestEventCodecCoversEveryField
// fills every field by reflection, so a field added to the model and forgotten
// here fails the tests instead of silently vanishing from warm builds.

// eventEncoder writes events. A string already written in the same record is
// written as a back-reference: every mention repeats its article's slug and
// path, and an article's events share their entities.
type eventEncoder struct {
	seen map[string]int // string -> index among the literals written so far
}

// appendEvents encodes events after buf, as one self-contained record.
func appendEvents(buf []byte, events []timeline.Event) []byte {
	enc := eventEncoder{seen: map[string]int{}}
	return enc.events(buf, events)
}

func (enc *eventEncoder) events(buf []byte, events []timeline.Event) []byte {
	buf = binary.AppendUvarint(buf, uint64(len(events)))
	for _, e := range events {
		buf = enc.string(buf, e.ID)
		buf = enc.string(buf, e.Title)
		buf = enc.date(buf, e.Start)
		buf = appendBool(buf, e.End != nil)
		if e.End != nil {
			buf = enc.date(buf, *e.End)
		}
		buf = appendBool(buf, e.Lead)
		buf = appendBool(buf, e.Manual)
		buf = binary.AppendUvarint(buf, uint64(len(e.Mentions)))
		for _, m := range e.Mentions {
			buf = enc.mention(buf, m)
		}
		buf = binary.AppendUvarint(buf, uint64(len(e.Entities)))
		for _, en := range e.Entities {
			buf = enc.string(buf, en.Name)
			buf = enc.string(buf, string(en.Kind))
		}
	}
	return buf
}

func (enc *eventEncoder) mention(buf []byte, m timeline.Mention) []byte {
	buf = enc.string(buf, m.Article)
	buf = enc.string(buf, m.Source)
	buf = appendSpan(buf, m.Sentence)
	buf = enc.string(buf, m.Text)
	buf = appendBool(buf, m.Timex != nil)
	if m.Timex != nil {
		buf = appendSpan(buf, *m.Timex)
	}
	return enc.string(buf, m.TimexText)
}

func (enc *eventEncoder) date(buf []byte, d timeline.Date) []byte {
	buf = enc.string(buf, d.Value)
	buf = binary.AppendVarint(buf, int64(d.Gran))
	buf = appendTime(buf, d.Start)
	return appendTime(buf, d.End)
}

// Times: a tag byte, then nothing for the zero time, the Unix seconds for a
// whole second in UTC (nearly every date), else time.Time's own binary form.
const (
	timeZero byte = iota
	timeUTCSeconds
	timeBinary
)

func appendTime(buf []byte, t time.Time) []byte {
	switch {
	case t.IsZero() && t.Location() == time.UTC:
		return append(buf, timeZero)
	case t.Location() == time.UTC && t.Nanosecond() == 0:
		return binary.AppendVarint(append(buf, timeUTCSeconds), t.Unix())
	}
	bin, err := t.MarshalBinary()
	if err != nil { // only a zone offset that is not a whole minute: keep the instant
		bin, _ = t.UTC().MarshalBinary()
	}
	buf = append(buf, timeBinary, byte(len(bin)))
	return append(buf, bin...)
}

func appendSpan(buf []byte, s timeline.Span) []byte {
	buf = binary.AppendVarint(buf, int64(s.Start))
	return binary.AppendVarint(buf, int64(s.End))
}

// string writes a literal as uvarint(len<<1) and its bytes, or a string
// already written as uvarint(index<<1 | 1).
func (enc *eventEncoder) string(buf []byte, s string) []byte {
	if i, ok := enc.seen[s]; ok && s != "" {
		return binary.AppendUvarint(buf, uint64(i)<<1|1)
	}
	if s != "" {
		enc.seen[s] = len(enc.seen)
	}
	buf = binary.AppendUvarint(buf, uint64(len(s))<<1)
	return append(buf, s...)
}

func appendBool(buf []byte, b bool) []byte {
	if b {
		return append(buf, 1)
	}
	return append(buf, 0)
}

var errCorrupt = errors.New("corrupt event encoding")

// eventDecoder reads what appendEvents wrote. It decodes from a string so the
// decoded strings share its memory instead of each being copied.
type eventDecoder struct {
	data     string
	pos      int
	err      error
	literals []string // the strings read so far, for back-references
	// lazyOffsets leaves an article's offset map encoded (decodeArticleLazily).
	lazyOffsets bool
	left        int // events still to decode: how much to carve slabs for
	// Slabs the events' mentions, entities and pointed-to spans and dates are
	// carved from (slab): an incremental build decodes every article's
	// events, and one allocation each was most of the stage's cost.
	mentions []timeline.Mention
	entities []timeline.Entity
	spans    []timeline.Span
	dates    []timeline.Date
}

// literalPool recycles the decoders' back-reference tables.
var literalPool = sync.Pool{New: func() any { return new([]string) }}

func decodeEvents(data string) (events []timeline.Event, err error) {
	lits := literalPool.Get().(*[]string)
	d := &eventDecoder{data: data, literals: (*lits)[:0]}
	defer func() {
		clear(d.literals) // the pool must not keep the pack's strings alive
		*lits = d.literals[:0]
		literalPool.Put(lits)
	}()
	n := d.count()
	if d.err == nil {
		events = make([]timeline.Event, n)
	}
	for i := 0; i < n && d.err == nil; i++ {
		d.left = n - i
		events[i] = d.event()
	}
	if d.err == nil && d.pos != len(d.data) {
		d.err = fmt.Errorf("%w: %d bytes left over", errCorrupt, len(d.data)-d.pos)
	}
	if d.err != nil {
		return nil, d.err
	}
	return events, nil
}

func (d *eventDecoder) event() (e timeline.Event) {
	e.ID = d.string()
	e.Title = d.string()
	e.Start = d.date()
	if d.bool() {
		e.End = &slab(&d.dates, 1, d.left)[0]
		*e.End = d.date()
	}
	e.Lead = d.bool()
	e.Manual = d.bool()
	if n := d.count(); n > 0 {
		e.Mentions = slab(&d.mentions, n, d.left)
		for i := range e.Mentions {
			e.Mentions[i] = d.mention()
		}
	}
	if n := d.count(); n > 0 {
		e.Entities = slab(&d.entities, n, 2*d.left)
		for i := range e.Entities {
			e.Entities[i] = timeline.Entity{Name: d.string(), Kind: timeline.EntityKind(d.string())}
		}
	}
	return e
}

// slab carves n elements from *pool, refilling it with room for at least hint
// when it runs short. The piece's capacity is its length, so appending to one
// event's list reallocates it instead of writing over the next event's.
func slab[T any](pool *[]T, n, hint int) []T {
	if cap(*pool)-len(*pool) < n {
		*pool = make([]T, 0, max(n, hint))
	}
	start := len(*pool)
	*pool = (*pool)[:start+n]
	return (*pool)[start : start+n : start+n]
}

func (d *eventDecoder) mention() (m timeline.Mention) {
	m.Article = d.string()
	m.Source = d.string()
	m.Sentence = d.span()
	m.Text = d.string()
	if d.bool() {
		m.Timex = &slab(&d.spans, 1, d.left)[0]
		*m.Timex = d.span()
	}
	m.TimexText = d.string()
	return m
}

func (d *eventDecoder) date() timeline.Date {
	return timeline.Date{Value: d.string(), Gran: timeline.Granularity(d.varint()), Start: d.time(), End: d.time()}
}

func (d *eventDecoder) time() (t time.Time) {
	switch d.byte() {
	case timeZero:
		return t
	case timeUTCSeconds:
		return time.Unix(d.varint(), 0).UTC()
	case timeBinary:
		n := int(d.byte())
		if d.err != nil || n > len(d.data)-d.pos {
			d.fail()
			return t
		}
		if err := t.UnmarshalBinary([]byte(d.data[d.pos : d.pos+n])); err != nil {
			d.fail()
		}
		d.pos += n
		return t
	}
	d.fail()
	return t
}

func (d *eventDecoder) span() timeline.Span {
	return timeline.Span{Start: int(d.varint()), End: int(d.varint())}
}

func (d *eventDecoder) string() string {
	v := d.uvarint()
	if d.err != nil {
		return ""
	}
	if v&1 == 1 {
		if v>>1 >= uint64(len(d.literals)) {
			d.fail()
			return ""
		}
		return d.literals[v>>1]
	}
	if v>>1 > uint64(len(d.data)-d.pos) {
		d.fail()
		return ""
	}
	n := int(v >> 1)
	s := d.data[d.pos : d.pos+n]
	d.pos += n
	if n > 0 {
		d.literals = append(d.literals, s)
	}
	return s
}

// count reads a length, which can be no more than the bytes left (every
// element takes at least one byte), so a corrupt length cannot make us allocate.
func (d *eventDecoder) count() int {
	v := d.uvarint()
	if d.err == nil && v > uint64(len(d.data)-d.pos) {
		d.fail()
		return 0
	}
	return int(v)
}

func (d *eventDecoder) bool() bool {
	switch d.byte() {
	case 0:
		return false
	case 1:
		return true
	}
	d.fail()
	return false
}

func (d *eventDecoder) byte() byte {
	if d.err != nil || d.pos >= len(d.data) {
		d.fail()
		return 0
	}
	d.pos++
	return d.data[d.pos-1]
}

func (d *eventDecoder) uvarint() uint64 {
	// Most values (lengths, flags, back-references) fit in one byte: read
	// it without the checks of the general loop. After an error nothing
	// decoded is used, so reading on does no harm.
	if d.pos < len(d.data) && d.data[d.pos] < 0x80 {
		d.pos++
		return uint64(d.data[d.pos-1])
	}
	var v uint64
	for shift := 0; shift < 64; shift += 7 {
		b := d.byte()
		if d.err != nil {
			return 0
		}
		v |= uint64(b&0x7f) << shift
		if b < 0x80 {
			return v
		}
	}
	d.fail()
	return 0
}

func (d *eventDecoder) varint() int64 {
	u := d.uvarint()
	return int64(u>>1) ^ -int64(u&1)
}

func (d *eventDecoder) fail() {
	if d.err == nil {
		d.err = fmt.Errorf("%w at byte %d", errCorrupt, d.pos)
	}
}
