package site

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"testing"
	"time"
	"unsafe"

	"github.com/spf13/afero"

	"github.com/newsline/timeline/internal/newscorpus"
	"github.com/newsline/timeline/timeline"
	"github.com/newsline/timeline/timeline/merge"
)

// mappedStateFile saves the state of all articles but the last on the
// operating system's file system and returns the file's name.
func mappedStateFile(t *testing.T, arts []timeline.Article, per [][]timeline.Event, keys [][32]byte) (fs afero.Fs, cacheDir, name string) {
	t.Helper()
	fs, cacheDir = afero.NewOsFs(), filepath.Join(t.TempDir(), "cache")
	name = filepath.Join(cacheDir, mergeStateFile)
	n := len(arts) - 1
	_, st := merge.NewState(arts[:n], func(i int) []timeline.Event { return per[i] }, keys[:n])
	if err := saveMergeState(fs, cacheDir, name, "v1", st); err != nil {
		t.Fatal(err)
	}
	return fs, cacheDir, name
}

// TestMappedMergeStateOutlivesItsFile: the events of a state whose events
// section is mapped point into the mapping, and stay right after the file
// is removed (takeMergeState), another state is saved under its name
// (write and rename), and its resident pages are released.
func TestMappedMergeStateOutlivesItsFile(t *testing.T) {
	arts, per, keys := stateInput(12)
	events := func(i int) []timeline.Event { return per[i] }
	fs, cacheDir, name := mappedStateFile(t, arts, per, keys)
	st, mapping, err := readMergeState(fs, name, "v1", true)
	if st == nil || err != nil {
		t.Fatalf("reading the state: %v", err)
	}
	if _, warn := takeMergeState(fs, name, "v1", true, true); warn != "" { // removes the file
		t.Fatalf("taking the state: %q", warn)
	}
	if mapping == nil {
		if runtime.GOOS == "linux" {
			t.Fatal("the events section was not mapped")
		}
		t.Skip("no file mapping here")
	}
	if ok, _ := afero.Exists(fs, name); ok {
		t.Fatal("the state file is still there after it was taken")
	}
	if got := st.MappedArrays(); runtime.GOOS == "linux" && got != 11 {
		t.Fatalf("%d of the 11 arrays (candidates, adjacency ends, arena, sentence table) were mapped from the file", got)
	}
	_, other := merge.NewState(arts[:3], events, keys[:3])
	if err := saveMergeState(fs, cacheDir, name, "v1", other); err != nil {
		t.Fatal(err)
	}
	releaseResident(mapping)
	tl, ch := st.Update(arts, events, keys)
	if !reflect.DeepEqual(tl, merge.Merge(arts, per)) || !ch.Known {
		t.Fatalf("the mapped state's update differs from Merge (changes known %v)", ch.Known)
	}
	inMapping := 0
	lo := uintptr(unsafe.Pointer(&mapping[0]))
	for _, e := range tl.Events {
		if p := uintptr(unsafe.Pointer(unsafe.StringData(e.Title))); p >= lo && p < lo+uintptr(len(mapping)) {
			inMapping++
		}
	}
	if inMapping == 0 {
		t.Fatal("no event's title points into the mapping: the test checks nothing")
	}
}

// TestMappedMergeStateRefusesDamage: a truncated, cut or flipped state file,
// mapped, gives an error and no mapping, never a panic or a state.
func TestMappedMergeStateRefusesDamage(t *testing.T) {
	arts, per, keys := stateInput(10)
	fs, _, name := mappedStateFile(t, arts, per, keys)
	good, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	header := len(stateFileHeader("v1"))
	cases := map[string][]byte{
		"header only":     good[:header],
		"cut in the head": good[:header+(len(good)-header)/4],
		"cut in events":   good[:len(good)-40],
		"tail lost":       good[:len(good)-merge.StateTailLen],
	}
	for _, at := range []int{header + 1, header + 50, len(good) / 2, len(good) - 30, len(good) - 14, len(good) - 2} {
		b := append([]byte(nil), good...)
		b[at] ^= 0x5a
		cases[fmt.Sprintf("flip at %d", at)] = b
	}
	for what, b := range cases {
		if err := os.WriteFile(name, b, 0o644); err != nil {
			t.Fatal(err)
		}
		for _, mapEvents := range []bool{true, false} {
			st, mapping, err := readMergeState(fs, name, "v1", mapEvents)
			if err == nil || st != nil || mapping != nil {
				t.Errorf("%s (map events %v): state %v, mapping %v, error %v; want an error only", what, mapEvents, st != nil, mapping != nil, err)
			}
		}
	}
	if err := os.WriteFile(name, good, 0o644); err != nil {
		t.Fatal(err)
	}
	if st, _, err := readMergeState(fs, name, "v1", true); err != nil || st == nil {
		t.Fatalf("the good file again: %v", err)
	}
}

