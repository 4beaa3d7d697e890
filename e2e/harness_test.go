package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestHarnessSeesWhatItGuards proves the checks the other tests rely on can
// fail: a page that reaches off-site, logs an error and calls alert() is seen
// doing each, and its off-site request is blocked.
func TestHarnessSeesWhatItGuards(t *testing.T) {
	out := t.TempDir()
	bad := `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>bad</title></head><body>
<img src="http://198.51.100.7/pixel.png" alt="" onerror="window.__pwned='img'">
<script>console.error("boom"); alert("pwned"); window.__ran = 1;</script></body></html>`
	if err := os.WriteFile(filepath.Join(out, "index.html"), []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	srv := serveSite(t, out, nil)
	tb := newTab(t, srv.URL, tabOptions{})
	tb.open("/")
	dialogs := evalIn[[]string](tb, `window.__e2e.dialogs`)
	if len(dialogs) != 1 || dialogs[0] != "alert:pwned" {
		t.Errorf("dialog hook saw %q, want [alert:pwned]", dialogs)
	}
	tb.mu.Lock()
	defer tb.mu.Unlock()
	if len(tb.offsite) != 1 || !strings.Contains(tb.offsite[0], "198.51.100.7") {
		t.Errorf("off-site requests recorded: %q, want the pixel", tb.offsite)
	}
	found := false
	for _, c := range tb.console {
		found = found || strings.Contains(c, "boom")
	}
	if !found {
		t.Errorf("console errors recorded: %q, want one with boom", tb.console)
	}

	inert := evalIn[struct {
		Bad   []string `json:"bad"`
		Pwned string   `json:"pwned"`
	}](tb, inertCheck)
	if len(inert.Bad) < 2 || inert.Pwned != "img" {
		t.Errorf("the inertness check missed the handler or the inline script: %+v", inert)
	}

	quiet := newTab(t, srv.URL, tabOptions{noJS: true})
	quiet.open("/")
	if ran := evalIn[any](quiet, `window.__ran`); ran != nil {
		t.Errorf("with JavaScript disabled the page script still ran: __ran=%v", ran)
	}
}

// TestHarnessCheckersFindFaults proves axe-core and the Nu HTML Checker, as
// this package runs them, report a known fault (so zero means zero).
func TestHarnessCheckersFindFaults(t *testing.T) {
	out := t.TempDir()
	faulty := `<!doctype html><html><head><meta charset="utf-8"><title>faulty</title></head>
<body><main><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" width="1" height="1"><p><div>unclosed</p></main></body></html>`
	file := filepath.Join(out, "index.html")
	if err := os.WriteFile(file, []byte(faulty), 0o644); err != nil {
		t.Fatal(err)
	}
	if errs := runVNU(t, []string{file}); len(errs) == 0 {
		t.Errorf("vnu found no error in invalid HTML")
	} else if place := vnuPlace(out, errs[0]); !strings.HasPrefix(place, "index.html:") {
		t.Errorf("vnu error placed at %q, want index.html:LINE:COL", place)
	}
	srv := serveSite(t, out, nil)
	tb := newTab(t, srv.URL, tabOptions{})
	tb.open("/")
	rules := map[string]bool{}
	for _, v := range runAxe(tb) {
		rules[v.ID] = true
	}
	for _, want := range []string{"image-alt", "html-has-lang"} {
		if !rules[want] {
			t.Errorf("axe did not report %s; reported %v", want, rules)
		}
	}
}
