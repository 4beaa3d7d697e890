package export

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math/rand"
	"testing"

	"github.com/newsline/timeline/internal/bytediff"
)

// rangeBuffer is a destination that copies ranges of the previous file
// itself, as a file on Linux does with copy_file_range.
type rangeBuffer struct {
	bytes.Buffer
	copies int
	fail   error
}

func (b *rangeBuffer) CopyRange(src io.ReaderAt, off, n int64) error {
	if b.fail != nil {
		return b.fail
	}
	b.copies++
	buf := make([]byte, n)
	if m, err := src.ReadAt(buf, off); int64(m) != n {
		return fmt.Errorf("copying %d bytes at %d: %d read (%v)", n, off, m, err)
	}
	_, err := b.Write(buf)
	return err
}

// TestSpliceByRangeCopiesEqualsFullRender: over random sequences of edits,
// an export whose destination copies ranges itself is byte-identical to a
// full render, copies in runs (not one call per fragment), and saves the
// very index that reading the fragments through the process saves.
func TestSpliceByRangeCopiesEqualsFullRender(t *testing.T) {
	sites := map[string]Site{"relative": relativeSite(), "absolute": absoluteSite()}
	for seed := int64(1); seed <= 8; seed++ {
		for name, base := range sites {
			r := rand.New(rand.NewSource(seed))
			store := newMemSplices()
			spliced := base
			spliced.Splices = store
			tl := randomTimeline(r, 20+r.Intn(60))
			var copies, reused int
			for step := 0; step < 15; step++ {
				if step > 0 {
					tl = mutate(r, tl)
				}
				for _, e := range splicedExports {
					want := renderExport(t, e, tl, base)
					read := renderExport(t, e, tl, spliced)
					readIndex, readStats := store.pending[e.file], store.stats[e.file]
					var dst rangeBuffer
					if err := e.write(&dst, tl, spliced); err != nil {
						t.Fatalf("%s: %v", e.file, err)
					}
					where := fmt.Sprintf("seed %d, %s site, step %d, %s", seed, name, step, e.file)
					if !bytes.Equal(dst.Bytes(), want) || !bytes.Equal(read, want) {
						t.Fatalf("%s: spliced output differs from a full render:\n%s", where, bytediff.First(dst.Bytes(), want))
					}
					if !bytes.Equal(store.pending[e.file], readIndex) || store.stats[e.file] != readStats {
						t.Fatalf("%s: copying ranges saved another index or stats (%+v, reading: %+v)", where, store.stats[e.file], readStats)
					}
					copies += dst.copies
					reused += store.stats[e.file].Reused
					store.publish(e.file, dst.Bytes())
				}
			}
			// Fragments left back to back go out in one copy: an edit breaks
			// a run only where it renders, drops or moves a fragment.
			if copies == 0 || 4*copies > reused {
				t.Errorf("seed %d, %s site: %d range copies for %d fragments reused: runs were not joined", seed, name, copies, reused)
			}
		}
	}
}

// TestSpliceRangeCopyFailure: a failed range copy fails the export, as a
// failed write does.
func TestSpliceRangeCopyFailure(t *testing.T) {
	r := rand.New(rand.NewSource(5))
	tl := randomTimeline(r, 40)
	store := newMemSplices()
	s := relativeSite()
	s.Splices = store
	for _, e := range splicedExports {
		store.publish(e.file, renderExport(t, e, tl, s))
		boom := errors.New("disk full")
		dst := rangeBuffer{fail: boom}
		if err := e.write(&dst, tl, s); !errors.Is(err, boom) {
			t.Errorf("%s: error %v, want the copy's", e.file, err)
		}
	}
}
