package render

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/newsline/timeline/timeline"
	"github.com/newsline/timeline/timeline/events"
)

// maxDescription is the longest article description in characters: about what
// a search result shows of one. A longer one is cut at a word boundary.
const maxDescription = 160

// leadScan bounds the text read for the lead sentence: a description never
// needs more, and a page's cost stays independent of its article's length.
const leadScan = 4096

// articleDescription is an article page's <meta name="description">: the
// front matter's description (else summary), else the article's lead
// sentence; on one line and at most maxDescription characters. It is "" only
// for an article with no text, whose page then gets the site's description.
func articleDescription(a *timeline.Article) string {
	if d := metaDescription(a); d != "" {
		return trimDescription(d)
	}
	return trimDescription(leadSentence(a))
}

// metaDescription is the description (else summary) the writer gave in front
// matter or the sidecar, if it is text.
func metaDescription(a *timeline.Article) string {
	for _, k := range []string{"description", "summary"} {
		if s, ok := a.Meta.Extra[k].(string); ok && strings.TrimSpace(s) != "" {
			return s
		}
	}
	return ""
}

// leadSentence is the first sentence of the article's first paragraph that
// reads as prose (ends as a sentence does), the headline and title skipped:
// a heading or a dateline line is not a lead. With no such paragraph it is
// the first sentence of the first paragraph that is not the headline.
func leadSentence(a *timeline.Article) string {
	text := a.Text
	if len(text) > leadScan {
		text = text[:leadScan]
	}
	head, title := oneLine(a.Headline), oneLine(a.Meta.Title)
	fallback := ""
	for para := range strings.SplitSeq(text, "\n") {
		p := oneLine(para)
		if p == "" || p == head || p == title {
			continue
		}
		first := p
		if spans := events.SplitSentences(p); len(spans) > 0 {
			first = p[spans[0].Start:spans[0].End]
		}
		if endsSentence(p) {
			return first
		}
		if fallback == "" {
			fallback = first
		}
	}
	return fallback
}

// endsSentence reports whether p ends as a sentence does: with . ! ? or …,
// maybe followed by closing quotes or brackets.
func endsSentence(p string) bool {
	p = strings.TrimRight(p, "\"'”’»)]")
	r, _ := utf8.DecodeLastRuneInString(p)
	return r == '.' || r == '!' || r == '?' || r == '…'
}

// oneLine collapses s's whitespace to single spaces, trims it and drops the
// characters HTML does not allow.
func oneLine(s string) string {
	var b strings.Builder
	space := false
	for _, r := range s {
		switch {
		case unicode.IsSpace(r):
			space = b.Len() > 0
		case forbiddenInHTML(r) || r == utf8.RuneError:
		default:
			if space {
				b.WriteByte(' ')
				space = false
			}
			b.WriteRune(r)
		}
	}
	return b.String()
}

// trimDescription puts d on one line and cuts it to maxDescription
// characters at a word boundary, with an ellipsis when cut.
func trimDescription(d string) string {
	d = oneLine(d)
	if utf8.RuneCountInString(d) <= maxDescription {
		return d
	}
	cut, n := 0, 0
	for i := range d { // the byte offset of character maxDescription (the ellipsis takes one)
		if n == maxDescription-1 {
			cut = i
			break
		}
		n++
	}
	if sp := strings.LastIndexByte(d[:cut], ' '); sp > cut/2 {
		cut = sp
	}
	return strings.TrimRight(d[:cut], " ,;:-–—") + "…"
}
