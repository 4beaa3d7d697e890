package ingest

import (
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"github.com/newsline/timeline/internal/newscorpus"
)

// sameAsTree fails t when body (after a front matter) is markupFree and
// walking it by paragraphs gives other text, offsets, set-aside spans or
// headline than walking the parser's tree. It returns markupFree's answer.
func sameAsTree(t *testing.T, body string) bool {
	t.Helper()
	raw := []byte("---\ntitle: T\n---\n" + body)
	from := len(raw) - len(body)
	if !markupFree(raw[from:]) {
		return false
	}
	for _, quotes := range []bool{true, false} {
		fast, fh := walkMarkdown(raw, from, quotes, true)
		tree, th := walkMarkdown(raw, from, quotes, false)
		if string(fast.text) != string(tree.text) || fh != th || !reflect.DeepEqual(fast.offsets, tree.offsets) ||
			!reflect.DeepEqual(fast.setAside, tree.setAside) {
			t.Errorf("body %q (quotes %v):\nparagraphs %q %v %v %q\ntree       %q %v %v %q", body, quotes,
				fast.text, fast.offsets, fast.setAside, fh, tree.text, tree.offsets, tree.setAside, th)
		}
	}
	return true
}

// TestMarkupFreeBodiesWalkAsTheTree: the generated corpus's bodies are
// markupFree (else the fast walk is never taken) and walk as the tree does.
func TestMarkupFreeBodiesWalkAsTheTree(t *testing.T) {
	gen := newscorpus.New(20240614)
	for i := 0; i < 300; i++ {
		raw := gen.Article(i)
		_, from, err := splitFrontMatter("a.md", raw)
		if err != nil {
			t.Fatal(err)
		}
		if !sameAsTree(t, string(raw[from:])) {
			t.Fatalf("generated body %d is not markupFree: %q", i, raw[from:])
		}
	}
}

// TestMarkupFreeAgreesWithTheTree builds bodies from lines chosen to sit on
// both sides of markupFree (list, heading, code and quote starts, inline
// markup, entities, escapes, hard breaks, odd spaces and characters, set-
// aside paragraphs, blank-line runs): wherever it says plain, walking by
// paragraphs must give what the tree gives.
func TestMarkupFreeAgreesWithTheTree(t *testing.T) {
	lines := []string{"", "", "A plain sentence, with a comma.", "Another one: with a colon; and more.",
		"“Curly quotes,” he said — with a dash…", "It’s the ﬁrst ligature and a soft\u00adhyphen.", "Zero\u200bwidth and\u00a0nbsp.",
		"\u00a0Leading nbsp.", "Trailing nbsp.\u00a0", "Ends with a space ", "Ends with two spaces  ", " Leading space.", "    Code block?",
		"\tTabbed.", "Tab\tinside.", "- list item", "+ plus item", "* star item", "1. ordered", "2024. A year first.", "12) paren",
		"# Heading", "Heading underline", "===", "---", "> quote", "<b>html</b>", "a <i>tag</i>", "an & sign", "&amp; entity",
		"back\\slash", "`code`", "*emph*", "_under_", "[link](x)", "![img](y)", "~~~", "a | b", "https://example.org/x",
		"www.example.org", "Photo: A. Smith/Reuters", "Related article: More on this", "Short line ending in credit Reuters/AP",
		"Crédit accentué, naïve façade.", "Ελληνικά και русский.", "Emoji 🙂 inside.", "Line with\rCR", "NUL\x00byte",
		"DEL\x7fbyte", "Control\x01byte", "a  double  space", "Question? Exclamation.", "Parens (and) {braces}", "Percent 50% and $5.",
		"Hash#inside", "Equals = sign", "Plus + sign", "Hyphen - spaced", "Ends with colon:"}
	r := rand.New(rand.NewPCG(3, 4))
	plain := 0
	for n := 0; n < 20000; n++ {
		var b strings.Builder
		for k := r.IntN(8); k >= 0; k-- {
			b.WriteString(lines[r.IntN(len(lines))])
			b.WriteString("\n")
		}
		body := b.String()
		if r.IntN(4) == 0 {
			body = strings.TrimSuffix(body, "\n") // no final newline
		}
		if sameAsTree(t, body) {
			plain++
		}
	}
	if plain < 1000 {
		t.Errorf("only %d of 20,000 bodies were markupFree", plain)
	}
	t.Logf("%d of 20,000 bodies were markupFree", plain)
}

// FuzzMarkupFree: whatever body markupFree accepts walks as the tree does
// (go test -fuzz FuzzMarkupFree ./timeline/ingest).
func FuzzMarkupFree(f *testing.F) {
	for _, s := range []string{"A line.\nNext line.\n\nNew paragraph.\n", "“Quote,” said X.\n", "Photo: A/B\n\nText.", "\n\n\nA\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) { sameAsTree(t, body) })
}
