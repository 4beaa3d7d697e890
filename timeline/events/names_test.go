package events

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode"
)

// TestIsDemonymMatchesItsEndings checks isDemonym's byte tests against the
// rule it implements, demonymEndings with more than two bytes before them,
// on the endings themselves, near misses and the testdata articles' words.
func TestIsDemonymMatchesItsEndings(t *testing.T) {
	byList := func(w string) bool {
		for _, suf := range demonymEndings {
			if strings.HasSuffix(w, suf) && len(w) > len(suf)+2 {
				return true
			}
		}
		return false
	}
	words := []string{"", "c", "ic", "Iic", "Italic", "Attic", "Atic", "Russian", "Rian", "Korean", "Japanese",
		"British", "Azerbaijani", "American", "Mexican", "Pecan", "Titan", "Octan", "Ocean", "Ottoman", "Guiana",
		"Chinese", "Danish", "Wish", "Irani", "Ani", "Xani", "Xxani", "Xxxani", "Arabic", "Baltic", "Epic"}
	for _, suf := range demonymEndings {
		for pre := ""; len(pre) < 5; pre += "x" {
			words = append(words, pre+suf, pre+suf[1:], pre+"q"+suf[1:], pre+suf[:len(suf)-1]+"q")
		}
	}
	paths, _ := filepath.Glob("testdata/*.md")
	for _, p := range paths {
		raw, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		words = append(words, strings.Fields(string(raw))...)
	}
	for _, w := range words {
		if got, want := isDemonym(w), byList(w); got != want {
			t.Errorf("isDemonym(%q) = %v, the endings say %v", w, got, want)
		}
	}
}

// TestIsAcronymMatchesUnicode checks isAcronym's ASCII test of capitals
// against unicode.IsUpper on every rune, on acronyms, names and odd marks.
func TestIsAcronymMatchesUnicode(t *testing.T) {
	byUnicode := func(w string) bool {
		letters := 0
		for _, r := range w {
			switch {
			case r == '.' || r == '&':
			case unicode.IsUpper(r):
				letters++
			default:
				return false
			}
		}
		return letters >= 2 && letters <= 6
	}
	words := []string{"", "A", "AB", "U.S.", "U.K", "AT&T", "NATO", "ABCDEFG", "ABCDEF", "Ab", "aB", "ÉU", "ÉÜ", "É.U.", "A-B", "A1", "ΑΒ", "İŞ", "Kestria", "..", "&&A"}
	for _, w := range words {
		if got, want := isAcronym(w), byUnicode(w); got != want {
			t.Errorf("isAcronym(%q) = %v, want %v", w, got, want)
		}
	}
}

// TestRowIndexActsAsAMap checks rowIndex against a map from name to row
// over names that share beginnings and endings, with rows set again (as the
// publisher's is), across resets that reuse the table.
func TestRowIndexActsAsAMap(t *testing.T) {
	var x rowIndex
	for round := 0; round < 3; round++ {
		x.reset()
		want := map[string]int{}
		var nameOf []string
		for i := 0; i < 300; i++ {
			name := []string{"Kestria", "Kestria Orvik", "Orvik", "Minister Brandt of Kestria", "A", "The Velden Post"}[i%6] + strings.Repeat("x", i%7) + string(rune('a'+i%26))
			if round == 1 {
				name = name[:1+i%len(name)]
			}
			if _, ok := x.row(name, nameOf); ok != (want[name] > 0) {
				t.Fatalf("round %d: %q found=%v, the map says %v", round, name, ok, want[name] > 0)
			}
			if want[name] == 0 || i%5 == 0 {
				nameOf = append(nameOf, name)
				x.set(name, len(nameOf)-1, nameOf)
				want[name] = len(nameOf) // row+1
			}
		}
		for name, r := range want {
			if got, ok := x.row(name, nameOf); !ok || got != r-1 {
				t.Fatalf("round %d: row(%q) = %d, %v, want %d", round, name, got, ok, r-1)
			}
		}
		if _, ok := x.row("Nobody", nameOf); ok {
			t.Fatal("a name never set has a row")
		}
	}
}
