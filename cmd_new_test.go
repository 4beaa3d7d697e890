package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/spf13/afero"

	"github.com/newsline/timeline/timeline/ingest"
)

func TestNewWritesArticleFromStdin(t *testing.T) {
	fs := afero.NewMemMapFs()
	in := strings.NewReader("Armenia froze its CSTO role on Monday.\n\nhttps://example.org/author/x\n\nIt said more later.\n")
	var out, errOut bytes.Buffer
	f := newFlags{date: "2024-06-14", source: "https://example.org/a", content: "content"}
	if err := runNew(fs, in, &out, &errOut, nil, f); err != nil {
		t.Fatal(err)
	}
	path := strings.TrimSpace(out.String())
	if path != "content/armenia-froze-its-csto-role-on-monday.md" {
		t.Fatalf("wrote %q", path)
	}
	if !strings.Contains(errOut.String(), "left out: https://example.org/author/x") {
		t.Errorf("stderr = %q", errOut.String())
	}
	raw, err := afero.ReadFile(fs, path)
	if err != nil {
		t.Fatal(err)
	}
	a, err := ingest.Parse(path, raw, nil, ingest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if a.Meta.Title != "Armenia froze its CSTO role on Monday" || a.Meta.DateText != "2024-06-14" || a.Meta.Source != "https://example.org/a" {
		t.Errorf("Meta = %+v", a.Meta)
	}
	if a.Text != "Armenia froze its CSTO role on Monday.\n\nIt said more later." {
		t.Errorf("Text = %q", a.Text)
	}

	// the same title again: refused, file untouched
	in = strings.NewReader("Armenia froze its CSTO role on Monday. Other text.")
	err = runNew(fs, in, &out, &errOut, []string{"-"}, f)
	if err == nil || !strings.Contains(err.Error(), "already exists; not overwriting") {
		t.Errorf("second write: err = %v", err)
	}
	if again, _ := afero.ReadFile(fs, path); !bytes.Equal(again, raw) {
		t.Error("existing article was changed")
	}
}

func TestNewFromFileWithTitle(t *testing.T) {
	fs := afero.NewMemMapFs()
	if err := afero.WriteFile(fs, "paste.txt", []byte("Some pasted text."), 0o644); err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	f := newFlags{date: "2024-06-14T10:00:00Z", title: "Über die Lage", content: "site/content"}
	if err := runNew(fs, nil, &out, &errOut, []string{"paste.txt"}, f); err != nil {
		t.Fatal(err)
	}
	if got := strings.TrimSpace(out.String()); got != "site/content/uber-die-lage.md" {
		t.Errorf("wrote %q", got)
	}
}

func TestNewRefusesBadInput(t *testing.T) {
	tests := []struct {
		f    newFlags
		in   string
		args []string
		want string
	}{
		{newFlags{content: "c"}, "Text.", nil, "--date is required"},
		{newFlags{date: "14/06/2024", content: "c"}, "Text.", nil, "--date"},
		{newFlags{date: "2024-06-14", source: "javascript:alert(1)", content: "c"}, "Text.", nil, "http"},
		{newFlags{date: "2024-06-14", content: "c"}, "bin\x00ary", nil, "-:1: binary"},
		{newFlags{date: "2024-06-14", content: "c"}, "", []string{"missing.txt"}, "missing.txt"},
	}
	for _, tc := range tests {
		var out, errOut bytes.Buffer
		err := runNew(afero.NewMemMapFs(), strings.NewReader(tc.in), &out, &errOut, tc.args, tc.f)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: err = %v, want %q", tc.f, err, tc.want)
		}
	}
}
