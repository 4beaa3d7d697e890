package site

import (
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/newsline/timeline/internal/newscorpus"
)

// writeCorpus writes n articles into dir and returns their total size. They are
// dated an hour back, as a site's articles were written before its build: a
// file modified in the last seconds is never trusted by its stat (racyWindow),
// so a corpus written just before the full build would be read whole again by
// the incremental one, which no editor sees.
func writeCorpus(dir string, seed uint64, n int) (int64, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return 0, err
	}
	c := newscorpus.New(seed)
	written := time.Now().Add(-time.Hour)
	var total int64
	for i := 0; i < n; i++ {
		data := c.Article(i)
		total += int64(len(data))
		name := filepath.Join(dir, fmt.Sprintf("article-%05d.md", i))
		if err := os.WriteFile(name, data, 0o644); err != nil {
			return total, err
		}
		if err := os.Chtimes(name, written, written); err != nil {
			return total, err
		}
	}
	return total, nil
}
