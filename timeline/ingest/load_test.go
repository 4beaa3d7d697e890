package ingest

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/newsline/timeline/timeline"
	"github.com/spf13/afero"
)

func writeFiles(t *testing.T, fsys afero.Fs, files map[string]string) {
	t.Helper()
	for name, body := range files {
		if err := afero.WriteFile(fsys, name, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func slugs(as []timeline.Article) string {
	var out []string
	for _, a := range as {
		out = append(out, a.Slug)
	}
	return strings.Join(out, ",")
}

func TestLoadReportsEveryErrorAndKeepsGoodArticles(t *testing.T) {
	fsys := afero.NewMemMapFs()
	writeFiles(t, fsys, map[string]string{
		"content/b-good.md":          "---\ntitle: B\ndate: 2024-06-14\n---\nText.\n",
		"content/a-good.md":          "---\ntitle: A\ndate: 2024-06-13\n---\nText.\n",
		"content/sub/c.md":           "---\ndate: 2024-06-12\n---\nNested.\n",
		"content/_index.md":          "---\ntitle: Site\n---\nAbout.\n",
		"content/overrides.yaml":     "hide: []\n",
		"content/timeline.yaml":      "title: T\n",
		"content/.hidden.md":         "garbage",
		"content/.git/x.md":          "garbage",
		"content/image.png":          "\x89PNG\x00\x00",
		"content/notes.md~":          "backup",
		"content/bad-date.md":        "---\ntitle: x\ndate: someday\n---\n",
		"content/no-fm.md":           "Just text.\n",
		"content/binary.md":          "---\x00\x01",
		"content/draft.md":           "---\ndate: 2024-06-14\ndraft: true\n---\nDraft.\n",
		"content/dup.md":             "---\ndate: 2024-06-14\nslug: a-good\n---\nDup.\n",
		"content/undated.txt":        "Raw text without a sidecar.\n",
		"content/dated.txt":          "Raw text with a sidecar.\n",
		"content/dated.yaml":         "date: 2024-06-10\ntitle: Dated\n",
		"seeds/000_seed.txt":         "Seed text.\n",
		"seeds/000_seed.yaml":        "date: 2024-06-14\n",
		"seeds/001_undated.txt":      "Seed without sidecar.\n",
		"seeds/002_bad_sidecar.txt":  "Seed text.\n",
		"seeds/002_bad_sidecar.yaml": "date: [\n",
	})
	opts := Options{OptionalDateDirs: []string{"seeds"}}
	arts, errs := Load(fsys, []string{"content", "seeds", "missing"}, opts)
	if got, want := slugs(arts), "a-good,b-good,dated,c,000-seed"; got != want {
		t.Errorf("articles = %s, want %s", got, want)
	}
	var msgs []string
	for _, err := range errs {
		var ie *Error
		if !errors.As(err, &ie) {
			t.Errorf("%v is %T, want *Error", err, err)
		}
		msgs = append(msgs, err.Error())
	}
	want := []string{
		"content/bad-date.md:3: unparseable date",
		"content/binary.md:1: binary file",
		"content/dup.md: duplicate slug: \"a-good\" is already the slug of content/a-good.md",
		"content/no-fm.md:1: missing front matter",
		"content/undated.txt: no publication date",
		"seeds/002_bad_sidecar.yaml:1: bad front matter",
		"missing: cannot read",
	}
	if len(msgs) != len(want) {
		t.Fatalf("errors:\n%s\nwant %d", strings.Join(msgs, "\n"), len(want))
	}
	for i := range want {
		if !strings.HasPrefix(msgs[i], want[i]) {
			t.Errorf("error %d = %q, want prefix %q", i, msgs[i], want[i])
		}
	}
	// drafts come back on request
	arts, _ = Load(fsys, []string{"content"}, Options{IncludeDrafts: true})
	if !strings.Contains(slugs(arts), "draft") {
		t.Errorf("IncludeDrafts: %s", slugs(arts))
	}
}

func TestLoadUndatedSeedWithDateOption(t *testing.T) {
	fsys := afero.NewMemMapFs()
	writeFiles(t, fsys, map[string]string{"seeds/x.txt": "Text.\n"})
	arts, errs := Load(fsys, []string{"seeds"}, Options{Date: day, OptionalDateDirs: []string{"seeds"}})
	if len(arts) != 1 || len(errs) != 0 {
		t.Errorf("arts %d errs %v", len(arts), errs)
	}
}

func TestLoadRefusesLargeFilesUnread(t *testing.T) {
	fsys := afero.NewMemMapFs()
	writeFiles(t, fsys, map[string]string{
		"content/big.md": "---\ndate: 2024-06-14\n---\n" + strings.Repeat("word ", 300),
		"content/ok.md":  "---\ndate: 2024-06-14\n---\nSmall.\n",
	})
	arts, errs := Load(fsys, []string{"content"}, Options{MaxBytes: 1000})
	if slugs(arts) != "ok" || len(errs) != 1 || !errors.Is(errs[0], ErrTooLarge) || !strings.HasPrefix(errs[0].Error(), "content/big.md: file too large") {
		t.Errorf("arts %s errs %v", slugs(arts), errs)
	}
}

func TestLoadSymlinks(t *testing.T) {
	dir := t.TempDir()
	root := filepath.Join(dir, "content")
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.MkdirAll(filepath.Join(root, "sub"), 0o755))
	must(os.WriteFile(filepath.Join(dir, "secret.md"), []byte("---\ndate: 2024-06-14\n---\nSecret.\n"), 0o644))
	must(os.WriteFile(filepath.Join(root, "real.md"), []byte("---\ndate: 2024-06-14\n---\nReal.\n"), 0o644))
	links := map[string]string{
		"out-abs.md":       filepath.Join(dir, "secret.md"),
		"out-rel.md":       "../secret.md",
		"sub/in-rel.md":    "../real.md",
		"chain.md":         "sub/chain-hop.md",
		"sub/chain-hop.md": "../../secret.md",
		"subdir":           "sub",
		"outdir":           dir,
	}
	for name, target := range links {
		if err := os.Symlink(target, filepath.Join(root, name)); err != nil {
			t.Skip("symlinks unsupported here:", err)
		}
	}
	arts, errs := Load(afero.NewOsFs(), []string{root}, Options{})
	if got := slugs(arts); got != "real,in-rel" {
		t.Errorf("articles = %s, want real,in-rel", got)
	}
	var outside []string
	for _, err := range errs {
		if !errors.Is(err, ErrSymlink) {
			t.Errorf("unexpected error %v", err)
			continue
		}
		outside = append(outside, filepath.Base(err.(*Error).Path))
	}
	if got := strings.Join(outside, ","); got != "chain.md,out-abs.md,out-rel.md,outdir,chain-hop.md" {
		t.Errorf("refused %s", got)
	}
}

func TestLoadThroughLinkedFolder(t *testing.T) {
	dir := t.TempDir()
	real := filepath.Join(dir, "articles")
	if err := os.MkdirAll(real, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(real, "a.md"), []byte("---\ndate: 2024-06-14\n---\nA.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(real, filepath.Join(dir, "content")); err != nil {
		t.Skip("symlinks unsupported here:", err)
	}
	arts, errs := Load(afero.NewOsFs(), []string{filepath.Join(dir, "content")}, Options{})
	if slugs(arts) != "a" || len(errs) != 0 {
		t.Errorf("arts %s errs %v", slugs(arts), errs)
	}
}

func TestLoadIsDeterministic(t *testing.T) {
	fsys := afero.NewMemMapFs()
	files := map[string]string{}
	for _, n := range []string{"z", "m", "a", "q", "b"} {
		files["content/"+n+".md"] = "---\ndate: 2024-06-14\n---\n" + n + "\n"
	}
	writeFiles(t, fsys, files)
	first, _ := Load(fsys, []string{"content"}, Options{})
	for i := 0; i < 5; i++ {
		again, _ := Load(fsys, []string{"content"}, Options{})
		if slugs(again) != slugs(first) || slugs(first) != "a,b,m,q,z" {
			t.Fatalf("order %s then %s", slugs(first), slugs(again))
		}
	}
}
