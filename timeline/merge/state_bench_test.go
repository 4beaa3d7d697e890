package merge_test

import (
	"crypto/sha256"
	"reflect"
	"runtime"
	"runtime/debug"
	"slices"
	"testing"
	"time"

	"github.com/newsline/timeline/internal/cputime"
	"github.com/newsline/timeline/timeline"
	"github.com/newsline/timeline/timeline/merge"
)

// stateCorpora are the inputs the State benchmarks run on: the
// 10k-candidate corpus and the site scale benchmark's 191k-candidate one.
var stateCorpora = []struct {
	name   string
	corpus func(testing.TB) ([]timeline.Article, [][]timeline.Event)
}{
	{"10k", func(tb testing.TB) ([]timeline.Article, [][]timeline.Event) {
		arts, per, _ := extractedCorpus(tb, 10_000)
		return arts, per
	}},
	{"191k", scaleCorpus},
}

// BenchmarkStateUpdate times State.Update after adding one article (the
// corpus's last) to a state of all the others, on the 10k-candidate corpus
// and the site scale benchmark's 191k-candidate one, and a whole Merge of
// the same input for comparison. It reports process CPU per update and per
// Merge, bytes allocated per update (B/op), and how much the update redid:
//
//	go test -run '^$' -bench StateUpdate -benchtime 20x ./timeline/merge
func BenchmarkStateUpdate(b *testing.B) {
	for _, c := range stateCorpora {
		b.Run(c.name, func(b *testing.B) {
			arts, per := c.corpus(b)
			benchUpdate(b, arts, per)
		})
	}
}

func benchUpdate(b *testing.B, arts []timeline.Article, per [][]timeline.Event) {
	keys := slugKeys(arts)
	events := func(i int) []timeline.Event { return per[i] }
	n := len(arts) - 1
	runtime.GC()
	c0, _ := cputime.Process()
	_, st := merge.NewState(arts[:n], events, keys[:n])
	c1, _ := cputime.Process()
	newState := c1 - c0 // reported after the loop: ResetTimer drops metrics
	want := merge.Merge(arts, per)
	if got, _ := st.Update(arts, events, keys); !reflect.DeepEqual(got, want) {
		b.Fatal("Update's timeline differs from Merge's")
	}
	st.Update(arts[:n], events, keys[:n])
	runtime.GC()
	b.ReportAllocs()
	b.ResetTimer()
	var cpu time.Duration
	var stats merge.UpdateStats
	for i := 0; i < b.N; i++ {
		c0, _ := cputime.Process()
		st.Update(arts, events, keys)
		c1, _ := cputime.Process()
		cpu += c1 - c0
		stats = st.Stats
		b.StopTimer()
		st.Update(arts[:n], events, keys[:n])
		b.StartTimer()
	}
	b.StopTimer()
	c0, _ = cputime.Process()
	merge.Merge(arts, per)
	c1, _ = cputime.Process()
	b.ReportMetric(float64(newState.Microseconds())/1e3, "cpu-ms/newstate")
	b.ReportMetric(float64(cpu.Microseconds())/1e3/float64(b.N), "cpu-ms/update")
	b.ReportMetric(float64((c1-c0).Microseconds())/1e3, "cpu-ms/merge")
	b.ReportMetric(float64(stats.Reclustered), "reclustered")
	b.ReportMetric(float64(stats.Recombined), "recombined")
	b.ReportMetric(float64(stats.ArticlesRead), "articles-read")
	if stats.Full {
		b.Fatal("the update fell back to a whole merge")
	}
}

// countingWriter counts what is written to it.
type countingWriter int64

func (w *countingWriter) Write(p []byte) (int, error) {
	*w += countingWriter(len(p))
	return len(p), nil
}

// BenchmarkStateCodec encodes the state of all but the last article, then
// per iteration decodes it and updates the decoded state with the last
// article added, as a fresh build process would; then encodes that updated
// state (its kept events are written from their stored bytes), decodes it
// and removes the article again: the second fresh build. It reports the
// encoded size, CPU to encode, to decode, for the Update of a decoded state,
// and MB allocated by decode + Update, for both builds:
//
//	go test -run '^$' -bench StateCodec -benchtime 5x ./timeline/merge
func BenchmarkStateCodec(b *testing.B) {
	for _, c := range stateCorpora {
		b.Run(c.name, func(b *testing.B) {
			arts, per := c.corpus(b)
			keys := slugKeys(arts)
			events := func(i int) []timeline.Event { return per[i] }
			n := len(arts) - 1
			_, st := merge.NewState(arts[:n], events, keys[:n])
			want := merge.Merge(arts, per)
			wantBack := merge.Merge(arts[:n], per[:n])
			runtime.GC()
			b.ResetTimer()
			var first, second codecCost
			var size int
			for i := 0; i < b.N; i++ {
				var got timeline.Timeline
				var st2 *merge.State
				size = first.add(b, st, func(s *merge.State) { got, _ = s.Update(arts, events, keys); st2 = s })
				b.StopTimer()
				if i == 0 && !reflect.DeepEqual(got, want) {
					b.Fatal("decoded state's Update differs from Merge")
				}
				if st2.Stats.Full || st2.Stats.Materialized != 0 {
					b.Fatalf("the update fell back to a whole merge or built kept events: %+v", st2.Stats)
				}
				b.StartTimer()
				second.add(b, st2, func(s *merge.State) { got, _ = s.Update(arts[:n], events, keys[:n]); st2 = s })
				b.StopTimer()
				if i == 0 && !reflect.DeepEqual(got, wantBack) {
					b.Fatal("second decoded state's Update differs from Merge")
				}
				b.StartTimer()
			}
			b.ReportMetric(float64(size)/1e6, "MB-encoded")
			first.report(b, "")
			second.report(b, "2nd-")
		})
	}
}

