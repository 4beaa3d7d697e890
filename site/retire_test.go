package site

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/spf13/afero"

	"github.com/newsline/timeline/timeline"
)

// A commit links each file it replaces into a retired folder beside the
// output before the rename (so the rename does not free it), and only those:
// the output gets the new files, the folder the old ones (large and small,
// not the page that is new) and the finished commit folder; the next build's
// cleanStale removes it without rolling anything forward.
func TestCommitRetiresTheFilesItReplaces(t *testing.T) {
	fs, out, tmp, oldBig, newBig := retireFixture(t, "x1", map[string]string{"p2": "new b"})
	written := []stagedPage{{Name: "p0", Path: "big.json"}, {Name: "p1", Path: "events/a/index.html"}, {Name: "p2", Path: "events/b/index.html"}}
	retired, err := commitInPlace(fs, out, tmp, nil, written, nil, 2, true, false)
	if err != nil {
		t.Fatal(err)
	}
	wantOutputFiles(t, out, map[string]string{"big.json": string(newBig), "events/a/index.html": "new a", "events/b/index.html": "new b"})
	if want := out + retireInfix + "x1"; retired != want {
		t.Fatalf("retired folder %q, want %q", retired, want)
	}
	// The two replaced files, and the finished commit folder (taken along,
	// so that it is no longer beside the output to be rolled forward).
	entries, err := os.ReadDir(retired)
	if err != nil || len(entries) != 3 || entries[2].Name() != "commit" || !entries[2].IsDir() {
		t.Fatalf("retired folder holds %v (%v), want the two replaced files and the commit folder", entries, err)
	}
	if got := retiredContents(t, retired); len(got) != 2 || !slices.Contains(got, string(oldBig)) || !slices.Contains(got, "old a") {
		t.Errorf("retired files hold %.12q, want the old big.json and events/a/index.html", got)
	}
	wantNoFolder(t, fs, out+commitInfix+"x1")
	warns, err := cleanStale(fs, out, 2) // a crash now: nothing is rolled forward again
	if err != nil || len(warns) != 0 {
		t.Errorf("cleanStale after the commit: warnings %q, err %v; want none", warns, err)
	}
	waitRetired()
	wantNoFolder(t, fs, retired)
	if got, _ := os.ReadFile(filepath.Join(out, "big.json")); !bytes.Equal(got, newBig) {
		t.Errorf("big.json after cleanStale: %d bytes, want the new %d", len(got), len(newBig))
	}
}

// A build on its own frees the large files it replaces during the commit
// (early): once the commit has returned and those removals are done, the
// retired folder no longer holds the old big.json, only the small page's
// link and the commit folder; the output has the new files.
func TestCommitFreesLargeReplacedFilesEarly(t *testing.T) {
	fs, out, tmp, _, newBig := retireFixture(t, "x2", nil)
	written := []stagedPage{{Name: "p0", Path: "big.json"}, {Name: "p1", Path: "events/a/index.html"}}
	retired, err := commitInPlace(fs, out, tmp, nil, written, nil, 2, true, true)
	if err != nil {
		t.Fatal(err)
	}
	earlyFrees.Wait()
	wantOutputFiles(t, out, map[string]string{"big.json": string(newBig), "events/a/index.html": "new a"})
	if got := retiredContents(t, retired); len(got) != 1 || got[0] != "old a" {
		t.Errorf("retired files hold %.12q, want only the old events/a/index.html (big.json freed)", got)
	}
	removeRetiredNow(fs, retired)
	wantNoFolder(t, fs, retired)
}

