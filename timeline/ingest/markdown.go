package ingest

import (
	"bytes"
	"html"
	"regexp"
	"strings"

	"github.com/newsline/timeline/timeline"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/text"
)

var (
	mdParser  = goldmark.DefaultParser()
	entityRef = regexp.MustCompile(`^&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});`)
)

// markdownText renders the Markdown body (raw[from:]) to plain text for the
// extractors: one paragraph per block (paragraphs, headings, list items,
// quotes), link text kept, raw HTML, code, images and autolinks dropped,
// escapes and entities resolved. Offsets point into raw (the whole file,
// front matter included). Paragraphs that are not body text are set aside.
// The first level-1 heading is returned as the headline.
func markdownText(raw []byte, from int, quotes bool) (cleaned, string) {
	body := raw[from:]
	doc := mdParser.Parse(text.NewReader(body))
	w := mdWalker{raw: raw, base: from, quotes: quotes}
	w.b.buf = make([]byte, 0, len(body))
	_ = ast.Walk(doc, w.visit) // visit never returns an error
	return cleaned{text: w.b.buf, offsets: w.b.offsets(), setAside: w.setAside}, w.headline
}

type mdWalker struct {
	raw      []byte
	base     int
	quotes   bool
	b        builder
	setAside []timeline.Span
	headline string
	paraSep  int // len(buf) before the separator of the current block
	paraText int // len(buf) where the current block's text started
	paraRaw  int // raw offset of the current block's first text
}

func (w *mdWalker) visit(n ast.Node, entering bool) (ast.WalkStatus, error) {
	switch n.Kind() {
	case ast.KindHTMLBlock, ast.KindRawHTML, ast.KindCodeBlock, ast.KindFencedCodeBlock,
		ast.KindImage, ast.KindAutoLink, ast.KindThematicBreak:
		return ast.WalkSkipChildren, nil
	case ast.KindParagraph, ast.KindHeading, ast.KindTextBlock:
		if entering {
			w.startBlock()
		} else {
			w.endBlock(n)
		}
	case ast.KindText:
		if entering {
			w.text(n.(*ast.Text))
		}
	}
	return ast.WalkContinue, nil
}

func (w *mdWalker) startBlock() {
	w.b.truncateSpace()
	w.paraSep = len(w.b.buf)
	if len(w.b.buf) > 0 && !bytes.HasSuffix(w.b.buf, []byte("\n\n")) {
		w.b.replace("\n\n", w.lastRaw(), 0)
	}
	w.paraText, w.paraRaw = len(w.b.buf), -1
}

// endBlock takes back a paragraph that is not body text (see
// notBodyParagraph) and keeps the first level-1 heading as the headline.
func (w *mdWalker) endBlock(n ast.Node) {
	w.b.truncateSpace()
	para := viewString(w.b.buf[w.paraText:]) // read here; kept only as a copy (headline)
	if para != "" && notBodyParagraph(para) {
		end := w.b.offsets().Original(len(w.b.buf))
		w.setAside = append(w.setAside, timeline.Span{Start: w.paraRaw, End: end})
		w.b.truncate(w.paraSep)
		return
	}
	if h, ok := n.(*ast.Heading); ok && h.Level == 1 && w.headline == "" {
		w.headline = strings.Clone(para)
	}
}

// notBodyParagraph applies the raw-text rules for lines that are not body
// text to a whole Markdown paragraph: a bare URL, a "Related article:" or
// "Photo:" paragraph, or a short paragraph ending in a photo credit.
func notBodyParagraph(p string) bool {
	return bareURL.MatchString(p) || relatedLead.MatchString(p) || captionLead.MatchString(p) ||
		(len(p) < 300 && hasCredit(p))
}

func (w *mdWalker) lastRaw() int { return w.b.offsets().Original(len(w.b.buf)) }

// text appends one text node with escapes and entities resolved.
func (w *mdWalker) text(t *ast.Text) {
	start, end := w.base+t.Segment.Start, w.base+t.Segment.Stop
	if w.paraRaw < 0 {
		w.paraRaw = start
	}
	if t.IsRaw() {
		w.b.appendNormal(w.raw, start, end, w.quotes)
	} else {
		w.unescaped(start, end)
	}
	if t.SoftLineBreak() || t.HardLineBreak() {
		if w.b.lastByte() != ' ' {
			w.b.replace(" ", end, 0)
		}
	}
}

// unescaped appends raw[start:end] resolving backslash escapes and HTML
// entities the way a Markdown renderer would.
func (w *mdWalker) unescaped(start, end int) {
	run := start
	for i := start; i < end; i++ {
		switch w.raw[i] {
		case '\\':
			if i+1 < end && isASCIIPunct(w.raw[i+1]) {
				w.b.appendNormal(w.raw, run, i, w.quotes)
				run = i + 1
				i++
			}
		case '&':
			m := entityRef.Find(w.raw[i:end])
			if m == nil {
				continue
			}
			w.b.appendNormal(w.raw, run, i, w.quotes)
			w.entity(string(m), i)
			i += len(m) - 1
			run = i + 1
		}
	}
	w.b.appendNormal(w.raw, run, end, w.quotes)
}

// entity appends the character an entity names (normalised like the rest).
func (w *mdWalker) entity(ref string, at int) {
	dec := html.UnescapeString(ref)
	if dec == ref || strings.ContainsRune(dec, 0) {
		w.b.replace(ref, at, len(ref))
		return
	}
	var out strings.Builder
	for _, r := range dec {
		if repl, changed := normalForm(r, w.quotes); changed {
			out.WriteString(repl)
		} else {
			out.WriteRune(r)
		}
	}
	w.b.replace(out.String(), at, len(ref))
}

func isASCIIPunct(c byte) bool {
	return strings.IndexByte("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~", c) >= 0
}
