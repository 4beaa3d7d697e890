package site

import (
	"fmt"
	"io"
	"math/rand"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"testing"
	"unsafe"

	"github.com/spf13/afero"

	"github.com/newsline/timeline/internal/newscorpus"
	"github.com/newsline/timeline/render"
)

var splicedFiles = []string{"events.ics", "events.csv", "timeline.json"}

// The real pipeline: over random sequences of articles added, changed and
// deleted and of settings changes, every incremental build publishes what a
// --no-cache build publishes, file by file, and its exports copy most of
// their fragments from the published files instead of rendering them.
func TestSplicedExportsMatchAFullBuild(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a 25-article site a dozen times")
	}
	checkSplicedExportsMatchAFullBuild(t, afero.NewMemMapFs())
}

// The same on the operating system's files, where the unchanged fragments
// are copied between the files by the kernel (copy_file_range on Linux).
func TestSplicedExportsMatchAFullBuildOnTheOSFilesystem(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a 25-article site a dozen times")
	}
	t.Chdir(t.TempDir())
	before := kernelCopies.Load()
	checkSplicedExportsMatchAFullBuild(t, afero.NewOsFs())
	if runtime.GOOS == "linux" && kernelCopies.Load() == before {
		t.Error("no fragment was copied by the kernel")
	}
}

func checkSplicedExportsMatchAFullBuild(t *testing.T, fs afero.Fs) {
	checkSplicedExportsMatchAFullBuildWith(t, fs, Build)
}

// checkSplicedExportsMatchAFullBuildWith runs the random edits, each build
// by build (Build, or a Session's).
func checkSplicedExportsMatchAFullBuildWith(t *testing.T, fs afero.Fs, build func(afero.Fs, Options) (Summary, error)) {
	corpus := newscorpus.New(23)
	r := rand.New(rand.NewSource(5))
	live := map[string]bool{}
	next := 0
	add := func() {
		name := fmt.Sprintf("content/article-%03d.md", next)
		writeFiles(t, fs, map[string]string{name: string(corpus.Article(next))})
		live[name] = true
		next++
	}
	for i := 0; i < 25; i++ {
		add()
	}
	opts := Options{ContentDir: "content", SeedsDir: "-", OutDir: "public", CacheDir: "cache", Version: "splice-test", Workers: 2}
	if _, err := build(fs, opts); err != nil {
		t.Fatal(err)
	}
	var reused, rendered int
	for step := 0; step < 6; step++ {
		names := make([]string, 0, len(live))
		for n := range live {
			names = append(names, n)
		}
		sort.Strings(names)
		what := ""
		switch r.Intn(4) {
		case 0:
			add()
			what = "add"
		case 1:
			name := names[r.Intn(len(names))]
			writeFiles(t, fs, map[string]string{name: string(corpus.Article(1000 + step))})
			what = "change " + name
		case 2:
			name := names[r.Intn(len(names))]
			if err := fs.Remove(name); err != nil {
				t.Fatal(err)
			}
			delete(live, name)
			what = "delete " + name
		case 3:
			writeFiles(t, fs, map[string]string{"content/_index.md": fmt.Sprintf("---\ntitle: Step %d\nbase_url: https://s%d.example/news/\n---\nAbout.\n", step, step%2)})
			what = "settings"
		}
		if _, err := build(fs, opts); err != nil {
			t.Fatalf("step %d (%s): %v", step, what, err)
		}
		for _, f := range splicedFiles {
			st, ok := readSpliceStats(fs, opts.CacheDir, f)
			if !ok {
				t.Fatalf("step %d (%s): no index for %s", step, what, f)
			}
			reused += st.Reused
			rendered += st.Rendered
		}
		checkSameAsFullBuild(t, fs, opts, fmt.Sprintf("step %d (%s)", step, what))
	}
	if reused < 3*rendered {
		t.Errorf("the exports copied %d fragments and rendered %d: the splice hardly reuses", reused, rendered)
	}
}

