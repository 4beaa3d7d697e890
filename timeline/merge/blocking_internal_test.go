package merge

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"testing"
)

// TestBlockingProposesAsFullScan compares the edges crossArticlePairs finds
// through the segmented lists with those of the plain definition: every
// pair of different articles that shares a title stem in the candidate's
// start value group or an ancestor's, in a list of at most MaxPosting
// entries (same value: the earlier candidate only), and passes
// mayJoinAcross. Titles run up to eleven stems (near-identical windows of
// several sizes), with and without event classes, ranges and lead events,
// in enough articles that some lists pass MaxPosting.
func TestBlockingProposesAsFullScan(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 4))
	places := strings.Fields("Varnia Quellmark Storvik Osterholm harbour bridge port arms budget ferry tunnel mill dam canal depot")
	events := strings.Fields("war capture flood election deal protest summit withdrawal")
	pool := make([]string, 40) // retold titles
	for k := range pool {
		n := 1 + rng.IntN(11)
		ws := make([]string, n)
		for i := range ws {
			ws[i] = places[rng.IntN(len(places))]
		}
		if rng.IntN(2) == 0 {
			ws = append(ws, events[rng.IntN(len(events))])
		}
		pool[k] = strings.Join(ws, " ")
	}
	title := func() string {
		t := pool[rng.IntN(len(pool))]
		if rng.IntN(3) == 0 { // a variant: one word replaced
			ws := strings.Fields(t)
			ws[rng.IntN(len(ws))] = places[rng.IntN(len(places))]
			t = strings.Join(ws, " ")
		}
		return t
	}
	dates := []string{"2020", "2020-09", "2020-09-27", "2020-09-28", "2021"}
	var arts []art
	for a := 0; a < 1200; a++ {
		var cs []cand
		for k := 0; k < 1+rng.IntN(6); k++ {
			c := cand{title: title(), start: dates[rng.IntN(len(dates))], sentence: fmt.Sprintf("Sentence %d of %d.", k, a), lead: rng.IntN(4) == 0}
			if rng.IntN(5) == 0 {
				c.start, c.end = "2020", "2021"
			}
			cs = append(cs, c)
		}
		arts = append(arts, art{slug: fmt.Sprintf("a%d", a), pub: "2021-06-01", cands: cs})
	}
	_, x := buildCandidates(build(t, arts...))
	bl := newBlocking(x)
	var got edgeList
	crossArticlePairs(x, bl, 0, len(x.cands), make([]int32, len(x.cands)), newMarks(x), &got)
	want, long := fullScanEdges(x, bl)
	if long == 0 {
		t.Fatal("no list is longer than MaxPosting: the test does not cover the bound")
	}
	g, w := packedEdges(&got), packedEdges(want)
	if !slices.Equal(g, w) {
		t.Fatalf("segmented lists give %d edges, the full scan %d", len(g), len(w))
	}
	if len(w) < 1000 {
		t.Fatalf("only %d edges: the test proposes too little", len(w))
	}
}

// fullScanEdges is crossArticlePairs by its definition, on lists rebuilt
// from the candidates; it also returns how many lists were too long.
func fullScanEdges(x *pairIndex, bl *blocking) (*edgeList, int) {
	// lists[group][stem]: the candidates, in pairIndex order.
	lists := map[int32]map[int32][]int32{}
	for p := range x.cands {
		c := &x.cands[p]
		if !c.hasStart {
			continue
		}
		g := bl.groupOf[c.dateID]
		if lists[g] == nil {
			lists[g] = map[int32][]int32{}
		}
		for _, s := range x.title(c) {
			lists[g][s] = append(lists[g][s], int32(p))
		}
	}
	long := 0
	for _, byStem := range lists {
		for _, l := range byStem {
			if len(l) > MaxPosting {
				long++
			}
		}
	}
	edges := &edgeList{}
	for p := range x.cands {
		c := &x.cands[p]
		if !c.hasStart {
			continue
		}
		own := postingOf(x, p)
		g := bl.groupOf[c.dateID]
		proposed := map[int32]bool{}
		for _, s := range x.title(c) {
			for gi, h := range append([]int32{g}, bl.ancestors[g]...) {
				l := lists[h][s]
				if len(l) > MaxPosting {
					continue
				}
				for _, q := range l {
					if gi == 0 && q >= int32(p) {
						break
					}
					qp := postingOf(x, int(q))
					if proposed[q] || qp.article == own.article || kindsDiffer(own.classes, qp.classes) || !mayJoinAcross(&own, &qp) {
						continue
					}
					proposed[q] = true
					if e, ok := x.edge(c, &x.cands[q]); ok {
						edges.add(e)
					}
				}
			}
		}
	}
	return edges, long
}

func packedEdges(l *edgeList) []string {
	var out []string
	for k, cs := range l.chunks {
		for _, c := range cs {
			for _, p := range c {
				i, j := unpackPair(p)
				out = append(out, fmt.Sprintf("%d-%d:%v", i, j, l.scores[k]))
			}
		}
	}
	slices.Sort(out)
	return out
}

// TestBranchFreeSearches compares searchSorted and firstTitleKey with
// sort.Search on short sorted slices of every length up to 40, duplicates
// included, for keys below, between, on and above the elements.
func TestBranchFreeSearches(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 9))
	for n := 0; n <= 40; n++ {
		for trial := 0; trial < 20; trial++ {
			a := make([]int32, n)
			seg := make([]posting, n)
			for k := range a {
				a[k] = int32(rng.IntN(30))
			}
			slices.Sort(a)
			for k, v := range a {
				seg[k] = posting{nTitle: v / 8, hash: uint32(v % 8)}
			}
			for x := int32(-1); x <= 31; x++ {
				want := sort.Search(n, func(k int) bool { return a[k] >= x })
				if k, ok := searchSorted(a, x); ok != (want < n && a[want] == x) || ok && a[k] != x {
					t.Fatalf("searchSorted(%v, %d) = %d, %v", a, x, k, ok)
				}
				key := uint64(uint32(x/8))<<32 | uint64(uint32(x%8))
				if x < 0 {
					key = 0
				}
				wantKey := sort.Search(n, func(k int) bool { return titleKey(&seg[k]) >= key })
				if got := firstTitleKey(seg, key); got != wantKey {
					t.Fatalf("firstTitleKey(%v, %d) = %d, want %d", a, x, got, wantKey)
				}
			}
		}
	}
}
