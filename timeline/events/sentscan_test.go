package events

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/newsline/timeline/timeline"
	"github.com/newsline/timeline/timeline/timex"
)

// splitThenTokenize is the reference scanSentences is checked against: the
// article cut into sentences by splitSentencesInto (its endFinder, and its
// own loop cutting long sentences), then each sentence tokenized on its own
// text, which ends where the sentence does (tokenizeText: the tokenizer is
// scanSentence, read up to the sentence's end rather than across the whole
// article), and its white space tested by needsCollapse.
// splitterBreakIn reports whether the splitter sees a paragraph break
// (paragraphBreak) at a newline of text[from:to].
func splitterBreakIn(text string, from, to int) bool {
	for i := from; i < to; i++ {
		if text[i] == '\n' && paragraphBreak(text, i) {
			return true
		}
	}
	return false
}

func (x *extractor) splitThenTokenize() []sentence {
	sc := x.scratch
	spans := splitSentencesInto(nil, x.a.Text)
	out := sc.sents[:0]
	quote := false
	prevEnd := 0
	buf := sc.toks[:0]
	f := sentenceFiller{x: x, tx: sc.timexes[:0], dates: sc.inDate[:0]}
	for _, sp := range spans {
		text := x.a.Text[sp.Start:sp.End]
		s := sentence{span: sp, text: text, newPara: splitterBreakIn(x.a.Text, prevEnd, sp.Start)}
		if s.newPara && opensWithQuote(text) {
			quote = false
		}
		start := len(buf)
		buf, quote, s.cls = tokenizeText(buf, text, x.low[sp.Start:sp.End], 0, quote)
		s.toks = buf[start:len(buf):len(buf)]
		f.fill(&s, needsCollapse(text))
		out = append(out, s)
		prevEnd = sp.End
	}
	sc.sents, sc.toks, sc.timexes, sc.inDate = out, buf, f.tx, f.dates
	return out
}

// sentencesBothWays splits and tokenizes text with scanSentences and with
// the reference, splitThenTokenize.
// Both are given the text's resolved expressions (against a fixed
// publication date), so that how each sentence, or each part of a long one,
// gets its expressions and date marks is compared too.
func sentencesBothWays(text string) (fused, twoPass []sentence) {
	timexes := timex.Resolve(text, time.Date(2024, 6, 14, 0, 0, 0, 0, time.UTC))
	run := func(f func(x *extractor) []sentence) []sentence {
		sc := getScratch()
		x := &extractor{a: timeline.Article{Text: text}, scratch: sc, timexes: timexes}
		x.low, sc.low = asciiLowerInto(sc.low, text)
		got := slices2(f(x))
		putScratch(sc)
		return got
	}
	fused = run(func(x *extractor) []sentence { return x.scanSentences() })
	twoPass = run(func(x *extractor) []sentence { return x.splitThenTokenize() })
	return fused, twoPass
}

// checkScanSentences fails t when scanSentences and splitThenTokenize
// disagree on text, or a sentence's tokens are not what their text says:
// each token's text is the sentence's bytes at its offsets (but "'s", always
// written so), a word's lower-case form is strings.ToLower of it, its
// classes those classOf (the filtered look-up) gives with its marks'
// (markClasses), and its capital unicode.IsUpper's; the sentence's
// classes are its tokens' OR'ed.
func checkScanSentences(t *testing.T, text string) {
	t.Helper()
	fused, twoPass := sentencesBothWays(text)
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
	quote := false
	for i, s := range fused {
		if s.newPara && opensWithQuote(s.text) {
			quote = false
		}
		var want []token
		want, quote = referenceTokens(s.text, quote)
		if !slices.Equal(s.toks, want) {
			t.Fatalf("%q: sentence %d (%q):\n tokens %+v\nwritten %+v", text, i, s.text, s.toks, want)
		}
		var cls uint32
		for k, tk := range s.toks {
			cls |= tk.cls
			want := classOf(tk.low) | markClasses(tk.text)
			at := s.text[tk.start:tk.end]
			ok := tk.text == at || tk.text == "'s" && strings.ToLower(at) == tk.text || tk.text == "'s" && strings.ToLower(at) == "’s"
			if tk.word {
				r, _ := utf8.DecodeRuneInString(tk.text)
				ok = ok && tk.low == strings.ToLower(tk.text) && tk.cls == want && tk.upper == unicode.IsUpper(r)
			} else {
				ok = ok && !tk.upper && tk.cls == want
			}
			if !ok {
				t.Fatalf("%q: sentence %d (%q), token %d: %+v", text, i, s.text, k, tk)
			}
		}
		if cls != s.cls {
			t.Fatalf("%q: sentence %d (%q): classes %b, its tokens' %b", text, i, s.text, s.cls, cls)
		}
	}
}

