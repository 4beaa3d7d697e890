package export

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math/rand"
	"strings"
	"sync"
	"testing"

	"github.com/newsline/timeline/internal/bytediff"
	"github.com/newsline/timeline/timeline"
)

// streamingSplices is memSplices with its indexes streamed
// (SpliceIndexStreamer): each index arrives in pieces and is kept on Commit.
type streamingSplices struct {
	*memSplices
	mu        sync.Mutex
	open      map[string]*streamedIndex
	commits   int
	aborts    int
	piecewise int  // commits whose index came in more writes than it has records
	failing   bool // every Write fails, as on a full disk
}

type streamedIndex struct {
	s      *streamingSplices
	file   string
	buf    bytes.Buffer
	writes int
	done   bool
}

func newStreamingSplices() *streamingSplices {
	return &streamingSplices{memSplices: newMemSplices(), open: map[string]*streamedIndex{}}
}

func (s *streamingSplices) IndexWriter(file string) (SpliceIndexWriter, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	w := &streamedIndex{s: s, file: file}
	s.open[file] = w
	return w, true
}

func (w *streamedIndex) Write(b []byte) (int, error) {
	if w.done {
		panic("a write after Commit or Abort")
	}
	w.writes++
	if w.s.failing {
		return 0, errors.New("index disk full")
	}
	return w.buf.Write(b) // a copy: the splicer reuses b
}

func (w *streamedIndex) Commit(stats SpliceStats) {
	w.end()
	b := w.buf.Bytes()
	records := len(b) // none kept: as many as writes, at most
	if len(b) >= 8 {
		records = (len(b) - 8 - int(binary.LittleEndian.Uint32(b[len(b)-8:]))) / recordSize // the trailer's length is before its CRC
	}
	w.s.mu.Lock()
	w.s.commits++
	if w.writes > records {
		w.s.piecewise++ // a piece per record at least, and the trailer
	}
	w.s.mu.Unlock()
	w.s.memSplices.Written(w.file, w.buf.Bytes(), stats)
}

func (w *streamedIndex) Abort() {
	w.end()
	w.s.mu.Lock()
	w.s.aborts++
	w.s.mu.Unlock()
}

func (w *streamedIndex) end() {
	if w.done {
		panic("Commit or Abort twice")
	}
	w.done = true
}

// withIndexPiece sets indexPiece for one test.
func withIndexPiece(t *testing.T, n int) {
	saved := indexPiece
	indexPiece = n
	t.Cleanup(func() { indexPiece = saved })
}

// TestStreamedIndexEqualsWhole: over random sequences of edits, an index
// streamed to the store in pieces (cut inside records, between them, and
// as one piece) is byte for byte the index Written receives whole, and the
// exports splicing from it still equal full renders.
func TestStreamedIndexEqualsWhole(t *testing.T) {
	for _, piece := range []int{1, 24, 100, 1 << 20} {
		withIndexPiece(t, piece)
		r := rand.New(rand.NewSource(int64(piece)))
		whole, streamed := newMemSplices(), newStreamingSplices()
		base := absoluteSite()
		tl := randomTimeline(r, 40+r.Intn(40))
		for step := 0; step < 8; step++ {
			if step > 0 {
				tl = mutate(r, tl)
			}
			for _, e := range splicedExports {
				want := renderExport(t, e, tl, base)
				for _, store := range []SpliceStore{whole, streamed} {
					s := base
					s.Splices, s.Order = store, new(EventOrder)
					if got := renderExport(t, e, tl, s); !bytes.Equal(got, want) {
						t.Fatalf("piece %d, step %d, %T: %s differs from a full render:\n%s", piece, step, store, e.file, bytediff.First(got, want))
					}
				}
				if got, want := streamed.pending[e.file], whole.pending[e.file]; !bytes.Equal(got, want) {
					t.Fatalf("piece %d, step %d: %s's streamed index (%d bytes) is not the whole one (%d bytes)", piece, step, e.file, len(got), len(want))
				}
				if streamed.stats[e.file] != whole.stats[e.file] {
					t.Fatalf("piece %d, step %d: %s's stats %+v streamed, %+v whole", piece, step, e.file, streamed.stats[e.file], whole.stats[e.file])
				}
				whole.publish(e.file, want)
				streamed.publish(e.file, want)
			}
		}
		if streamed.aborts != 0 || streamed.commits != 8*len(splicedExports) {
			t.Errorf("piece %d: %d commits, %d aborts; want %d, 0", piece, streamed.commits, streamed.aborts, 8*len(splicedExports))
		}
		if piece <= recordSize && streamed.piecewise != streamed.commits {
			t.Errorf("pieces of %d bytes: only %d indexes of %d came in a piece per record", piece, streamed.piecewise, streamed.commits)
		}
	}
}

// TestStreamedIndexAbortedOnFailure: an export whose write fails aborts its
// streamed index instead of committing it, at any point of the file.
func TestStreamedIndexAbortedOnFailure(t *testing.T) {
	withIndexPiece(t, 100)
	r := rand.New(rand.NewSource(13))
	tl := randomTimeline(r, 60)
	edited := mutate(r, tl)
	for _, e := range splicedExports {
		store, s := publishedStreaming(t, e, tl)
		size := len(renderExport(t, e, edited, absoluteSite()))
		commits := store.commits
		for _, at := range []int{0, size / 2, size - 5} {
			s.Order = new(EventOrder)
			if err := e.write(&failingWriter{n: at}, edited, s); err == nil || !strings.Contains(err.Error(), "disk full") {
				t.Fatalf("%s, write failing after %d bytes: error %v, want disk full", e.file, at, err)
			}
		}
		if store.commits != commits || store.aborts != 3 {
			t.Errorf("%s: %d commits and %d aborts after 3 failed writes, want none and 3", e.file, store.commits-commits, store.aborts)
		}
	}
}

// TestStreamedIndexWriteFailureIsNotTheExports: an index whose writes fail
// (the sink's to remember) leaves the export itself whole and successful.
func TestStreamedIndexWriteFailureIsNotTheExports(t *testing.T) {
	withIndexPiece(t, 100)
	r := rand.New(rand.NewSource(14))
	tl := randomTimeline(r, 60)
	edited := mutate(r, tl)
	for _, e := range splicedExports {
		store, s := publishedStreaming(t, e, tl)
		store.failing = true
		s.Order = new(EventOrder)
		if got, want := renderExport(t, e, edited, s), renderExport(t, e, edited, absoluteSite()); !bytes.Equal(got, want) {
			t.Fatalf("%s with a failing index: differs from a full render:\n%s", e.file, bytediff.First(got, want))
		}
		if store.commits != 2 || store.aborts != 0 {
			t.Errorf("%s: %d commits, %d aborts; want the store to decide on the failed index (2, 0)", e.file, store.commits, store.aborts)
		}
	}
}

// publishedStreaming returns a streaming store holding e's file and index as
// rendered from tl, and a site that splices through it.
func publishedStreaming(t *testing.T, e spliceExport, tl timeline.Timeline) (*streamingSplices, Site) {
	t.Helper()
	store := newStreamingSplices()
	s := absoluteSite()
	s.Splices = store
	store.publish(e.file, renderExport(t, e, tl, s))
	return store, s
}
