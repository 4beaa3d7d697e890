package render

import (
	"bytes"
	"fmt"
	"html/template"
	"io"
	"strconv"
	"strings"
	"sync"

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
		// pageURL only cuts "index.html" off the end, so the pattern is the URL
		// of an ID (TestEventURLPatternMatchesEventURL).
		EventURLPattern: s.pageURL("events/{ID}/index.html"),
		ArticleURL:      func(a timeline.Article) string { return s.pageURL("articles/" + a.Slug + "/index.html") },
		Splices:         s.cfg.Splices,
		EventDigest:     s.eventDigest, // read only: may be the memo's bytes
		CitedArticle:    s.cites.of,
		CitedArticles:   s.cites.ofEvent,
		UniqueIDs:       true, // checkNames
		SlugIDs:         s.slugIDs,
	}
}

// gatheredDigests is eventDigest for the exports of one build: the first
// call copies every event's digest, in event order, into one array that the
// exports then read (three of them key each of 116,000 fragments by it at
// 10,000 articles). Read through eventDigest, each key looked the event up
// in memoAt and read 16 bytes of its memo record, 60 bytes apart, a third
// of the exports' fragment keys. The bytes are the same, so are the keys.
func (s *site) gatheredDigests() func(i int) []byte {
	var once sync.Once
	var all [][16]byte
	return func(i int) []byte {
		once.Do(func() {
			// Lent (PlanBuffers): a Session's builds allocated it afresh,
			// 1.9 MB at 116,745 events, each build that wrote exports.
			buf := lend(&s.lent().gathered, len(s.tl.Events)) // every element set below
			for j := range buf {
				copy(buf[j][:], s.eventDigest(j))
			}
			// Only once whole: should eventDigest panic partway, once
			// never runs again, and the rest of the lent array would be
			// the last plan's digests, keys matching other fragments.
			// Left nil, every later read panics too (its page fails).
			all = buf
		})
		return all[i][:]
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

// exportPages lists the machine-readable files; their bytes come from
// render/export, streamed to the page's writer.
func (s *site) exportPages() []Page {
	key := func(name string) string { return s.pageKey(s.tlKey, "export", name) }
	stream := func(p string, write func(io.Writer) error) Page {
		return Page{Path: p, Key: key(p), Render: write}
	}
	es := s.exportSite()
	es.Order = new(export.EventOrder) // the exports sort the events once
	es.EventDigest = s.gatheredDigests()
	pages := []Page{
		stream("timeline.json", func(w io.Writer) error { return export.WriteTimelineJS(w, s.tl, es) }),
		stream("events.ics", func(w io.Writer) error { return export.WriteICS(w, s.tl, es) }),
		stream("events.csv", func(w io.Writer) error { return export.WriteCSV(w, s.tl, es) }),
		stream("feed.atom", func(w io.Writer) error { return export.WriteAtom(w, s.tl, es) }),
	}
	if s.cfg.BaseURL == "" {
		// Both need absolute URLs: the sitemap protocol's, and the iframe src an
		// oEmbed consumer writes into another site (a relative one shows a
		// broken frame there). No base URL, neither file.
		return pages
	}
	pages = append(pages, stream("oembed.json", func(w io.Writer) error {
		data, err := export.OEmbed(es, "embed/index.html", embedWidth, embedHeight)
		if err == nil {
			_, err = w.Write(data)
		}
		return err
	}))
	n := s.sitemapCount()
	if n <= sitemapLimit {
		return append(pages, stream("sitemap.xml", func(w io.Writer) error {
			list, err := s.sitemapURLs()
			if err != nil {
				return err
			}
			return export.WriteSitemapList(w, list)
		}))
	}
	// Over the protocol's limit: sitemap.xml is an index of numbered sitemaps,
	// which share one sorted list of URLs.
	files := (n + sitemapLimit - 1) / sitemapLimit
	shared := &sharedURLs{s: s, total: files + 1, users: files + 1}
	pages = append(pages, stream("sitemap.xml", func(w io.Writer) error { return s.sitemapIndex(w, files, shared) }))
	for f := 1; f <= files; f++ {
		pages = append(pages, stream(sitemapFile(f), func(w io.Writer) error {
			list, err := shared.get()
			defer shared.release()
			if err != nil {
				return err
			}
			return export.WriteSitemapList(w, sitemapChunk(list, f))
		}))
	}
	return pages
}

// sharedURLs is the sorted URL list the files of a split sitemap share: built
// by the first of them to render (they may render concurrently), dropped when
// the last is done, so a 100,000-page site sorts and checks its URLs once and
// does not keep them.
type sharedURLs struct {
	s     *site
	mu    sync.Mutex
	urls  export.SitemapList
	err   error
	built bool
	total int // the files that share the list
	users int // renders still to come before it is dropped
}

func (u *sharedURLs) get() (export.SitemapList, error) {
	u.mu.Lock()
	defer u.mu.Unlock()
	if !u.built {
		u.urls, u.err = u.s.sitemapURLs()
		u.built = true
	}
	return u.urls, u.err
}

func (u *sharedURLs) release() {
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.users--; u.users <= 0 {
		u.urls, u.built = export.SitemapList{}, false // rendering the files again builds it again
		u.users = u.total
	}
}

// sitemapLimit is the most URLs one sitemap file lists (a variable so a test
// can split a small site).
var sitemapLimit = export.SitemapMaxURLs

func sitemapFile(n int) string { return "sitemap-" + strconv.Itoa(n) + ".xml" }

// sitemapCount is how many URLs the sitemap lists: the timeline page, the
// about page, and every event and article page (all distinct by checkNames).
func (s *site) sitemapCount() int { return 2 + len(s.tl.Events) + len(s.tl.Articles) }

// sitemapURLs lists every page URL, checked and sorted; an article page's
// lastmod is the article's publication date.
func (s *site) sitemapURLs() (export.SitemapList, error) {
	if list, ok := s.sitemapPaths(); ok {
		return list, nil
	}
	urls := make([]export.SitemapURL, 0, s.sitemapCount())
	urls = append(urls, export.SitemapURL{Loc: s.cfg.BaseURL}, export.SitemapURL{Loc: s.absURL("about/")})
	urls = s.appendEventLocs(urls)
	for i := range s.tl.Articles {
		a := &s.tl.Articles[i]
		urls = append(urls, export.SitemapURL{Loc: s.absURL(s.pageURL("articles/" + a.Slug + "/index.html")), LastMod: a.Meta.Date})
	}
	sorted, err := export.SortSitemap(urls)
	return export.SitemapList{URLs: sorted}, err
}

// sitemapByPaths is false only in tests that make the URLs whole, to
// compare.
var sitemapByPaths = true

// sitemapPaths is sitemapURLs' list as paths under the prefix absURL puts
// before a plain path, when the base URL is that prefix: the URLs absURL
// would make of plain paths, and the base URL itself as the path "".
// export.SortSitemapUnder checks that SortSitemap would keep them all as
// they are and sorts them; ok is false when it does not (a folder that is
// not a plain path, a base URL it would rewrite, duplicates), and the URLs
// are then made and sorted whole. 127,000 URLs made whole were 6 MB of
// strings and most of the sitemap's cost, on every build.
func (s *site) sitemapPaths() (export.SitemapList, bool) {
	prefix, ok := s.absBase()
	if !ok || !sitemapByPaths || s.cfg.BaseURL == "" || s.cfg.BaseURL != prefix {
		return export.SitemapList{}, false
	}
	paths := make([]export.SitemapURL, 0, s.sitemapCount())
	paths = append(paths, export.SitemapURL{Loc: ""}, export.SitemapURL{Loc: "about/"})
	for i := range s.tl.Events {
		paths = append(paths, export.SitemapURL{Loc: s.path(i)[:len(s.path(i))-len("index.html")]})
	}
	for i := range s.tl.Articles {
		a := &s.tl.Articles[i]
		paths = append(paths, export.SitemapURL{Loc: "articles/" + a.Slug + "/", LastMod: a.Meta.Date})
	}
	return export.SortSitemapUnder(prefix, paths)
}

// appendEventLocs appends the URLs of the event pages. With a base URL
// that takes plain paths (absBase), which every event page's folder is (its
// ID is a safe segment: checkNames), they are cut from one string of the
// base and the folders: 116,000 URLs made one by one were as many
// allocations on every build.
func (s *site) appendEventLocs(urls []export.SitemapURL) []export.SitemapURL {
	folder := func(i int) string { return s.path(i)[:len(s.path(i))-len("index.html")] }
	prefix, fast := s.absBase()
	fast = fast && s.cfg.BaseURL != ""
	n := 0
	for i := 0; i < len(s.tl.Events) && fast; i++ {
		fast = plainPath(folder(i)) // always, for a safe ID; checked all the same
		n += len(prefix) + len(folder(i))
	}
	if !fast {
		for i := range s.tl.Events {
			urls = append(urls, export.SitemapURL{Loc: s.absURL(s.pageURL(s.path(i)))})
		}
		return urls
	}
	var b strings.Builder
	b.Grow(n)
	for i := range s.tl.Events {
		b.WriteString(prefix)
		b.WriteString(folder(i))
	}
	all, at := b.String(), 0
	for i := range s.tl.Events {
		end := at + len(prefix) + len(folder(i))
		urls = append(urls, export.SitemapURL{Loc: all[at:end]})
		at = end
	}
	return urls
}

// sitemapChunk is the part of the sorted URLs that numbered sitemap n lists.
func sitemapChunk(list export.SitemapList, n int) export.SitemapList {
	from := min((n-1)*sitemapLimit, list.Len())
	return list.Slice(from, min(from+sitemapLimit, list.Len()))
}

// sitemapIndex writes sitemap.xml as an index of the numbered sitemaps, each
// dated by the latest lastmod it lists.
func (s *site) sitemapIndex(w io.Writer, files int, shared *sharedURLs) error {
	list, err := shared.get()
	defer shared.release()
	if err != nil {
		return err
	}
	index := make([]export.SitemapURL, files)
	for f := 1; f <= files; f++ {
		index[f-1].Loc = s.absURL(sitemapFile(f))
		chunk := sitemapChunk(list, f)
		for k := range chunk.Len() {
			if u := chunk.At(k); u.LastMod.After(index[f-1].LastMod) {
				index[f-1].LastMod = u.LastMod
			}
		}
	}
	return export.WriteSitemapIndex(w, index)
}

// eventLDWriter is the site's export.EventLD, made once for all event pages.
type eventLDWriter struct {
	once sync.Once
	w    *export.EventLD
	err  error
}

// eventJSONLD returns the function that appends an event page's JSON-LD
// straight into the page, or nil when the event has none. It writes what
// scriptSafe(export.EventJSONLD(...)) gives: the JSON has no "<" (its strings
// escape it) and no space around it (TestEventPageJSONLDAsExport).
func (s *site) eventJSONLD(ev *timeline.Event) (func(b []byte) ([]byte, error), error) {
	if ev.Start.IsZero() {
		return nil, nil // schema.org Event needs a date
	}
	s.ld.once.Do(func() { s.ld.w, s.ld.err = export.NewEventLD(s.exportSite()) })
	if s.ld.err != nil {
		return nil, fmt.Errorf("event %s: JSON-LD: %w", ev.ID, s.ld.err)
	}
	w := s.ld.w
	return func(b []byte) ([]byte, error) { return w.Append(b, ev) }, nil
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
	if bytes.IndexByte(data, '<') >= 0 { // ReplaceAll copies even when there is nothing to replace
		data = bytes.ReplaceAll(data, []byte("<"), []byte(`\u003c`))
	}
	return template.JS(bytes.TrimSpace(data))
}
