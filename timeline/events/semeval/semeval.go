// Package semeval reads the SemEval-2015 Task 4 "TimeLine" trial corpus and
// scores event extraction against its gold timelines: is each gold event,
// in its sentence, dated at the gold date and precision?
package semeval

import (
	"fmt"
	"html"
	"path"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/afero"

	"github.com/newsline/timeline/timeline"
)

// Doc is one corpus article rebuilt as plain text: its sentences joined by
// blank lines (so every splitter ends a sentence there), with their spans.
type Doc struct {
	ID        string
	Article   timeline.Article
	Sentences map[int]timeline.Span // sentence id -> span in Article.Text
}

// Gold is one dated gold mention: an event told in sentence Sent of Doc.
type Gold struct {
	Timeline string // the gold file it comes from
	Line     int
	Doc      string
	Sent     int
	Value    string // TIMEX3 value at the gold precision ("2003" for 2003-XX-XX)
}

// Corpus is the articles and the dated gold mentions.
type Corpus struct {
	Docs       map[string]*Doc
	Gold       []Gold
	Undated    int // gold mentions whose date is unknown (XXXX-XX-XX): not scored
	MissingDoc int // gold mentions of documents absent from articles/: not scored
}

var (
	docIDRe = regexp.MustCompile(`<DOCID>\s*([^<]*?)\s*</DOCID>`)
	dctRe   = regexp.MustCompile(`<DCT>.*?value="([^"]+)"`)
	titleRe = regexp.MustCompile(`(?s)<EXTRAINFO>(.*?)</EXTRAINFO>`)
	sentRe  = regexp.MustCompile(`(?s)<s id="(\d+)">(.*?)</s>`)
	tagRe   = regexp.MustCompile(`<[^>]*>`)
)

// Load reads dir/articles/*.tml and dir/timelines/*.txt.
func Load(fsys afero.Fs, dir string) (*Corpus, error) {
	c := &Corpus{Docs: map[string]*Doc{}}
	arts, err := afero.Glob(fsys, path.Join(dir, "articles", "*.tml"))
	if err != nil || len(arts) == 0 {
		return nil, fmt.Errorf("%s: no articles/*.tml", dir)
	}
	sort.Strings(arts)
	for _, p := range arts {
		d, err := readDoc(fsys, p)
		if err != nil {
			return nil, err
		}
		c.Docs[d.ID] = d
	}
	lines, _ := afero.Glob(fsys, path.Join(dir, "timelines", "*.txt"))
	sort.Strings(lines)
	for _, p := range lines {
		if err := c.readTimeline(fsys, p); err != nil {
			return nil, err
		}
	}
	return c, nil
}

func readDoc(fsys afero.Fs, p string) (*Doc, error) {
	raw, err := afero.ReadFile(fsys, p)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", p, err)
	}
	src := string(raw)
	id := docIDRe.FindStringSubmatch(src)
	dct := dctRe.FindStringSubmatch(src)
	if id == nil || dct == nil {
		return nil, fmt.Errorf("%s: no DOCID or DCT", p)
	}
	date, err := time.Parse("2006-01-02", dct[1][:min(10, len(dct[1]))])
	if err != nil {
		return nil, fmt.Errorf("%s: DCT %q: %w", p, dct[1], err)
	}
	d := &Doc{ID: id[1], Sentences: map[int]timeline.Span{}}
	var b strings.Builder
	for _, m := range sentRe.FindAllStringSubmatch(src, -1) {
		n, _ := strconv.Atoi(m[1])
		text := strings.Join(strings.Fields(html.UnescapeString(tagRe.ReplaceAllString(m[2], ""))), " ")
		if b.Len() > 0 {
			b.WriteString("\n\n")
		}
		d.Sentences[n] = timeline.Span{Start: b.Len(), End: b.Len() + len(text)}
		b.WriteString(text)
	}
	a := timeline.Article{Path: p, Slug: d.ID, Format: "text", Text: b.String(), Body: b.String(), Raw: []byte(b.String())}
	a.Meta.Date = date
	if t := titleRe.FindStringSubmatch(src); t != nil {
		a.Headline = strings.TrimSpace(html.UnescapeString(t[1]))
	}
	d.Article = a
	return d, nil
}

func (c *Corpus) readTimeline(fsys afero.Fs, p string) error {
	raw, err := afero.ReadFile(fsys, p)
	if err != nil {
		return fmt.Errorf("%s: %w", p, err)
	}
	seen := map[string]bool{}
	for i, line := range strings.Split(string(raw), "\n") {
		fields := strings.Split(strings.TrimRight(line, "\r"), "\t")
		if i == 0 || len(fields) < 3 {
			continue // the first line names the entity
		}
		value, known := goldValue(fields[1])
		for _, m := range fields[2:] {
			parts := strings.SplitN(m, "-", 3)
			if len(parts) < 3 {
				return fmt.Errorf("%s:%d: mention %q: want DOC-SENTENCE-WORD", p, i+1, m)
			}
			sent, err := strconv.Atoi(parts[1])
			if err != nil {
				return fmt.Errorf("%s:%d: mention %q: %w", p, i+1, m, err)
			}
			switch {
			case !known:
				c.Undated++
			case c.Docs[parts[0]] == nil:
				c.MissingDoc++
			default:
				key := parts[0] + "-" + parts[1] + "-" + value
				if seen[key] {
					continue // one sentence, one date: one item even if several words
				}
				seen[key] = true
				c.Gold = append(c.Gold, Gold{Timeline: path.Base(p), Line: i + 1, Doc: parts[0], Sent: sent, Value: value})
			}
		}
	}
	return nil
}