// Off the OS file system nothing is linked, and the commit is as before.
func TestCommitRetiresNothingOffTheOSFileSystem(t *testing.T) {
	fs := afero.NewMemMapFs()
	big := strings.Repeat("o", largeFileSize+1)
	writeFiles(t, fs, map[string]string{"public/big.json": big, "public.tmp-x/site/p0": "new"})
	retired, err := commitInPlace(fs, "public", "public.tmp-x", nil, []stagedPage{{Name: "p0", Path: "big.json"}}, nil, 2, true, true)
	if err != nil || retired != "" {
		t.Fatalf("retired %q, err %v; want none", retired, err)
	}
	if got, _ := afero.ReadFile(fs, "public/big.json"); string(got) != "new" {
		t.Errorf("big.json = %.10q, want the staged file", got)
	}
}

// A retired folder a killed process left is removed by the next build's
// cleanStale without a warning, and the output is untouched.
func TestCleanStaleRemovesRetiredFolders(t *testing.T) {
	osRoot := t.TempDir()
	for name, fs := range map[string]afero.Fs{"os": afero.NewOsFs(), "mem": afero.NewMemMapFs()} {
		root := "/site"
		if name == "os" {
			root = osRoot
		}
		out := filepath.Join(root, "public")
		dead := out + retireInfix + "dead"
		writeFiles(t, fs, map[string]string{out + "/index.html": "page", dead + "/1": "old"})
		warns, err := cleanStale(fs, out, 2)
		waitRetired()
		if err != nil || len(warns) != 0 {
			t.Errorf("%s: cleanStale: warnings %q, err %v; want none", name, warns, err)
		}
		wantNoFolder(t, fs, dead)
		if got, _ := afero.ReadFile(fs, out+"/index.html"); string(got) != "page" {
			t.Errorf("%s: index.html = %q, want it untouched", name, got)
		}
	}
}

// Incremental builds on their own and in a Session replace a large page in
// place and publish the new one. A build on its own parks the replaced
// page's retired folder in the cache folder (one rename: its "retire"
// stage), where the next build removes it from its start and waits for it
// in cleanStale; with parking off it removes the folder before it returns.
// A Session removes its own in the background (waited for here). Either
// way no retired folder is left beside the output, and one an earlier
// process left (beside the output or parked) is removed.
func TestIncrementalBuildsRemoveTheirRetiredFolders(t *testing.T) {
	for _, park := range []bool{true, false} {
		t.Run(fmt.Sprintf("park=%v", park), func(t *testing.T) {
			defer func(p bool) { parkRetiredFolders = p }(parkRetiredFolders)
			parkRetiredFolders = park
			testBuildsRemoveRetiredFolders(t, park)
		})
	}
}