// TestMappedStateBuildsMatchAFullBuild: builds on the operating system's
// file system with MapCache, each in a new Session (a fresh process: the
// state is read from its mapped file) followed by a second build in the same
// Session (merging on the kept state, whose events point into the mapping
// of a file since removed and replaced), give the site a --no-cache build
// gives, merging incrementally; so does a build on its own after them.
func TestMappedStateBuildsMatchAFullBuild(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a 16-article site a dozen times")
	}
	defer func(w time.Duration) { racyWindow = w }(racyWindow)
	racyWindow = -time.Hour
	root, fs := t.TempDir(), afero.NewOsFs()
	at := func(name string) string { return filepath.Join(root, name) }
	corpus := newscorpus.New(44)
	for i := 0; i < 16; i++ {
		writeFiles(t, fs, map[string]string{at(fmt.Sprintf("content/a%02d.md", i)): string(corpus.Article(i))})
	}
	opts := Options{ContentDir: at("content"), SeedsDir: "-", OutDir: at("public"), CacheDir: at("cache"),
		Version: "mapped-state-test", Workers: 2, MapCache: true}
	if _, err := Build(fs, opts); err != nil {
		t.Fatal(err)
	}
	edits := []func(k int){
		func(k int) {
			writeFiles(t, fs, map[string]string{at(fmt.Sprintf("content/b%02d.md", k)): string(corpus.Article(100 + k))})
		},
		func(k int) {
			writeFiles(t, fs, map[string]string{at("content/a03.md"): string(corpus.Article(200 + k))})
		},
		func(k int) { _ = fs.Remove(at(fmt.Sprintf("content/a%02d.md", 5+k))) },
	}
	for k, edit := range edits {
		var s Session
		for round := 0; round < 2; round++ {
			edit(2*k + round)
			sum, err := s.Build(fs, opts)
			if err != nil {
				t.Fatal(err)
			}
			step := fmt.Sprintf("edit %d, build %d of a session", k, round+1)
			t.Logf("%s: re-planned %d of %d", step, sum.Replanned, sum.Events)
			if len(sum.Warnings) > 0 || sum.Replanned*4 > sum.Events {
				t.Errorf("%s: warnings %q, re-planned %d of %d events (want a few: the state was used)", step, sum.Warnings, sum.Replanned, sum.Events)
			}
			if warm := s.WarmBuilds() == 1; warm != (round == 1) {
				t.Errorf("%s: merged on the kept state: %v", step, warm)
			}
			checkSameAsFullBuild(t, fs, opts, step)
		}
		s.Wait()
	}
	// A build on its own (timeline build, MapCache) maps the events section too.
	writeFiles(t, fs, map[string]string{at("content/c00.md"): string(corpus.Article(300))})
	sum, err := Build(fs, opts)
	if err != nil {
		t.Fatal(err)
	}
	if len(sum.Warnings) > 0 || sum.Replanned*4 > sum.Events {
		t.Errorf("a build on its own: warnings %q, re-planned %d of %d events (want a few)", sum.Warnings, sum.Replanned, sum.Events)
	}
	checkSameAsFullBuild(t, fs, opts, "a build on its own")
}

