package render

import (
	"bytes"
	"html/template"
	"unicode/utf8"

	"github.com/newsline/timeline/timeline"
)

// The view builders below are the former page-content path, kept only as the
// reference the byte-identity tests compare the direct writers against
// (appendEventPage, appendArticleBody's list, appendRow): production writes
// pages straight from the timeline and never builds these views.

// fullEventView is event i's view on its page at root, its neighbours'
// links included: what the page's content shows (appendEventPage writes
// the same bytes without building it).
func (s *site) fullEventView(i int, root string) *eventView {
	v := s.eventView(i, root)
	if i > 0 {
		v.links[0] = s.link(i-1, root)
		v.Prev = &v.links[0]
	}
	if i+1 < len(s.tl.Events) {
		v.links[1] = s.link(i+1, root)
		v.Next = &v.links[1]
	}
	return v
}

// linkTo links to event i from a page at root (hrefs are built whole, so the
// template escapes one value instead of three).
func (s *site) linkTo(i int, root string) *eventLink {
	l := s.link(i, root)
	return &l
}

func (s *site) link(i int, root string) eventLink {
	ev := &s.tl.Events[i]
	return eventLink{ID: ev.ID, Title: displayTitle(*ev), Href: root + "events/" + ev.ID + "/index.html", Date: eventDate{s, i}}
}

func (s *site) eventView(i int, root string) *eventView {
	ev := &s.tl.Events[i]
	v := &eventView{ID: ev.ID, Title: displayTitle(*ev), Date: eventDate{s, i},
		Entities: s.entityItemsOf(i), Manual: ev.Manual, UpHref: root + s.upPath(i) + "#e-" + ev.ID}
	v.Mentions = make([]mentionView, 0, len(ev.Mentions))
	for _, m := range ev.Mentions {
		v.Mentions = append(v.Mentions, s.mentionView(m, root))
	}
	switch len(v.Mentions) {
	case 0:
		v.MentionsHeading = "Source"
	case 1:
		v.MentionsHeading = "Source sentence"
	default:
		v.MentionsHeading = plural(len(v.Mentions), "source sentence")
	}
	return v
}

func (s *site) mentionView(m timeline.Mention, root string) mentionView {
	mv := mentionView{ArticleTitle: m.Source}
	if mv.ArticleTitle == "" {
		mv.ArticleTitle = m.Article
	}
	if i, ok := s.articles[m.Article]; ok {
		a := &s.tl.Articles[i]
		mv.Slug = a.Slug
		mv.ArticleTitle = articleTitle(a)
		mv.Tail = &citeTail{s, i}
		mv.Href = root + "articles/" + a.Slug + "/index.html"
		if m.Timex != nil {
			mv.Href += "#" + timexAnchor(*m.Timex)
		}
	}
	mv.Before, mv.Mark, mv.After = splitAtTimex(m)
	return mv
}

// entityItemsOf lists event i's distinct entities, sorted by kind then name.
func (s *site) entityItemsOf(i int) []entityItem {
	ids := s.entitiesOf(i)
	if len(ids) == 0 {
		return nil
	}
	out := make([]entityItem, len(ids))
	for j, id := range ids {
		out[j] = entityItem{s, id}
	}
	return out
}

// cleanHTMLText replaces what HTML forbids in a document and escaping does
// not remove: invalid UTF-8, NUL and other control characters (tab, newline,
// form feed and carriage return stay), and Unicode noncharacters.
func cleanHTMLText(b []byte) []byte {
	if utf8.Valid(b) && !bytes.ContainsFunc(b, forbiddenInHTML) {
		return b
	}
	b = bytes.ToValidUTF8(b, []byte("\uFFFD"))
	return bytes.Map(func(r rune) rune {
		if forbiddenInHTML(r) {
			return '\uFFFD'
		}
		return r
	}, b)
}

// fillBody renders the deferred body into Body and the deferred list into
// Events (for html/template, which reads the fields).
func (v *articleView) fillBody() error {
	if len(v.Events) == 0 && len(v.dated) > 0 {
		for _, e := range v.dated {
			v.Events = append(v.Events, v.datedSite.link(int(e), v.datedRoot))
		}
		v.dated = nil
	}
	if v.Body != "" || v.body == nil {
		return nil
	}
	b, err := v.body(nil)
	if err != nil {
		return err
	}
	v.Body = template.HTML(b)
	return nil
}

// paragraphsHTML writes cleaned plain text as paragraphs (blank-line separated),
// escaping everything and inserting the marks.
func paragraphsHTML(text string, marks []mark) template.HTML {
	return template.HTML(appendParagraphs(nil, text, marks))
}
