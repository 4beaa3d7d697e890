package render

import (
	"encoding/binary"
	"hash/crc32"
	"slices"
	"testing"
)

// resealMemo makes the checksum at the end of a memo right again for its
// bytes (a memo changed by hand, or forged).
func resealMemo(data []byte) {
	body := data[:len(data)-4]
	binary.LittleEndian.PutUint32(data[len(body):], crc32.Checksum(body, memoCRC))
}

// TestParseMemoRefusesLongIDLengths: an ID's length written in more bytes
// than it needs is damage (the memo's copies find an entry's start from
// its length), refused like any other.
func TestParseMemoRefusesLongIDLengths(t *testing.T) {
	r, err := PlanIncremental(synthetic(t, 100), Config{Title: "Lengths"}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	data := r.AppendMemo(nil)
	m, err := ParseMemo(data)
	if err != nil {
		t.Fatal(err)
	}
	for _, j := range []int{0, 7, m.size() - 1} {
		at := m.idsFrom(j)
		l := data[at]
		d := slices.Concat(data[:at], []byte{l | 0x80, 0}, data[at+1:])
		resealMemo(d)
		if _, err := ParseMemo(d); err == nil {
			t.Fatalf("ID %d's length in two bytes: memo read", j)
		}
	}
}
