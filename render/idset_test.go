package render

import (
	"fmt"
	"math/rand"
	"testing"
)

// TestIDSetFindsEveryRepeat: over random ID lists with repeats, idSet.add
// refuses exactly the IDs a map has seen before.
func TestIDSetFindsEveryRepeat(t *testing.T) {
	r := rand.New(rand.NewSource(4))
	for round := 0; round < 50; round++ {
		n := 1 + r.Intn(3000)
		ids := make([]string, n)
		for i := range ids {
			if i > 0 && r.Intn(20) == 0 {
				ids[i] = ids[r.Intn(i)]
			} else {
				ids[i] = fmt.Sprintf("%x", r.Int63n(int64(1+r.Intn(5000))))
			}
		}
		set, seen := newIDSet(n), map[string]bool{}
		for i, id := range ids {
			if got := set.add(id, i, func(j int) string { return ids[j] }); got == seen[id] {
				t.Fatalf("round %d, ID %d %q: add says new=%v, seen before=%v", round, i, id, got, seen[id])
			}
			seen[id] = true
		}
	}
}

// TestEventIDsFromPaths: the IDs read back from the pages' paths are the
// events' IDs.
func TestEventIDsFromPaths(t *testing.T) {
	s, err := newSite(synthetic(t, 700), Config{})
	if err != nil {
		t.Fatal(err)
	}
	for i := range s.tl.Events {
		if s.eventID(i) != s.tl.Events[i].ID || s.path(i) != "events/"+s.tl.Events[i].ID+"/index.html" {
			t.Fatalf("event %d: ID %q, path %q, want %q", i, s.eventID(i), s.path(i), s.tl.Events[i].ID)
		}
	}
}

// TestIDFilterKeepsEveryAddedID: the filter in front of matchMemo's set of
// changed IDs says yes to every ID added (short, empty and long ones too),
// and no to most others: merge's 10-hex-character IDs with "-N" repeats.
func TestIDFilterKeepsEveryAddedID(t *testing.T) {
	r := rand.New(rand.NewSource(9))
	hexID := func() string {
		id := fmt.Sprintf("%010x", r.Int63n(1<<40))
		if r.Intn(10) == 0 {
			id += fmt.Sprintf("-%d", 2+r.Intn(3))
		}
		return id
	}
	falsePos, tries := 0, 0
	for round := 0; round < 200; round++ {
		var f idFilter
		added := map[string]bool{}
		for range 1 + r.Intn(30) {
			id := hexID()
			switch r.Intn(8) {
			case 0:
				id = id[:r.Intn(4)] // "", and IDs shorter than the four bytes read
			case 1:
				id = "ev" + id + id
			}
			f.add(id)
			added[id] = true
		}
		for id := range added {
			if !f.has(id) {
				t.Fatalf("round %d: %q added, has says no", round, id)
			}
		}
		for range 200 {
			if id := hexID(); !added[id] {
				tries++
				falsePos += btoi(f.has(id))
			}
		}
	}
	// At most 30 bits of 1024 set: about 1.5% on average.
	if rate := float64(falsePos) / float64(tries); rate > 0.05 {
		t.Fatalf("filter says yes to %.1f%% of IDs never added", 100*rate)
	}
}
