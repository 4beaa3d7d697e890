// Package render writes the static timeline site: HTML pages from the embedded
// templates (package templates), the stylesheet and script, and the export files
// (package render/export). It reads the timeline.Timeline model only; the one
// text it parses is an article's Markdown body, rendered without raw HTML.
//
// Every link is relative (index.html, ../../events/ID/index.html), so the site
// works under any sub-path and from file://. Absolute URLs appear only in
// canonical/og:url metadata and exports, and only when Config.BaseURL is set.
package render

import (
	"bytes"
	"fmt"
	"io"
	"path"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/spf13/afero"

	"github.com/newsline/timeline/timeline"
)

// Page is one output file.
type Page struct {
	Path   string                // slash-separated, relative to the output root: "events/ab12/index.html"
	Key    string                // hash of everything the bytes depend on; equal Key, equal bytes
	Render func(io.Writer) error // writes the file
}

// Plan lists every output file of the site: pages, stylesheet, script, search
// data and exports, in a fixed order. Rendering happens only when a Page's
// Render is called, so an incremental build can compare Keys first.
func Plan(tl timeline.Timeline, cfg Config) ([]Page, error) {
	s, err := newSite(tl, cfg)
	if err != nil {
		return nil, err
	}
	head := s.assetPages()
	if s.paged == nil {
		head = append(head, s.indexPage(), s.embedPage(), s.aboutPage(), s.notFoundPage(), s.searchPage())
	} else {
		head = append(head, s.aboutPage(), s.notFoundPage())
		head = append(head, s.listingPages()...)
		head = append(head, s.searchShards()...)
	}
	exports := s.exportPages()
	// Sized once: growing a 127,000-page list by appending copied it about
	// twenty times and left the copies to the collector.
	pages := make([]Page, 0, len(head)+len(s.tl.Events)+len(s.tl.Articles)+len(exports))
	pages = append(pages, head...)
	for i := range s.tl.Events {
		pages = append(pages, s.eventPage(i))
	}
	for i := range s.tl.Articles {
		pages = append(pages, s.articlePage(i))
	}
	pages = append(pages, exports...)
	seen := make(map[string]bool, len(pages))
	for _, p := range pages {
		if seen[p.Path] {
			return nil, fmt.Errorf("render: two pages would be written to %s", p.Path)
		}
		seen[p.Path] = true
	}
	return pages, nil
}

// Site plans the site and writes every page under outDir.
func Site(fsys afero.Fs, outDir string, tl timeline.Timeline, cfg Config) error {
	pages, err := Plan(tl, cfg)
	if err != nil {
		return err
	}
	for _, p := range pages {
		if err := WritePage(fsys, outDir, p); err != nil {
			return err
		}
	}
	return nil
}

// WritePage renders one page into outDir, creating its folders.
func WritePage(fsys afero.Fs, outDir string, p Page) error {
	if !safeRelPath(p.Path) {
		return fmt.Errorf("render: refusing to write outside the output folder: %q", p.Path)
	}
	target := filepath.Join(outDir, filepath.FromSlash(p.Path))
	if err := fsys.MkdirAll(filepath.Dir(target), 0o755); err != nil {
		return fmt.Errorf("render: %s: %w", target, err)
	}
	var buf bytes.Buffer
	if err := p.Render(&buf); err != nil {
		return fmt.Errorf("render: %s: %w", p.Path, err)
	}
	if err := afero.WriteFile(fsys, target, buf.Bytes(), 0o644); err != nil {
		return fmt.Errorf("render: %s: %w", target, err)
	}
	return nil
}

func safeRelPath(p string) bool {
	return p != "" && path.Clean(p) == p && !path.IsAbs(p) && p != ".." && !hasDotDot(p)
}

func hasDotDot(p string) bool {
	for _, seg := range strings.Split(p, "/") {
		if seg == ".." || seg == "." || seg == "" {
			return true
		}
	}
	return false
}

// segmentOK is what an event ID or article slug must look like to become a
// folder name: no separators, no dots at the start, nothing a shell or URL
// would need to escape.
var segmentOK = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_.-]{0,199}$`)

// safeSegment reports whether name matches segmentOK, without the regexp
// engine: every plan checks each of a large site's 127,000 names.
func safeSegment(name string) bool {
	if len(name) == 0 || len(name) > 200 || name[0] == '.' || name[0] == '-' {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_' || c == '.' || c == '-') {
			return false
		}
	}
	return true
}