func testBuildsRemoveRetiredFolders(t *testing.T, park bool) {
	root := t.TempDir()
	fs := afero.NewOsFs()
	site := &bigPageSite{}
	opts := Options{Stages: site.stages(), Version: "v", SeedsDir: "-", Workers: 2,
		ContentDir: filepath.Join(root, "content"), OutDir: filepath.Join(root, "public"), CacheDir: filepath.Join(root, "cache")}
	mustDo(t, os.MkdirAll(opts.ContentDir, 0o755))
	var session Session
	alone := func() (Summary, error) { return Build(fs, opts) }
	warm := func() (Summary, error) { return session.Build(fs, opts) }
	for i, build := range []func() (Summary, error){alone, alone, alone, warm, warm} {
		site.generation = i
		previous := append(retiredFolders(t, opts.OutDir), parkedFolders(t, opts.CacheDir)...)
		oldBig := site.big()
		if i > 0 {
			site.generation = i - 1
			oldBig = site.big()
			site.generation = i
		}
		sum, err := build()
		if err != nil {
			t.Fatal(err)
		}
		if i > 0 && sum.Reused == 0 {
			t.Errorf("build %d: no page reused (%s): not an in-place commit", i, sum)
		}
		// Beside the output, nothing once Build has returned (a
		// Session's own folder once its removal is done).
		if i < 3 {
			if left := retiredFolders(t, opts.OutDir); len(left) != 0 {
				t.Errorf("build %d: left %v beside the output", i, left)
			}
		}
		parked := parkedFolders(t, opts.CacheDir)
		waitRetired()
		left := append(retiredFolders(t, opts.OutDir), parkedFolders(t, opts.CacheDir)...)
		for _, dir := range previous {
			if slices.Contains(left, dir) {
				t.Errorf("build %d: an earlier build's %s is still there", i, dir)
			}
		}
		// An in-place build on its own parks the replaced page (the
		// previous generation's big.json) in the cache folder, or
		// removes it before returning.
		if park && (i == 1 || i == 2) {
			if len(parked) != 1 || len(left) != 1 || left[0] != parked[0] {
				t.Errorf("build %d: parked %v, left %v; want one parked folder", i, parked, left)
			} else if got := retiredContents(t, parked[0]); !slices.Contains(got, string(oldBig)) {
				t.Errorf("build %d: the parked folder holds %d files, none the replaced big.json", i, len(got))
			}
		} else if len(left) != 0 || len(parked) != 0 {
			t.Errorf("build %d: left %v, parked %v", i, left, parked)
		}
		if retires := hasStage(sum, "retire"); retires != (i == 1 || i == 2) {
			t.Errorf("build %d: retire stage %v, want it only in builds 1 and 2 (in place, on their own)", i, retires)
		}
		got, _ := os.ReadFile(filepath.Join(opts.OutDir, "big.json"))
		if want := site.big(); !bytes.Equal(got, want) {
			t.Errorf("build %d: big.json has %d bytes %.10q, want %d %.10q", i, len(got), got, len(want), want)
		}
	}
	session.Wait()
}

// A retired folder is not parked in a cache folder inside the output (it
// would be published), nor off the OS file system, nor when the cache
// folder is missing: the caller then removes it.
func TestParkRetiredOnlyOutsideTheOutput(t *testing.T) {
	root := t.TempDir()
	out := filepath.Join(root, "public")
	dir := out + retireInfix + "x"
	mustDo(t, os.MkdirAll(dir, 0o755))
	mustDo(t, os.MkdirAll(filepath.Join(out, "cache"), 0o755))
	for _, c := range []struct {
		fs    afero.Fs
		cache string
	}{{afero.NewOsFs(), out}, {afero.NewOsFs(), filepath.Join(out, "cache")}, {afero.NewOsFs(), filepath.Join(root, "missing")},
		{afero.NewMemMapFs(), filepath.Join(root, "cache")}} {
		if parkRetired(c.fs, dir, out, c.cache) {
			t.Errorf("parked into %s", c.cache)
		}
	}
	mustDo(t, os.MkdirAll(filepath.Join(root, "cache"), 0o755))
	if !parkRetired(afero.NewOsFs(), dir, out, filepath.Join(root, "cache")) {
		t.Fatal("not parked in a cache folder beside the output")
	}
	wantNoFolder(t, afero.NewOsFs(), dir)
	if got := parkedFolders(t, filepath.Join(root, "cache")); len(got) != 1 || filepath.Base(got[0]) != parkedPrefix+"x" {
		t.Errorf("parked folders %v, want %s", got, parkedPrefix+"x")
	}
}

// parkedFolders lists the retired folders parked in the cache folder.
func parkedFolders(t *testing.T, cacheDir string) []string {
	t.Helper()
	entries, err := os.ReadDir(cacheDir)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	var dirs []string
	for _, e := range entries {
		if e.IsDir() && strings.HasPrefix(e.Name(), parkedPrefix) {
			dirs = append(dirs, filepath.Join(cacheDir, e.Name()))
		}
	}
	return dirs
}

// retiredContents reads the files of a retired folder (not the commit
// folder taken along).
func retiredContents(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range entries {
		if !e.IsDir() {
			data, err := os.ReadFile(filepath.Join(dir, e.Name()))
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, string(data))
		}
	}
	return got
}

