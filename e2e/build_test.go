package e2e

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/spf13/afero"

	"github.com/newsline/timeline/site"
	"github.com/newsline/timeline/timeline"
)

// builtSite is what one build left behind, with the timeline the pages were
// rendered from (captured at the render stage) as the truth to check against.
type builtSite struct {
	Root     string // folder holding content/, seeds/, the cache and the output
	Out      string // the output folder
	Timeline timeline.Timeline
	Summary  site.Summary
	Err      error // *site.BuildError when some input was refused
}

// buildSite runs site.Build on the real disk with every folder inside root
// (absolute paths, so nothing depends on the test's working directory).
func buildSite(t testing.TB, root string, keepGoing bool) builtSite {
	t.Helper()
	b := builtSite{Root: root, Out: filepath.Join(root, "public")}
	stages := site.DefaultStages()
	plan := stages.Plan
	stages.Plan = func(fsys afero.Fs, contentDir string, tl timeline.Timeline) ([]site.Page, error) {
		b.Timeline = tl
		return plan(fsys, contentDir, tl)
	}
	seeds := filepath.Join(root, "seeds")
	if _, err := os.Stat(seeds); err != nil {
		seeds = "-"
	}
	b.Summary, b.Err = site.Build(afero.NewOsFs(), site.Options{
		ContentDir: filepath.Join(root, "content"),
		SeedsDir:   seeds,
		OutDir:     b.Out,
		CacheDir:   filepath.Join(root, ".timeline-cache"),
		KeepGoing:  keepGoing,
		Stages:     stages,
	})
	return b
}

// The seed site (content/ and seeds/ of the repository) is built once per process.
var (
	seedOnce sync.Once
	seedRes  builtSite
	seedErr  error
)

// seedSite builds the demo site from a copy of content/ and seeds/.
func seedSite(t testing.TB) builtSite {
	t.Helper()
	seedOnce.Do(func() {
		root := filepath.Join(workDir, "seed")
		for _, dir := range []string{"content", "seeds"} {
			if err := copyTree(filepath.Join(repoRoot(), dir), filepath.Join(root, dir)); err != nil {
				seedErr = err
				return
			}
		}
		seedRes = buildSite(t, root, false)
		seedErr = seedRes.Err
		t.Logf("seed site built into %s: %s", seedRes.Out, seedRes.Summary)
	})
	if seedErr != nil {
		t.Fatalf("building the seed site failed: %v", seedErr)
	}
	if len(seedRes.Timeline.Events) == 0 {
		t.Fatalf("the seed site has no events (summary: %s)", seedRes.Summary)
	}
	return seedRes
}

// copyTree copies the regular files of src into dst (symlinks are not followed).
func copyTree(src, dst string) error {
	return filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		if !d.Type().IsRegular() {
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(target, data, 0o644)
	})
}

// sitePages lists the HTML files of a built site, slash-separated and relative to out.
func sitePages(t testing.TB, out string) []string {
	t.Helper()
	var pages []string
	err := filepath.WalkDir(out, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && strings.HasSuffix(path, ".html") {
			rel, _ := filepath.Rel(out, path)
			pages = append(pages, filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil {
		t.Fatalf("listing pages of %s: %v", out, err)
	}
	return pages
}

// tail keeps the last n bytes of s for an error message.
func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "…" + s[len(s)-n:]
}
