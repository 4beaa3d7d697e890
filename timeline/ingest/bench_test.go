package ingest

import (
	"bytes"
	"os"
	"testing"
)

// BenchmarkParseSeed parses the seed article repeated to about 1 MB and
// reports the throughput (MB/s). Run: make bench, or
// go test -run '^$' -bench ParseSeed ./timeline/ingest
func BenchmarkParseSeed(b *testing.B) {
	seed, err := os.ReadFile(seedPath)
	if err != nil {
		b.Skip("seed article absent:", err)
	}
	raw := bytes.Repeat(append(seed, "\n\n"...), (1<<20)/len(seed)+1)
	benchParse(b, "seed.txt", raw)
}

// BenchmarkParseMarkdown does the same for the seed's text as Markdown.
func BenchmarkParseMarkdown(b *testing.B) {
	seed, err := os.ReadFile(seedPath)
	if err != nil {
		b.Skip("seed article absent:", err)
	}
	body := bytes.Repeat(append(seed, "\n\n"...), (1<<20)/len(seed)+1)
	raw := append([]byte("---\ntitle: Seed\ndate: 2024-06-14\n---\n"), body...)
	benchParse(b, "seed.md", raw)
}

func benchParse(b *testing.B, path string, raw []byte) {
	b.SetBytes(int64(len(raw)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(path, raw, nil, Options{Date: day}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(raw))*float64(b.N)/b.Elapsed().Seconds()/1e6, "MB/s")
}
