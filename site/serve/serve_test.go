package serve

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/spf13/afero"

	"github.com/newsline/timeline/site"
	"github.com/newsline/timeline/timeline"
)

// fakeStages build one index.html listing the articles' text; a file starting
// with BAD is an ingest error naming it.
func fakeStages() site.Stages {
	return site.Stages{
		Load: func(fs afero.Fs, dirs []string, _ time.Time) ([]timeline.Article, []error) {
			var arts []timeline.Article
			var errs []error
			matches, _ := afero.Glob(fs, filepath.Join(dirs[0], "*.txt"))
			sort.Strings(matches)
			for _, m := range matches {
				raw, _ := afero.ReadFile(fs, m)
				if strings.HasPrefix(string(raw), "BAD") {
					errs = append(errs, fmt.Errorf("%s:1: <b>bad</b> article", m))
					continue
				}
				arts = append(arts, timeline.Article{Path: m, Slug: filepath.Base(m), Raw: raw, Text: string(raw)})
			}
			return arts, errs
		},
		Extract: func(timeline.Article) []timeline.Event { return nil },
		Merge: func(a []timeline.Article, _ [][]timeline.Event) timeline.Timeline {
			return timeline.Timeline{Articles: a}
		},
		Overrides: func(afero.Fs, string, *timeline.Timeline) []error { return nil },
		Plan: func(_ afero.Fs, _ string, tl timeline.Timeline) ([]site.Page, error) {
			var b strings.Builder
			b.WriteString("<!doctype html><html><body>")
			for _, a := range tl.Articles {
				b.WriteString("<p>" + strings.TrimSpace(a.Text) + "</p>")
			}
			b.WriteString("</body></html>")
			html := b.String()
			return []site.Page{
				{Path: "index.html", Key: html, Render: func(w io.Writer) error { _, err := io.WriteString(w, html); return err }},
				{Path: "site.css", Key: "css", Render: func(w io.Writer) error { _, err := io.WriteString(w, "body{}"); return err }},
			}, nil
		},
	}
}

type sse struct {
	name, data string
}

// readEvents parses a Server-Sent Events stream into ch.
func readEvents(body io.Reader, ch chan<- sse) {
	sc := bufio.NewScanner(body)
	var cur sse
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "event: "):
			cur.name = strings.TrimPrefix(line, "event: ")
		case strings.HasPrefix(line, "data: "):
			cur.data = strings.TrimPrefix(line, "data: ")
		case line == "" && cur.name != "":
			ch <- cur
			cur = sse{}
		}
	}
	close(ch)
}

func waitEvent(t *testing.T, ch <-chan sse, want string) sse {
	t.Helper()
	select {
	case ev, ok := <-ch:
		if !ok {
			t.Fatalf("event stream closed, want %q", want)
		}
		if ev.name != want {
			t.Fatalf("event %q (%s), want %q", ev.name, ev.data, want)
		}
		return ev
	case <-time.After(10 * time.Second):
		t.Fatalf("no %q event within 10s", want)
	}
	return sse{}
}

func get(t *testing.T, url string) (int, string, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("Content-Type"), string(body)
}

func TestServeRebuildsAndReloadsOnChange(t *testing.T) {
	dir := t.TempDir()
	content := filepath.Join(dir, "content")
	if err := os.MkdirAll(content, 0o755); err != nil {
		t.Fatal(err)
	}
	write := func(name, body string) {
		if err := os.WriteFile(filepath.Join(content, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("a.txt", "first article")
	out := filepath.Join(dir, "public")
	srv := New(Config{
		Fs:       afero.NewOsFs(),
		Build:    site.Options{ContentDir: content, SeedsDir: "-", OutDir: out, CacheDir: filepath.Join(dir, "cache"), Version: "test", Stages: fakeStages()},
		Watch:    []string{content},
		Debounce: 50 * time.Millisecond,
		Log:      io.Discard,
	})
	base := startServer(t, srv)

	status, ctype, body := waitForPage(t, base+"/")
	if status != 200 || !strings.HasPrefix(ctype, "text/html") || !strings.Contains(body, "<p>first article</p>") {
		t.Fatalf("GET / = %d %s %q", status, ctype, body)
	}
	if !strings.Contains(body, `<script src="/__livereload.js"></script></body>`) {
		t.Errorf("live-reload script not injected before </body>: %q", body)
	}
	if published, _ := os.ReadFile(filepath.Join(out, "index.html")); strings.Contains(string(published), "livereload") {
		t.Errorf("the published file carries the live-reload script")
	}
	if _, _, css := get(t, base+"/site.css"); css != "body{}" {
		t.Errorf("site.css = %q (non-HTML must be served as is)", css)
	}
	if status, _, js := get(t, base+ScriptPath); status != 200 || !strings.Contains(js, "EventSource") {
		t.Errorf("script = %d %q", status, js)
	}

	resp, err := http.Get(base + EventsPath)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); ct != "text/event-stream" {
		t.Fatalf("event stream Content-Type = %q", ct)
	}
	events := make(chan sse, 8)
	go readEvents(resp.Body, events)

	write("b.txt", "second article")
	waitEvent(t, events, "reload")
	if _, _, body := get(t, base+"/"); !strings.Contains(body, "<p>second article</p>") {
		t.Errorf("after the change, GET / = %q", body)
	}

	write("c.txt", "BAD article")
	ev := waitEvent(t, events, "builderror")
	if !strings.Contains(ev.data, "c.txt:1: \\u003cb\\u003ebad") {
		t.Errorf("error event data = %q, want the error naming the file", ev.data)
	}
	if _, _, body := get(t, base+"/"); !strings.Contains(body, "<p>second article</p>") {
		t.Errorf("after a failed build the last good site must stay served; GET / = %q", body)
	}
	// A tab opened while the build is broken is told at once.
	resp2, err := http.Get(base + EventsPath)
	if err != nil {
		t.Fatal(err)
	}
	defer resp2.Body.Close()
	late := make(chan sse, 8)
	go readEvents(resp2.Body, late)
	waitEvent(t, late, "builderror")

	if status, _, _ := get(t, base+"/no/such/page"); status != 404 {
		t.Errorf("missing page status = %d", status)
	}
	if status, _, body := get(t, base+"/../../etc/passwd"); status != 404 || strings.Contains(body, "root:") {
		t.Errorf("path escape: %d %q", status, body)
	}
}

func waitForPage(t *testing.T, url string) (int, string, string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		status, ctype, body := get(t, url)
		if status == 200 || time.Now().After(deadline) {
			return status, ctype, body
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestInjectScript(t *testing.T) {
	for in, want := range map[string]string{
		"<html><body><p>x</p></body></html>": `<html><body><p>x</p><script src="/__livereload.js"></script></body></html>`,
		"<p>no body end":                     `<p>no body end<script src="/__livereload.js"></script>`,
		"<BODY>a</BODY>":                     `<BODY>a<script src="/__livereload.js"></script></BODY>`,
	} {
		if got := string(injectScript([]byte(in))); got != want {
			t.Errorf("injectScript(%q) = %q, want %q", in, got, want)
		}
	}
}

// startServer runs srv on a loopback port until the test ends, when it is
// stopped and its Run must have returned no error; it returns the base URL.
func startServer(t *testing.T, srv *Server) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Run(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
	})
	return "http://" + ln.Addr().String()
}
