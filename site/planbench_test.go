package site

import (
	"bytes"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/spf13/afero"

	"github.com/newsline/timeline/internal/newscorpus"
	"github.com/newsline/timeline/render"
	"github.com/newsline/timeline/render/export"
	"github.com/newsline/timeline/timeline"
	"github.com/newsline/timeline/timeline/merge"
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

// BenchmarkPlanIncremental measures what the incremental plan saves when
// one article is added to the scale benchmark's site (TIMELINE_BENCH_ARTICLES
// articles, 10,000 by default): the new timeline planned in full against
// planned with the previous plan's memo and the Changes (reading the memo
// and encoding the next one included), and the spliced exports
// (timeline.json, events.ics, events.csv) each plan then writes from the
// previous build's files, those checked by reading them whole (as before the
// stamps) and, a third run, vouched for by the store (exportsplice.go: what
// a build does now; vouched-exports-cpu-ms). The runs
// alternate, each iteration in another order, so a shared machine's
// load weighs on all alike; the figures are process CPU time. The Changes
// come from the reference diff of the two timelines (referenceChanges),
// whose cost is reported too (diff-cpu-ms): a site without a stateful merge
// would pay it on every build.
//
//	TIMELINE_BENCH_ARTICLES=2000 go test -run '^$' -bench PlanIncremental -benchtime 6x ./site
//
// TIMELINE_BENCH_ONLY=incr (or full) runs one side only, for a profile.
func BenchmarkPlanIncremental(b *testing.B) {
	before, after, cfg := twoTimelines(b)
	cpu0 := processCPU(b)
	changes := referenceChanges(before, after)
	diffCPU := processCPU(b) - cpu0
	first, err := planAndExport(b, before, cfg, nil, nil, &memSplices{}, true)
	if err != nil {
		b.Fatal(err)
	}
	memo := first.result.AppendMemo(nil)
	previous := first.store
	// Only the memo and the files are kept from the previous build, as in a
	// build: the previous timeline would otherwise add to every collection.
	before, first = timeline.Timeline{}, planRun{}
	runtime.GC()
	run := func(withMemo, vouch, keep bool) planRun {
		var m *render.Memo
		var ch *timeline.Changes
		c0 := processCPU(b)
		if withMemo {
			if m, err = render.ParseMemo(memo); err != nil {
				b.Fatal(err)
			}
			ch = changes
		}
		store := previous.clone()
		store.vouch = vouch
		r, err := planAndExport(b, after, cfg, m, ch, store, keep)
		if err != nil {
			b.Fatal(err)
		}
		r.plan += r.start - c0 // reading the memo
		if withMemo {          // and writing the next one, as a build does
			c1 := processCPU(b)
			if err := r.result.WriteMemo(io.Discard); err != nil {
				b.Fatal(err)
			}
			r.plan += processCPU(b) - c1
		}
		return r
	}
	full0 := run(false, false, true)
	checkSameRun(b, full0, run(true, false, true))
	checkSameRun(b, full0, run(true, true, true))
	b.ResetTimer()
	var full, incr, vouched planRun
	for i := 0; i < b.N; i++ {
		for k := 0; k < 3; k++ {
			side := (i + k) % 3 // 0 full, 1 incr, 2 incr with vouched files
			if only := os.Getenv("TIMELINE_BENCH_ONLY"); only != "" && (only == "incr") != (side == 2) {
				continue // profiling one side
			}
			r := run(side > 0, side == 2, false)
			switch side {
			case 0:
				full.add(r)
			case 1:
				incr.add(r)
			default:
				vouched.add(r)
			}
		}
	}
	ms := func(d time.Duration) float64 { return d.Seconds() * 1000 / float64(b.N) }
	b.ReportMetric(ms(full.plan), "full-plan-cpu-ms")
	b.ReportMetric(ms(incr.plan), "incr-plan-cpu-ms")
	b.ReportMetric(ms(full.exports), "full-exports-cpu-ms")
	b.ReportMetric(ms(incr.exports), "incr-exports-cpu-ms")
	b.ReportMetric(ms(vouched.exports), "vouched-exports-cpu-ms")
	b.ReportMetric(diffCPU.Seconds()*1000, "diff-cpu-ms")
	b.ReportMetric(float64(incr.stats.Events-incr.stats.Digests), "replanned-events")
	b.ReportMetric(float64(incr.stats.Events-incr.stats.Keys), "event-keys-made")
	b.ReportMetric(float64(len(memo))/(1<<20), "memo-MB")
}

// checkSameRun fails unless the plans list the same pages and Keys and the
// exports have the same bytes.
func checkSameRun(b *testing.B, full, incr planRun) {
	fp, ip := full.result.Pages, incr.result.Pages
	if len(fp) != len(ip) {
		b.Fatalf("with the memo %d pages, in full %d", len(ip), len(fp))
	}
	for i := range fp {
		if fp[i].Path != ip[i].Path || fp[i].Key != ip[i].Key {
			b.Fatalf("page %d: with the memo %s %s, in full %s %s", i, ip[i].Path, ip[i].Key, fp[i].Path, fp[i].Key)
		}
	}
	for _, f := range splicedFiles {
		if !bytes.Equal(full.store.files[f], incr.store.files[f]) || len(full.store.files[f]) == 0 {
			b.Fatalf("%s differs with the memo", f)
		}
	}
}

// planRun is one plan and its exports, or the sum of several.
type planRun struct {
	start         time.Duration // process CPU time when planning began
	plan, exports time.Duration
	stats         render.PlanStats
	result        *render.Incremental
	store         *memSplices
}

func (r *planRun) add(o planRun) {
	r.plan += o.plan
	r.exports += o.exports
	r.stats = o.stats
}

// planAndExport plans tl (with the memo and Changes when given) and writes
// the spliced exports through store: into store's files when keep is set,
// else into a sink that, like a file on Linux, copies ranges of the previous
// file without this process touching their bytes (so only the exports' own
// work is measured).
func planAndExport(b *testing.B, tl timeline.Timeline, cfg render.Config, m *render.Memo, ch *timeline.Changes, store *memSplices, keep bool) (planRun, error) {
	run := planRun{start: processCPU(b), store: store}
	if store.files == nil {
		store.files = map[string][]byte{}
	}
	cfg.Splices = store
	r, err := render.PlanIncremental(tl, cfg, m, ch)
	if err != nil {
		return run, err
	}
	c1 := processCPU(b)
	run.plan, run.stats, run.result = c1-run.start, r.Stats, r
	for _, p := range r.Pages {
		if !slices.Contains(splicedFiles, p.Path) {
			continue
		}
		if !keep {
			if err := p.Render(discardCopier{}); err != nil {
				return run, err
			}
			continue
		}
		var buf bytes.Buffer
		if err := p.Render(&buf); err != nil {
			return run, err
		}
		store.files[p.Path] = buf.Bytes()
	}
	run.exports = processCPU(b) - c1
	return run, nil
}

// discardCopier is an export destination that drops what it gets.
type discardCopier struct{}

func (discardCopier) Write(b []byte) (int, error) { return len(b), nil }

func (discardCopier) CopyRange(io.ReaderAt, int64, int64) error { return nil }

// memSplices is an export.SpliceStore in memory: the previous files and
// their indexes, and the indexes written.
type memSplices struct {
	mu      sync.Mutex
	files   map[string][]byte
	indexes map[string][]byte
	vouch   bool // vouch for every previous file (export.SpliceVoucher)
}

func (s *memSplices) Vouched(string) bool { return s.vouch }

func (s *memSplices) Previous(file string) (io.ReaderAt, int64, []byte, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	data, ok := s.files[file]
	index, ok2 := s.indexes[file]
	if !ok || !ok2 {
		return nil, 0, nil, false
	}
	return bytes.NewReader(data), int64(len(data)), index, true
}

func (s *memSplices) Written(file string, index []byte, _ export.SpliceStats) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.indexes == nil {
		s.indexes = map[string][]byte{}
	}
	s.indexes[file] = slices.Clone(index)
}

