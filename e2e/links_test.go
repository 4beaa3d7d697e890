package e2e

import (
	"html"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

var (
	linkAttrRE = regexp.MustCompile(`\s(?:href|src)="([^"]*)"`)
	idAttrRE   = regexp.MustCompile(`\sid="([^"]*)"`)
)

// TestInternalLinksResolve follows every relative href and src of every
// generated page (as a static host would serve them, and as file:// opens
// them): the file must exist, and a #fragment must name an id in it.
func TestInternalLinksResolve(t *testing.T) {
	s := seedSite(t)
	t.Logf("%d relative links checked", len(brokenLinks(t, s.Out, t.Errorf)))
}

// TestLinkCheckerFindsBrokenLinks proves the checker fails on a missing file
// and a missing anchor.
func TestLinkCheckerFindsBrokenLinks(t *testing.T) {
	out := t.TempDir()
	page := `<!DOCTYPE html><html lang="en"><title>x</title><a href="missing/index.html">a</a> <a href="#nowhere">b</a> <a href="https://example.org/">c</a> <p id="here"><a href="#here">d</a></p>`
	if err := os.WriteFile(filepath.Join(out, "index.html"), []byte(page), 0o644); err != nil {
		t.Fatal(err)
	}
	var problems []string
	links := brokenLinks(t, out, func(format string, args ...any) { problems = append(problems, format) })
	if len(links) != 3 || len(problems) != 2 {
		t.Errorf("checked %d links with %d problems, want 3 links (the absolute one skipped) and 2 problems", len(links), len(problems))
	}
}

// brokenLinks checks every relative link of every page under out, reports
// each broken one through report, and returns the links it checked.
func brokenLinks(t *testing.T, out string, report func(format string, args ...any)) []string {
	t.Helper()
	ids := map[string]map[string]bool{}
	idsOf := func(file string) map[string]bool {
		if m, ok := ids[file]; ok {
			return m
		}
		m := map[string]bool{}
		if data, err := os.ReadFile(filepath.Join(out, filepath.FromSlash(file))); err == nil {
			for _, id := range idAttrRE.FindAllSubmatch(data, -1) {
				m[html.UnescapeString(string(id[1]))] = true
			}
		}
		ids[file] = m
		return m
	}
	var checked []string
	for _, page := range sitePages(t, out) {
		data, err := os.ReadFile(filepath.Join(out, filepath.FromSlash(page)))
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range linkAttrRE.FindAllSubmatch(data, -1) {
			raw := html.UnescapeString(string(m[1]))
			u, err := url.Parse(raw)
			if err != nil {
				report("%s: unparseable link %q", page, raw)
				continue
			}
			if u.Scheme != "" || u.Host != "" || strings.HasPrefix(raw, "/") {
				continue // absolute: sources and canonical URLs, not files of this site
			}
			target := page
			if u.Path != "" {
				target = path.Join(path.Dir(page), u.Path)
				if strings.HasSuffix(u.Path, "/") || u.Path == "." || u.Path == ".." {
					target += "/index.html"
				}
			}
			checked = append(checked, page+" -> "+raw)
			if strings.HasPrefix(target, "../") {
				report("%s: link %q leaves the site", page, raw)
				continue
			}
			fi, err := os.Stat(filepath.Join(out, filepath.FromSlash(target)))
			if err == nil && fi.IsDir() {
				target += "/index.html"
				_, err = os.Stat(filepath.Join(out, filepath.FromSlash(target)))
			}
			if err != nil {
				report("%s: link %q: %s does not exist", page, raw, target)
				continue
			}
			if u.Fragment != "" && strings.HasSuffix(target, ".html") && !idsOf(target)[u.Fragment] {
				report("%s: link %q: no id=%q in %s", page, raw, u.Fragment, target)
			}
		}
	}
	return checked
}
