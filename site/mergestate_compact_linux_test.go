package site

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/spf13/afero"

	"github.com/newsline/timeline/internal/newscorpus"
)

// TestSessionCompactsOnOSFiles: a Session on the operating system's file
// system, whose saves write the events file anew once it holds any garbage
// past a quarter (eventsSlack 0, where sites this small never would), keeps
// no more mappings of events files a later save replaced as it compacts
// (only those events were decoded from: the file the session's first build
// read, whose events' strings point into it), keeps the bytes its saves appended mapped from the
// file rather than in its heap, adds no part of the file for a save that
// appended nothing, and publishes what a --no-cache build does. Before, each
// compaction left one more mapping of a deleted events file (held until the
// process ended, with its blocks), every append stayed in the heap, and an
// unchanged build added an empty part.
func TestSessionCompactsOnOSFiles(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a 12-article site about 30 times")
	}
	defer func(w time.Duration) { racyWindow = w }(racyWindow)
	racyWindow = -time.Hour
	defer func(v int64) { eventsSlack = v }(eventsSlack)
	eventsSlack = 0
	fs := afero.NewOsFs()
	corpus := newscorpus.New(53)
	for _, fresh := range []bool{true, false} {
		root := t.TempDir()
		opts := Options{ContentDir: filepath.Join(root, "content"), SeedsDir: "-", OutDir: filepath.Join(root, "public"),
			CacheDir: filepath.Join(root, "cache"), Version: "compact-test", Workers: 2, MapCache: true}
		for i := 0; i < 12; i++ {
			writeFiles(t, fs, map[string]string{filepath.Join(opts.ContentDir, fmt.Sprintf("a%02d.md", i)): string(corpus.Article(i))})
		}
		if !fresh { // the session's first build reads the state a build saved
			if _, err := Build(fs, opts); err != nil {
				t.Fatal(err)
			}
		}
		events := filepath.Join(opts.CacheDir, mergeEventsFile)
		var s Session
		compactions, appends, deletedAfterFirst := 0, 0, -1
		var lastIno uint64
		var lastSize int64
		prevParts := -1
		for k := 0; k < 14; k++ {
			step := fmt.Sprintf("fresh %v, build %d", fresh, k)
			edited := k%4 != 3 // every fourth build changes nothing
			if edited {
				name := filepath.Join(opts.ContentDir, fmt.Sprintf("b%02d.md", k%2))
				if k%4 == 2 {
					_ = fs.Remove(name)
				} else {
					writeFiles(t, fs, map[string]string{name: string(corpus.Article(100 + k))})
				}
			}
			if _, err := s.Build(fs, opts); err != nil {
				t.Fatalf("%s: %v", step, err)
			}
			s.Wait()
			if s.kept == nil {
				t.Fatalf("%s: the session kept no state", step)
			}
			info, err := os.Stat(events)
			if err != nil {
				t.Fatal(err)
			}
			ino := info.Sys().(*syscall.Stat_t).Ino
			switch {
			case ino != lastIno:
				compactions++
			case info.Size() > lastSize:
				appends++
			}
			parts, inHeap := s.kept.st.SideParts()
			if inHeap > 0 {
				t.Errorf("%s: %d of the state's %d parts of the events file are in the heap, want all mapped from the file", step, inHeap, parts)
			}
			if !edited && ino == lastIno && info.Size() == lastSize && parts != prevParts {
				t.Errorf("%s: a save that appended nothing holds %d parts of the events file, %d before", step, parts, prevParts)
			}
			prevParts = parts
			// At most one mapping of a replaced file more than after the
			// first compaction: the one the state's own adjacency lists
			// may lie in (a save that renumbers the candidates writes
			// every list anew for the file, and the state keeps its own).
			// A session that read its state keeps that file's mappings
			// (its events were decoded from it, its arrays mapped).
			deleted := deletedMappings(t, events)
			if compactions == 2 && deletedAfterFirst < 0 {
				deletedAfterFirst = deleted
			}
			if deletedAfterFirst >= 0 && deleted > deletedAfterFirst+1 || fresh && deleted > 1 {
				t.Errorf("%s (%d compactions): %d mappings of replaced events files, %d after the first compaction", step, compactions, deleted, deletedAfterFirst)
			}
			lastIno, lastSize = ino, info.Size()
			checkSameAsFullBuild(t, fs, opts, step)
		}
		t.Logf("fresh %v: %d builds wrote the events file anew, %d appended", fresh, compactions, appends)
		if compactions < 3 || appends < 3 {
			t.Errorf("fresh %v: %d builds wrote the events file anew, %d appended: want both, several times", fresh, compactions, appends)
		}
		// A fresh process reads what the session left.
		writeFiles(t, fs, map[string]string{filepath.Join(opts.ContentDir, "c00.md"): string(corpus.Article(200))})
		if sum, err := Build(fs, opts); err != nil || len(sum.Warnings) > 0 {
			t.Fatalf("fresh %v: a build after the session: %v, warnings %q", fresh, err, sum.Warnings)
		}
		checkSameAsFullBuild(t, fs, opts, fmt.Sprintf("fresh %v, a build after the session", fresh))
		s.kept.st.Release()
		s.kept = nil
	}
}

// deletedMappings counts the process's mappings of a file named name that
// was deleted or replaced since it was mapped.
func deletedMappings(t *testing.T, name string) int {
	t.Helper()
	maps, err := os.ReadFile("/proc/self/maps")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, line := range strings.Split(string(maps), "\n") {
		if strings.HasSuffix(line, name+" (deleted)") {
			n++
		}
	}
	return n
}
