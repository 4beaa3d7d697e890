package site

import (
	"fmt"
	"testing"

	"github.com/newsline/timeline/internal/newscorpus"
	"github.com/spf13/afero"
)

// TestNoCacheSessionReusesNoRows: a Session's build with Options.NoCache
// plans without the Session's PlanBuffers, so it writes every listing row
// afresh rather than reuse the rows the build before kept; the same
// builds without NoCache reuse rows.
func TestNoCacheSessionReusesNoRows(t *testing.T) {
	corpus := newscorpus.New(7)
	for _, noCache := range []bool{true, false} {
		fs := afero.NewMemMapFs()
		for i := 0; i < 40; i++ {
			writeFiles(t, fs, map[string]string{fmt.Sprintf("content/a%02d.md", i): string(corpus.Article(i))})
		}
		opts := Options{ContentDir: "content", SeedsDir: "-", OutDir: "public", CacheDir: "cache", Version: "rows-test", Workers: 2, NoCache: noCache}
		var s Session
		for build := 0; build < 3; build++ {
			writeFiles(t, fs, map[string]string{fmt.Sprintf("content/b%02d.md", build): string(corpus.Article(50 + build))})
			if _, err := s.Build(fs, opts); err != nil {
				t.Fatal(err)
			}
			s.Wait()
		}
		if got := s.plan.RowsReused(); noCache && got != 0 || !noCache && got == 0 {
			t.Errorf("NoCache %v: %d rows reused", noCache, got)
		}
	}
}
