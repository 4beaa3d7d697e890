package events

import (
	"sync"

	"github.com/newsline/timeline/timeline"
	"github.com/newsline/timeline/timeline/timex"
)

// A batch of ExtractAll ends at batchArticles articles or once its texts
// reach batchBytes, whichever comes first (a longer article is a batch of
// its own). On this project's shared 2-core machine, resolving and
// extracting article by article (Extract) costs 10-25% more CPU than the
// same instructions run stage by stage, more as the machine's load grows
// (BenchmarkExtractOrder, sessions 15-16; callgrind counts the same
// instructions, nearly the same cache misses, and 11% more mispredicted
// branches alternating), and batches of 1 to 64 articles pay it as Extract
// does. The cost is paid per change of stage: over the bench's 10,000
// articles of 1.7 KB (session 19, BenchmarkExtractionVsResolution -test.cpu
// 1, extractall less resolve and extractwith, alternated runs), batches of
// 32 cost 100 ms more, of 256 about 20-40 ms, of 1,024 (2 MB of text, about
// 25 ms of resolving) 2-23 ms, and all 10,000 in one batch 76-83 ms again
// (its 22 MB of expressions no longer stay in cache, and fault in).
const (
	batchArticles = 1024
	batchBytes    = 2 << 20
)

// maxPooledBatch bounds the expressions buffer ExtractAll keeps for the next
// call (about 2.8 MB); the bench's batches of 1,024 articles hold about 10,000.
const maxPooledBatch = 16384

// ExtractAll returns Extract(arts[i]) for every article, in order, the
// same events, but resolves the articles a batch at a time before it
// extracts them, instead of alternating resolver and extractor per article.
// Memory grows with a batch's text (its resolved expressions), not with
// len(arts) beyond the result.
//
// failed, when not nil, is called with the index and the value of a panic
// while resolving or extracting one article: that article's events are nil
// and the others are extracted as usual (one bad article must not take the
// others down). With failed nil the panic goes on, as Extract's does.
// failed is called on ExtractAll's goroutine, in index order.
func ExtractAll(arts []timeline.Article, failed func(i int, p any)) [][]timeline.Event {
	out := make([][]timeline.Event, len(arts))
	if len(arts) == 0 {
		return out
	}
	b := batchPool.Get().(*timexBatch)
	defer b.release()
	for from := 0; from < len(arts); {
		to := batchEnd(arts, from)
		b.resolve(arts[from:to], failed != nil)
		lo := 0
		for j := range to - from {
			hi := b.ends[j]
			if p := b.panics[j]; p != nil {
				failed(from+j, p)
			} else {
				out[from+j] = extractWithRecover(arts[from+j], b.ts[lo:hi:hi], from+j, failed)
			}
			lo = hi
		}
		// The expressions are read while extracting, never kept (see
		// Extract): cleared, so the buffer holds no article's strings.
		clear(b.ts)
		clear(b.panics)
		from = to
	}
	return out
}

// batchEnd returns the end of the batch of arts starting at from: as many
// articles as fit in batchArticles and batchBytes of text, at least one.
func batchEnd(arts []timeline.Article, from int) int {
	to, size := from, 0
	for to < len(arts) && to-from < batchArticles && (to == from || size+len(arts[to].Text) <= batchBytes) {
		size += len(arts[to].Text)
		to++
	}
	return to
}

// timexBatch is ExtractAll's resolved expressions of one batch, in one
// buffer: article j's are ts[ends[j-1]:ends[j]] (from 0 for j = 0), and
// panics[j] is the panic its resolving recovered, nil when none.
type timexBatch struct {
	ts     []timeline.Timex
	ends   []int
	panics []any
}

var batchPool = sync.Pool{New: func() any { return new(timexBatch) }}

// resolve resolves the batch's articles into b. With recovering set, a
// panic is recovered and kept in panics (never nil: since Go 1.21
// panic(nil) recovers as a *runtime.PanicNilError), the article's
// expressions none.
func (b *timexBatch) resolve(group []timeline.Article, recovering bool) {
	b.ts, b.ends = b.ts[:0], b.ends[:0]
	b.panics = append(b.panics[:0], make([]any, len(group))...)
	for j, a := range group {
		if recovering {
			b.ts, b.panics[j] = resolveRecovering(b.ts, a)
		} else {
			b.ts = resolveAppend(b.ts, a.Text, a.Meta.Date)
		}
		b.ends = append(b.ends, len(b.ts))
	}
}

// release returns b to the pool, unless its buffer grew past maxPooledBatch.
func (b *timexBatch) release() {
	if cap(b.ts) > maxPooledBatch {
		b.ts = nil
	}
	batchPool.Put(b)
}

// resolveRecovering appends article a's expressions to dst; a panic is
// recovered and returned, dst left as it was.
func resolveRecovering(dst []timeline.Timex, a timeline.Article) (ts []timeline.Timex, panicked any) {
	n := len(dst)
	defer func() {
		if p := recover(); p != nil {
			clear(dst[n:cap(dst)]) // whatever was written before the panic
			ts, panicked = dst[:n], p
		}
	}()
	return resolveAppend(dst, a.Text, a.Meta.Date), nil
}

// resolveAppend is timex.ResolveAppend; a test makes it panic.
var resolveAppend = timex.ResolveAppend

// extractWithRecover is ExtractWith giving a panic to failed (when not nil).
func extractWithRecover(a timeline.Article, ts []timeline.Timex, i int, failed func(int, any)) (evs []timeline.Event) {
	if failed != nil {
		defer func() {
			if p := recover(); p != nil {
				failed(i, p)
				evs = nil
			}
		}()
	}
	return ExtractWith(a, ts)
}
