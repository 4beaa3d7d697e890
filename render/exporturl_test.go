package render

import (
	"strings"
	"testing"

	"github.com/newsline/timeline/timeline"
)

// The exports key event fragments by EventURLPattern and the ID instead of
// the URL itself: the pattern must give the URL EventURL does, with and
// without a base URL.
func TestEventURLPatternMatchesEventURL(t *testing.T) {
	for _, base := range []string{"", "https://school.example/history/"} {
		s := &site{cfg: Config{BaseURL: base}}
		es := s.exportSite()
		for _, id := range []string{"abc123", "e.1-x_2"} {
			want := es.EventURL(timeline.Event{ID: id})
			if got := strings.ReplaceAll(es.EventURLPattern, "{ID}", id); got != want {
				t.Errorf("base %q, ID %s: pattern gives %q, EventURL %q", base, id, got, want)
			}
		}
	}
}
