package site

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/spf13/afero"
)

// BenchmarkReleasedPackTouch reads the first byte of every record of a kept
// site's mapped pack (TIMELINE_BENCH_DIR, as BenchmarkBuildAlone leaves it),
// in a shuffled order as the plan reads the articles' records: once after
// releaseResident dropped the pack's resident pages (the plan's case while
// the pack was released at the end of the merge stage), once with them
// resident (since releaseLater). It says what those page faults cost, per
// fault and in all.
//
//	TIMELINE_BENCH_DIR=/tmp/alone10k go test -run '^$' -bench ReleasedPackTouch -benchtime 10x ./site
func BenchmarkReleasedPackTouch(b *testing.B) {
	dir := keptBenchDir(b, "a folder a scale benchmark built")
	version := os.Getenv(benchVersionEnv)
	c := openExtractCache(afero.NewOsFs(), filepath.Join(dir, "cache"), version, true, true)
	if len(c.mapping) == 0 || len(c.records) == 0 {
		b.Skipf("no mapped pack with records in %s (version %q): %v", dir, version, c.warnings)
	}
	recs := make([]string, 0, len(c.records))
	for _, e := range c.records {
		if len(e.enc()) > 0 {
			recs = append(recs, e.enc())
		}
	}
	rand.New(rand.NewPCG(1, 2)).Shuffle(len(recs), func(i, j int) { recs[i], recs[j] = recs[j], recs[i] })
	var released, resident, sys time.Duration // CPU times
	var faults int64
	var sink byte
	for i := 0; i < b.N; i++ {
		releaseResident(c.mapping)
		f0, _ := memoryStats()
		start, sys0 := processCPU(b), systemCPU()
		for _, r := range recs {
			sink += r[0]
		}
		released += processCPU(b) - start
		sys += systemCPU() - sys0
		f1, _ := memoryStats()
		faults += f1 - f0
		start = processCPU(b)
		for _, r := range recs {
			sink += r[0]
		}
		resident += processCPU(b) - start
	}
	touchSink = sink // used, so the reads are not optimized away
	n := float64(b.N)
	b.ReportMetric(float64(len(recs)), "records")
	b.ReportMetric(released.Seconds()*1e3/n, "released-cpu-ms")
	b.ReportMetric(sys.Seconds()*1e3/n, "released-sys-ms")
	b.ReportMetric(resident.Seconds()*1e3/n, "resident-cpu-ms")
	b.ReportMetric(float64(faults)/n, "faults")
	b.ReportMetric(float64(released-resident)/n/max(float64(faults)/n, 1)/1e3, "us/fault")
}

var touchSink byte
