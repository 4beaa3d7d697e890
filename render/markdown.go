package render

import (
	"html/template"
	"sync"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
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

// kindMark is the AST node for a highlighted temporal expression.
var kindMark = ast.NewNodeKind("TimexMark")

type markNode struct {
	ast.BaseInline
	mark
	first bool // carries the id (a mark split across nodes has it once)
}

func (n *markNode) Kind() ast.NodeKind { return kindMark }

func (n *markNode) Dump(source []byte, level int) { ast.DumpHelper(n, source, level, nil, nil) }

// markText splits the text nodes the marks cover and wraps the covered parts.
func markText(doc ast.Node, marks []mark) {
	var texts []*ast.Text
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if t, ok := n.(*ast.Text); ok && entering {
			texts = append(texts, t)
		}
		return ast.WalkContinue, nil
	})
	for _, t := range texts {
		splitTextNode(t, marks)
	}
}

func splitTextNode(t *ast.Text, marks []mark) {
	seg := t.Segment
	parent := t.Parent()
	if parent == nil {
		return
	}
	inLink := false
	for p := parent; p != nil; p = p.Parent() {
		if p.Kind() == ast.KindLink || p.Kind() == ast.KindAutoLink || p.Kind() == ast.KindImage {
			inLink = true
		}
	}
	var pieces []ast.Node
	var last *ast.Text
	plain := func(a, b int) *ast.Text {
		n := ast.NewTextSegment(text.NewSegment(a, b))
		n.SetRaw(t.IsRaw())
		return n
	}
	pos := seg.Start
	for _, m := range marks {
		if m.end <= seg.Start || m.start >= seg.Stop {
			continue
		}
		a, b := max(m.start, seg.Start), min(m.end, seg.Stop)
		if a > pos {
			pieces = append(pieces, plain(pos, a))
		}
		mn := &markNode{mark: m, first: a == m.start}
		if inLink {
			mn.href = ""
		}
		last = plain(a, b)
		mn.AppendChild(mn, last)
		pieces = append(pieces, mn)
		pos = b
	}
	if len(pieces) == 0 {
		return
	}
	last = nil
	if pos < seg.Stop {
		last = plain(pos, seg.Stop)
		pieces = append(pieces, last)
	} else {
		last = pieces[len(pieces)-1].LastChild().(*ast.Text)
	}
	last.SetSoftLineBreak(t.SoftLineBreak())
	last.SetHardLineBreak(t.HardLineBreak())
	for _, p := range pieces {
		parent.InsertBefore(parent, t, p)
	}
	parent.RemoveChild(parent, t)
}

// extraRenderer renders marks, and images as links to them.
type extraRenderer struct{}

func (r extraRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(kindMark, r.renderMark)
	reg.Register(ast.KindImage, r.renderImage)
}

func (extraRenderer) renderMark(w util.BufWriter, _ []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	n := node.(*markNode)
	if pb, ok := w.(*pageBuf); ok { // the usual writer: append in place
		if entering {
			pb.b = appendOpenMark(pb.b, n.mark, n.first)
		} else {
			pb.b = appendCloseMark(pb.b, n.mark)
		}
		return ast.WalkContinue, nil
	}
	if entering {
		_, _ = w.WriteString(openMark(n.mark, n.first))
	} else {
		_, _ = w.WriteString(closeMark(n.mark))
	}
	return ast.WalkContinue, nil
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
