package site

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/afero"

	"github.com/newsline/timeline/internal/newscorpus"
)

// mappingsOf counts the process's mappings of the file name (/proc/self/maps).
func mappingsOf(t *testing.T, name string) int {
	t.Helper()
	maps, err := os.ReadFile("/proc/self/maps")
	if err != nil {
		t.Skipf("no /proc/self/maps: %v", err)
	}
	n := 0
	for _, line := range strings.Split(string(maps), "\n") {
		if strings.HasSuffix(line, " "+name) {
			n++
		}
	}
	return n
}

// A build on its own that stops before merging releases the merge state it
// read early (dropTakenState): its mapped arrays and its mapping of the
// events file are unmapped, not left to the process (was: 12 areas of
// merge.events left in /proc/self/maps per such build at 10k; A's review of
// f489793).
func TestStateReadEarlyIsUnmappedByABuildThatStopsBeforeMerging(t *testing.T) {
	if !takeStateEarly || !stateSaveBeside {
		t.Skip("the early take is off")
	}
	dir := t.TempDir()
	fs := &panicMemoFs{Fs: afero.NewOsFs()}
	corpus := newscorpus.New(13)
	for i := 0; i < 6; i++ {
		writeFiles(t, fs, map[string]string{filepath.Join(dir, fmt.Sprintf("content/a%02d.md", i)): string(corpus.Article(i))})
	}
	opts := Options{ContentDir: filepath.Join(dir, "content"), SeedsDir: "-", OutDir: filepath.Join(dir, "public"),
		CacheDir: filepath.Join(dir, "cache"), Version: "early-unmap-test", Workers: 2, MapCache: true}
	if _, err := Build(fs, opts); err != nil {
		t.Fatal(err)
	}
	events := filepath.Join(opts.CacheDir, mergeEventsFile)
	if _, err := os.Stat(events); err != nil {
		t.Fatalf("the first build saved no events file: %v", err)
	}
	before := mappingsOf(t, events)
	writeFiles(t, fs, map[string]string{filepath.Join(dir, "content/a06.md"): string(corpus.Article(6))})
	fs.on = true
	if _, err := Build(fs, opts); err == nil || !strings.Contains(err.Error(), "panicMemoFs") {
		t.Fatalf("the build whose memo read panicked: error %v", err)
	}
	if after := mappingsOf(t, events); after != before {
		t.Errorf("mappings of %s: %d before the build that stopped before merging, %d after; want as many", events, before, after)
	}
	// The state was mapped at all: the next build, which merges with it,
	// keeps its events file mapped (its events were decoded from it).
	fs.on = false
	if _, err := Build(fs, opts); err != nil {
		t.Fatal(err)
	}
	if n := mappingsOf(t, events); n <= before {
		t.Errorf("mappings of %s after a build that merged with the state: %d, %d before; want more (the test sees no mapping)", events, n, before)
	}
}
