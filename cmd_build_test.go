package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/newsline/timeline/timeline/ingest"
)

func TestParseDateFlag(t *testing.T) {
	// A time keeps the zone it was written in, as in front matter: the
	// publication day, against which "yesterday" and "on Wednesday" are
	// resolved, is the one the writer saw, whatever the offset from UTC.
	for in, want := range map[string]string{"2024-06-14": "2024-06-14", "2024-06-14T23:30:00-02:00": "2024-06-14",
		"2024-06-14T01:30:00+04:00": "2024-06-14", "2024-06-14T09:30:00Z": "2024-06-14"} {
		d, err := parseDateFlag(in)
		if err != nil || d.Format("2006-01-02") != want {
			t.Errorf("parseDateFlag(%q) = %v, %v; want %s", in, d, err, want)
		}
		// The same text in front matter or a sidecar gives the same instant and day.
		fm, err := ingest.ParseDate(in)
		if err != nil || !fm.Equal(d) || fm.Format("2006-01-02") != d.Format("2006-01-02") {
			t.Errorf("--date %q gives %v, front matter %v (%v)", in, d, fm, err)
		}
	}
	if _, err := parseDateFlag("14/06/2024"); err == nil || !strings.Contains(err.Error(), "--date") {
		t.Errorf("bad date: err = %v", err)
	}
}

// The build command reports every error and fails, and publishes nothing.
func TestBuildCommandFailsOnBadInput(t *testing.T) {
	dir := t.TempDir()
	content := filepath.Join(dir, "content")
	if err := os.MkdirAll(content, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, body := range map[string]string{
		"bad.md":  "---\ntitle: x\ndate: 2024-13-45\n---\nbody\n",
		"bin.txt": "abc\xff\n",
	} {
		if err := os.WriteFile(filepath.Join(content, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out := filepath.Join(dir, "public")
	var stderr bytes.Buffer
	rootCmd.SetErr(&stderr)
	defer rootCmd.SetErr(nil)
	defer rootCmd.SetArgs(nil)
	rootCmd.SetArgs([]string{"build", "--content", content, "--seeds", "-", "--out", out, "--cache", filepath.Join(dir, "cache")})
	err := rootCmd.Execute()
	if err == nil {
		t.Fatal("build of bad content succeeded")
	}
	for _, want := range []string{"bad.md:3:", "bin.txt:1:", "nothing published"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error does not mention %q:\n%v", want, err)
		}
	}
	if !strings.Contains(stderr.String(), "build: 0 articles") {
		t.Errorf("summary line missing from stderr: %q", stderr.String())
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("the output folder was created: %v", err)
	}
}
