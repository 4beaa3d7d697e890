package site

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/spf13/afero"

	"github.com/newsline/timeline/timeline"
)

func writeFiles(t *testing.T, fs afero.Fs, files map[string]string) {
	t.Helper()
	for name, body := range files {
		if err := fs.MkdirAll(filepath.Dir(name), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := afero.WriteFile(fs, name, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func readFile(t *testing.T, fs afero.Fs, name string) string {
	t.Helper()
	data, err := afero.ReadFile(fs, name)
	if err != nil {
		t.Fatalf("reading %s: %v", name, err)
	}
	return string(data)
}

// tree lists every file under root with its content.
func tree(t *testing.T, fs afero.Fs, root string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := afero.Walk(fs, root, func(p string, info fileInfo, err error) error {
		if err != nil {
			return err
		}
		if !info.IsDir() {
			out[p] = readFile(t, fs, p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// siblings lists the names beside "public" in the working folder (temporary folders show up here).
func siblings(t *testing.T, fs afero.Fs) []string {
	t.Helper()
	entries, err := afero.ReadDir(fs, ".")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	sort.Strings(names)
	return names
}

func newSite(t *testing.T) (afero.Fs, *fakePipeline, Options) {
	t.Helper()
	fs := afero.NewMemMapFs()
	writeFiles(t, fs, map[string]string{
		"content/a.txt":         "alpha one\nalpha two\n",
		"content/b.txt":         "beta one\n",
		"content/template.tmpl": "<html>v1",
		"seeds/s.txt":           "seed one\n",
	})
	f := &fakePipeline{}
	return fs, f, Options{Stages: f.stages(), Version: "test-1", Workers: 2}
}

func TestBuildPublishesEveryPage(t *testing.T) {
	fs, f, opts := newSite(t)
	sum, err := Build(fs, opts)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Articles != 3 || sum.Events != 4 || sum.Pages != 4 || sum.Rendered != 4 || !sum.Published {
		t.Errorf("summary = %+v", sum)
	}
	if got := readFile(t, fs, "public/articles/a/index.html"); got != "<html>v1\nalpha one\nalpha two\n" {
		t.Errorf("article page = %q", got)
	}
	if f.extracted.Load() != 3 {
		t.Errorf("extracted %d articles, want 3", f.extracted.Load())
	}
	if got, want := siblings(t, fs), []string{".timeline-cache", "content", "public", "seeds"}; !reflect.DeepEqual(got, want) {
		t.Errorf("working folder = %v, want %v (no temporary folders)", got, want)
	}
}

func TestBuildIsDeterministic(t *testing.T) {
	fs1, _, opts1 := newSite(t)
	fs2, _, opts2 := newSite(t)
	opts2.Workers = 1
	if _, err := Build(fs1, opts1); err != nil {
		t.Fatal(err)
	}
	if _, err := Build(fs2, opts2); err != nil {
		t.Fatal(err)
	}
	if a, b := tree(t, fs1, "public"), tree(t, fs2, "public"); !reflect.DeepEqual(a, b) {
		t.Errorf("two builds differ:\n%v\n%v", a, b)
	}
}

func TestErrorsAreAllReportedAndNothingIsPublished(t *testing.T) {
	fs, _, opts := newSite(t)
	if _, err := Build(fs, opts); err != nil {
		t.Fatal(err)
	}
	before := tree(t, fs, "public")
	writeFiles(t, fs, map[string]string{
		"content/c.txt":          "BAD\n",
		"content/d.txt":          "BAD too\n",
		"content/e.txt":          "PANIC here\n",
		"content/overrides.yaml": "hide: nothing like this\n",
	})
	sum, err := Build(fs, opts)
	var be *BuildError
	if !errors.As(err, &be) {
		t.Fatalf("err = %v, want a *BuildError", err)
	}
	msg := err.Error()
	for _, want := range []string{"content/c.txt:1: bad front matter", "content/d.txt:1:", "content/e.txt: extracting events failed: extractor exploded", "content/overrides.yaml:1: hide", "nothing published"} {
		if !strings.Contains(msg, want) {
			t.Errorf("error does not mention %q:\n%s", want, msg)
		}
	}
	if len(be.Errs) != 4 || sum.Errors != 4 || sum.Published {
		t.Errorf("errors = %d, summary = %+v", len(be.Errs), sum)
	}
	if after := tree(t, fs, "public"); !reflect.DeepEqual(before, after) {
		t.Errorf("a failed build changed the published site")
	}
	if got := siblings(t, fs); len(got) != 4 {
		t.Errorf("working folder = %v, want no temporary folders", got)
	}
}

func TestRenderErrorsAreReportedEvenWhenInputFailed(t *testing.T) {
	fs, _, opts := newSite(t)
	writeFiles(t, fs, map[string]string{"content/c.txt": "BAD\n", "content/r.txt": "RENDERFAIL\n"})
	_, err := Build(fs, opts)
	if err == nil || !strings.Contains(err.Error(), "content/c.txt:1") || !strings.Contains(err.Error(), "articles/r/index.html: template: boom") {
		t.Errorf("err = %v, want both the ingest and the render error", err)
	}
	if ok, _ := afero.DirExists(fs, "public"); ok {
		t.Errorf("a failed first build published a site")
	}
}

func TestKeepGoingPublishesWhatCouldBeBuilt(t *testing.T) {
	fs, _, opts := newSite(t)
	writeFiles(t, fs, map[string]string{"content/c.txt": "BAD\n", "content/r.txt": "RENDERFAIL\n"})
	opts.KeepGoing = true
	sum, err := Build(fs, opts)
	if err == nil || !strings.Contains(err.Error(), "published what could be built") {
		t.Fatalf("err = %v, want an error saying the site was published", err)
	}
	// c.txt fails to load; r's page and the index (which lists r's event) fail to render.
	if !sum.Published || sum.Errors != 3 {
		t.Errorf("summary = %+v", sum)
	}
	if got := readFile(t, fs, "public/articles/b/index.html"); !strings.Contains(got, "beta one") {
		t.Errorf("good article page = %q", got)
	}
	if ok, _ := afero.Exists(fs, "public/articles/r/index.html"); ok {
		t.Errorf("a page that failed to render was published")
	}
}

func TestAddingOneArticleExtractsOneAndRendersOnlyChangedPages(t *testing.T) {
	fs, f, opts := newSite(t)
	if _, err := Build(fs, opts); err != nil {
		t.Fatal(err)
	}
	f.extracted.Store(0)
	writeFiles(t, fs, map[string]string{"content/c.txt": "gamma one\n"})
	sum, err := Build(fs, opts)
	if err != nil {
		t.Fatal(err)
	}
	if f.extracted.Load() != 1 || sum.Extracted != 1 || sum.CacheHits != 3 {
		t.Errorf("extracted %d (summary %+v), want 1 fresh and 3 from the cache", f.extracted.Load(), sum)
	}
	// index.html and the new article's page changed; the three other article pages did not.
	if sum.Rendered != 2 || sum.Reused != 3 {
		t.Errorf("rendered %d, reused %d; want 2 and 3", sum.Rendered, sum.Reused)
	}
	if got := readFile(t, fs, "public/articles/a/index.html"); got != "<html>v1\nalpha one\nalpha two\n" {
		t.Errorf("reused page = %q", got)
	}
	if got := readFile(t, fs, "public/index.html"); !strings.Contains(got, "gamma one") {
		t.Errorf("index = %q", got)
	}
}

func TestChangedArticleIsExtractedAgain(t *testing.T) {
	fs, f, opts := newSite(t)
	if _, err := Build(fs, opts); err != nil {
		t.Fatal(err)
	}
	f.extracted.Store(0)
	writeFiles(t, fs, map[string]string{"content/a.txt": "alpha changed\n"})
	sum, err := Build(fs, opts)
	if err != nil {
		t.Fatal(err)
	}
	if f.extracted.Load() != 1 || sum.Rendered != 2 {
		t.Errorf("extracted %d, rendered %d; want 1 and 2", f.extracted.Load(), sum.Rendered)
	}
	if got := readFile(t, fs, "public/articles/a/index.html"); !strings.Contains(got, "alpha changed") {
		t.Errorf("article page = %q", got)
	}
}

func TestOverrideChangeRerendersWithoutExtracting(t *testing.T) {
	fs, f, opts := newSite(t)
	if _, err := Build(fs, opts); err != nil {
		t.Fatal(err)
	}
	f.extracted.Store(0)
	writeFiles(t, fs, map[string]string{"content/overrides.yaml": "hide: beta one\n"})
	sum, err := Build(fs, opts)
	if err != nil {
		t.Fatal(err)
	}
	if f.extracted.Load() != 0 || sum.Rendered != 2 || sum.Reused != 2 {
		t.Errorf("extracted %d, summary %+v; want 0 extracted, index and b re-rendered", f.extracted.Load(), sum)
	}
	if got := readFile(t, fs, "public/index.html"); strings.Contains(got, "beta one") {
		t.Errorf("hidden event still on the index: %q", got)
	}
}

func TestTemplateChangeRerendersEveryPage(t *testing.T) {
	fs, f, opts := newSite(t)
	if _, err := Build(fs, opts); err != nil {
		t.Fatal(err)
	}
	f.extracted.Store(0)
	writeFiles(t, fs, map[string]string{"content/template.tmpl": "<html>v2"})
	sum, err := Build(fs, opts)
	if err != nil {
		t.Fatal(err)
	}
	if f.extracted.Load() != 0 || sum.Rendered != 4 || sum.Reused != 0 {
		t.Errorf("extracted %d, summary %+v; want every page rendered, nothing extracted", f.extracted.Load(), sum)
	}
}

func TestToolVersionAndNoCacheForceAFullBuild(t *testing.T) {
	fs, f, opts := newSite(t)
	if _, err := Build(fs, opts); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		change func(*Options)
	}{
		{"new tool version", func(o *Options) { o.Version = "test-2" }},
		{"--no-cache", func(o *Options) { o.NoCache = true }},
	} {
		f.extracted.Store(0)
		o := opts
		tc.change(&o)
		sum, err := Build(fs, o)
		if err != nil {
			t.Fatal(err)
		}
		if f.extracted.Load() != 3 || sum.Rendered != 4 || sum.Reused != 0 {
			t.Errorf("%s: extracted %d, summary %+v; want a full build", tc.name, f.extracted.Load(), sum)
		}
	}
}

func TestArticleKeyCoversEverythingExtractionReads(t *testing.T) {
	base := timeline.Article{Path: "a.txt", Slug: "a", Raw: []byte("text"), Meta: timeline.Meta{Title: "T"}}
	variants := []func(*timeline.Article){
		func(a *timeline.Article) { a.Raw = []byte("text!") },
		func(a *timeline.Article) { a.Path = "b.txt" },
		func(a *timeline.Article) { a.Slug = "b" },
		func(a *timeline.Article) { a.Meta.Date = a.Meta.Date.AddDate(0, 0, 1) }, // sidecar or --date changed
		func(a *timeline.Article) { a.Meta.Extra = map[string]any{"k": 1} },
	}
	k0 := articleKey("v", base)
	if articleKey("v2", base) == k0 {
		t.Error("tool version not in the key")
	}
	for i, change := range variants {
		a := base
		change(&a)
		if articleKey("v", a) == k0 {
			t.Errorf("variant %d: key unchanged", i)
		}
	}
}

func TestBadPagePathsAreRejectedAndNothingLeavesTheOutput(t *testing.T) {
	fs, f, opts := newSite(t)
	plan := f.plan
	opts.Stages.Plan = func(fs afero.Fs, c string, tl timeline.Timeline) ([]Page, error) {
		pages, err := plan(fs, c, tl)
		for _, p := range []string{"../escaped.html", "/abs.html", "a/../../x.html", "a//b.html", `a\..\b.html`, "index.html"} {
			pages = append(pages, f.page(p, "evil", nil))
		}
		return pages, err
	}
	opts.KeepGoing = true
	_, err := Build(fs, opts)
	if err == nil {
		t.Fatal("no error for bad page paths")
	}
	for _, want := range []string{`"../escaped.html": leaves`, `"/abs.html": absolute`, `"a/../../x.html"`, `"a//b.html": not clean`, `backslash`, `"index.html": planned twice`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error does not mention %s:\n%v", want, err)
		}
	}
	for _, p := range []string{"escaped.html", "/abs.html", "x.html", "public/a/b.html"} {
		if ok, _ := afero.Exists(fs, p); ok {
			t.Errorf("%s was written", p)
		}
	}
}

func TestOutputFolderThatWouldSwallowTheContentIsRefused(t *testing.T) {
	fs, _, opts := newSite(t)
	for _, out := range []string{".", "/", "content/.."} {
		o := opts
		o.OutDir = out
		if _, err := Build(fs, o); err == nil || !strings.Contains(err.Error(), "refusing") {
			t.Errorf("--out %q: err = %v", out, err)
		}
	}
	o := opts
	o.ContentDir, o.OutDir = "site/content", "site"
	writeFiles(t, fs, map[string]string{"site/content/a.txt": "x\n"})
	if _, err := Build(fs, o); err == nil || !strings.Contains(err.Error(), "refusing") {
		t.Errorf("out containing content: err = %v", err)
	}
}

func TestMissingContentFolderIsAnError(t *testing.T) {
	_, _, opts := newSite(t)
	if _, err := Build(afero.NewMemMapFs(), opts); err == nil || !strings.Contains(err.Error(), "content: content folder not found") {
		t.Errorf("err = %v", err)
	}
}

func TestPanickingStagesBecomeErrors(t *testing.T) {
	fs, _, opts := newSite(t)
	opts.Stages.Merge = func([]timeline.Article, [][]timeline.Event) timeline.Timeline { panic("merge bug") }
	_, err := Build(fs, opts)
	if err == nil || !strings.Contains(err.Error(), "merging events: internal error: merge bug") {
		t.Errorf("err = %v", err)
	}
}

func TestSummaryLine(t *testing.T) {
	s := Summary{Articles: 3, Events: 4, Pages: 5, Rendered: 2, Reused: 3, Warnings: []string{"w"}}
	if got := s.String(); !strings.HasPrefix(got, "3 articles, 4 events, 5 pages (2 rendered, 3 reused), 1 warnings, 0 errors, ") {
		t.Errorf("summary = %q", got)
	}
}

type fileInfo = os.FileInfo

func TestTrailingSlashOnTheOutputStillBuildsBesideIt(t *testing.T) {
	fs, _, opts := newSite(t)
	opts.OutDir = "public/"
	if _, err := Build(fs, opts); err != nil {
		t.Fatal(err)
	}
	if got, want := siblings(t, fs), []string{".timeline-cache", "content", "public", "seeds"}; !reflect.DeepEqual(got, want) {
		t.Errorf("working folder = %v, want %v", got, want)
	}
	if got := readFile(t, fs, "public/index.html"); !strings.Contains(got, "alpha one") {
		t.Errorf("index = %q", got)
	}
}
