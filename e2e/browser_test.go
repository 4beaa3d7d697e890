package e2e

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// One Chromium serves the whole test process; each page gets its own tab in a
// fresh browser context (no shared cookies or storage between tests).
var (
	browserMu     sync.Mutex
	browserCtx    context.Context
	browserCancel []context.CancelFunc
)

// chromiumFlags are those this closed network needs: without the background
// networking switches Chromium keeps trying to reach Google's hosts at start.
func chromiumFlags(exe, profile string) []chromedp.ExecAllocatorOption {
	return append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe),
		chromedp.Headless,
		chromedp.NoSandbox, // CI runs as root
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-popup-blocking", false),
		chromedp.UserDataDir(profile),
	)
}

// sharedBrowser starts Chromium once, or skips the test when it is absent.
func sharedBrowser(t testing.TB) context.Context {
	t.Helper()
	exe := chromiumPath(t)
	browserMu.Lock()
	defer browserMu.Unlock()
	if browserCtx != nil {
		return browserCtx
	}
	profile, err := os.MkdirTemp(workDir, "chromium-profile-")
	if err != nil {
		t.Fatal(err)
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), chromiumFlags(exe, profile)...)
	ctx, cancelCtx := chromedp.NewContext(allocCtx)
	if err := chromedp.Do(ctx); err != nil { // starts the browser
		cancelCtx()
		cancelAlloc()
		t.Fatalf("starting %s: %v", exe, err)
	}
	browserCtx = ctx
	browserCancel = []context.CancelFunc{cancelCtx, cancelAlloc}
	return ctx
}

// stopBrowser ends the shared Chromium at the end of the test process.
func stopBrowser() {
	browserMu.Lock()
	defer browserMu.Unlock()
	for _, cancel := range browserCancel {
		cancel()
	}
	browserCtx, browserCancel = nil, nil
}

// dialogHook replaces the dialog functions before any page script runs, so a
// hostile script that reaches alert() leaves a trace instead of blocking.
const dialogHook = `(() => {
  window.__e2e = {dialogs: []};
  for (const name of ['alert', 'confirm', 'prompt', 'print', 'open']) {
    window[name] = function (...args) { window.__e2e.dialogs.push(name + ':' + String(args[0])); return null; };
  }
})();`

// tab is one browser tab on a test server, recording what the page did.
type tab struct {
	t      testing.TB
	ctx    context.Context
	origin string // scheme://host:port of the test server

	mu       sync.Mutex
	offsite  []string // requests to anything but origin (blocked before they leave)
	requests []string // every request the page made, for the log
	console  []string // console errors, uncaught exceptions, browser log errors
	dialogs  []string // JavaScript dialogs that Chromium itself reported
}

// tabOptions configure a new tab.
type tabOptions struct {
	noJS        bool  // disable JavaScript, as a reader with scripts off
	width       int64 // viewport width in CSS pixels (default 1280)
	height      int64 // viewport height (default 900)
	allowOrigin []string
}

// newTab opens a tab that blocks and records every request leaving origin.
func newTab(t testing.TB, origin string, opts tabOptions) *tab {
	t.Helper()
	parent := sharedBrowser(t)
	ctx, cancel := chromedp.NewContext(parent, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	tb := &tab{t: t, ctx: ctx, origin: strings.TrimSuffix(origin, "/")}
	if err := chromedp.Listen(ctx, tb.onEvent); err != nil {
		t.Fatalf("listening to the tab: %v", err)
	}
	if opts.width == 0 {
		opts.width, opts.height = 1280, 900
	}
	steps := []chromedp.Action[chromedp.Void]{
		chromedp.Func(func(ctx context.Context, target *chromedp.Target) error {
			_, err := chromedp.Call(ctx, fetch.Enable, fetch.EnableParams{Patterns: []*fetch.RequestPattern{{URLPattern: "*"}}})
			return err
		}),
		chromedp.EmulateViewport(opts.width, opts.height),
	}
	if opts.noJS {
		steps = append(steps, chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
			_, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true})
			return err
		}))
	} else {
		steps = append(steps, chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
			_, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: dialogHook})
			return err
		}))
	}
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatalf("setting up the tab: %v", err)
	}
	return tb
}

