package e2e

import (
	"html"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// hostPage is a course page of an educator: the published embed snippet
// pasted as it is, plus a recorder of the messages the frame sends (the
// recorder only watches; any resizing must come from the snippet itself).
const hostPage = `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Course page</title>
<script>window.__heights = []; addEventListener('message', e => { if (e.data && e.data.type === 'timeline-height') window.__heights.push(e.data.height); });</script>
</head><body><h1>Week 3: reading</h1><p>Before the timeline.</p>
SNIPPET
<p>After the timeline.</p></body></html>`

var snippetRE = regexp.MustCompile(`(?s)<textarea[^>]*id="embed-code"[^>]*>(.*?)</textarea>`)

// embedSnippet reads the snippet the timeline page offers, with its frame
// address pointed at the test server's embed page (root-relative: the host
// page is served from the same server).
func embedSnippet(t *testing.T, out string) string {
	t.Helper()
	index, err := os.ReadFile(filepath.Join(out, "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	m := snippetRE.FindSubmatch(index)
	if m == nil {
		t.Fatalf("index.html offers no embed snippet (textarea#embed-code)")
	}
	snippet := html.UnescapeString(string(m[1]))
	src := regexp.MustCompile(`src="[^"]*"`)
	if !src.MatchString(snippet) {
		t.Fatalf("embed snippet has no src: %s", snippet)
	}
	return src.ReplaceAllString(snippet, `src="/embed/index.html"`)
}

// TestEmbedReportsHeightAndHostResizes: inside an iframe on a host page the
// embed reports its height, and the frame takes that height.
func TestEmbedReportsHeightAndHostResizes(t *testing.T) {
	s := seedSite(t)
	snippet := embedSnippet(t, s.Out)
	srv := serveSite(t, s.Out, map[string]string{"host.html": strings.Replace(hostPage, "SNIPPET", snippet, 1)})
	tb := newTab(t, srv.URL, tabOptions{width: 800, height: 900})
	tb.open(testPrefix + "host.html")

	type frameState struct {
		Reported []float64 `json:"reported"`
		Frame    float64   `json:"frame"`
		Content  float64   `json:"content"`
		Title    string    `json:"title"`
		Events   int       `json:"events"`
	}
	read := func() frameState {
		return evalIn[frameState](tb, `(() => { const f = document.querySelector('iframe'); const d = f.contentDocument;
		  return {reported: window.__heights, frame: f.getBoundingClientRect().height,
		          content: d ? d.documentElement.scrollHeight : 0, title: f.title || '',
		          events: d ? d.querySelectorAll('li.ev').length : 0}; })()`)
	}
	var st frameState
	deadline := time.Now().Add(10 * time.Second)
	for {
		st = read()
		settled := len(st.Reported) > 0 && math.Abs(st.Frame-st.Reported[len(st.Reported)-1]) <= 2
		if settled || time.Now().After(deadline) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if st.Title == "" {
		t.Errorf("the embed iframe has no title attribute (WCAG 4.1.2: frames need an accessible name)")
	}
	if st.Events != len(s.Timeline.Events) {
		t.Errorf("the embed shows %d events, the timeline has %d", st.Events, len(s.Timeline.Events))
	}
	if len(st.Reported) == 0 {
		t.Fatalf("the embed never posted a timeline-height message to its host")
	}
	last := st.Reported[len(st.Reported)-1]
	if math.Abs(last-st.Content) > 2 {
		t.Errorf("the embed reported height %.0f, its document is %.0f px tall", last, st.Content)
	}
	if math.Abs(st.Frame-last) > 2 {
		t.Errorf("the host did not resize the frame: iframe is %.0f px tall, the embed reported %.0f px (snippet: %s)", st.Frame, last, snippet)
	}
	tb.screenshots("embed-host")
	tb.assertClean()
}
