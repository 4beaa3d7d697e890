package render

import (
	"html/template"
	"strconv"
	"strings"
	"sync"

	"github.com/newsline/timeline/timeline"
)

// The pieces of HTML a site has most of, an event page's content (one per
// event) and an article page's (one per article), a timeline row (two per event: the year page and its embed
// counterpart), an article's list of the events it dates (one item per
// event and article) and an event's date (once per event, shown by all of
// those), are written by the Go code below instead of html/template, whose
// reflection made up most of their cost. The bytes are those the templates wrote: fasthtml_test.go executes the former templates on hostile
// and generated events and compares. Escaping follows html/template's rules
// for text and quoted attributes; an href that is not made of the characters
// site paths use goes through html/template itself.

// appendText appends s escaped as html/template escapes a string in text or
// in a quoted attribute value (its htmlReplacementTable).
func appendText(b []byte, s string) []byte {
	start := 0
	for i := 0; i < len(s); i++ {
		if !textEscaped[s[i]] { // most bytes: one table lookup
			continue
		}
		var repl string
		switch s[i] {
		case 0:
			repl = "\uFFFD"
		case '"':
			repl = "&#34;"
		case '&':
			repl = "&amp;"
		case '\'':
			repl = "&#39;"
		case '+':
			repl = "&#43;"
		case '<':
			repl = "&lt;"
		case '>':
			repl = "&gt;"
		}
		b = append(b, s[start:i]...)
		b = append(b, repl...)
		start = i + 1
	}
	return append(b, s[start:]...)
}

// textEscaped marks the bytes appendText replaces.
var textEscaped = [256]bool{0: true, '"': true, '&': true, '\'': true, '+': true, '<': true, '>': true}

// appendHref appends a URL for a quoted href attribute, as html/template
// writes it between href=" and ". Site paths (folder names checked by
// segmentOK, "../", "#" anchors) pass its URL filter, normaliser and
// attribute escaper unchanged; anything else is escaped by html/template itself.
func appendHref(b []byte, u string) []byte {
	if plainHref(u) {
		return append(b, u...)
	}
	var out strings.Builder
	if err := hrefTemplate().Execute(&out, u); err != nil {
		return append(b, "#ZgotmplZ"...)
	}
	s := strings.TrimSuffix(strings.TrimPrefix(out.String(), `<a href="`), `">`)
	return append(b, s...)
}

// plainHref reports whether html/template writes u unchanged in an href: a
// site path (see appendHref), or an absolute http(s) address of the same
// characters plus a port's colon and valid %XX escapes (canonical links):
// its scheme passes the filter, and the normaliser keeps reserved characters
// and valid escapes.
func plainHref[T string | []byte](u T) bool {
	if len(u) == 0 {
		return false
	}
	rest, abs := u, false
	for _, scheme := range [...]string{"https://", "http://"} {
		if len(u) >= len(scheme) && string(u[:len(scheme)]) == scheme {
			rest, abs = u[len(scheme):], true
			break
		}
	}
	for i := 0; i < len(rest); i++ {
		c := rest[i]
		switch {
		case 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_' || c == '.' || c == '/' || c == '#' || c == '-':
		case abs && c == ':':
		case abs && c == '%' && i+2 < len(rest) && isHex(rest[i+1]) && isHex(rest[i+2]):
		default:
			return false
		}
	}
	return true
}

