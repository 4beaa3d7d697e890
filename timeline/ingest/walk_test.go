package ingest

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/spf13/afero"
)

// walk visits what afero.Walk visits, in the same order, with the same
// infos and errors, and honours filepath.SkipDir and a stopping error the
// same way, whatever the number of workers.
func TestWalkMatchesAferoWalk(t *testing.T) {
	dir := t.TempDir()
	for i := 0; i < 150; i++ { // more than one run of Lstats per worker
		sub := []string{"a", "b/c", ".hidden", "skip"}[i%4]
		name := filepath.Join(dir, sub, fmt.Sprintf("f%03d.md", i))
		if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(name, []byte(strings.Repeat("x", i)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink("a", filepath.Join(dir, "link")); err != nil {
		t.Skip("no symlinks here:", err)
	}
	if err := os.Symlink("missing", filepath.Join(dir, "dangling.md")); err != nil {
		t.Fatal(err)
	}
	mem := afero.NewMemMapFs()
	for i := 0; i < 100; i++ {
		afero.WriteFile(mem, fmt.Sprintf("m/%c/f%03d.txt", 'a'+i%3, i), []byte("x"), 0o644)
	}
	type visit struct {
		Path        string
		Dir         bool
		Size        int64
		Err         string
		Link, Regul bool
	}
	record := func(stopAt string) (*[]visit, filepath.WalkFunc) {
		var got []visit
		return &got, func(path string, info fs.FileInfo, err error) error {
			v := visit{Path: path}
			if info != nil {
				v.Dir, v.Size, v.Link, v.Regul = info.IsDir(), info.Size(), info.Mode()&fs.ModeSymlink != 0, info.Mode().IsRegular()
			}
			if err != nil {
				v.Err = err.Error()
			}
			got = append(got, v)
			switch {
			case stopAt != "" && strings.HasSuffix(path, stopAt):
				return fmt.Errorf("stop")
			case filepath.Base(path) == "skip" || strings.HasPrefix(filepath.Base(path), "."):
				return filepath.SkipDir
			}
			return nil
		}
	}
	for _, c := range []struct {
		fs   afero.Fs
		root string
	}{{afero.NewOsFs(), dir}, {afero.NewOsFs(), dir + "/"}, {afero.NewOsFs(), dir + "/./b/../a"}, {mem, "m"}, {mem, "./m"}, {mem, "m/"}, {mem, "missing"}} {
		for _, stopAt := range []string{"", "f077.md", "f050.txt"} {
			want, wantFn := record(stopAt)
			wantErr := afero.Walk(c.fs, c.root, wantFn)
			for _, workers := range []int{0, 1, 3} {
				got, gotFn := record(stopAt)
				gotErr := walk(c.fs, c.root, workers, gotFn)
				if !reflect.DeepEqual(*got, *want) || fmt.Sprint(gotErr) != fmt.Sprint(wantErr) {
					t.Errorf("%s, stop at %q, %d workers: %d visits (%v), afero.Walk %d (%v)", c.root, stopAt, workers, len(*got), gotErr, len(*want), wantErr)
				}
			}
			if len(*want) < 2 && c.root != "missing" {
				t.Errorf("%s: afero.Walk visited %d entries", c.root, len(*want))
			}
		}
	}
}

// childPath is filepath.Join for every folder and entry name.
func TestChildPathIsJoin(t *testing.T) {
	for _, dir := range []string{"", ".", "/", "a", "a/", "./a", "a/b", "/a/b", "a//b", "a/./b", "a/../b", "..", "../a"} {
		for _, name := range []string{"", ".", "..", "x", "x.md", ".x", "x/y", "..x"} {
			if got, want := childPath(dir, name, cleanParent(dir)), filepath.Join(dir, name); got != want {
				t.Errorf("childPath(%q, %q) = %q, want %q", dir, name, got, want)
			}
		}
	}
}