// codecCost adds up one fresh build's merge-state work: encode the
// previous state, decode it, update.
type codecCost struct {
	enc, dec, upd time.Duration
	alloc         uint64
	n             int
}

func (c *codecCost) add(b *testing.B, st *merge.State, update func(*merge.State)) int {
	c0, _ := cputime.Process()
	var out countingWriter
	if err := st.EncodeTo(&out); err != nil {
		b.Fatal(err)
	}
	c1, _ := cputime.Process()
	b.StopTimer()
	data := st.Encode(nil)
	var m0, m1 runtime.MemStats
	runtime.ReadMemStats(&m0)
	b.StartTimer()
	c1b, _ := cputime.Process()
	st2, err := merge.DecodeState(data)
	if err != nil {
		b.Fatal(err)
	}
	c2, _ := cputime.Process()
	update(st2)
	c3, _ := cputime.Process()
	b.StopTimer()
	runtime.ReadMemStats(&m1)
	b.StartTimer()
	c.enc, c.dec, c.upd = c.enc+c1-c0, c.dec+c2-c1b, c.upd+c3-c2
	c.alloc += m1.TotalAlloc - m0.TotalAlloc
	c.n++
	return int(out)
}

func (c *codecCost) report(b *testing.B, prefix string) {
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1e3 / float64(c.n) }
	b.ReportMetric(ms(c.enc), prefix+"cpu-ms/encode")
	b.ReportMetric(ms(c.dec), prefix+"cpu-ms/decode")
	b.ReportMetric(ms(c.upd), prefix+"cpu-ms/update")
	b.ReportMetric(float64(c.alloc)/1e6/float64(c.n), prefix+"MB-alloc/decode+update")
}

// BenchmarkStateDecode decodes the state of the site scale benchmark's
// 191k-candidate corpus (DecodeStateParts, as site reads a mapped state:
// the collector paused) and reports the median process CPU and wall per
// decode, less noisy than BenchmarkStateCodec's sums on a shared machine:
//
//	go test -run '^$' -bench StateDecode -benchtime 15x ./timeline/merge
func BenchmarkStateDecode(b *testing.B) {
	arts, per := scaleCorpus(b)
	keys := slugKeys(arts)
	_, st := merge.NewState(arts, func(i int) []timeline.Event { return per[i] }, keys)
	head, events, tail := encodedParts(st)
	st = nil
	var cpus, walls []time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		runtime.GC()
		old := debug.SetGCPercent(-1)
		b.StartTimer()
		t0 := time.Now()
		c0, _ := cputime.Process()
		got, err := merge.DecodeStateParts(head, events, tail)
		c1, _ := cputime.Process()
		walls, cpus = append(walls, time.Since(t0)), append(cpus, c1-c0)
		b.StopTimer()
		debug.SetGCPercent(old)
		if err != nil {
			b.Fatal(err)
		}
		runtime.KeepAlive(got)
		b.StartTimer()
	}
	b.ReportMetric(medianMS(cpus), "median-cpu-ms/decode")
	b.ReportMetric(medianMS(walls), "median-wall-ms/decode")
	b.ReportMetric(float64(len(head)+len(events)+len(tail))/1e6, "MB-encoded")
}

// BenchmarkStateDecodedUpdate updates a state decoded from its bytes (as a
// fresh build process does) with the site scale benchmark's last article
// added, the collector paused, and reports the median process CPU and wall
// per Update, and what it allocated: less noisy than BenchmarkStateCodec's
// sums on a shared machine.
//
//	go test -run '^$' -bench StateDecodedUpdate -benchtime 9x ./timeline/merge
func BenchmarkStateDecodedUpdate(b *testing.B) {
	arts, per := scaleCorpus(b)
	keys := slugKeys(arts)
	events := func(i int) []timeline.Event { return per[i] }
	n := len(arts) - 1
	_, st := merge.NewState(arts[:n], events, keys[:n])
	enc := st.Encode(nil)
	st = nil
	var cpus, walls []time.Duration
	var alloc uint64
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		got, err := merge.DecodeState(enc)
		if err != nil {
			b.Fatal(err)
		}
		runtime.GC()
		old := debug.SetGCPercent(-1)
		var m0, m1 runtime.MemStats
		runtime.ReadMemStats(&m0)
		b.StartTimer()
		t0 := time.Now()
		c0, _ := cputime.Process()
		got.Update(arts, events, keys)
		c1, _ := cputime.Process()
		walls, cpus = append(walls, time.Since(t0)), append(cpus, c1-c0)
		b.StopTimer()
		runtime.ReadMemStats(&m1)
		alloc += m1.TotalAlloc - m0.TotalAlloc
		debug.SetGCPercent(old)
		if got.Stats.Full {
			b.Fatal("the update fell back to a whole merge")
		}
		b.StartTimer()
	}
	b.ReportMetric(medianMS(cpus), "median-cpu-ms/update")
	b.ReportMetric(medianMS(walls), "median-wall-ms/update")
	b.ReportMetric(float64(alloc)/1e6/float64(b.N), "MB-alloc/update")
}

// medianMS returns the median of d in milliseconds (d is sorted in place):
// the state benchmarks report medians, steadier than sums on a shared machine.
func medianMS(d []time.Duration) float64 {
	slices.Sort(d)
	return float64(d[len(d)/2].Microseconds()) / 1e3
}

// slugKeys keys each article by its slug alone: the benchmarks' articles do
// not change, so their slugs tell them apart as a content hash would.
func slugKeys(arts []timeline.Article) [][32]byte {
	keys := make([][32]byte, len(arts))
	for i := range arts {
		keys[i] = sha256.Sum256([]byte(arts[i].Slug))
	}
	return keys
}