// onEvent runs on chromedp's reading goroutine: it only records, and hands
// anything that needs a command to a goroutine of its own.
func (tb *tab) onEvent(ev any) {
	switch e := ev.(type) {
	case *fetch.EventRequestPaused:
		u := e.Request.URL
		tb.mu.Lock()
		tb.requests = append(tb.requests, u)
		allowed := tb.sameOrigin(u)
		if !allowed {
			tb.offsite = append(tb.offsite, u)
		}
		tb.mu.Unlock()
		go tb.resolve(e.RequestID, allowed)
	case *network.EventWebSocketCreated:
		if !tb.sameOrigin(e.URL) {
			tb.mu.Lock()
			tb.offsite = append(tb.offsite, e.URL)
			tb.mu.Unlock()
		}
	case *runtime.EventConsoleAPICalled:
		if e.Type == runtime.ConsoleAPICalledTypeError || e.Type == runtime.ConsoleAPICalledTypeAssert {
			tb.addConsole("console." + string(e.Type) + ": " + consoleText(e.Args))
		}
	case *runtime.EventExceptionThrown:
		d := e.ExceptionDetails
		msg := d.Text
		if d.Exception != nil && d.Exception.Description != "" {
			msg += " " + d.Exception.Description
		}
		tb.addConsole(fmt.Sprintf("exception: %s (%s:%d)", msg, d.URL, d.LineNumber+1))
	case *log.EventEntryAdded:
		// The browser asks for /favicon.ico by itself; a site without one
		// is not a page error a reader meets.
		if e.Entry.Level == log.EntryLevelError && !strings.HasSuffix(e.Entry.URL, "/favicon.ico") {
			tb.addConsole(fmt.Sprintf("browser log (%s): %s %s", e.Entry.Source, e.Entry.Text, e.Entry.URL))
		}
	case *page.EventJavascriptDialogOpening:
		tb.mu.Lock()
		tb.dialogs = append(tb.dialogs, string(e.Type)+": "+e.Message)
		tb.mu.Unlock()
		go chromedp.Call(tb.ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: false})
	}
}

func (tb *tab) addConsole(msg string) {
	tb.mu.Lock()
	tb.console = append(tb.console, msg)
	tb.mu.Unlock()
}

// resolve lets a same-origin request through and fails every other one, so
// nothing leaves the machine even when a page tries.
func (tb *tab) resolve(id fetch.RequestID, allowed bool) {
	if allowed {
		chromedp.Call(tb.ctx, fetch.ContinueRequest, fetch.ContinueRequestParams{RequestID: id})
		return
	}
	chromedp.Call(tb.ctx, fetch.FailRequest, fetch.FailRequestParams{RequestID: id, ErrorReason: network.ErrorReasonBlockedByClient})
}

// sameOrigin reports whether a URL stays on the test server (data: and blob:
// URLs never leave the page).
func (tb *tab) sameOrigin(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil {
		return false
	}
	switch u.Scheme {
	case "data", "blob", "about":
		return true
	}
	return u.Scheme+"://"+u.Host == tb.origin
}

// open navigates to a path on the origin and waits until the page has loaded and settled.
func (tb *tab) open(path string) {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, 30*time.Second)
	defer cancel()
	resp, err := chromedp.Run(ctx, chromedp.NavigateResponse(tb.origin+path))
	if err != nil {
		tb.t.Fatalf("opening %s: %v", path, err)
	}
	if resp != nil && resp.Status != 200 {
		tb.t.Fatalf("opening %s: HTTP %d", path, resp.Status)
	}
	if err := tb.do(chromedp.WaitReady(chromedp.CSS("body")), chromedp.Sleep(300*time.Millisecond)); err != nil {
		tb.t.Fatalf("opening %s: %v", path, err)
	}
}

// consoleText formats the arguments of a console call.
func consoleText(args []*runtime.RemoteObject) string {
	var parts []string
	for _, a := range args {
		switch {
		case len(a.Value) > 0:
			parts = append(parts, strings.Trim(string(a.Value), `"`))
		case a.Description != "":
			parts = append(parts, a.Description)
		default:
			parts = append(parts, string(a.Type))
		}
	}
	return strings.Join(parts, " ")
}

