package render

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"path/filepath"
	"strings"

	"github.com/goccy/go-yaml"
	"github.com/spf13/afero"

	"github.com/newsline/timeline/render/export"
)

// Config holds the site settings.
//
// They come from two places, read in this order, later values winning:
//  1. timeline.yaml in the parent of the content folder (the project root), optional;
//  2. the front matter of content/_index.md, the primary place, whose body is the About text.
//
// Both accept the keys title, base_url (alias baseURL), language and description.
type Config struct {
	Title       string // site title, shown in the header and <title>
	BaseURL     string // absolute URL the site is published at, ending in "/"; empty = unknown
	About       string // Markdown body of content/_index.md, rendered on about/index.html
	Language    string // BCP 47 language of the content; "en" when unset
	Description string // one-line description for <meta name="description"> and exports

	// Splices, when set, gives the whole-file exports (events.ics,
	// events.csv, timeline.json) the previously published copy of their file
	// to copy unchanged events from, so a rebuild renders only the events
	// that changed and splices the rest (see export.SpliceStore).
	// Not a setting: it never changes a byte of the output or a page Key.
	Splices export.SpliceStore `json:"-"`

	// Buffers, when set, lends the plan the arrays of the previous plan
	// given the same Buffers (see PlanBuffers: that plan's pages must no
	// longer be rendered). Not a setting either.
	Buffers *PlanBuffers `json:"-"`
}

// settings is the YAML shape of the site settings.
type settings struct {
	Title       string `yaml:"title"`
	BaseURL     string `yaml:"base_url"`
	BaseURLAlt  string `yaml:"baseURL"`
	Language    string `yaml:"language"`
	Description string `yaml:"description"`
}

// DefaultTitle is the site title when no settings name one.
const DefaultTitle = "Timeline"

// LoadConfig reads timeline.yaml beside contentDir and contentDir/_index.md.
// Either may be absent. Malformed settings are errors naming file and line.
func LoadConfig(fsys afero.Fs, contentDir string) (Config, error) {
	cfg := Config{}
	rootFile := filepath.Join(filepath.Dir(filepath.Clean(contentDir)), "timeline.yaml")
	if data, err := readOptional(fsys, rootFile); err != nil {
		return cfg, err
	} else if data != nil {
		if err := mergeSettings(&cfg, rootFile, data, 0); err != nil {
			return cfg, err
		}
	}
	indexFile := filepath.Join(contentDir, "_index.md")
	data, err := readOptional(fsys, indexFile)
	if err != nil {
		return cfg, err
	}
	if data != nil {
		front, body, line, err := splitFrontMatter(indexFile, data)
		if err != nil {
			return cfg, err
		}
		if err := mergeSettings(&cfg, indexFile, front, line); err != nil {
			return cfg, err
		}
		cfg.About = strings.TrimSpace(string(body))
	}
	return cfg.withDefaults(), nil
}

func readOptional(fsys afero.Fs, path string) ([]byte, error) {
	data, err := afero.ReadFile(fsys, path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return data, nil
}

// splitFrontMatter separates "---" delimited YAML front matter from the body.
// line is the number of file lines before the YAML text, for error messages.
func splitFrontMatter(path string, data []byte) (front, body []byte, line int, err error) {
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	lines := strings.SplitAfter(strings.ReplaceAll(string(data), "\r\n", "\n"), "\n")
	if len(lines) == 0 || strings.TrimRight(lines[0], "\n") != "---" {
		return nil, data, 0, nil
	}
	for i := 1; i < len(lines); i++ {
		if strings.TrimRight(lines[i], " \t\n") == "---" {
			return []byte(strings.Join(lines[1:i], "")), []byte(strings.Join(lines[i+1:], "")), 1, nil
		}
	}
	return nil, nil, 0, fmt.Errorf("%s:1: front matter opened with --- is never closed", path)
}

// mergeSettings parses YAML settings and copies the keys that are set into cfg.
// lineOffset is the number of file lines before the YAML text.
func mergeSettings(cfg *Config, path string, data []byte, lineOffset int) error {
	var s settings
	if err := yaml.Unmarshal(data, &s); err != nil {
		return fmt.Errorf("%s:%d: site settings: %s", path, yamlLine(err)+lineOffset, yamlMessage(err))
	}
	if s.BaseURL == "" {
		s.BaseURL = s.BaseURLAlt
	}
	if s.BaseURL != "" {
		base, err := normaliseBaseURL(s.BaseURL)
		if err != nil {
			return fmt.Errorf("%s:%d: base_url: %w", path, keyLine(data, "base_url", "baseURL")+lineOffset, err)
		}
		cfg.BaseURL = base
	}
	set := func(dst *string, v string) {
		if v = strings.TrimSpace(v); v != "" {
			*dst = v
		}
	}
	set(&cfg.Title, s.Title)
	set(&cfg.Language, s.Language)
	set(&cfg.Description, s.Description)
	return nil
}

func yamlLine(err error) int {
	var ye yaml.Error
	if errors.As(err, &ye) && ye.GetToken() != nil && ye.GetToken().Position != nil {
		return ye.GetToken().Position.Line
	}
	return 1
}

func yamlMessage(err error) string {
	var ye yaml.Error
	if errors.As(err, &ye) {
		return ye.GetMessage()
	}
	return err.Error()
}

// keyLine finds the 1-based line of the first of keys in YAML text (1 if absent).
func keyLine(data []byte, keys ...string) int {
	for i, l := range strings.Split(string(data), "\n") {
		for _, k := range keys {
			if strings.HasPrefix(strings.TrimSpace(l), k+":") {
				return i + 1
			}
		}
	}
	return 1
}

// normaliseBaseURL accepts an absolute http(s) URL and makes it end in "/",
// so page paths can be appended to it.
func normaliseBaseURL(raw string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return "", fmt.Errorf("not a URL: %q", raw)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("must be an absolute http or https URL like https://school.example/history/, got %q", raw)
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return "", fmt.Errorf("must not carry a query or fragment: %q", raw)
	}
	if !strings.HasSuffix(u.Path, "/") {
		u.Path += "/"
	}
	return u.String(), nil
}

func (c Config) withDefaults() Config {
	if c.Title == "" {
		c.Title = DefaultTitle
	}
	if c.Language == "" {
		c.Language = "en"
	}
	return c
}
