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
