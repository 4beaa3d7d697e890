package e2e

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"
)

// markerRE finds the marker word each hostile input carries.
var markerRE = regexp.MustCompile(`HOSTILE[a-z0-9]+`)

// hostileInput is one file of the corpus and the marker it carries.
type hostileInput struct {
	name   string // file name as the build sees it
	marker string
}

// TestHostileCorpus builds testdata/hostile plus inputs made here (a 50 MB
// article, an absolute slug, symlinks out of content/) with keep-going:
//   - every input is either rendered, and then inert in Chromium, or refused
//     by an error that names its file;
//   - the plain control article still builds;
//   - nothing is written outside the output (and cache) folder, and nothing
//     behind a symlink reaches the output.
func TestHostileCorpus(t *testing.T) {
	top := t.TempDir()
	// Deep enough that a ../ escape from the output folder still lands in top,
	// where the snapshot below sees it.
	root := filepath.Join(top, "1", "2", "3", "4", "5", "6", "project")
	content := filepath.Join(root, "content")
	if err := copyTree(filepath.Join(repoRoot(), "testdata", "hostile", "content"), content); err != nil {
		t.Fatal(err)
	}
	inputs := corpusInputs(t, content)
	inputs = append(inputs, makeGeneratedInputs(t, top, content)...)

	before := snapshot(t, top)
	b := buildSite(t, root, true)
	errText := buildErrors(b.Err)
	t.Logf("hostile build: %s\nerrors:\n%s", b.Summary, errText)

	checkNothingOutside(t, top, before, b)
	pages := sitePages(t, b.Out)
	rendered := markersInOutput(t, b.Out)
	if len(pages) == 0 || len(rendered["HOSTILEcontrol"]) == 0 {
		t.Fatalf("keep-going build did not publish the control article (pages: %d)", len(pages))
	}
	if files := rendered["HOSTILEsecretleak"]; len(files) > 0 {
		t.Errorf("a file behind a symlink out of content/ reached the output: %v", files)
	}
	if files := rendered["HOSTILEsecretdir"]; len(files) > 0 {
		t.Errorf("a folder symlinked out of content/ reached the output: %v", files)
	}
	for _, in := range inputs {
		named := strings.Contains(errText, in.name)
		switch {
		case strings.HasPrefix(in.marker, "HOSTILEsecret"):
			if !named {
				t.Logf("%s (a symlink out of content/) was skipped without an error naming it", in.name)
			}
		case len(rendered[in.marker]) > 0:
			t.Logf("%s (%s): rendered (%d files), checked inert below", in.name, in.marker, len(rendered[in.marker]))
		case named:
			t.Logf("%s (%s): refused with an error naming it", in.name, in.marker)
		default:
			t.Errorf("%s (%s) was neither rendered nor refused with an error naming it (silently dropped)", in.name, in.marker)
		}
	}
	checkInert(t, b.Out, rendered)
	checkTimelineJSInert(t, b.Out)

	// Hostile slugs and titles must not break the site's own links.
	brokenLinks(t, b.Out, t.Errorf)

	// Broken markup in the input must not break the pages' own markup.
	files := make([]string, len(pages))
	for i, p := range pages {
		files[i] = filepath.Join(b.Out, filepath.FromSlash(p))
	}
	for _, m := range runVNU(t, files) {
		t.Errorf("vnu %s: %s\n    %s", vnuPlace(b.Out, m), m.Message, truncate(m.Extract, 200))
	}
}

