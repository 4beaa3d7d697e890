package render

import (
	"html/template"
	"sort"
	"strings"
	"sync"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// markdownHTML renders Markdown with goldmark's defaults for safety: raw HTML
// is omitted and dangerous link schemes dropped. Headings move one level down
// (the page's title is its only h1), images become links (nothing is fetched
// from another origin), and the marks (byte offsets into src) wrap the text
// they cover.
func markdownHTML(src string, marks []mark) (template.HTML, error) {
	b, err := appendMarkdown(nil, src, marks)
	return template.HTML(b), err
}

// appendMarkdown appends markdownHTML's output to b.
func appendMarkdown(b []byte, src string, marks []mark) ([]byte, error) {
	md := markdown()
	if !mayLinkify(src) {
		md = markdownNoLinks()
	}
	// goldmark reads the source as bytes; a pooled copy is enough, as the
	// document refers to it only until it is rendered below.
	source := pageBufs.Get().(*pageBuf)
	defer putPageBuf(source)
	source.b = append(source.b[:0], src...)
	doc := md.Parser().Parse(text.NewReader(source.b))
	shiftHeadings(doc)
	if len(marks) > 0 {
		markText(doc, marks)
	}
	out := pageBuf{b: b}
	if err := md.Renderer().Render(&out, source.b, doc); err != nil {
		return b, err
	}
	return out.b, nil
}

var sharedMarkdown struct {
	once sync.Once
	md   goldmark.Markdown
}

// markdown is the one goldmark instance every page shares: its parser and
// renderer set themselves up once (sync.Once) and keep a document's state in
// a per-parse context, so concurrent pages may share it
// (TestMarkdownConcurrently; run it with -race after a goldmark upgrade).
// Building one per article allocated more than parsing the article.
func markdown() goldmark.Markdown {
	sharedMarkdown.once.Do(func() {
		sharedMarkdown.md = goldmark.New(
			goldmark.WithExtensions(extension.Table, extension.Strikethrough, extension.Linkify),
			goldmark.WithRendererOptions(renderer.WithNodeRenderers(util.Prioritized(extraRenderer{}, 100))),
		)
	})
	return sharedMarkdown.md
}

// mayLinkify reports whether goldmark's Linkify extension could find a bare
// address in src: it links only text that starts with "http:", "https:",
// "ftp:" or "www.", or an e-mail address (which has an "@"). Most articles
// have none, and the extension's search at every space and parenthesis was
// a sixth of an article page's cost.
func mayLinkify(src string) bool {
	return strings.IndexByte(src, '@') >= 0 || strings.Contains(src, "http:") || strings.Contains(src, "https:") ||
		strings.Contains(src, "ftp:") || strings.Contains(src, "www.")
}

var sharedNoLinks struct {
	once sync.Once
	md   goldmark.Markdown
}

// markdownNoLinks is markdown() for a source mayLinkify rules out: Linkify's
// parser replaced by one with the same triggers that finds nothing. The
// triggers stay because they shape the document: the text before a trigger
// character is cut off into its own node (which is where a mark splits),
// so the nodes, and the bytes, are those markdown() makes of such a source.
func markdownNoLinks() goldmark.Markdown {
	sharedNoLinks.once.Do(func() {
		sharedNoLinks.md = goldmark.New(
			goldmark.WithExtensions(extension.Table, extension.Strikethrough),
			goldmark.WithParserOptions(parser.WithInlineParsers(util.Prioritized(linkifyTriggers{}, 999))),
			goldmark.WithRendererOptions(renderer.WithNodeRenderers(util.Prioritized(extraRenderer{}, 100))),
		)
	})
	return sharedNoLinks.md
}

// linkifyTriggers is an inline parser with the triggers (and priority) of
// goldmark's Linkify parser that never parses anything.
type linkifyTriggers struct{}

func (linkifyTriggers) Trigger() []byte { return []byte{' ', '*', '_', '~', '('} }

func (linkifyTriggers) Parse(ast.Node, text.Reader, parser.Context) ast.Node { return nil }

// shiftHeadings renumbers the body's heading levels so the page's title stays
// its only h1 and no level is skipped: the distinct levels used, in order,
// become h2, h3, and so on (capped at h6).
func shiftHeadings(doc ast.Node) {
	var heads []*ast.Heading
	used := map[int]bool{}
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if h, ok := n.(*ast.Heading); ok && entering {
			heads = append(heads, h)
			used[h.Level] = true
		}
		return ast.WalkContinue, nil
	})
	newLevel := map[int]int{}
	next := 2
	for level := 1; level <= 6; level++ {
		if used[level] {
			newLevel[level] = min(next, 6)
			next++
		}
	}
	for _, h := range heads {
		h.Level = newLevel[h.Level]
	}
}

// kindMarkedText is the AST node for a text node that marks cover.
var kindMarkedText = ast.NewNodeKind("TimexMarkedText")

