package e2e

import (
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/afero"

	"github.com/newsline/timeline/site"
	"github.com/newsline/timeline/site/serve"
)

// testPrefix is where the tests' own pages and the npm tools are served, on
// the same origin as the site so nothing needs a third-party host.
const testPrefix = "/_e2e/"

// serveSite serves a built site on 127.0.0.1 plus the tests' helper pages
// under testPrefix: TimelineJS3 from e2e/node_modules and extra pages given
// by the test (path below testPrefix -> HTML).
func serveSite(t testing.TB, out string, extra map[string]string) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	mux.Handle("/", siteHandler(out))
	modules := filepath.Join(e2eDir(), "node_modules")
	mux.Handle(testPrefix+"node_modules/", http.StripPrefix(testPrefix+"node_modules/", http.FileServer(http.Dir(modules))))
	for path, body := range extra {
		page := body
		mux.HandleFunc(testPrefix+strings.TrimPrefix(path, "/"), func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Write([]byte(page))
		})
	}
	srv := httptest.NewServer(mux) // listens on 127.0.0.1 only
	t.Cleanup(srv.Close)
	return srv
}

// siteHandler serves the built output with the project's own preview server
// (site/serve), as an editor sees it: it adds only its live-reload script.
func siteHandler(out string) http.Handler {
	return serve.New(serve.Config{Fs: afero.NewOsFs(), Build: site.Options{OutDir: out}, Log: io.Discard}).Handler()
}
