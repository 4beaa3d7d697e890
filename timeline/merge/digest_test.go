package merge_test

import (
	"crypto/sha256"
	"fmt"
	"math/rand/v2"
	"os"
	"testing"

	"github.com/newsline/timeline/timeline"
)

// TestPrintOutputDigests prints the SHA-256 of the merged JSON of several
// inputs, for comparing two implementations that must give byte-identical
// output (run it in both trees and compare the lines):
//
//	MERGE_DIGEST=1 go test -run PrintOutputDigests -v -timeout 30m ./timeline/merge
//
// The inputs: 20,000 small random inputs (every rule), large random inputs
// whose blocking lists grow past MaxPosting, and the 10k-, 40k- and
// 191k-candidate corpora of generated news articles.
func TestPrintOutputDigests(t *testing.T) {
	if os.Getenv("MERGE_DIGEST") == "" {
		t.Skip("set MERGE_DIGEST=1 to print the output digests")
	}
	rng := rand.New(rand.NewPCG(7, 2026))
	small := sha256.New()
	for k := 0; k < 20_000; k++ {
		arts, per := randomInput(rng)
		small.Write(mergedJSON(t, arts, per))
	}
	t.Logf("digest random-20000: %x", small.Sum(nil))
	for _, n := range []int{200, 1000, 8000} {
		arts, per := largeRandomInput(rand.New(rand.NewPCG(uint64(n), 9)), n)
		t.Logf("digest large-random-%d: %x", n, sha256.Sum256(mergedJSON(t, arts, per)))
	}
	for _, n := range []int{10_000, 40_000} {
		arts, per, total := extractedCorpus(t, n)
		t.Logf("digest corpus-%d (%d candidates): %x", n, total, sha256.Sum256(mergedJSON(t, arts, per)))
	}
	arts, per := scaleCorpus(t)
	t.Logf("digest scale-10k: %x", sha256.Sum256(mergedJSON(t, arts, per)))
}

// largeRandomInput makes n random articles on one small vocabulary and a
// few dates, so that many candidates share a date value and a title stem
// (blocking lists longer than MaxPosting among them).
func largeRandomInput(rng *rand.Rand, n int) ([]timeline.Article, [][]timeline.Event) {
	title, date := randomWords(rng)
	var arts []timeline.Article
	var per [][]timeline.Event
	for a := 0; a < n; a++ {
		art, evs := randomArticle(rng, fmt.Sprintf("art%05d", a), title, date)
		arts, per = append(arts, art), append(per, evs)
	}
	return arts, per
}