// A published export edited by hand (same size) or removed, and --no-cache,
// all mean a full render of that file, never its stale bytes.
func TestSplicedExportsDistrustChangedFiles(t *testing.T) {
	fs := afero.NewMemMapFs()
	corpus := newscorpus.New(29)
	files := map[string]string{}
	for i := 0; i < 6; i++ {
		files[fmt.Sprintf("content/a%d.md", i)] = string(corpus.Article(i))
	}
	writeFiles(t, fs, files)
	opts := Options{ContentDir: "content", SeedsDir: "-", OutDir: "public", CacheDir: "cache", Version: "splice-test", Workers: 2}
	if _, err := Build(fs, opts); err != nil {
		t.Fatal(err)
	}
	step := 0
	rebuild := func(what string, opts Options) {
		t.Helper()
		step++
		writeFiles(t, fs, map[string]string{fmt.Sprintf("content/new%d.md", step): string(corpus.Article(100 + step))})
		if _, err := Build(fs, opts); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		for _, f := range splicedFiles {
			if st, _ := readSpliceStats(fs, opts.CacheDir, f); st.Reused != 0 {
				t.Errorf("%s: %s copied %d fragments", what, f, st.Reused)
			}
		}
		checkSameAsFullBuild(t, fs, opts, what)
	}
	// Same size, one letter changed in every published export.
	for _, f := range splicedFiles {
		data := []byte(readFile(t, fs, "public/"+f))
		data[len(data)/2] ^= 0x01
		writeFiles(t, fs, map[string]string{"public/" + f: string(data)})
	}
	rebuild("hand edits", opts)
	for _, f := range splicedFiles {
		if err := fs.Remove("public/" + f); err != nil {
			t.Fatal(err)
		}
	}
	rebuild("removed files", opts)
	noCache := opts
	noCache.NoCache = true
	rebuild("--no-cache", noCache)
	rebuild("other tool version", Options{ContentDir: "content", SeedsDir: "-", OutDir: "public", CacheDir: "cache", Version: "splice-test-2", Workers: 2})
}

// The exports a build wrote and published are taken on the build's word by
// the next (no whole-file read), until the published file is written to: an
// edit in place of the same size, on the operating system's files (where the
// inode stays), is read, caught and rendered in full; a build that failed,
// rendering its exports to nowhere, leaves the indexes and stamps of the
// published files as they were, so the next build still splices on their
// word. Every build matches a --no-cache build file by file.
func TestPublishedExportsAreVouchedForUntilTouched(t *testing.T) {
	t.Chdir(t.TempDir())
	fs := afero.NewOsFs()
	corpus := newscorpus.New(31)
	for i := 0; i < 6; i++ {
		writeFiles(t, fs, map[string]string{fmt.Sprintf("content/a%d.md", i): string(corpus.Article(i))})
	}
	opts := Options{ContentDir: "content", SeedsDir: "-", OutDir: "public", CacheDir: "cache", Version: "vouch-test", Workers: 2}
	step := 0
	rebuild := func(what string, wantVouched bool, wantErr bool) {
		t.Helper()
		step++
		writeFiles(t, fs, map[string]string{fmt.Sprintf("content/new%d.md", step): string(corpus.Article(100 + step))})
		if _, err := Build(fs, opts); (err != nil) != wantErr {
			t.Fatalf("%s: error %v", what, err)
		}
		if wantErr {
			return
		}
		for _, f := range splicedFiles {
			st, ok := readSpliceStats(fs, opts.CacheDir, f)
			if !ok || st.Vouched != wantVouched {
				t.Errorf("%s: %s vouched for: %v, want %v", what, f, st.Vouched, wantVouched)
			}
			if wantVouched && st.Reused == 0 {
				t.Errorf("%s: %s reused nothing", what, f)
			}
		}
		checkSameAsFullBuild(t, fs, opts, what)
	}
	if _, err := Build(fs, opts); err != nil {
		t.Fatal(err)
	}
	rebuild("first incremental", true, false)
	rebuild("second incremental", true, false)
	for _, f := range splicedFiles { // one byte changed in place: same size, same inode
		file, err := os.OpenFile(filepath.Join("public", f), os.O_WRONLY, 0)
		if err != nil {
			t.Fatal(err)
		}
		info, _ := file.Stat()
		old := make([]byte, 1)
		if r, err := os.ReadFile(filepath.Join("public", f)); err == nil {
			old[0] = r[info.Size()/2] ^ 0x01
		}
		if _, err := file.WriteAt(old, info.Size()/2); err != nil {
			t.Fatal(err)
		}
		file.Close()
	}
	rebuild("edited in place", false, false)
	for _, f := range splicedFiles {
		if st, _ := readSpliceStats(fs, opts.CacheDir, f); st.Reused != 0 {
			t.Errorf("edited in place: %s copied %d fragments", f, st.Reused)
		}
	}
	rebuild("after the edit", true, false)
	writeFiles(t, fs, map[string]string{"content/overrides.yaml": "- id: no-such-event\n  hide: true\n"})
	rebuild("failed build", false, true)
	if err := fs.Remove("content/overrides.yaml"); err != nil {
		t.Fatal(err)
	}
	rebuild("after the failed build", true, false)
}

