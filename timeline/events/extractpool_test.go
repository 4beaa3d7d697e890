package events_test

import (
	"reflect"
	"testing"

	"github.com/newsline/timeline/timeline"
	"github.com/newsline/timeline/timeline/events"
	"github.com/newsline/timeline/timeline/timex"
)

// TestExtractIsExtractWithResolve checks Extract, which resolves into a
// pooled buffer reused from article to article, against ExtractWith given a
// fresh Resolve: the same events for each article, and the events of every
// article unchanged once all the others were extracted (nothing they hold
// may point into the buffer the next articles overwrite).
func TestExtractIsExtractWithResolve(t *testing.T) {
	arts := benchCorpus(t, 400)
	got := make([][]timeline.Event, len(arts))
	want := make([][]timeline.Event, len(arts))
	ranged := 0
	for i, a := range arts {
		got[i] = events.Extract(a)
		ts := timex.Resolve(a.Text, a.Meta.Date)
		want[i] = events.ExtractWith(a, ts)
		for _, x := range ts {
			if x.RangeEnd != nil {
				ranged++
			}
		}
		if !reflect.DeepEqual(got[i], want[i]) {
			t.Fatalf("article %d (%s): Extract differs from ExtractWith(Resolve)", i, a.Path)
		}
	}
	for i := range arts {
		if !reflect.DeepEqual(got[i], want[i]) {
			t.Fatalf("article %d (%s): its events changed while later articles were extracted", i, arts[i].Path)
		}
	}
	if ranged == 0 {
		t.Fatal("no range among the articles' expressions: the test misses RangeEnd")
	}
}
