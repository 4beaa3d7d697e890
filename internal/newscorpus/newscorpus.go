// Package newscorpus generates news-like Markdown articles for benchmarks:
// invented people, places and organisations, and dates written every way
// newsrooms write them. The site scale benchmark and the merge benchmark share
// it, so both measure the same corpus.
package newscorpus

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"
)

// Corpus generates news-like Markdown articles deterministically from a seed:
// invented people, places and organisations, publication dates over a decade,
// and dates written every way newsrooms write them (absolute, relative to the
// publication date, anaphoric, ranges). About 3 KB per article.
type Corpus struct {
	rng                  *rand.Rand
	people, places, orgs []string
}

func New(seed uint64) *Corpus {
	c := &Corpus{rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
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

func (c *Corpus) word(n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		b.WriteString(syllables[c.rng.IntN(len(syllables))])
	}
	w := b.String()
	return strings.ToUpper(w[:1]) + w[1:]
}

func (c *Corpus) pick(list []string) string { return list[c.rng.IntN(len(list))] }

// date returns a date expression, absolute, relative to pub, or anaphoric.
func (c *Corpus) date(pub time.Time) string {
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

func (c *Corpus) sentence(pub time.Time) string {
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

// Article returns the Markdown file of article i.
func (c *Corpus) Article(i int) []byte {
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
