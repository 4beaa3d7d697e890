package ingest

import (
	"bytes"
	"encoding/binary"
	"math"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/newsline/timeline/internal/newscorpus"
)

func TestOffsetsBinaryRoundTrip(t *testing.T) {
	raw := []byte("An \u201cofficial\u201d said\nthe talks would re-\nsume on Friday.\n\nSecond paragraph.")
	maps := []*Offsets{
		cleanText(raw, 0, true).offsets,
		{},                              // nil segments
		{segs: []segment{}, textLen: 0}, // empty, not nil
	}
	for i, o := range maps {
		data, err := o.AppendBinary([]byte("prefix"))
		if err != nil {
			t.Fatal(err)
		}
		var back Offsets
		if err := back.UnmarshalBinary(data[len("prefix"):]); err != nil {
			t.Fatalf("map %d: %v", i, err)
		}
		if !reflect.DeepEqual(&back, o) {
			t.Errorf("map %d: decoded %+v, want %+v", i, back, *o)
		}
	}
	if len(maps[0].segs) < 3 {
		t.Fatalf("the test text should need several segments, got %d", len(maps[0].segs))
	}
}

func TestOffsetsBinaryRejectsGarbage(t *testing.T) {
	good, _ := cleanText([]byte("a \u201cb\u201d c\nd"), 0, true).offsets.AppendBinary(nil)
	for n := 0; n < len(good); n++ {
		var o Offsets
		if err := o.UnmarshalBinary(good[:n]); err == nil {
			t.Errorf("truncated to %d bytes: no error", n)
		}
	}
	var o Offsets
	if err := o.UnmarshalBinary(append(good, 0)); err == nil {
		t.Error("trailing byte: no error")
	}
	if err := o.UnmarshalBinary([]byte{0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01}); err == nil {
		t.Error("overlong varint: no error")
	}
}

// CheckBinary accepts exactly what UnmarshalBinary decodes without error:
// every truncation and every one-byte change of a good map.
func TestCheckBinaryAgreesWithUnmarshal(t *testing.T) {
	good, _ := cleanText([]byte("An \u201cofficial\u201d said\nthe talks would re-\nsume."), 0, true).offsets.AppendBinary(nil)
	agree := func(data []byte, what string) {
		var o Offsets
		if got, want := CheckBinary(data), o.UnmarshalBinary(data); (got == nil) != (want == nil) {
			t.Errorf("%s: CheckBinary %v, UnmarshalBinary %v", what, got, want)
		}
	}
	agree(good, "good")
	for n := 0; n < len(good); n++ {
		agree(good[:n], "truncated")
		for _, b := range []byte{0, 1, 0x7f, 0x80, 0xff} {
			bad := append([]byte(nil), good...)
			bad[n] = b
			agree(bad, "changed")
		}
	}
	if CheckBinary(good) != nil {
		t.Error("a good map does not check")
	}
}

// slowDecodeOffsets is decodeOffsets as it was before it read values in
// place: binary.Uvarint per value, each within its bound.
func slowDecodeOffsets(data []byte) ([]segment, int, error) {
	d := offsetsDecoder{data: data}
	textLen := d.uvarint(math.MaxInt32)
	var segs []segment
	if d.uvarint(1) == 1 {
		n := d.uvarint(uint64(len(data)))
		segs = make([]segment, 0, min(n, uint64(len(data))/5))
		for i := uint64(0); i < n && d.err == nil; i++ {
			var s segment
			s.text = int32(d.uvarint(math.MaxUint32))
			s.raw = int32(d.uvarint(math.MaxUint32))
			s.textLen = int32(d.uvarint(math.MaxUint32))
			s.rawLen = int32(d.uvarint(math.MaxUint32))
			s.copied = d.uvarint(1) == 1
			segs = append(segs, s)
		}
	}
	if d.err != nil || len(d.data) != 0 {
		return nil, 0, errBadOffsets
	}
	return segs, int(textLen), nil
}

type offsetsDecoder struct {
	data []byte
	err  error
}

func (d *offsetsDecoder) uvarint(max uint64) uint64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Uvarint(d.data)
	if n <= 0 || v > max {
		d.err = errBadOffsets
		return 0
	}
	d.data = d.data[n:]
	return v
}

// corpusOffsets returns the binary offset maps of n generated articles.
func corpusOffsets(t testing.TB, n int) [][]byte {
	c := newscorpus.New(7)
	var out [][]byte
	for i := range n {
		bin, err := cleanText(c.Article(i), 0, true).offsets.AppendBinary(nil)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, bin)
	}
	return out
}

