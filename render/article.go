package render

import (
	"cmp"
	"html/template"
	"net/url"
	"slices"
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
	// body, when set and Body is empty, appends the body's HTML: the page
	// writer renders it straight into the page instead of into a string
	// that is then copied there (an article's body is most of its page).
	body func(b []byte) ([]byte, error)
	// dated, when set and Events is empty, lists the events the article
	// dates (indexes into the timeline), linked from a page at datedRoot:
	// their items are written straight from the timeline (appendEventItems).
	dated     []int32
	datedSite *site
	datedRoot string
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
	key, ok := s.memoArticleKey(i)
	if ok {
		s.articleKeysReused.Add(1)
	} else {
		key = s.articleKey(i)
	}
	return s.htmlPage(p, key, func() (pageData, error) { return s.articleData(i) })
}

// articleData is what article i's page shows.
func (s *site) articleData(i int) (pageData, error) {
	a := &s.tl.Articles[i]
	d := s.page("article", "articles/"+a.Slug+"/index.html", articleTitle(a))
	if desc := articleDescription(a); desc != "" { // else the site's
		d.Description = desc
	}
	v := &articleView{Headline: articleTitle(a), Author: strings.TrimSpace(a.Meta.Author),
		Publisher: strings.TrimSpace(a.Meta.Publisher), Tags: a.Meta.Tags, Sample: a.Meta.Sample,
		dated: s.articleEvents[i], datedSite: s, datedRoot: d.Root}
	if !a.Meta.Date.IsZero() {
		pub := timeline.DateOf(a.Meta.Date)
		v.Published = &timeView{Text: datefmt.Date(pub), Attr: datetimeAttr(pub)}
	}
	v.Source = strings.TrimSpace(a.Meta.Source)
	if u, err := url.Parse(v.Source); err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" {
		v.SourceIsURL = true
	}
	root := d.Root
	v.body = func(b []byte) ([]byte, error) { return s.appendArticleBody(b, i, root) }
	d.Article = v
	var err error
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
	hs := s.highlights(i)
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

// appendArticleBody appends article i's body (see articleBody) to b.
func (s *site) appendArticleBody(b []byte, i int, root string) ([]byte, error) {
	a := &s.tl.Articles[i]
	hs := s.highlights(i)
	marks := make([]mark, 0, len(hs))
	toMark := func(h highlight, start, end int) mark {
		return mark{start: start, end: end, id: timexAnchor(h.Span),
			href: root + "events/" + h.EventID + "/index.html", title: h.Title}
	}
	if a.Format == "markdown" {
		if off := bodyOffset(a); off >= 0 {
			for _, h := range hs {
				marks = append(marks, toMark(h, h.Span.Start-off, h.Span.End-off))
			}
		}
		return appendMarkdown(b, a.Body, validMarks(a.Body, marks))
	}
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
	return appendParagraphs(b, text, validMarks(text, marks)), nil
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
// order, without overlaps (the first of two overlapping marks wins). It
// reorders and reuses the marks' slice.
func validMarks(text string, marks []mark) []mark {
	slices.SortStableFunc(marks, func(x, y mark) int { return cmp.Compare(x.start, y.start) })
	out := marks[:0]
	last := 0
	for _, m := range marks {
		if m.start < last || m.start >= m.end || m.end > len(text) ||
			!boundary(text, m.start) || !boundary(text, m.end) {
			continue
		}
		out = append(out, m)
		last = m.end
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

func boundary(s string, i int) bool { return i == len(s) || utf8.RuneStart(s[i]) }

// appendParagraphs appends paragraphsHTML's output to b.
func appendParagraphs(b []byte, text string, marks []mark) []byte {
	pos := 0
	for len(text[pos:]) > 0 {
		para := text[pos:]
		if i := strings.Index(para, "\n\n"); i >= 0 {
			para = para[:i+2]
		}
		start := pos
		pos += len(para)
		trimmed := strings.TrimSpace(para)
		if trimmed == "" {
			continue
		}
		lead := strings.Index(para, trimmed)
		b = append(b, "<p>"...)
		b = appendMarked(b, text, start+lead, start+lead+len(trimmed), marks)
		b = append(b, "</p>\n"...)
	}
	return b
}

// appendMarked escapes text[from:to] with the marks that fall in it.
func appendMarked(b []byte, text string, from, to int, marks []mark) []byte {
	at := from
	for _, m := range marks {
		if m.end <= from || m.start >= to {
			continue
		}
		s, e := max(m.start, from), min(m.end, to)
		b = appendHTMLEscaped(b, text[at:s])
		b = appendOpenMark(b, m, s == m.start)
		b = appendHTMLEscaped(b, text[s:e])
		b = appendCloseMark(b, m)
		at = e
	}
	return appendHTMLEscaped(b, text[at:to])
}

// appendHTMLEscaped appends s escaped as template.HTMLEscape escapes it
// (which, unlike html/template's text escaper, leaves "+" and NUL alone).
func appendHTMLEscaped(b []byte, s string) []byte {
	start := 0
	for i := 0; i < len(s); i++ {
		if !htmlEscaped[s[i]] { // most bytes: one table lookup
			continue
		}
		var repl string
		switch s[i] {
		case '"':
			repl = "&#34;"
		case '\'':
			repl = "&#39;"
		case '&':
			repl = "&amp;"
		case '<':
			repl = "&lt;"
		case '>':
			repl = "&gt;"
		case 0:
			repl = "\uFFFD"
		}
		b = append(b, s[start:i]...)
		b = append(b, repl...)
		start = i + 1
	}
	return append(b, s[start:]...)
}

// htmlEscaped marks the bytes appendHTMLEscaped replaces.
var htmlEscaped = [256]bool{0: true, '"': true, '\'': true, '&': true, '<': true, '>': true}

func openMark(m mark, withID bool) string { return string(appendOpenMark(nil, m, withID)) }

func appendOpenMark(b []byte, m mark, withID bool) []byte {
	b = append(b, "<mark"...)
	if withID && m.id != "" {
		b = append(b, ` id="`...)
		b = appendHTMLEscaped(b, m.id)
		b = append(b, '"')
	}
	b = append(b, '>')
	if m.href != "" {
		b = append(b, `<a href="`...)
		b = appendHTMLEscaped(b, m.href)
		b = append(b, '"')
		if m.title != "" {
			b = append(b, ` title="`...)
			b = appendHTMLEscaped(b, m.title)
			b = append(b, '"')
		}
		b = append(b, '>')
	}
	return b
}

func closeMark(m mark) string { return string(appendCloseMark(nil, m)) }

func appendCloseMark(b []byte, m mark) []byte {
	if m.href != "" {
		return append(b, "</a></mark>"...)
	}
	return append(b, "</mark>"...)
}

func itoa(n int) string { return strconv.Itoa(n) }
