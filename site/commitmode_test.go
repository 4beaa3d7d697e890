package site

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/spf13/afero"
)

func TestMostOfALargeSiteChangedIsSwappedWhole(t *testing.T) {
	for _, c := range []struct {
		pages, unchanged int
		inPlace          bool
	}{
		{3, 1, true},             // small change counts: in place whatever the share
		{127000, 126900, true},   // one article added
		{127000, 63500, true},    // half changed
		{127000, 0, false},       // a template edit
		{127000, 60000, false},   // most changed
		{1500, 0, false},         // all of a site just past the threshold
		{1500, 1500 - 999, true}, // under minSwapPages changed
	} {
		if got := commitsInPlace(c.pages, c.unchanged); got != c.inPlace {
			t.Errorf("%d pages, %d unchanged: in place %v, want %v", c.pages, c.unchanged, got, c.inPlace)
		}
	}
}

// A change of most pages of a site past minSwapPages (a template edit) is
// published by writing the whole site beside the output and swapping it in;
// the pages are right, nothing is left beside the output, and the manifest
// saved makes the next build reuse every page.
func TestTemplateEditOfALargeSiteSwapsTheWholeSite(t *testing.T) {
	root := t.TempDir()
	fs := afero.NewOsFs()
	f := &fakePipeline{}
	opts := Options{Stages: f.stages(), Version: "v", SeedsDir: "-", Workers: 2,
		ContentDir: filepath.Join(root, "content"), OutDir: filepath.Join(root, "public"), CacheDir: filepath.Join(root, "cache")}
	files := map[string]string{opts.ContentDir + "/template.tmpl": "one"}
	const articles = minSwapPages + 100
	for i := 0; i < articles; i++ {
		files[fmt.Sprintf("%s/a%04d.txt", opts.ContentDir, i)] = fmt.Sprintf("line %d\n", i)
	}
	writeFiles(t, fs, files)
	if _, err := Build(fs, opts); err != nil {
		t.Fatal(err)
	}
	page := filepath.Join(opts.OutDir, "articles/a0007/index.html")
	before, err := os.Stat(opts.OutDir)
	if err != nil {
		t.Fatal(err)
	}
	writeFiles(t, fs, map[string]string{opts.ContentDir + "/template.tmpl": "two"})
	sum, err := Build(fs, opts)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Reused != 0 || sum.Rendered != articles+1 {
		t.Errorf("summary %+v, want every page rendered", sum)
	}
	if got := readFile(t, fs, page); got != "two\nline 7\n" {
		t.Errorf("page after the template edit = %q", got)
	}
	if after, err := os.Stat(opts.OutDir); err != nil || os.SameFile(before, after) {
		t.Errorf("the output folder was changed in place, not swapped whole (stat %v, err %v)", after, err)
	}
	if entries, err := os.ReadDir(root); err != nil || len(entries) != 3 {
		t.Errorf("beside the output: %v (%v), want only cache, content and public", entries, err)
	}
	sum, err = Build(fs, opts)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Reused != articles+1 || sum.Rendered != 0 {
		t.Errorf("build after the swap: %+v, want every page reused", sum)
	}
}
