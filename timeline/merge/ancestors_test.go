package merge

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/newsline/timeline/timeline"
)

// TestAncestorValuesMatchesEveryPair checks ancestorValues, which scans only
// the longer values of a value's years, against comparing every pair of
// values, on random sets of dates of every precision (some of them under two
// values, as ancestors of one another).
func TestAncestorValuesMatchesEveryPair(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	value := func() string {
		y := 1995 + rng.IntN(6)
		switch rng.IntN(10) {
		case 0:
			return fmt.Sprint(y)
		case 1:
			return fmt.Sprintf("%d-%02d", y, 1+rng.IntN(12))
		case 2:
			return fmt.Sprintf("%d-W%02d", y, 1+rng.IntN(52))
		case 3:
			return fmt.Sprintf("%d-Q%d", y, 1+rng.IntN(4))
		case 4:
			return fmt.Sprintf("%d-%s", y, []string{"SP", "SU", "FA", "WI", "H1", "H2"}[rng.IntN(6)])
		case 5:
			return []string{"199", "200", "19", "20"}[rng.IntN(4)]
		case 6:
			return fmt.Sprintf("%d-%02d-%02dT%02d:00", y, 1+rng.IntN(12), 1+rng.IntN(28), rng.IntN(24))
		case 7:
			return fmt.Sprintf("%d-%02d-%02dT%s", y, 1+rng.IntN(12), 1+rng.IntN(28), []string{"MO", "AF", "EV", "NI", "10"}[rng.IntN(5)])
		}
		return fmt.Sprintf("%d-%02d-%02d", y, 1+rng.IntN(12), 1+rng.IntN(28))
	}
	for round := 0; round < 200; round++ {
		byValue := map[string]timeline.Date{}
		for k := 0; k < 1+rng.IntN(150); k++ {
			v := value()
			if d, err := timeline.ParseDate(v); err == nil && !d.IsZero() {
				byValue[v] = d
				if rng.IntN(5) == 0 { // another value of the same span
					byValue[v+"~"] = d
				}
			}
		}
		got := ancestorValues(byValue)
		for v, d := range byValue {
			var want []string
			for u, du := range byValue {
				if u != v && du.Contains(d) && (!du.Start.Equal(d.Start) || !du.End.Equal(d.End) || u < v) {
					want = append(want, u)
				}
			}
			slices.Sort(want)
			if !slices.Equal(got[v], want) {
				t.Fatalf("round %d: ancestors of %s are %q, want %q", round, v, got[v], want)
			}
		}
	}
}
