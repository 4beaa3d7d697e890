package render

import (
	"strings"
	"testing"

	"github.com/spf13/afero"
)

func TestLoadConfig(t *testing.T) {
	mem := afero.NewMemMapFs()
	afero.WriteFile(mem, "/p/timeline.yaml", []byte("title: From yaml\ndescription: Described in yaml\nbase_url: https://a.example/x\n"), 0o644)
	afero.WriteFile(mem, "/p/content/_index.md", []byte("---\ntitle: \"From _index\"\nbaseURL: https://school.example/history/armenia\n---\n\nAbout **this**.\n"), 0o644)
	cfg, err := LoadConfig(mem, "/p/content")
	if err != nil {
		t.Fatal(err)
	}
	want := Config{Title: "From _index", BaseURL: "https://school.example/history/armenia/", About: "About **this**.",
		Language: "en", Description: "Described in yaml"}
	if cfg != want {
		t.Errorf("got %+v\nwant %+v", cfg, want)
	}
}

func TestLoadConfigDefaults(t *testing.T) {
	cfg, err := LoadConfig(afero.NewMemMapFs(), "content")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Title != DefaultTitle || cfg.Language != "en" || cfg.BaseURL != "" || cfg.About != "" {
		t.Errorf("defaults: %+v", cfg)
	}
	mem := afero.NewMemMapFs()
	afero.WriteFile(mem, "content/_index.md", []byte("Just an about text, no front matter.\n"), 0o644)
	cfg, err = LoadConfig(mem, "content")
	if err != nil || cfg.About != "Just an about text, no front matter." || cfg.Title != DefaultTitle {
		t.Errorf("body only: %+v, %v", cfg, err)
	}
}

func TestLoadConfigErrorsNameFileAndLine(t *testing.T) {
	cases := []struct{ file, data, want string }{
		{"c/_index.md", "---\ntitle: ok\nbase_url: ftp://x.example/\n---\n", "c/_index.md:3: base_url"},
		{"c/_index.md", "---\ntitle: ok\n", "c/_index.md:1: front matter"},
		{"c/_index.md", "---\ntitle: ok\ntitle: [unclosed\n---\n", "c/_index.md:"},
		{"timeline.yaml", "title: a\n  bad: indentation: here\n", "timeline.yaml:"},
		{"c/_index.md", "---\nbase_url: /relative/\n---\n", "must be an absolute http or https URL"},
	}
	for _, c := range cases {
		mem := afero.NewMemMapFs()
		afero.WriteFile(mem, c.file, []byte(c.data), 0o644)
		_, err := LoadConfig(mem, "c")
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: want error containing %q, got %v", c.data, c.want, err)
		}
	}
}

func TestPlanRejectsBadBaseURL(t *testing.T) {
	if _, err := Plan(fixture(t), Config{BaseURL: "javascript:alert(1)"}); err == nil {
		t.Error("Plan accepted a javascript: base URL")
	}
}
