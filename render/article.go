package render

import (
	"bytes"
	"html/template"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/newsline/timeline/render/datefmt"
	"github.com/newsline/timeline/timeline"
)

type articleView struct {
	Headline                  string
	Published                 *timeView
	Author, Publisher, Source string
	SourceIsURL               bool
	Tags                      []string
	Sample                    bool
	Body                      template.HTML
	Events                    []eventLink
	Main                      template.HTML // the page's content; written straight into the page when empty (writeMain)
}

// mark is a highlighted range of the text being rendered (body or cleaned
// text offsets, depending on the format) and the event it links to.
type mark struct {
	start, end int
	id, href   string
	title      string
}

func (s *site) articlePage(i int) Page {
	a := &s.tl.Articles[i]
	p := "articles/" + a.Slug + "/index.html"
	return s.htmlPage(p, s.articleKey(i), func() (pageData, error) { return s.articleData(i) })
}

// articleData is what article i's page shows.
func (s *site) articleData(i int) (pageData, error) {
	a := &s.tl.Articles[i]
	d := s.page("article", "articles/"+a.Slug+"/index.html", articleTitle(a))
	events := make([]eventLink, 0, len(s.articleEvents[i]))
	for _, e := range s.articleEvents[i] {
		events = append(events, s.link(int(e), d.Root))
	}
	v := &articleView{Headline: articleTitle(a), Author: strings.TrimSpace(a.Meta.Author),
		Publisher: strings.TrimSpace(a.Meta.Publisher), Tags: a.Meta.Tags, Sample: a.Meta.Sample, Events: events}
	if !a.Meta.Date.IsZero() {
		pub := timeline.DateOf(a.Meta.Date)
		v.Published = &timeView{Text: datefmt.Date(pub), Attr: datetimeAttr(pub)}
	}
	v.Source = strings.TrimSpace(a.Meta.Source)
	if u, err := url.Parse(v.Source); err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" {
		v.SourceIsURL = true
	}
	body, err := s.articleBody(i, d.Root)
	if err != nil {
		return d, err
	}
	v.Body = body
	d.Article = v
	if d.JSONLD, err = s.articleJSONLD(a); err != nil {
		return d, err
	}
	return d, nil
}

// articleKey hashes what an article page shows: the article, the expressions
// it marks and the events it lists.
func (s *site) articleKey(i int) string {
	k := borrowKeyWriter()
	defer returnKeyWriter(k)
	k.str(s.cfgKey)
	k.str("article")
	k.articleHead(&s.tl.Articles[i])
	k.str(s.contents[i])
	hs := s.highlights[i]
	k.list(len(hs))
	for _, h := range hs {
		k.span(h.Span)
		k.str(h.EventID)
		k.str(h.Title)
	}
	evs := s.articleEvents[i]
	k.list(len(evs))
	for _, e := range evs {
		k.linkTo(s, int(e))
	}
	return k.sum()
}

// articleBody renders Markdown with goldmark (no raw HTML) and raw text as its
// cleaned paragraphs; either way every dated expression is marked and linked.
func (s *site) articleBody(i int, root string) (template.HTML, error) {
	a := &s.tl.Articles[i]
	hs := s.highlights[i]
	toMark := func(h highlight, start, end int) mark {
		return mark{start: start, end: end, id: timexAnchor(h.Span),
			href: root + "events/" + h.EventID + "/index.html", title: h.Title}
	}
	if a.Format == "markdown" {
		var marks []mark
		if off := bodyOffset(a); off >= 0 {
			for _, h := range hs {
				marks = append(marks, toMark(h, h.Span.Start-off, h.Span.End-off))
			}
		}
		return markdownHTML(a.Body, validMarks(a.Body, marks))
	}
	var marks []mark
	for _, h := range hs {
		start, end, ok := cleanedSpan(a, h.Span)
		if ok {
			marks = append(marks, toMark(h, start, end))
		}
	}
	text := a.Text
	if text == "" {
		text = a.Body
	}
	return paragraphsHTML(text, validMarks(text, marks)), nil
}

