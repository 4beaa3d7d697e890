package render

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/newsline/timeline/internal/cputime"
	"github.com/newsline/timeline/timeline"
)

// synthetic builds a timeline of n events reported by n/50 articles, spread
// over 125 years at mixed precisions, each naming a few of 300 entities.
func synthetic(tb testing.TB, n int) timeline.Timeline {
	tb.Helper()
	kinds := []timeline.EntityKind{timeline.Person, timeline.Place, timeline.Organisation}
	var tl timeline.Timeline
	nArticles := max(1, n/50)
	for a := 0; a < nArticles; a++ {
		var body strings.Builder
		for i := 0; i < 50; i++ {
			fmt.Fprintf(&body, "Sentence %d of article %d happened on 12 June %d in a place.\n\n", i, a, 1900+(a*50+i)%125)
		}
		text := body.String()
		tl.Articles = append(tl.Articles, timeline.Article{
			Path: fmt.Sprintf("content/a%04d.md", a), Slug: fmt.Sprintf("a%04d", a), Format: "text",
			Raw: []byte(text), Body: text, Text: text,
			Meta: timeline.Meta{Title: fmt.Sprintf("Article %d", a), Publisher: "Example News",
				Date: time.Date(2024, 1, 1+a%28, 0, 0, 0, 0, time.UTC)},
		})
	}
	for i := 0; i < n; i++ {
		a := &tl.Articles[(i/50)%nArticles]
		year := 1900 + i%125
		value := fmt.Sprintf("%d-%02d-%02d", year, 1+i%12, 1+i%28)
		switch i % 4 {
		case 1:
			value = fmt.Sprintf("%d-%02d", year, 1+i%12)
		case 2:
			value = fmt.Sprint(year)
		}
		sentence := fmt.Sprintf("Sentence %d of article %d happened on 12 June %d in a place.", i%50, (i/50)%nArticles, year)
		start := strings.Index(string(a.Raw), sentence)
		tx := strings.Index(sentence, "12 June")
		ev := timeline.Event{
			ID: fmt.Sprintf("ev%05d", i), Title: fmt.Sprintf("Event number %d happened somewhere notable", i),
			Start: mustDate(tb, value),
			Mentions: []timeline.Mention{{Article: a.Slug, Source: a.Path, Sentence: timeline.Span{Start: start, End: start + len(sentence)},
				Text: sentence, Timex: &timeline.Span{Start: start + tx, End: start + tx + len("12 June 1900")}, TimexText: sentence[tx : tx+12]}},
		}
		for k := 0; k < 3; k++ {
			e := (i*7 + k*101) % 300
			ev.Entities = append(ev.Entities, timeline.Entity{Name: fmt.Sprintf("Entity %d", e), Kind: kinds[e%3]})
		}
		tl.Events = append(tl.Events, ev)
	}
	sortEvents(tl.Events)
	return tl
}

func sortEvents(evs []timeline.Event) {
	less := func(a, b timeline.Event) bool {
		if c := a.Start.Compare(b.Start); c != 0 {
			return c < 0
		}
		return a.ID < b.ID
	}
	sort.SliceStable(evs, func(i, j int) bool { return less(evs[i], evs[j]) })
}

// BenchmarkSite10k renders a 10,000-event site (every page, into memory) and
// reports pages per second and the size of the timeline page.
func BenchmarkSite10k(b *testing.B) {
	tl := synthetic(b, 10000)
	cfg := Config{Title: "Benchmark", BaseURL: "https://school.example/history/"}
	var pages int
	var indexSize, indexGz, total int64
	b.ResetTimer()
	cpu0, _ := cputime.Process()
	for i := 0; i < b.N; i++ {
		plan, err := Plan(tl, cfg)
		if err != nil {
			b.Fatal(err)
		}
		pages = len(plan)
		total = 0
		for _, p := range plan {
			var buf bytes.Buffer
			if err := p.Render(&buf); err != nil {
				b.Fatal(err)
			}
			total += int64(buf.Len())
			if p.Path == "index.html" {
				indexSize = int64(buf.Len())
				var gz bytes.Buffer
				zw := gzip.NewWriter(&gz)
				zw.Write(buf.Bytes())
				zw.Close()
				indexGz = int64(gz.Len())
			}
		}
	}
	b.StopTimer()
	cpu1, measured := cputime.Process()
	perBuild := b.Elapsed().Seconds() / float64(b.N)
	b.ReportMetric(float64(pages)/perBuild, "pages/s")
	if measured {
		// CPU time, not wall: the machine is shared, and pages render in one goroutine here.
		b.ReportMetric(float64(pages)*float64(b.N)/(cpu1-cpu0).Seconds(), "pages/cpu-s")
	}
	b.ReportMetric(float64(indexSize)/1024, "index-KB")
	b.ReportMetric(float64(indexGz)/1024, "index-gzip-KB")
	b.ReportMetric(float64(total)/(1024*1024), "site-MB")
	b.ReportMetric(float64(pages), "pages")
}

// BenchmarkPlan10k measures planning alone (what an incremental build pays to
// compare Keys before rendering anything).
func BenchmarkPlan10k(b *testing.B) {
	tl := synthetic(b, 10000)
	b.ResetTimer()
	cpu0, _ := cputime.Process()
	for i := 0; i < b.N; i++ {
		if _, err := Plan(tl, Config{}); err != nil {
			b.Fatal(err)
		}
	}
	if cpu1, ok := cputime.Process(); ok {
		b.ReportMetric((cpu1-cpu0).Seconds()*1000/float64(b.N), "cpu-ms/plan")
	}
}

