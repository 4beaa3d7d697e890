package ingest

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"sync"
	"testing"

	"github.com/spf13/afero"

	"github.com/newsline/timeline/timeline"
)

// Options.ReadFile reads the regular files Load admits, sidecars included,
// given their walk info; a file reached through a symlink is read by Load
// itself, since the link's target, not the link, is what its bytes depend on.
func TestReadFileHookReadsRegularFilesOnly(t *testing.T) {
	dir := t.TempDir()
	content := filepath.Join(dir, "content")
	files := map[string]string{
		"a.md":   "---\ntitle: A\ndate: 2024-06-14\n---\nOn Monday it rained.\n",
		"r.txt":  "Raw text of a report.\n",
		"r.yaml": "date: 2024-06-14\ntitle: R\n",
	}
	for name, body := range files {
		if err := os.MkdirAll(content, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(content, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink("a.md", filepath.Join(content, "linked.md")); err != nil {
		t.Skip("no symlinks here:", err)
	}
	hooked := map[string]int64{}
	opts := Options{ReadFile: func(path string, info fs.FileInfo) ([]byte, error) {
		hooked[filepath.Base(path)] = info.Size()
		return os.ReadFile(path)
	}}
	arts, errs := Load(afero.NewOsFs(), []string{content}, opts)
	if len(errs) > 0 {
		// linked.md shares a.md's slug; that refusal is Load's, not the hook's
		for _, err := range errs {
			t.Log(err)
		}
	}
	if len(arts) < 2 {
		t.Fatalf("loaded %d articles, want a and r at least", len(arts))
	}
	for _, name := range []string{"a.md", "r.txt", "r.yaml"} {
		if hooked[name] != int64(len(files[name])) {
			t.Errorf("%s: hook saw size %d, want %d", name, hooked[name], len(files[name]))
		}
	}
	if _, ok := hooked["linked.md"]; ok {
		t.Error("the symlink was read through the hook")
	}
}

// Load's result does not depend on Options.Workers: the same articles and the
// same errors in the same order, whatever the mix of good, broken, draft,
// duplicate and undated files.
func TestLoadOnSeveralWorkersMatchesOne(t *testing.T) {
	fsys := afero.NewMemMapFs()
	write := func(name, body string) {
		if err := afero.WriteFile(fsys, name, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for i := 0; i < 40; i++ {
		write(fmt.Sprintf("content/a%02d.md", i), fmt.Sprintf("---\ntitle: A%d\ndate: 2024-06-%02d\n---\nOn Monday %d people met.\n", i, 1+i%28, i))
	}
	write("content/broken.md", "---\ntitle: [unclosed\n---\nbody\n")
	write("content/draft.md", "---\ntitle: D\ndate: 2024-06-14\ndraft: true\n---\nbody\n")
	write("content/dup.md", "---\ntitle: Dup\ndate: 2024-06-14\nslug: a07\n---\nbody\n")
	write("content/binary.txt", "\x00\x01\x02")
	write("seeds/undated.txt", "No date anywhere.\n")
	write("seeds/dated.txt", "Raw report.\n")
	write("seeds/dated.yaml", "date: 2024-06-14\ntitle: Dated\n")
	load := func(workers int) ([]timeline.Article, []string) {
		arts, errs := Load(fsys, []string{"content", "seeds"}, Options{OptionalDateDirs: []string{"seeds"}, Workers: workers})
		var msgs []string
		for _, err := range errs {
			msgs = append(msgs, err.Error())
		}
		return arts, msgs
	}
	wantArts, wantErrs := load(1)
	if len(wantArts) != 41 || len(wantErrs) < 3 {
		t.Fatalf("one worker: %d articles, errors %q; want 41 and the broken, binary and duplicate files", len(wantArts), wantErrs)
	}
	for _, workers := range []int{0, 2, 5} {
		arts, errs := load(workers)
		if !reflect.DeepEqual(errs, wantErrs) {
			t.Errorf("%d workers: errors %q, want %q", workers, errs, wantErrs)
		}
		if !reflect.DeepEqual(arts, wantArts) {
			t.Errorf("%d workers: the articles differ from one worker's", workers)
		}
	}
}

// Recall is asked about regular files (and raw texts whose sidecar is regular
// or absent) before they are read, and what it returns is admitted without
// reading them; Remember is told of what was parsed instead, with the infos
// Recall was asked with and the bytes read. Files reached through a symlink,
// or whose sidecar is one, are never asked about nor remembered.
func TestRecallAndRememberHooks(t *testing.T) {
	dir := t.TempDir()
	content := filepath.Join(dir, "content")
	if err := os.MkdirAll(content, 0o755); err != nil {
		t.Fatal(err)
	}
	files := map[string]string{
		"a.md":      "---\ntitle: A\ndate: 2024-06-14\n---\nOn Monday it rained.\n",
		"b.md":      "---\ntitle: B\ndate: 2024-06-14\n---\nOn Tuesday it snowed.\n",
		"d.md":      "---\ntitle: D\ndate: 2024-06-14\ndraft: true\n---\nA draft.\n",
		"r.txt":     "Raw text of a report.\n",
		"r.yaml":    "date: 2024-06-14\ntitle: R\n",
		"s.txt":     "Raw text with a linked sidecar.\n",
		"real.yaml": "date: 2024-06-14\ntitle: S\n",
		"bad.md":    "---\ntitle: [unclosed\n---\n",
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(content, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink("real.yaml", filepath.Join(content, "s.yaml")); err != nil {
		t.Skip("no symlinks here:", err)
	}
	if err := os.Symlink("b.md", filepath.Join(content, "link.md")); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	asked, remembered := map[string]File{}, map[string]File{}
	opts := Options{Workers: 3,
		Recall: func(f File) (timeline.Article, bool) {
			mu.Lock()
			defer mu.Unlock()
			asked[filepath.Base(f.Path)] = f
			if filepath.Base(f.Path) == "a.md" || filepath.Base(f.Path) == "d.md" {
				return timeline.Article{Path: f.Path, Slug: "recalled-" + filepath.Base(f.Path), Meta: timeline.Meta{Draft: filepath.Base(f.Path) == "d.md"}}, true
			}
			return timeline.Article{}, false
		},
		Remember: func(f File, a timeline.Article) {
			mu.Lock()
			defer mu.Unlock()
			remembered[filepath.Base(f.Path)] = f
		}}
	arts, _ := Load(afero.NewOsFs(), []string{content}, opts)
	slugs := map[string]bool{}
	for _, a := range arts {
		slugs[a.Slug] = true
	}
	if !slugs["recalled-a.md"] || slugs["recalled-d.md"] || !slugs["b"] || !slugs["r"] || !slugs["s"] {
		t.Errorf("slugs %v: want the recalled a, not the recalled draft, b, r and s read", slugs)
	}
	for _, name := range []string{"a.md", "b.md", "d.md", "r.txt", "bad.md"} {
		if f, ok := asked[name]; !ok || f.Raw != nil || f.Info == nil || f.Info.Size() != int64(len(files[name])) {
			t.Errorf("Recall about %s: asked %v with %+v", name, ok, f)
		}
	}
	if f := asked["r.txt"]; f.SidecarInfo == nil || f.SidecarInfo.Size() != int64(len(files["r.yaml"])) {
		t.Errorf("Recall about r.txt was not given its sidecar's info")
	}
	for _, name := range []string{"s.txt", "link.md", "r.yaml", "real.yaml"} {
		if _, ok := asked[name]; ok {
			t.Errorf("Recall was asked about %s", name)
		}
		if _, ok := remembered[name]; ok {
			t.Errorf("%s was remembered", name)
		}
	}
	if len(remembered) != 2 || string(remembered["b.md"].Raw) != files["b.md"] || string(remembered["r.txt"].Sidecar) != files["r.yaml"] ||
		remembered["r.txt"].SidecarInfo == nil || remembered["b.md"].Info == nil {
		t.Errorf("remembered %v: want b.md and r.txt with their infos and bytes", remembered)
	}
}
