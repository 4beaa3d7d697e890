package merge

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/newsline/timeline/timeline"
)

// pinnedFixture covers each way candidates meet: mentions of one war inside
// an article and across two, a vaguer date refined by a precise one, distinct
// events on one day, two events told by one sentence (IDs that collide), a
// range, and lead events of two articles under near-identical headlines.
func pinnedFixture() []art {
	arts := seedLike(nil)
	collide := "Varnia's 2019 attack on Osterholm followed the 2018 fighting in Osterholm's port."
	flood := "The Storvik flood of 27 September 2020 swept away the harbour bridge."
	arts = append(arts,
		art{"harbour", "2021-01-10", []cand{
			{title: "Storvik harbour reopens after repairs", start: "2021-01-09", sentence: "The Storvik harbour reopened on Saturday after repairs.", timex: "Saturday", lead: true},
			{title: "Storvik flood", start: "2020-09-27", sentence: flood, timex: "27 September 2020", entities: []string{"Storvik"}},
			{title: "Varnia attack on Osterholm", start: "2019", sentence: collide, timex: "2019"},
			{title: "fighting in Osterholm's port", start: "2018", sentence: collide, timex: "2018"},
			{title: "Quellmark arms deliveries to Varnia", start: "2016", end: "2018", sentence: "Quellmark delivered arms to Varnia between 2016 and 2018.", timex: "between 2016 and 2018"},
		}},
		art{"harbour-follow-up", "2021-01-11", []cand{
			{title: "Storvik harbour reopens after repairs", start: "2021-01-09", sentence: "Storvik's harbour reopened on Saturday, after months of repairs.", timex: "Saturday", lead: true},
			{title: "Storvik flood", start: "2020", sentence: "Since the Storvik flood in 2020 the harbour has had no bridge.", timex: "2020", entities: []string{"Storvik", "Osterholm"}},
			{title: "Quellmark arms deliveries to Varnia", start: "2016", end: "2018", sentence: "Between 2016 and 2018 Quellmark supplied Varnia with arms.", timex: "Between 2016 and 2018"},
		}},
	)
	return arts
}

// TestMergeOutputPinned pins IDs, clusters and order on a small fixture, so
// that a faster implementation can be shown to give the same output. The
// lines are "ID start[/end] title <- mentions (article:offset)".
func TestMergeOutputPinned(t *testing.T) {
	want := []string{
		"7c1b2dc005 2016/2018 Quellmark arms deliveries to Varnia <- harbour:400 harbour-follow-up:300",
		"ceb38efca8-2 2018 fighting in Osterholm's port <- harbour:300",
		"ceb38efca8 2019 Varnia attack on Osterholm <- harbour:300",
		"e10d75002e 2020 Armenia and Azerbaijan fought a war over Nagorno-Karabakh <- background:100 seed:100 seed:200 seed:300",
		"16a6f27489 2020-09-27 Storvik flood <- harbour:200 harbour-follow-up:200",
		"6dd453ed4f 2021-01-09 Storvik harbour reopens after repairs <- harbour:100 harbour-follow-up:100",
		"3ccbc20d76 2023-09 Azerbaijan captured the breakaway region of Nagorno-Karabakh <- background:200 seed:700",
		"2c87251145 2024-06-13 Pashinyan appeals to Moscow to expel Belarus from the CSTO <- seed:400",
		"ef21ea070f 2024-06-13 Russian officials downplay the tensions <- seed:600",
		"ec3d0978fc 2024-06-13 Yerevan recalls its ambassador to Minsk <- seed:500",
	}
	got := pinnedLines(Merge(build(t, pinnedFixture()...)))
	if !slices.Equal(got, want) {
		t.Errorf("merged output changed:\n got:\n\t%s\nwant:\n\t%s", strings.Join(got, "\n\t"), strings.Join(want, "\n\t"))
	}
}

// TestMergeOutputIndependentOfInputOrder shuffles the fixture's articles and
// each article's candidates many times: the output never changes.
func TestMergeOutputIndependentOfInputOrder(t *testing.T) {
	articles, per := build(t, pinnedFixture()...)
	want := pinnedLines(Merge(articles, per))
	rng := rand.New(rand.NewPCG(3, 4))
	for round := 0; round < 20; round++ {
		arts, evs := slices.Clone(articles), slices.Clone(per)
		rng.Shuffle(len(arts), func(i, j int) {
			arts[i], arts[j] = arts[j], arts[i]
			evs[i], evs[j] = evs[j], evs[i]
		})
		for k := range evs {
			evs[k] = slices.Clone(evs[k])
			rng.Shuffle(len(evs[k]), func(i, j int) { evs[k][i], evs[k][j] = evs[k][j], evs[k][i] })
		}
		if got := pinnedLines(Merge(arts, evs)); !slices.Equal(got, want) {
			t.Fatalf("round %d: shuffled input changed the output:\n%s", round, strings.Join(got, "\n"))
		}
	}
}

func pinnedLines(tl timeline.Timeline) []string {
	var out []string
	for _, e := range tl.Events {
		s := e.ID + " " + e.Start.Value
		if e.End != nil {
			s += "/" + e.End.Value
		}
		s += " " + e.Title + " <-"
		for _, m := range e.Mentions {
			s += fmt.Sprintf(" %s:%d", m.Article, m.Sentence.Start)
		}
		out = append(out, s)
	}
	return out
}

// TestCompareJoined checks the allocation-free comparison of joined strings
// against comparing the joined strings.
func TestCompareJoined(t *testing.T) {
	parts := []string{"", "a", "ab", "abc", "b", "\x00", "a\x00", "ab\x00c", "zz"}
	for _, a1 := range parts {
		for _, a2 := range parts {
			for _, b1 := range parts {
				for _, b2 := range parts {
					want := strings.Compare(a1+a2, b1+b2)
					if got := compareJoined(a1, a2, b1, b2); got != want {
						t.Fatalf("compareJoined(%q, %q, %q, %q) = %d, want %d", a1, a2, b1, b2, got, want)
					}
				}
			}
		}
	}
}

// TestCompareTieKeys checks the comparison of cut tie keys against comparing
// the whole keys: it agrees, or says it cannot tell (0).
func TestCompareTieKeys(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	cut := func(k string) string {
		if len(k) > shortTieKey {
			return k[:shortTieKey+1]
		}
		return k
	}
	for round := 0; round < 20000; round++ {
		common := strings.Repeat("x", rng.IntN(shortTieKey+10))
		a := common + strings.Repeat("ab"[rng.IntN(2):][:1], rng.IntN(4))
		b := common + strings.Repeat("ab"[rng.IntN(2):][:1], rng.IntN(4))
		want := strings.Compare(a, b)
		if got := compareTieKeys(cut(a), cut(b)); got != 0 && got != want {
			t.Fatalf("len %d vs %d: got %d, want %d", len(a), len(b), got, want)
		}
	}
}
