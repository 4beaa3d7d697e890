package ingest

import (
	"bytes"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// lineKind tells what a line of raw text is.
type lineKind int

const (
	kindBody     lineKind = iota
	kindBlank             // empty or whitespace only
	kindURL               // a bare URL (author pages, share links)
	kindCaption           // a photo caption ending in a credit, or "Photo: ..."
	kindRelated           // "Related article: ..." and its wrapped continuation
	kindHeadline          // title-like lines at the very top (often a truncated headline)
	kindNoise             // page numbers, bylines, "Updated ...", "Advertisement", "Share this article"
)

// rawLine is one line of the raw text; start/end bound its content with
// surrounding whitespace and the line terminator trimmed.
type rawLine struct {
	start, end int
	kind       lineKind
}

var (
	bareURL = regexp.MustCompile(`^<?(?:https?://|www\.)\S+>?$`)
	// A credit at the end of a caption: "Alexander Patrin / TASS",
	// "Jane Doe/Reuters", "Photo: John Smith / kremlin.ru".
	creditEnd   = regexp.MustCompile(`(?:^|\s)\p{Lu}[\p{L}.'’-]*(?:\s+\p{Lu}[\p{L}.'’-]*){0,3}(?:\s+/\s*|\s*/\s+)(?:\p{Lu}[\p{L}\d.&'’-]*(?:\s+\p{Lu}[\p{L}\d.&'’-]*){0,2}|[a-z0-9-]+(?:\.[a-z0-9-]+)+)$`)
	captionLead = regexp.MustCompile(`(?i)^\(?(?:photo|photograph|image|picture|illustration|credit|video)(?:\s+by)?\s*[:/]`)
	relatedLead = regexp.MustCompile(`(?i)^(?:related(?:\s+(?:article|story|content|news|reading))?|read\s+(?:also|more)|see\s+also|also\s+read|more\s+on\s+this)\s*[:|–—-]`)
	// Bylines and page metadata of web copy: "By Jane Doe", "Updated 14:32 GMT, 3 March 2023".
	byline     = regexp.MustCompile(`^(?:By|BY|From|Words by)\s+\p{Lu}[\p{L}.'’-]*(?:(?:\s+|\s*,\s*|\s+and\s+)\p{Lu}[\p{L}.'’-]*){0,5}(?:\s*[,|–—-]\s*.{0,40})?$`)
	dateline   = regexp.MustCompile(`(?i)^(?:updated|published|posted|last updated|first published)(?:\s+on)?\s*:?\s+\S`)
	pageNumber = regexp.MustCompile(`(?i)^(?:page\s*)?\d{1,4}(?:\s*(?:/|of)\s*\d{1,4})?$|^[-–—]\s*\d{1,4}\s*[-–—]$`)
	noiseLines = map[string]bool{
		"advertisement": true, "share": true, "share this article": true, "subscribe": true,
		"read more": true, "listen to this article": true, "print": true, "continue reading": true,
	}
)

// functionWords may stay lowercase in a title-cased line.
var functionWords = map[string]bool{
	"a": true, "an": true, "the": true, "of": true, "in": true, "on": true, "at": true, "to": true,
	"for": true, "from": true, "with": true, "by": true, "and": true, "or": true, "but": true,
	"as": true, "vs": true, "vs.": true, "nor": true, "into": true, "over": true, "per": true,
}

// splitLines cuts raw into lines at \n, \r\n, \r and form feed (a PDF page
// break), trimming each line's surrounding whitespace.
func splitLines(raw []byte, from int) []rawLine {
	lines := make([]rawLine, 0, bytes.Count(raw[from:], []byte{'\n'})+1)
	start := from
	for i := from; i <= len(raw); i++ {
		if i < len(raw) && raw[i] != '\n' && raw[i] != '\r' && raw[i] != '\f' {
			continue
		}
		s, e := trimSpace(raw, start, i)
		lines = append(lines, rawLine{start: s, end: e})
		if i < len(raw) && raw[i] == '\r' && i+1 < len(raw) && raw[i+1] == '\n' {
			i++
		}
		start = i + 1
	}
	return lines
}

// trimSpace narrows [s, e) past leading and trailing (Unicode) spaces.
func trimSpace(raw []byte, s, e int) (int, int) {
	for s < e {
		r, n := utf8.DecodeRune(raw[s:e])
		if !isSpace(r) {
			break
		}
		s += n
	}
	for e > s {
		r, n := utf8.DecodeLastRune(raw[s:e])
		if !isSpace(r) {
			break
		}
		e -= n
	}
	return s, e
}

func isSpace(r rune) bool {
	return unicode.IsSpace(r) || r == '\uFEFF' || r == '\u200B'
}

// classify marks every line that is not body text. Order matters: the
// headline pass runs first so that a caption glued under it does not swallow it.
func classify(raw []byte, lines []rawLine) {
	for i := range lines {
		if lines[i].start == lines[i].end {
			lines[i].kind = kindBlank
		}
	}
	markHeadline(raw, lines)
	for i := range lines {
		if lines[i].kind != kindBody {
			continue
		}
		text := string(raw[lines[i].start:lines[i].end])
		lead := unicode.ToLower(rune(text[0])) // the regexps below only run where they can match
		switch {
		case strings.ContainsRune("hw<", lead) && bareURL.MatchString(text):
			lines[i].kind = kindURL
		case len(text) < 32 && noiseLines[strings.ToLower(strings.Trim(text, " .:"))]:
			lines[i].kind = kindNoise
		case len(text) < 16 && isolated(lines, i) && pageNumber.MatchString(text):
			lines[i].kind = kindNoise
		case len(text) < 100 && strings.ContainsRune("bfwupl", lead) && (byline.MatchString(text) || dateline.MatchString(text)):
			lines[i].kind = kindNoise
		case strings.ContainsRune("rsam", lead) && relatedLead.MatchString(text):
			markRelated(raw, lines, i)
		case strings.ContainsRune("(picv", lead) && captionLead.MatchString(text):
			lines[i].kind = kindCaption // "Photo: ..." starts a caption: nothing above it belongs
		case endsBlock(lines, i) && hasCredit(text):
			markCaption(raw, lines, i)
		}
	}
}

// markHeadline sets aside title-like lines before the first body line: PDF
// and web copy often start with (part of) the headline, which is not a
// statement of the article. It needs a following blank line or a following
// line that starts a new sentence, so a wrapped first sentence is kept.
func markHeadline(raw []byte, lines []rawLine) {
	i := 0
	for i < len(lines) && lines[i].kind == kindBlank {
		i++
	}
	for n := 0; n < 2 && i < len(lines) && lines[i].kind == kindBody; n, i = n+1, i+1 {
		text := string(raw[lines[i].start:lines[i].end])
		title := titleLike(text) && nextStartsAfresh(raw, lines, i)
		if !title && !(n == 0 && sentenceCaseHeadline(text) && endsBlock(lines, i) && !nextBodyLower(raw, lines, i)) {
			return
		}
		lines[i].kind = kindHeadline
	}
}

// sentenceCaseHeadline reports whether the first line of a text reads as a
// headline written in sentence case ("Ukraine and Russia swap prisoners"):
// short, with no sentence-ending or mid-phrase punctuation at its end, not
// ending on a function word. It is only trusted when a blank line follows.
func sentenceCaseHeadline(text string) bool {
	words := strings.Fields(text)
	if len(words) < 2 || len(words) > 15 || endsSentence([]byte(text)) || strings.ContainsAny(lastChar(text), ",;:-–—_") {
		return false
	}
	r, _ := utf8.DecodeRuneInString(text)
	last := strings.ToLower(strings.TrimRight(words[len(words)-1], "\"'”’)]"))
	return unicode.IsUpper(r) && !functionWords[last]
}

// nextBodyLower reports whether the next non-blank line after i starts in
// lowercase, i.e. line i is a sentence cut by a page break, not a headline.
func nextBodyLower(raw []byte, lines []rawLine, i int) bool {
	for j := i + 1; j < len(lines); j++ {
		if lines[j].kind != kindBlank {
			r, _ := utf8.DecodeRune(raw[lines[j].start:lines[j].end])
			return unicode.IsLower(r)
		}
	}
	return false
}

// nextStartsAfresh reports whether the line after i is blank, missing, or
// begins with something other than a lowercase letter.
func nextStartsAfresh(raw []byte, lines []rawLine, i int) bool {
	if i+1 >= len(lines) || lines[i+1].kind == kindBlank {
		return true
	}
	r, _ := utf8.DecodeRune(raw[lines[i+1].start:lines[i+1].end])
	return !unicode.IsLower(r)
}

// titleLike reports whether a line reads as a title: short, every word
// capitalised except function words, not ending like a sentence or a wrap.
func titleLike(text string) bool {
	words := strings.Fields(text)
	if len(words) == 0 || len(words) > 16 || strings.ContainsAny(lastChar(text), ".,;:-–—_") {
		return false
	}
	capped := 0
	for _, w := range words {
		core := strings.TrimLeft(w, "\"'“‘([")
		r, _ := utf8.DecodeRuneInString(core)
		switch {
		case unicode.IsUpper(r) || unicode.IsDigit(r):
			capped++
		case functionWords[strings.ToLower(core)]:
		case !unicode.IsLetter(r):
		default:
			return false
		}
	}
	last := strings.ToLower(strings.TrimRight(words[len(words)-1], "\"'”’)]"))
	return capped > 0 && !functionWords[last]
}

// markRelated sets aside a "Related article:" line and what continues it:
// in a block of at most three lines between blank lines, the lines that do
// not end with a period (a wrapped link title, whatever its case; headlines
// carry no final period); in a longer block, only title-cased lines right
// after it (web copy with no blank lines between paragraphs).
func markRelated(raw []byte, lines []rawLine, i int) {
	lines[i].kind = kindRelated
	end := i + 1
	for end < len(lines) && lines[end].kind == kindBody {
		end++
	}
	short := end-i <= 3 && (i == 0 || lines[i-1].kind == kindBlank)
	for j := i + 1; j < end && j <= i+2; j++ {
		text := string(raw[lines[j].start:lines[j].end])
		if !titleLike(text) && (!short || strings.HasSuffix(strings.TrimRight(text, "\"'”’)]"), ".")) {
			return // a sentence: body text under the link
		}
		lines[j].kind = kindRelated
	}
}

// markCaption sets aside a line ending in a photo credit and the caption
// lines above it in its block: those that do not end a sentence (the caption
// wrapped onto the credit line), at most three. A block of two lines
// between blank lines is a caption and its credit, whatever the punctuation.
// Above a sentence end is body text the caption was glued under.
func markCaption(raw []byte, lines []rawLine, i int) {
	lines[i].kind = kindCaption
	top := i
	for top > 0 && lines[top-1].kind == kindBody {
		top--
	}
	alone := i-top == 1 && (top == 0 || lines[top-1].kind == kindBlank)
	for j := i - 1; j >= top && j >= i-3; j-- {
		if !alone && endsSentence(raw[lines[j].start:lines[j].end]) {
			return
		}
		lines[j].kind = kindCaption
	}
}

// hasCredit reports whether a line ends in a photo credit. Only the tail is
// searched: a credit is a few words, and an unanchored regexp over whole
// 10,000-character lines would dominate ingest time.
func hasCredit(text string) bool {
	if !strings.Contains(text, "/") {
		return false
	}
	if len(text) > 120 {
		cut := len(text) - 120
		for cut < len(text) && !utf8.RuneStart(text[cut]) {
			cut++
		}
		text = text[cut:]
	}
	return creditEnd.MatchString(text)
}

// endsBlock reports whether line i is the last of its block.
func endsBlock(lines []rawLine, i int) bool {
	return i+1 >= len(lines) || lines[i+1].kind == kindBlank
}

// isolated reports whether line i stands alone between blank lines.
func isolated(lines []rawLine, i int) bool {
	return (i == 0 || lines[i-1].kind == kindBlank) && endsBlock(lines, i)
}

// endsSentence reports whether text ends with . ! ? … or : possibly
// followed by closing quotes or brackets.
func endsSentence(text []byte) bool {
	for len(text) > 0 {
		r, n := utf8.DecodeLastRune(text)
		switch r {
		case '"', '\'', '”', '’', '»', ')', ']':
			text = text[:len(text)-n]
			continue
		case '.', '!', '?', '…', ':':
			return true
		}
		return false
	}
	return false
}

// lastChar is the last character of s ("" for "").
func lastChar(s string) string {
	_, n := utf8.DecodeLastRuneInString(s)
	return s[len(s)-n:]
}
