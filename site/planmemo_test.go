package site

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/spf13/afero"

	"github.com/newsline/timeline/internal/changediff"
	"github.com/newsline/timeline/internal/newscorpus"
	"github.com/newsline/timeline/timeline"
	"github.com/newsline/timeline/timeline/merge"
	"unsafe"
)

// referenceChanges is changediff.Between as the plan takes it.
func referenceChanges(prev, next timeline.Timeline) *timeline.Changes {
	ch := changediff.Between(prev, next)
	return &ch
}

// diffingMerge is a stateful merge for tests: merge.Merge, and Changes by
// the reference diff against the timeline it returned the previous time.
type diffingMerge struct {
	prev *timeline.Timeline
	last timeline.Timeline
}

func (d *diffingMerge) merge(arts []timeline.Article, per [][]timeline.Event) (timeline.Timeline, *timeline.Changes) {
	tl := merge.Merge(arts, per)
	var ch *timeline.Changes
	if d.prev != nil {
		ch = referenceChanges(*d.prev, tl)
	}
	d.prev, d.last = &tl, tl
	return tl, ch
}

// Over articles added, changed and deleted, overrides and settings edited,
// a build whose merge reports Changes publishes what a --no-cache build
// does, file by file, and re-plans only a few events when an article comes
// or goes; an overrides or settings edit re-plans everything.
func TestPlanMemoBuildsMatchAFullBuild(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a 20-article site a dozen times")
	}
	dm := &diffingMerge{}
	t.Run("reference diff", func(t *testing.T) {
		checkPlanMemoSteps(t, Stages{MergeChanges: dm.merge}, func(afero.Fs) string { return dm.last.Events[len(dm.last.Events)/2].ID })
	})
	// The build's own merge (merge.State kept in the cache folder) must report
	// Changes the memo can trust, through the same edits.
	t.Run("merge state", func(t *testing.T) {
		checkPlanMemoSteps(t, Stages{}, func(fs afero.Fs) string {
			dirs, err := afero.ReadDir(fs, "public/events")
			if err != nil || len(dirs) == 0 {
				t.Fatalf("no event pages: %v", err)
			}
			return dirs[len(dirs)/2].Name()
		})
	})
}

// With the buffers plan memos are read into filled with garbage when
// handed back, builds on their own and a Session's builds (whose memos
// reuse the buffers) still publish what --no-cache builds do: nothing
// reads a memo after its build released it.
func TestPlanMemoBuildsWithPoisonedBuffers(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a 20-article site a dozen times")
	}
	poisonMemoFiles = true
	t.Cleanup(func() { poisonMemoFiles = false })
	pickID := func(fs afero.Fs) string {
		dirs, err := afero.ReadDir(fs, "public/events")
		if err != nil || len(dirs) == 0 {
			t.Fatalf("no event pages: %v", err)
		}
		return dirs[len(dirs)/2].Name()
	}
	t.Run("build", func(t *testing.T) { checkPlanMemoSteps(t, Stages{}, pickID) })
	t.Run("session", func(t *testing.T) {
		var session Session
		checkPlanMemoStepsWith(t, Stages{}, pickID, func(fs afero.Fs, o Options) (Summary, error) {
			defer session.Wait()
			return session.Build(fs, o)
		})
	})
}

func checkPlanMemoSteps(t *testing.T, stages Stages, pickID func(afero.Fs) string) {
	checkPlanMemoStepsWith(t, stages, pickID, Build)
}

func checkPlanMemoStepsWith(t *testing.T, stages Stages, pickID func(afero.Fs) string, build func(afero.Fs, Options) (Summary, error)) {
	checkPlanMemoStepsOn(t, afero.NewMemMapFs(), stages, pickID, build)
}