// retiredFolders lists the retired folders beside out.
func retiredFolders(t *testing.T, out string) []string {
	t.Helper()
	entries, err := os.ReadDir(filepath.Dir(out))
	if err != nil {
		t.Fatal(err)
	}
	var dirs []string
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), filepath.Base(out)+retireInfix) {
			dirs = append(dirs, filepath.Join(filepath.Dir(out), e.Name()))
		}
	}
	return dirs
}

// bigPageSite plans a large root page that changes every generation and a
// few small pages that do not.
type bigPageSite struct{ generation int }

func (s *bigPageSite) big() []byte {
	return bytes.Repeat([]byte{byte('a' + s.generation)}, largeFileSize+100)
}

func (s *bigPageSite) stages() Stages {
	none := func(afero.Fs, []string, time.Time) ([]timeline.Article, []error) { return nil, nil }
	return Stages{Load: none, Merge: func([]timeline.Article, [][]timeline.Event) timeline.Timeline { return timeline.Timeline{} },
		Overrides: func(afero.Fs, string, *timeline.Timeline) []error { return nil },
		Plan: func(afero.Fs, string, timeline.Timeline) ([]Page, error) {
			big := s.big()
			pages := []Page{{Path: "big.json", Key: fmt.Sprintf("big%d", s.generation), Render: func(w io.Writer) error {
				_, err := w.Write(big)
				return err
			}}}
			for i := 0; i < 5; i++ {
				p := fmt.Sprintf("events/e%d/index.html", i)
				pages = append(pages, Page{Path: p, Key: "k" + p, Render: func(w io.Writer) error {
					_, err := io.WriteString(w, p)
					return err
				}})
			}
			return pages, nil
		}}
}

// BenchmarkSwapLargeExports measures the write and swap stages of in-place
// builds that replace three large root pages (as the 10k site's exports,
// 30-60 MB) and a few small ones, with and without the staged files'
// writeback started in the write stage, as builds on their own and as a
// Session's builds with and without retiring the replaced files (removed in
// the background). It reports wall and CPU milliseconds per build.
//
//	go test -run '^$' -bench SwapLargeExports -benchtime 5x ./site
func BenchmarkSwapLargeExports(b *testing.B) {
	for _, c := range []struct {
		name                       string
		warm, wb, retire, prealloc bool
	}{
		{"alone/none", false, false, false, false}, {"alone/writeback", false, true, false, false}, {"alone/writeback+retire", false, true, true, false},
		{"alone/prealloc+retire", false, true, true, true},
		{"session/none", true, false, false, false}, {"session/writeback", true, true, false, false},
		{"session/retire", true, false, true, false}, {"session/writeback+retire", true, true, true, false},
		{"session/prealloc+retire", true, true, true, true},
	} {
		b.Run(c.name, func(b *testing.B) {
			defer func(r, w, p bool) { retireFiles, writebackEarly, preallocateLarge = r, w, p }(retireFiles, writebackEarly, preallocateLarge)
			retireFiles, writebackEarly, preallocateLarge = c.retire, c.wb, c.prealloc
			benchSwapLargeExports(b, c.warm)
		})
	}
}

func benchSwapLargeExports(b *testing.B, warm bool) {
	root := b.TempDir()
	fs := afero.NewOsFs()
	site := &exportsSite{mb: 40}
	opts := Options{Stages: site.stages(), Version: "v", SeedsDir: "-", Workers: 2,
		ContentDir: filepath.Join(root, "content"), OutDir: filepath.Join(root, "public"), CacheDir: filepath.Join(root, "cache")}
	if err := os.MkdirAll(opts.ContentDir, 0o755); err != nil {
		b.Fatal(err)
	}
	var session Session
	build := func() (Summary, error) {
		if warm {
			return session.Build(fs, opts)
		}
		return Build(fs, opts)
	}
	if _, err := build(); err != nil {
		b.Fatal(err)
	}
	wall, cpu := map[string]time.Duration{}, map[string]time.Duration{}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		site.generation++
		waitRetired() // the next build would wait for it in cleanStale
		b.StartTimer()
		sum, err := build()
		if err != nil {
			b.Fatal(err)
		}
		if sum.Reused == 0 {
			b.Fatalf("no page reused: %s", sum)
		}
		for _, t := range sum.Timings {
			wall[t.Stage] += t.Elapsed
			cpu[t.Stage] += t.CPU
		}
	}
	b.StopTimer()
	waitRetired()
	session.Wait()
	for _, s := range []string{"write", "swap"} {
		b.ReportMetric(float64(wall[s].Microseconds())/1000/float64(b.N), s+"-wall-ms")
		b.ReportMetric(float64(cpu[s].Microseconds())/1000/float64(b.N), s+"-cpu-ms")
	}
}

