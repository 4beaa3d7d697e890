package site

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// BenchmarkReplacePages measures the operating system's side of an in-place
// commit's roll-forward (moveAll) for about the pages one added article
// changes (benchChanged, 6 KB each, in folders of their own beside a
// thousand others): moving each staged file over its published copy on 8
// goroutines, as the commit does. It reports the CPU and wall microseconds
// per page on the commit's path (commit-), what removing the staged and
// retired folders afterwards costs (removal-cpu-), and what writing the
// staged files cost (stage-cpu-; noisy: it also pays the writeback the
// kernel does meanwhile).
//
//	go test -run '^$' -bench ReplacePages -benchtime 20x ./site
//
// The modes:
//   - rename-over: rename(2) over the published copy (what the commit does):
//     the rename frees the old file, and on ext4 (auto_da_alloc) starts the
//     staged file's writeback.
//   - writeback-rename: rename-over, the staged file's writeback started
//     when it was written (sync_file_range WRITE, as writer.render does for
//     every staged file since afddc6e; large files only before).
//   - link-rename: link(2) the published copy into a folder first (as the
//     retirer does for large files), then rename over it.
//   - exchange: renameat2(2) RENAME_EXCHANGE of the staged and published
//     files: atomic like the rename; the old file ends in the staged folder
//     and is removed with it. Not used by the commit: tried in session 9
//     (the journal holding each staged file's inode number, so that a
//     roll-forward run again after a crash tells an exchanged pair from one
//     still to exchange), BenchmarkPublishIncremental's swap fell from
//     14-16 to 9-12 cpu-ms but its write stage rose from 4-5 to 8-10, for
//     the writeback each staged page then needs (writeback-exchange) so that
//     its blocks are allocated before the exchange is journaled, as
//     auto_da_alloc does for a rename over a file: no gain in all. Without
//     that writeback the two stages cost 9-12 in all, but a power cut could
//     leave replaced pages empty.
//   - writeback-exchange: exchange, the staged file's writeback started when
//     it was written, which allocates its blocks before the exchange is
//     journaled, as auto_da_alloc does for rename-over.
//   - rename-new: rename to a name that does not exist (a page added): the
//     floor of a move.
func BenchmarkReplacePages(b *testing.B) {
	for _, mode := range []string{"rename-over", "writeback-rename", "link-rename", "exchange", "writeback-exchange", "rename-new"} {
		b.Run(mode, func(b *testing.B) { benchReplacePages(b, mode) })
	}
}

func benchReplacePages(b *testing.B, mode string) {
	const folders = 1000
	root := b.TempDir()
	body := make([]byte, 6<<10)
	out := filepath.Join(root, "public")
	for i := 0; i < folders; i++ {
		d := filepath.Join(out, "events", "e"+strconv.Itoa(i))
		if err := os.MkdirAll(d, 0o755); err != nil {
			b.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(d, "index.html"), body, 0o644); err != nil {
			b.Fatal(err)
		}
	}
	var stageCPU, commitCPU, commitWall, removalCPU time.Duration
	b.ResetTimer()
	for it := 0; it < b.N; it++ {
		b.StopTimer()
		staged := filepath.Join(root, fmt.Sprintf("public.tmp-%d", it))
		retired := filepath.Join(root, fmt.Sprintf("public.retired-%d", it))
		for _, d := range []string{staged, retired} {
			if err := os.Mkdir(d, 0o755); err != nil {
				b.Fatal(err)
			}
		}
		c := benchCPU(b)
		moves := make([]move, benchChanged)
		for j := range moves {
			dst := filepath.Join(out, "events", "e"+strconv.Itoa((it*131+j*17)%folders), "index.html")
			if mode == "rename-new" {
				dst = filepath.Join(filepath.Dir(dst), "new-"+strconv.Itoa(it)+".html")
			}
			moves[j] = move{src: filepath.Join(staged, stagedName(j)), dst: dst}
			if err := stageFile(moves[j].src, body, strings.HasPrefix(mode, "writeback-")); err != nil {
				b.Fatal(err)
			}
		}
		stageCPU += benchCPU(b) - c
		b.StartTimer()
		c0, w0 := benchCPU(b), time.Now()
		var next atomic.Int64
		var wg sync.WaitGroup
		errs := make([]error, len(moves))
		for w := 0; w < 8; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for k := next.Add(1) - 1; k < int64(len(moves)); k = next.Add(1) - 1 {
					errs[k] = replaceOne(mode, moves[k], filepath.Join(retired, strconv.FormatInt(k, 10)))
				}
			}()
		}
		wg.Wait()
		commitCPU += benchCPU(b) - c0
		commitWall += time.Since(w0)
		for _, err := range errs {
			if err != nil {
				b.Fatal(err)
			}
		}
		c1 := benchCPU(b)
		for _, d := range []string{staged, retired} {
			if err := os.RemoveAll(d); err != nil {
				b.Fatal(err)
			}
		}
		removalCPU += benchCPU(b) - c1
	}
	per := float64(b.N * benchChanged)
	b.ReportMetric(float64(stageCPU.Nanoseconds())/1e3/per, "stage-cpu-µs/page")
	b.ReportMetric(float64(commitCPU.Nanoseconds())/1e3/per, "commit-cpu-µs/page")
	b.ReportMetric(float64(commitWall.Nanoseconds())/1e3/per, "commit-wall-µs/page")
	b.ReportMetric(float64(removalCPU.Nanoseconds())/1e3/per, "removal-cpu-µs/page")
}

func replaceOne(mode string, m move, link string) error {
	switch mode {
	case "link-rename":
		if err := os.Link(m.dst, link); err != nil {
			return err
		}
	case "exchange", "writeback-exchange":
		return unix.Renameat2(unix.AT_FDCWD, m.src, unix.AT_FDCWD, m.dst, unix.RENAME_EXCHANGE)
	}
	return os.Rename(m.src, m.dst)
}

func stageFile(name string, body []byte, writeback bool) error {
	f, err := os.Create(name)
	if err != nil {
		return err
	}
	_, err = f.Write(body)
	if err == nil && writeback {
		err = unix.SyncFileRange(int(f.Fd()), 0, 0, unix.SYNC_FILE_RANGE_WRITE)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}
