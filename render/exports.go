package render

import (
	"bytes"
	"fmt"
	"html/template"
	"io"
	"time"

	"github.com/newsline/timeline/render/export"
	"github.com/newsline/timeline/timeline"
)

// Embed frame size announced in oembed.json and the snippet (pixels); the frame
// then follows its content's height through postMessage.
const embedWidth, embedHeight = 800, 600

// exportSite is what render/export needs to know about the site's layout.
func (s *site) exportSite() export.Site {
	return export.Site{
		Title:       s.cfg.Title,
		BaseURL:     s.cfg.BaseURL,
		Description: s.cfg.Description,
		EventURL:    func(ev timeline.Event) string { return s.pageURL("events/" + ev.ID + "/index.html") },
		ArticleURL:  func(a timeline.Article) string { return s.pageURL("articles/" + a.Slug + "/index.html") },
	}
}

// pageURL is the site-root-relative link to a page: the folder form
// ("events/ID/") when the site is hosted at a known base URL, the explicit
// index.html otherwise, because file:// does not open a folder's index.html.
func (s *site) pageURL(p string) string {
	if s.cfg.BaseURL != "" && p != "index.html" {
		return p[:len(p)-len("index.html")]
	}
	if s.cfg.BaseURL != "" {
		return ""
	}
	return p
}

// exportPages lists the machine-readable files; their bytes come from render/export.
func (s *site) exportPages() []Page {
	key := func(name string) string { return s.pageKey(s.tlKey, "export", name) }
	bytesPage := func(p string, make func() ([]byte, error)) Page {
		return Page{Path: p, Key: key(p), Render: func(w io.Writer) error {
			data, err := make()
			if err != nil {
				return err
			}
			_, err = w.Write(data)
			return err
		}}
	}
	es := s.exportSite()
	pages := []Page{
		bytesPage("timeline.json", func() ([]byte, error) { return export.TimelineJS(s.tl, es) }),
		bytesPage("events.ics", func() ([]byte, error) { return export.ICS(s.tl, es) }),
		bytesPage("events.csv", func() ([]byte, error) { return export.CSV(s.tl, es) }),
		bytesPage("feed.atom", func() ([]byte, error) { return export.Atom(s.tl, es) }),
		bytesPage("oembed.json", func() ([]byte, error) {
			return export.OEmbed(es, "embed/index.html", embedWidth, embedHeight)
		}),
	}
	if s.cfg.BaseURL != "" {
		// The sitemap protocol needs absolute URLs: no base URL, no sitemap.
		pages = append(pages, bytesPage("sitemap.xml", s.sitemap))
	}
	return pages
}

func (s *site) sitemap() ([]byte, error) {
	urls := []string{s.cfg.BaseURL, s.absURL("about/")}
	lastmod := map[string]time.Time{}
	for _, ev := range s.tl.Events {
		urls = append(urls, s.absURL(s.pageURL("events/"+ev.ID+"/index.html")))
	}
	for _, a := range s.tl.Articles {
		u := s.absURL(s.pageURL("articles/" + a.Slug + "/index.html"))
		urls = append(urls, u)
		if !a.Meta.Date.IsZero() {
			lastmod[u] = a.Meta.Date
		}
	}
	return export.Sitemap(urls, lastmod)
}

func (s *site) eventJSONLD(ev timeline.Event) (template.JS, error) {
	if ev.Start.IsZero() {
		return "", nil // schema.org Event needs a date
	}
	data, err := export.EventJSONLD(ev, s.exportSite())
	if err != nil {
		return "", err
	}
	return scriptSafe(data), nil
}

func (s *site) articleJSONLD(a *timeline.Article) (template.JS, error) {
	data, err := export.NewsArticleJSONLD(*a, s.exportSite())
	if err != nil {
		return "", fmt.Errorf("%s: JSON-LD: %w", a.Path, err)
	}
	return scriptSafe(data), nil
}

// scriptSafe makes JSON bytes safe inside <script>: a "<" can only occur
// inside a JSON string, where \u003c means the same.
func scriptSafe(data []byte) template.JS {
	data = bytes.ReplaceAll(data, []byte("<"), []byte(`\u003c`))
	return template.JS(bytes.TrimSpace(data))
}
