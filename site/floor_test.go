package site

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"testing"

	"github.com/spf13/afero"
)

// BenchmarkWriteFloor is the file-system floor under the write stage of the
// scale benchmark's full build: as many pages (12.74 per article, 127,400 at
// 10,000 articles), each an 8 KiB file (about the mean page of that site),
// created by a bare loop through afero's OS file system with no rendering.
// "folders" gives every page a folder of its own as the site does
// (events/<id>/index.html: a mkdir and a create per page in one folder of
// 127,000 entries); "flat" writes events/<id>.html; workers=2 and 8 write the
// folders layout concurrently, which shows why the build writes pages with one
// goroutine (pageWriters): here they cost several times the CPU and no less wall. The CPU seconds it prints
// are what any build of this layout pays; the write stage's excess over them
// is rendering, allocation and garbage collection.
func BenchmarkWriteFloor(b *testing.B) {
	pages := scaleArticles * 1274 / 100
	body := floorPage(8 << 10)
	for _, run := range []struct {
		layout  string
		workers int
	}{{"folders", 1}, {"flat", 1}, {"folders", 2}, {"folders", ioWorkers(runtime.GOMAXPROCS(0))}} {
		layout := run.layout
		b.Run(fmt.Sprintf("%s/workers=%d", layout, run.workers), func(b *testing.B) {
			fs := afero.NewOsFs()
			for n := 0; n < b.N; n++ {
				root := filepath.Join(b.TempDir(), "events")
				if err := os.Mkdir(root, 0o755); err != nil {
					b.Fatal(err)
				}
				cpu0 := processCPU(b)
				var wg sync.WaitGroup
				errs := make([]error, run.workers)
				for w := 0; w < run.workers; w++ {
					wg.Add(1)
					go func() {
						defer wg.Done()
						for i := w; i < pages && errs[w] == nil; i += run.workers {
							errs[w] = writeFloorPage(fs, root, layout, i, body)
						}
					}()
				}
				wg.Wait()
				if err := errors.Join(errs...); err != nil {
					b.Fatal(err)
				}
				b.ReportMetric((processCPU(b) - cpu0).Seconds(), "cpu-s")
				b.StopTimer()
				if err := os.RemoveAll(root); err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
			}
			b.ReportMetric(float64(pages), "pages")
		})
	}
}

func writeFloorPage(fs afero.Fs, root, layout string, i int, body []byte) error {
	name := filepath.Join(root, fmt.Sprintf("e%07d.html", i))
	if layout == "folders" {
		dir := filepath.Join(root, fmt.Sprintf("e%07d", i))
		if err := fs.Mkdir(dir, 0o755); err != nil {
			return err
		}
		name = filepath.Join(dir, "index.html")
	}
	return afero.WriteFile(fs, name, body, 0o644)
}

// floorPage is a page body of size bytes of letters.
func floorPage(size int) []byte {
	body := make([]byte, size)
	for i := range body {
		body[i] = 'a' + byte(i%26)
	}
	return body
}
