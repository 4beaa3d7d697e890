package ingest

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/newsline/timeline/timeline"
)

// cleaned is raw text made ready for the extractors.
type cleaned struct {
	text     []byte
	offsets  *Offsets
	setAside []timeline.Span
}

// cleanText turns raw PDF or web copy (from byte offset `from` on) into
// paragraphs separated by a blank line:
//   - lines that are not body text (see classify) are set aside;
//   - hard-wrapped lines are joined with one space; a bulleted line ("• ",
//     "- ", "* ") starts a paragraph;
//   - a blank line (or a set-aside line) ends a paragraph only where the text
//     before it could end one: after . ! ? : (and closing quotes), or before
//     a capitalised line when the previous line did not stop mid-phrase;
//   - a word hyphenated across a line end is rejoined (see hyphenJoin);
//   - quotes are straightened when quotes is set, and spacing is normalised.
func cleanText(raw []byte, from int, quotes bool) cleaned {
	c := cleaner{raw: raw, quotes: quotes}
	c.b.buf = make([]byte, 0, len(raw)-from)
	c.b.segs = make([]segment, 0, (len(raw)-from)/32+1)
	lines := splitLines(raw, from)
	classify(raw, lines)
	c.lines = lines
	var out cleaned
	prev, gap := -1, false
	for i, l := range lines {
		switch l.kind {
		case kindBody:
		case kindBlank:
			gap = true
			continue
		default:
			out.setAside = append(out.setAside, timeline.Span{Start: l.start, End: l.end})
			gap = true
			continue
		}
		if prev >= 0 {
			c.join(lines[prev], l, gap)
		}
		c.b.appendNormal(raw, l.start, l.end, quotes)
		prev, gap = i, false
	}
	out.text = c.b.buf
	out.offsets = c.b.offsets()
	return out
}

type cleaner struct {
	raw      []byte
	quotes   bool
	b        builder
	evidence map[string]bool // words of the text, built on the first hyphen at a line end
	lines    []rawLine       // classified, for the hyphenation evidence
}

// join writes what separates two body lines: nothing (a rejoined hyphenated
// word), a space (a wrapped line) or a paragraph break.
func (c *cleaner) join(prev, next rawLine, gap bool) {
	p, n := c.raw[prev.start:prev.end], c.raw[next.start:next.end]
	last, _ := utf8.DecodeLastRune(p)
	first, _ := utf8.DecodeRune(n)
	switch {
	case gap && !continues(p, n), startsBullet(n):
		c.b.replace("\n\n", prev.end, 0)
	case last == '\u00AD':
		// a soft hyphen marks a syllable break: already dropped, join tight
	case isHyphen(last) && len(p) > 1 && unicode.IsLetter(first) && letterBeforeHyphen(p):
		if c.dropHyphen(p, n) && c.b.lastByte() == '-' {
			c.b.truncate(len(c.b.buf) - 1)
		}
	case (last == '—' || last == '–') && !unicode.IsSpace(first):
		// an em dash at a line end joins tight, as it was typeset
	default:
		c.b.replace(" ", prev.end, 0)
	}
}

// startsBullet reports whether a line starts a list item ("• ", "- ",
// "* "): each item is its own paragraph even without blank lines. Numbered
// items are not recognised: "12. The" may be a wrapped date.
func startsBullet(line []byte) bool {
	r, n := utf8.DecodeRune(line)
	switch r {
	case '•', '◦', '▪', '●', '‣':
		return true
	case '-', '*':
		return n < len(line) && line[n] == ' '
	}
	return false
}

func isHyphen(r rune) bool { return r == '-' || r == '\u2010' }

func letterBeforeHyphen(p []byte) bool {
	_, n := utf8.DecodeLastRune(p)
	r, _ := utf8.DecodeLastRune(p[:len(p)-n])
	return unicode.IsLetter(r)
}

// continues reports whether the text after a blank line (or a set-aside
// line) carries on the sentence before it, as when a PDF page break with a
// running footer falls mid-sentence.
func continues(p, n []byte) bool {
	last, _ := utf8.DecodeLastRune(p)
	first, _ := utf8.DecodeRune(n)
	switch {
	case unicode.IsLower(first):
		return true
	case endsSentence(p), titleLike(string(p)):
		return false // a sentence or a heading ended
	case unicode.IsLower(last) || isHyphen(last):
		return true
	}
	return strings.ContainsRune(",;(“‘\"—–&_", last)
}

// dropHyphen decides whether a hyphen at a line end was a syllable break
// (drop it: "mili-" + "tary") or part of a compound (keep it: "Moscow-" +
// "led"). The rule, in order:
//  1. the next part starts with a capital or digit ("post-" + "Soviet"): keep;
//  2. the text elsewhere spells the word with a hyphen mid-line: keep;
//  3. the text elsewhere spells it closed up: drop;
//  4. the first part already holds a hyphen ("state-of-the-"): keep;
//  5. the first part is a capitalised word of four letters or more that the
//     text uses on its own ("Moscow-" + "led"): keep;
//  6. otherwise drop: in typeset copy a line-end hyphen is far more often a
//     syllable break. So an unattested "military-" + "political" becomes
//     "militarypolitical" unless the text spells "military-political" elsewhere.
func (c *cleaner) dropHyphen(p, n []byte) bool {
	prefix := lastWord(strings.TrimRight(string(p), "-\u2010"))
	suffix := firstWord(string(n))
	if r, _ := utf8.DecodeRuneInString(suffix); !unicode.IsLower(r) {
		return false
	}
	ev := c.words()
	switch {
	case ev[strings.ToLower(prefix+"-"+suffix)]:
		return false
	case ev[strings.ToLower(prefix+suffix)]:
		return true
	case strings.Contains(prefix, "-"):
		return false
	}
	// rule 5 wants a name-like word: "The-" would pass on any sentence start
	r, _ := utf8.DecodeRuneInString(prefix)
	named := unicode.IsUpper(r) && len(prefix) >= 4 && !functionWords[strings.ToLower(prefix)]
	return !(named && ev[strings.ToLower(prefix)])
}

// words collects the words of the body lines, lowercased, leaving out the
// two halves of every word broken at a line end (they would vouch for
// themselves).
func (c *cleaner) words() map[string]bool {
	if c.evidence != nil {
		return c.evidence
	}
	c.evidence = map[string]bool{}
	brokenBefore := false
	for _, l := range c.lines {
		if l.kind != kindBody {
			continue
		}
		ws := strings.FieldsFunc(string(c.raw[l.start:l.end]), notWordRune)
		brokeHere := len(ws) > 0 && isHyphen(lastRune(ws[len(ws)-1]))
		for i, w := range ws {
			if (i == 0 && brokenBefore) || (i == len(ws)-1 && brokeHere) {
				continue
			}
			c.evidence[strings.ToLower(strings.Trim(w, "-\u2010"))] = true
		}
		brokenBefore = brokeHere
	}
	return c.evidence
}

func notWordRune(r rune) bool {
	return !(unicode.IsLetter(r) || unicode.IsDigit(r) || isHyphen(r))
}

func lastRune(s string) rune {
	r, _ := utf8.DecodeLastRuneInString(s)
	return r
}

func lastWord(s string) string {
	ws := strings.FieldsFunc(s, notWordRune)
	if len(ws) == 0 {
		return ""
	}
	return ws[len(ws)-1]
}

func firstWord(s string) string {
	ws := strings.FieldsFunc(s, func(r rune) bool { return !(unicode.IsLetter(r) || unicode.IsDigit(r)) })
	if len(ws) == 0 {
		return ""
	}
	return ws[0]
}
