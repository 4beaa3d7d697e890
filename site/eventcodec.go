package site

import (
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	"github.com/newsline/timeline/timeline"
)

// The extraction cache stores events in a compact binary form: decoding the
// JSON entries of a 2,000-article site took longer than extracting most of
// them. Every field of timeline.Event is written; TestEventCodecCoversEveryField
// fills every field by reflection, so a field added to the model and forgotten
// here fails the tests instead of silently vanishing from warm builds.

// appendEvents encodes events after buf.
func appendEvents(buf []byte, events []timeline.Event) []byte {
	buf = binary.AppendUvarint(buf, uint64(len(events)))
	for _, e := range events {
		buf = appendString(buf, e.ID)
		buf = appendString(buf, e.Title)
		buf = appendDate(buf, e.Start)
		buf = appendBool(buf, e.End != nil)
		if e.End != nil {
			buf = appendDate(buf, *e.End)
		}
		buf = appendBool(buf, e.Lead)
		buf = appendBool(buf, e.Manual)
		buf = binary.AppendUvarint(buf, uint64(len(e.Mentions)))
		for _, m := range e.Mentions {
			buf = appendMention(buf, m)
		}
		buf = binary.AppendUvarint(buf, uint64(len(e.Entities)))
		for _, en := range e.Entities {
			buf = appendString(buf, en.Name)
			buf = appendString(buf, string(en.Kind))
		}
	}
	return buf
}

func appendMention(buf []byte, m timeline.Mention) []byte {
	buf = appendString(buf, m.Article)
	buf = appendString(buf, m.Source)
	buf = appendSpan(buf, m.Sentence)
	buf = appendString(buf, m.Text)
	buf = appendBool(buf, m.Timex != nil)
	if m.Timex != nil {
		buf = appendSpan(buf, *m.Timex)
	}
	return appendString(buf, m.TimexText)
}

func appendDate(buf []byte, d timeline.Date) []byte {
	buf = appendString(buf, d.Value)
	buf = binary.AppendVarint(buf, int64(d.Gran))
	buf = appendTime(buf, d.Start)
	return appendTime(buf, d.End)
}

// appendTime writes time.Time's own binary form (instant and zone offset),
// length-prefixed.
func appendTime(buf []byte, t time.Time) []byte {
	mark := len(buf)
	buf = append(buf, 0)
	buf, err := t.AppendBinary(buf)
	if err != nil || len(buf)-mark-1 > 255 {
		// Only a zone offset that is not a whole minute fails: keep the instant.
		buf = buf[:mark+1]
		buf, _ = t.UTC().AppendBinary(buf)
	}
	buf[mark] = byte(len(buf) - mark - 1)
	return buf
}

func appendSpan(buf []byte, s timeline.Span) []byte {
	buf = binary.AppendVarint(buf, int64(s.Start))
	return binary.AppendVarint(buf, int64(s.End))
}

func appendString(buf []byte, s string) []byte {
	buf = binary.AppendUvarint(buf, uint64(len(s)))
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
	data string
	pos  int
	err  error
}

func decodeEvents(data string) (events []timeline.Event, err error) {
	d := &eventDecoder{data: data}
	n := d.count()
	if d.err == nil {
		events = make([]timeline.Event, n)
	}
	for i := 0; i < n && d.err == nil; i++ {
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
		end := d.date()
		e.End = &end
	}
	e.Lead = d.bool()
	e.Manual = d.bool()
	if n := d.count(); n > 0 {
		e.Mentions = make([]timeline.Mention, n)
		for i := range e.Mentions {
			e.Mentions[i] = d.mention()
		}
	}
	if n := d.count(); n > 0 {
		e.Entities = make([]timeline.Entity, n)
		for i := range e.Entities {
			e.Entities[i] = timeline.Entity{Name: d.string(), Kind: timeline.EntityKind(d.string())}
		}
	}
	return e
}

func (d *eventDecoder) mention() (m timeline.Mention) {
	m.Article = d.string()
	m.Source = d.string()
	m.Sentence = d.span()
	m.Text = d.string()
	if d.bool() {
		sp := d.span()
		m.Timex = &sp
	}
	m.TimexText = d.string()
	return m
}

func (d *eventDecoder) date() timeline.Date {
	return timeline.Date{Value: d.string(), Gran: timeline.Granularity(d.varint()), Start: d.time(), End: d.time()}
}

func (d *eventDecoder) time() (t time.Time) {
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

func (d *eventDecoder) span() timeline.Span {
	return timeline.Span{Start: int(d.varint()), End: int(d.varint())}
}

func (d *eventDecoder) string() string {
	n := d.count()
	if d.err != nil {
		return ""
	}
	s := d.data[d.pos : d.pos+n]
	d.pos += n
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
