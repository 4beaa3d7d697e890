package events

import (
	"math/rand/v2"
	"strings"
	"testing"
	"unicode"
	"unsafe"
)

func TestSplitSentences(t *testing.T) {
	cases := []struct {
		name string
		text string
		want []string
	}{
		{"plain", "The council met. It voted no.", []string{"The council met.", "It voted no."}},
		{"title abbreviation", "Dr. Vell spoke to Mr. Oda on Monday. Then he left.", []string{"Dr. Vell spoke to Mr. Oda on Monday.", "Then he left."}},
		{"initials", "The report by J. R. Marnow was released. Critics objected.", []string{"The report by J. R. Marnow was released.", "Critics objected."}},
		{"decimal", "Growth reached 3.5 percent in 2019. Officials cheered.", []string{"Growth reached 3.5 percent in 2019.", "Officials cheered."}},
		{"dotted acronym runs on", "Users in the U.S. Jobs noted a rise.", []string{"Users in the U.S. Jobs noted a rise."}},
		{"quote closes sentence", `"We will go," she said. "Soon." The crowd cheered.`, []string{`"We will go," she said.`, `"Soon."`, `The crowd cheered.`}},
		{"question in quote continues", `"Who will pay?" he asked. Nobody answered.`, []string{`"Who will pay?" he asked.`, "Nobody answered."}},
		{"paragraph break", "A heading without stop\n\nThe body starts here.", []string{"A heading without stop", "The body starts here."}},
		{"single newline is space", "The minister\nresigned. Aides wept.", []string{"The minister\nresigned.", "Aides wept."}},
		{"month abbreviation", "It opened on Sept. 4 in Norvale. Crowds came.", []string{"It opened on Sept. 4 in Norvale.", "Crowds came."}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var got []string
			for _, sp := range SplitSentences(c.text) {
				got = append(got, c.text[sp.Start:sp.End])
			}
			if strings.Join(got, "|") != strings.Join(c.want, "|") {
				t.Errorf("SplitSentences(%q)\n got %q\nwant %q", c.text, got, c.want)
			}
		})
	}
}

// TestTokenizerFindsSpacing checks that the white space scanSentence notes
// on the way is exactly what collapseSpace would change in the sentence it
// reads, and the classes it reports those of its tokens, on random strings
// of spaces, line ends, tabs, other white space, quotes, marks, letters and
// listed words.
func TestTokenizerFindsSpacing(t *testing.T) {
	alphabet := []string{" ", " ", "\n", "\t", "\r", "\v", "\u00a0", "\u2009", "a", "B", "'s", "’", "\"", ".", "-", "é", "said", "Since", "will", ". A", "\n\n"}
	r := rand.New(rand.NewPCG(7, 11))
	for n := 0; n < 20000; n++ {
		var b strings.Builder
		for k := r.IntN(12); k > 0; k-- {
			b.WriteString(alphabet[r.IntN(len(alphabet))])
		}
		s := b.String()
		low := asciiLower(s)
		for i := skipSpace(s, 0); i < len(s); i = skipSpace(s, i) {
			from := i
			toks, end, next, _, spaced, _, cls := scanSentence(nil, &s, low, from, false)
			if spaced != needsCollapse(s[from:end]) {
				t.Fatalf("%q: sentence %q: tokenizer says spaced=%v, needsCollapse says %v", s, s[from:end], spaced, needsCollapse(s[from:end]))
			}
			var want uint32
			for _, tk := range toks {
				want |= tk.cls
			}
			if cls != want {
				t.Fatalf("%q: tokenizer says classes %b, its tokens have %b", s, cls, want)
			}
			i = next
		}
	}
}

// TestASCIILowerAgreesWithABytewiseLoop checks the eight-bytes-at-a-time
// lower-casing against the plain loop, on random strings over every byte.
func TestASCIILowerAgreesWithABytewiseLoop(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 5))
	for n := 0; n < 50000; n++ {
		b := make([]byte, r.IntN(40))
		for i := range b {
			b[i] = byte(r.IntN(256))
			if r.IntN(2) == 0 {
				const edges = "AZaz@[`{ \xc3\x80\xff"
				b[i] = edges[r.IntN(len(edges))]
			}
		}
		want := make([]byte, len(b))
		for i, c := range b {
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			want[i] = c
		}
		if got := asciiLower(string(b)); got != string(want) {
			t.Fatalf("asciiLower(%q) = %q, want %q", b, got, want)
		}
	}
}

// TestTokenSize pins the token's size: an article's tokens are written one
// after another into a pooled array, and their stores are among the hottest
// of extraction (start and end are int32 for this).
func TestTokenSize(t *testing.T) {
	if n := unsafe.Sizeof(token{}); n > 48 {
		t.Errorf("a token takes %d bytes, want at most 48", n)
	}
}

// TestAbbreviationsAreShort backs isAbbreviation's shortcut: an ASCII word
// longer than its eight-byte buffer is no abbreviation without a look-up.
func TestAbbreviationsAreShort(t *testing.T) {
	for w := range abbreviations {
		if len(w) > 8 {
			t.Errorf("abbreviation %q is longer than eight bytes: isAbbreviation would miss it", w)
		}
	}
}

// TestIsAbbreviationMatchesList checks isAbbreviation's packed table against
// the abbreviations list: every abbreviation in any case, and words that
// differ from one by a letter, a length or a trailing byte.
func TestIsAbbreviationMatchesList(t *testing.T) {
	words := []string{"", "a", "Smith", "U.S.A", "usa", "jan.", "janu", "e.gg", "gov'", "approxi", "Septembers", "Ünd", "MRS", "mR"}
	for w := range abbreviations {
		words = append(words, w, strings.ToUpper(w), strings.ToUpper(w[:1])+w[1:], w+"x", w[:len(w)-1], "x"+w)
	}
	for _, w := range words {
		if got, want := isAbbreviation(w), abbreviations[strings.ToLower(w)]; got != want {
			t.Errorf("isAbbreviation(%q) = %v, want %v", w, got, want)
		}
	}
}

// TestTrimSpanMatchesUnicode checks trimSpan's ASCII table against
// unicode.IsSpace on every rune, from both ends of random strings of white
// space of every kind, letters and multi-byte runes.
func TestTrimSpanMatchesUnicode(t *testing.T) {
	alphabet := []string{" ", "\t", "\n", "\v", "\f", "\r", "\u0085", "\u00a0", "\u2009", "\u3000", "a", "é", "\x1c", "\x7f", "\xff"}
	r := rand.New(rand.NewPCG(5, 8))
	for n := 0; n < 20000; n++ {
		var b strings.Builder
		for k := r.IntN(8); k > 0; k-- {
			b.WriteString(alphabet[r.IntN(len(alphabet))])
		}
		s := b.String()
		gs, ge := trimSpan(s, 0, len(s))
		trimmed := strings.TrimFunc(s, unicode.IsSpace)
		if s[gs:ge] != trimmed {
			t.Fatalf("trimSpan(%q) = %q, want %q", s, s[gs:ge], trimmed)
		}
	}
}
