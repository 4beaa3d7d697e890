package timex

import (
	"slices"
	"sync"

	"github.com/newsline/timeline/timeline"
)

// collector gathers a text's expressions in fixed-size chunks recycled
// between calls, then copies them once into a result of the exact length.
// Growing one slice by doubling cost a 10 MB text three times its result in
// fresh, zeroed, pointer-holding memory (most of Resolve's allocation and a
// third of its CPU in clearing, write barriers and GC scanning); the chunks
// are reused, so only the result is new memory.
type collector struct {
	chunks []*[]timeline.Timex // filled chunks, then the current one last
}

// chunkLen is a chunk's capacity: about 190 KB, the expressions of some
// 120 KB of news text.
const chunkLen = 1024

var chunkPool = sync.Pool{New: func() any {
	c := make([]timeline.Timex, 0, chunkLen)
	return &c
}}

// room returns the current chunk with room for k more expressions (k is at
// most a match's few), starting a new chunk when the current one is full, so
// a match's expressions stay contiguous (a range refers to its end by index).
func (c *collector) room(k int) *[]timeline.Timex {
	if len(c.chunks) > 0 {
		cur := c.chunks[len(c.chunks)-1]
		if len(*cur)+k <= cap(*cur) {
			return cur
		}
	}
	next := chunkPool.Get().(*[]timeline.Timex)
	if cap(*next) < k {
		*next = make([]timeline.Timex, 0, max(k, chunkLen))
	}
	c.chunks = append(c.chunks, next)
	return next
}

// result copies the expressions into one slice of the exact length.
func (c *collector) result() []timeline.Timex {
	n := 0
	for _, ch := range c.chunks {
		n += len(*ch)
	}
	out := make([]timeline.Timex, 0, n)
	for _, ch := range c.chunks {
		out = append(out, *ch...)
	}
	return out
}

// appendTo appends the expressions to dst, grown once.
func (c *collector) appendTo(dst []timeline.Timex) []timeline.Timex {
	n := 0
	for _, ch := range c.chunks {
		n += len(*ch)
	}
	dst = slices.Grow(dst, n)
	for _, ch := range c.chunks {
		dst = append(dst, *ch...)
	}
	return dst
}

// release clears the chunks (they must not keep a text's strings alive) and
// returns them to the pool.
func (c *collector) release() {
	for _, ch := range c.chunks {
		clear(*ch)
		*ch = (*ch)[:0]
		chunkPool.Put(ch)
	}
	c.chunks = nil
}
