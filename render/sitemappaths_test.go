package render

import (
	"bytes"
	"strings"
	"testing"

	"github.com/newsline/timeline/timeline"
)

// TestSitemapByPathsAsWhole: the sitemap files made from paths under the
// base URL (sitemapPaths) have the bytes of those made from whole URLs,
// for bases with and without a sub-path, a port, or a form the fast way
// refuses, in one file or split; and the fast way is taken for the usual
// bases (else the comparison would prove nothing).
func TestSitemapByPathsAsWhole(t *testing.T) {
	tl := synthetic(t, 600)
	for _, base := range []string{"https://school.example/history/", "https://school.example/", "http://x.example:8080/a/b-c/",
		"https://school.example/history", "https://school.example/%7Eh/", "https://School.Example/h/"} {
		for _, limit := range []int{sitemapLimit, 97} {
			fast := sitemapFiles(t, tl, base, limit, true)
			slow := sitemapFiles(t, tl, base, limit, false)
			if len(fast) == 0 || len(fast) != len(slow) {
				t.Fatalf("%s: %d files from paths, %d from URLs", base, len(fast), len(slow))
			}
			for name, data := range slow {
				if !bytes.Equal(fast[name], data) {
					t.Errorf("%s, %d per file: %s differs from paths:\n%.300s\nfrom URLs:\n%.300s", base, limit, name, fast[name], data)
				}
			}
		}
	}
	for _, base := range []string{"https://school.example/history/", "https://school.example/", "http://x.example:8080/a/b-c/"} {
		s, err := newSite(tl, Config{Title: "T", BaseURL: base})
		if err != nil {
			t.Fatal(err)
		}
		if list, ok := s.sitemapPaths(); !ok || list.Len() != s.sitemapCount() {
			t.Errorf("%s: the sitemap is not made from paths (%v, %d URLs)", base, ok, list.Len())
		}
	}
}

// sitemapFiles renders a plan's sitemap files, from paths or from whole URLs.
func sitemapFiles(t *testing.T, tl timeline.Timeline, base string, limit int, byPaths bool) map[string][]byte {
	t.Helper()
	defer func(l int, b bool) { sitemapLimit, sitemapByPaths = l, b }(sitemapLimit, sitemapByPaths)
	sitemapLimit, sitemapByPaths = limit, byPaths
	pages, err := Plan(tl, Config{Title: "T", BaseURL: base})
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{}
	for _, p := range pages {
		if strings.HasPrefix(p.Path, "sitemap") {
			var b bytes.Buffer
			if err := p.Render(&b); err != nil {
				t.Fatalf("%s: %v", p.Path, err)
			}
			files[p.Path] = b.Bytes()
		}
	}
	return files
}
