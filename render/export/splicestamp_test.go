package export

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"math/rand"
	"testing"
)

// withStampLine is index with the stamp line an index written before
// fragments-5 carried (the calendar's DTSTAMP line, patched into every
// copied VEVENT then) in place of the empty string, its checksums redone.
func withStampLine(t *testing.T, file string, index []byte, stamp string) []byte {
	t.Helper()
	b := index[:len(index)-4]
	n := int(binary.LittleEndian.Uint32(b[len(b)-4:]))
	b = b[:len(b)-4]
	recs, trailer := b[:len(b)-n], b[len(b)-n:]
	head := append([]byte(spliceFormat), appendString(nil, file)...)
	if !bytes.HasPrefix(trailer, head) || trailer[len(head)] != 0 {
		t.Fatalf("%s: index trailer not as encodeIndex writes it", file)
	}
	out := append(append([]byte(nil), recs...), head...)
	start := len(recs)
	out = appendString(out, stamp)
	out = append(out, trailer[len(head)+1:]...)
	out = binary.LittleEndian.AppendUint32(out, uint32(len(out)-start))
	return binary.LittleEndian.AppendUint32(out, crc32.Checksum(out, castagnoli))
}

// TestStampedIndexIsNotUsed: an index that names a stamp line (written
// before each VEVENT had its own DTSTAMP) is not used: nothing is copied
// from its file, and the export is the full render. The same index without
// the stamp line is used (the test's control).
func TestStampedIndexIsNotUsed(t *testing.T) {
	tl := randomTimeline(rand.New(rand.NewSource(5)), 40)
	for _, e := range splicedExports {
		for _, stamp := range []string{"", "\r\nDTSTAMP:20240620T000000Z\r\n"} {
			store := newMemSplices()
			s := relativeSite()
			s.Splices = store
			store.publish(e.file, renderExport(t, e, tl, s))
			store.indexes[e.file] = withStampLine(t, e.file, store.indexes[e.file], stamp)
			got := renderExport(t, e, tl, s)
			if want := renderExport(t, e, tl, relativeSite()); !bytes.Equal(got, want) {
				t.Fatalf("%s: spliced render differs from the full one", e.file)
			}
			st := store.stats[e.file]
			if stamp == "" && (st.Reused == 0 || st.Rendered != 0) {
				t.Errorf("%s: index without a stamp line: %d copied, %d rendered; want all copied", e.file, st.Reused, st.Rendered)
			}
			if stamp != "" && st.Reused != 0 {
				t.Errorf("%s: index with a stamp line: %d fragments copied, want none", e.file, st.Reused)
			}
		}
	}
}
