package events

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestClassTableAgreesWithItsMap checks the filter never hides a listed word:
// every key, and every word of the testdata articles in its written and
// lower-case forms, gets from the table exactly what the map holds.
func TestClassTableAgreesWithItsMap(t *testing.T) {
	words := []string{"", "x", "The", "the", strings.Repeat("a", 300)}
	paths, _ := filepath.Glob("testdata/*.md")
	for _, p := range paths {
		raw, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		for _, tk := range tokenize(string(raw), false) {
			words = append(words, tk.text, tk.lower())
		}
	}
	for name, table := range map[string]*classTable{"capFlags": capFlags, "wordClasses": wordClasses} {
		for w := range table.classes {
			words = append(words, w)
		}
		rejected := 0
		for _, w := range words {
			if got, want := table.get(w), table.classes[w]; got != want {
				t.Errorf("%s.get(%q) = %d, want %d", name, w, got, want)
			}
			if w != "" && table.classes[w] == 0 {
				if h := filterSlot(w); table.filter[h/64]&(1<<(h%64)) == 0 {
					rejected++
				}
			}
		}
		if name == "wordClasses" {
			for _, w := range words {
				if isPastMarker(w) != pastMarkers[w] || isPresentMarker(w) != presentMarkers[w] {
					t.Errorf("isPastMarker/isPresentMarker(%q) disagree with the lists", w)
				}
			}
		}
		if rejected == 0 {
			t.Errorf("%s: the filter rejected no word", name)
		}
	}
}

// TestTokenClassesAgreeWithTheLists checks that the classes a token carries
// are exactly the lists its lower-case form is in, for every list, over the
// words of the testdata articles and the lists' own words.
func TestTokenClassesAgreeWithTheLists(t *testing.T) {
	var text strings.Builder
	for _, l := range classLists {
		for w := range l.words {
			text.WriteString(w + " " + strings.ToUpper(w) + " ")
		}
	}
	writeTestdataArticles(t, &text)
	toks := tokenize(text.String()+" John's car, 'S", false)
	seen := map[uint32]bool{}
	for _, tk := range toks {
		for _, l := range classLists {
			if got, want := tk.is(l.class), l.words[tk.lower()]; got != want {
				t.Fatalf("token %q: class %b is %v, its list says %v", tk.text, l.class, got, want)
			}
			if tk.is(l.class) {
				seen[l.class] = true
			}
		}
	}
	if len(seen) != len(classLists) {
		t.Errorf("only %d of %d classes seen on tokens", len(seen), len(classLists))
	}
}

// TestPackWordPacksEveryByte checks packWord's overlapping loads against
// packing byte by byte, first byte lowest, for every length it takes.
func TestPackWordPacksEveryByte(t *testing.T) {
	const src = "\x01abcdefg\xff"
	for n := 0; n <= 8; n++ {
		for from := 0; from+n <= len(src); from++ {
			w := src[from : from+n]
			var want uint64
			for i := len(w) - 1; i >= 0; i-- {
				want = want<<8 | uint64(w[i])
			}
			if got := packWord(w); got != want {
				t.Errorf("packWord(%q) = %#x, want %#x", w, got, want)
			}
		}
	}
}

// TestCapFlagsOfAgreesWithCapFlags checks that a token's classes never
// hide its capFlags: capFlagsOf, which looks a word up only when its
// lower-case form is one of capWords, gives what capFlags.get gives, for
// every word of capFlags in several spellings and every token of the test
// articles.
func TestCapFlagsOfAgreesWithCapFlags(t *testing.T) {
	var text strings.Builder
	for w := range capFlags.classes {
		text.WriteString(w + " " + strings.ToUpper(w) + " " + strings.ToLower(w) + " x" + w + " ")
	}
	writeTestdataArticles(t, &text)
	toks := tokenize(text.String()+" \u212aing Éclair", false)
	found := 0
	for i := range toks {
		tk := &toks[i]
		want := capFlags.get(tk.text)
		if got := capFlagsOf(tk); got != want {
			t.Fatalf("token %q: capFlagsOf = %b, capFlags.get = %b", tk.text, got, want)
		}
		if want != 0 {
			found++
		}
	}
	if found == 0 {
		t.Error("no token has capFlags")
	}
}

// writeTestdataArticles appends the text of every testdata article to b.
func writeTestdataArticles(t *testing.T, b *strings.Builder) {
	t.Helper()
	paths, _ := filepath.Glob("testdata/*.md")
	for _, p := range paths {
		raw, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		b.Write(raw)
	}
}
