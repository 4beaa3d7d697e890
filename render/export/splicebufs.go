package export

import "sync"

// The whole-file exports' index buffers are recycled: an index of 116,000
// fragments is 2.8 MB per export and its old file's offsets 0.9 MB, three
// exports of every build (timeline serve's included) allocated them afresh,
// and the collector paid for each megabyte. They hold no pointers, so a
// pooled buffer costs the collector nothing to keep; one the collector
// drops from the pool is made again.
var (
	indexBufs  sync.Pool // *[]byte
	offsetBufs sync.Pool // *[]int64
)

// poisonRecycled, set by tests, fills every buffer handed back, so that
// anything still reading one reads garbage and fails.
var poisonRecycled = false

// getIndexBuf returns an empty buffer of capacity n at least.
func getIndexBuf(n int) []byte {
	if p, ok := indexBufs.Get().(*[]byte); ok && cap(*p) >= n {
		return (*p)[:0]
	}
	return make([]byte, 0, n)
}

func putIndexBuf(b []byte) {
	if cap(b) == 0 {
		return
	}
	if poisonRecycled {
		b = b[:cap(b)]
		for i := range b {
			b[i] = 0xA5
		}
	}
	b = b[:0]
	indexBufs.Put(&b)
}

// getOffsets returns n offsets, every one to be set by the caller.
func getOffsets(n int) []int64 {
	if p, ok := offsetBufs.Get().(*[]int64); ok && cap(*p) >= n {
		return (*p)[:n]
	}
	return make([]int64, n)
}

func putOffsets(o []int64) {
	if cap(o) == 0 {
		return
	}
	if poisonRecycled {
		o = o[:cap(o)]
		for i := range o {
			o[i] = -1 << 40
		}
	}
	offsetBufs.Put(&o)
}
