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
	fs, out, tmp, oldBig, newBig := retireFixture(t, "0000000000a1", map[string]string{"p2": "new b"})
	written := []stagedPage{{Name: "p0", Path: "big.json"}, {Name: "p1", Path: "events/a/index.html"}, {Name: "p2", Path: "events/b/index.html"}}
	retired, err := commitInPlace(fs, out, tmp, nil, written, nil, 2, true, false)
	if err != nil {
		t.Fatal(err)
	}
	wantOutputFiles(t, out, map[string]string{"big.json": string(newBig), "events/a/index.html": "new a", "events/b/index.html": "new b"})
	if want := out + retireInfix + "0000000000a1"; retired != want {
		t.Fatalf("retired folder %q, want %q", retired, want)
	}
	// Its mark, the two replaced files, and the finished commit folder
	// (taken along, so that it is no longer beside the output to be rolled
	// forward).
	entries, err := os.ReadDir(retired)
	if err != nil || len(entries) != 4 || entries[0].Name() != buildMarker || entries[3].Name() != "commit" || !entries[3].IsDir() {
		t.Fatalf("retired folder holds %v (%v), want its mark, the two replaced files and the commit folder", entries, err)
	}
	if got := retiredContents(t, retired); len(got) != 2 || !slices.Contains(got, string(oldBig)) || !slices.Contains(got, "old a") {
		t.Errorf("retired files hold %.12q, want the old big.json and events/a/index.html", got)
	}
	wantNoFolder(t, fs, out+commitInfix+"0000000000a1")
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
	fs, out, tmp, _, newBig := retireFixture(t, "0000000000a2", nil)
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
		dead := out + retireInfix + "00000000dead"
		writeFiles(t, fs, map[string]string{out + "/index.html": "page", dead + "/" + buildMarker: "", dead + "/1": "old"})
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

// A build on its own parks only in a parking folder it made (cache/retired
// with its marker): not off the OS file system, nor without a cache folder,
// nor in a cache folder that is the output or in it (nothing is made
// there), nor in a retired folder the user made (no marker) or a symlink to
// one, nor when the output is in the parking folder.
func TestCanParkOnlyInItsOwnFolder(t *testing.T) {
	root := t.TempDir()
	out := filepath.Join(root, "public")
	mustDo(t, os.MkdirAll(filepath.Join(out, "cache"), 0o755))
	writeFiles(t, afero.NewOsFs(), map[string]string{
		root + "/users/retired/notes.txt":      "mine",
		root + "/made/retired/" + parkMarker:   parkNote,
		root + "/linked/.keep":                 "",
		root + "/inside/retired/" + parkMarker: parkNote,
		root + "/via/retired/site/index.html":  "live",
	})
	writeFiles(t, afero.NewOsFs(), map[string]string{root + "/via/retired/" + parkMarker: parkNote})
	mustDo(t, os.Symlink(filepath.Join(root, "made", "retired"), filepath.Join(root, "linked", parkFolder)))
	mustDo(t, os.Symlink(filepath.Join(root, "via", "retired", "site"), filepath.Join(root, "pub")))
	opts := func(cache string) Options { return Options{OutDir: out, CacheDir: cache} }
	for _, c := range []struct {
		name string
		fs   afero.Fs
		opts Options
	}{
		{"memory fs", afero.NewMemMapFs(), opts(filepath.Join(root, "cache"))},
		{"no cache folder", afero.NewOsFs(), opts("")},
		{"cache is the output", afero.NewOsFs(), opts(out)},
		{"cache in the output", afero.NewOsFs(), opts(filepath.Join(out, "cache"))},
		{"missing cache folder", afero.NewOsFs(), opts(filepath.Join(root, "missing"))},
		{"user's retired folder", afero.NewOsFs(), opts(filepath.Join(root, "users"))},
		{"symlinked parking folder", afero.NewOsFs(), opts(filepath.Join(root, "linked"))},
		{"output in the parking folder", afero.NewOsFs(), Options{OutDir: filepath.Join(root, "inside", "retired", "site"), CacheDir: filepath.Join(root, "inside")}},
		{"output in the parking folder through a symlink", afero.NewOsFs(), Options{OutDir: filepath.Join(root, "pub"), CacheDir: filepath.Join(root, "via")}},
	} {
		if got := canPark(c.fs, c.opts); got != "" {
			t.Errorf("%s: parks in %s", c.name, got)
		}
	}
	for _, dir := range []string{filepath.Join(out, parkFolder), filepath.Join(out, "cache", parkFolder), filepath.Join(root, "users", parkFolder, parkMarker)} {
		if _, err := os.Lstat(dir); err == nil {
			t.Errorf("%s was made", dir)
		}
	}
	// A cache folder beside the output: made, with its marker, and used.
	cache := filepath.Join(root, "cache")
	mustDo(t, os.Mkdir(cache, 0o755))
	park := canPark(afero.NewOsFs(), opts(cache))
	if park != filepath.Join(cache, parkFolder) || !ownParking(park) {
		t.Fatalf("parks in %q (own: %v), want %s made with its marker", park, ownParking(park), filepath.Join(cache, parkFolder))
	}
	dir := out + retireInfix + "x"
	mustDo(t, os.MkdirAll(dir, 0o755))
	if !parkRetired(dir, out, park) {
		t.Fatal("not parked")
	}
	wantNoFolder(t, afero.NewOsFs(), dir)
	if got := parkedFolders(t, cache); len(got) != 1 || filepath.Base(got[0]) != "x" {
		t.Errorf("parked folders %v, want x", got)
	}
	if again := canPark(afero.NewOsFs(), opts(cache)); again != park {
		t.Errorf("the next build parks in %q, want %s", again, park)
	}
}