// clone is a store holding the same files and indexes, to write new ones into.
func (s *memSplices) clone() *memSplices {
	return &memSplices{files: maps.Clone(s.files), indexes: maps.Clone(s.indexes)}
}

// twoTimelines merges the scale corpus without and with one added article
// (the incremental benchmark's), and reads the corpus site's settings.
func twoTimelines(b *testing.B) (before, after timeline.Timeline, cfg render.Config) {
	fs := afero.NewMemMapFs()
	c := newscorpus.New(scaleSeed)
	for i := 0; i < scaleArticles; i++ {
		if err := afero.WriteFile(fs, filepath.Join("content", fmt.Sprintf("article-%05d.md", i)), c.Article(i), 0o644); err != nil {
			b.Fatal(err)
		}
	}
	added := filepath.Join("content", "added-incremental.md")
	if err := afero.WriteFile(fs, added, newscorpus.New(scaleSeed+7).Article(scaleArticles), 0o644); err != nil {
		b.Fatal(err)
	}
	var arts []timeline.Article
	var per [][]timeline.Event
	capture := func(a []timeline.Article, p [][]timeline.Event) timeline.Timeline {
		arts, per = a, p
		return merge.Merge(a, p)
	}
	plan := func(_ afero.Fs, _ string, t timeline.Timeline) ([]Page, error) {
		after = t
		return []Page{{Path: "index.html", Key: "k", Render: func(w io.Writer) error { return nil }}}, nil
	}
	opts := Options{ContentDir: "content", SeedsDir: "-", NoCache: true, Stages: Stages{Merge: capture, Plan: plan}}
	if _, err := Build(fs, opts); err != nil {
		b.Fatal(err)
	}
	var fewerArts []timeline.Article
	var fewerEvents [][]timeline.Event
	for i := range arts {
		if arts[i].Path != added {
			fewerArts, fewerEvents = append(fewerArts, arts[i]), append(fewerEvents, per[i])
		}
	}
	if len(fewerArts) != len(arts)-1 {
		b.Fatalf("the added article is not among the %d merged", len(arts))
	}
	before = merge.Merge(fewerArts, fewerEvents)
	cfg, err := render.LoadConfig(fs, "content")
	if err != nil {
		b.Fatal(err)
	}
	cfg.BaseURL = "https://school.example/timeline/" // the exports' URLs and the sitemap, as a published site has
	return before, after, cfg
}

