package ingest

import (
	"encoding/binary"
	"errors"
	"math"
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

// decodeOffsets reads data; keep says whether to build the segments.
func decodeOffsets(data []byte, keep bool) ([]segment, int, error) {
	d := offsetsDecoder{data: data}
	textLen := d.uvarint(math.MaxInt32)
	hasSegs := d.uvarint(1)
	var segs []segment
	if hasSegs == 1 {
		n := d.uvarint(uint64(len(data))) // every segment takes at least 5 bytes
		if keep {
			segs = make([]segment, 0, min(n, uint64(len(data))/5))
		}
		for i := uint64(0); i < n && d.err == nil; i++ {
			var s segment
			s.text = int32(d.uvarint(math.MaxUint32))
			s.raw = int32(d.uvarint(math.MaxUint32))
			s.textLen = int32(d.uvarint(math.MaxUint32))
			s.rawLen = int32(d.uvarint(math.MaxUint32))
			s.copied = d.uvarint(1) == 1
			if keep {
				segs = append(segs, s)
			}
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

// uvarint reads one value no larger than max.
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
