package events

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
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
