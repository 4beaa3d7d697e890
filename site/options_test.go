package site

import (
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"testing"

	"github.com/spf13/afero"

	"github.com/newsline/timeline/timeline"
)

// A build with a mapped pack takes the pack's resident pages (and, after
// the merge, the other file-backed memory) off its memory limit, unless
// HeapOnlyLimit says the limit is the heap's alone (timeline serve).
func TestHeapOnlyLimitLeavesTheMappedPackOffTheLimit(t *testing.T) {
	if _, set := os.LookupEnv("GOMEMLIMIT"); set {
		t.Skip("GOMEMLIMIT is set: builds leave the limit alone")
	}
	dir := t.TempDir()
	if _, err := writeCorpus(filepath.Join(dir, "content"), 11, 20); err != nil {
		t.Fatal(err)
	}
	const limit = 300 << 20
	opts := Options{ContentDir: filepath.Join(dir, "content"), SeedsDir: "-", OutDir: filepath.Join(dir, "public"),
		CacheDir: filepath.Join(dir, "cache"), Version: "test", MapCache: true, MemoryLimit: limit}
	if _, err := Build(afero.NewOsFs(), opts); err != nil { // writes the pack the next builds map
		t.Fatal(err)
	}
	limitInPlan := func(heapOnly bool) int64 {
		var seen int64
		o := opts
		o.HeapOnlyLimit = heapOnly
		o.Stages.Plan = func(afero.Fs, string, timeline.Timeline) ([]Page, error) {
			seen = debug.SetMemoryLimit(-1)
			return []Page{{Path: "index.html", Key: "k", Render: func(w io.Writer) error { _, err := io.WriteString(w, "<p>"); return err }}}, nil
		}
		if _, err := Build(afero.NewOsFs(), o); err != nil {
			t.Fatal(err)
		}
		return seen
	}
	if got := limitInPlan(false); got >= limit || got < limit/4 {
		t.Errorf("memory limit in the plan stage %d MiB, want below %d MiB (the file-backed memory reserved) and at least a quarter of it", got>>20, limit>>20)
	}
	if got := limitInPlan(true); got != limit {
		t.Errorf("with HeapOnlyLimit, memory limit in the plan stage %d MiB, want %d MiB", got>>20, limit>>20)
	}
	if got := debug.SetMemoryLimit(-1); got == limit {
		t.Errorf("the build left its memory limit set")
	}
}

// A server's build (HeapOnlyLimit) leaves the mapped pack resident for its
// next rebuild; a build on its own drops the pack's pages after writing.
func TestHeapOnlyLimitKeepsThePackResident(t *testing.T) {
	dir := t.TempDir()
	if _, err := writeCorpus(filepath.Join(dir, "content"), 12, 20); err != nil {
		t.Fatal(err)
	}
	opts := Options{ContentDir: filepath.Join(dir, "content"), SeedsDir: "-", OutDir: filepath.Join(dir, "public"),
		CacheDir: filepath.Join(dir, "cache"), Version: "test", MapCache: true}
	if _, err := Build(afero.NewOsFs(), opts); err != nil { // writes the pack the next builds map
		t.Fatal(err)
	}
	residentAfter := func(heapOnly bool) int64 {
		var s Session
		o := opts
		o.HeapOnlyLimit = heapOnly
		if _, err := s.Build(afero.NewOsFs(), o); err != nil {
			t.Fatal(err)
		}
		s.Wait()
		if s.pack == nil || len(s.pack.mapping) == 0 {
			t.Skip("the pack is not mapped here")
		}
		n, ok := mappedResidentBytes(s.pack.mapping)
		if !ok {
			t.Skip("resident pages cannot be counted here")
		}
		return n
	}
	if n := residentAfter(false); n != 0 {
		t.Errorf("a build on its own left %d bytes of the pack resident, want none", n)
	}
	if n := residentAfter(true); n == 0 {
		t.Errorf("a server's build left none of the pack resident")
	}
}
