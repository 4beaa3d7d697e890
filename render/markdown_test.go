package render

import (
	"fmt"
	"html/template"
	"strings"
	"sync"
	"testing"
)

func TestMarkdownIsSafeAndFitsThePage(t *testing.T) {
	cases := []struct{ name, src, want, reject string }{
		{"raw inline html dropped", "a <script>alert(1)</script> b", "<!-- raw HTML omitted -->", "<script"},
		{"raw block html dropped", "<div onclick=\"x()\">hi</div>\n", "<!-- raw HTML omitted -->", "onclick"},
		{"javascript link emptied", "[x](javascript:alert(1))", `<a href="">x</a>`, "javascript:"},
		{"image becomes a link", "![alt text](https://cdn.example/i.png)", `<a class="img" href="https://cdn.example/i.png">Image: alt text</a>`, "<img"},
		{"image in a link is not nested", "[![alt](https://x.example/i.png)](https://y.example/)", `<a href="https://y.example/">Image: alt</a>`, `class="img"`},
		{"h1 moves to h2", "# Top\n\ntext", "<h2>Top</h2>", "<h1"},
		{"skipped levels closed up", "## A\n\n#### B", "<h3>B</h3>", "<h4"},
		{"text escaped", "5 < 6 & \"q\"", "5 &lt; 6 &amp; &quot;q&quot;", "5 < 6"},
	}
	for _, c := range cases {
		got, err := markdownHTML(c.src, nil)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(got), c.want) {
			t.Errorf("%s: want %s in\n%s", c.name, c.want, got)
		}
		if strings.Contains(string(got), c.reject) {
			t.Errorf("%s: %s should not appear in\n%s", c.name, c.reject, got)
		}
	}
}

func TestMarksSplitAcrossMarkdownNodes(t *testing.T) {
	src := "It began on *12 June* 2024 and ended later."
	start := strings.Index(src, "12 June")
	end := strings.Index(src, "2024") + len("2024")
	got, err := markdownHTML(src, []mark{{start: start, end: end, id: "t1", href: "../../events/e1/index.html"}})
	if err != nil {
		t.Fatal(err)
	}
	want := `It began on <em><mark id="t1"><a href="../../events/e1/index.html">12 June</a></mark></em><mark><a href="../../events/e1/index.html"> 2024</a></mark> and ended later.`
	if !strings.Contains(string(got), want) {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	if strings.Count(string(got), `id="t1"`) != 1 {
		t.Error("a split mark must carry its id once")
	}
}

func TestParagraphsOfCleanedText(t *testing.T) {
	text := "First <para>\nline two.\n\n\nSecond & last."
	start := strings.Index(text, "Second")
	got := string(paragraphsHTML(text, validMarks(text, []mark{{start: start, end: start + 6, id: "t9", href: "x.html"}, {start: 2, end: 1}})))
	want := "<p>First &lt;para&gt;\nline two.</p>\n<p><mark id=\"t9\"><a href=\"x.html\">Second</a></mark> &amp; last.</p>\n"
	if got != want {
		t.Errorf("got %q\nwant %q", got, want)
	}
}

func TestValidMarksDropsBadSpans(t *testing.T) {
	text := "Ärger in 2020 and 2021"
	marks := validMarks(text, []mark{
		{start: 1, end: 5},   // inside the two-byte Ä: not a character boundary
		{start: 10, end: 14}, // "2020"
		{start: 12, end: 20}, // overlaps the previous
		{start: 19, end: 99}, // past the end
	})
	if len(marks) != 1 || marks[0].start != 10 {
		t.Errorf("got %+v", marks)
	}
}

// TestMarkdownConcurrently renders different documents (tables, links,
// headings, marks) on several goroutines through the shared goldmark instance
// and compares each with its rendering alone.
func TestMarkdownConcurrently(t *testing.T) {
	var docs []string
	for i := 0; i < 24; i++ {
		docs = append(docs, fmt.Sprintf("# Doc %d\n\n| a | b |\n|---|---|\n| %d | ~~x~~ |\n\nSee https://example.org/%d and [link](https://x.example/%d) on 12 June %d.\n\n## Tail\n\n![img](https://i.example/%d.png)\n", i, i, i, i, 2000+i, i))
	}
	markOf := func(doc string) []mark {
		at := strings.Index(doc, "12 June")
		return []mark{{start: at, end: at + len("12 June"), id: "t1", href: "../e/index.html", title: "E"}}
	}
	want := make([]template.HTML, len(docs))
	for i, d := range docs {
		h, err := markdownHTML(d, markOf(d))
		if err != nil {
			t.Fatal(err)
		}
		want[i] = h
	}
	var wg sync.WaitGroup
	errs := make(chan string, 8*len(docs))
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for k := range docs {
				i := (k + g*5) % len(docs)
				got, err := markdownHTML(docs[i], markOf(docs[i]))
				if err != nil || got != want[i] {
					errs <- fmt.Sprintf("doc %d on goroutine %d differs (err %v)", i, g, err)
				}
			}
		}(g)
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}

// TestMarkInCodeSpan: a dated expression inside `code` is left unmarked
// (goldmark's code span renderer takes only text nodes; a mark made it panic).
func TestMarkInCodeSpan(t *testing.T) {
	src := "Filed as `2024-06-14` on 12 June."
	at := strings.Index(src, "2024")
	got, err := markdownHTML(src, []mark{{start: at, end: at + 10, id: "t1", href: "e.html"}})
	if err != nil {
		t.Fatal(err)
	}
	if want := "<p>Filed as <code>2024-06-14</code> on 12 June.</p>\n"; string(got) != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
