package events

import (
	"testing"
)

// TestTellsWordASCIIMatchesGeneral checks the in-place ASCII path of
// tellsWord against the general one (lower-case, split, trim) on words
// with verb endings, capitals, marks and odd spacing.
func TestTellsWordASCIIMatchesGeneral(t *testing.T) {
	texts := []string{
		"Apple launched the store on April 28, 2003.", "The LAUNCHES were delayed", "(launching) it",
		"  opened\tthe\n\nbridge  ", "", "   ", "relaunched", "launch-ed", "Opening: the OPENINGS", "x launchs y",
		"it was \"launched\".", "launchings", "The opener opened", "ed", "s",
	}
	for _, text := range texts {
		for _, nb := range [][2]string{{"launch", "launch"}, {"opening", "open"}, {"openings", "opening"}, {"e", "e"}} {
			got := tellsWordASCII(text, nb[0], nb[1])
			want := tellsWordGeneral(text, nb[0], nb[1])
			if got != want {
				t.Errorf("tellsWordASCII(%q, %q, %q) = %v, the general path says %v", text, nb[0], nb[1], got, want)
			}
		}
	}
}
