package ingest

import (
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/spf13/afero"
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