// On the operating system's file system the memo is mapped, not read
// (takePlanMemo), and unmapped when released: builds on their own, a
// Session's, and failed builds between (which release it through
// build()'s defer) still publish what --no-cache builds do. Every build
// but the first maps its memo (fails when none is mapped); one that read
// a byte of it after the unmap would crash the test.
func TestPlanMemoMappedOnTheOSFilesystem(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a 20-article site a dozen times")
	}
	if runtime.GOOS != "linux" {
		t.Skip("the memo is mapped on Linux only")
	}
	pickID := func(fs afero.Fs) string {
		dirs, err := afero.ReadDir(fs, "public/events")
		if err != nil || len(dirs) == 0 {
			t.Fatalf("no event pages: %v", err)
		}
		return dirs[len(dirs)/2].Name()
	}
	for _, way := range []string{"build", "session"} {
		t.Run(way, func(t *testing.T) {
			t.Chdir(t.TempDir())
			maps, unmaps := memoMaps.Load(), memoUnmaps.Load()
			build := Build
			var session Session
			if way == "session" {
				build = func(fs afero.Fs, o Options) (Summary, error) {
					defer session.Wait()
					return session.Build(fs, o)
				}
			}
			checkPlanMemoStepsOn(t, afero.NewOsFs(), Stages{}, pickID, build)
			if memoMaps.Load() == maps {
				t.Error("no plan memo was mapped")
			}
			if m, u := memoMaps.Load()-maps, memoUnmaps.Load()-unmaps; m != u {
				t.Errorf("%d memos mapped, %d unmapped", m, u)
			}
		})
	}
	// A build that fails after taking the memo unmaps it too (build()'s
	// defer), and the next build plans in full, as after any failed build.
	t.Run("failing", func(t *testing.T) {
		t.Chdir(t.TempDir())
		fs := afero.NewOsFs()
		corpus := newscorpus.New(31)
		for i := 0; i < 10; i++ {
			writeFiles(t, fs, map[string]string{fmt.Sprintf("content/a%02d.md", i): string(corpus.Article(i))})
		}
		opts := Options{ContentDir: "content", SeedsDir: "-", OutDir: "public", CacheDir: "cache", Version: "memo-test", Workers: 2}
		if _, err := Build(fs, opts); err != nil {
			t.Fatal(err)
		}
		maps, unmaps := memoMaps.Load(), memoUnmaps.Load()
		failing := opts
		failing.Stages.Plan = func(afero.Fs, string, timeline.Timeline) ([]Page, error) {
			return nil, errors.New("planning failed")
		}
		if _, err := Build(fs, failing); err == nil {
			t.Fatal("a failing plan did not fail the build")
		}
		if m, u := memoMaps.Load()-maps, memoUnmaps.Load()-unmaps; m != 1 || u != 1 {
			t.Errorf("the failed build mapped %d memos and unmapped %d, want 1 and 1", m, u)
		}
		sum, err := Build(fs, opts)
		if err != nil {
			t.Fatal(err)
		}
		if sum.Replanned != sum.Events {
			t.Errorf("after a failed build: re-planned %d of %d events, want all", sum.Replanned, sum.Events)
		}
		checkSameAsFullBuild(t, fs, opts, "after a failed build")
	})
}

func checkPlanMemoStepsOn(t *testing.T, fs afero.Fs, stages Stages, pickID func(afero.Fs) string, build func(afero.Fs, Options) (Summary, error)) {
	corpus := newscorpus.New(31)
	for i := 0; i < 20; i++ {
		writeFiles(t, fs, map[string]string{fmt.Sprintf("content/a%02d.md", i): string(corpus.Article(i))})
	}
	opts := Options{ContentDir: "content", SeedsDir: "-", OutDir: "public", CacheDir: "cache", Version: "memo-test", Workers: 2,
		Stages: stages}
	if _, err := build(fs, opts); err != nil {
		t.Fatal(err)
	}
	someID := func() string { return pickID(fs) }
	steps := []struct {
		name   string
		edit   func()
		replan string // "few": under a fifth of the events; "all"
	}{
		{"add", func() { writeFiles(t, fs, map[string]string{"content/b00.md": string(corpus.Article(100))}) }, "few"},
		{"change", func() { writeFiles(t, fs, map[string]string{"content/a03.md": string(corpus.Article(101))}) }, "few"},
		{"delete", func() { fs.Remove("content/a07.md") }, "few"},
		{"overrides", func() {
			writeFiles(t, fs, map[string]string{"content/overrides.yaml": "- id: " + someID() + "\n  title: Corrected by the editor\n"})
		}, "all"},
		{"add with overrides", func() { writeFiles(t, fs, map[string]string{"content/b01.md": string(corpus.Article(102))}) }, "few"},
		{"settings", func() { writeFiles(t, fs, map[string]string{"content/_index.md": "---\ntitle: Other\n---\nAbout.\n"}) }, "all"},
		{"add after settings", func() { writeFiles(t, fs, map[string]string{"content/b02.md": string(corpus.Article(103))}) }, "few"},
	}
	for _, st := range steps {
		st.edit()
		sum, err := build(fs, opts)
		if err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		switch {
		case st.replan == "all" && sum.Replanned != sum.Events:
			t.Errorf("%s: re-planned %d of %d events, want all", st.name, sum.Replanned, sum.Events)
		case st.replan == "few" && (sum.Replanned == 0 || sum.Replanned*5 > sum.Events):
			t.Errorf("%s: re-planned %d of %d events, want a few", st.name, sum.Replanned, sum.Events)
		}
		checkSameAsFullBuild(t, fs, opts, st.name)
	}
}