// The next build removes what was parked only from the parking folder the
// tool made: with the cache folder the output's parent (--cache .), not
// the user's retired-photos or retired-site, nor anything in a retired
// folder without the marker; in the tool's, not a symlink (nor what it
// points to), nor a folder that holds the content folder, nor one that
// holds the output reached through a symlink.
func TestRemoveParkedOnlyFromItsOwnFolder(t *testing.T) {
	root := t.TempDir()
	fs := afero.NewOsFs()
	park := filepath.Join(root, parkFolder)
	writeFiles(t, fs, map[string]string{
		root + "/retired-photos/p.jpg":           "photo",
		root + "/retired-site/index.html":        "live",
		root + "/photos/q.jpg":                   "photo",
		park + "/" + parkMarker:                  parkNote,
		park + "/abc/1":                          "old",
		park + "/outer/content/a.md":             "article",
		park + "/held/site/index.html":           "live",
		root + "/users/retired/old/notes.txt":    "mine",
		root + "/users/retired/.timeline-retire": "not the marker",
	})
	mustDo(t, os.Symlink(filepath.Join(root, "photos"), filepath.Join(park, "link")))
	mustDo(t, os.Symlink(filepath.Join(park, "held", "site"), filepath.Join(root, "pub")))
	for _, o := range []Options{
		{OutDir: filepath.Join(root, "pub"), CacheDir: root, ContentDir: filepath.Join(park, "outer", "content"), SeedsDir: "-"},
		{OutDir: filepath.Join(root, "retired-site"), CacheDir: filepath.Join(root, "users"), ContentDir: filepath.Join(root, "content")},
	} {
		removeRetiredBeside(fs, o)
		waitRetired()
	}
	wantNoFolder(t, fs, filepath.Join(park, "abc"))
	wantOutputFiles(t, root, map[string]string{
		"retired-photos/p.jpg":           "photo",
		"retired-site/index.html":        "live",
		"photos/q.jpg":                   "photo",
		"retired/link/q.jpg":             "photo",
		"retired/outer/content/a.md":     "article",
		"retired/held/site/index.html":   "live",
		"users/retired/old/notes.txt":    "mine",
		"retired/" + parkMarker:          parkNote,
		"users/retired/.timeline-retire": "not the marker",
	})
}

// With the cache folder the output's parent (--cache .), builds on their
// own park in cache/retired and leave the user's folders named retired-*
// alone, the output named retired-site included: it is committed into in
// place (the same folder, pages reused) rather than removed at the next
// build's start and rebuilt. A retired folder of the user's in the cache
// folder is neither parked in nor emptied; the builds then remove their
// retired folders before returning.
func TestParkingLeavesUsersFoldersAlone(t *testing.T) {
	for _, users := range []bool{false, true} {
		t.Run(fmt.Sprintf("users-retired=%v", users), func(t *testing.T) {
			root := t.TempDir()
			fs := afero.NewOsFs()
			site := &bigPageSite{}
			opts := Options{Stages: site.stages(), Version: "v", SeedsDir: "-", Workers: 2,
				ContentDir: filepath.Join(root, "content"), OutDir: filepath.Join(root, "retired-site"), CacheDir: root}
			mine := map[string]string{"retired-photos/p.jpg": "photo", "retired-notes": "a file"}
			if users {
				mine["retired/notes.txt"] = "mine"
			}
			for name, data := range mine {
				writeFiles(t, fs, map[string]string{filepath.Join(root, name): data})
			}
			mustDo(t, os.MkdirAll(opts.ContentDir, 0o755))
			var first os.FileInfo // the output folder after the first build
			for i := 0; i < 3; i++ {
				site.generation = i
				sum, err := Build(fs, opts)
				if err != nil {
					t.Fatal(err)
				}
				parked := parkedFolders(t, root)
				waitRetired()
				now, err := os.Stat(opts.OutDir)
				if err != nil {
					t.Fatal(err)
				}
				if i == 0 {
					first = now
				} else if sum.Reused == 0 || !os.SameFile(first, now) {
					t.Errorf("build %d: reused %d pages, same output folder %v: not committed in place", i, sum.Reused, os.SameFile(first, now))
				}
				if wantParked := i > 0 && !users; (len(parked) == 1) != wantParked || len(parked) > 1 {
					t.Errorf("build %d: parked %v, want one: %v", i, parked, wantParked)
				}
				if left := retiredFolders(t, opts.OutDir); len(left) != 0 {
					t.Errorf("build %d: left %v beside the output", i, left)
				}
				wantOutputFiles(t, root, mine)
				if users {
					if entries, _ := os.ReadDir(filepath.Join(root, parkFolder)); len(entries) != 1 {
						t.Errorf("build %d: the user's retired folder holds %d entries, want their one file", i, len(entries))
					}
				}
				got, _ := os.ReadFile(filepath.Join(opts.OutDir, "big.json"))
				if want := site.big(); !bytes.Equal(got, want) {
					t.Errorf("build %d: big.json has %d bytes, want %d", i, len(got), len(want))
				}
			}
		})
	}
}

// parkedFolders lists the retired folders parked in the cache folder's
// parking folder, if the tool made it.
func parkedFolders(t *testing.T, cacheDir string) []string {
	t.Helper()
	dir := filepath.Join(cacheDir, parkFolder)
	if !ownParking(dir) {
		return nil
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var dirs []string
	for _, e := range entries {
		if e.IsDir() {
			dirs = append(dirs, filepath.Join(dir, e.Name()))
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
		if !e.IsDir() && e.Name() != buildMarker {
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
