package render

import (
	"html/template"
	"strings"

	"github.com/newsline/timeline/timeline"
)

type eventView struct {
	ID, Title       string
	UpHref          string // the event's row on the timeline page
	Date            eventDate
	Entities        []entityItem
	MentionsHeading string
	Mentions        []mentionView
	Manual          bool
	Prev, Next      *eventLink
	links           [2]eventLink  // what Prev and Next point to: one allocation with the view
	Main            template.HTML // the page's content, written by eventMain
}

type eventLink struct {
	ID, Title string
	Href      string // the event's page, from the linking page
	Date      eventDate
}

// mentionView is one quoted sentence, split around its date expression.
type mentionView struct {
	Before, Mark, After string
	Slug, ArticleTitle  string
	Href                string    // the article page at the expression, when Slug is set
	Tail                *citeTail // the article's publisher and date, when Slug is set
}

func (s *site) eventPage(i int) Page {
	ev := &s.tl.Events[i]
	p := "events/" + ev.ID + "/index.html"
	var prev, next *timeline.Event
	if i > 0 {
		prev = &s.tl.Events[i-1]
	}
	if i+1 < len(s.tl.Events) {
		next = &s.tl.Events[i+1]
	}
	return s.htmlPage(p, s.eventKey(i, prev, next, s.upPath(i)), func() (pageData, error) {
		d := s.page("event", p, displayTitle(*ev))
		d.Description = firstSentence(*ev)
		root := d.Root
		// The content is written straight into the page (writeMain) as
		// appendEventMain would write s.fullEventView(i, root).
		d.main = func(b []byte) ([]byte, error) { return s.appendEventPage(b, i, root) }
		ld, err := s.eventJSONLD(*ev)
		if err != nil {
			return d, err
		}
		d.JSONLD = ld
		return d, nil
	})
}

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

// eventKey hashes what an event page shows: the event and the metadata (not
// the text) of the articles quoted (its digest), the listing page it links
// back to, and its neighbours' links.
func (s *site) eventKey(i int, prev, next *timeline.Event, up string) string {
	k := borrowKeyWriter()
	defer returnKeyWriter(k)
	k.str(s.cfgKey)
	k.str("event")
	k.str(up)
	k.bytes(s.eventDigests[i][:])
	for j, n := range []*timeline.Event{prev, next} {
		switch at := i - 1 + 2*j; {
		case n == nil:
			k.list(-1)
		case at >= 0 && at < len(s.tl.Events) && n == &s.tl.Events[at]:
			k.list(1)
			k.linkTo(s, at) // the neighbour's link, hashed once per plan
		default:
			k.list(2)
			k.link(n)
		}
	}
	return k.sum()
}

// reportedBefore reports whether one of the mentions comes from the article.
func reportedBefore(ms []timeline.Mention, slug string) bool {
	for _, m := range ms {
		if m.Article == slug {
			return true
		}
	}
	return false
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

// firstSentence is the first mention's text with its whitespace collapsed.
func firstSentence(ev timeline.Event) string {
	for _, m := range ev.Mentions {
		if collapsed(m.Text) {
			if m.Text != "" {
				return m.Text
			}
			continue
		}
		if b := appendFields(make([]byte, 0, len(m.Text)), m.Text); len(b) > 0 {
			return string(b)
		}
	}
	return ""
}

// collapsed reports whether s is printable ASCII with no leading, trailing or
// double spaces: whitespace collapsing would leave it as it is.
func collapsed(s string) bool {
	if s == "" {
		return true
	}
	if s[0] == ' ' || s[len(s)-1] == ' ' || strings.Contains(s, "  ") {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !printableASCII[s[i]] {
			return false
		}
	}
	return true
}

// printableASCII marks the bytes 0x20-0x7e.
var printableASCII = func() (t [256]bool) {
	for c := 0x20; c < 0x7f; c++ {
		t[c] = true
	}
	return t
}()

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

// splitAtTimex cuts the cleaned sentence around its date expression. The
// sentence is cleaned text while the spans are original-file offsets, so the
// expression is found by its text, at the occurrence nearest where the spans put it.
func splitAtTimex(m timeline.Mention) (before, mark, after string) {
	text := m.Text
	expr := m.TimexText
	if expr == "" || !strings.Contains(text, expr) {
		return text, "", ""
	}
	want := 0
	if m.Timex != nil {
		want = m.Timex.Start - m.Sentence.Start
	}
	best := -1
	for from := 0; from <= len(text); {
		i := strings.Index(text[from:], expr)
		if i < 0 {
			break
		}
		at := from + i
		if best < 0 || abs(at-want) < abs(best-want) {
			best = at
		}
		from = at + 1
	}
	return text[:best], expr, text[best+len(expr):]
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// timexAnchor is the id an article page gives a highlighted expression.
func timexAnchor(sp timeline.Span) string {
	return "t" + itoa(sp.Start)
}