// A build that stops after the memo was taken (here, a merge that panics)
// leaves none behind: the next build's Changes may describe the failed
// build's merge, which no memo describes.
func TestPlanMemoIsGoneAfterAFailedBuild(t *testing.T) {
	fs, _, opts, _ := builtMemoSite(t, 37, 2)
	memo := filepath.Join("cache", planMemoFile)
	if ok, _ := afero.Exists(fs, memo); !ok {
		t.Fatal("a successful build saved no plan memo")
	}
	failing := opts
	failing.Stages.MergeChanges = func([]timeline.Article, [][]timeline.Event) (timeline.Timeline, *timeline.Changes) {
		panic("merge state written, then killed")
	}
	if _, err := Build(fs, failing); err == nil {
		t.Fatal("a panicking merge did not fail the build")
	}
	if ok, _ := afero.Exists(fs, memo); ok {
		t.Error("a failed build left the previous plan memo")
	}
}

// A damaged memo, another tool version's, or --no-cache: a full plan and
// the full build's site.
func TestPlanMemoDistrustsDamageAndVersions(t *testing.T) {
	fs, corpus, opts, _ := builtMemoSite(t, 41, 6)
	memo := filepath.Join("cache", planMemoFile)
	for step, c := range []struct {
		name   string
		spoil  func(o *Options)
		reused bool
	}{
		{"intact", func(*Options) {}, true},
		{"one byte flipped", func(*Options) {
			data := []byte(readFile(t, fs, memo))
			data[len(data)*2/3] ^= 0x04
			writeFiles(t, fs, map[string]string{memo: string(data)})
		}, false},
		{"cut short", func(*Options) {
			data := readFile(t, fs, memo)
			writeFiles(t, fs, map[string]string{memo: data[:len(data)-9]})
		}, false},
		{"other version", func(o *Options) { o.Version = "memo-test-2" }, false},
		{"--no-cache", func(o *Options) { o.NoCache = true }, false},
	} {
		o := opts
		c.spoil(&o)
		writeFiles(t, fs, map[string]string{fmt.Sprintf("content/new%d.md", step): string(corpus.Article(50 + step))})
		sum, err := Build(fs, o)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if reused := sum.Replanned < sum.Events; reused != c.reused {
			t.Errorf("%s: re-planned %d of %d events", c.name, sum.Replanned, sum.Events)
		}
		checkSameAsFullBuild(t, fs, o, c.name)
	}
}

// An override that merges two events makes the kept one change when the
// folded one does, though the merge reports only the folded one: the plan
// must count every event the overrides touch as changed.
func TestPlanMemoCountsEventsTheOverridesTouch(t *testing.T) {
	fs := afero.NewMemMapFs()
	corpus := newscorpus.New(43)
	for i := 0; i < 4; i++ {
		writeFiles(t, fs, map[string]string{fmt.Sprintf("content/a%d.md", i): string(corpus.Article(i))})
	}
	report := "First report of the folded event."
	var prev *timeline.Timeline
	// The real merge plus two events of our own; Changes by the reference diff.
	withPair := func(arts []timeline.Article, per [][]timeline.Event) (timeline.Timeline, *timeline.Changes) {
		tl := merge.Merge(arts, per)
		start, _ := timeline.ParseDate("2021-03-04")
		event := func(id, title, text string) timeline.Event {
			return timeline.Event{ID: id, Title: title, Start: start,
				Mentions: []timeline.Mention{{Article: arts[0].Slug, Source: arts[0].Path, Text: text}}}
		}
		tl.Events = append(slices.Clone(tl.Events), event("zz-kept", "The kept event", "The kept event's report."),
			event("zz-folded", "The folded event", report))
		merge.SortEvents(tl.Events)
		var ch *timeline.Changes
		if prev != nil {
			ch = referenceChanges(*prev, tl)
		}
		prev = &tl
		return tl, ch
	}
	opts := Options{ContentDir: "content", SeedsDir: "-", OutDir: "public", CacheDir: "cache", Version: "memo-test",
		Stages: Stages{MergeChanges: withPair}}
	build := func(step string) Summary {
		t.Helper()
		sum, err := Build(fs, opts)
		if err != nil {
			t.Fatalf("%s: %v", step, err)
		}
		checkSameAsFullBuild(t, fs, opts, step)
		return sum
	}
	build("first")
	writeFiles(t, fs, map[string]string{"content/overrides.yaml": "- merge: [zz-kept, zz-folded]\n"})
	build("overrides")
	report = "Second report of the folded event."
	if sum := build("folded event changed"); sum.Replanned == 0 || sum.Replanned == sum.Events {
		t.Errorf("re-planned %d of %d events, want the kept one and few others", sum.Replanned, sum.Events)
	}
	if !strings.Contains(readFile(t, fs, "public/events/zz-kept/index.html"), "Second report") {
		t.Error("the kept event's page does not quote the folded event's new report")
	}
}