// BenchmarkExportsVouched measures what the export stamps save on the
// operating system's files: a site of TIMELINE_BENCH_ARTICLES articles
// (10,000 by default) is built once in a temporary folder, then rebuilt
// with one article added or removed in turn, each rebuild's exports either
// taking the published files on the stamps' word or reading them whole to
// check them (vouchExports off), alternately, so both meet the same
// changes and the same load. It reports the write stage's process CPU and
// wall milliseconds per rebuild, each way.
//
//	TIMELINE_BENCH_ARTICLES=2000 go test -run '^$' -bench ExportsVouched -benchtime 4x ./site
func BenchmarkExportsVouched(b *testing.B) {
	dir := b.TempDir()
	opts := Options{ContentDir: filepath.Join(dir, "content"), SeedsDir: "-", OutDir: filepath.Join(dir, "public"),
		CacheDir: filepath.Join(dir, "cache"), MapCache: true, Version: "vouch-bench"}
	if _, err := writeCorpus(opts.ContentDir, scaleSeed, scaleArticles); err != nil {
		b.Fatal(err)
	}
	fs := afero.NewOsFs()
	if _, err := Build(fs, opts); err != nil {
		b.Fatal(err)
	}
	added := filepath.Join(opts.ContentDir, "added-vouch.md")
	extra := newscorpus.New(scaleSeed + 7).Article(scaleArticles)
	defer func() { vouchExports = true }()
	b.ResetTimer()
	var cpu, wall [2]time.Duration // [0] read and checked, [1] vouched
	for i := 0; i < b.N; i++ {
		for k := 0; k < 2; k++ {
			vouch := (i+k)%2 == 1
			toggleFile(b, added, extra)
			vouchExports = vouch
			sum, err := Build(fs, opts)
			if err != nil {
				b.Fatal(err)
			}
			for _, f := range splicedFiles {
				if st, ok := readSpliceStats(fs, opts.CacheDir, f); !ok || st.Vouched != vouch || st.Reused == 0 {
					b.Fatalf("%s: %+v, want vouched %v and fragments reused", f, st, vouch)
				}
			}
			for _, t := range sum.Timings {
				if t.Stage == "write" {
					cpu[btoi(vouch)] += t.CPU
					wall[btoi(vouch)] += t.Elapsed
				}
			}
		}
	}
	ms := func(d time.Duration) float64 { return d.Seconds() * 1000 / float64(b.N) }
	b.ReportMetric(ms(cpu[0]), "checked-write-cpu-ms")
	b.ReportMetric(ms(cpu[1]), "vouched-write-cpu-ms")
	b.ReportMetric(ms(wall[0]), "checked-write-ms")
	b.ReportMetric(ms(wall[1]), "vouched-write-ms")
}

func btoi(v bool) int {
	if v {
		return 1
	}
	return 0
}
