package merge

import (
	"encoding/binary"
	"errors"
	"time"

	"github.com/newsline/timeline/timeline"
)

// The state stores each merged event itself (all fields but the ID, which
// the state stores beside its members), so a decoded state hands out its
// kept events without reading any article's candidate events or combining
// them again: building the 116,000 events of a 10,000-article site from
// their members cost a fresh build's merge stage decoding every article's
// events (0.45 CPU s) and combining them (0.27 s).
//
// The encoding must give back events reflect.DeepEqual to the encoded ones:
// nil and empty lists are told apart, and a time is stored only when
// time.Unix(sec, nsec).UTC() gives it back bit for bit (every time the
// pipeline makes is so); an event with another time is not encodable and is
// stored by its members only, built again from them as before.
// TestEventCodecFields fails when the model gains a field this file does
// not write.

// Entity kinds as one byte; kindLiteral is followed by the kind's text.
const (
	kindPerson byte = iota
	kindPlace
	kindOrganisation
	kindLiteral
)

// Bits of an event's and a mention's flag byte.
const (
	evHasEnd = 1 << iota
	evLead
	evManual
)

const (
	menSameArticle = 1 << iota // the article slug is the previous mention's
	menSameSource              // the source path is the previous mention's
	menHasTimex
)

// appendEvent appends e's encoding (without its ID) to buf; false (and buf
// unchanged) when e holds a time the encoding cannot give back exactly.
func appendEvent(buf []byte, e *timeline.Event) ([]byte, bool) {
	if !encodableEvent(e) {
		return buf, false
	}
	buf = appendStr(buf, e.Title)
	buf = appendDate(buf, &e.Start)
	var flags byte
	if e.End != nil {
		flags |= evHasEnd
	}
	if e.Lead {
		flags |= evLead
	}
	if e.Manual {
		flags |= evManual
	}
	buf = append(buf, flags)
	if e.End != nil {
		buf = appendDate(buf, e.End)
	}
	buf = appendListLen(buf, e.Mentions == nil, len(e.Mentions))
	for k := range e.Mentions {
		m := &e.Mentions[k]
		var f byte
		if k > 0 && m.Article == e.Mentions[k-1].Article {
			f |= menSameArticle
		}
		if k > 0 && m.Source == e.Mentions[k-1].Source {
			f |= menSameSource
		}
		if m.Timex != nil {
			f |= menHasTimex
		}
		buf = append(buf, f)
		if f&menSameArticle == 0 {
			buf = appendStr(buf, m.Article)
		}
		if f&menSameSource == 0 {
			buf = appendStr(buf, m.Source)
		}
		buf = appendSpanOf(buf, m.Sentence)
		buf = appendStr(buf, m.Text)
		if m.Timex != nil {
			buf = appendSpanOf(buf, *m.Timex)
		}
		buf = appendStr(buf, m.TimexText)
	}
	buf = appendListLen(buf, e.Entities == nil, len(e.Entities))
	for _, en := range e.Entities {
		buf = appendStr(buf, en.Name)
		switch en.Kind {
		case timeline.Person:
			buf = append(buf, kindPerson)
		case timeline.Place:
			buf = append(buf, kindPlace)
		case timeline.Organisation:
			buf = append(buf, kindOrganisation)
		default:
			buf = appendStr(append(buf, kindLiteral), string(en.Kind))
		}
	}
	return buf, true
}

func encodableEvent(e *timeline.Event) bool {
	if !exactTime(e.Start.Start) || !exactTime(e.Start.End) {
		return false
	}
	return e.End == nil || exactTime(e.End.Start) && exactTime(e.End.End)
}

// exactTime: decodeTime gives t back identical (==, as DeepEqual compares).
func exactTime(t time.Time) bool {
	return t == time.Unix(t.Unix(), int64(t.Nanosecond())).UTC()
}

// appendListLen writes 0 for a nil list, else its length plus one.
func appendListLen(buf []byte, isNil bool, n int) []byte {
	if isNil {
		return append(buf, 0)
	}
	return binary.AppendUvarint(buf, uint64(n)+1)
}

func appendStr(buf []byte, s string) []byte {
	return append(binary.AppendUvarint(buf, uint64(len(s))), s...)
}

func appendDate(buf []byte, d *timeline.Date) []byte {
	buf = appendStr(buf, d.Value)
	buf = binary.AppendVarint(buf, int64(d.Gran))
	buf = appendTime(buf, d.Start)
	return appendTime(buf, d.End)
}

func appendTime(buf []byte, t time.Time) []byte {
	return binary.AppendUvarint(binary.AppendVarint(buf, t.Unix()), uint64(t.Nanosecond()))
}

func appendSpanOf(buf []byte, s timeline.Span) []byte {
	return binary.AppendVarint(binary.AppendVarint(buf, int64(s.Start)), int64(s.End))
}

var errEventBytes = errors.New("bad event encoding")

// eventReader decodes events from a string: the decoded strings are
// substrings of it, not copies. Lists are carved from slabs shared by the
// events one reader decodes (one allocation per many events).
type eventReader struct {
	data     string
	pos      int
	err      error
	mentions []timeline.Mention
	entities []timeline.Entity
	spans    []timeline.Span
	dates    []timeline.Date
	single   bool // decodes one event: lists get their own memory, no slabs
	// the last date decoded and its bytes (date)
	lastDate    string
	lastDateVal timeline.Date
}

