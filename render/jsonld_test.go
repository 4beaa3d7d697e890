package render

import (
	"testing"

	"github.com/newsline/timeline/render/export"
)

// TestEventPageJSONLDAsExport: what an event page appends as its JSON-LD is
// what it embedded before it was written straight into the page,
// scriptSafe(export.EventJSONLD(...)), on hostile titles, sentences and
// entities, with and without a base URL.
func TestEventPageJSONLDAsExport(t *testing.T) {
	tl := fixture(t)
	for i := range tl.Events {
		ev := &tl.Events[i]
		ev.Title += " </script> \"q\" \u2028 \xff\xfe \x00 & <b>"
		if len(ev.Mentions) > 0 {
			ev.Mentions[0].Text = "  </SCRIPT>\u2029 said \"x\"\t\n " + ev.Mentions[0].Text
		}
	}
	for _, cfg := range []Config{{Title: "T <x>"}, {Title: "T", BaseURL: "https://school.example/a%20b/"}} {
		s, err := newSite(tl, cfg)
		if err != nil {
			t.Fatal(err)
		}
		for i := range s.tl.Events {
			ev := &s.tl.Events[i]
			ld, err := s.eventJSONLD(ev)
			if err != nil {
				t.Fatal(err)
			}
			if ev.Start.IsZero() {
				if ld != nil {
					t.Errorf("event %s without a calendar span has JSON-LD", ev.ID)
				}
				continue
			}
			want, err := export.EventJSONLD(*ev, s.exportSite())
			if err != nil {
				t.Fatal(err)
			}
			got, err := ld([]byte("<p>"))
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != "<p>"+string(scriptSafe(want)) {
				t.Errorf("event %s (base %q):\n got %s\nwant %s", ev.ID, cfg.BaseURL, got, scriptSafe(want))
			}
		}
	}
}
