package events_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/newsline/timeline/timeline"
	"github.com/newsline/timeline/timeline/events"
	"github.com/newsline/timeline/timeline/ingest"
	"github.com/newsline/timeline/timeline/merge"
	"github.com/newsline/timeline/timeline/timex"
)

// benchArticles is the corpus size. The figure is 10,000 articles;
// 2,000 keeps `make bench` short while the merge is quadratic in articles
// (set it to 10000 to reproduce the measurement).
const benchArticles = 2000

// benchCorpus builds n distinct articles from the invented testdata articles
// (and the seed article, when present, for a long real-world text):
// each copy gets its own publication date and its own place and person names,
// so the merge sees many articles, not one article many times.
func benchCorpus(b *testing.B, n int) []timeline.Article {
	b.Helper()
	paths, _ := filepath.Glob("testdata/*.md")
	var bases [][]byte
	for _, p := range paths {
		raw, err := os.ReadFile(p)
		if err != nil {
			b.Fatal(err)
		}
		bases = append(bases, raw)
	}
	if seed, err := os.ReadFile(seedPath); err == nil {
		// As Markdown with front matter, so every copy carries its own date.
		bases = append(bases, append([]byte("---\ntitle: Seed copy\ndate: 2024-06-14\n---\n"), seed...))
	}
	names := []string{"Kestria", "Norvale", "Orvik", "Tarsk", "Brandt", "Orbis", "Velden", "Lindqvist", "Aldmere", "Morrow"}
	out := make([]timeline.Article, 0, n)
	for i := 0; i < n; i++ {
		src := string(bases[i%len(bases)])
		for _, name := range names {
			src = strings.ReplaceAll(src, name, name+suffix(i))
		}
		day := time.Date(2015, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i%3000)
		src = replaceDate(src, day.Format("2006-01-02"))
		a, err := ingest.Parse(fmt.Sprintf("content/a%05d.md", i), []byte(src), nil, ingest.Options{})
		if err != nil {
			b.Fatal(err)
		}
		out = append(out, a)
	}
	return out
}

// suffix spells i in letters ("a", "b", ... "ba") so names stay words.
func suffix(i int) string {
	s := ""
	for {
		s = string(rune('a'+i%26)) + s
		i /= 26
		if i == 0 {
			return s
		}
	}
}

func replaceDate(src, date string) string {
	lines := strings.Split(src, "\n")
	for i, l := range lines {
		if strings.HasPrefix(l, "date:") {
			lines[i] = "date: " + date
			break
		}
	}
	return strings.Join(lines, "\n")
}

// BenchmarkExtractionVsResolution prints, for 10,000 articles, the time of
// date resolution alone and of extraction (which includes resolution) plus
// merging, and their ratio (target: at most 2).
func BenchmarkExtractionVsResolution(b *testing.B) {
	arts := benchCorpus(b, benchArticles)
	var resolve, extract, merging time.Duration
	b.ResetTimer()
	for n := 0; n < b.N; n++ {
		t0 := time.Now()
		for _, a := range arts {
			timex.Resolve(a.Text, a.Meta.Date)
		}
		t1 := time.Now()
		per := make([][]timeline.Event, len(arts))
		for i, a := range arts {
			per[i] = events.Extract(a)
		}
		t2 := time.Now()
		merge.Merge(arts, per)
		t3 := time.Now()
		resolve += t1.Sub(t0)
		extract += t2.Sub(t1)
		merging += t3.Sub(t2)
	}
	b.ReportMetric(float64(resolve.Milliseconds())/float64(b.N), "ms-resolve")
	b.ReportMetric(float64(extract.Milliseconds())/float64(b.N), "ms-extract")
	b.ReportMetric(float64(merging.Milliseconds())/float64(b.N), "ms-merge")
	b.ReportMetric(float64(extract+merging)/float64(resolve), "x-resolution")
}
