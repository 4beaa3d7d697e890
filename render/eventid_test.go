package render

import (
	"strings"
	"testing"
)

// TestEventPageShowsItsID: an editor corrects an event in
// content/overrides.yaml by its ID, and the shipped file tells them the ID is
// shown on the event's page. It must be there as text a reader can select,
// not only inside the page's address.
func TestEventPageShowsItsID(t *testing.T) {
	tl := fixture(t)
	files := build(t, tl, Config{Title: "Armenia"})
	for _, ev := range tl.Events {
		page := files["events/"+ev.ID+"/index.html"]
		main := page[strings.Index(page, "<main"):strings.Index(page, "</main>")]
		if !strings.Contains(main, "Event ID <code>"+ev.ID+"</code>") {
			t.Errorf("events/%s/index.html does not show the event's ID in its content:\n%s", ev.ID, main)
		}
	}
}
