package ingest

import (
	"fmt"
	"os"
	"strconv"
	"testing"

	"github.com/newsline/timeline/internal/cputime"
	"github.com/newsline/timeline/internal/newscorpus"
	"github.com/spf13/afero"
)

// BenchmarkLoadCorpus loads the scale benchmark's generated articles
// (internal/newscorpus with site's seed; 2,000 unless
// TIMELINE_BENCH_ARTICLES says otherwise) from a memory file system on one
// worker, and prints the process CPU time per load (cpu-ms/load), the
// throughput and the allocations: the site's load stage without its disk
// and cache. Run:
//
//	go test -run '^$' -bench LoadCorpus -benchmem -cpu 1 ./timeline/ingest/
func BenchmarkLoadCorpus(b *testing.B) {
	n := 2000
	if v, err := strconv.Atoi(os.Getenv("TIMELINE_BENCH_ARTICLES")); err == nil && v > 0 {
		n = v
	}
	fs := afero.NewMemMapFs()
	gen := newscorpus.New(20240614)
	size := 0
	for i := 0; i < n; i++ {
		data := gen.Article(i)
		size += len(data)
		if err := afero.WriteFile(fs, fmt.Sprintf("content/article-%05d.md", i), data, 0o644); err != nil {
			b.Fatal(err)
		}
	}
	b.SetBytes(int64(size))
	b.ReportAllocs()
	b.ResetTimer()
	c0, ok0 := cputime.Process()
	for k := 0; k < b.N; k++ {
		arts, errs := Load(fs, []string{"content"}, Options{Workers: 1})
		if len(errs) > 0 || len(arts) != n {
			b.Fatalf("%d articles, errors %v", len(arts), errs)
		}
	}
	if c1, ok1 := cputime.Process(); ok0 && ok1 {
		b.ReportMetric(float64((c1-c0).Microseconds())/1000/float64(b.N), "cpu-ms/load")
	}
}
