package merge

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/newsline/timeline/timeline"
)

// syntheticCorpus makes n news-like articles of perArticle candidate events:
// one lead event at publication (publication days spread over three years),
// the others dated mostly in the weeks before, some by month or by a past
// year; about a third retell one of a pool of shared stories (same wording
// and date), so real merging happens. Words are made-up syllable strings.
func syntheticCorpus(n, perArticle int) ([]timeline.Article, [][]timeline.Event) {
	rng := rand.New(rand.NewPCG(1, 2))
	word := func(r *rand.Rand) string {
		syl := []string{"ka", "lo", "mir", "ost", "var", "quel", "len", "dor", "pa", "ri", "sten", "vik", "ta", "mon", "e", "al"}
		var b strings.Builder
		for k := 0; k < 2+r.IntN(2); k++ {
			b.WriteString(syl[r.IntN(len(syl))])
		}
		return b.String()
	}
	events := []string{"war", "attack", "capture", "election", "protest", "flood", "budget", "treaty", "summit", "strike", "deal", "vote"}
	base := time.Date(2021, 1, 1, 0, 0, 0, 0, time.UTC)
	story := func(seed int) (string, timeline.Date) {
		r := rand.New(rand.NewPCG(uint64(seed), 7))
		title := word(r) + " " + events[r.IntN(len(events))] + " " + word(r) + " " + word(r)
		day := base.AddDate(0, 0, r.IntN(3*365))
		v := day.Format("2006-01-02")
		switch r.IntN(6) {
		case 0:
			v = day.Format("2006-01")
		case 1:
			v = strconv.Itoa(2000 + r.IntN(24))
		}
		d, _ := timeline.ParseDate(v)
		return title, d
	}
	var articles []timeline.Article
	var per [][]timeline.Event
	for a := 0; a < n; a++ {
		slug := fmt.Sprintf("a%05d", a)
		pub := base.AddDate(0, 0, rng.IntN(3*365))
		articles = append(articles, timeline.Article{Slug: slug, Path: "content/" + slug + ".md", Meta: timeline.Meta{Date: pub}})
		var evs []timeline.Event
		for k := 0; k < perArticle; k++ {
			title, start := story(1_000_000 + a*perArticle + k) // told once
			if rng.IntN(3) == 0 {
				title, start = story(rng.IntN(n)) // retold
			}
			lead := k == 0
			if lead {
				start = timeline.DateOf(pub)
			}
			sentence := "On that day " + title + " said " + word(rng) + " officials in " + word(rng) + "."
			evs = append(evs, timeline.Event{Title: title, Start: start, Lead: lead, Mentions: []timeline.Mention{{
				Article: slug, Source: "content/" + slug + ".md", Sentence: timeline.Span{Start: k * 200, End: k*200 + len(sentence)}, Text: sentence,
			}}})
		}
		per = append(per, evs)
	}
	return articles, per
}

// BenchmarkMerge10k merges 10,000 articles of 10 candidate events each and
// reports the time per build and the number of merged events.
func BenchmarkMerge10k(b *testing.B) {
	articles, per := syntheticCorpus(10000, 10)
	b.ResetTimer()
	var events int
	for i := 0; i < b.N; i++ {
		events = len(Merge(articles, per).Events)
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/10k-articles")
	b.ReportMetric(float64(events), "events")
}

// BenchmarkMergeScaling merges 2,000 and 10,000 synthetic articles and
// reports the time per article: near-linear merging keeps it roughly flat
// (blocking bounds the pairs each candidate is compared with).
func BenchmarkMergeScaling(b *testing.B) {
	for _, n := range []int{2000, 10000} {
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			articles, per := syntheticCorpus(n, 10)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				Merge(articles, per)
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*n), "µs/article")
		})
	}
}