// goldValue turns "2003-XX-XX" into "2003" and "2008-03-XX" into "2008-03";
// a value without a known year is unknown.
func goldValue(v string) (string, bool) {
	for strings.HasSuffix(v, "-XX") {
		v = strings.TrimSuffix(v, "-XX")
	}
	if len(v) < 4 || strings.ContainsRune(v[:4], 'X') {
		return "", false
	}
	return v, true
}

// Result is the score of one run.
type Result struct {
	Items, Found     int      // dated gold mentions, and those found at the gold date
	Recall           float64  // Found / Items
	OnGold, Disagree int      // event mentions on gold-dated sentences, and those dated otherwise
	Disagreement     float64  // Disagree / OnGold
	Misses           []string // gold mentions not found, for --verbose
	Conflicts        []string // event dates disagreeing with the gold, for --verbose
}

// Score runs extract on every document and compares with the gold.
//
// Disagreement is the definition: every event mention on a sentence
// the gold dates counts, and it disagrees unless its date is one of the gold
// dates of that sentence. Note what this reads into the gold: the SemEval-2015
// timelines are entity-scoped (each lists only the events of its target
// entity, e.g. Steve Jobs or the iTunes Store), so a second happening told in
// a gold sentence ("Jobs said [...] that his company sold 13.7 million Macs
// last year", "He bought Pixar, which was acquired by Disney in 2005") is
// absent from the gold, not dated otherwise by it; its mention still counts
// as disagreeing here. We keep the definition (it is the measured target) and
// list every conflict with its title and date expression under --verbose, so
// such cases can be told apart by reading.
func Score(c *Corpus, extract func(timeline.Article) []timeline.Event) Result {
	dated := map[string][]string{} // "doc-sent" -> event values found there
	why := map[string][]string{}   // "doc-sent" -> per value, the event title and date expression
	ids := make([]string, 0, len(c.Docs))
	for id := range c.Docs {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		d := c.Docs[id]
		for _, ev := range extract(d.Article) {
			for _, m := range ev.Mentions {
				if n, ok := d.sentenceAt(m.Sentence.Start); ok {
					k := id + "-" + strconv.Itoa(n)
					dated[k] = append(dated[k], dayValue(ev.Start.Value))
					why[k] = append(why[k], fmt.Sprintf("%q timex %q", ev.Title, m.TimexText))
				}
			}
		}
	}
	goldAt := map[string][]string{}
	for _, g := range c.Gold {
		k := g.Doc + "-" + strconv.Itoa(g.Sent)
		goldAt[k] = append(goldAt[k], g.Value)
	}
	var r Result
	for _, g := range c.Gold {
		r.Items++
		k := g.Doc + "-" + strconv.Itoa(g.Sent)
		if contains(dated[k], g.Value) {
			r.Found++
		} else {
			r.Misses = append(r.Misses, fmt.Sprintf("%s:%d %s want %s got %v", g.Timeline, g.Line, k, g.Value, dated[k]))
		}
	}
	keys := make([]string, 0, len(goldAt))
	for k := range goldAt {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		for i, v := range dated[k] {
			r.OnGold++
			if !contains(goldAt[k], v) {
				r.Disagree++
				r.Conflicts = append(r.Conflicts, fmt.Sprintf("%s want %v got %s: %s", k, goldAt[k], v, why[k][i]))
			}
		}
	}
	if r.Items > 0 {
		r.Recall = float64(r.Found) / float64(r.Items)
	}
	if r.OnGold > 0 {
		r.Disagreement = float64(r.Disagree) / float64(r.OnGold)
	}
	return r
}

// ByArticle splits a timeline merged across the corpus back into each
// article's events, keyed by article slug: an event several articles tell
// appears once per article, with that article's mentions and the merged
// date (refined by the more precise article), as the site shows it. Scoring
// these measures the dates readers see rather than one article's guesses.
func ByArticle(tl timeline.Timeline) map[string][]timeline.Event {
	out := map[string][]timeline.Event{}
	for _, ev := range tl.Events {
		var slugs []string
		own := map[string][]timeline.Mention{}
		for _, m := range ev.Mentions {
			if own[m.Article] == nil {
				slugs = append(slugs, m.Article)
			}
			own[m.Article] = append(own[m.Article], m)
		}
		for _, slug := range slugs {
			e := ev
			e.Mentions = own[slug]
			out[slug] = append(out[slug], e)
		}
	}
	return out
}

func (d *Doc) sentenceAt(off int) (int, bool) {
	for n, sp := range d.Sentences {
		if off >= sp.Start && off < sp.End {
			return n, true
		}
	}
	return 0, false
}

// dayValue drops a time of day: the gold dates days at most.
func dayValue(v string) string {
	if i := strings.IndexByte(v, 'T'); i > 0 {
		return v[:i]
	}
	return v
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}
