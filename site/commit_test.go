package site

import (
	"encoding/json"
	"path/filepath"
	"testing"

	"github.com/spf13/afero"
)

// A deleted page's folder goes, and its parents while they are empty; a
// folder that still holds a file (or a folder) stays, with what it holds,
// on the OS file system (which refuses to remove such a folder) and on
// afero's MemMapFs (which would remove it with its files).
func TestDeletionsRemoveOnlyEmptyFolders(t *testing.T) {
	osRoot := t.TempDir()
	for name, fs := range map[string]afero.Fs{"os": afero.NewOsFs(), "mem": afero.NewMemMapFs()} {
		root := "/site"
		if name == "os" {
			root = osRoot
		}
		out, commit := filepath.Join(root, "public"), filepath.Join(root, "public"+commitInfix+"x")
		deleted, _ := json.Marshal([]string{"events/a/index.html", "years/2020/01/index.html", "tags/x/y/index.html"})
		writeFiles(t, fs, map[string]string{
			out + "/events/a/index.html": "a", out + "/events/b/index.html": "b",
			out + "/years/2020/01/index.html": "jan", out + "/years/2020/index.html": "2020",
			out + "/tags/x/y/index.html": "y", out + "/tags/x/z/keep.txt": "z",
			commit + "/" + deletedFile: string(deleted),
		})
		if err := applyDeletions(fs, out, commit); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for _, gone := range []string{"events/a", "years/2020/01", "tags/x/y"} {
			if ok, _ := afero.Exists(fs, filepath.Join(out, gone)); ok {
				t.Errorf("%s: %s is still there", name, gone)
			}
		}
		for _, kept := range []string{"events", "years/2020", "tags/x", "tags"} {
			if ok, _ := afero.DirExists(fs, filepath.Join(out, kept)); !ok {
				t.Errorf("%s: folder %s was removed, but it is not empty", name, kept)
			}
		}
		for p, want := range map[string]string{"events/b/index.html": "b", "years/2020/index.html": "2020", "tags/x/z/keep.txt": "z"} {
			if got, err := afero.ReadFile(fs, filepath.Join(out, p)); err != nil || string(got) != want {
				t.Errorf("%s: %s = %q (%v), want %q", name, p, got, err, want)
			}
		}
	}
}
