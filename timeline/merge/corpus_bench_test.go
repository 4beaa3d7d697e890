package merge_test

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/newsline/timeline/timeline"
	"github.com/newsline/timeline/timeline/events"
	"github.com/newsline/timeline/timeline/ingest"
	"github.com/newsline/timeline/timeline/merge"
)

// BenchmarkMergeEvents merges the real candidate events (ingest + events.Extract)
// of generated news articles, about 10,000 and 100,000 candidates, and reports
// ns/event and events/s: a flat ns/event from 10k to 100k shows the cost is
// about linear. Process CPU time per event is reported too (it includes the
// garbage collector's work on the other core). The 10,000-article scale corpus (site/corpus_test.go, whose
// generator is copied below) extracts to about 190,000 candidates.
func BenchmarkMergeEvents(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		b.Run(fmt.Sprintf("%dk", n/1000), func(b *testing.B) {
			articles, per, total := extractedCorpus(b, n)
			runtime.GC()
			b.ResetTimer()
			cpu0, ok0 := processCPU()
			for i := 0; i < b.N; i++ {
				merge.Merge(articles, per)
			}
			cpu1, ok1 := processCPU()
			events := float64(b.N * total)
			perEvent := float64(b.Elapsed().Nanoseconds()) / events
			b.ReportMetric(perEvent, "ns/event")
			b.ReportMetric(1e9/perEvent, "events/s")
			if ok0 && ok1 { // the fairer figure on a shared, loaded machine
				b.ReportMetric(float64((cpu1-cpu0).Nanoseconds())/events, "cpu-ns/event")
			}
			b.ReportMetric(float64(total), "candidates")
		})
	}
}

var corpora sync.Map // int -> *extracted

type extracted struct {
	once     sync.Once
	articles []timeline.Article
	per      [][]timeline.Event
	total    int
}

// extractedCorpus returns generated articles and their extracted candidate
// events, whole articles until there are at least n candidates.
func extractedCorpus(b *testing.B, n int) ([]timeline.Article, [][]timeline.Event, int) {
	v, _ := corpora.LoadOrStore(n, &extracted{})
	c := v.(*extracted)
	c.once.Do(func() {
		gen := newCorpus(20240614)
		for i := 0; c.total < n; i++ {
			a, err := ingest.Parse(fmt.Sprintf("content/article-%05d.md", i), gen.article(i), nil, ingest.Options{})
			if err != nil {
				b.Fatalf("generated article %d: %v", i, err)
			}
			evs := events.Extract(a)
			c.articles = append(c.articles, a)
			c.per = append(c.per, evs)
			c.total += len(evs)
		}
	})
	return c.articles, c.per, c.total
}

// corpus generates news-like Markdown articles deterministically from a seed
// (a copy of site/corpus_test.go's generator, which is in another package's
// tests): invented people, places and organisations, publication dates over a
// decade, dates written every way newsrooms write them.
type corpus struct {
	rng                  *rand.Rand
	people, places, orgs []string
}

func newCorpus(seed uint64) *corpus {
	c := &corpus{rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
	for i := 0; i < 400; i++ {
		c.people = append(c.people, c.word(2)+" "+c.word(3))
		c.places = append(c.places, c.word(2)+[]string{"grad", "ville", "stan", "ia", "port", "burg", "ovo", "mere"}[c.rng.IntN(8)])
	}
	for i := 0; i < 150; i++ {
		kind := []string{"Council", "Alliance", "Bank", "Union", "Party", "Authority", "Institute", "Front"}[c.rng.IntN(8)]
		c.orgs = append(c.orgs, "the "+c.pick(c.places)+" "+kind)
	}
	return c
}

var syllables = []string{"ka", "lo", "mi", "ra", "ven", "dor", "sel", "tan", "bri", "zu", "os", "el", "mar", "gi", "pe", "nu", "shi", "tor", "val", "ix"}

func (c *corpus) word(n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		b.WriteString(syllables[c.rng.IntN(len(syllables))])
	}
	w := b.String()
	return strings.ToUpper(w[:1]) + w[1:]
}

func (c *corpus) pick(list []string) string { return list[c.rng.IntN(len(list))] }

func (c *corpus) date(pub time.Time) string {
	past := pub.AddDate(0, 0, -c.rng.IntN(3000))
	switch c.rng.IntN(12) {
	case 0:
		return "on " + past.Format("2 January 2006")
	case 1:
		return "in " + past.Format("January 2006")
	case 2:
		return "in " + past.Format("2006")
	case 3:
		return "yesterday"
	case 4:
		return "on " + pub.AddDate(0, 0, -1-c.rng.IntN(6)).Weekday().String()
	case 5:
		return "last week"
	case 6:
		return fmt.Sprintf("%d years ago", 2+c.rng.IntN(9))
	case 7:
		return "the following day"
	case 8:
		y := past.Year()
		return fmt.Sprintf("between %d and %d", y, y+1+c.rng.IntN(3))
	case 9:
		return "earlier this month"
	case 10:
		return "in the spring of " + past.Format("2006")
	default:
		return "on " + past.Format("January 2, 2006")
	}
}

var verbs = []string{
	"signed an agreement with", "met officials from", "criticised", "announced talks with",
	"withdrew support from", "opened an inquiry into", "called for sanctions against",
	"reached a settlement with", "held a summit with", "suspended cooperation with",
}

func (c *corpus) sentence(pub time.Time) string {
	switch c.rng.IntN(5) {
	case 0:
		return fmt.Sprintf("%s, the leader of %s, %s %s %s.", c.pick(c.people), c.pick(c.orgs), c.pick(verbs), c.pick(c.orgs), c.date(pub))
	case 1:
		return fmt.Sprintf("Officials in %s said %s that %s had %s %s, according to people familiar with the matter.", c.pick(c.places), c.date(pub), c.pick(c.people), c.pick(verbs), c.pick(c.places))
	case 2:
		return fmt.Sprintf("The dispute over %s began %s, when %s %s %s.", c.pick(c.places), c.date(pub), c.pick(c.orgs), c.pick(verbs), c.pick(c.orgs))
	case 3:
		return fmt.Sprintf("“We will not accept this,” %s told reporters in %s, adding that the matter would be raised with %s.", c.pick(c.people), c.pick(c.places), c.pick(c.orgs))
	default:
		return fmt.Sprintf("Analysts expect %s to respond before the end of the year, while %s has remained silent since the vote %s.", c.pick(c.orgs), c.pick(c.people), c.date(pub))
	}
}

// article returns the Markdown file of article i.
func (c *corpus) article(i int) []byte {
	pub := time.Date(2015, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, c.rng.IntN(3650))
	place := c.pick(c.places)
	var b strings.Builder
	fmt.Fprintf(&b, "---\ntitle: \"%s talks stall as %s weighs its options\"\ndate: %s\nsource: https://news.example.org/%d\ntags: [%s]\n---\n\n",
		place, c.pick(c.orgs), pub.Format("2006-01-02"), i, place)
	for p := 0; p < 5; p++ {
		for s := 0; s < 4; s++ {
			if s > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(c.sentence(pub))
		}
		b.WriteString("\n\n")
	}
	return []byte(b.String())
}
