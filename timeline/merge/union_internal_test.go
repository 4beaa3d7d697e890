package merge

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"

	"github.com/newsline/timeline/timeline"
)

// TestMergedMentionsMatchSortingTheJoinedLists: merging the members' sorted
// mentions (by scanning the heads, or by a heap past mergeWays members)
// gives what sorting all of them joined in group order gives, the earliest
// member's copy kept among equal keys (their TimexText tells them apart),
// and the union of entities what sortedEntities gives.
func TestMergedMentionsMatchSortingTheJoinedLists(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 2026))
	for trial := 0; trial < 300; trial++ {
		members := 1 + rng.IntN(3*mergeWays)
		group := make([]*candidate, members)
		var joined []timeline.Mention
		var entities []timeline.Entity
		for k := range group {
			var ms []timeline.Mention
			for n := rng.IntN(6); n > 0; n-- {
				start := 10 * rng.IntN(12)
				ms = append(ms, timeline.Mention{Article: fmt.Sprintf("a%d", rng.IntN(2)), Source: "s.md",
					Sentence: timeline.Span{Start: start, End: start + 5}, Text: "t", TimexText: fmt.Sprintf("member %d", k)})
			}
			var es []timeline.Entity
			for n := rng.IntN(4); n > 0; n-- {
				es = append(es, timeline.Entity{Name: fmt.Sprintf("E%d", rng.IntN(8)), Kind: "place"})
			}
			c := &candidate{mentions: sortedMentions(ms), entities: sortedEntities(es)}
			group[k] = c
			joined = append(joined, c.mentions...)
			entities = append(entities, c.entities...)
		}
		if got, want := mergedMentions(group), sortedMentions(joined); !reflect.DeepEqual(got, want) {
			t.Fatalf("trial %d (%d members): merged\n%v\nsorted\n%v", trial, members, got, want)
		}
		want := sortedEntities(entities)
		if len(want) == 0 {
			want = nil
		}
		if got := mergedEntities(group); !reflect.DeepEqual(got, want) {
			t.Fatalf("trial %d (%d members): entities merged %v, sorted %v", trial, members, got, want)
		}
	}
}

// TestSortedEntitiesAsTheStableSort: sortedEntities (insertion for a few,
// slices.SortStableFunc past smallEntitySort) gives what the stable sort and
// Compact give, on lists of up to 3*smallEntitySort entities sharing names,
// kinds and first bytes, and repeating.
func TestSortedEntitiesAsTheStableSort(t *testing.T) {
	rng := rand.New(rand.NewPCG(15, 3))
	names := []string{"", "A", "Ab", "Aa", "B", "Ba", "b", "Abc"}
	kinds := []timeline.EntityKind{timeline.Person, timeline.Place, ""}
	for trial := 0; trial < 3000; trial++ {
		es := make([]timeline.Entity, rng.IntN(3*smallEntitySort+1))
		for k := range es {
			es[k] = timeline.Entity{Name: names[rng.IntN(len(names))], Kind: kinds[rng.IntN(len(kinds))]}
		}
		want := slices.Clone(es)
		slices.SortStableFunc(want, compareEntities)
		want = slices.Compact(want)
		if got := sortedEntities(slices.Clone(es)); !slices.Equal(got, want) {
			t.Fatalf("trial %d (%d entities): got %v, want %v", trial, len(es), got, want)
		}
	}
}

// TestMergedMentionsOfMembersInOtherArticles: members telling the event in
// articles of their own (lists that do not overlap, in any member order,
// which appendDisjoint appends one after the other) merge as sorting all the
// mentions does; and so do such members when one also holds a copy of
// another's mention (an overlap: the earliest member's copy is kept,
// TimexText tells which), or a mention between two of another's.
func TestMergedMentionsOfMembersInOtherArticles(t *testing.T) {
	rng := rand.New(rand.NewPCG(15, 4))
	disjoint := 0
	for trial := 0; trial < 3000; trial++ {
		members := 2 + rng.IntN(mergeWays+4)
		group := make([]*candidate, members)
		perm := rng.Perm(members)
		for k := range group {
			var ms []timeline.Mention
			for n := 1 + rng.IntN(4); n > 0; n-- {
				start := 10 * rng.IntN(12)
				ms = append(ms, timeline.Mention{Article: fmt.Sprintf("a%02d", perm[k]), Source: "s.md",
					Sentence: timeline.Span{Start: start, End: start + 5}, Text: "t", TimexText: fmt.Sprintf("member %d", k)})
			}
			group[k] = &candidate{mentions: sortedMentions(ms)}
		}
		switch rng.IntN(3) {
		case 1: // a copy of another member's mention
			from, to := rng.IntN(members), rng.IntN(members)
			m := group[from].mentions[rng.IntN(len(group[from].mentions))]
			m.TimexText = fmt.Sprintf("copy in member %d", to)
			group[to].mentions = sortedMentions(append(slices.Clone(group[to].mentions), m))
		case 2: // a mention inside another member's range
			from, to := rng.IntN(members), rng.IntN(members)
			m := group[from].mentions[0]
			m.Sentence.Start++
			m.TimexText = fmt.Sprintf("inside, member %d", to)
			group[to].mentions = sortedMentions(append(slices.Clone(group[to].mentions), m))
		}
		var joined []timeline.Mention
		for _, c := range group {
			joined = append(joined, c.mentions...)
		}
		if members <= mergeWays {
			var lists [mergeWays][]timeline.Mention
			if _, ok := appendDisjoint(nil, listsOf(lists[:0], group, func(c *candidate) []timeline.Mention { return c.mentions }),
				compareMentions); ok {
				disjoint++
			}
		}
		if got, want := mergedMentions(group), sortedMentions(joined); !reflect.DeepEqual(got, want) {
			t.Fatalf("trial %d (%d members): merged\n%v\nsorted\n%v", trial, members, got, want)
		}
	}
	if disjoint < 500 || disjoint > 2500 {
		t.Fatalf("%d of 3000 groups had lists that do not overlap: want both kinds", disjoint)
	}
	t.Logf("%d of 3000 groups had lists that do not overlap", disjoint)
}
