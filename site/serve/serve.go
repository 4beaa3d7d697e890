// Package serve is the live preview server: it builds the site, serves the
// output folder, rebuilds when the sources change and reloads open tabs.
package serve

import (
	"context"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/spf13/afero"

	"github.com/newsline/timeline/site"
	"github.com/newsline/timeline/timeline/ingest"
)

// Config configures a preview server.
type Config struct {
	Fs       afero.Fs                  // the filesystem built from and served; watching needs the OS filesystem
	Build    site.Options              // the build to run; OutDir is what gets served
	Watch    []string                  // files and folders whose changes trigger a rebuild (folders recursively)
	Debounce time.Duration             // quiet time after the last change before rebuilding; default 200ms
	Log      io.Writer                 // build summaries and errors; default os.Stderr
	OnBuild  func(site.Summary, error) // optional, after every build (tests)
}

type event struct{ name, data string }

// Server serves the last good site and tells browser tabs about new builds.
type Server struct {
	cfg     Config
	out     sync.RWMutex // held for writing while the output folder is swapped
	done    chan struct{}
	session site.Session   // keeps the merge state in memory from one rebuild to the next
	listing ingest.Listing // the load stage's walk, told of changes by the watcher

	mu      sync.Mutex
	clients map[chan event]struct{}
	lastErr string // the last build's error, "" when it succeeded
}

// New returns a server for cfg.
func New(cfg Config) *Server {
	if cfg.Debounce <= 0 {
		cfg.Debounce = 200 * time.Millisecond
	}
	if cfg.Log == nil {
		cfg.Log = os.Stderr
	}
	s := &Server{cfg: cfg, done: make(chan struct{}), clients: map[chan event]struct{}{}}
	s.cfg.Build.SwapLock = &s.out
	if s.cfg.Build.Waiting == nil { // a rebuild waiting for another build's lock says so
		log := s.cfg.Log
		s.cfg.Build.Waiting = func(line string) { fmt.Fprintln(log, "build:", line) }
	}
	// The session keeps the mapped caches from one rebuild to the next: the
	// memory limit bounds the heap alone (see site.Options.HeapOnlyLimit).
	s.cfg.Build.HeapOnlyLimit = true
	s.cfg.Build.Listing = &s.listing
	return s
}

// Run builds once, then serves on ln and rebuilds on changes until ctx ends.
func (s *Server) Run(ctx context.Context, ln net.Listener) error {
	// The watcher starts first: the listing trusts it only for what
	// happened after it was watching (Arm), before the first build's walk.
	w, err := newWatcher(s.cfg.Watch, s.cfg.Debounce, &s.listing)
	if err != nil {
		return err
	}
	defer w.close()
	s.listing.Arm()
	// A rebuild waiting for another build's lock stops when ctx ends
	// (was: serve could not be stopped behind a hung build).
	s.cfg.Build.Context = ctx
	s.Rebuild()
	srv := &http.Server{Handler: s.Handler(), ReadHeaderTimeout: 10 * time.Second}
	serveErr := make(chan error, 1)
	go func() { serveErr <- srv.Serve(ln) }()
	for {
		select {
		case <-ctx.Done():
			close(s.done)          // ends the event streams, so Shutdown need not wait for them
			defer s.session.Wait() // the last build's merge state reaches the cache folder
			shutdownCtx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			defer cancel()
			return srv.Shutdown(shutdownCtx)
		case err := <-serveErr:
			return err
		case err := <-w.errs:
			fmt.Fprintln(s.cfg.Log, "watch:", err)
		case changed := <-w.changes:
			fmt.Fprintf(s.cfg.Log, "change: %s\n", strings.Join(changed, ", "))
			s.Rebuild()
		}
	}
}

// Rebuild runs the build and tells the tabs: reload on success, the error otherwise.
func (s *Server) Rebuild() {
	sum, err := s.session.Build(s.cfg.Fs, s.cfg.Build)
	for _, w := range sum.Warnings {
		fmt.Fprintln(s.cfg.Log, "warning:", w)
	}
	fmt.Fprintln(s.cfg.Log, "build:", sum.String())
	if err != nil {
		fmt.Fprintln(s.cfg.Log, "build failed:", err)
		s.broadcast(event{"builderror", err.Error()}, err.Error())
	} else {
		s.broadcast(event{"reload", "ok"}, "")
	}
	if s.cfg.OnBuild != nil {
		s.cfg.OnBuild(sum, err)
	}
}

func (s *Server) broadcast(ev event, lastErr string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.lastErr = lastErr
	for ch := range s.clients {
		select {
		case ch <- ev:
		default: // a tab that is not reading gets the next event instead
		}
	}
}

func (s *Server) subscribe() (chan event, string) {
	ch := make(chan event, 4)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.clients[ch] = struct{}{}
	return ch, s.lastErr
}

func (s *Server) unsubscribe(ch chan event) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.clients, ch)
}

// Handler serves the site, the live-reload script and the event stream.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc(EventsPath, s.serveEvents)
	mux.HandleFunc(ScriptPath, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		io.WriteString(w, liveScript)
	})
	mux.HandleFunc("/", s.serveFile)
	return mux
}

// serveFile answers from the output folder: "/" and folders get their
// index.html, HTML gets the live-reload script, a missing file the site's 404 page.
func (s *Server) serveFile(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	rel := path.Clean("/" + r.URL.Path) // rooted and clean: cannot climb out of the output
	s.out.RLock()
	data, name, status := s.lookup(rel)
	s.out.RUnlock()
	ctype := mime.TypeByExtension(filepath.Ext(name))
	if ctype == "" {
		ctype = "application/octet-stream"
	}
	if strings.HasPrefix(ctype, "text/html") {
		data = injectScript(data)
	}
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Length", fmt.Sprint(len(data)))
	w.WriteHeader(status)
	if r.Method == http.MethodGet {
		w.Write(data)
	}
}

func (s *Server) lookup(rel string) (data []byte, name string, status int) {
	fs, out := s.cfg.Fs, s.cfg.Build.OutDir
	name = filepath.Join(out, filepath.FromSlash(rel))
	if fi, err := fs.Stat(name); err == nil && fi.IsDir() {
		name = filepath.Join(name, "index.html")
	}
	if data, err := afero.ReadFile(fs, name); err == nil {
		return data, name, http.StatusOK
	}
	for _, notFound := range []string{"404.html", "404/index.html"} {
		if data, err := afero.ReadFile(fs, filepath.Join(out, notFound)); err == nil {
			return data, notFound, http.StatusNotFound
		}
	}
	return []byte(noSitePage), "404.html", http.StatusNotFound
}

// noSitePage answers when there is no site to serve (the first build failed):
// the overlay script still shows why.
const noSitePage = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Not found</title></head>` +
	`<body><h1>Not found</h1><p>No page here (yet): if the build failed, the error is shown over this page.</p></body></html>`
