package export

import (
	"bufio"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/newsline/timeline/internal/cputime"
	"github.com/newsline/timeline/timeline"
)

// fileSplices is a SpliceStore over real files, as a site build has it: the
// published copy of each export is a file in dir, opened for each render.
type fileSplices struct {
	dir     string
	mu      sync.Mutex
	indexes map[string][]byte
	pending map[string][]byte
	stats   map[string]SpliceStats
}

func newFileSplices(dir string) *fileSplices {
	return &fileSplices{dir: dir, indexes: map[string][]byte{}, pending: map[string][]byte{}, stats: map[string]SpliceStats{}}
}

func (f *fileSplices) Previous(file string) (io.ReaderAt, int64, []byte, bool) {
	f.mu.Lock()
	index, ok := f.indexes[file]
	f.mu.Unlock()
	if !ok {
		return nil, 0, nil, false
	}
	r, err := os.Open(filepath.Join(f.dir, file))
	if err != nil {
		return nil, 0, nil, false
	}
	info, err := r.Stat()
	if err != nil {
		r.Close()
		return nil, 0, nil, false
	}
	return r, info.Size(), index, true
}

func (f *fileSplices) Written(file string, index []byte, stats SpliceStats) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.pending[file], f.stats[file] = slices.Clone(index), stats // the export reuses its memory
}

// writeFile renders an export into a new file through a 32 KB buffer, as
// the site's page writer does, and publishes it (rename over the old copy)
// with its index.
func (f *fileSplices) writeFile(tb testing.TB, e spliceExport, tl timeline.Timeline, s Site) {
	tb.Helper()
	tmp := filepath.Join(f.dir, e.file+".new")
	out, err := os.Create(tmp)
	if err != nil {
		tb.Fatal(err)
	}
	w := bufio.NewWriterSize(out, 32<<10)
	err = e.write(w, tl, s)
	if err == nil {
		err = w.Flush()
	}
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		tb.Fatalf("%s: %v", e.file, err)
	}
	if err := os.Rename(tmp, filepath.Join(f.dir, e.file)); err != nil {
		tb.Fatal(err)
	}
	f.mu.Lock()
	f.indexes[e.file] = f.pending[e.file]
	f.mu.Unlock()
}

// benchEvents is how many events BenchmarkSpliceToFile exports: about what
// the 10,000-article scale corpus makes (TIMELINE_BENCH_EVENTS overrides it).
var benchEvents = func() int {
	if n, err := strconv.Atoi(os.Getenv("TIMELINE_BENCH_EVENTS")); err == nil && n > 0 {
		return n
	}
	return 116000
}()

// BenchmarkSpliceToFile writes each spliced export of benchEvents events to
// a real file, after one article added ten events, copying the other
// fragments from the published file as an incremental site build does, and
// reports the process CPU and wall milliseconds per file and its size: the
// system calls that a write to a discarding writer does not show.
func BenchmarkSpliceToFile(b *testing.B) {
	tl := bigTimeline(b, benchEvents)
	edited := withOneMoreArticle(tl)
	// As render gives it: an event URL pattern, and IDs it checked are distinct.
	s := Site{Title: "Bench", BaseURL: "https://x.example/", EventDigest: eventDigests(tl, edited),
		EventURL: func(ev timeline.Event) string { return "events/" + ev.ID + "/" }, EventURLPattern: "events/{ID}/", UniqueIDs: true}
	for _, e := range splicedExports {
		b.Run(e.file, func(b *testing.B) {
			store := newFileSplices(b.TempDir())
			spliced := s
			spliced.Splices = store
			store.writeFile(b, e, tl, spliced)
			var cpu time.Duration
			var wall time.Duration
			for i := 0; i < b.N; i++ {
				next := edited // ten events added, then removed again
				if i%2 == 1 {
					next = tl
				}
				cpu0, _ := cputime.Process()
				start := time.Now()
				store.writeFile(b, e, next, spliced)
				wall += time.Since(start)
				cpu1, _ := cputime.Process()
				cpu += cpu1 - cpu0
				if st := store.stats[e.file]; st.Rendered > 10 {
					b.Fatalf("%s: %d fragments rendered, want at most 10", e.file, st.Rendered)
				}
			}
			info, err := os.Stat(filepath.Join(store.dir, e.file))
			if err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(float64(cpu.Microseconds())/1e3/float64(b.N), "cpu-ms/file")
			b.ReportMetric(float64(wall.Microseconds())/1e3/float64(b.N), "ms/file")
			b.ReportMetric(float64(info.Size())/1e6, "MB")
		})
	}
}