// TestSessionReleasesAMappedStateItDrops: a Session's kept state whose
// arrays are mapped from the state file (MapCache) is released (unmapped)
// when the next build cannot use it, because another build saved its own
// state since; that build decodes the file again, and the site is a full
// build's.
func TestSessionReleasesAMappedStateItDrops(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the arrays are mapped on Linux only")
	}
	fs, dir := afero.NewOsFs(), t.TempDir()
	corpus := newscorpus.New(53)
	write := func(i int) {
		name := filepath.Join(dir, "content", fmt.Sprintf("a%02d.md", i))
		writeFiles(t, fs, map[string]string{name: string(corpus.Article(i))})
	}
	for i := 0; i < 6; i++ {
		write(i)
	}
	opts := Options{ContentDir: filepath.Join(dir, "content"), SeedsDir: "-", OutDir: filepath.Join(dir, "public"),
		CacheDir: filepath.Join(dir, "cache"), Version: "release-test", Workers: 2, MapCache: true}
	if _, err := Build(fs, opts); err != nil { // saves the state the session's first build maps
		t.Fatal(err)
	}
	var s Session
	write(6)
	if _, err := s.Build(fs, opts); err != nil {
		t.Fatal(err)
	}
	s.Wait()
	write(7)
	if _, err := Build(fs, opts); err != nil { // another build: the kept state no longer matches the file
		t.Fatal(err)
	}
	before := arraysReleased.Load()
	write(8)
	if _, err := s.Build(fs, opts); err != nil {
		t.Fatal(err)
	}
	s.Wait()
	if arraysReleased.Load() == before {
		t.Error("the dropped kept state's mapped arrays were not released")
	}
	if s.WarmBuilds() != 0 {
		t.Errorf("%d builds merged on a kept state that no longer matched the file", s.WarmBuilds())
	}
	checkSameAsFullBuild(t, fs, opts, "after a dropped mapped state")
}

// TestSessionReleasesTheStateOfAFailedBuild: a Session build that fails
// keeps no merge state, and gives back the mapped arrays of the state it
// dropped: one that failed after merging on the kept state (an article
// that does not parse), and one that stopped before merging (no content
// folder). The next builds read the state file and publish a full build's
// site.
func TestSessionReleasesTheStateOfAFailedBuild(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the arrays are mapped on Linux only")
	}
	fs, dir := afero.NewOsFs(), t.TempDir()
	corpus := newscorpus.New(59)
	content := filepath.Join(dir, "content")
	write := func(name string, data []byte) {
		writeFiles(t, fs, map[string]string{filepath.Join(content, name): string(data)})
	}
	for i := 0; i < 6; i++ {
		write(fmt.Sprintf("a%02d.md", i), corpus.Article(i))
	}
	opts := Options{ContentDir: content, SeedsDir: "-", OutDir: filepath.Join(dir, "public"),
		CacheDir: filepath.Join(dir, "cache"), Version: "release-test", Workers: 2, MapCache: true}
	if _, err := Build(fs, opts); err != nil { // saves the state the session's first build maps
		t.Fatal(err)
	}
	var s Session
	build := func(step string, fails bool, warm int) {
		t.Helper()
		before := arraysReleased.Load()
		_, err := s.Build(fs, opts)
		s.Wait()
		if (err != nil) != fails {
			t.Fatalf("%s: error %v, want one: %v", step, err, fails)
		}
		if released := arraysReleased.Load() > before; released != fails {
			t.Errorf("%s: the mapped arrays were released: %v (want %v)", step, released, fails)
		}
		if s.WarmBuilds() != warm {
			t.Errorf("%s: %d builds merged on a kept state, want %d", step, s.WarmBuilds(), warm)
		}
	}
	write("a06.md", corpus.Article(6))
	build("first session build", false, 0)
	write("a07.md", corpus.Article(7))
	write("bad.txt", []byte("BAD\n"))
	build("a build failing after its merge", true, 1)
	if err := os.Remove(filepath.Join(content, "bad.txt")); err != nil {
		t.Fatal(err)
	}
	build("after the failed merge", false, 1)
	checkSameAsFullBuild(t, fs, opts, "after the failed merge")
	if err := os.Rename(content, content+".away"); err != nil {
		t.Fatal(err)
	}
	build("a build failing before its merge", true, 1)
	if err := os.Rename(content+".away", content); err != nil {
		t.Fatal(err)
	}
	write("a08.md", corpus.Article(8))
	build("after the build that did not merge", false, 1)
	checkSameAsFullBuild(t, fs, opts, "after the build that did not merge")
	write("a09.md", corpus.Article(9))
	build("a build on the kept state again", false, 2)
	checkSameAsFullBuild(t, fs, opts, "a build on the kept state again")
}
