package serve

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"time"
)

// Paths the preview server answers besides the site. They start with "__" so
// they cannot collide with a page (page paths come from IDs and slugs).
const (
	EventsPath = "/__livereload"
	ScriptPath = "/__livereload.js"
)

// scriptTag is injected into served HTML, never into the published files. It is
// an external script so a Content-Security-Policy of script-src 'self' allows it.
var scriptTag = []byte(`<script src="` + ScriptPath + `"></script>`)

// liveScript reloads the page when a build succeeds and shows the build error in
// an overlay when one fails. The error text is set with textContent: never parsed as HTML.
const liveScript = `(function () {
  var es = new EventSource("` + EventsPath + `");
  var overlay = null;
  es.addEventListener("reload", function () { location.reload(); });
  es.addEventListener("builderror", function (e) {
    var msg = JSON.parse(e.data);
    if (!overlay) {
      overlay = document.createElement("pre");
      overlay.id = "timeline-build-error";
      overlay.setAttribute("role", "alert");
      overlay.style.cssText = "position:fixed;inset:0;margin:0;padding:2em;overflow:auto;z-index:2147483647;" +
        "background:rgba(40,0,0,.94);color:#fff;font:14px/1.5 monospace;white-space:pre-wrap";
      document.body.appendChild(overlay);
    }
    overlay.textContent = "Build failed; the last good site is shown.\n\n" + msg;
  });
})();
`

// injectScript puts the live-reload script tag before the last </body>, or at
// the end when there is none.
func injectScript(html []byte) []byte {
	i := bytes.LastIndex(bytes.ToLower(html), []byte("</body>"))
	if i < 0 {
		return append(append([]byte{}, html...), scriptTag...)
	}
	out := make([]byte, 0, len(html)+len(scriptTag))
	out = append(out, html[:i]...)
	out = append(out, scriptTag...)
	return append(out, html[i:]...)
}

// serveEvents streams build outcomes to one browser tab as Server-Sent Events.
func (s *Server) serveEvents(w http.ResponseWriter, r *http.Request) {
	flusher, ok := w.(http.Flusher)
	if !ok {
		http.Error(w, "streaming unsupported", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	ch, lastErr := s.subscribe()
	defer s.unsubscribe(ch)
	fmt.Fprint(w, ": connected\n\n")
	if lastErr != "" {
		writeEvent(w, "builderror", lastErr)
	}
	flusher.Flush()
	keepAlive := time.NewTicker(20 * time.Second)
	defer keepAlive.Stop()
	for {
		select {
		case <-r.Context().Done():
			return
		case <-s.done:
			return
		case <-keepAlive.C:
			fmt.Fprint(w, ": keep-alive\n\n")
		case ev := <-ch:
			writeEvent(w, ev.name, ev.data)
		}
		flusher.Flush()
	}
}

func writeEvent(w http.ResponseWriter, name, data string) {
	encoded, _ := json.Marshal(data) // one line, whatever the message holds
	fmt.Fprintf(w, "event: %s\ndata: %s\n\n", name, encoded)
}
