package render

import (
	"bytes"
	"fmt"
	"html/template"
	"io"

	"github.com/zeebo/xxh3"

	"github.com/newsline/timeline/templates"
	"github.com/newsline/timeline/timeline"
)

// RedirectPage is the page left at an event's old permalink,
// "events/FROM/index.html", when the event it named lives on as event TO
// (its ID moved: an older article now tells it first, or it was merged into
// another). It sends readers on without JavaScript (a meta refresh), shows a
// link titled as the new event for those whose browser does not follow it,
// names the new page as canonical when the base URL is known, and asks
// search engines not to index it. Its links are relative, as the rest of
// the site's; the title is escaped, as everything else. from and to.ID
// must be safe path segments (the caller checks them: they are event IDs).
func RedirectPage(cfg Config, from string, to timeline.Event) (Page, error) {
	title := displayTitle(to)
	d := redirectData{
		Lang:  cfg.Language,
		Site:  cfg.Title,
		Href:  "../" + to.ID + "/index.html",
		Title: title,
		Root:  "../../",
	}
	if d.Lang == "" {
		d.Lang = "en"
	}
	if cfg.BaseURL != "" {
		d.Canonical = resolveURL(cfg.BaseURL, "events/"+to.ID+"/")
	}
	var b bytes.Buffer
	if err := redirectTemplate.Execute(&b, d); err != nil {
		return Page{}, fmt.Errorf("render: redirect page for event %s: %w", from, err)
	}
	data := b.Bytes()
	return Page{
		Path: "events/" + from + "/index.html",
		Key:  fmt.Sprintf("redirect-%x", xxh3.Hash128(data).Bytes()),
		Render: func(w io.Writer) error {
			_, err := w.Write(data)
			return err
		},
	}, nil
}

type redirectData struct {
	Lang, Site, Href, Title, Root, Canonical string
}

// redirectTemplate (templates/redirect.html) is standalone (no layout, no
// script): a stub's bytes depend only on the two IDs, the new event's title
// and the settings. The refresh's content is an attribute html/template
// escapes as text; the URL in it is relative and made of an ID.
var redirectTemplate = template.Must(template.ParseFS(templates.FS, "redirect.html"))
