package ingest

import (
	"reflect"
	"testing"
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
