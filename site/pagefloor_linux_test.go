package site

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/spf13/afero"
)

// The page floor: what the file system alone charges for a full build's
// pages, with nothing rendered. Issue 5 wants a page per event at
// events/ID/, so a 10,000-article site is about 117,000 folders with one
// file each; Hugo's build of the same articles writes about 10,000 pages.
// This measures creating that many folders and 2 KB files through the same
// system calls the write stage uses (pageDir: mkdirat, openat, write,
// close, on as many goroutines as the machine has cores), and, for
// comparison, the same number of files without folders (events/ID.html,
// which issue 5's URLs rule out). If the floor alone is slower than Hugo's
// whole build, no renderer can meet the issue-6 target on this disk.
//
//	TIMELINE_FLOOR_PAGES=116711 go test -run '^$' -bench PageFloor -benchtime 1x ./site
//
// BenchmarkScale10k also runs it after Hugo's build, with its own event count.
func BenchmarkPageFloor(b *testing.B) {
	n := 116711
	if s := os.Getenv("TIMELINE_FLOOR_PAGES"); s != "" {
		var err error
		if n, err = strconv.Atoi(s); err != nil || n <= 0 {
			b.Fatalf("TIMELINE_FLOOR_PAGES=%q: want a positive number", s)
		}
	}
	for i := 0; i < b.N; i++ {
		pageFloor(b, b.TempDir(), n)
	}
}

// pageFloor creates n event pages, then n flat files, under dir, logs and
// reports both (wall and system seconds) and returns the folders' wall time.
func pageFloor(b *testing.B, dir string, n int) time.Duration {
	b.Helper()
	body := floorPage(2048)
	workers := runtime.GOMAXPROCS(0)
	foldersWall, foldersSys := createPages(b, filepath.Join(dir, "folders"), n, workers, body, "%016x/index.html")
	flatWall, flatSys := createPages(b, filepath.Join(dir, "flat"), n, workers, body, "%016x.html")
	b.ReportMetric(foldersWall.Seconds(), "floor-s")
	b.ReportMetric(flatWall.Seconds(), "floor-flat-s")
	b.Logf("page floor: %d folders with one 2 KB page each, nothing rendered: %.2fs wall, %.2fs system CPU; "+
		"the same number of files without folders: %.2fs wall, %.2fs system CPU", n,
		foldersWall.Seconds(), foldersSys.Seconds(), flatWall.Seconds(), flatSys.Seconds())
	return foldersWall
}

// createPages writes n pages named by format (from a spread of 64-bit IDs,
// like event IDs) below root/events and returns the wall and system time.
func createPages(b *testing.B, root string, n, workers int, body []byte, format string) (wall, sys time.Duration) {
	b.Helper()
	fs := afero.NewOsFs()
	events := filepath.Join(root, "events")
	if err := os.MkdirAll(events, 0o755); err != nil {
		b.Fatal(err)
	}
	d := openPageDir(fs, events)
	if d == nil {
		b.Fatalf("cannot open %s for raw page writes", events)
	}
	defer d.close()
	var wg sync.WaitGroup
	errs := make([]error, workers)
	_, s0 := userSystemCPU()
	start := time.Now()
	for w := range workers {
		wg.Go(func() {
			for i := w; i < n && errs[w] == nil; i += workers {
				errs[w] = createPage(d, fmt.Sprintf(format, uint64(i+1)*0x9E3779B97F4A7C15), body)
			}
		})
	}
	wg.Wait()
	wall = time.Since(start)
	_, s1 := userSystemCPU()
	for _, err := range errs {
		if err != nil {
			b.Fatal(err)
		}
	}
	return wall, s1 - s0
}

func createPage(d *pageDir, rel string, body []byte) error {
	f, err := d.create(rel)
	if err != nil {
		return err
	}
	if _, err := f.Write(body); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
