package render

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/newsline/timeline/render/export"
)

// TestSafeSegmentMatchesRegexp checks the hand-written name check against the
// regular expression it replaces, on edge cases and random names drawn from an
// alphabet of allowed and forbidden bytes.
func TestSafeSegmentMatchesRegexp(t *testing.T) {
	cases := []string{"", "a", ".", "-", "_", ".a", "-a", "a.", "a-b_c.d", "a/b", "a b", "é", "a\n",
		strings.Repeat("a", 200), strings.Repeat("a", 201), "..", "a..b", "0", "a-b", "a--b", "a-", "0-9z", strings.Repeat("ab-", 66) + "ab"}
	const alphabet = "aZ09_.-/ \x00\xff\n%"
	r := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 20000; i++ {
		n := r.IntN(8)
		if i%100 == 0 {
			n = 195 + r.IntN(10)
		}
		b := make([]byte, n)
		for j := range b {
			b[j] = alphabet[r.IntN(len(alphabet))]
		}
		cases = append(cases, string(b))
	}
	for _, c := range cases {
		if got, want := safeSegment(c), segmentOK.MatchString(c); got != want {
			t.Fatalf("safeSegment(%q) = %v, the regexp says %v", c, got, want)
		}
		// checkNames skips safeSegment for a slug ID of up to maxSegment bytes.
		if export.IsSlugID(c) && len(c) <= maxSegment && !segmentOK.MatchString(c) {
			t.Fatalf("slug %q is not a safe segment", c)
		}
	}
}