// TestHostileOverridesRefused builds the control article with invalid hostile
// overrides: every entry is refused by an error naming overrides.yaml and the
// entry's line, the article still builds, and no refused entry is rendered.
func TestHostileOverridesRefused(t *testing.T) {
	root := t.TempDir()
	content := filepath.Join(root, "content")
	if err := os.MkdirAll(content, 0o755); err != nil {
		t.Fatal(err)
	}
	hostile := filepath.Join(repoRoot(), "testdata", "hostile")
	overrides, err := os.ReadFile(filepath.Join(hostile, "overrides-invalid.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	control, err := os.ReadFile(filepath.Join(hostile, "content", "control.md"))
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string][]byte{"overrides.yaml": overrides, "control.md": control} {
		if err := os.WriteFile(filepath.Join(content, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	b := buildSite(t, root, true)
	errText := buildErrors(b.Err)
	t.Logf("errors:\n%s", errText)
	// Each entry (from its "- " line to the next) must be named by one of its lines.
	lines := strings.Split(string(overrides), "\n")
	var starts []int
	for i, line := range lines {
		if strings.HasPrefix(line, "- ") {
			starts = append(starts, i+1)
		}
	}
	for k, first := range starts {
		last := len(lines)
		if k+1 < len(starts) {
			last = starts[k+1] - 1
		}
		named := false
		for n := first; n <= last; n++ {
			named = named || strings.Contains(errText, fmt.Sprintf("overrides.yaml:%d:", n))
		}
		if !named {
			t.Errorf("no error names overrides.yaml at lines %d-%d (entry %q)", first, last, lines[first-1])
		}
	}
	rendered := markersInOutput(t, b.Out)
	if len(rendered["HOSTILEcontrol"]) == 0 {
		t.Errorf("the control article was not published next to the refused overrides")
	}
	for marker, files := range rendered {
		if strings.HasPrefix(marker, "HOSTILEoverride") {
			t.Errorf("refused override %s was rendered into %v", marker, files)
		}
	}
}

// corpusInputs lists the committed corpus files with their markers.
func corpusInputs(t *testing.T, content string) []hostileInput {
	t.Helper()
	entries, err := os.ReadDir(content)
	if err != nil {
		t.Fatal(err)
	}
	var inputs []hostileInput
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(content, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		seen := map[string]bool{}
		for _, m := range markerRE.FindAll(data, -1) {
			if !seen[string(m)] {
				seen[string(m)] = true
				inputs = append(inputs, hostileInput{e.Name(), string(m)})
			}
		}
	}
	return inputs
}

// makeGeneratedInputs writes the inputs that must not live in git.
func makeGeneratedInputs(t *testing.T, top, content string) []hostileInput {
	t.Helper()
	write := func(path, text string) {
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// A 50 MB article: dated paragraphs, so an unlimited build would really work on it.
	var huge bytes.Buffer
	huge.WriteString("---\ntitle: \"A 50 MB article HOSTILEhuge\"\ndate: 2024-03-18\n---\nHOSTILEhuge\n\n")
	para := "On 18 March 2024 the council of Exampleton met again, and a week later it voted on the harbour plan.\n\n"
	for huge.Len() < 50<<20 {
		huge.WriteString(para)
	}
	write(filepath.Join(content, "huge.md"), huge.String())

	// A slug that is an absolute path, pointing into the test's own folder.
	abs := filepath.Join(top, "escaped-absolute")
	write(filepath.Join(content, "slug-absolute.md"), fmt.Sprintf(
		"---\ntitle: \"Absolute slug HOSTILEslugabsolute\"\ndate: 2024-03-19\nslug: %q\n---\nHOSTILEslugabsolute: a road in Exampleton opened on 19 March 2024.\n", abs))

	// A symlink from content/ to a file outside it, and one to a folder outside it.
	secret := filepath.Join(top, "secret.md")
	write(secret, "---\ntitle: \"Secret HOSTILEsecretleak\"\ndate: 2024-03-20\n---\nHOSTILEsecretleak: private notes written on 20 March 2024.\n")
	if err := os.Symlink(secret, filepath.Join(content, "leak.md")); err != nil {
		t.Fatal(err)
	}
	secretDir := filepath.Join(top, "secret-dir")
	if err := os.MkdirAll(secretDir, 0o755); err != nil {
		t.Fatal(err)
	}
	write(filepath.Join(secretDir, "inside.md"), "---\ntitle: \"Secret folder HOSTILEsecretdir\"\ndate: 2024-03-21\n---\nHOSTILEsecretdir: notes of 21 March 2024.\n")
	if err := os.Symlink(secretDir, filepath.Join(content, "linked-dir")); err != nil {
		t.Fatal(err)
	}
	return []hostileInput{
		{"huge.md", "HOSTILEhuge"},
		{"slug-absolute.md", "HOSTILEslugabsolute"},
		{"leak.md", "HOSTILEsecretleak"},
		{"linked-dir", "HOSTILEsecretdir"},
	}
}

// buildErrors is the text of every error of the build, one per line.
func buildErrors(err error) string {
	if err == nil {
		return ""
	}
	var lines []string
	var multi interface{ Unwrap() []error }
	if errors.As(err, &multi) {
		for _, e := range multi.Unwrap() {
			lines = append(lines, e.Error())
		}
	} else {
		lines = append(lines, err.Error())
	}
	for i, l := range lines {
		lines[i] = truncate(l, 600)
	}
	return strings.Join(lines, "\n")
}

// snapshot lists every path under dir (symlinks not followed).
func snapshot(t *testing.T, dir string) map[string]bool {
	t.Helper()
	paths := map[string]bool{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		paths[p] = true
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return paths
}

// checkNothingOutside fails for every new path that is neither in the output
// nor in the cache folder.
func checkNothingOutside(t *testing.T, top string, before map[string]bool, b builtSite) {
	t.Helper()
	cache := filepath.Join(b.Root, ".timeline-cache")
	var stray []string
	for p := range snapshot(t, top) {
		if before[p] || within(b.Out, p) || within(cache, p) {
			continue
		}
		stray = append(stray, p)
	}
	sort.Strings(stray)
	for _, p := range stray {
		rel, _ := filepath.Rel(top, p)
		t.Errorf("the build wrote outside its output folder: %s", rel)
	}
}

func within(dir, p string) bool {
	rel, err := filepath.Rel(dir, p)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

// markersInOutput maps each marker to the output files (relative) that contain it.
func markersInOutput(t *testing.T, out string) map[string][]string {
	t.Helper()
	found := map[string][]string{}
	err := filepath.WalkDir(out, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(out, p)
		seen := map[string]bool{}
		for _, m := range markerRE.FindAll(data, -1) {
			if !seen[string(m)] {
				seen[string(m)] = true
				found[string(m)] = append(found[string(m)], filepath.ToSlash(rel))
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return found
}

// inertCheck looks for anything in the DOM that could run a script: handlers,
// script-bearing URLs, inline scripts with the payload, srcdoc frames, refreshes.
const inertCheck = `(() => {
  const bad = [];
  const urlAttrs = ['href', 'src', 'action', 'formaction', 'data', 'xlink:href', 'poster', 'background', 'srcdoc'];
  for (const el of document.querySelectorAll('*')) {
    for (const a of el.attributes) {
      const name = a.name.toLowerCase(), v = a.value.replace(/[\s\u0000-\u001f]+/g, '').toLowerCase();
      if (name.startsWith('on')) bad.push(el.tagName + ' has handler ' + name + '=' + a.value.slice(0, 60));
      if (urlAttrs.includes(name) && /^(javascript|vbscript|data:text\/html)/.test(v)) bad.push(el.tagName + ' ' + name + '=' + a.value.slice(0, 60));
      if (name === 'srcdoc') bad.push(el.tagName + ' has srcdoc');
    }
  }
  for (const s of document.querySelectorAll('script')) {
    const type = (s.getAttribute('type') || '').toLowerCase();
    if (type.includes('json')) continue;
    if (/__pwned|alert\(/.test(s.textContent)) bad.push('inline script: ' + s.textContent.slice(0, 80));
  }
  for (const m of document.querySelectorAll('meta[http-equiv]')) bad.push('meta http-equiv=' + m.getAttribute('http-equiv'));
  for (const b of document.querySelectorAll('base')) bad.push('base href=' + b.getAttribute('href'));
  return {bad, pwned: String(window.__pwned || ''), dialogs: (window.__e2e || {dialogs: []}).dialogs};
})()`

// checkInert opens every page that carries a marker, plus the site's own
// pages, and checks nothing hostile can run there.
func checkInert(t *testing.T, out string, rendered map[string][]string) {
	t.Helper()
	pageSet := map[string]bool{"index.html": true, "embed/index.html": true, "about/index.html": true}
	for _, files := range rendered {
		for _, f := range files {
			if strings.HasSuffix(f, ".html") {
				pageSet[f] = true
			}
		}
	}
	var pages []string
	for p := range pageSet {
		if _, err := os.Stat(filepath.Join(out, p)); err == nil {
			pages = append(pages, p)
		}
	}
	sort.Strings(pages)
	srv := serveSite(t, out, nil)
	tb := newTab(t, srv.URL, tabOptions{})
	for _, p := range pages {
		tb.open("/" + p)
		res := evalIn[struct {
			Bad     []string `json:"bad"`
			Pwned   string   `json:"pwned"`
			Dialogs []string `json:"dialogs"`
		}](tb, inertCheck)
		if res.Pwned != "" {
			t.Errorf("%s: a hostile script ran (window.__pwned = %q)", p, res.Pwned)
		}
		for _, d := range res.Dialogs {
			t.Errorf("%s: a hostile script opened a dialog: %s", p, d)
		}
		for _, b := range res.Bad {
			t.Errorf("%s: live markup from the input: %s", p, b)
		}
	}
	t.Logf("%d pages checked inert in Chromium", len(pages))
	tb.mu.Lock()
	for _, d := range tb.dialogs {
		t.Errorf("Chromium reported a dialog: %s", d)
	}
	tb.mu.Unlock()
}

// tljsInertCheck looks in TimelineJS3's rendering of timeline.json for
// anything of the text that became markup: elements that load or run
// something, handlers (TimelineJS's own onclick="void(0)" aside), script
// URLs, and scripts other than the page's own two.
const tljsInertCheck = `(() => {
  const bad = [];
  const root = document.getElementById('tl');
  const live = ['script', 'img', 'svg', 'math', 'iframe', 'frame', 'object', 'embed', 'video', 'audio', 'source',
    'form', 'input', 'textarea', 'style', 'link', 'meta', 'base', 'template', 'noscript'];
  const urlAttrs = ['href', 'src', 'action', 'formaction', 'data', 'xlink:href', 'poster', 'background', 'srcdoc', 'srcset'];
  for (const el of root.querySelectorAll('*')) {
    const tag = el.tagName.toLowerCase();
    if (live.includes(tag)) bad.push('<' + tag + '> in ' + (el.closest('[id]') || root).id + ': ' + el.outerHTML.slice(0, 80));
    for (const a of el.attributes) {
      const name = a.name.toLowerCase(), v = a.value.replace(/[\s\u0000-\u001f]+/g, '').toLowerCase();
      if (name.startsWith('on') && !(name === 'onclick' && a.value.trim() === 'void(0)')) bad.push(tag + ' has handler ' + name + '=' + a.value.slice(0, 60));
      if (urlAttrs.includes(name) && /^(javascript|vbscript|data:)/.test(v)) bad.push(tag + ' ' + name + '=' + a.value.slice(0, 60));
      if (name === 'style' && /javascript|expression\(|url\(/.test(v)) bad.push(tag + ' style=' + a.value.slice(0, 60));
    }
  }
  const node = location.origin + '/_e2e/node_modules/';
  for (const s of document.querySelectorAll('script')) {
    if (s.src ? !s.src.startsWith(node) : !s.textContent.includes('new TL.Timeline(')) bad.push('script: ' + (s.src || s.textContent.slice(0, 80)));
  }
  return {bad, slides: root.querySelectorAll('.tl-slide').length, text: root.textContent,
    pwned: String(window.__pwned || ''), dialogs: (window.__e2e || {dialogs: []}).dialogs};
})()`

// checkTimelineJSInert loads the hostile build's timeline.json into
// TimelineJS3 (tljsPage), which puts each slide's text in the page as HTML:
// every slide is shown, every marker of the file is there as text, and
// nothing of the text runs or became live markup.
func checkTimelineJSInert(t *testing.T, out string) {
	t.Helper()
	start := time.Now()
	nodeModule(t, "@knight-lab/timelinejs/dist/js/timeline.js")
	raw, err := os.ReadFile(filepath.Join(out, "timeline.json"))
	if err != nil {
		t.Fatal(err)
	}
	var data struct {
		Title  json.RawMessage   `json:"title"`
		Events []json.RawMessage `json:"events"`
	}
	if err := json.Unmarshal(raw, &data); err != nil {
		t.Fatalf("timeline.json: %v", err)
	}
	slides := len(data.Events)
	if data.Title != nil {
		slides++
	}
	srv := serveSite(t, out, map[string]string{"tljs.html": tljsPage})
	tb := newTab(t, srv.URL, tabOptions{width: 1100, height: 700})
	tb.open(testPrefix + "tljs.html")
	if !waitFor(tb, `window.__tlReady`, 15*time.Second) {
		t.Fatalf("TimelineJS3 never fired 'loaded' for the hostile timeline.json")
	}
	// Step through every slide, so anything a slide does once shown has run.
	for i := 0; i < slides; i++ {
		evalIn[bool](tb, fmt.Sprintf(`(window.__tl.goTo(%d), true)`, i))
	}
	time.Sleep(300 * time.Millisecond)
	res := evalIn[struct {
		Bad     []string `json:"bad"`
		Slides  int      `json:"slides"`
		Text    string   `json:"text"`
		Pwned   string   `json:"pwned"`
		Dialogs []string `json:"dialogs"`
	}](tb, tljsInertCheck)
	if res.Slides != slides {
		t.Errorf("TimelineJS3 shows %d slides for the %d of timeline.json", res.Slides, slides)
	}
	var shown []string
	for _, m := range markerRE.FindAllString(string(raw), -1) {
		if !strings.Contains(res.Text, m) {
			t.Errorf("TimelineJS3 does not show %s, which timeline.json carries", m)
		} else if !slices.Contains(shown, m) {
			shown = append(shown, m)
		}
	}
	if res.Pwned != "" {
		t.Errorf("timeline.json in TimelineJS3: a hostile script ran (window.__pwned = %q)", res.Pwned)
	}
	for _, d := range res.Dialogs {
		t.Errorf("timeline.json in TimelineJS3: a hostile script opened a dialog: %s", d)
	}
	for _, b := range res.Bad {
		t.Errorf("timeline.json in TimelineJS3: live markup from the input: %s", b)
	}
	tb.mu.Lock()
	for _, d := range tb.dialogs {
		t.Errorf("timeline.json in TimelineJS3: Chromium reported a dialog: %s", d)
	}
	tb.mu.Unlock()
	sort.Strings(shown)
	t.Logf("timeline.json in TimelineJS3: %d slides checked in %.1f s, markers shown as text: %s",
		res.Slides, time.Since(start).Seconds(), strings.Join(shown, " "))
}
