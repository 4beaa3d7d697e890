package timex

import (
	"github.com/newsline/timeline/internal/cputime"
	"os"
	"strings"
	"testing"
	"time"
)

// newsText repeats the news-like sample in testdata until it is n bytes long.
func newsText(tb testing.TB, n int) string {
	tb.Helper()
	sample, err := os.ReadFile("testdata/news.txt")
	if err != nil {
		tb.Fatalf("read sample: %v", err)
	}
	var b strings.Builder
	b.Grow(n + len(sample))
	for b.Len() < n {
		b.Write(sample)
		b.WriteByte('\n')
	}
	return b.String()[:n]
}

// BenchmarkResolve measures the resolver's throughput (MB/s) on news-like
// text of 10 KB, 1 MB and 10 MB: the figures should be close, as the cost is
// linear in the length of the text.
func BenchmarkResolve(b *testing.B) {
	dct := time.Date(2024, 6, 14, 0, 0, 0, 0, time.UTC)
	for _, size := range []struct {
		name string
		n    int
	}{{"10KB", 10 << 10}, {"1MB", 1 << 20}, {"10MB", 10 << 20}} {
		text := newsText(b, size.n)
		b.Run(size.name, func(b *testing.B) {
			b.SetBytes(int64(len(text)))
			// One untimed pass first: at 10 MB the default benchtime runs only two
			// or three passes, and the first one's heap growth (tens of thousands of
			// results) halved the figure; steady state is what a build sees.
			found := len(Resolve(text, dct))
			cpu0, okCPU := cputime.Process()
			for b.Loop() {
				found = len(Resolve(text, dct))
			}
			if cpu1, ok := cputime.Process(); ok && okCPU && cpu1 > cpu0 {
				// MB/s per CPU-second: what one core does, whatever the machine's load
				mb := float64(len(text)) * float64(b.N) / 1e6
				b.ReportMetric(mb/(cpu1-cpu0).Seconds(), "cpu-MB/s")
			}
			b.ReportMetric(float64(found)/float64(len(text))*1000, "timex/KB")
		})
	}
}
