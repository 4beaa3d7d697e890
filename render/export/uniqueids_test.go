package export

import (
	"bytes"
	"math/rand"
	"strings"
	"testing"

	"github.com/newsline/timeline/internal/bytediff"
)

// TestUniqueIDsWriteTheSameSlides: telling the TimelineJS export that the IDs
// are distinct (as render does) changes no byte, whether the IDs are slugs
// (no map of slide ids is made) or not (colliding slugs still get "-2").
func TestUniqueIDsWriteTheSameSlides(t *testing.T) {
	for seed := int64(1); seed <= 20; seed++ {
		r := rand.New(rand.NewSource(seed))
		tl := randomTimeline(r, 10+r.Intn(60))
		slugsOnly := seed%2 == 0
		if slugsOnly {
			for i := range tl.Events {
				tl.Events[i].ID = strings.NewReplacer(".", "-", "-x", "-y").Replace(tl.Events[i].ID)
			}
		}
		if got := slugIDs(tl.Events); got != slugsOnly && slugsOnly {
			t.Fatalf("seed %d: slug IDs not recognised", seed)
		}
		for _, s := range []Site{relativeSite(), absoluteSite()} {
			want := renderExport(t, spliceExport{"timeline.json", WriteTimelineJS}, tl, s)
			s.UniqueIDs = true
			got := renderExport(t, spliceExport{"timeline.json", WriteTimelineJS}, tl, s)
			if !bytes.Equal(got, want) {
				t.Fatalf("seed %d (slug IDs %v): UniqueIDs changed timeline.json:\n%s", seed, slugsOnly, bytediff.First(got, want))
			}
		}
	}
}
