package render

import (
	"math/rand/v2"
	"strings"
	"sync"
	"testing"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// The former way of marking Markdown text, kept as the reference the
// markedText renderer is checked against: the covered text nodes split into
// pieces, each covered piece a child of a mark node (except in a code span,
// where goldmark's renderer panicked on the mark node: code is left unmarked now).

var refKindMark = ast.NewNodeKind("RefTimexMark")

type refMarkNode struct {
	ast.BaseInline
	mark
	first bool
}

func (n *refMarkNode) Kind() ast.NodeKind { return refKindMark }

func (n *refMarkNode) Dump(source []byte, level int) { ast.DumpHelper(n, source, level, nil, nil) }

func refMarkText(doc ast.Node, marks []mark) {
	var texts []*ast.Text
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if t, ok := n.(*ast.Text); ok && entering {
			texts = append(texts, t)
		}
		return ast.WalkContinue, nil
	})
	for _, t := range texts {
		refSplitTextNode(t, marks)
	}
}

func refSplitTextNode(t *ast.Text, marks []mark) {
	seg := t.Segment
	parent := t.Parent()
	if parent == nil || parent.Kind() == ast.KindCodeSpan { // the former code panicked on a mark in code
		return
	}
	linked := inLink(t)
	var pieces []ast.Node
	plain := func(a, b int) *ast.Text {
		n := ast.NewTextSegment(text.NewSegment(a, b))
		n.SetRaw(t.IsRaw())
		return n
	}
	var last *ast.Text
	pos := seg.Start
	for _, m := range marks {
		if m.end <= seg.Start || m.start >= seg.Stop {
			continue
		}
		a, b := max(m.start, seg.Start), min(m.end, seg.Stop)
		if a > pos {
			pieces = append(pieces, plain(pos, a))
		}
		mn := &refMarkNode{mark: m, first: a == m.start}
		if linked {
			mn.href = ""
		}
		mn.AppendChild(mn, plain(a, b))
		pieces = append(pieces, mn)
		pos = b
	}
	if len(pieces) == 0 {
		return
	}
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

type refRenderer struct{}

func (r refRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(refKindMark, func(w util.BufWriter, _ []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
		n := node.(*refMarkNode)
		if entering {
			_, _ = w.WriteString(openMark(n.mark, n.first))
		} else {
			_, _ = w.WriteString(closeMark(n.mark))
		}
		return ast.WalkContinue, nil
	})
	reg.Register(ast.KindImage, extraRenderer{}.renderImage)
}

var refMarkdown = sync.OnceValue(func() goldmark.Markdown {
	return goldmark.New(
		goldmark.WithExtensions(extension.Table, extension.Strikethrough, extension.Linkify),
		goldmark.WithRendererOptions(renderer.WithNodeRenderers(util.Prioritized(refRenderer{}, 100))),
	)
})

func refMarkdownHTML(src string, marks []mark) string {
	md := refMarkdown()
	source := []byte(src)
	doc := md.Parser().Parse(text.NewReader(source))
	shiftHeadings(doc)
	if len(marks) > 0 {
		refMarkText(doc, marks)
	}
	var out strings.Builder
	if err := md.Renderer().Render(&out, source, doc); err != nil {
		return "error: " + err.Error()
	}
	return out.String()
}

// TestMarkedTextMatchesSplitNodes renders random Markdown (emphasis, links,
// autolinks, images, code, entities, escapes, hard and soft breaks, tables,
// raw HTML) with random marks both ways and compares the bytes.
func TestMarkedTextMatchesSplitNodes(t *testing.T) {
	pieces := []string{"On 12 June 2024 ", "*the* ", "**council** ", "[a link 2019](https://x.example/a) ", "<https://auto.example/b> ",
		"https://linkify.example/c ", "![pic 1999](https://i.example/p.png) ", "`code 2020` ", "&amp; &copy; ", "\\*not\\* ",
		"line with a hard break  \n", "soft\nbreak ", "\n\n", "# Heading 2001\n\n", "| a | b |\n|---|---|\n| 1 May | ~~x~~ |\n\n",
		"<b>raw</b> ", "é ü 日本 ", "> quote 1990\n\n", "- item 2002\n- item two\n\n", "<span>x</span>\n", "tab\there "}
	rng := rand.New(rand.NewPCG(7, 8))
	for n := 0; n < 3000; n++ {
		var b strings.Builder
		for k := rng.IntN(10); k >= 0; k-- {
			b.WriteString(pieces[rng.IntN(len(pieces))])
		}
		src := b.String()
		var marks []mark
		for k := rng.IntN(6); k > 0; k-- {
			s := rng.IntN(len(src) + 1)
			e := s + rng.IntN(25)
			marks = append(marks, mark{start: s, end: e, id: "t" + itoa(s), href: []string{"", "../../events/e1/index.html", "x y.html"}[rng.IntN(3)],
				title: []string{"", "T <1>"}[rng.IntN(2)]})
		}
		marks = validMarks(src, marks)
		want := refMarkdownHTML(src, marks)
		got, err := markdownHTML(src, marks)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != want {
			t.Fatalf("%q with marks %+v:\n got %q\nwant %q", src, marks, got, want)
		}
	}
}

// TestNoLinkifyMatchesLinkify renders random Markdown without bare
// addresses (spaces, parentheses, emphasis, strikethrough and line heads
// everywhere: the Linkify triggers) with random marks through the instance
// without Linkify and through the one with it, and compares the bytes.
func TestNoLinkifyMatchesLinkify(t *testing.T) {
	pieces := []string{"On 12 June 2024 ", "*the* ", "_council_ ", "~~struck~~ ", "(in parentheses 2019) ", "a_b*c~d(e ", "  two spaces ",
		"[a link](rel/path.html) ", "`code (x)` ", "soft\nbreak ", "hard  \nbreak ", "\n\n", "# Head (1999)\n\n", "- item *2002*\n\n",
		"| a | b |\n|---|---|\n| (1) | ~x~ |\n\n", "wwwx www ", "http ftp https ", "mail at example.org ", "é (ü) 日本 ", "\\(escaped\\) ", "tab\t( "}
	rng := rand.New(rand.NewPCG(9, 10))
	for n := 0; n < 3000; n++ {
		var b strings.Builder
		for k := rng.IntN(12); k >= 0; k-- {
			b.WriteString(pieces[rng.IntN(len(pieces))])
		}
		src := b.String()
		if mayLinkify(src) {
			t.Fatalf("%q: the pieces should hold no address", src)
		}
		var marks []mark
		for k := rng.IntN(6); k > 0; k-- {
			s := rng.IntN(len(src) + 1)
			marks = append(marks, mark{start: s, end: s + rng.IntN(25), id: "t" + itoa(s), href: "../e/index.html"})
		}
		marks = validMarks(src, marks)
		got, err := appendMarkdown(nil, src, marks)
		if err != nil {
			t.Fatal(err)
		}
		md := markdown() // with Linkify
		doc := md.Parser().Parse(text.NewReader([]byte(src)))
		shiftHeadings(doc)
		if len(marks) > 0 {
			markText(doc, marks)
		}
		var want strings.Builder
		if err := md.Renderer().Render(&want, []byte(src), doc); err != nil {
			t.Fatal(err)
		}
		if string(got) != want.String() {
			t.Fatalf("%q with marks %+v:\n got %q\nwant %q", src, marks, got, want.String())
		}
	}
	for _, s := range []string{"a@b", "see http://x", "https:", "ftp:", "www.x"} {
		if !mayLinkify(s) {
			t.Errorf("mayLinkify(%q) = false", s)
		}
	}
}