func isHex(c byte) bool { return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F' }

var hrefTmpl struct {
	once sync.Once
	t    *template.Template
}

// hrefTemplate escapes a value as html/template does inside href="...".
func hrefTemplate() *template.Template {
	hrefTmpl.once.Do(func() {
		hrefTmpl.t = template.Must(template.New("href").Parse(`<a href="{{.}}">`))
	})
	return hrefTmpl.t
}

// HTML writes the row as the "timeline" template's row did.
func (r eventRow) HTML() (template.HTML, error) {
	b, err := r.appendHTML(make([]byte, 0, 512))
	if err != nil {
		return "", err
	}
	return template.HTML(b), nil
}

// appendHTML appends the row's HTML to b.
func (r eventRow) appendHTML(b []byte) ([]byte, error) {
	b = append(b, `<li class="ev" id="e-`...)
	b = appendText(b, r.ID)
	b = append(b, `" data-y="`...)
	b = appendText(b, r.Year)
	b = append(b, '"')
	if r.EndYear != "" {
		b = append(b, ` data-y2="`...)
		b = appendText(b, r.EndYear)
		b = append(b, '"')
	}
	if r.EntityRefs != "" {
		b = append(b, ` data-e="`...)
		b = appendText(b, r.EntityRefs)
		b = append(b, '"')
	}
	date, err := r.Date.HTML()
	if err != nil {
		return b, err
	}
	b = append(b, `><span class="when">`...)
	b = append(b, date...)
	b = append(b, `</span> <a class="title" href="`...)
	b = r.appendLinkRest(b, r.Href, r.Title)
	if len(r.Sources) > 0 {
		b = append(b, ` <span class="src">`...)
		for i, s := range r.Sources {
			if i > 0 {
				b = append(b, ", "...)
			}
			b = append(b, `<a href="`...)
			b = r.appendLinkRest(b, s.Href, s.Label)
		}
		b = append(b, "</span>"...)
	}
	return append(b, "</li>\n"...), nil
}

// appendLinkRest finishes a link whose opening `<a ... href="` is written:
// the address, the row's target, the text and the closing tag.
func (r eventRow) appendLinkRest(b []byte, href, text string) []byte {
	b = appendHref(b, href)
	b = append(b, '"')
	b = r.appendTarget(b)
	b = append(b, '>')
	b = appendText(b, text)
	return append(b, "</a>"...)
}

func (r eventRow) appendTarget(b []byte) []byte {
	if r.embed {
		return append(b, ` target="_top"`...)
	}
	return b
}

// eventMain writes an event page's content as event.html's "main" did.
func eventMain(v *eventView) (template.HTML, error) {
	b, err := appendEventMain(make([]byte, 0, 4096), v)
	if err != nil {
		return "", err
	}
	return template.HTML(b), nil
}

// appendEventMain appends an event page's content to b.
func appendEventMain(b []byte, v *eventView) ([]byte, error) {
	date, err := v.Date.HTML()
	if err != nil {
		return b, err
	}
	b = append(b, "<article class=\"event\">\n<p class=\"when\">"...)
	b = append(b, date...)
	b = append(b, "</p>\n<h1>"...)
	b = appendText(b, v.Title)
	b = append(b, "</h1>\n"...)
	if len(v.Entities) > 0 {
		b = append(b, "<ul class=\"entities\" aria-label=\"People, places and organisations\">\n"...)
		for _, e := range v.Entities {
			h, err := e.HTML()
			if err != nil {
				return b, err
			}
			b = append(b, h...)
			b = append(b, '\n')
		}
		b = append(b, "</ul>\n"...)
	}
	b = append(b, "<h2>"...)
	b = appendText(b, v.MentionsHeading)
	b = append(b, "</h2>\n"...)
	if len(v.Mentions) > 0 {
		b = append(b, "<ol class=\"mentions\">\n"...)
		for i := range v.Mentions {
			if b, err = appendMention(b, &v.Mentions[i]); err != nil {
				return b, err
			}
		}
		b = append(b, "</ol>\n"...)
	} else if v.Manual {
		b = append(b, "<p>Added by the editors of this timeline.</p>\n"...)
	} else {
		b = append(b, "<p>No source sentence recorded.</p>\n"...)
	}
	b = appendEventID(b, v.ID)
	b = append(b, "</article>\n<nav class=\"prevnext\" aria-label=\"Previous and next event\">\n<ul>\n"...)
	if p := v.Prev; p != nil {
		b = append(b, `<li class="prev"><a rel="prev" href="`...)
		b = appendHref(b, p.Href)
		b = append(b, `"><span class="sr-only">Previous event: </span><span aria-hidden="true">← </span>`...)
		b = appendText(b, p.Title)
		b = append(b, "</a></li>\n"...)
	}
	if n := v.Next; n != nil {
		b = append(b, `<li class="next"><a rel="next" href="`...)
		b = appendHref(b, n.Href)
		b = append(b, `"><span class="sr-only">Next event: </span>`...)
		b = appendText(b, n.Title)
		b = append(b, "<span aria-hidden=\"true\"> →</span></a></li>\n"...)
	}
	b = append(b, `<li class="up"><a href="`...)
	b = appendHref(b, v.UpHref)
	b = append(b, "\">Back to the timeline</a></li>\n</ul>\n</nav>\n"...)
	return b, nil
}

// appendEventID appends the line that shows an event's ID, which an editor
// copies into content/overrides.yaml to correct the event.
func appendEventID(b []byte, id string) []byte {
	b = append(b, "<p class=\"eid\">Event ID <code>"...)
	b = appendText(b, id)
	return append(b, "</code></p>\n"...)
}

func appendMention(b []byte, m *mentionView) ([]byte, error) {
	b = append(b, "<li>\n<blockquote><p>"...)
	b = appendText(b, m.Before)
	if m.Mark != "" {
		b = append(b, "<mark>"...)
		b = appendText(b, m.Mark)
		b = append(b, "</mark>"...)
	}
	b = appendText(b, m.After)
	b = append(b, "</p></blockquote>\n<p class=\"cite\">"...)
	if m.Slug != "" {
		b = append(b, `<a href="`...)
		b = appendHref(b, m.Href)
		b = append(b, `">`...)
		b = appendText(b, m.ArticleTitle)
		b = append(b, "</a>"...)
	} else {
		b = appendText(b, m.ArticleTitle)
	}
	if m.Tail != nil {
		h, err := m.Tail.HTML()
		if err != nil {
			return b, err
		}
		b = append(b, h...)
	}
	return append(b, "</p>\n</li>\n"...), nil
}

// EventItems writes the items of an article page's list of the events it
// dates, as article.html's range over them did.
func (v *articleView) EventItems() (template.HTML, error) {
	b, err := v.appendEventItems(make([]byte, 0, 200*len(v.Events)))
	return template.HTML(b), err
}

// appendEventItems appends EventItems' output to b.
func (v *articleView) appendEventItems(b []byte) ([]byte, error) {
	if len(v.Events) == 0 {
		for _, e := range v.dated { // the items s.link would make, written as they are made
			ev := &v.datedSite.tl.Events[e]
			date, err := eventDate{v.datedSite, int(e)}.HTML()
			if err != nil {
				return b, err
			}
			b = append(b, `<li><span class="when">`...)
			b = append(b, date...)
			b = append(b, `</span> <a href="`...)
			b = appendSitePath(b, v.datedRoot, "events/", ev.ID)
			b = append(b, `">`...)
			b = appendText(b, displayTitle(*ev))
			b = append(b, "</a></li>\n"...)
		}
		return b, nil
	}
	for i := range v.Events {
		e := &v.Events[i]
		date, err := e.Date.HTML()
		if err != nil {
			return b, err
		}
		b = append(b, `<li><span class="when">`...)
		b = append(b, date...)
		b = append(b, `</span> <a href="`...)
		b = appendHref(b, e.Href)
		b = append(b, `">`...)
		b = appendText(b, e.Title)
		b = append(b, "</a></li>\n"...)
	}
	return b, nil
}

// dateHTML writes a date or range as the former "date" template did, its
// parts as list.html's "time" template writes them.
func dateHTML(v dateView) template.HTML {
	b := make([]byte, 0, 160)
	if v.End == nil {
		return template.HTML(appendTime(b, v.Start))
	}
	b = append(b, `<span class="sr-only">from </span>`...)
	b = appendTime(b, v.Start)
	if v.Spaced {
		b = append(b, `<span aria-hidden="true"> – </span>`...)
	} else {
		b = append(b, `<span aria-hidden="true">–</span>`...)
	}
	b = append(b, `<span class="sr-only"> to </span>`...)
	return template.HTML(appendTime(b, *v.End))
}

func appendTime(b []byte, t timeView) []byte {
	if t.Attr == "" {
		b = append(b, "<span>"...)
		b = appendText(b, t.Text)
		return append(b, "</span>"...)
	}
	b = append(b, `<time datetime="`...)
	b = appendText(b, t.Attr)
	b = append(b, `">`...)
	b = appendText(b, t.Text)
	return append(b, "</time>"...)
}

// appendArticleMain appends an article page's content as article.html's
// "main" did.
func appendArticleMain(b []byte, v *articleView) ([]byte, error) {
	b = append(b, "<article class=\"source\">\n<h1>"...)
	b = appendText(b, v.Headline)
	b = append(b, "</h1>\n<dl class=\"pub\">\n"...)
	if v.Published != nil {
		b = append(b, "<dt>Published</dt><dd>"...)
		b = appendTime(b, *v.Published)
		b = append(b, "</dd>\n"...)
	}
	if v.Author != "" {
		b = append(b, "<dt>Author</dt><dd>"...)
		b = appendText(b, v.Author)
		b = append(b, "</dd>\n"...)
	}
	if v.Publisher != "" {
		b = append(b, "<dt>Publisher</dt><dd>"...)
		b = appendText(b, v.Publisher)
		b = append(b, "</dd>\n"...)
	}
	if v.Source != "" {
		b = append(b, "<dt>Source</dt><dd>"...)
		if v.SourceIsURL {
			b = append(b, `<a href="`...)
			b = appendHref(b, v.Source)
			b = append(b, `" rel="nofollow noopener">`...)
			b = appendText(b, v.Source)
			b = append(b, "</a>"...)
		} else {
			b = appendText(b, v.Source)
		}
		b = append(b, "</dd>\n"...)
	}
	if len(v.Tags) > 0 {
		b = append(b, "<dt>Tags</dt><dd>"...)
		for i, t := range v.Tags {
			if i > 0 {
				b = append(b, ", "...)
			}
			b = appendText(b, t)
		}
		b = append(b, "</dd>\n"...)
	}
	b = append(b, "</dl>\n"...)
	if v.Sample {
		b = append(b, "<p class=\"note\">This is sample content written for the demonstration site.</p>\n"...)
	}
	b = append(b, "<div class=\"body\">\n"...)
	if v.Body == "" && v.body != nil {
		var err error
		if b, err = v.body(b); err != nil {
			return b, err
		}
	} else {
		b = append(b, v.Body...)
	}
	b = append(b, "\n</div>\n</article>\n"...)
	if len(v.Events) > 0 || len(v.dated) > 0 {
		b = append(b, "<section class=\"dated\" aria-labelledby=\"dated-h\">\n<h2 id=\"dated-h\">Events dated in this article</h2>\n<ol>\n"...)
		var err error
		if b, err = v.appendEventItems(b); err != nil {
			return b, err
		}
		b = append(b, "</ol>\n</section>\n"...)
	}
	return b, nil
}

// appendRow appends event i's timeline row on a page at root, as
// s.eventRow(i, root, embed, refs).appendHTML would, without building the
// row's strings first: a listing page is mostly rows.
func (s *site) appendRow(b []byte, i int, root string, embed bool, refs refsFunc) ([]byte, error) {
	b = s.appendRowHead(b, i)
	b = appendRowRefs(b, i, refs)
	return s.appendRowTail(b, i, root, embed)
}

// rowHeadStart starts every row (appendRowHead); the event's ID follows.
const rowHeadStart = `<li class="ev" id="e-`

// appendRowHead appends the part of event i's row before its entity
// references: the list item's ID and years.
func (s *site) appendRowHead(b []byte, i int) []byte {
	ev := &s.tl.Events[i]
	b = append(b, rowHeadStart...)
	b = appendText(b, ev.ID)
	b = append(b, `" data-y="`...)
	if !ev.Start.IsZero() {
		year := ev.Start.Start.Year()
		b = strconv.AppendInt(b, int64(year), 10) // digits and a sign: nothing to escape
		b = append(b, '"')
		if ev.End != nil && !ev.End.IsZero() && ev.End.Start.Year() > year {
			b = append(b, ` data-y2="`...)
			b = strconv.AppendInt(b, int64(ev.End.Start.Year()), 10)
			b = append(b, '"')
		}
	} else {
		b = append(b, '"')
	}
	return b
}

// appendRowRefs appends event i's entity references on the page (refs),
// when it has any.
func appendRowRefs(b []byte, i int, refs refsFunc) []byte {
	n := len(b)
	b = append(b, ` data-e="`...)
	m := len(b)
	if b = refs(b, i); len(b) == m {
		return b[:n] // no entities
	}
	return append(b, '"') // digits and spaces: nothing to escape
}

// appendRowTail appends the rest of event i's row on a page at root: its
// date, its link and the articles it cites. What it writes is what rowKey
// hashes (the link's ID, title and dates, the cited articles' slugs and
// labels) given root and embed, which rowCache relies on.
func (s *site) appendRowTail(b []byte, i int, root string, embed bool) ([]byte, error) {
	ev := &s.tl.Events[i]
	date, err := eventDate{s, i}.HTML()
	if err != nil {
		return b, err
	}
	b = append(b, `><span class="when">`...)
	b = append(b, date...)
	b = append(b, `</span> <a class="title" href="`...)
	b = appendSitePath(b, root, "events/", ev.ID)
	b = appendLinkTail(b, embed, displayTitle(*ev))
	var buf [8]*timeline.Article
	cited := s.citedArticles(buf[:0], i)
	for n, art := range cited {
		if n == 0 {
			b = append(b, ` <span class="src">`...)
		} else {
			b = append(b, ", "...)
		}
		b = append(b, `<a href="`...)
		b = appendSitePath(b, root, "articles/", art.Slug)
		b = appendLinkTail(b, embed, citedLabel(art, cited))
	}
	if len(cited) > 0 {
		b = append(b, "</span>"...)
	}
	return append(b, "</li>\n"...), nil
}

// appendSitePath appends the href root + dir + name + "/index.html" as
// appendHref would write it.
func appendSitePath(b []byte, root, dir, name string) []byte {
	return appendHrefParts(b, root, dir, name, "/index.html")
}

// appendLinkTail finishes a link whose address is written: the closing
// quote, the target of an embed page's links, the text and the closing tag.
func appendLinkTail(b []byte, embed bool, text string) []byte {
	b = append(b, '"')
	if embed {
		b = append(b, ` target="_top"`...)
	}
	b = append(b, '>')
	b = appendText(b, text)
	return append(b, "</a>"...)
}

// appendEventPage appends event i's page content for a page at root, as
// appendEventMain writes the view eventPage built (s.eventView with its
// neighbours' links), without building the view: its strings (the quoted
// sentences' links, the neighbours' addresses) were most of an event page's
// allocations.
func (s *site) appendEventPage(b []byte, i int, root string) ([]byte, error) {
	ev := &s.tl.Events[i]
	date, err := eventDate{s, i}.HTML()
	if err != nil {
		return b, err
	}
	b = append(b, "<article class=\"event\">\n<p class=\"when\">"...)
	b = append(b, date...)
	b = append(b, "</p>\n<h1>"...)
	b = appendText(b, displayTitle(*ev))
	b = append(b, "</h1>\n"...)
	if ids := s.entitiesOf(i); len(ids) > 0 {
		b = append(b, "<ul class=\"entities\" aria-label=\"People, places and organisations\">\n"...)
		for _, id := range ids {
			h, err := entityItem{s, id}.HTML()
			if err != nil {
				return b, err
			}
			b = append(b, h...)
			b = append(b, '\n')
		}
		b = append(b, "</ul>\n"...)
	}
	b = append(b, "<h2>"...)
	switch n := len(ev.Mentions); n { // eventView's MentionsHeading: ASCII, nothing to escape
	case 0:
		b = append(b, "Source"...)
	case 1:
		b = append(b, "Source sentence"...)
	default:
		b = strconv.AppendInt(b, int64(n), 10)
		b = append(b, " source sentences"...)
	}
	b = append(b, "</h2>\n"...)
	if len(ev.Mentions) > 0 {
		b = append(b, "<ol class=\"mentions\">\n"...)
		for j := range ev.Mentions {
			if b, err = s.appendMentionAt(b, i, j, root); err != nil {
				return b, err
			}
		}
		b = append(b, "</ol>\n"...)
	} else if ev.Manual {
		b = append(b, "<p>Added by the editors of this timeline.</p>\n"...)
	} else {
		b = append(b, "<p>No source sentence recorded.</p>\n"...)
	}
	b = appendEventID(b, ev.ID)
	b = append(b, "</article>\n<nav class=\"prevnext\" aria-label=\"Previous and next event\">\n<ul>\n"...)
	if i > 0 {
		p := &s.tl.Events[i-1]
		b = append(b, `<li class="prev"><a rel="prev" href="`...)
		b = appendHrefParts(b, root, "events/", p.ID, "/index.html")
		b = append(b, `"><span class="sr-only">Previous event: </span><span aria-hidden="true">← </span>`...)
		b = appendText(b, displayTitle(*p))
		b = append(b, "</a></li>\n"...)
	}
	if i+1 < len(s.tl.Events) {
		n := &s.tl.Events[i+1]
		b = append(b, `<li class="next"><a rel="next" href="`...)
		b = appendHrefParts(b, root, "events/", n.ID, "/index.html")
		b = append(b, `"><span class="sr-only">Next event: </span>`...)
		b = appendText(b, displayTitle(*n))
		b = append(b, "<span aria-hidden=\"true\"> →</span></a></li>\n"...)
	}
	b = append(b, `<li class="up"><a href="`...)
	b = appendHrefParts(b, root, s.upPath(i), "#e-", ev.ID)
	b = append(b, "\">Back to the timeline</a></li>\n</ul>\n</nav>\n"...)
	return b, nil
}

// appendMentionAt appends mention j of event i as appendMention writes
// s.mentionView of it.
func (s *site) appendMentionAt(b []byte, i, j int, root string) ([]byte, error) {
	m := &s.tl.Events[i].Mentions[j]
	before, mark, after := splitAtTimex(*m)
	b = append(b, "<li>\n<blockquote><p>"...)
	b = appendText(b, before)
	if mark != "" {
		b = append(b, "<mark>"...)
		b = appendText(b, mark)
		b = append(b, "</mark>"...)
	}
	b = appendText(b, after)
	b = append(b, "</p></blockquote>\n<p class=\"cite\">"...)
	a := s.cites.of(i, j)
	if a < 0 {
		title := m.Source
		if title == "" {
			title = m.Article
		}
		b = appendText(b, title)
		return append(b, "</p>\n</li>\n"...), nil
	}
	art := &s.tl.Articles[a]
	if art.Slug == "" { // mentionView's Slug: no link, the tail all the same
		b = appendText(b, articleTitle(art))
	} else {
		b = append(b, `<a href="`...)
		if m.Timex != nil {
			b = appendHrefParts(b, root, "articles/", art.Slug, "/index.html#t", itoa(m.Timex.Start))
		} else {
			b = appendHrefParts(b, root, "articles/", art.Slug, "/index.html")
		}
		b = append(b, `">`...)
		b = appendText(b, articleTitle(art))
		b = append(b, "</a>"...)
	}
	h, err := citeTail{s, a}.HTML()
	if err != nil {
		return b, err
	}
	b = append(b, h...)
	return append(b, "</p>\n</li>\n"...), nil
}

// appendHrefParts appends the href that is the parts joined, as appendHref
// writes it, without building the string when it is plain.
func appendHrefParts(b []byte, parts ...string) []byte {
	start := len(b)
	for _, p := range parts {
		b = append(b, p...)
	}
	if plainHref(b[start:]) {
		return b
	}
	return appendHref(b[:start], strings.Join(parts, ""))
}
