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
	for name, table := range map[string]*classTable{"capFlags": capFlags, "verbClasses": verbClasses} {
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
		if name == "verbClasses" {
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
