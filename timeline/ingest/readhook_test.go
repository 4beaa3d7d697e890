package ingest

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
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
