package serve

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"runtime/pprof"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/spf13/afero"

	"github.com/newsline/timeline/internal/newscorpus"
	"github.com/newsline/timeline/site"
)

// BenchmarkRebuilds measures what an editor waits for in timeline serve:
// a Server (options as cmd_serve.go sets them) builds a kept scale site once,
// then each iteration adds or removes one article and rebuilds, after an idle
// gap of TIMELINE_BENCH_WARM_IDLE (a Go duration, default none): an editor
// saves every 30-60 s, and meanwhile the Go runtime may give freed heap back
// to the operating system, which the next rebuild then touches afresh (on
// this project's virtual machines ~5 ms per MB). It reports each rebuild's
// CPU, kernel CPU and page faults, and the heap the runtime released during
// the gap. The server's listing is told of each change, as its watcher tells
// it (TIMELINE_BENCH_SERVE_WALK=1: every rebuild walks). The site is
// BenchmarkIncremental's (site package): the benchmark is skipped unless
// TIMELINE_BENCH_DIR names a prepared one, and TIMELINE_BENCH_VERSION must be
// the version it was built with ("incremental-bench+" and the cache format).
// One Server serves all of the benchmark's runs (the testing package runs it
// with b.N = 1 first), as one timeline serve process has one: a second
// Server's Session maps the caches again beside the first one's mappings,
// which are never released, and the peak resident set counted both (~600 MB
// at 10k against ~400 MB for one). Each rebuild's log names the largest
// mappings' resident MB. TIMELINE_BENCH_SERVE_MEMPROFILE=prefix writes the
// heap profile after each rebuild to prefix.<n> (after waiting for the
// state's save and a collection: figures of such a run are not timings).
//
//	TIMELINE_BENCH_DIR=/tmp/incr2k TIMELINE_BENCH_VERSION=incremental-bench+timeline-cache-1 TIMELINE_BENCH_WARM_IDLE=40s go test -run '^$' -bench Rebuilds -benchtime 3x ./site/serve
func BenchmarkRebuilds(b *testing.B) {
	dir, version := os.Getenv("TIMELINE_BENCH_DIR"), os.Getenv("TIMELINE_BENCH_VERSION")
	if dir == "" || version == "" {
		b.Skip("set TIMELINE_BENCH_DIR to a site prepared by the site package's BenchmarkIncremental, and TIMELINE_BENCH_VERSION to its version")
	}
	if _, err := os.Stat(filepath.Join(dir, "public", "index.html")); err != nil {
		b.Skipf("%s holds no built site: run the site package's BenchmarkIncremental first", dir)
	}
	var idle time.Duration
	if s := os.Getenv("TIMELINE_BENCH_WARM_IDLE"); s != "" {
		d, err := time.ParseDuration(s)
		if err != nil {
			b.Fatalf("TIMELINE_BENCH_WARM_IDLE: %v", err)
		}
		idle = d
	}
	// As Run does once its watcher is up, unless TIMELINE_BENCH_SERVE_WALK=1
	// (every rebuild walks the folders, as before the listing).
	trust := os.Getenv("TIMELINE_BENCH_SERVE_WALK") != "1"
	reserve := os.Getenv("TIMELINE_BENCH_SERVE_RESERVE") == "1" // the limit less the mapped caches, as before HeapOnlyLimit
	key := strings.Join([]string{dir, version, strconv.FormatBool(trust), strconv.FormatBool(reserve)}, "\x00")
	bs := benchServers[key]
	if bs == nil {
		bs = &benchServer{}
		opts := site.Options{ContentDir: filepath.Join(dir, "content"), SeedsDir: "-", OutDir: filepath.Join(dir, "public"),
			CacheDir: filepath.Join(dir, "cache"), Version: version, MapCache: true} // as cmd_serve.go
		bs.srv = New(Config{Fs: afero.NewOsFs(), Build: opts, Log: io.Discard, OnBuild: func(sum site.Summary, err error) { bs.last, bs.failed = sum, err }})
		if reserve {
			bs.srv.cfg.Build.HeapOnlyLimit = false
		}
		if trust {
			bs.srv.listing.Arm()
		}
		bs.srv.Rebuild()
		if bs.failed != nil {
			b.Fatal(bs.failed)
		}
		benchServers[key] = bs
	}
	srv := bs.srv
	name := filepath.Join(dir, "content", "added-serve-rebuilds.md")
	extra := newscorpus.New(20261127).Article(1 << 20)
	var cpu, sys, flt float64
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		srv.session.Wait() // the previous build's state is saved: the gap starts after it
		released0 := heapReleasedMB()
		time.Sleep(idle)
		released1 := heapReleasedMB()
		if err := newscorpus.Toggle(afero.NewOsFs(), name, extra); err != nil {
			b.Fatal(err)
		}
		if trust {
			srv.listing.Changed(name) // as the watcher tells it
		}
		u0, s0, f0 := usage()
		gc0 := gcCycles()
		srv.Rebuild()
		u1, s1, f1 := usage()
		if bs.failed != nil {
			b.Fatal(bs.failed)
		}
		cpu, sys, flt = cpu+u1+s1-u0-s0, sys+s1-s0, flt+f1-f0
		b.Logf("rebuild %d after %v idle (released meanwhile %+.0f MB, %.0f MB in all): %.0f cpu-ms, %.0f kernel, %.1fk faults, %d GCs, peak RSS %.0f MB (now anon %.0f, file %.0f: %s)",
			i, idle, released1-released0, released1, (u1+s1-u0-s0)*1000, (s1-s0)*1000, (f1-f0)/1000, gcCycles()-gc0, statusMB("VmHWM:"), statusMB("RssAnon:"), statusMB("RssFile:"), residentByFile(4))
		b.Logf("\tstages (wall/CPU): %s\n\tkernel/all CPU: %s\n\theap allocated: %s", bs.last.TimingString(), bs.last.SystemString(), bs.last.AllocString())
		if prefix := os.Getenv("TIMELINE_BENCH_SERVE_MEMPROFILE"); prefix != "" {
			srv.session.Wait() // the save's garbage is garbage
			writeHeapProfile(b, fmt.Sprintf("%s.%d", prefix, bs.rebuilds))
		}
		bs.rebuilds++
	}
	b.StopTimer()
	srv.session.Wait()
	n := float64(b.N)
	b.ReportMetric(cpu/n*1000, "rebuild-cpu-ms")
	b.ReportMetric(sys/n*1000, "rebuild-kernel-ms")
	b.ReportMetric(flt/n, "rebuild-faults")
	b.ReportMetric(statusMB("VmHWM:"), "peak-RSS-MB")
}