// markClasses is the classes a token has by the marks of its text, written
// from their definitions: cPairedMark when it holds a byte hasPairedMark
// looks for, cComma when it is ",", cCutMark when one of ";", ":", "-",
// "!", "?".
func markClasses(text string) uint32 {
	var c uint32
	if hasPairedMark(text) {
		c |= cPairedMark
	}
	switch text {
	case ",":
		c |= cComma
	case ";", ":", "-", "!", "?":
		c |= cCutMark
	}
	return c
}

// referenceTokens tokenizes a sentence rune by rune, as the tokenizer's
// comment describes it, with none of its fast paths: the independent
// reference scanSentence's tokens are checked against (splitThenTokenize
// tokenizes with scanSentence too, so it checks only where sentences end).
// White space separates tokens; a word is a run of letters and digits, with
// an inner hyphen, period, apostrophe or ampersand between two of them
// (never the apostrophe of a possessive); a possessive "'s" is a token of
// its own; any other rune is a token of one rune, and quotation marks open
// and close the quotation the tokens after them are in. It returns the
// quotation's state after the sentence.
func referenceTokens(s string, quote bool) ([]token, bool) {
	var out []token
	letterOrDigit := func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case unicode.IsSpace(r):
			i += n
		case letterOrDigit(r):
			j, hyphen := i+n, false
			for j < len(s) {
				r2, n2 := utf8.DecodeRuneInString(s[j:])
				if letterOrDigit(r2) {
					j += n2
					continue
				}
				if strings.ContainsRune("-.'’&", r2) && j+n2 < len(s) {
					if r3, _ := utf8.DecodeRuneInString(s[j+n2:]); letterOrDigit(r3) && !isPossessive(s[j:]) {
						hyphen = hyphen || r2 == '-'
						j += n2
						continue
					}
				}
				break
			}
			w := s[i:j]
			low := strings.ToLower(w)
			out = append(out, token{text: w, low: low, start: int32(i), end: int32(j), word: true,
				quoted: quote, upper: unicode.IsUpper(r), hyphen: hyphen, cls: classOf(low) | markClasses(w)})
			i = j
		case (r == '\'' || r == '’') && isPossessive(s[i:]):
			out = append(out, token{text: "'s", low: "'s", start: int32(i), end: int32(i + n + 1), quoted: quote, cls: classOf("'s")})
			i += n + 1
		default:
			opens, closes := quoteEffect(r, quote, s, i)
			quote = quote || opens
			out = append(out, token{text: s[i : i+n], low: s[i : i+n], start: int32(i), end: int32(i + n), quoted: quote, cls: classOf(s[i:i+n]) | markClasses(s[i:i+n])})
			quote = quote && !closes
			i += n
		}
	}
	return out, quote
}

// FuzzScanSentences checks scanSentences against splitThenTokenize, the
// reference, on arbitrary text.
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
		s.timexes = append([]timeline.Timex(nil), s.timexes...)
		s.inDate = append([]bool(nil), s.inDate...)
		s.clean = strings.Clone(s.clean)
		out[i] = s
	}
	return out
}

// TestScanSentencesAgreesWithSplitThenTokenize checks the one-pass
// sentence scanner against splitting then tokenizing each sentence on its
// own (the reference, splitThenTokenize): the same spans, texts, tokens,
// classes, paragraph starts and clean texts, on random texts of the marks,
// spaces, quotes, abbreviations and words the splitter decides by, on
// sentences longer than maxSentence (cut in parts), and on the package's
// test articles.
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
	// Sentences around maxSentence, which are cut past it: at a space, at
	// a run of spaces or other white space, within a word, within a
	// multi-byte rune, and in a quotation.
	for _, n := range []int{maxSentence - 10, maxSentence - 9, maxSentence - 8, maxSentence - 7, maxSentence - 6, maxSentence, 3 * maxSentence} {
		for _, w := range []string{"word ", "wo\t  ", "wörd ", "“ab” ", "x’s' "} {
			long := strings.Repeat(w, n/len(w)) + strings.Repeat("x", n%len(w))
			check(long + ". Next one.")
			check("Before. " + long + "\n\nAfter.")
			check("Start here. Begin " + long + "x. After.")
			check("\"" + long + "\n\n\"Quoted " + long)
		}
		// The part before the cut ends in white space, its only white
		// space collapseSpace changes.
		check(strings.Repeat("a", n-10) + "  " + strings.Repeat("b", 20) + ".")
		check(strings.Repeat("a", n-10) + "\t " + strings.Repeat("b", 20) + ".")
		check(strings.Repeat("é", n/2+1) + " end.")
		check(strings.Repeat("\xbf", n) + " end.")
		check(strings.Repeat("abc", n) + ".")
	}
	// Random text without sentence ends: all of it is cut, wherever the
	// alphabet's white space, marks and runes fall.
	for n := 0; n < 20; n++ {
		var long strings.Builder
		for long.Len() < 5*maxSentence {
			if a := alphabet[r.IntN(len(alphabet))]; !strings.ContainsAny(a, ".!?") && !strings.Contains(a, "\n") {
				long.WriteString(a)
			}
		}
		check(long.String())
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