// exportsSite plans three root pages of mb MiB that change every
// generation and a few small pages that do not.
type exportsSite struct{ mb, generation int }

func (s *exportsSite) stages() Stages {
	none := func(afero.Fs, []string, time.Time) ([]timeline.Article, []error) { return nil, nil }
	return Stages{Load: none, Merge: func([]timeline.Article, [][]timeline.Event) timeline.Timeline { return timeline.Timeline{} },
		Overrides: func(afero.Fs, string, *timeline.Timeline) []error { return nil },
		Plan: func(afero.Fs, string, timeline.Timeline) ([]Page, error) {
			chunk := bytes.Repeat([]byte{byte('a' + s.generation%26)}, 1<<20)
			var pages []Page
			for _, name := range []string{"timeline.json", "events.ics", "events.csv"} {
				pages = append(pages, Page{Path: name, Key: fmt.Sprintf("%s%d", name, s.generation), Render: func(w io.Writer) error {
					for i := 0; i < s.mb; i++ {
						if _, err := w.Write(chunk); err != nil {
							return err
						}
					}
					return nil
				}})
			}
			for i := 0; i < 20; i++ {
				p := fmt.Sprintf("events/e%d/index.html", i)
				pages = append(pages, Page{Path: p, Key: "k" + p, Render: func(w io.Writer) error {
					_, err := io.WriteString(w, p)
					return err
				}})
			}
			return pages, nil
		}}
}

func hasStage(sum Summary, stage string) bool {
	for _, t := range sum.Timings {
		if t.Stage == stage {
			return true
		}
	}
	return false
}

// retireFixture makes, on the OS file system, a published output folder
// (a large big.json and events/a/index.html) and a staging folder named
// with suffix holding their replacements as pages p0 and p1, plus the
// extra staged pages given (name -> bytes).
func retireFixture(t *testing.T, suffix string, extra map[string]string) (fs afero.Fs, out, tmp string, oldBig, newBig []byte) {
	t.Helper()
	root := t.TempDir()
	fs = afero.NewOsFs()
	out, tmp = filepath.Join(root, "public"), filepath.Join(root, "public"+tmpInfix+suffix)
	oldBig, newBig = bytes.Repeat([]byte("o"), largeFileSize+1), bytes.Repeat([]byte("n"), largeFileSize+7)
	files := map[string]string{
		out + "/big.json": string(oldBig), out + "/events/a/index.html": "old a",
		tmp + "/site/p0": string(newBig), tmp + "/site/p1": "new a",
	}
	for name, data := range extra {
		files[tmp+"/site/"+name] = data
	}
	writeFiles(t, fs, files)
	return fs, out, tmp, oldBig, newBig
}

// wantOutputFiles fails t unless each file under out holds its bytes.
func wantOutputFiles(t *testing.T, out string, want map[string]string) {
	t.Helper()
	for p, w := range want {
		if got, _ := os.ReadFile(filepath.Join(out, p)); string(got) != w {
			t.Errorf("%s: %d bytes %.10q, want %d bytes %.10q", p, len(got), got, len(w), w)
		}
	}
}
