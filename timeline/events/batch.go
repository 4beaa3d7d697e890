package events

import (
	"sync"

	"github.com/newsline/timeline/timeline"
	"github.com/newsline/timeline/timeline/timex"
)

// batchArticles is how many articles ExtractAll resolves before it extracts
// them. On this project's shared 2-core machine, resolving and extracting
// article by article (Extract) costs 15-25% more CPU than the same
// instructions run stage by stage (BenchmarkExtractOrder, session 15/16:
// the gap grows with the machine's load, callgrind counts the same
// instructions and nearly the same cache misses both ways), and batches of
// 1 to 64 articles pay it as Extract does. A batch of 256 (about 8 ms of
// resolving, longer than the scheduler's slice, so a slice runs one stage's
// code and tables, not both) paid none of it; its resolved expressions are
// about 0.5 MB.
const batchArticles = 256

// ExtractAll returns Extract(arts[i]) for every article, in order, the
// same events, but resolves the articles a batch at a time before it
// extracts them, instead of alternating resolver and extractor per article.
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
	bp := batchPool.Get().(*timexBatch)
	defer batchPool.Put(bp)
	b := bp.slots(min(len(arts), batchArticles))
	panics := make([]any, len(b)) // a resolve's recovered panic, reported in index order
	for from := 0; from < len(arts); from += len(b) {
		group := arts[from:min(from+len(b), len(arts))]
		for j := range group {
			b[j], panics[j] = resolveInto(b[j][:0], group[j], failed != nil)
		}
		for j := range group {
			if p := panics[j]; p != nil {
				panics[j] = nil
				failed(from+j, p)
			} else {
				out[from+j] = extractWithRecover(group[j], b[j], from+j, failed)
			}
			// The expressions are read while extracting, never kept (see
			// Extract): cleared, so the buffer holds no article's strings.
			clear(b[j])
			if cap(b[j]) > maxPooledTimexes {
				b[j] = nil
			}
		}
	}
	return out
}

// timexBatch is ExtractAll's buffers of resolved expressions, one per
// article of a batch, recycled across calls.
type timexBatch struct{ bufs [][]timeline.Timex }

func (t *timexBatch) slots(n int) [][]timeline.Timex {
	if len(t.bufs) < n {
		t.bufs = append(t.bufs, make([][]timeline.Timex, n-len(t.bufs))...)
	}
	return t.bufs[:n]
}

var batchPool = sync.Pool{New: func() any { return new(timexBatch) }}

// resolveInto resolves article a into dst. With recovering set, a panic is
// recovered and returned (never nil: since Go 1.21 panic(nil) recovers as a
// *runtime.PanicNilError).
func resolveInto(dst []timeline.Timex, a timeline.Article, recovering bool) (ts []timeline.Timex, panicked any) {
	if recovering {
		defer func() {
			if p := recover(); p != nil {
				clear(dst[:cap(dst)]) // whatever was written before the panic
				ts, panicked = dst[:0], p
			}
		}()
	}
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
