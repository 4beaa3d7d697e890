package events

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/newsline/timeline/timeline"
)

// sentencesBothWays splits and tokenizes text with scanSentences (ok false
// when it gave up on a long sentence) and with splitThenTokenize, the way
// it replaces.
func sentencesBothWays(text string) (fused []sentence, ok bool, twoPass []sentence) {
	run := func(f func(x *extractor) []sentence) []sentence {
		sc := getScratch()
		x := &extractor{a: timeline.Article{Text: text}, scratch: sc}
		x.low, sc.low = asciiLowerInto(sc.low, text)
		got := slices2(f(x))
		putScratch(sc)
		return got
	}
	fused = run(func(x *extractor) []sentence {
		out, okk := x.scanSentences()
		ok = okk
		return out
	})
	twoPass = run(func(x *extractor) []sentence { return x.splitThenTokenize() })
	return fused, ok, twoPass
}

// checkScanSentences fails t when scanSentences and splitThenTokenize
// disagree on text (or scanSentences gives up on a short text).
func checkScanSentences(t *testing.T, text string) {
	t.Helper()
	fused, ok, twoPass := sentencesBothWays(text)
	if !ok {
		if len(text) <= maxSentence {
			t.Fatalf("%q: scanSentences gave up on a text of %d bytes", text, len(text))
		}
		return
	}
	if !reflect.DeepEqual(fused, twoPass) {
		for i := range max(len(fused), len(twoPass)) {
			if i >= len(fused) || i >= len(twoPass) || !reflect.DeepEqual(fused[i], twoPass[i]) {
				var f, w any = "none", "none"
				if i < len(fused) {
					f = fused[i]
				}
				if i < len(twoPass) {
					w = twoPass[i]
				}
				t.Fatalf("%q: sentence %d\nscan:  %+v\nsplit: %+v", text, i, f, w)
			}
		}
	}
}

// FuzzScanSentences checks scanSentences against splitThenTokenize on
// arbitrary text.
func FuzzScanSentences(f *testing.F) {
	for _, s := range []string{
		"The board met on 3 March. It will meet again next week.",
		`"Unclosed quote on Monday. He said "yes" in 2019 [and 2020`,
		"Dr. J. R. Smith of the U.S. Senate left.\n\n“Yes,” he said?! (No.) Next…",
		"a  b\tc\r\nd.\u00a0E\u2009f.’ G» H.) \xff",
		"",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) { checkScanSentences(t, text) })
}

// slices2 copies the sentences and their tokens out of the pooled scratch.
func slices2(in []sentence) []sentence {
	out := make([]sentence, len(in))
	for i, s := range in {
		s.toks = append([]token(nil), s.toks...)
		s.inDate = append([]bool(nil), s.inDate...)
		s.clean = strings.Clone(s.clean)
		out[i] = s
	}
	return out
}

// TestScanSentencesAgreesWithSplitThenTokenize checks the one-pass
// sentence scanner against splitting then tokenizing (which it replaces
// for all but articles with a sentence over maxSentence): the same spans,
// texts, tokens, classes, paragraph starts and clean texts, on random texts
// of the marks, spaces, quotes, abbreviations and words the splitter
// decides by, and on the package's test articles.
func TestScanSentencesAgreesWithSplitThenTokenize(t *testing.T) {
	check := func(text string) { checkScanSentences(t, text) }
	alphabet := []string{" ", " ", " ", "  ", "\n", "\n\n", "\n \n", "\t", "\r", "\v", "\u00a0", "\u2009", "\u0085",
		".", ".", "!", "?", "?!", "...", "\"", "'", "’", "”", "“", "«", "»", ")", "(", "]", "[", ",", "-", "&",
		"a", "B", "the", "Said", "2020", "'s", "’s", "Mr", "Dr.", "U.S.", "e.g.", "J.", "é", "É", "\xff", "Inc", "3.5"}
	r := rand.New(rand.NewPCG(19, 23))
	for n := 0; n < 100000; n++ {
		var b strings.Builder
		for k := r.IntN(30); k > 0; k-- {
			b.WriteString(alphabet[r.IntN(len(alphabet))])
		}
		check(b.String())
	}
	// Sentences around maxSentence: scanSentence gives up past it.
	for _, n := range []int{maxSentence - 10, maxSentence - 9, maxSentence - 8, maxSentence - 7, maxSentence - 6, maxSentence, 3 * maxSentence} {
		long := strings.Repeat("word ", n/5) + strings.Repeat("x", n%5)
		check(long + ". Next one.")
		check("Before. " + long + "\n\nAfter.")
		sent := "Begin " + long + "x."
		if _, ok, _ := sentencesBothWays("Start here. " + sent); ok != (len(sent) <= maxSentence) {
			t.Errorf("sentence of %d bytes: scanSentences ok=%v", len(sent), ok)
		}
	}
	// Every listed word, as written and in capitals, in sentences of a few
	// words: the tokens' classes must agree too.
	var listed strings.Builder
	for _, l := range classLists {
		k := 0
		for w := range l.words {
			listed.WriteString(w + " " + strings.ToUpper(w) + " x" + w + " ")
			if k++; k%4 == 0 {
				listed.WriteString("end. ")
			}
		}
	}
	check(listed.String())
	paths, _ := filepath.Glob("testdata/*.md")
	more, _ := filepath.Glob("testdata/*/*")
	for _, p := range append(paths, more...) {
		raw, err := os.ReadFile(p)
		if err == nil {
			check(string(raw))
		}
	}
}
