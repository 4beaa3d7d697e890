package events_test

import (
	"os"
	"runtime"
	"testing"

	"github.com/newsline/timeline/internal/cputime"
	"github.com/newsline/timeline/timeline"
	"github.com/newsline/timeline/timeline/events"
	"github.com/newsline/timeline/timeline/merge"
)

// extractedBench extracts the candidate events of the 10,000 articles of
// BenchmarkExtractionVsResolution (about 71,000 candidates).
func extractedBench(tb testing.TB) ([]timeline.Article, [][]timeline.Event) {
	arts := benchCorpus(tb, benchArticles)
	per := make([][]timeline.Event, len(arts))
	for i, a := range arts {
		per[i] = events.Extract(a)
	}
	return arts, per
}

// BenchmarkMergeAfterExtraction times the "merge" stage of
// BenchmarkExtractionVsResolution alone, merge after merge on one warm
// heap, and prints its process CPU time per merge with its allocations:
// steadier than the stage inside the whole benchmark, where the other
// stages' heap decides how many collections a merge pays for.
func BenchmarkMergeAfterExtraction(b *testing.B) {
	arts, per := extractedBench(b)
	merge.Merge(arts, per)
	b.ReportAllocs()
	runtime.GC()
	b.ResetTimer()
	k0, f0, okr0 := rusage()
	c0, ok0 := cputime.Process()
	for n := 0; n < b.N; n++ {
		merge.Merge(arts, per)
	}
	if c1, ok1 := cputime.Process(); ok0 && ok1 {
		b.ReportMetric(float64((c1-c0).Microseconds())/1000/float64(b.N), "cpu-ms/merge")
	}
	// The page faults and kernel time of the merges: heap the runtime
	// returned to the OS between merges (its scavenger) is faulted in again.
	if k1, f1, okr1 := rusage(); okr0 && okr1 {
		b.ReportMetric(float64(f1-f0)/float64(b.N), "faults/merge")
		b.ReportMetric(float64((k1-k0).Microseconds())/1000/float64(b.N), "sys-ms/merge")
	}
}

// TestMergeAfterExtractionForCallgrind merges the candidates of the
// benchmark's 10,000 articles once when EVENTS_MERGE_CALLGRIND is set, to
// count the merge's instructions under valgrind (the same run to run, where
// CPU time on this shared machine moves by a quarter). From the repository
// root (extraction runs under valgrind too, uncounted: about two minutes):
//
//	go test -c -o /tmp/events.test ./timeline/events/ && cd timeline/events &&
//	EVENTS_MERGE_CALLGRIND=1 GOGC=off GODEBUG=asyncpreemptoff=1 GOMAXPROCS=1 valgrind --tool=callgrind \
//	  --toggle-collect='github.com/newsline/timeline/timeline/merge.Merge' \
//	  /tmp/events.test -test.run TestMergeAfterExtractionForCallgrind
func TestMergeAfterExtractionForCallgrind(t *testing.T) {
	if os.Getenv("EVENTS_MERGE_CALLGRIND") == "" {
		t.Skip("set EVENTS_MERGE_CALLGRIND=1 and run under valgrind (see the comment)")
	}
	arts, per := extractedBench(t)
	merge.Merge(arts, per)
}