// markedText stands in for a text node that marks cover: it is written as
// the text with the covered parts wrapped (renderMarkedText), the bytes the
// text split into pieces and mark nodes made, without the nodes (those
// were a fifth of an article page's allocations).
type markedText struct {
	ast.BaseInline
	text   *ast.Text
	marks  []mark // the marks that overlap it, in order
	inLink bool   // marks inside a link do not link
}

func (n *markedText) Kind() ast.NodeKind { return kindMarkedText }

func (n *markedText) Dump(source []byte, level int) { ast.DumpHelper(n, source, level, nil, nil) }

// markText puts a markedText in place of each text node the marks (sorted,
// not overlapping) cover.
func markText(doc ast.Node, marks []mark) {
	var covered []*markedText
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		t, ok := n.(*ast.Text)
		if !ok || !entering || t.Parent() == nil || t.Parent().Kind() == ast.KindCodeSpan {
			// goldmark's code span writes its children as text nodes
			// (anything else made it panic): code stays unmarked.
			return ast.WalkContinue, nil
		}
		seg := t.Segment
		// The first mark ending after the text starts, then those starting before it ends.
		lo := sort.Search(len(marks), func(k int) bool { return marks[k].end > seg.Start })
		hi := lo
		for hi < len(marks) && marks[hi].start < seg.Stop {
			hi++
		}
		if hi > lo {
			covered = append(covered, &markedText{text: t, marks: marks[lo:hi], inLink: inLink(t)})
		}
		return ast.WalkContinue, nil
	})
	for _, mt := range covered {
		parent := mt.text.Parent()
		parent.ReplaceChild(parent, mt.text, mt)
	}
}

// inLink reports whether n is inside a link or an image.
func inLink(n ast.Node) bool {
	for p := n.Parent(); p != nil; p = p.Parent() {
		if p.Kind() == ast.KindLink || p.Kind() == ast.KindAutoLink || p.Kind() == ast.KindImage {
			return true
		}
	}
	return false
}

// extraRenderer renders marks, and images as links to them.
type extraRenderer struct{}

func (r extraRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(kindMarkedText, r.renderMarkedText)
	reg.Register(ast.KindImage, r.renderImage)
}

// renderMarkedText writes a covered text node as goldmark's text renderer
// (default settings) writes the pieces it was split into before: each piece
// escaped (or raw) by itself, each covered piece in its mark, and the node's
// line break after the last piece, inside the mark if a mark ends the text.
func (extraRenderer) renderMarkedText(w util.BufWriter, source []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkContinue, nil
	}
	n := node.(*markedText)
	t := n.text
	write := func(a, b int) {
		if t.IsRaw() {
			html.DefaultWriter.RawWrite(w, source[a:b])
		} else {
			html.DefaultWriter.Write(w, source[a:b])
		}
	}
	lineBreak := func() {
		switch {
		case t.IsRaw():
		case t.HardLineBreak():
			_, _ = w.WriteString("<br>\n")
		case t.SoftLineBreak():
			_ = w.WriteByte('\n')
		}
	}
	seg := t.Segment
	pos := seg.Start
	for _, m := range n.marks {
		a, b := max(m.start, seg.Start), min(m.end, seg.Stop)
		if a > pos {
			write(pos, a)
		}
		if n.inLink {
			m.href = ""
		}
		writeMark(w, m, a == m.start, true)
		write(a, b)
		if b == seg.Stop {
			lineBreak()
		}
		writeMark(w, m, false, false)
		pos = b
	}
	if pos < seg.Stop {
		write(pos, seg.Stop)
		lineBreak()
	}
	return ast.WalkContinue, nil
}

// writeMark writes a mark's opening tags (with its id when first) or its
// closing tags.
func writeMark(w util.BufWriter, m mark, first, open bool) {
	pb, ok := w.(*pageBuf)
	switch {
	case ok && open: // the usual writer: append in place
		pb.b = appendOpenMark(pb.b, m, first)
	case ok:
		pb.b = appendCloseMark(pb.b, m)
	case open:
		_, _ = w.WriteString(openMark(m, first))
	default:
		_, _ = w.WriteString(closeMark(m))
	}
}

// renderImage writes "Image: alt text" linking to the image instead of loading it.
func (extraRenderer) renderImage(w util.BufWriter, _ []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	n := node.(*ast.Image)
	linked := !html.IsDangerousURL(n.Destination)
	for p := n.Parent(); p != nil; p = p.Parent() {
		if p.Kind() == ast.KindLink {
			linked = false
		}
	}
	if entering {
		if linked {
			_, _ = w.WriteString(`<a class="img" href="`)
			_, _ = w.Write(util.EscapeHTML(util.URLEscape(n.Destination, true)))
			_, _ = w.WriteString(`">`)
		}
		_, _ = w.WriteString("Image: ")
	} else if linked {
		_, _ = w.WriteString("</a>")
	}
	return ast.WalkContinue, nil
}