// eval runs a script in the page and decodes its result.
func evalIn[T any](tb *tab, script string) T {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, 30*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](script, chromedp.EvalAwaitPromise))
	if err != nil {
		tb.t.Fatalf("evaluating %.80q: %v", script, err)
	}
	return v
}

// waitFor polls a boolean script until it holds or the time runs out, and
// reports whether it held: page scripts load and react asynchronously, and a
// loaded CI machine is slow.
func waitFor(tb *tab, script string, limit time.Duration) bool {
	tb.t.Helper()
	deadline := time.Now().Add(limit)
	for {
		if evalIn[bool](tb, script) {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// do runs actions in the tab with a time limit.
func (tb *tab) do(steps ...chromedp.Action[chromedp.Void]) error {
	ctx, cancel := context.WithTimeout(tb.ctx, 30*time.Second)
	defer cancel()
	return chromedp.Do(ctx, steps...)
}

// screenshots saves full-page PNGs at phone (375 px) and desktop (1280 px)
// widths into the artifacts folder and logs where they are.
func (tb *tab) screenshots(name string) {
	tb.t.Helper()
	dir := artifactDir(tb.t)
	for _, w := range []struct {
		label         string
		width, height int64
		mobile        bool
	}{{"phone", 375, 812, true}, {"desktop", 1280, 900, false}} {
		opts := []chromedp.EmulateViewportOption{}
		if w.mobile {
			opts = append(opts, chromedp.EmulateMobile, chromedp.EmulateScale(2))
		}
		if err := tb.do(chromedp.EmulateViewport(w.width, w.height, opts...), chromedp.Sleep(200*time.Millisecond)); err != nil {
			tb.t.Fatalf("resizing to %s: %v", w.label, err)
		}
		ctx, cancel := context.WithTimeout(tb.ctx, 30*time.Second)
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		cancel()
		if err != nil {
			tb.t.Fatalf("screenshot %s: %v", w.label, err)
		}
		file := filepath.Join(dir, name+"-"+w.label+".png")
		if err := os.WriteFile(file, png, 0o644); err != nil {
			tb.t.Fatal(err)
		}
		tb.t.Logf("screenshot: %s", file)
	}
	tb.do(chromedp.EmulateViewport(1280, 900))
}

// checkFitsPhone fails when the open page scrolls sideways at 375 px: a
// reader on a phone would have to pan to read each line.
func (tb *tab) checkFitsPhone(what string) {
	tb.t.Helper()
	if err := tb.do(chromedp.EmulateViewport(375, 812, chromedp.EmulateMobile), chromedp.Sleep(150*time.Millisecond)); err != nil {
		tb.t.Fatal(err)
	}
	defer tb.do(chromedp.EmulateViewport(1280, 900))
	widths := evalIn[[]int](tb, `[document.documentElement.scrollWidth, document.documentElement.clientWidth]`)
	if widths[0] > widths[1]+1 {
		wide := evalIn[string](tb, `(() => { const w = document.documentElement.clientWidth;
		  const el = [...document.querySelectorAll('body *')].find(e => e.getBoundingClientRect().right > w + 1);
		  return el ? el.tagName.toLowerCase() + (el.className ? '.' + el.className : '') : ''; })()`)
		tb.t.Errorf("%s scrolls sideways on a 375 px phone: %d px wide (first element past the edge: %s)", what, widths[0], wide)
	}
}

// artifactDir is where screenshots go: $TIMELINE_E2E_ARTIFACTS/<test> when
// set (CI keeps it), else the test's own artifact folder.
func artifactDir(t testing.TB) string {
	if root := os.Getenv("TIMELINE_E2E_ARTIFACTS"); root != "" {
		dir := filepath.Join(root, strings.ReplaceAll(t.Name(), "/", "_"))
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		return dir
	}
	return t.ArtifactDir()
}

// assertClean fails the test if the page left its origin, logged an error or
// opened a dialog.
func (tb *tab) assertClean() {
	tb.t.Helper()
	tb.mu.Lock()
	defer tb.mu.Unlock()
	for _, u := range tb.offsite {
		tb.t.Errorf("request outside the origin %s: %s", tb.origin, u)
	}
	for _, c := range tb.console {
		tb.t.Errorf("console error: %s", c)
	}
	for _, d := range tb.dialogs {
		tb.t.Errorf("dialog opened: %s", d)
	}
}
