package merge_test

import (
	"os"
	"testing"

	"github.com/newsline/timeline/timeline/merge"
)

// TestMergeOnceForCallgrind merges the 10k-candidate corpus once, for
// counting instructions, which unlike CPU time on this shared machine do not
// move between runs (see README, "Merging at scale"):
//
//	go test -c -o /tmp/merge.test ./timeline/merge
//	MERGE_ONCE=1 GODEBUG=asyncpreemptoff=1 GOGC=off GOMAXPROCS=1 valgrind --tool=callgrind \
//	  --toggle-collect='github.com/newsline/timeline/timeline/merge.Merge' /tmp/merge.test -test.run MergeOnceForCallgrind
//
// (valgrind may stop on an instruction it does not know, RDTSCP, when the
// runtime happens to spin on a lock: run it again.)
func TestMergeOnceForCallgrind(t *testing.T) {
	if os.Getenv("MERGE_ONCE") == "" {
		t.Skip("set MERGE_ONCE=1 to merge the 10k-candidate corpus once (for callgrind)")
	}
	arts, per, _ := extractedCorpus(t, 10_000)
	merge.Merge(arts, per)
}