// benchServer is a Server BenchmarkRebuilds keeps for its later runs, and
// what its last build reported.
type benchServer struct {
	srv      *Server
	last     site.Summary
	failed   error
	rebuilds int // timed so far, over all runs
}

// benchServers are BenchmarkRebuilds' servers by site and settings.
var benchServers = map[string]*benchServer{}

// residentByFile names the n files whose mappings hold the most resident
// memory, with their MB (all mappings of a file summed), from /proc/self/smaps.
func residentByFile(n int) string {
	data, err := os.ReadFile("/proc/self/smaps")
	if err != nil {
		return "?"
	}
	kb := map[string]float64{}
	name := ""
	for _, line := range strings.Split(string(data), "\n") {
		f := strings.Fields(line)
		switch {
		case len(f) >= 5 && strings.Contains(f[0], "-") && !strings.HasSuffix(f[0], ":"):
			name = ""
			if len(f) >= 6 && strings.HasPrefix(f[5], "/") {
				name = filepath.Base(strings.Join(f[5:], " "))
			}
		case len(f) >= 2 && f[0] == "Rss:" && name != "":
			v, _ := strconv.ParseFloat(f[1], 64)
			kb[name] += v
		}
	}
	names := make([]string, 0, len(kb))
	for k := range kb {
		names = append(names, k)
	}
	sort.Slice(names, func(i, j int) bool {
		return kb[names[i]] > kb[names[j]] || kb[names[i]] == kb[names[j]] && names[i] < names[j]
	})
	var parts []string
	for _, k := range names[:min(n, len(names))] {
		parts = append(parts, fmt.Sprintf("%s %.0f", k, kb[k]/1024))
	}
	return strings.Join(parts, ", ")
}

// writeHeapProfile writes the heap profile after a collection to name
// (TIMELINE_BENCH_SERVE_MEMPROFILE: compare two rebuilds' with pprof -base
// to see what a server keeps from one rebuild to the next).
func writeHeapProfile(b *testing.B, name string) {
	runtime.GC()
	f, err := os.Create(name)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	if err := pprof.WriteHeapProfile(f); err != nil {
		b.Fatal(err)
	}
}

// usage returns the process's user and kernel CPU seconds and page faults so far.
func usage() (user, sys, faults float64) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, 0, 0
	}
	return float64(ru.Utime.Nano()) / 1e9, float64(ru.Stime.Nano()) / 1e9, float64(ru.Minflt + ru.Majflt)
}

// heapReleasedMB is the heap memory the runtime has returned to the
// operating system (and not taken back) so far.
func heapReleasedMB() float64 {
	s := []metrics.Sample{{Name: "/memory/classes/heap/released:bytes"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return float64(s[0].Value.Uint64()) / (1 << 20)
}

// gcCycles is the number of garbage collections so far.
func gcCycles() uint64 {
	s := []metrics.Sample{{Name: "/gc/cycles/total:gc-cycles"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return s[0].Value.Uint64()
}

// statusMB reads a "VmHWM:"-like line of /proc/self/status in MB (0 where
// there is none).
func statusMB(field string) float64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, field); ok {
			kb, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 64)
			if err == nil {
				return kb / 1024
			}
		}
	}
	return 0
}