// A full build over an existing site (--no-cache, as after a new tool
// version) writes a new output folder and swaps it in whole: the old folder
// is renamed aside and the new one renamed into its place. Renaming a folder
// keeps its files' size, modification time, device and inode, so the next
// build still takes the exports on their stamps (no whole-file read) and
// copies their fragments, and publishes what a --no-cache build publishes.
func TestExportsSwappedInWholeAreVouchedFor(t *testing.T) {
	t.Chdir(t.TempDir())
	fs := afero.NewOsFs()
	corpus := newscorpus.New(47)
	for i := 0; i < 6; i++ {
		writeFiles(t, fs, map[string]string{fmt.Sprintf("content/a%d.md", i): string(corpus.Article(i))})
	}
	opts := Options{ContentDir: "content", SeedsDir: "-", OutDir: "public", CacheDir: "cache", Version: "swap-vouch-test", Workers: 2}
	if _, err := Build(fs, opts); err != nil {
		t.Fatal(err)
	}
	before, err := os.Stat("public")
	if err != nil {
		t.Fatal(err)
	}
	writeFiles(t, fs, map[string]string{"content/b1.md": string(corpus.Article(101))})
	cold := opts
	cold.NoCache = true
	if _, err := Build(fs, cold); err != nil {
		t.Fatal(err)
	}
	if after, err := os.Stat("public"); err != nil || os.SameFile(before, after) {
		t.Fatalf("the full build did not swap a new output folder in (err %v)", err)
	}
	for _, f := range splicedFiles {
		if st, ok := readSpliceStats(fs, opts.CacheDir, f); !ok || st.Reused != 0 {
			t.Fatalf("the --no-cache build spliced %s (%+v, index %v)", f, st, ok)
		}
	}
	writeFiles(t, fs, map[string]string{"content/b2.md": string(corpus.Article(102))})
	if _, err := Build(fs, opts); err != nil {
		t.Fatal(err)
	}
	for _, f := range splicedFiles {
		st, ok := readSpliceStats(fs, opts.CacheDir, f)
		if !ok || !st.Vouched || st.Reused == 0 {
			t.Errorf("first build after the swap: %s %+v (index %v), want vouched for and fragments reused", f, st, ok)
		}
	}
	checkSameAsFullBuild(t, fs, opts, "first build after the swap")
}

// TestAsSitePagesReadsThePlanInPlace: the plan's pages read as this
// package's Page keep every path, Key and Render function, and share the
// plan's memory (no copy).
func TestAsSitePagesReadsThePlanInPlace(t *testing.T) {
	var rendered []string
	planned := make([]render.Page, 3)
	for i := range planned {
		name := fmt.Sprintf("p%d", i)
		planned[i] = render.Page{Path: name + "/index.html", Key: "k" + name, Render: func(io.Writer) error {
			rendered = append(rendered, name)
			return nil
		}}
	}
	pages := asSitePages(planned)
	if len(pages) != len(planned) || &pages[0] != (*Page)(unsafe.Pointer(&planned[0])) {
		t.Fatalf("%d pages at %p, want %d at %p", len(pages), &pages[0], len(planned), &planned[0])
	}
	for i, p := range pages {
		if p.Path != planned[i].Path || p.Key != planned[i].Key {
			t.Errorf("page %d is %s %s, want %s %s", i, p.Path, p.Key, planned[i].Path, planned[i].Key)
		}
		if err := p.Render(io.Discard); err != nil {
			t.Fatal(err)
		}
	}
	if fmt.Sprint(rendered) != "[p0 p1 p2]" {
		t.Errorf("rendered %v", rendered)
	}
}

// With the buffers the index files are read into filled with garbage when
// handed back, incremental builds still publish what full builds publish
// and still copy most fragments: nothing reads an index after its release.
func TestSplicedExportsWithPoisonedBuffers(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a 25-article site a dozen times")
	}
	poisonIndexFiles = true
	t.Cleanup(func() { poisonIndexFiles = false })
	checkSplicedExportsMatchAFullBuild(t, afero.NewMemMapFs())
	var session Session // whose builds keep the buffers between them
	checkSplicedExportsMatchAFullBuildWith(t, afero.NewMemMapFs(), func(fs afero.Fs, o Options) (Summary, error) {
		defer session.Wait()
		return session.Build(fs, o)
	})
}