// memoWriteFailFs fails every write to a plan memo being saved.
type memoWriteFailFs struct{ afero.Fs }

func (f memoWriteFailFs) OpenFile(name string, flag int, perm os.FileMode) (afero.File, error) {
	file, err := f.Fs.OpenFile(name, flag, perm)
	if err != nil || filepath.Base(name) != planMemoFile+".tmp" {
		return file, err
	}
	return memoWriteFailFile{file}, nil
}

type memoWriteFailFile struct{ afero.File }

func (memoWriteFailFile) Write([]byte) (int, error) { return 0, errDiskFull }

// The memo saved beside the write stage: a save that fails is reported by
// the build as a warning, leaves no memo (the previous one was taken), and
// the next build plans in full; one that succeeds is the memo the save on
// the plan's path writes, byte for byte.
func TestPlanMemoSavedBeside(t *testing.T) {
	fs, corpus, opts, dm := builtMemoSite(t, 41, 2)
	memo := filepath.Join("cache", planMemoFile)
	writeFiles(t, fs, map[string]string{"content/c.md": string(corpus.Article(2))})
	sum, err := Build(memoWriteFailFs{fs}, opts)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(sum.Warnings, func(w string) bool { return strings.HasPrefix(w, "saving the plan memo: ") }) {
		t.Errorf("a failed memo save gave no warning: %q", sum.Warnings)
	}
	if ok, _ := afero.Exists(fs, memo); ok {
		t.Error("a failed memo save left a memo")
	}
	checkSameAsFullBuild(t, fs, opts, "memo save failed")
	writeFiles(t, fs, map[string]string{"content/d.md": string(corpus.Article(3))})
	sum, err = Build(fs, opts)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Replanned != sum.Events {
		t.Errorf("after a failed memo save: re-planned %d of %d events, want all", sum.Replanned, sum.Events)
	}
	checkSameAsFullBuild(t, fs, opts, "after the failed save")
	// The same build on a copy of the folders, the memo saved on the
	// plan's path (the merge's own record of the previous timeline copied
	// too), writes the same memo.
	writeFiles(t, fs, map[string]string{"content/e.md": string(corpus.Article(4))})
	inlineFs := afero.NewMemMapFs()
	for _, dir := range []string{"content", "cache", "public"} {
		if err := afero.Walk(fs, dir, func(p string, info os.FileInfo, err error) error {
			if err != nil || info.IsDir() {
				return err
			}
			data, err := afero.ReadFile(fs, p)
			if err == nil {
				err = afero.WriteFile(inlineFs, p, data, info.Mode())
			}
			return err
		}); err != nil {
			t.Fatal(err)
		}
	}
	inlineDm := *dm
	inlineOpts := opts
	inlineOpts.Stages.MergeChanges = inlineDm.merge
	if _, err := Build(fs, opts); err != nil {
		t.Fatal(err)
	}
	planMemoBeside = false
	defer func() { planMemoBeside = true }()
	if _, err := Build(inlineFs, inlineOpts); err != nil {
		t.Fatal(err)
	}
	beside, err := afero.ReadFile(fs, memo)
	if err != nil {
		t.Fatal(err)
	}
	inline, err := afero.ReadFile(inlineFs, memo)
	if err != nil {
		t.Fatal(err)
	}
	if string(inline) != string(beside) {
		t.Errorf("the memo saved beside (%d bytes) differs from the one saved on the plan's path (%d bytes)", len(beside), len(inline))
	}
}