// decodeOffsets, reading one- and two-byte values in place, accepts and
// decodes exactly what the decoder before it did: every truncation and
// every one-byte change of real maps, values in more bytes than they need
// (0x80 0x00 is a zero), values at and past each bound, and random bytes.
func TestDecodeOffsetsAsBefore(t *testing.T) {
	agree := func(data []byte) {
		t.Helper()
		segs, textLen, err := decodeOffsets(data, true)
		wantSegs, wantLen, wantErr := slowDecodeOffsets(data)
		if (err == nil) != (wantErr == nil) || textLen != wantLen || !reflect.DeepEqual(segs, wantSegs) {
			t.Fatalf("% x: decoded %v %d %v, before %v %d %v", data, segs, textLen, err, wantSegs, wantLen, wantErr)
		}
		if (CheckBinary(data) == nil) != (err == nil) {
			t.Fatalf("% x: CheckBinary %v, decoding %v", data, CheckBinary(data), err)
		}
	}
	maps := corpusOffsets(t, 20)
	accepted := 0
	for _, good := range maps {
		agree(good)
		for n := range good {
			agree(good[:n])
			for _, b := range []byte{0, 1, 2, 0x7f, 0x80, 0x81, 0xff} {
				bad := append([]byte(nil), good...)
				bad[n] = b
				agree(bad)
				if _, _, err := slowDecodeOffsets(bad); err == nil {
					accepted++
				}
			}
		}
	}
	if accepted == 0 {
		t.Fatal("no changed map decodes: the comparison saw errors only")
	}
	// Hand-made maps of three segments, one of whose values takes 0 to 12
	// bytes, in its shortest form or padded with 0x80s, at and past its
	// bound; the others take two bytes, or one (the flags), so that the
	// first two segments are read 16 bytes at a time when they can be.
	values := [][]byte{}
	for _, v := range []uint64{0, 1, 2, 3, 0x7f, 0x80, 0x81, 0x3fff, 0x4000, 1<<21 - 1, 1 << 21, 1<<28 - 1, 1 << 28, math.MaxInt32, math.MaxInt32 + 1, math.MaxUint32, math.MaxUint32 + 1, math.MaxUint64} {
		values = append(values, binary.AppendUvarint(nil, v))
	}
	values = append(values, []byte{0x80, 0x00}, []byte{0x81, 0x00}, []byte{0x82, 0x00}, []byte{0x80, 0x01}, []byte{0x80, 0x80, 0x00}, []byte{0x80, 0x80, 0x80, 0x00}, []byte{0x80, 0x80, 0x80, 0x80, 0x0f}, []byte{0x80, 0x80, 0x80, 0x80, 0x10},
		[]byte{0x80, 0x80, 0x80, 0x80, 0x80, 0x00}, []byte{0xff, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00},
		[]byte{0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01}, []byte{0x80}, []byte{})
	seg := [][]byte{{0x90, 0x01}, {0xa0, 0x02}, {0xb0, 0x03}, {0xc0, 0x04}, {1}}
	for k := range 3 + 2*len(seg) { // the value that varies: textLen, hasSegs, count, then the first two segments'
		for _, x := range values {
			parts := append([][]byte{{0x85, 0x20}, {1}, {3}}, append(append(append([][]byte{}, seg...), seg...), seg...)...)
			parts[k] = x
			data := bytes.Join(parts, nil)
			agree(data)
			agree(append(data, 0))
			agree(data[:len(data)-1])
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 300000 {
		data := make([]byte, rng.IntN(48))
		for i := range data {
			switch rng.IntN(4) {
			case 0:
				data[i] = byte(rng.IntN(3))
			case 1:
				data[i] = 0x80 | byte(rng.IntN(3))
			default:
				data[i] = byte(rng.Uint32())
			}
		}
		if len(data) > 2 {
			data[1], data[2] = 1, byte(rng.IntN(6)) // most have segments
		}
		agree(data)
	}
}

// BenchmarkCheckBinary checks the offset maps of 1,000 generated articles,
// as a build checks every recalled article's (ns per map).
func BenchmarkCheckBinary(b *testing.B) {
	maps := corpusOffsets(b, 1000)
	size := 0
	for _, m := range maps {
		size += len(m)
	}
	b.SetBytes(int64(size))
	for b.Loop() {
		for _, m := range maps {
			if CheckBinary(m) != nil {
				b.Fatal("a good map does not check")
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(maps)), "ns/map")
}
