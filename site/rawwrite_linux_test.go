package site

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/spf13/afero"

	"github.com/newsline/timeline/timeline"
)

// writePagesBoth writes pages as a whole new site twice on the OS file
// system, with plain system calls (pageDir, two writers) and through afero
// (one), and returns both folders and both results.
func writePagesBoth(t *testing.T, pages []Page, prepare func(dir string)) (rawDir, aferoDir string, raw, viaAfero *writeResults) {
	t.Helper()
	fs := afero.NewOsFs()
	root := t.TempDir()
	write := func(name string, useRaw bool) (string, *writeResults) {
		dir := filepath.Join(root, name)
		if err := os.Mkdir(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		if prepare != nil {
			prepare(dir)
		}
		w := &writer{fs: fs, tmp: dir}
		if useRaw {
			if w.dir = openPageDir(fs, dir); w.dir == nil {
				t.Fatal("openPageDir refused a folder on the OS file system")
			}
			defer w.dir.close()
		}
		siteWide, rest := w.toWrite(pages)
		workers := 1
		if useRaw {
			workers = 2 // as a build with two Workers: folders made ahead (makeFolders)
		}
		return dir, w.writeAll(pages, siteWide, rest, workers, 1, newProgress(nil, "", 0))
	}
	rawDir, raw = write("raw", true)
	aferoDir, viaAfero = write("afero", false)
	return rawDir, aferoDir, raw, viaAfero
}

// filesBelow lists every file and folder below dir with its mode and bytes.
func filesBelow(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		data := ""
		if !info.IsDir() {
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			data = string(b)
		}
		out[rel] = fmt.Sprintf("%v %q", info.Mode(), data)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func staticPage(path, body string) Page {
	return Page{Path: path, Key: "k", Render: func(w io.Writer) error { _, err := io.WriteString(w, body); return err }}
}

func TestPagesWrittenWithSystemCallsEqualTheAferoOnes(t *testing.T) {
	big := strings.Repeat("0123456789abcdef", 5000) // past the page buffer: several writes
	pages := []Page{
		staticPage("index.html", "<p>root"),
		staticPage("events/e1/index.html", "<p>one"),
		staticPage("events/e2/index.html", big),
		staticPage("years/2024/06/index.html", "<p>June"), // parents missing: made on the way
		staticPage("years/2024/index.html", "<p>2024"),
		staticPage("articles/a/index.html", ""),
		{Path: "events/bad/index.html", Render: func(w io.Writer) error {
			io.WriteString(w, "half a page")
			return errors.New("template exploded")
		}},
		{Path: "events/panics/index.html", Render: func(w io.Writer) error {
			io.WriteString(w, strings.Repeat("x", 40000)) // flushed before the panic
			panic("renderer exploded")
		}},
	}
	rawDir, aferoDir, raw, viaAfero := writePagesBoth(t, pages, nil)
	got, want := filesBelow(t, rawDir), filesBelow(t, aferoDir)
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("system calls wrote\n%v\nafero wrote\n%v", got, want)
	}
	if _, ok := got[filepath.FromSlash("events/e2/index.html")]; !ok {
		t.Errorf("a page is missing: %v", got)
	}
	for _, failed := range []string{"events/bad/index.html", "events/panics/index.html"} {
		if _, ok := got[filepath.FromSlash(failed)]; ok {
			t.Errorf("the failed page %s was left behind", failed)
		}
	}
	for i := range pages {
		r, a := fmt.Sprint(raw.err(i)), fmt.Sprint(viaAfero.err(i))
		if r != a {
			t.Errorf("page %s: error %q, afero's %q", pages[i].Path, r, a)
		}
	}
	if raw.err(6) == nil || raw.err(7) == nil {
		t.Errorf("failed renders not reported: %v, %v", raw.err(6), raw.err(7))
	}
}

// A file where a page's folder should be is an error naming the page and
// the file's path, as through afero, and the other pages are written.
func TestPageFolderTakenByAFileIsAnError(t *testing.T) {
	pages := []Page{staticPage("events/x/index.html", "x"), staticPage("events/y/index.html", "y")}
	block := func(dir string) {
		if err := os.MkdirAll(filepath.Join(dir, "events"), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "events", "x"), []byte("in the way"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	rawDir, aferoDir, raw, viaAfero := writePagesBoth(t, pages, block)
	err := raw.err(0)
	if err == nil || !errors.Is(err, syscall.ENOTDIR) || !strings.HasPrefix(err.Error(), "events/x/index.html: ") ||
		!strings.Contains(err.Error(), filepath.Join(rawDir, "events", "x", "index.html")) {
		t.Fatalf("error = %v, want ENOTDIR naming the page and its file", err)
	}
	if r, a := strings.ReplaceAll(err.Error(), rawDir, "D"), strings.ReplaceAll(fmt.Sprint(viaAfero.err(0)), aferoDir, "D"); r != a {
		t.Errorf("error %q, afero's %q", r, a)
	}
	if raw.err(1) != nil {
		t.Errorf("the other page failed: %v", raw.err(1))
	}
	if b, _ := os.ReadFile(filepath.Join(rawDir, "events", "y", "index.html")); string(b) != "y" {
		t.Errorf("other page = %q", b)
	}
}

// A full build on the OS file system renders the pages below the root on
// its Workers goroutines side by side (their folders made ahead by one
// goroutine of its own, writeAll), not on one: each page here waits, up to
// a deadline shared by all, for another to be rendering at the same time.
// The site is the one the pages describe.
func TestNewSiteRendersPagesBelowTheRootSideBySide(t *testing.T) {
	root := t.TempDir()
	fs := afero.NewOsFs()
	f := &fakePipeline{}
	var inFlight atomic.Int32
	met := make(chan struct{})
	var once sync.Once
	deadline := time.After(10 * time.Second)
	var timedOut atomic.Bool
	page := func(p, body string) Page {
		return Page{Path: p, Key: body, Render: func(w io.Writer) error {
			if inFlight.Add(1) >= 2 {
				once.Do(func() { close(met) })
			}
			if !timedOut.Load() {
				select {
				case <-met:
				case <-deadline:
					timedOut.Store(true)
				}
			}
			inFlight.Add(-1)
			_, err := io.WriteString(w, body)
			return err
		}}
	}
	want := map[string]string{}
	stages := f.stages()
	stages.Plan = func(afero.Fs, string, timeline.Timeline) ([]Page, error) {
		pages := []Page{staticPage("index.html", "root")}
		for i := 0; i < 40; i++ {
			p := fmt.Sprintf("events/e%02d/index.html", i)
			pages = append(pages, page(p, "event "+p))
			want[filepath.FromSlash(p)] = "event " + p
		}
		pages = append(pages, page("years/2024/06/index.html", "June"), page("search/a.json", "a"), page("search/b.json", "b"))
		want[filepath.FromSlash("years/2024/06/index.html")], want[filepath.FromSlash("search/a.json")], want[filepath.FromSlash("search/b.json")] = "June", "a", "b"
		return pages, nil
	}
	opts := Options{Stages: stages, Version: "v", SeedsDir: "-", Workers: 2, NoCache: true,
		ContentDir: filepath.Join(root, "content"), OutDir: filepath.Join(root, "public"), CacheDir: filepath.Join(root, "cache")}
	writeFiles(t, fs, map[string]string{opts.ContentDir + "/a.txt": "alpha\n"})
	if _, err := Build(fs, opts); err != nil {
		t.Fatal(err)
	}
	select {
	case <-met:
	default:
		t.Error("the pages below the root were rendered one at a time")
	}
	for p, body := range want {
		if b, err := os.ReadFile(filepath.Join(opts.OutDir, p)); err != nil || string(b) != body {
			t.Errorf("%s = %q, %v; want %q", p, b, err, body)
		}
	}
}

func TestPageDirIsOnlyForTheOSFileSystem(t *testing.T) {
	if d := openPageDir(afero.NewMemMapFs(), "/"); d != nil {
		t.Error("openPageDir opened a folder of a memory file system")
	}
	if d := openPageDir(afero.NewOsFs(), filepath.Join(t.TempDir(), "missing")); d != nil {
		t.Error("openPageDir opened a missing folder")
	}
}

// A whole build on the OS file system publishes the same bytes with and
// without the system-call writer.
func TestBuildOnTheOSFileSystemIsTheSameWithoutSystemCallPages(t *testing.T) {
	build := func() map[string]string {
		root := t.TempDir()
		fs := afero.NewOsFs()
		f := &fakePipeline{}
		opts := Options{Stages: f.stages(), Version: "v", SeedsDir: "-",
			ContentDir: filepath.Join(root, "content"), OutDir: filepath.Join(root, "public"), CacheDir: filepath.Join(root, "cache")}
		writeFiles(t, fs, map[string]string{opts.ContentDir + "/a.txt": "alpha\n", opts.ContentDir + "/b.txt": "beta\n<script>\n"})
		if _, err := Build(fs, opts); err != nil {
			t.Fatal(err)
		}
		return filesBelow(t, opts.OutDir)
	}
	withRaw := build()
	rawPagesEnabled = false
	defer func() { rawPagesEnabled = true }()
	without := build()
	if fmt.Sprint(withRaw) != fmt.Sprint(without) {
		t.Errorf("with system calls\n%v\nwithout\n%v", withRaw, without)
	}
	if len(withRaw) < 4 {
		t.Errorf("site too small to compare: %v", withRaw)
	}
}

// BenchmarkWritePages writes 20,000 event pages of 6 KB each as a whole new
// site (events/<id>/index.html) into a fresh folder of PUBLISH_BENCH_DIR
// (default: a temporary folder), and reports user and system CPU µs per
// page for each way of writing: raw (pageDir's system calls) and afero
// (os.OpenFile and friends). The two alternate within each iteration, so
// the file system's state weighs on each alike: on this ext4 without a
// journal, creating an inode first skips every inode freed in the last
// minutes in its block group (recently_deleted in fs/ext4/ialloc.c), which
// other processes' removed sites make cost 50-200 µs of system time per
// page or more. On tmpfs (PUBLISH_BENCH_DIR=/dev/shm/...) only the
// process's own cost remains.
//
//	PUBLISH_BENCH_DIR=/dev/shm/pages go test -run '^$' -bench WritePages -benchtime 3x ./site
func BenchmarkWritePages(b *testing.B) {
	root := os.Getenv("PUBLISH_BENCH_DIR")
	if root == "" {
		root = b.TempDir()
	} else if err := os.MkdirAll(root, 0o755); err != nil {
		b.Fatal(err)
	}
	const n = 20000
	body := bytes.Repeat([]byte("<p>An event page, more or less the size of one.</p>\n"), 6000/52)
	pages := make([]Page, n)
	for i := range pages {
		pages[i] = Page{Path: fmt.Sprintf("events/%016x/index.html", uint64(i+1)*0x9E3779B97F4A7C15), Key: "k",
			Render: func(w io.Writer) error { _, err := w.Write(body); return err }}
	}
	variants := []string{"raw", "afero"}
	user, sys := make([]time.Duration, len(variants)), make([]time.Duration, len(variants))
	fs := afero.NewOsFs()
	defer func() { rawPagesEnabled = true }()
	var made []string
	for i := 0; i < b.N; i++ {
		for v, name := range variants {
			rawPagesEnabled = name == "raw"
			tmp, err := makeTemp(fs, filepath.Join(root, "public"))
			if err != nil {
				b.Fatal(err)
			}
			made = append(made, tmp)
			w := &writer{fs: fs, tmp: tmp, dir: openPageDir(fs, tmp)}
			siteWide, rest := w.toWrite(pages)
			u0, s0 := userSystemCPU()
			res := w.writeAll(pages, siteWide, rest, pageWriters, 1, newProgress(nil, "", 0))
			u1, s1 := userSystemCPU()
			w.dir.close()
			user[v] += u1 - u0
			sys[v] += s1 - s0
			if len(res.failed) > 0 {
				b.Fatalf("%s: %d pages failed", name, len(res.failed))
			}
		}
	}
	b.StopTimer()
	for v, name := range variants {
		per := float64(b.N * n)
		b.ReportMetric(float64(user[v].Microseconds())/per, name+"-user-µs/page")
		b.ReportMetric(float64(sys[v].Microseconds())/per, name+"-sys-µs/page")
	}
	for _, dir := range made {
		_ = os.RemoveAll(dir)
	}
}

// userSystemCPU is the process's user and system CPU time so far.
func userSystemCPU() (user, system time.Duration) {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano()), time.Duration(ru.Stime.Nano())
}
