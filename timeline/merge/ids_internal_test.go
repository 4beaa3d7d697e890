package merge

import (
	"cmp"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/newsline/timeline/timeline"
)

// TestSortByHashMatchesStableSort: the radix sort orders slots as a stable
// comparison sort by hash does, for hashes that differ in any of the
// IDLength/2 bytes, share some bytes (skipped passes), or repeat (ties that
// must keep their index order).
func TestSortByHashMatchesStableSort(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	const hashBits = IDLength / 2 * 8
	shapes := map[string]func() uint64{
		"any":        func() uint64 { return rng.Uint64() >> (64 - hashBits) },
		"repeating":  func() uint64 { return uint64(rng.IntN(50)) << 16 },
		"top byte":   func() uint64 { return uint64(rng.IntN(256)) << (hashBits - 8) },
		"all alike":  func() uint64 { return 0xabcdef0123 },
		"low digits": func() uint64 { return uint64(rng.IntN(300)) },
	}
	for name, hash := range shapes {
		for _, n := range []int{0, 1, 2, 3, 100, 5000} {
			slots := make([]slot, n)
			for i := range slots {
				slots[i] = slot{hash: hash(), first: int32(rng.IntN(4) - 1), index: int32(i)}
			}
			want := slices.Clone(slots)
			slices.SortStableFunc(want, func(a, b slot) int { return cmp.Compare(a.hash, b.hash) })
			if got := sortByHash(slices.Clone(slots)); !slices.Equal(got, want) {
				t.Errorf("%s, %d slots: radix order differs from a stable sort by hash", name, n)
			}
		}
	}
}

// TestTieSorterMatchesKeyOrder: ties are ordered as comparing the whole tie
// keys (then the index) orders them, including texts that are prefixes of
// each other or hold the separator bytes, events without mentions, and
// articles whose prefixes cannot be compared in place.
func TestTieSorterMatchesKeyOrder(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	pick := func(of ...string) string { return of[rng.IntN(len(of))] }
	text := func() string {
		var b []byte
		for range rng.IntN(5) {
			b = append(b, pick("x", "y", "\x01", "\x02", "\x03", "\x04")...)
		}
		return string(b)
	}
	mention := func() timeline.Mention {
		m := timeline.Mention{
			Article:  pick("a", "b", "a\x00b"),
			Source:   pick("s", "s\x00"),
			Sentence: timeline.Span{Start: rng.IntN(2), End: 2 + rng.IntN(2)},
			Text:     text(),
		}
		if rng.IntN(3) > 0 {
			m.Timex = &timeline.Span{Start: rng.IntN(3)}
		}
		return m
	}
	for round := range 300 {
		n := 2 + rng.IntN(12)
		events := make([]timeline.Event, n)
		groups := make([][]*candidate, n)
		run := make([]slot, n)
		for i := range events {
			for range rng.IntN(3) {
				events[i].Mentions = append(events[i].Mentions, mention())
			}
			for range 1 + rng.IntN(2) {
				c := &candidate{in: &timeline.Event{Title: text()}}
				for range rng.IntN(3) {
					c.mentions = append(c.mentions, mention())
				}
				groups[i] = append(groups[i], c)
			}
			run[i] = slot{first: int32(rng.IntN(len(events[i].Mentions)+1) - 1), index: int32(i)}
		}
		ties := tieSorter{events: events, groups: groups}
		want := slices.Clone(run)
		slices.SortStableFunc(want, func(a, b slot) int {
			return strings.Compare(string(ties.appendKey(nil, a, math.MaxInt)), string(ties.appendKey(nil, b, math.MaxInt)))
		})
		ties.sort(run)
		if !slices.Equal(run, want) {
			t.Fatalf("round %d: tie order %v, want %v", round, run, want)
		}
	}
}

// TestEarliestMentionMatchesEveryComparison: skipping all but the first
// mention of each run of one article and source (and the date of a lone
// mention) picks the mention that comparing every mention by earlier picks,
// on sorted mentions whose articles and sources are prefixes of one another
// followed by NUL bytes, whose offsets lie past the padding's width, and
// whose articles share or lack a date.
func TestEarliestMentionMatchesEveryComparison(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	pick := func(of ...string) string { return of[rng.IntN(len(of))] }
	offset := func() int {
		return []int{0, 1, 12, -3, 1_000_000_000_000, -1_000_000_000_001}[rng.IntN(6)]
	}
	day := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	for round := range 3000 {
		pub := map[string]time.Time{}
		for _, a := range []string{"a", "a\x00b", "b", "c"} {
			if rng.IntN(4) > 0 {
				pub[a] = day.AddDate(0, 0, rng.IntN(3))
			}
		}
		var ms []timeline.Mention
		for range 1 + rng.IntN(8) {
			m := timeline.Mention{Article: pick("a", "a\x00b", "b", "c", ""), Source: pick("s", "s\x00", "s\x00t", "r"),
				Sentence: timeline.Span{Start: offset(), End: offset()}, Text: pick("x", "x\x00", "y", "")}
			if rng.IntN(2) == 0 {
				m.Timex = &timeline.Span{Start: offset()}
			}
			ms = append(ms, m)
		}
		ms = sortedMentions(ms)
		want := 0
		for k := 1; k < len(ms); k++ {
			if earlier(&ms[k], pub[ms[k].Article], &ms[want], pub[ms[want].Article]) {
				want = k
			}
		}
		if got := earliestMention(ms, pub); got != want {
			t.Fatalf("round %d: earliest mention %d, every comparison gives %d (%+v)", round, got, want, ms)
		}
	}
}