// event decodes data (appendEvent's bytes) into e, whose ID is set already.
func (r *eventReader) event(data string, e *timeline.Event) error {
	r.data, r.pos, r.err = data, 0, nil
	e.Title = r.str()
	r.date(&e.Start)
	flags := r.byte()
	if flags&evHasEnd != 0 {
		e.End = &carveSlab(&r.dates, 1, r.single)[0]
		r.date(e.End)
	}
	e.Lead, e.Manual = flags&evLead != 0, flags&evManual != 0
	if n, isNil := r.listLen(); !isNil {
		e.Mentions = carveSlab(&r.mentions, n, r.single)
		for k := range e.Mentions {
			r.mention(e.Mentions, k)
		}
	}
	if n, isNil := r.listLen(); !isNil {
		e.Entities = carveSlab(&r.entities, n, r.single)
		for k := range e.Entities {
			r.entity(&e.Entities[k])
		}
	}
	if r.err == nil && r.pos != len(r.data) {
		r.err = errEventBytes
	}
	return r.err
}

func (r *eventReader) mention(ms []timeline.Mention, k int) {
	m := &ms[k]
	f := r.byte()
	if (f&(menSameArticle|menSameSource) != 0) && k == 0 {
		r.fail()
		return
	}
	if f&menSameArticle != 0 {
		m.Article = ms[k-1].Article
	} else {
		m.Article = r.str()
	}
	if f&menSameSource != 0 {
		m.Source = ms[k-1].Source
	} else {
		m.Source = r.str()
	}
	m.Sentence = r.span()
	m.Text = r.str()
	if f&menHasTimex != 0 {
		m.Timex = &carveSlab(&r.spans, 1, r.single)[0]
		*m.Timex = r.span()
	}
	m.TimexText = r.str()
}

func (r *eventReader) entity(en *timeline.Entity) {
	en.Name = r.str()
	switch r.byte() {
	case kindPerson:
		en.Kind = timeline.Person
	case kindPlace:
		en.Kind = timeline.Place
	case kindOrganisation:
		en.Kind = timeline.Organisation
	case kindLiteral:
		en.Kind = timeline.EntityKind(r.str())
	default:
		r.fail()
	}
}

// carveSlab returns n elements cut from *slab (len = cap = n, so appending to
// one event's list reallocates it instead of overwriting the next one's),
// refilling the slab when it runs short (exact: with just n, for a reader
// of one event, whose 4096-element slabs would be mostly waste).
func carveSlab[T any](slab *[]T, n int, exact bool) []T {
	if n == 0 {
		return []T{} // empty, not nil (allocates nothing)
	}
	if len(*slab) < n {
		size := max(n, 4096)
		if exact {
			size = n
		}
		*slab = make([]T, size)
	}
	out := (*slab)[:n:n]
	*slab = (*slab)[n:]
	return out
}

func (r *eventReader) fail() {
	if r.err == nil {
		r.err = errEventBytes
	}
	r.pos = len(r.data)
}

func (r *eventReader) byte() byte {
	if r.pos >= len(r.data) {
		r.fail()
		return 0
	}
	b := r.data[r.pos]
	r.pos++
	return b
}

func (r *eventReader) uvarint() uint64 {
	data, pos := r.data, r.pos // locals: the loop does not go through r
	var v uint64
	for shift := 0; shift < 64 && pos < len(data); shift += 7 {
		b := data[pos]
		pos++
		v |= uint64(b&0x7f) << shift
		if b < 0x80 {
			r.pos = pos
			return v
		}
	}
	r.fail()
	return 0
}

func (r *eventReader) varint() int64 {
	u := r.uvarint()
	return int64(u>>1) ^ -int64(u&1)
}

func (r *eventReader) str() string {
	n := r.uvarint()
	if n > uint64(len(r.data)-r.pos) {
		r.fail()
		return ""
	}
	s := r.data[r.pos : r.pos+int(n)]
	r.pos += int(n)
	return s
}

// listLen reads appendListLen's count; n is bounded by the bytes left (an
// element takes at least one), so corrupt counts never allocate much.
func (r *eventReader) listLen() (n int, isNil bool) {
	v := r.uvarint()
	if v == 0 || r.err != nil {
		return 0, true
	}
	if v-1 > uint64(len(r.data)-r.pos) {
		r.fail()
		return 0, true
	}
	return int(v - 1), false
}

// date decodes a date; one whose bytes are the last date's (most events
// share their start date with their neighbour in timeline order, the order
// a predecoder's worker decodes them in) is that date again. The encoding
// reads its bytes in order and no further, so equal bytes decode to an
// equal date.
func (r *eventReader) date(d *timeline.Date) {
	from := r.pos
	if n := len(r.lastDate); n > 0 && n <= len(r.data)-from && r.data[from:from+n] == r.lastDate {
		*d = r.lastDateVal
		r.pos += n
		return
	}
	d.Value = r.str()
	d.Gran = timeline.Granularity(r.varint())
	d.Start = r.time()
	d.End = r.time()
	if r.err == nil {
		r.lastDate, r.lastDateVal = r.data[from:r.pos], *d
	}
}

func (r *eventReader) time() time.Time {
	sec := r.varint()
	nsec := r.uvarint()
	if nsec >= 1e9 {
		r.fail()
		return time.Time{}
	}
	return time.Unix(sec, int64(nsec)).UTC()
}

func (r *eventReader) span() timeline.Span {
	return timeline.Span{Start: int(r.varint()), End: int(r.varint())}
}
