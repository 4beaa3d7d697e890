// Package merge turns the per-article candidate events into one timeline:
// mentions of one happening, inside an article and across articles, become one
// event with several mentions; each event gets a stable ID; events are sorted.
//
// The decision is made pair by pair (see score.go for the score and threshold,
// compatible for the rules no score overrides), then pairs are joined
// strongest first, and a join is refused when any two members of the joined
// group would break a hard rule (so 2020 may absorb 2020-09-27 and 2020-03-01
// only one at a time: the two days never end up in one event).
//
// Everything is computed from a canonical order of the candidates (by source
// path and offsets, never by slice position), so reordering the input gives
// byte-identical output.
package merge

import (
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/newsline/timeline/timeline"
)

// candidate is one per-article event with what scoring needs precomputed.
type candidate struct {
	ev        timeline.Event
	article   string    // slug of the article it was extracted from
	lead      bool      // the article's own news
	key       string    // canonical sort key
	title     []int32   // sorted unique title stems, event words excluded (interned)
	context   []int32   // sorted unique stems of title, sentences and entities
	classes   uint32    // event classes named by the title, as a bit set
	articleID int32     // article, interned for fast comparison
	dateID    int32     // start date value, interned
	sentences []int32   // every mention's sentence (source and offset), interned
	pub       time.Time // publication date of its article
}

// Merge merges perArticle[i], the candidate events extracted from articles[i],
// into a sorted timeline with stable IDs. Articles are returned sorted by
// publication date, then slug. The inputs are not modified.
func Merge(articles []timeline.Article, perArticle [][]timeline.Event) timeline.Timeline {
	cands := buildCandidates(articles, perArticle)
	groups := cluster(cands)
	events := make([]timeline.Event, len(groups))
	for i, g := range groups {
		events[i] = combine(g)
	}
	assignIDs(events, groups, publicationDates(articles))
	sortEvents(events)
	return timeline.Timeline{Events: events, Articles: sortedArticles(articles)}
}

func sortedArticles(articles []timeline.Article) []timeline.Article {
	out := slices.Clone(articles)
	sort.SliceStable(out, func(i, j int) bool {
		if c := out[i].Meta.Date.Compare(out[j].Meta.Date); c != 0 {
			return c < 0
		}
		return out[i].Slug < out[j].Slug
	})
	return out
}

func publicationDates(articles []timeline.Article) map[string]time.Time {
	m := make(map[string]time.Time, len(articles))
	for _, a := range articles {
		m[a.Slug] = a.Meta.Date
	}
	return m
}

// sortEvents orders by Start, then Title, then ID (the model's documented order).
func sortEvents(events []timeline.Event) {
	sort.Slice(events, func(i, j int) bool {
		a, b := events[i], events[j]
		if c := a.Start.Compare(b.Start); c != 0 {
			return c < 0
		}
		if a.Title != b.Title {
			return a.Title < b.Title
		}
		return a.ID < b.ID
	})
}

// SortEvents sorts events in the timeline's order; overrides use it after editing.
func SortEvents(events []timeline.Event) { sortEvents(events) }

// buildCandidates copies every event (mentions sorted, so the caller's slices
// stay untouched), precomputes its stems and sorts all of them canonically.
func buildCandidates(articles []timeline.Article, perArticle [][]timeline.Event) []*candidate {
	interner := map[string]int32{}
	classBits := classBitIndex()
	var cands []*candidate
	for i, evs := range perArticle {
		var art timeline.Article
		if i < len(articles) {
			art = articles[i]
		}
		for _, ev := range evs {
			cands = append(cands, newCandidate(ev, art, interner, classBits))
		}
	}
	sort.SliceStable(cands, func(i, j int) bool { return cands[i].key < cands[j].key })
	return cands
}

func newCandidate(ev timeline.Event, art timeline.Article, interner map[string]int32, classBits map[string]uint32) *candidate {
	ev.Mentions = sortedMentions(ev.Mentions)
	ev.Entities = slices.Clone(ev.Entities)
	c := &candidate{ev: ev, article: art.Slug, lead: ev.Lead, pub: art.Meta.Date}
	if c.article == "" && len(ev.Mentions) > 0 {
		c.article = ev.Mentions[0].Article
	}
	titleStems := contentStems(ev.Title, nil)
	var named []string // title stems other than event words
	for _, s := range titleStems {
		if bit, ok := classBits[s]; ok {
			c.classes |= bit
		} else {
			named = append(named, s)
		}
	}
	c.title = intern(named, interner)
	ctx := titleStems
	for _, m := range ev.Mentions {
		ctx = contentStems(m.Text, ctx)
		c.sentences = append(c.sentences, internOne("sentence\x00"+m.Source+"\x00"+strconv.Itoa(m.Sentence.Start), interner))
	}
	for _, e := range ev.Entities {
		ctx = contentStems(e.Name, ctx)
	}
	c.context = intern(ctx, interner)
	c.articleID = internOne("article\x00"+c.article, interner)
	c.dateID = internOne("date\x00"+ev.Start.Value, interner)
	c.key = candidateKey(c)
	return c
}

// candidateKey is the canonical order: where the event is told, then what it says.
func candidateKey(c *candidate) string {
	var b strings.Builder
	for _, m := range c.ev.Mentions {
		b.WriteString(mentionKey(m))
		b.WriteByte('\x01')
	}
	b.WriteString("\x02" + c.article + "\x00" + c.ev.Title + "\x00" + c.ev.Start.Value)
	if c.ev.End != nil {
		b.WriteString("\x00" + c.ev.End.Value)
	}
	if c.lead {
		b.WriteString("\x00lead")
	}
	return b.String()
}

func mentionKey(m timeline.Mention) string {
	timex := -1
	if m.Timex != nil {
		timex = m.Timex.Start
	}
	return m.Article + "\x00" + m.Source + "\x00" + pad(m.Sentence.Start) + "\x00" + pad(m.Sentence.End) + "\x00" + pad(timex) + "\x00" + m.Text
}

// sortedMentions copies, sorts (article, then offset) and de-duplicates mentions.
func sortedMentions(ms []timeline.Mention) []timeline.Mention {
	out := slices.Clone(ms)
	sort.SliceStable(out, func(i, j int) bool { return mentionKey(out[i]) < mentionKey(out[j]) })
	return slices.CompactFunc(out, func(a, b timeline.Mention) bool { return mentionKey(a) == mentionKey(b) })
}

func internOne(w string, interner map[string]int32) int32 {
	id, ok := interner[w]
	if !ok {
		id = int32(len(interner))
		interner[w] = id
	}
	return id
}

func classBitIndex() map[string]uint32 {
	names := make([]string, 0, len(eventClasses))
	for name := range eventClasses {
		names = append(names, name)
	}
	sort.Strings(names)
	bits := make(map[string]uint32, len(names))
	for i, name := range names {
		bits["#"+name] = 1 << uint(i)
	}
	return bits
}

// intern maps words to small integers (one table per Merge call) and
// returns them sorted and de-duplicated, so sets compare by merging slices.
func intern(words []string, interner map[string]int32) []int32 {
	out := make([]int32, 0, len(words))
	for _, w := range words {
		out = append(out, internOne(w, interner))
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// pad writes n with a fixed width so that string order is numeric order.
func pad(n int) string {
	if n < 0 {
		return "-" + pad(-n)
	}
	s := strconv.Itoa(n)
	return strings.Repeat("0", max(0, 12-len(s))) + s
}
