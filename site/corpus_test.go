package site

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/newsline/timeline/internal/newscorpus"
)

// writeCorpus writes n articles into dir and returns their total size.
func writeCorpus(dir string, seed uint64, n int) (int64, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return 0, err
	}
	c := newscorpus.New(seed)
	var total int64
	for i := 0; i < n; i++ {
		data := c.Article(i)
		total += int64(len(data))
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("article-%05d.md", i)), data, 0o644); err != nil {
			return total, err
		}
	}
	return total, nil
}
