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
		if s.eventID(i) != s.tl.Events[i].ID || s.paths[i] != "events/"+s.tl.Events[i].ID+"/index.html" {
			t.Fatalf("event %d: ID %q, path %q, want %q", i, s.eventID(i), s.paths[i], s.tl.Events[i].ID)
		}
	}
}
