package events

import (
	"math/rand/v2"
	"strings"
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

// TestNeedsCollapseAgreesWithABytewiseLoop checks the eight-bytes-at-a-time
// needsCollapse against the plain loop it replaced, on random strings long
// enough to run over several words of eight, with pairs of spaces across
// their edges.
func TestNeedsCollapseAgreesWithABytewiseLoop(t *testing.T) {
	bytewise := func(s string) bool {
		for i := 0; i < len(s); i++ {
			c := s[i]
			if c == '\n' || c == '\t' || c == '\r' || c == ' ' && (i == 0 || i == len(s)-1 || s[i+1] == ' ') {
				return true
			}
		}
		return false
	}
	alphabet := []string{" ", " ", " ", "a", "bc", "defgh", "\n", "\t", "\r", "\v", "\f", "\x00", "\x80", "é", "\u00a0", "!", "\x21", "\x1f"}
	r := rand.New(rand.NewPCG(3, 17))
	for n := 0; n < 50000; n++ {
		s := ""
		for k := r.IntN(24); k > 0; k-- {
			if r.IntN(3) == 0 {
				s += alphabet[r.IntN(len(alphabet))]
			} else {
				s += alphabet[3+r.IntN(3)] // mostly letters, so the spaces stand alone
			}
		}
		if got, want := needsCollapse(s), bytewise(s); got != want {
			t.Fatalf("needsCollapse(%q) = %v, want %v", s, got, want)
		}
	}
}

// TestIsASCIIAgreesWithABytewiseLoop checks the eight-bytes-at-a-time
// isASCII against the plain loop, with one byte of any value at every
// position of strings of every length up to 24.
func TestIsASCIIAgreesWithABytewiseLoop(t *testing.T) {
	bytewise := func(s string) bool {
		for i := 0; i < len(s); i++ {
			if s[i] >= 0x80 {
				return false
			}
		}
		return true
	}
	for n := 0; n <= 24; n++ {
		for at := 0; at < max(n, 1); at++ {
			for _, c := range []byte{'a', 0x7f, 0x80, 0xc3, 0xff} {
				b := []byte(strings.Repeat("x", n))
				if at < n {
					b[at] = c
				}
				if got, want := isASCII(string(b)), bytewise(string(b)); got != want {
					t.Fatalf("isASCII(%q) = %v, want %v", b, got, want)
				}
			}
		}
	}
}