// builtMemoSite builds, on a memory file system, a site of n articles of
// the corpus seeded seed (content/a0.md ...), with a merge stage that
// reports its changes (dm) and the cache folder "cache", and returns what
// the memo tests go on with.
func builtMemoSite(t *testing.T, seed uint64, n int) (afero.Fs, *newscorpus.Corpus, Options, *diffingMerge) {
	t.Helper()
	fs := afero.NewMemMapFs()
	corpus := newscorpus.New(seed)
	for i := 0; i < n; i++ {
		writeFiles(t, fs, map[string]string{fmt.Sprintf("content/a%d.md", i): string(corpus.Article(i))})
	}
	dm := &diffingMerge{}
	opts := Options{ContentDir: "content", SeedsDir: "-", OutDir: "public", CacheDir: "cache", Version: "memo-test",
		Stages: Stages{MergeChanges: dm.merge}}
	if _, err := Build(fs, opts); err != nil {
		t.Fatal(err)
	}
	return fs, corpus, opts, dm
}

// The manifest a build keeps for the next one in the process (keptManifest)
// holds no byte of a plan memo, which is unmapped once the build has
// written its pages. A build after a failed one renders pages whose Keys the
// plan took from the failed build's memo, and recorded them in place: the
// next build read them from unmapped memory (a crash in vetPages, or
// another mapping's bytes taken for Keys).
func TestKeptManifestHoldsNoMemoBytes(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a 21-article site four times")
	}
	if runtime.GOOS != "linux" {
		t.Skip("the memo is mapped on Linux only")
	}
	t.Chdir(t.TempDir())
	var mapped [][2]uintptr
	onMemoMapped = func(data []byte) {
		start := uintptr(unsafe.Pointer(unsafe.SliceData(data)))
		mapped = append(mapped, [2]uintptr{start, start + uintptr(len(data))})
	}
	t.Cleanup(func() { onMemoMapped = nil })
	inMemo := func(s string) bool {
		at := uintptr(unsafe.Pointer(unsafe.StringData(s)))
		for _, r := range mapped {
			if len(s) > 0 && at >= r[0] && at < r[1] {
				return true
			}
		}
		return false
	}
	checkKept := func(when string) {
		t.Helper()
		keptManifest.Lock()
		m := keptManifest.m
		keptManifest.Unlock()
		if m == nil {
			t.Fatalf("%s: no manifest kept", when)
		}
		bad := 0
		for _, p := range manifestPairs(*m) {
			if inMemo(p.path) || inMemo(p.key) {
				bad++
			}
		}
		if bad > 0 {
			t.Errorf("%s: %d pages of the kept manifest point into a plan memo", when, bad)
		}
	}
	fs := afero.NewOsFs()
	corpus := newscorpus.New(31)
	for i := 0; i < 20; i++ {
		writeFiles(t, fs, map[string]string{fmt.Sprintf("content/a%02d.md", i): string(corpus.Article(i))})
	}
	opts := Options{ContentDir: "content", SeedsDir: "-", OutDir: "public", CacheDir: "cache", Version: "memo-test", Workers: 2}
	if _, err := Build(fs, opts); err != nil {
		t.Fatal(err)
	}
	writeFiles(t, fs, map[string]string{"content/b00.md": string(corpus.Article(100)), "content/empty.md": ""})
	if _, err := Build(fs, opts); err == nil {
		t.Fatal("a build with an empty article did not fail")
	}
	if err := fs.Remove("content/empty.md"); err != nil {
		t.Fatal(err)
	}
	if _, err := Build(fs, opts); err != nil {
		t.Fatal(err)
	}
	if len(mapped) < 2 {
		t.Fatalf("%d memos mapped, want one for each build after the first", len(mapped))
	}
	checkKept("after the build following a failed one")
	writeFiles(t, fs, map[string]string{"content/b01.md": string(corpus.Article(101))})
	if _, err := Build(fs, opts); err != nil {
		t.Fatal(err)
	}
	checkKept("one build later")
	checkSameAsFullBuild(t, fs, opts, "after a failed build and two more")
}
