package render

import (
	"html/template"
	"io"
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
	p, _ := s.eventPageAt(i)
	return p
}

// eventPageAt is eventPage also reporting that its Key came from the memo.
// Its path is s.path(i) (checkNames cuts them all from one string). The
// page costs the plan one allocation, its Render function, which holds s
// and i only (24 bytes, not 48 with the path: 2.8 MB less per plan at
// 116,000 events); what it needs besides is made when it runs.
func (s *site) eventPageAt(i int) (page Page, reused bool) {
	key, reused := s.memoKey(i)
	if !reused {
		key = s.eventKey(i, s.upPath(i))
	}
	return Page{Path: s.path(i), Key: key, Render: func(w io.Writer) error {
		return s.renderHTML(w, func() (pageData, error) { return s.eventData(i, s.path(i)) })
	}}, reused
}

// eventData is what event i's page shows.
func (s *site) eventData(i int, p string) (pageData, error) {
	ev := &s.tl.Events[i]
	d := s.page("event", p, displayTitle(*ev))
	d.Description = firstSentence(*ev)
	root := d.Root
	// The content is written straight into the page (writeMain) as
	// appendEventMain would write s.fullEventView(i, root).
	d.main = func(b []byte) ([]byte, error) { return s.appendEventPage(b, i, root) }
	ld, err := s.eventJSONLD(ev)
	if err != nil {
		return d, err
	}
	d.jsonld = ld
	return d, nil
}

// eventKey hashes what an event page shows: the event and the metadata (not
// the text) of the articles quoted (its digest), the listing page it links
// back to, and its neighbours' links (memoKey reuses it while all of those
// are as they were).
func (s *site) eventKey(i int, up string) string {
	k := borrowKeyWriter()
	defer returnKeyWriter(k)
	k.str(s.cfgKey)
	k.str("event")
	k.str(up)
	k.bytes(s.eventDigest(i))
	for _, at := range []int{i - 1, i + 1} {
		if at < 0 || at >= len(s.tl.Events) {
			k.list(-1)
			continue
		}
		k.list(1)
		k.linkTo(s, at) // the neighbour's link, hashed once per plan
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