// bodyOffset is where Body starts in Raw (after the front matter), or -1.
func bodyOffset(a *timeline.Article) int {
	if a.Body == "" {
		return -1
	}
	// The usual case, compared without copying Raw into a string.
	if n := len(a.Raw) - len(a.Body); n >= 0 && string(a.Raw[n:]) == a.Body {
		return n
	}
	return strings.Index(string(a.Raw), a.Body)
}

// cleanedSpan maps an original-file span into the cleaned Text through the
// article's offset map, which only maps the other way: Original is monotonic,
// so a binary search inverts it.
func cleanedSpan(a *timeline.Article, sp timeline.Span) (int, int, bool) {
	if a.Offsets == nil {
		if a.Text != string(a.Raw) && a.Text != "" {
			return 0, 0, false
		}
		return sp.Start, sp.End, true
	}
	n := len(a.Text)
	first := func(orig int) int {
		return sort.Search(n+1, func(i int) bool { return a.Offsets.Original(i) >= orig })
	}
	start, end := first(sp.Start), first(sp.End)
	return start, end, start < end
}

// validMarks keeps marks that lie inside text on character boundaries, in
// order, without overlaps (the first of two overlapping marks wins).
func validMarks(text string, marks []mark) []mark {
	sort.SliceStable(marks, func(i, j int) bool { return marks[i].start < marks[j].start })
	var out []mark
	last := 0
	for _, m := range marks {
		if m.start < last || m.start >= m.end || m.end > len(text) ||
			!boundary(text, m.start) || !boundary(text, m.end) {
			continue
		}
		out = append(out, m)
		last = m.end
	}
	return out
}

func boundary(s string, i int) bool { return i == len(s) || utf8.RuneStart(s[i]) }

// paragraphsHTML writes cleaned plain text as paragraphs (blank-line separated),
// escaping everything and inserting the marks.
func paragraphsHTML(text string, marks []mark) template.HTML {
	var b bytes.Buffer
	pos := 0
	for _, para := range strings.SplitAfter(text, "\n\n") {
		start := pos
		pos += len(para)
		trimmed := strings.TrimSpace(para)
		if trimmed == "" {
			continue
		}
		lead := strings.Index(para, trimmed)
		b.WriteString("<p>")
		writeMarked(&b, text, start+lead, start+lead+len(trimmed), marks)
		b.WriteString("</p>\n")
	}
	return template.HTML(b.String())
}

// writeMarked escapes text[from:to] with the marks that fall in it.
func writeMarked(b *bytes.Buffer, text string, from, to int, marks []mark) {
	at := from
	for _, m := range marks {
		if m.end <= from || m.start >= to {
			continue
		}
		s, e := max(m.start, from), min(m.end, to)
		template.HTMLEscape(b, []byte(text[at:s]))
		b.WriteString(openMark(m, s == m.start))
		template.HTMLEscape(b, []byte(text[s:e]))
		b.WriteString(closeMark(m))
		at = e
	}
	template.HTMLEscape(b, []byte(text[at:to]))
}

func openMark(m mark, withID bool) string {
	var b strings.Builder
	b.WriteString("<mark")
	if withID && m.id != "" {
		b.WriteString(` id="` + template.HTMLEscapeString(m.id) + `"`)
	}
	b.WriteString(">")
	if m.href != "" {
		b.WriteString(`<a href="` + template.HTMLEscapeString(m.href) + `"`)
		if m.title != "" {
			b.WriteString(` title="` + template.HTMLEscapeString(m.title) + `"`)
		}
		b.WriteString(">")
	}
	return b.String()
}

func closeMark(m mark) string {
	if m.href != "" {
		return "</a></mark>"
	}
	return "</mark>"
}

func itoa(n int) string { return strconv.Itoa(n) }
