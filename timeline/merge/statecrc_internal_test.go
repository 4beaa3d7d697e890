package merge

import (
	"hash/crc32"
	"math/rand/v2"
	"testing"
)

// TestCRCCombine: the combined checksum of two parts is the checksum of the
// whole, for every cut of random buffers (empty parts included).
func TestCRCCombine(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 2026))
	for _, n := range []int{0, 1, 2, 7, 64, 1000, 70_000} {
		buf := make([]byte, n)
		for k := range buf {
			buf[k] = byte(rng.Uint32())
		}
		want := crc32.Checksum(buf, crcTable)
		for _, cut := range []int{0, n / 3, n / 2, n - 1, n} {
			if cut < 0 {
				continue
			}
			a, b := crc32.Checksum(buf[:cut], crcTable), crc32.Checksum(buf[cut:], crcTable)
			if got := crcCombine(a, b, int64(n-cut)); got != want {
				t.Fatalf("%d bytes cut at %d: combined %08x, want %08x", n, cut, got, want)
			}
		}
	}
}

// TestCRCUpdateAsCRC32: crcUpdate's chunked read gives crc32.Update's
// checksum from any starting CRC, for lengths around its chunk's multiples
// and slices starting anywhere in a line.
func TestCRCUpdateAsCRC32(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 2026))
	buf := make([]byte, 3*crcTouchChunk+200)
	for k := range buf {
		buf[k] = byte(rng.Uint32())
	}
	for _, n := range []int{0, 1, 63, 64, 65, crcTouchChunk - 1, crcTouchChunk, crcTouchChunk + 1, 2*crcTouchChunk + 64, 3 * crcTouchChunk} {
		for _, off := range []int{0, 1, 37, 199} {
			b := buf[off : off+n]
			for _, start := range []uint32{0, rng.Uint32()} {
				if got, want := crcUpdate(start, b), crc32.Update(start, crcTable, b); got != want {
					t.Fatalf("%d bytes at %d from %08x: %08x, want %08x", n, off, start, got, want)
				}
			}
		}
	}
	if got, want := Checksum(buf), crc32.Checksum(buf, crcTable); got != want {
		t.Fatalf("Checksum %08x, want %08x", got, want)
	}
}
