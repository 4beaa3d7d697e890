package export

import (
	"fmt"
	"testing"
	"time"
)

// BenchmarkSitemap127k checks, sorts and writes the sitemap of a
// 10,000-article site with a base URL (127,000 page URLs in three numbered
// files), as every build that changes the timeline does, and reports the
// CPU milliseconds per sitemap.
func BenchmarkSitemap127k(b *testing.B) {
	const n = 127000
	urls := make([]SitemapURL, 0, n)
	for i := 0; i < n; i++ {
		u := SitemapURL{Loc: fmt.Sprintf("https://x.example/news/events/%08x%08x/", uint32(i)*2654435761, i)}
		if i%12 == 0 {
			u = SitemapURL{Loc: fmt.Sprintf("https://x.example/news/articles/article-%05d/", i), LastMod: time.Date(2024, 1, 1+i%300, 0, 0, 0, 0, time.UTC)}
		}
		urls = append(urls, u)
	}
	var out countingDiscard
	benchPerItem(b, 1, "cpu-ms/sitemap", func() error {
		sorted, err := SortSitemap(append([]SitemapURL(nil), urls...))
		if err != nil {
			return err
		}
		for from := 0; from < len(sorted); from += SitemapMaxURLs {
			if err := WriteSitemap(&out, sorted[from:min(from+SitemapMaxURLs, len(sorted))]); err != nil {
				return err
			}
		}
		return nil
	})
	b.ReportMetric(float64(out.n)/1e6/float64(b.N), "MB")
}
