package render

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"hash"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/yuin/goldmark/text"

	"github.com/newsline/timeline/internal/cputime"
	"github.com/newsline/timeline/internal/newscorpus"
	"github.com/newsline/timeline/timeline"
	"github.com/newsline/timeline/timeline/events"
	"github.com/newsline/timeline/timeline/ingest"
	"github.com/newsline/timeline/timeline/merge"
)

// The synthetic site of bench_test.go has one short mention per event and
// plain-text articles; a real build's pages quote several sentences and its
// articles are Markdown. corpusTimeline runs the real pipeline over the
// scale benchmark's generated news corpus (the same generator and seed), so
// the page costs measured here are those of a real build's write stage,
// without the file system.

const corpusSeed = 20240614 // site/scale_test.go's scaleSeed

// corpusArticles is 2,000 unless RENDER_CORPUS_ARTICLES says otherwise.
var corpusArticles = func() int {
	if n, err := strconv.Atoi(os.Getenv("RENDER_CORPUS_ARTICLES")); err == nil && n > 0 {
		return n
	}
	return 2000
}()

var corpusCache struct {
	once sync.Once
	tl   timeline.Timeline
	err  error
}

func corpusTimeline(tb testing.TB) timeline.Timeline {
	tb.Helper()
	corpusCache.once.Do(func() {
		c := newscorpus.New(corpusSeed)
		articles := make([]timeline.Article, 0, corpusArticles)
		per := make([][]timeline.Event, 0, corpusArticles)
		for i := 0; i < corpusArticles; i++ {
			path := fmt.Sprintf("content/article-%05d.md", i)
			a, err := ingest.Parse(path, c.Article(i), nil, ingest.Options{})
			if err != nil {
				corpusCache.err = err
				return
			}
			articles = append(articles, a)
			per = append(per, events.Extract(a))
		}
		corpusCache.tl = merge.Merge(articles, per)
	})
	if corpusCache.err != nil {
		tb.Fatal(corpusCache.err)
	}
	return corpusCache.tl
}

var benchCfg = Config{Title: "Benchmark", BaseURL: "https://school.example/history/"}

// pageKind groups pages for the figures: the first folder of the path, or
// "site-wide" for the files at the root.
func pageKind(p string) string {
	if i := strings.IndexByte(p, '/'); i >= 0 {
		return p[:i]
	}
	return "site-wide"
}

// HTML kinds this file's benchmarks measure (exports and search data are not
// rendered by the code these figures are for).
var htmlKinds = []string{"events", "articles", "years", "embed", "site-wide"}

// BenchmarkCorpusPageKinds renders every page of one kind of the generated
// news corpus's site and reports CPU microseconds, bytes allocated and
// allocations per page.
func BenchmarkCorpusPageKinds(b *testing.B) {
	tl := corpusTimeline(b)
	plan, err := Plan(tl, benchCfg)
	if err != nil {
		b.Fatal(err)
	}
	kinds := map[string][]Page{}
	for _, p := range plan {
		k := pageKind(p.Path)
		if k == "site-wide" && !strings.HasSuffix(p.Path, ".html") {
			continue
		}
		kinds[k] = append(kinds[k], p)
	}
	for _, kind := range htmlKinds {
		pages := kinds[kind]
		b.Run(kind, func(b *testing.B) { benchPages(b, pages) })
	}
}

