package e2e

import (
	"testing"
)

// TestAccessibility runs axe-core (WCAG 2.0/2.1 A and AA) on each page type:
// timeline, event, article, embed and about, with JavaScript on as readers
// meet them.
func TestAccessibility(t *testing.T) {
	s := seedSite(t)
	srv := serveSite(t, s.Out, nil)
	pages := map[string]string{
		"timeline": "/index.html",
		"embed":    "/embed/index.html",
		"about":    "/about/index.html",
		"event":    "/events/" + s.Timeline.Events[0].ID + "/index.html",
	}
	if len(s.Timeline.Articles) > 0 {
		pages["article"] = "/articles/" + s.Timeline.Articles[0].Slug + "/index.html"
	} else {
		t.Errorf("the seed timeline has no article, so no article page to check")
	}
	tb := newTab(t, srv.URL, tabOptions{}) // one tab: a new one per page costs more than the check
	for _, kind := range []string{"timeline", "event", "article", "embed", "about"} {
		path, ok := pages[kind]
		if !ok {
			continue
		}
		t.Run(kind, func(t *testing.T) {
			parent := tb.t
			tb.t = t // failures belong to the subtest's goroutine
			defer func() { tb.t = parent }()
			tb.open(path)
			reportAxe(t, path, runAxe(tb))
			tb.checkFitsPhone(path)
		})
	}
	if path, ok := pages["article"]; ok {
		tb.open(path)
		tb.screenshots("article")
	}
	tb.assertClean()
}

// TestHTMLValidity runs the Nu HTML Checker on every generated page.
func TestHTMLValidity(t *testing.T) {
	s := seedSite(t)
	pages := sitePages(t, s.Out)
	files := make([]string, len(pages))
	for i, p := range pages {
		files[i] = s.Out + "/" + p
	}
	errs := runVNU(t, files)
	for _, m := range errs {
		t.Errorf("vnu %s: %s\n    %s", vnuPlace(s.Out, m), m.Message, truncate(m.Extract, 200))
	}
	t.Logf("vnu checked %d pages: %d errors", len(pages), len(errs))
}
