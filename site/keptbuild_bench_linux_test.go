package site

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/spf13/afero"
)

// BenchmarkFullBuildKept runs full --no-cache builds of a corpus kept in
// TIMELINE_W_DIR/content (generated on the first run, TIMELINE_BENCH_ARTICLES
// articles), each into a fresh folder TIMELINE_W_DIR/runs/<time> that is
// left in place: removing a site makes the next one's inodes slow to
// create for minutes on this ext4 (recently_deleted, see README), so runs
// of two binaries can alternate without slowing each other. Each kept 10k
// site holds ~1.5 GB of page cache and 250,000 cached inodes, and the
// inode hash's chains grow with them (insert_inode_locked 1% -> 3% of a
// build's samples after 18 kept sites): keep a few, remove the folder when
// done, and wait before measuring again. It prints each build's stages and system CPU.
//
//	TIMELINE_W_DIR=/tmp/kept10k go test -run '^$' -bench FullBuildKept -benchtime 1x ./site
func BenchmarkFullBuildKept(b *testing.B) {
	dir := os.Getenv("TIMELINE_W_DIR")
	if dir == "" {
		b.Skip("set TIMELINE_W_DIR")
	}
	content := filepath.Join(dir, "content")
	if _, err := os.Stat(content); err != nil {
		if _, err := writeCorpus(content, scaleSeed, scaleArticles); err != nil {
			b.Fatal(err)
		}
	}
	for i := 0; i < b.N; i++ {
		run := filepath.Join(dir, "runs", strconv.FormatInt(time.Now().UnixNano(), 10))
		opts := scaleOptions(run)
		opts.ContentDir = content
		opts.NoCache = true
		stop := func() {}
		if name := os.Getenv("TIMELINE_W_CPUPROFILE"); name != "" {
			stop = startProfile(name)
		}
		cpu0 := processCPU(b)
		sum, err := Build(afero.NewOsFs(), opts)
		cpu := processCPU(b) - cpu0
		stop()
		if err != nil {
			b.Fatal(err)
		}
		var write Timing
		for _, t := range sum.Timings {
			if t.Stage == "write" {
				write = t
			}
		}
		fmt.Fprintf(os.Stderr, "FULLBUILD %s pages %d: full %.2f s, %.2f cpu-s; write %.2f/%.2f s\n\t%s\n\t%s\n", run, sum.Pages, sum.Elapsed.Seconds(), cpu.Seconds(), write.Elapsed.Seconds(), write.CPU.Seconds(), sum.TimingString(), sum.SystemString())
		b.ReportMetric(write.Elapsed.Seconds(), "write-s")
		b.ReportMetric(write.CPU.Seconds(), "write-cpu-s")
		b.ReportMetric(sum.Elapsed.Seconds(), "full-s")
	}
}

// BenchmarkPageFloorKept is the page floor (pagefloor_linux_test.go) into
// a kept folder below TIMELINE_W_DIR/floor, TIMELINE_FLOOR_PAGES folders of
// one TIMELINE_W_SIZE-byte page (default 2048), on TIMELINE_W_WORKERS
// goroutines, with TIMELINE_W_MODE par (each goroutine makes its pages'
// folders, as pageFloor) or onemk (one more goroutine makes the folders
// ahead of the others, as writeAll).
func BenchmarkPageFloorKept(b *testing.B) {
	dir := os.Getenv("TIMELINE_W_DIR")
	if dir == "" {
		b.Skip("set TIMELINE_W_DIR")
	}
	n, _ := strconv.Atoi(os.Getenv("TIMELINE_FLOOR_PAGES"))
	workers, _ := strconv.Atoi(os.Getenv("TIMELINE_W_WORKERS"))
	size, _ := strconv.Atoi(os.Getenv("TIMELINE_W_SIZE"))
	mode := os.Getenv("TIMELINE_W_MODE")
	if size == 0 {
		size = 2048
	}
	if n <= 0 || workers <= 0 {
		b.Skip("set TIMELINE_FLOOR_PAGES and TIMELINE_W_WORKERS")
	}
	body := floorPage(size)
	for it := 0; it < b.N; it++ {
		root := filepath.Join(dir, "floor", strconv.FormatInt(time.Now().UnixNano(), 10))
		if mode != "onemk" {
			wall, sys := createPages(b, root, n, workers, body, "%016x/index.html")
			fmt.Fprintf(os.Stderr, "PAGEFLOOR %s mode=par workers=%d n=%d size=%d: %.2f s wall, %.2f sys\n", root, workers, n, size, wall.Seconds(), sys.Seconds())
			continue
		}
		events := filepath.Join(root, "events")
		if err := os.MkdirAll(events, 0o755); err != nil {
			b.Fatal(err)
		}
		d := openPageDir(afero.NewOsFs(), events)
		name := func(i int) string { return fmt.Sprintf("%016x", uint64(i+1)*0x9E3779B97F4A7C15) }
		u0, s0 := userSystemCPU()
		start := time.Now()
		var wg sync.WaitGroup
		ch := make(chan int, 1024)
		wg.Go(func() {
			for i := 0; i < n; i++ {
				if err := d.mkdir(name(i)); err != nil {
					panic(err)
				}
				ch <- i
			}
			close(ch)
		})
		for w := 0; w < workers; w++ {
			wg.Go(func() {
				for i := range ch {
					if err := createPage(d, name(i)+"/index.html", body); err != nil {
						panic(err)
					}
				}
			})
		}
		wg.Wait()
		wall := time.Since(start)
		u1, s1 := userSystemCPU()
		d.close()
		fmt.Fprintf(os.Stderr, "PAGEFLOOR %s mode=%s workers=%d n=%d size=%d: %.2f s wall, %.2f user, %.2f sys\n", events, mode, workers, n, size, wall.Seconds(), (u1 - u0).Seconds(), (s1 - s0).Seconds())
	}
}
