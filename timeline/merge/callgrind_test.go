package merge_test

import (
	"os"
	"strconv"
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
// runtime happens to spin on a lock: run it again.) MERGE_ONCE=40000 merges
// the 40k-candidate corpus instead, where pairs across articles weigh more;
// add --branch-sim=yes to count mispredicted branches.
func TestMergeOnceForCallgrind(t *testing.T) {
	size := 10_000
	switch v := os.Getenv("MERGE_ONCE"); v {
	case "":
		t.Skip("set MERGE_ONCE=1 to merge the 10k-candidate corpus once (for callgrind)")
	case "1":
	default:
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			t.Fatalf("MERGE_ONCE=%q: want 1 or a number of candidates", v)
		}
		size = n
	}
	arts, per, _ := extractedCorpus(t, size)
	merge.Merge(arts, per)
}
