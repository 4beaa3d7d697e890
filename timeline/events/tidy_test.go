package events

import (
	"math/rand/v2"
	"testing"
)

// TestTidyIsBothChecks checks the one-pass tidy against the two checks it
// stands for, on random strings of the bytes they look at.
func TestTidyIsBothChecks(t *testing.T) {
	alphabet := []string{" ", "  ", "\n", "\t", "\r", "(", ")", ",", ".", "'", "n't", "n", "t", "a", "Word", ";", "!", "?", ":", "\v", "é"}
	r := rand.New(rand.NewPCG(7, 11))
	for n := 0; n < 20000; n++ {
		s := ""
		for k := r.IntN(8); k >= 0; k-- {
			s += alphabet[r.IntN(len(alphabet))]
		}
		if got, want := tidy(s), !needsCollapse(s) && !spacedMark(s); got != want {
			t.Fatalf("tidy(%q) = %v, want %v", s, got, want)
		}
	}
}
