package site

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/spf13/afero"
)

// readPack gives the file's bytes whichever way it gets them: mapped on the
// OS file system, read from any other, read when the file is empty, and an
// error naming the file when it is missing.
func TestReadPackMapsOrReadsTheSameBytes(t *testing.T) {
	dir := t.TempDir()
	want := bytes.Repeat([]byte("pack record \x00\xff "), 5000)
	name := filepath.Join(dir, "extract.pack")
	if err := os.WriteFile(name, want, 0o644); err != nil {
		t.Fatal(err)
	}
	mem := afero.NewMemMapFs()
	if err := afero.WriteFile(mem, "extract.pack", want, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name         string
		fs           afero.Fs
		file         string
		mapped, want bool
	}{
		{"os, mapped", afero.NewOsFs(), name, true, true},
		{"os, read", afero.NewOsFs(), name, false, false},
		{"memory, mapping asked", mem, "extract.pack", true, false},
		{"read-only os layer, mapped", afero.NewReadOnlyFs(afero.NewOsFs()), name, true, true},
	} {
		got, isMapped, err := readPack(c.fs, c.file, c.mapped)
		if err != nil || !bytes.Equal(got, want) || isMapped != c.want {
			t.Errorf("%s: %d bytes, mapped %v, %v; want the %d bytes written, mapped %v", c.name, len(got), isMapped, err, len(want), c.want)
		}
	}
	// Appending to and renaming over a mapped pack, as a build does, leaves
	// the mapped bytes as they were.
	got, _, _ := readPack(afero.NewOsFs(), name, true)
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	f.Write([]byte("appended"))
	f.Close()
	if err := os.WriteFile(name+".tmp", []byte("new pack"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(name+".tmp", name); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Error("the mapped pack changed when the file was appended to and replaced")
	}

	empty := filepath.Join(dir, "empty.pack")
	if err := os.WriteFile(empty, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if got, _, err := readPack(afero.NewOsFs(), empty, true); err != nil || len(got) != 0 {
		t.Errorf("empty pack: %q, %v", got, err)
	}
	if _, _, err := readPack(afero.NewOsFs(), filepath.Join(dir, "missing.pack"), true); !os.IsNotExist(err) {
		t.Errorf("missing pack: %v, want a not-exist error", err)
	}
}
