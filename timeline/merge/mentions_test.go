package merge

import (
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/newsline/timeline/timeline"
)

// TestMentionOrderMatchesSpelledKeys compares mentions field by field
// (compareMentions, earlier) and by their spelled keys on random mentions
// built to hit every case the field comparison must hand back: names that
// are prefixes of one another, NUL bytes after such a prefix, negative
// offsets and offsets past the fixed width.
func TestMentionOrderMatchesSpelledKeys(t *testing.T) {
	names := []string{"", "a", "ab", "a\x00", "a\x00b", "a\x01", "b", "content/a.md"}
	offsets := []int{-1_000_000_000_001, -1_000_000_000_000, -999_999_999_999, -12, -2, -1, 0, 1, 2, 12,
		999_999_999_999, 1_000_000_000_000, 12_000_000_000_000}
	texts := []string{"", "x", "xy", "\x00", "y"}
	rng := rand.New(rand.NewPCG(5, 6))
	mention := func(source string) timeline.Mention {
		m := timeline.Mention{Article: names[rng.IntN(len(names))], Source: source,
			Sentence: timeline.Span{Start: offsets[rng.IntN(len(offsets))], End: offsets[rng.IntN(len(offsets))]},
			Text:     texts[rng.IntN(len(texts))]}
		if rng.IntN(2) == 0 {
			m.Timex = &timeline.Span{Start: offsets[rng.IntN(len(offsets))]}
		}
		return m
	}
	for k := 0; k < 200_000; k++ {
		a := mention(names[rng.IntN(len(names))])
		b := mention(names[rng.IntN(len(names))])
		if rng.IntN(4) == 0 {
			b = a
			b.Text = texts[rng.IntN(len(texts))]
		}
		want := strings.Compare(mentionPrefix(a), mentionPrefix(b))
		if want == 0 {
			want = strings.Compare(a.Text, b.Text)
		}
		if got := compareMentions(&a, &b); got != want {
			t.Fatalf("compareMentions(%q, %q) = %d, the spelled keys say %d", mentionKey(a), mentionKey(b), got, want)
		}
		b.Source = a.Source // earlier compares keys only within one source
		joined := strings.Compare(mentionKey(a), mentionKey(b))
		if got := earlier(&a, time.Time{}, &b, time.Time{}); got != (joined < 0) {
			t.Fatalf("earlier(%q, %q) = %v, the joined keys say %d", mentionKey(a), mentionKey(b), got, joined)
		}
	}
}