func benchPages(b *testing.B, pages []Page) {
	var buf bytes.Buffer
	for _, p := range pages { // warm the shells and fragment caches
		buf.Reset()
		if err := p.Render(&buf); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	cpu0, _ := cputime.Process()
	for i := 0; i < b.N; i++ {
		for _, p := range pages {
			buf.Reset()
			if err := p.Render(&buf); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.StopTimer()
	n := float64(b.N * len(pages))
	if cpu1, ok := cputime.Process(); ok {
		b.ReportMetric((cpu1-cpu0).Seconds()*1e6/n, "cpu-µs/page")
	}
	b.ReportMetric(float64(len(pages)), "pages")
}

// TestPrintPageDigests (RENDER_DIGEST=1) prints the SHA-256 of every page of
// the synthetic 10,000-event site and of the generated corpus's site, by
// kind and in total, so that two implementations can be shown to write the
// same bytes: run it in both trees and compare the lines.
func TestPrintPageDigests(t *testing.T) {
	if os.Getenv("RENDER_DIGEST") == "" {
		t.Skip("set RENDER_DIGEST=1 to print the page digests")
	}
	for _, c := range []struct {
		name string
		tl   timeline.Timeline
	}{{"synthetic10k", synthetic(t, 10000)}, {"corpus" + strconv.Itoa(corpusArticles), corpusTimeline(t)}} {
		for _, cfg := range []Config{benchCfg, {Title: "No base <URL>"}} {
			plan, err := Plan(c.tl, cfg)
			if err != nil {
				t.Fatal(err)
			}
			// Rendered in plan order, as a build writes them (a listing's
			// embed page after its plain page: rowTwin), summed by path.
			type rendered struct {
				page [32]byte
				n    int
			}
			out := make([]rendered, len(plan))
			for i, p := range plan {
				var buf bytes.Buffer
				if err := p.Render(&buf); err != nil {
					t.Fatalf("%s: %v", p.Path, err)
				}
				out[i] = rendered{sha256.Sum256(buf.Bytes()), buf.Len()}
			}
			order := make([]int, len(plan))
			for i := range order {
				order[i] = i
			}
			sort.Slice(order, func(i, j int) bool { return plan[order[i]].Path < plan[order[j]].Path })
			total := sha256.New()
			byKind := map[string]*kindSum{}
			for _, i := range order {
				p, page := plan[i], out[i].page
				fmt.Fprintf(total, "%s %x\n", p.Path, page)
				k := byKind[pageKind(p.Path)]
				if k == nil {
					k = &kindSum{h: sha256.New()}
					byKind[pageKind(p.Path)] = k
				}
				k.pages++
				k.bytes += out[i].n
				fmt.Fprintf(k.h, "%s %x\n", p.Path, page)
			}
			names := make([]string, 0, len(byKind))
			for k := range byKind {
				names = append(names, k)
			}
			sort.Strings(names)
			base := cfg.BaseURL != ""
			for _, k := range names {
				s := byKind[k]
				fmt.Printf("digest %s base=%v %-10s %7d pages %11d bytes %x\n", c.name, base, k, s.pages, s.bytes, s.h.Sum(nil))
			}
			fmt.Printf("digest %s base=%v %-10s %7d pages %x\n", c.name, base, "TOTAL", len(plan), total.Sum(nil))
		}
	}
}

type kindSum struct {
	h     hash.Hash
	pages int
	bytes int
}

// BenchmarkFragmentsAB compares, on the corpus site, the content written
// from views (the former way: fullEventView + appendEventMain, eventRow +
// appendHTML) with the content written straight from the timeline
// (appendEventPage, appendRow). The two run interleaved, 256 items at a
// time, so a shared machine's load weighs on both alike; each reports its
// own CPU time per item.
func BenchmarkFragmentsAB(b *testing.B) {
	tl := corpusTimeline(b)
	s, err := newSite(tl, benchCfg)
	if err != nil {
		b.Fatal(err)
	}
	n := len(tl.Events)
	const root = "../../"
	variants := []struct {
		name string
		run  func(buf []byte, i int) ([]byte, error)
	}{
		{"event-view", func(buf []byte, i int) ([]byte, error) { return appendEventMain(buf, s.fullEventView(i, root)) }},
		{"event-direct", func(buf []byte, i int) ([]byte, error) { return s.appendEventPage(buf, i, root) }},
		{"row-view", func(buf []byte, i int) ([]byte, error) {
			return s.eventRow(i, root, false, s.appendEntityRefs).appendHTML(buf)
		}},
		{"row-direct", func(buf []byte, i int) ([]byte, error) { return s.appendRow(buf, i, root, false, s.appendEntityRefs) }},
	}
	cpu := make([]time.Duration, len(variants))
	var buf []byte
	b.ResetTimer()
	for it := 0; it < b.N; it++ {
		for lo := 0; lo < n; lo += 256 {
			hi := min(n, lo+256)
			for v, variant := range variants {
				t0, _ := cputime.Process()
				for i := lo; i < hi; i++ {
					if buf, err = variant.run(buf[:0], i); err != nil {
						b.Fatal(err)
					}
				}
				t1, _ := cputime.Process()
				cpu[v] += t1 - t0
			}
		}
	}
	for v, variant := range variants {
		b.ReportMetric(float64(cpu[v].Nanoseconds())/1e3/float64(b.N*n), variant.name+"-cpu-µs")
	}
}

// BenchmarkCleanAB compares, on every HTML page of the corpus site, the
// streaming cleaner alone with the check that lets a clean page through
// whole (interleaved as in BenchmarkFragmentsAB), in CPU ns per KB.
func BenchmarkCleanAB(b *testing.B) {
	plan, err := Plan(corpusTimeline(b), benchCfg)
	if err != nil {
		b.Fatal(err)
	}
	var pages [][]byte
	var total int
	for _, p := range plan {
		if !strings.HasSuffix(p.Path, ".html") {
			continue
		}
		var buf bytes.Buffer
		if err := p.Render(&buf); err != nil {
			b.Fatal(err)
		}
		pages = append(pages, buf.Bytes())
		total += buf.Len()
	}
	variants := []struct {
		name string
		run  func(p []byte) error
	}{
		{"stream", func(p []byte) error {
			cw := cleanWriter{w: io.Discard}
			cw.Write(p)
			return cw.Close()
		}},
		{"check", func(p []byte) error {
			if needsNoCleaning(p) {
				_, err := io.Discard.Write(p)
				return err
			}
			cw := cleanWriter{w: io.Discard}
			cw.Write(p)
			return cw.Close()
		}},
	}
	cpu := make([]time.Duration, len(variants))
	b.ResetTimer()
	for it := 0; it < b.N; it++ {
		for lo := 0; lo < len(pages); lo += 64 {
			hi := min(len(pages), lo+64)
			for v, variant := range variants {
				t0, _ := cputime.Process()
				for _, p := range pages[lo:hi] {
					if err := variant.run(p); err != nil {
						b.Fatal(err)
					}
				}
				t1, _ := cputime.Process()
				cpu[v] += t1 - t0
			}
		}
	}
	for v, variant := range variants {
		b.ReportMetric(float64(cpu[v].Nanoseconds())/float64(b.N)/(float64(total)/1024), variant.name+"-cpu-ns/KB")
	}
}

// BenchmarkMarkdownAB renders the corpus articles' Markdown bodies through
// the goldmark instance with Linkify and through appendMarkdown (which
// takes the one without when no address can be linked), interleaved.
func BenchmarkMarkdownAB(b *testing.B) {
	tl := corpusTimeline(b)
	var bodies []string
	plain := 0
	for _, a := range tl.Articles {
		if a.Format == "markdown" {
			bodies = append(bodies, a.Body)
			if !mayLinkify(a.Body) {
				plain++
			}
		}
	}
	variants := []struct {
		name string
		run  func(buf []byte, src string) ([]byte, error)
	}{
		{"linkify", func(buf []byte, src string) ([]byte, error) {
			md := markdown()
			doc := md.Parser().Parse(text.NewReader([]byte(src)))
			shiftHeadings(doc)
			out := pageBuf{b: buf}
			err := md.Renderer().Render(&out, []byte(src), doc)
			return out.b, err
		}},
		{"chosen", func(buf []byte, src string) ([]byte, error) { return appendMarkdown(buf, src, nil) }},
	}
	cpu := make([]time.Duration, len(variants))
	var buf []byte
	var err error
	b.ResetTimer()
	for it := 0; it < b.N; it++ {
		for lo := 0; lo < len(bodies); lo += 32 {
			hi := min(len(bodies), lo+32)
			for v, variant := range variants {
				t0, _ := cputime.Process()
				for _, src := range bodies[lo:hi] {
					if buf, err = variant.run(buf[:0], src); err != nil {
						b.Fatal(err)
					}
				}
				t1, _ := cputime.Process()
				cpu[v] += t1 - t0
			}
		}
	}
	for v, variant := range variants {
		b.ReportMetric(float64(cpu[v].Nanoseconds())/1e3/float64(b.N*len(bodies)), variant.name+"-cpu-µs")
	}
	b.ReportMetric(float64(plain)/float64(len(bodies)), "share-without-links")
}
