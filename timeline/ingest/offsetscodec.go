package ingest

import (
	"encoding/binary"
	"errors"
	"math"
	"math/bits"
)

// The binary form of Offsets lets a build cache parsed articles (site's parse
// cache) without parsing them again: uvarint text length, a byte telling a nil
// segment list from an empty one, the segment count, then per segment four
// uvarints (text, raw, textLen, rawLen) and a copied byte. Decoding is exact:
// a decoded map equals the encoded one field for field.

// AppendBinary appends the binary form of o to b (encoding.BinaryAppender).
func (o *Offsets) AppendBinary(b []byte) ([]byte, error) {
	b = binary.AppendUvarint(b, uint64(o.textLen))
	if o.segs == nil {
		return append(b, 0), nil
	}
	b = append(b, 1)
	b = binary.AppendUvarint(b, uint64(len(o.segs)))
	for _, s := range o.segs {
		for _, v := range [4]int32{s.text, s.raw, s.textLen, s.rawLen} {
			b = binary.AppendUvarint(b, uint64(uint32(v)))
		}
		if s.copied {
			b = append(b, 1)
		} else {
			b = append(b, 0)
		}
	}
	return b, nil
}

var errBadOffsets = errors.New("ingest: malformed binary offset map")

// UnmarshalBinary sets o from data written by AppendBinary; malformed data is
// an error, never a panic.
func (o *Offsets) UnmarshalBinary(data []byte) error {
	segs, textLen, err := decodeOffsets(data, true)
	if err != nil {
		return err
	}
	o.segs, o.textLen = segs, textLen
	return nil
}

// CheckBinary reports whether data is an offset map AppendBinary wrote,
// which UnmarshalBinary will then decode without error, without allocating:
// a build checks the maps of the articles it takes from its cache and
// decodes only those it uses.
func CheckBinary(data []byte) error {
	_, _, err := decodeOffsets(data, false)
	return err
}

// decodeOffsets reads data; keep says whether to build the segments. A
// segment's values are read through locals, one of one or two bytes (nearly
// all of them: offsets within an article, lengths and flags) in place, and a
// check reads whole segments (checkSegments): a fresh build checks the map of
// every article it recalls, about 25 segments each (was: binary.Uvarint
// through a decoder's fields per value, ~350 instructions a segment, 87M of
// the 368M of a fresh 10k build's cache and load stages). What it accepts is
// unchanged: what binary.Uvarint reads within each value's bound, values of
// more bytes or not in their shortest form too (uvarintSlow).
func decodeOffsets(data []byte, keep bool) ([]segment, int, error) {
	textLen, p := uvarintSlow(data, 0, math.MaxInt32)
	hasSegs, p := uvarintSlow(data, p, 1)
	var segs []segment
	if hasSegs == 1 {
		var n uint64
		n, p = uvarintSlow(data, p, uint64(len(data))) // every segment takes at least 5 bytes
		if p < 0 {
			return nil, 0, errBadOffsets
		}
		if keep {
			segs = make([]segment, 0, min(n, uint64(len(data))/5))
		}
		for ; n > 0; n-- {
			if !keep {
				if p, n = checkSegments(data, p, n); n == 0 {
					break
				}
			}
			var v [5]uint64 // text, raw, textLen, rawLen, copied
			for k := range v {
				if q := p + 1; uint(q) < uint(len(data)) {
					if b := data[p]; b < 0x80 {
						v[k], p = uint64(b), q
						continue
					} else if c := data[q]; c < 0x80 {
						v[k], p = uint64(b&0x7f)|uint64(c)<<7, q+1
						continue
					}
				}
				if v[k], p = uvarintSlow(data, p, math.MaxUint32); p < 0 {
					return nil, 0, errBadOffsets
				}
			}
			if v[4] > 1 {
				return nil, 0, errBadOffsets
			}
			if keep {
				segs = append(segs, segment{text: int32(v[0]), raw: int32(v[1]), textLen: int32(v[2]), rawLen: int32(v[3]), copied: v[4] == 1})
			}
		}
	}
	if p != len(data) {
		return nil, 0, errBadOffsets
	}
	return segs, int(textLen), nil
}

// uvarintSlow reads the uvarint at data[p:], no larger than max, and returns
// it and where the next value starts: -1 when it is malformed or p is -1 (a
// value after a malformed one).
func uvarintSlow(data []byte, p int, max uint64) (uint64, int) {
	if p < 0 || p > len(data) {
		return 0, -1
	}
	v, n := binary.Uvarint(data[p:])
	if n <= 0 || v > max {
		return 0, -1
	}
	return v, p + n
}

// checkSegments checks the next of n segments, from data[p:], while their
// values take one to four bytes each (below 1<<28, within their bound) and
// 16 bytes lie ahead, and returns where it stopped and how many segments
// are left; the caller reads the next one's values one by one. The bytes
// that end a value (high bit clear) are gathered into a mask of the 16 bytes:
// the segment ends at the fifth of them, no four bytes in a row before it
// continue a value, and its last value, the copied flag, is one byte of 0 or
// 1. About 70 instructions a segment (callgrind, 10k maps).
func checkSegments(data []byte, p int, n uint64) (int, uint64) {
	for ; n > 0 && p+16 <= len(data); n-- {
		w := data[p : p+16 : p+16]
		ends := endsOf(binary.LittleEndian.Uint64(w)) | endsOf(binary.LittleEndian.Uint64(w[8:]))<<8
		// The two commonest shapes by a branch, which the processor predicts,
		// so that the next segment's load need not wait for this one's mask:
		// a copied run (values of 2, 2, 2, 2 and 1 bytes) and a replaced
		// character (2, 2, 1, 1, 1).
		if ends&0x1ff == 0x1aa && w[8] <= 1 {
			p += 9
			continue
		}
		if ends&0x7f == 0x7a && w[6] <= 1 {
			p += 7
			continue
		}
		t := ends
		t &= t - 1
		t &= t - 1
		t &= t - 1
		t &= t - 1 // the fifth end and those after
		if t == 0 {
			break
		}
		last := bits.TrailingZeros64(t) & 15
		cont := ^ends & (1<<last - 1) // the bytes before the flag that continue a value
		long := cont & (cont >> 1)
		long &= long >> 2 // four continuing bytes in a row: a value of five bytes or more
		if long != 0 || cont&(1<<(last-1)) != 0 || w[last] > 1 {
			break
		}
		p += last + 1
	}
	return p, n
}

// endsOf has bit i set when byte i of w (little-endian) has its high bit
// clear: the last byte of a uvarint. The multiplication moves bit 8i to bit
// 56+i without carries.
func endsOf(w uint64) uint64 {
	return ((^w & 0x8080808080808080) >> 7) * 0x0102040810204080 >> 56
}