// withNewArticle returns tl plus one new article reporting twelve events in
// a few years, as an editor's rebuild after one new article would see it.
func withNewArticle(tb testing.TB, tl timeline.Timeline) timeline.Timeline {
	text := "A new report on a dozen dated events."
	tl.Articles = append(slices.Clone(tl.Articles), timeline.Article{Path: "content/new.md", Slug: "new-report", Format: "text",
		Raw: []byte(text), Body: text, Text: text, Meta: timeline.Meta{Title: "New report", Date: time.Date(2024, 2, 1, 0, 0, 0, 0, time.UTC)}})
	tl.Events = slices.Clone(tl.Events)
	for i := 0; i < 12; i++ {
		tl.Events = append(tl.Events, timeline.Event{ID: fmt.Sprintf("new%02d", i), Title: fmt.Sprintf("New event %d", i),
			Start:    mustDate(tb, fmt.Sprintf("%d-%02d", 2020+i%4, 1+i)),
			Mentions: []timeline.Mention{{Article: "new-report", Text: text}},
			Entities: []timeline.Entity{{Name: "Entity 7", Kind: timeline.Person}}})
	}
	sortEvents(tl.Events)
	return tl
}

// BenchmarkIncremental10k is render's share of an editor's rebuild after one
// new article on a 10,000-event site: plan, then render only the pages whose
// Key changed. It reports the CPU time, the pages and the bytes re-rendered
// (the whole-file exports in full: no SpliceStore is set).
func BenchmarkIncremental10k(b *testing.B) {
	base := synthetic(b, 10000)
	cfg := Config{Title: "Benchmark", BaseURL: "https://school.example/history/"}
	old, err := Plan(base, cfg)
	if err != nil {
		b.Fatal(err)
	}
	keys := make(map[string]string, len(old))
	for _, p := range old {
		keys[p.Path] = p.Key
	}
	tl := withNewArticle(b, base)
	var changed int
	var written int64
	b.ResetTimer()
	cpu0, _ := cputime.Process()
	for i := 0; i < b.N; i++ {
		plan, err := Plan(tl, cfg)
		if err != nil {
			b.Fatal(err)
		}
		changed, written = 0, 0
		for _, p := range plan {
			if keys[p.Path] == p.Key {
				continue
			}
			var buf bytes.Buffer
			if err := p.Render(&buf); err != nil {
				b.Fatal(err)
			}
			changed++
			written += int64(buf.Len())
		}
	}
	b.StopTimer()
	if cpu1, ok := cputime.Process(); ok {
		b.ReportMetric((cpu1-cpu0).Seconds()*1000/float64(b.N), "cpu-ms/build")
	}
	b.ReportMetric(float64(changed), "pages-rendered")
	b.ReportMetric(float64(written)/(1024*1024), "MB-rendered")
}

// BenchmarkPageKinds renders every page of one kind of a 10,000-event site
// and reports CPU microseconds and allocations per page: where a full
// build's render time goes.
func BenchmarkPageKinds(b *testing.B) {
	tl := synthetic(b, 10000)
	cfg := Config{Title: "Benchmark", BaseURL: "https://school.example/history/"}
	plan, err := Plan(tl, cfg)
	if err != nil {
		b.Fatal(err)
	}
	kinds := map[string][]Page{}
	for _, p := range plan {
		kind := strings.SplitN(p.Path, "/", 2)[0]
		if !strings.Contains(p.Path, "/") {
			kind = "site-wide"
		}
		kinds[kind] = append(kinds[kind], p)
	}
	for _, kind := range []string{"events", "articles", "years", "embed", "search", "site-wide"} {
		pages := kinds[kind]
		b.Run(kind, func(b *testing.B) {
			var buf bytes.Buffer
			b.ReportAllocs()
			cpu0, _ := cputime.Process()
			for i := 0; i < b.N; i++ {
				for _, p := range pages {
					buf.Reset()
					if err := p.Render(&buf); err != nil {
						b.Fatal(err)
					}
				}
			}
			if cpu1, ok := cputime.Process(); ok {
				b.ReportMetric((cpu1-cpu0).Seconds()*1e6/float64(b.N*len(pages)), "cpu-µs/page")
			}
			b.ReportMetric(float64(len(pages)), "pages")
		})
	}
}

// BenchmarkSplitSitemap renders the sitemap of a 10,000-event site split into
// files of 2,600 URLs (as 126,000 URLs split into files of 50,000): the index
// and the numbered files share one sorted list.
func BenchmarkSplitSitemap(b *testing.B) {
	old := sitemapLimit
	sitemapLimit = 2600
	defer func() { sitemapLimit = old }()
	plan, err := Plan(synthetic(b, 10000), Config{BaseURL: "https://school.example/"})
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	cpu0, _ := cputime.Process()
	for i := 0; i < b.N; i++ {
		for _, p := range plan {
			if strings.HasPrefix(p.Path, "sitemap") {
				if err := p.Render(io.Discard); err != nil {
					b.Fatal(err)
				}
			}
		}
	}
	if cpu1, ok := cputime.Process(); ok {
		b.ReportMetric((cpu1-cpu0).Seconds()*1000/float64(b.N), "cpu-ms/sitemap")
	}
}
