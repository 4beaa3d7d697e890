package site

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"testing"

	"github.com/spf13/afero"

	"github.com/newsline/timeline/internal/newscorpus"
	"github.com/newsline/timeline/timeline"
)

// gcPercentNow returns the collector's GOGC percentage without changing it.
func gcPercentNow() int {
	p := debug.SetGCPercent(-1)
	debug.SetGCPercent(p)
	return p
}

// Pauses nest: the collector stays off until the last pause ends, and a
// pause's resume counts once however often it is called.
func TestPauseGCNests(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(77))
	first := pauseGC()
	second := pauseGC()
	if p := gcPercentNow(); p != -1 {
		t.Fatalf("paused twice: GOGC %d, want -1", p)
	}
	first()
	first() // a second call does nothing
	if p := gcPercentNow(); p != -1 {
		t.Fatalf("one of two pauses over (its resume called twice): GOGC %d, want -1", p)
	}
	second()
	if p := gcPercentNow(); p != 77 {
		t.Fatalf("both pauses over: GOGC %d, want 77 (the percentage before them)", p)
	}
}

// A build's merge runs an incremental state's Update with the collector
// paused (takeAndMerge), and a full merge (no state: noCache, or none saved)
// with it on; either way it is on again afterwards.
func TestTakeAndMergePausesIncrementalUpdates(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	fs := afero.NewMemMapFs()
	arts, per, keys := stateInput(12)
	name := filepath.Join("cache", mergeStateFile)
	merged := func(n int, noCache bool) (gogc int, incremental bool) {
		t.Helper()
		gogc = 100
		events := func(i int) []timeline.Event {
			gogc = min(gogc, gcPercentNow()) // called during the merge, for the articles it reads
			return per[i]
		}
		tl, ch, st, warn := takeAndMerge(fs, name, "v1", noCache, false, arts[:n], events, keys[:n])
		if warn != "" || len(tl.Events) == 0 {
			t.Fatalf("merge of %d articles: warning %q, %d events", n, warn, len(tl.Events))
		}
		if err := saveMergeState(fs, "cache", name, "v1", st); err != nil {
			t.Fatal(err)
		}
		if p := gcPercentNow(); p != 100 {
			t.Fatalf("after the merge of %d articles: GOGC %d, want 100", n, p)
		}
		return gogc, ch.Known
	}
	if gogc, known := merged(11, false); known || gogc != 100 {
		t.Fatalf("first merge (no state): changes known %v, GOGC %d during it; want a full merge, collector on", known, gogc)
	}
	if gogc, known := merged(12, false); !known || gogc != -1 {
		t.Fatalf("one article added: changes known %v, GOGC %d during the Update; want an incremental merge, collector off", known, gogc)
	}
	if gogc, known := merged(12, true); known || gogc != 100 {
		t.Fatalf("noCache: changes known %v, GOGC %d during it; want a full merge, collector on", known, gogc)
	}
}

// A Session's build that reads the state from its file (its first, or one
// after another process built) runs the Update with the collector paused, as
// a build on its own does; a warm build, from the kept state, does not pause.
func TestSessionPausesUpdatesOfStatesReadFromFile(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	gogc := 0
	sessionMerged = func(timeline.Timeline) { gogc = gcPercentNow() } // right after the Update
	defer func() { sessionMerged = nil }()
	fs := afero.NewMemMapFs()
	corpus := newscorpus.New(11)
	for i := 0; i < 6; i++ {
		writeFiles(t, fs, map[string]string{fmt.Sprintf("content/a%02d.md", i): string(corpus.Article(i))})
	}
	opts := Options{ContentDir: "content", SeedsDir: "-", OutDir: "public", CacheDir: "cache", Version: "gc-test", Workers: 2}
	if _, err := Build(fs, opts); err != nil { // saves the state file
		t.Fatal(err)
	}
	writeFiles(t, fs, map[string]string{"content/a06.md": string(corpus.Article(6))})
	var s Session
	for build, want := range []int{-1, 100} { // read from the file, then kept
		writeFiles(t, fs, map[string]string{fmt.Sprintf("content/b%02d.md", build): string(corpus.Article(20 + build))})
		if _, err := s.Build(fs, opts); err != nil {
			t.Fatal(err)
		}
		s.Wait()
		if gogc != want || gcPercentNow() != 100 {
			t.Fatalf("session build %d: GOGC %d after its Update, %d after the build; want %d, 100", build, gogc, gcPercentNow(), want)
		}
	}
	if s.WarmBuilds() != 1 {
		t.Fatalf("%d warm builds, want 1 (the second)", s.WarmBuilds())
	}
}

// panicStateFs panics on opening the merge state file for reading (a file
// system's bug, as a driver's) once on is set.
type panicStateFs struct {
	afero.Fs
	on bool
}

func (f *panicStateFs) panicOn(name string) {
	if f.on && filepath.Base(name) == mergeStateFile {
		panic("panicStateFs: reading " + name)
	}
}

func (f *panicStateFs) Open(name string) (afero.File, error) {
	f.panicOn(name)
	return f.Fs.Open(name)
}

func (f *panicStateFs) OpenFile(name string, flag int, perm os.FileMode) (afero.File, error) {
	if flag&(os.O_WRONLY|os.O_RDWR) == 0 {
		f.panicOn(name)
	}
	return f.Fs.OpenFile(name, flag, perm)
}

// A panic while the state is read (takeMergeState, before the caller can
// defer the resume takePaused returns) ends the pause on its way up: after
// the build that fails, on its own or a Session's, the collector is on and no
// pause is counted.
func TestPanicReadingStateResumesCollector(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	for _, session := range []bool{false, true} {
		fs := &panicStateFs{Fs: afero.NewMemMapFs()}
		corpus := newscorpus.New(11)
		for i := 0; i < 4; i++ {
			writeFiles(t, fs, map[string]string{fmt.Sprintf("content/a%02d.md", i): string(corpus.Article(i))})
		}
		opts := Options{ContentDir: "content", SeedsDir: "-", OutDir: "public", CacheDir: "cache", Version: "gc-test", Workers: 2}
		if _, err := Build(fs, opts); err != nil { // saves the state file
			t.Fatal(err)
		}
		if _, err := fs.Stat(filepath.Join("cache", mergeStateFile)); err != nil {
			t.Fatalf("no state saved by the first build: %v", err)
		}
		writeFiles(t, fs, map[string]string{"content/a04.md": string(corpus.Article(4))})
		fs.on = true
		var err error
		if session {
			var s Session
			_, err = s.Build(fs, opts)
			s.Wait()
		} else {
			_, err = Build(fs, opts)
		}
		if err == nil {
			t.Fatalf("session %v: the build whose state read panicked returned no error", session)
		}
		gcPaused.Lock()
		n := gcPaused.n
		gcPaused.Unlock()
		if p := gcPercentNow(); p != 100 || n != 0 {
			t.Fatalf("session %v: after the build that panicked (%v): GOGC %d, %d pauses under way; want 100, 0", session, err, p, n)
		}
	}
}
