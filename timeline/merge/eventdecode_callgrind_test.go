package merge_test

import (
	"os"
	"reflect"
	"strconv"
	"testing"

	"github.com/newsline/timeline/timeline"
	"github.com/newsline/timeline/timeline/merge"
)

// TestDecodeEventsForCallgrind decodes the stored encodings of the events
// Merge makes of the 10k-candidate corpus EVENT_DECODE=n times (as a
// predecoder's worker does, in timeline order), for counting instructions:
// the total Ir of n=11 less n=1, over 10, is one decoding of them all.
//
//	go test -c -o /tmp/merge.test ./timeline/merge
//	EVENT_DECODE=11 GOGC=off GODEBUG=asyncpreemptoff=1 valgrind --tool=callgrind /tmp/merge.test -test.run DecodeEventsForCallgrind
//
// Each decoding is checked against the events (less their IDs, which the
// state stores apart).
func TestDecodeEventsForCallgrind(t *testing.T) {
	v := os.Getenv("EVENT_DECODE")
	if v == "" {
		t.Skip("set EVENT_DECODE=n to decode the 10k-candidate corpus's events n times (for callgrind)")
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		t.Fatalf("EVENT_DECODE=%q: want a number of decodings", v)
	}
	arts, per, _ := extractedCorpus(t, 10_000)
	evs := merge.Merge(arts, per).Events
	encs := merge.EncodeEvents(evs)
	out := make([]timeline.Event, len(evs))
	for range n {
		if err := merge.DecodeEvents(encs, out); err != nil {
			t.Fatal(err)
		}
	}
	for k := range evs {
		want := evs[k]
		want.ID = ""
		if encs[k] != "" && !reflect.DeepEqual(out[k], want) {
			t.Fatalf("event %d decodes as %+v, want %+v", k, out[k], want)
		}
	}
	t.Logf("%d events, %d stored", len(evs), len(encs))
}
