package site

import (
	"fmt"
	"io"
	"path/filepath"
	"testing"

	"github.com/spf13/afero"

	"github.com/newsline/timeline/internal/newscorpus"
	"github.com/newsline/timeline/timeline"
)

// BenchmarkPlanScale plans the pages of the scale benchmark's timeline
// (TIMELINE_BENCH_ARTICLES articles, 10,000 by default) and checks their
// paths, as every build does before comparing Keys: the stage an incremental
// build pays in full however little changed. The timeline is built once, in
// memory, before the timer starts.
func BenchmarkPlanScale(b *testing.B) {
	fs := afero.NewMemMapFs()
	c := newscorpus.New(scaleSeed)
	for i := 0; i < scaleArticles; i++ {
		if err := afero.WriteFile(fs, filepath.Join("content", fmt.Sprintf("article-%05d.md", i)), c.Article(i), 0o644); err != nil {
			b.Fatal(err)
		}
	}
	var tl timeline.Timeline
	capture := func(_ afero.Fs, _ string, t timeline.Timeline) ([]Page, error) {
		tl = t
		return []Page{{Path: "index.html", Key: "k", Render: func(w io.Writer) error { return nil }}}, nil
	}
	opts := Options{ContentDir: "content", SeedsDir: "-", NoCache: true, Stages: Stages{Plan: capture}}
	if _, err := Build(fs, opts); err != nil {
		b.Fatal(err)
	}
	bld := &builder{fs: fs, opts: Options{ContentDir: "content", Stages: Stages{Plan: planPages}}}
	b.ResetTimer()
	cpu0 := processCPU(b)
	var pages int
	for i := 0; i < b.N; i++ {
		planned, ok := bld.plan(tl)
		if !ok || len(bld.errs) > 0 {
			b.Fatalf("plan failed: %v", bld.errs)
		}
		pages = len(planned)
	}
	b.ReportMetric((processCPU(b)-cpu0).Seconds()*1000/float64(b.N), "cpu-ms/plan")
	b.ReportMetric(float64(pages), "pages")
	b.ReportMetric(float64(len(tl.Events)), "events")
}
