package merge

import (
	"hash/crc32"
	"sync/atomic"
)

// crcCombine returns the CRC-32C of a+b from crcA = CRC of a, crcB = CRC of
// b and b's length (zlib's crc32_combine, for the Castagnoli polynomial), so
// the two sections of a state are checksummed on two cores while the file
// keeps its one checksum. Appending lenB zero bits to a's register is a
// linear map over GF(2), applied by repeated squaring of its matrix.
func crcCombine(crcA, crcB uint32, lenB int64) uint32 {
	if lenB <= 0 {
		return crcA
	}
	var even, odd [32]uint32
	odd[0] = 0x82f63b78 // the reflected Castagnoli polynomial: one zero bit
	for n, row := 1, uint32(1); n < 32; n, row = n+1, row<<1 {
		odd[n] = row
	}
	gf2Square(&even, &odd) // two zero bits
	gf2Square(&odd, &even) // four
	for {
		gf2Square(&even, &odd) // one zero byte, then 2^k of them
		if lenB&1 != 0 {
			crcA = gf2Times(&even, crcA)
		}
		if lenB >>= 1; lenB == 0 {
			break
		}
		gf2Square(&odd, &even)
		if lenB&1 != 0 {
			crcA = gf2Times(&odd, crcA)
		}
		if lenB >>= 1; lenB == 0 {
			break
		}
	}
	return crcA ^ crcB
}

func gf2Times(mat *[32]uint32, vec uint32) uint32 {
	var sum uint32
	for i := 0; vec != 0; i, vec = i+1, vec>>1 {
		if vec&1 != 0 {
			sum ^= mat[i]
		}
	}
	return sum
}

func gf2Square(square, mat *[32]uint32) {
	for n := range mat {
		square[n] = gf2Times(mat, mat[n])
	}
}

// crcTouchChunk is how many bytes crcUpdate reads ahead of the checksum:
// 256 cache lines, which stay in the core's L1/L2 until summed.
const crcTouchChunk = 16 << 10

// crcTouched keeps the bytes crcUpdate reads ahead from being optimized
// away (atomic: checksums run on several goroutines at once).
var crcTouched atomic.Uint32

// crcUpdate is crc32.Update(crc, crcTable, b), reading each 16 KB chunk's
// cache lines (one byte of each 64) before summing the chunk. A mapped
// state's bytes come from memory, not the caches: there the CRC
// instructions' loads ran at 4-6 GB/s on this machine, where independent
// loads of one byte a line, then the checksum from the cache, run at
// 9-12 GB/s together (128 MB in a heap buffer; the 129 MB events file of a
// kept 10k site: 24-27 -> 15-18 CPU ms per mapped read). Same checksum.
func crcUpdate(crc uint32, b []byte) uint32 {
	var x byte
	for len(b) > 0 {
		c := b[:min(crcTouchChunk, len(b))]
		for k := 0; k < len(c); k += 64 {
			x += c[k]
		}
		crc = crc32.Update(crc, crcTable, c)
		b = b[len(c):]
	}
	crcTouched.Store(uint32(x))
	return crc
}

// Checksum is the CRC-32C of b (the state's and the events file's
// checksum), read as crcUpdate reads it: for a caller checking a mapped
// events file against the sum a save gave (SideWritten.Sum).
func Checksum(b []byte) uint32 { return crcUpdate(0, b) }
