package site

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/spf13/afero"
	"github.com/zeebo/xxh3"

	"github.com/newsline/timeline/internal/cputime"
	"github.com/newsline/timeline/timeline"
)

// BenchmarkPublishIncremental measures the publishing side of an incremental
// build (the clean, write, swap and manifest stages) at the 10k scale site's
// size: 127,395 pages laid out as the real site (events/<id>/index.html,
// articles/<slug>/index.html, a dozen pages at the root), with a fake
// pipeline so that nothing but publishing costs. Each iteration changes the
// Keys of 91 event pages and adds or removes one article page, about what
// adding one article to the 10k site does (92 pages rendered), and reports
// each stage's CPU milliseconds and MiB allocated. The site is built once into
// PUBLISH_BENCH_DIR when set (kept across runs), else into a temporary
// folder. Sub-benchmarks: warm (the manifest kept in memory, as timeline serve
// does) and fresh (read from the cache folder, as a new process does).
//
//	PUBLISH_BENCH_DIR=/tmp/w/pub go test -run '^$' -bench PublishIncremental -benchtime 10x ./site
func BenchmarkPublishIncremental(b *testing.B) {
	dir := os.Getenv("PUBLISH_BENCH_DIR")
	if dir == "" {
		dir = b.TempDir()
	}
	site := &benchSite{events: scaleArticles * 117385 / 10000, articles: scaleArticles} // 127,395 pages in all
	opts := Options{Stages: site.stages(), Version: "publish-bench", SeedsDir: "-", Workers: 2,
		ContentDir: filepath.Join(dir, "content"), OutDir: filepath.Join(dir, "public"), CacheDir: filepath.Join(dir, "cache")}
	if err := os.MkdirAll(opts.ContentDir, 0o755); err != nil {
		b.Fatal(err)
	}
	fs := afero.NewOsFs()
	if _, err := Build(fs, opts); err != nil { // a no-op when the kept site is current
		b.Fatal(err)
	}
	// warm: the manifest the previous build saved is kept in memory (a
	// Session, timeline serve); fresh: it is read from the cache folder, as
	// in a new process.
	for _, mode := range []string{"warm", "fresh"} {
		b.Run(mode, func(b *testing.B) { benchPublish(b, fs, opts, site, mode == "fresh") })
	}
}

func benchPublish(b *testing.B, fs afero.Fs, opts Options, site *benchSite, fresh bool) {
	stages := []string{"clean", "write", "swap", "manifest"}
	cpu, alloc := map[string]time.Duration{}, map[string]float64{}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		site.generation++
		if fresh {
			keepManifest(fs, opts.CacheDir, nil)
		}
		sum, err := Build(fs, opts)
		if err != nil {
			b.Fatal(err)
		}
		if sum.Rendered > 2*benchChanged {
			b.Fatalf("rendered %d pages, want about %d: %s", sum.Rendered, benchChanged, sum)
		}
		for _, t := range sum.Timings {
			cpu[t.Stage] += t.CPU
			alloc[t.Stage] += t.AllocMB
		}
		if i == b.N-1 {
			b.Logf("%s\n\tstages (wall/CPU): %s\n\theap allocated: %s", sum, sum.TimingString(), sum.AllocString())
		}
	}
	var total time.Duration
	for _, s := range stages {
		b.ReportMetric(float64(cpu[s].Microseconds())/1000/float64(b.N), s+"-cpu-ms")
		b.ReportMetric(alloc[s]/float64(b.N), s+"-alloc-MB")
		if s != "write" {
			total += cpu[s]
		}
	}
	b.ReportMetric(float64(total.Microseconds())/1000/float64(b.N), "clean+swap+manifest-cpu-ms")
}

// benchChanged is how many pages an iteration of BenchmarkPublishIncremental
// changes (rendered afresh), as adding one article to the 10k site does.
const benchChanged = 92

// benchSite plans a site of the scale bench's shape from no input: the pages
// depend only on their index and generation, which picks the few that change.
type benchSite struct {
	events, articles int
	generation       int
}

func (s *benchSite) stages() Stages {
	none := func(afero.Fs, []string, time.Time) ([]timeline.Article, []error) { return nil, nil }
	return Stages{Load: none, Merge: func([]timeline.Article, [][]timeline.Event) timeline.Timeline { return timeline.Timeline{} },
		Overrides: func(afero.Fs, string, *timeline.Timeline) []error { return nil }, Plan: s.plan}
}

func (s *benchSite) plan(afero.Fs, string, timeline.Timeline) ([]Page, error) {
	pages := make([]Page, 0, s.events+s.articles+16)
	for _, name := range []string{"index.html", "timeline.json", "events.ics", "events.csv", "atom.xml", "sitemap.xml", "search.json", "entities.html", "about.html", "404.html"} {
		pages = append(pages, s.page(name, 0))
	}
	// One more article page every other generation: a page added, then removed.
	for i := 0; i < s.articles+s.generation%2; i++ {
		pages = append(pages, s.page("articles/"+benchSlug("a", i)+"/index.html", 0))
	}
	// Generation g changes the event pages of the g-th run of 91: a page
	// keeps the generation that last changed it.
	for i := 0; i < s.events; i++ {
		gen := i/(benchChanged-1) + 1
		if gen > s.generation {
			gen = 0
		}
		pages = append(pages, s.page("events/"+benchSlug("e", i)+"/index.html", gen))
	}
	return pages, nil
}

func benchSlug(prefix string, i int) string {
	return prefix + strconv.FormatUint(uint64(i)*2654435761%1e9, 36)
}

func (s *benchSite) page(path string, gen int) Page {
	key := fmt.Sprintf("%016x%08x", xxh3.HashString(path), gen) // 24 hex digits, as render's Keys
	return Page{Path: path, Key: key, Render: func(w io.Writer) error {
		_, err := fmt.Fprintf(w, "<!doctype html><title>%s</title><p>generation %d</p>\n", path, gen)
		return err
	}}
}

// BenchmarkReadManifest reads and decodes the manifest that
// BenchmarkPublishIncremental keeps in PUBLISH_BENCH_DIR (127,395 pages),
// mapped and read into the heap, and reports CPU ms per read. Run it with
// -benchtime 1x, one process per figure: in a fresh process the heap a read
// fills is memory touched for the first time, which is what a fresh build
// pays (in one process the runtime reuses the previous read's memory).
//
//	PUBLISH_BENCH_DIR=/tmp/w/pub go test -run '^$' -bench 'ReadManifest/mapped' -benchtime 1x ./site
func BenchmarkReadManifest(b *testing.B) {
	dir := os.Getenv("PUBLISH_BENCH_DIR")
	if dir == "" {
		b.Skip("set PUBLISH_BENCH_DIR to the folder BenchmarkPublishIncremental keeps")
	}
	for _, mapped := range []bool{true, false} {
		b.Run(map[bool]string{true: "mapped", false: "read"}[mapped], func(b *testing.B) {
			defer func(was bool) { mapManifest = was }(mapManifest)
			mapManifest = mapped
			start, _ := cputime.Process()
			for i := 0; i < b.N; i++ {
				if m, ok := readManifest(afero.NewOsFs(), filepath.Join(dir, "cache")); !ok || m.size() < 100000 {
					b.Fatalf("no manifest of the bench site in %s", dir)
				}
			}
			end, _ := cputime.Process()
			b.ReportMetric(float64((end-start).Microseconds())/1000/float64(b.N), "cpu-ms")
		})
	}
}
