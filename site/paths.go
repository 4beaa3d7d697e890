package site

import (
	"fmt"
	"path"
	"path/filepath"
	"strings"
)

// checkPagePath accepts only clean, relative, slash-separated paths that stay
// inside the output folder: page paths come from slugs and overrides an editor
// (or an attacker) wrote.
func checkPagePath(p string) error {
	switch {
	case p == "" || p == ".":
		return fmt.Errorf("page path %q: empty", p)
	case strings.ContainsAny(p, "\\\x00:"):
		return fmt.Errorf("page path %q: contains a backslash, colon or NUL", p)
	case strings.HasPrefix(p, "/"):
		return fmt.Errorf("page path %q: absolute", p)
	case path.Clean(p) != p:
		return fmt.Errorf("page path %q: not clean", p)
	}
	// A ".." segment anywhere; no split: this runs for every one of 126,000 pages.
	if p == ".." || strings.HasPrefix(p, "../") || strings.HasSuffix(p, "/..") || strings.Contains(p, "/../") {
		return fmt.Errorf("page path %q: leaves the output folder", p)
	}
	return nil
}

// checkOutDir refuses output folders whose swap would destroy something else:
// the working folder, the root, or a folder holding the content or the cache.
func checkOutDir(out, content, cache string) error {
	clean := filepath.Clean(out)
	if clean == "." || clean == string(filepath.Separator) || filepath.Base(clean) == ".." {
		return fmt.Errorf("output folder %q: refusing to replace it", out)
	}
	for _, inner := range []string{content, cache} {
		if inner != "" && within(clean, inner) {
			return fmt.Errorf("output folder %q contains %q: refusing to replace it", out, inner)
		}
	}
	return nil
}

// within reports whether p is dir or lies inside it (lexically, after making both absolute).
func within(dir, p string) bool {
	ad, err1 := filepath.Abs(dir)
	ap, err2 := filepath.Abs(p)
	if err1 != nil || err2 != nil {
		return false
	}
	rel, err := filepath.Rel(ad, ap)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}
