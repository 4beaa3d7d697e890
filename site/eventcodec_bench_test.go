package site

import (
	"fmt"
	"testing"

	"github.com/newsline/timeline/internal/newscorpus"
	"github.com/newsline/timeline/timeline/events"
	"github.com/newsline/timeline/timeline/ingest"
)

// BenchmarkDecodeEvents decodes the cached events of 200 scale-corpus
// articles, as an incremental build decodes every article's record.
func BenchmarkDecodeEvents(b *testing.B) {
	c := newscorpus.New(scaleSeed)
	var records []string
	for i := 0; i < 200; i++ {
		a, err := ingest.Parse(fmt.Sprintf("content/article-%05d.md", i), c.Article(i), nil, ingest.Options{})
		if err != nil {
			b.Fatal(err)
		}
		records = append(records, string(appendEvents(nil, events.Extract(a))))
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, r := range records {
			if _, err := decodeEvents(r); err != nil {
				b.Fatal(err)
			}
		}
	}
}
