package render

import (
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"iter"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
	"unsafe"

	"github.com/newsline/timeline/render/datefmt"
	"github.com/newsline/timeline/render/export"
	"github.com/newsline/timeline/templates"
	"github.com/newsline/timeline/timeline"
)

// pageData is what every template receives; the kind-specific part is in one
// of the pointer fields.
type pageData struct {
	Site        siteView
	Kind        string // index, event, article, about, notfound, embed
	Root        string // relative path to the site root: "", "../", "../../"
	Title       string // page title ("" on the timeline page: the site title is used)
	Description string
	Canonical   string // absolute URL, only when the base URL is known
	OEmbedHref  string
	HasSitemap  bool
	JSONLD      template.JS // schema.org JSON-LD, already safe inside <script>
	Embed       bool
	Index       *indexView
	Event       *eventView
	Article     *articleView
	About       template.HTML
	Chrome      chrome // filled by execute
	// main, when set, appends the page's content (its "main" template) in
	// place of Event.Main: an event page's content is written straight from
	// the timeline into the page (appendEventPage), with no view built.
	main func(b []byte) ([]byte, error)
	// jsonld, when set, appends the page's JSON-LD in place of JSONLD: an
	// event page's is written straight into the page (site.eventJSONLD).
	jsonld func(b []byte) ([]byte, error)
}

// jsonLDAsField turns a page whose JSON-LD is written by d.jsonld into one
// whose JSONLD holds it, for html/template and the shell's probes.
func (d *pageData) jsonLDAsField() error {
	if d.jsonld == nil {
		return nil
	}
	b, err := d.jsonld(nil)
	if err != nil {
		return err
	}
	d.JSONLD, d.jsonld = template.JS(b), nil
	return nil
}

// mainAsView turns a page whose content is written by d.main into one whose
// Event holds it, for html/template: the template path reads the field.
func (d *pageData) mainAsView() error {
	if d.main == nil {
		return nil
	}
	b, err := d.main(nil)
	if err != nil {
		return err
	}
	ev := eventView{Main: template.HTML(b)}
	if d.Event != nil {
		ev = *d.Event
		ev.Main = template.HTML(b)
	}
	d.Event, d.main = &ev, nil
	return nil
}

type siteView struct{ Title, Lang, BaseURL string }

func (s *site) page(kind, pagePath, title string) pageData {
	d := pageData{
		Site:        siteView{Title: s.cfg.Title, Lang: s.cfg.Language, BaseURL: s.cfg.BaseURL},
		Kind:        kind,
		Root:        rootOf(pagePath),
		Title:       title,
		Description: s.cfg.Description,
		HasSitemap:  s.cfg.BaseURL != "",
	}
	// oembed.json and its discovery link exist only with a base URL: the
	// iframe src an oEmbed consumer pastes into another site must be absolute.
	if s.cfg.BaseURL != "" {
		d.Canonical = s.cfg.BaseURL + strings.TrimSuffix(pagePath, "index.html")
		d.OEmbedHref = s.cfg.BaseURL + "oembed.json"
	}
	return d
}

// ups holds the roots of the usual page depths, so most pages need no new string.
const ups = "../../../../../../"

// rootOf is the relative path from a page to the site root.
func rootOf(pagePath string) string {
	depth := strings.Count(pagePath, "/")
	if 3*depth <= len(ups) {
		return ups[:3*depth]
	}
	return strings.Repeat("../", depth)
}

// --- templates ---

var parsed struct {
	once sync.Once
	set  map[string]*template.Template
	err  error
}

// pageKinds maps a page kind to its template file and the template it executes.
var pageKinds = map[string][2]string{
	"index":    {"index.html", "layout"},
	"event":    {"event.html", "layout"},
	"article":  {"article.html", "layout"},
	"about":    {"about.html", "layout"},
	"notfound": {"notfound.html", "layout"},
	"embed":    {"embed.html", "embed"},
	"year":     {"year.html", "layout"},
}

func tmpl(kind string) (*template.Template, error) {
	parsed.once.Do(func() {
		parsed.set = map[string]*template.Template{}
		for k, files := range pageKinds {
			t, err := template.New(k).ParseFS(templates.FS, "layout.html", "list.html", files[0])
			if err != nil {
				parsed.err = fmt.Errorf("templates: %w", err)
				return
			}
			parsed.set[k] = t
		}
	})
	if parsed.err != nil {
		return nil, parsed.err
	}
	return parsed.set[kind], nil
}

func (s *site) execute(w io.Writer, d pageData) error {
	t, err := tmpl(d.Kind)
	if err != nil {
		return err
	}
	if err := d.mainAsView(); err != nil {
		return err
	}
	if err := d.jsonLDAsField(); err != nil {
		return err
	}
	if d.Chrome, err = s.chrome(t, d); err != nil {
		return err
	}
	if d.Event != nil && d.Event.Main == "" { // left to the shell's writer (writeMain)
		ev := *d.Event
		if ev.Main, err = eventMain(&ev); err != nil {
			return err
		}
		d.Event = &ev
	}
	if d.Article != nil && d.Article.Main == "" { // the same
		av := *d.Article
		main, err := appendArticleMain(nil, &av)
		if err != nil {
			return err
		}
		av.Main = template.HTML(main)
		d.Article = &av
	}
	return t.ExecuteTemplate(w, pageKinds[d.Kind][1], d)
}

// chrome is the HTML every page of one kind and depth shares (head links,
// header, footer), rendered by html/template once and reused: it made up most
// of the template actions of an event page.
type chrome struct{ Head, Top, Bottom template.HTML }

// chromeKey is everything the chrome templates read besides the site settings.
func chromeKey(d pageData) string { return d.Kind + "\x00" + d.Root + "\x00" + d.OEmbedHref }

func (s *site) chrome(t *template.Template, d pageData) (chrome, error) {
	key := chromeKey(d)
	if c, ok := s.chromes.Load(key); ok {
		return c.(chrome), nil
	}
	var c chrome
	for _, part := range []struct {
		name string
		out  *template.HTML
	}{{"chrome-head", &c.Head}, {"chrome-top", &c.Top}, {"chrome-bottom", &c.Bottom}} {
		var b strings.Builder
		if err := t.ExecuteTemplate(&b, part.name, d); err != nil {
			return c, err
		}
		*part.out = template.HTML(b.String())
	}
	s.chromes.Store(key, c)
	return c, nil
}

// htmlPage makes a Page whose data is built only when it is rendered.
func (s *site) htmlPage(p, key string, data func() (pageData, error)) Page {
	return Page{Path: p, Key: key, Render: func(w io.Writer) error { return s.renderHTML(w, data) }}
}

// renderHTML writes the page data gives.
func (s *site) renderHTML(w io.Writer, data func() (pageData, error)) error {
	d := pageDatas.Get().(*pageData)
	defer putPageData(d)
	var err error
	if *d, err = data(); err != nil {
		return err
	}
	return s.writePage(w, d)
}

// pageDatas recycles the page data, which the page writer's callees made
// escape to the heap: one allocation per page less.
var pageDatas = sync.Pool{New: func() any { return new(pageData) }}

func putPageData(d *pageData) {
	*d = pageData{}
	pageDatas.Put(d)
}

func forbiddenInHTML(r rune) bool {
	switch {
	case r == '\t' || r == '\n' || r == '\f' || r == '\r':
		return false
	case r < 0x20 || (r >= 0x7f && r <= 0x9f):
		return true
	case r >= 0xfdd0 && r <= 0xfdef, r&0xfffe == 0xfffe:
		return true
	}
	return false
}

// --- assets ---

func (s *site) assetPages() []Page {
	var pages []Page
	for _, name := range []string{"site.css", "site.js"} {
		data, err := fs.ReadFile(templates.FS, name)
		pages = append(pages, Page{Path: "assets/" + name, Key: hashOf(data), Render: func(w io.Writer) error {
			if err != nil {
				return err
			}
			_, werr := w.Write(data)
			return werr
		}})
	}
	return pages
}

// --- timeline, embed, search ---

type indexView struct {
	Summary             string
	Strip               *stripView
	Years               iter.Seq[yearView] // built one at a time as the page is written
	FirstYear, LastYear int
	Entities            []entityRef
	EmbedSnippet        string
	Large               bool       // many events: let the browser skip laying out off-screen years
	Paged               *pagedView // set on the pages of a paginated (large) timeline
	slots               *rowSlots  // the years' rows, left by the template for the page writer
}

// EntitiesJSON is the filter table as the template wrote {{.Index.Entities}}
// in its <script type="application/json">: json.Marshal's bytes (html/template
// passes them through, as they escape U+2028 and U+2029 already), written
// without reflection, which made up a fifth of a listing page's cost.
func (v *indexView) EntitiesJSON() template.JS {
	if v.slots != nil && !shellsOff { // the page writer appends it in place (expandRows)
		v.slots.entities, v.slots.haveEntities = v.Entities, true
		return entitiesMark
	}
	buf := pageBufs.Get().(*pageBuf)
	defer putPageBuf(buf)
	buf.b = appendEntitiesJSON(buf.b, v.Entities)
	return template.JS(buf.b)
}

func appendEntitiesJSON(b []byte, table []entityRef) []byte {
	if table == nil {
		return append(b, "null"...)
	}
	b = append(b, '[')
	for i, e := range table {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"name":`...)
		b = export.AppendJSONString(b, e.Name)
		b = append(b, `,"kind":`...)
		b = export.AppendJSONString(b, e.Kind)
		b = append(b, `,"count":`...)
		b = strconv.AppendInt(b, int64(e.Count), 10)
		b = append(b, '}')
	}
	return append(b, ']')
}

// largeTimeline is the event count from which off-screen years are not laid out
// (CSS content-visibility), which keeps a 10,000-event page responsive.
const largeTimeline = 300

type yearView struct {
	Anchor, Label, CountText string
	Events                   iter.Seq[eventRow] // its rows, built as they are written
	events                   []int32            // its events, as indexes into s.tl.Events
	count                    int                // how many events the year has
	slots                    *rowSlots          // where Rows leaves the rows, if anywhere
	rows                     rowList            // what Rows leaves there
}

// Rows is the year's rows as one piece of HTML. Ranging over the rows in the
// template called each row's HTML by reflection, which was most of a listing
// page's cost; and a year's rows as one string were copied twice more by the
// template (into the string, then through fmt). So on a page being written
// Rows leaves a placeholder and the rows to its slots, and the page writer
// (expandRows) writes the rows in the placeholder's place.
func (y yearView) Rows() (template.HTML, error) {
	if y.slots != nil && !shellsOff {
		return y.slots.add(y.rows), nil
	}
	var b []byte
	var err error
	for row := range y.Events {
		if b, err = row.appendHTML(b); err != nil {
			return "", err
		}
	}
	return template.HTML(b), nil
}

type eventRow struct {
	ID, Title, Year, EntityRefs string
	Href                        string // the event's page, from the timeline page
	EndYear                     string // last year of a range that ends in a later year
	Date                        eventDate
	Sources                     []sourceRef
	embed                       bool // links open in the host page (target="_top")
}

type sourceRef struct{ Slug, Label, Href string }

func (s *site) indexPage() Page {
	return s.htmlPage("index.html", s.pageKey(s.tlKey, "index"), func() (pageData, error) {
		d := s.page("index", "index.html", "")
		d.Index = s.indexView(d.Root, false)
		return d, nil
	})
}

func (s *site) embedPage() Page {
	return s.htmlPage("embed/index.html", s.pageKey(s.tlKey, "embed"), func() (pageData, error) {
		d := s.page("embed", "embed/index.html", "Embedded timeline")
		d.Embed = true
		d.Canonical = ""
		d.Index = s.indexView(d.Root, true)
		return d, nil
	})
}

// indexView describes the timeline page. The rows of a large timeline are
// not held in memory: Years and each year's Events are iterators the template
// ranges over, so a row is built just before it is written.
func (s *site) indexView(root string, embed bool) *indexView {
	v := &indexView{Entities: s.entities, Large: len(s.tl.Events) >= largeTimeline, slots: &rowSlots{}}
	years := s.yearGroups(nil)
	v.Years = s.yearSeq(years, root, embed, s.appendEntityRefs, v.slots)
	v.Strip = stripOf(years, nil)
	if v.Strip != nil {
		v.FirstYear, v.LastYear = v.Strip.firstYear, v.Strip.lastYear
	}
	v.Summary = s.summary(v)
	v.EmbedSnippet = s.embedSnippet()
	return v
}

func (s *site) embedSnippet() string {
	embedSrc := "embed/index.html"
	if s.cfg.BaseURL != "" {
		embedSrc = s.cfg.BaseURL + embedSrc
	}
	return embedSnippet(embedSrc, s.cfg.Title)
}

// yearSeq yields the year groups with their rows, built as they are written;
// refs gives an event's entity references on the page, slots the page's
// deferred rows.
func (s *site) yearSeq(years []yearView, root string, embed bool, refs refsFunc, slots *rowSlots) iter.Seq[yearView] {
	return func(yield func(yearView) bool) {
		for _, y := range years {
			y.Events = s.rows(y.events, root, embed, refs)
			y.rows = rowList{s: s, events: y.events, root: root, embed: embed, refs: refs}
			y.slots = slots
			if !yield(y) {
				return
			}
		}
	}
}

// yearGroups splits the events (all of them when list is nil; else the
// listed ones, in timeline order) into runs of one year label.
func (s *site) yearGroups(list []int32) []yearView {
	var years []yearView
	add := func(i int) {
		start := s.tl.Events[i].Start
		if n := len(years); n > 0 && years[n-1].Label == yearLabel(start) {
			years[n-1].events = append(years[n-1].events, int32(i))
			return
		}
		years = append(years, yearView{Label: yearLabel(start), Anchor: yearAnchor(start), events: []int32{int32(i)}})
	}
	if list == nil {
		for i := range s.tl.Events {
			add(i)
		}
	}
	for _, i := range list {
		add(int(i))
	}
	for i := range years {
		years[i].count = len(years[i].events)
		years[i].CountText = plural(years[i].count, "event")
	}
	return years
}

// rows yields the timeline rows of the listed events for a page at root.
func (s *site) rows(list []int32, root string, embed bool, refs refsFunc) iter.Seq[eventRow] {
	return func(yield func(eventRow) bool) {
		for _, i := range list {
			if !yield(s.eventRow(int(i), root, embed, refs)) {
				return
			}
		}
	}
}

// hostScript is the part of the embed snippet that lets the frame take the
// height its page reports; it resizes only the frame the message came from.
const hostScript = `<script>addEventListener("message",function(e){var d=e.data,f=document.getElementsByTagName("iframe");` +
	`if(!d||d.type!=="timeline-height")return;for(var i=0;i<f.length;i++)if(f[i].contentWindow===e.source)f[i].style.height=Math.ceil(d.height)+"px"})</script>`

// embedSnippet is the HTML an educator pastes into a course page.
func embedSnippet(src, title string) string {
	return fmt.Sprintf(`<iframe src="%s" title="%s" width="100%%" height="%d" style="border:0"></iframe>`+"\n"+hostScript,
		template.HTMLEscapeString(src), template.HTMLEscapeString(title), embedHeight)
}

func (s *site) summary(v *indexView) string {
	text := plural(len(s.tl.Events), "event") + " from " + plural(len(s.tl.Articles), "article")
	if v.FirstYear != 0 && v.LastYear != v.FirstYear {
		text += fmt.Sprintf(", %s–%s", datefmt.Year(v.FirstYear), datefmt.Year(v.LastYear))
	} else if v.FirstYear != 0 {
		text += ", " + datefmt.Year(v.FirstYear)
	}
	return text + "."
}

// refsFunc appends event i's entity references on a page (indexes into the
// page's filter table, space-separated) to b.
type refsFunc func(b []byte, i int) []byte

// appendEntityRefs lists event i's entities as indexes into the site's filter table.
func (s *site) appendEntityRefs(b []byte, i int) []byte {
	for j, id := range s.entitiesOf(i) {
		if j > 0 {
			b = append(b, ' ')
		}
		b = strconv.AppendInt(b, int64(id), 10)
	}
	return b
}

func (s *site) eventRow(i int, root string, embed bool, refs refsFunc) eventRow {
	ev := &s.tl.Events[i]
	row := eventRow{embed: embed, ID: ev.ID, Title: displayTitle(*ev), Date: eventDate{s, i}, Href: root + "events/" + ev.ID + "/index.html"}
	if !ev.Start.IsZero() {
		row.Year = strconv.Itoa(ev.Start.Start.Year())
		if ev.End != nil && !ev.End.IsZero() && ev.End.Start.Year() > ev.Start.Start.Year() {
			row.EndYear = strconv.Itoa(ev.End.Start.Year())
		}
	}
	row.EntityRefs = string(refs(nil, i))
	var cited []*timeline.Article
	for j, m := range ev.Mentions {
		a, ok := s.article(m.Article)
		if !ok || reportedBefore(ev.Mentions[:j], m.Article) {
			continue
		}
		cited = append(cited, a)
	}
	for _, a := range cited {
		row.Sources = append(row.Sources, sourceRef{Slug: a.Slug, Label: citedLabel(a, cited), Href: root + "articles/" + a.Slug + "/index.html"})
	}
	return row
}

func displayTitle(ev timeline.Event) string {
	if t := strings.TrimSpace(ev.Title); t != "" {
		return t
	}
	return "Untitled event"
}

func yearLabel(d timeline.Date) string {
	if d.IsZero() {
		return "Undated"
	}
	return datefmt.Year(d.Start.Year())
}

func yearAnchor(d timeline.Date) string {
	if d.IsZero() {
		return "undated"
	}
	return "y" + strconv.Itoa(d.Start.Year())
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return strconv.Itoa(n) + " " + word + "s"
}

// searchPage writes search.js: the sentences of every event, by event ID, which
// the script loads on the first search (a <script> works under file://, fetch does not).
func (s *site) searchPage() Page {
	return Page{Path: "search.js", Key: s.pageKey(s.tlKey, "search"), Render: func(w io.Writer) error {
		return s.writeSearch(w, nil)
	}}
}

// writeSearch writes the search data of the listed events (every event when
// list is nil).
func (s *site) writeSearch(w io.Writer, list []int32) error {
	// A list of pairs written in timeline order, not a map, keeps the bytes
	// stable; one event at a time keeps a second copy of the timeline out of memory.
	// The strings are quoted as encoding/json quotes them (AppendJSONString),
	// into a pooled buffer passed on in pieces: through json's Encoder, each
	// event's two values were boxed, reflected on and the text copied (the
	// shards a warm build rewrites hold tens of thousands of events).
	buf := pageBufs.Get().(*pageBuf)
	defer putPageBuf(buf)
	b := append(buf.b[:0], "window.timelineSearch={"...)
	var text []byte
	n := len(list)
	if list == nil {
		n = len(s.tl.Events)
	}
	for j := 0; j < n; j++ {
		i := j
		if list != nil {
			i = int(list[j])
		}
		ev := &s.tl.Events[i]
		text = text[:0]
		for k, m := range ev.Mentions {
			if k > 0 {
				text = append(text, ' ')
			}
			text = appendFields(text, m.Text)
		}
		if j > 0 {
			b = append(b, ',')
		}
		b = export.AppendJSONString(b, ev.ID)
		b = append(b, ':')
		b = export.AppendJSONString(b, unsafe.String(unsafe.SliceData(text), len(text))) // read, not kept
		if len(b) >= 60<<10 {
			if _, err := w.Write(b); err != nil {
				buf.b = b
				return err
			}
			b = b[:0]
		}
	}
	b = append(b, "};\n"...)
	_, err := w.Write(b)
	buf.b = b
	return err
}

// appendFields appends s with its whitespace runs collapsed to single spaces
// and trimmed, as strings.Join(strings.Fields(s), " ") would, without
// allocating the list of fields.
func appendFields(b []byte, s string) []byte {
	start, inSpace := len(b), true
	for i := 0; i < len(s); {
		size := 1
		if c := s[i]; c < utf8.RuneSelf {
			if asciiSpace(c) {
				inSpace, i = true, i+1
				continue
			}
			for i+size < len(s) && s[i+size] < utf8.RuneSelf && !asciiSpace(s[i+size]) {
				size++ // a run of ASCII without spaces, copied at once
			}
		} else {
			var r rune
			if r, size = utf8.DecodeRuneInString(s[i:]); unicode.IsSpace(r) {
				inSpace, i = true, i+size
				continue
			}
		}
		if inSpace && len(b) > start {
			b = append(b, ' ')
		}
		inSpace = false
		b = append(b, s[i:i+size]...)
		i += size
	}
	return b
}

// asciiSpace reports the ASCII bytes unicode.IsSpace reports.
func asciiSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'
}

// --- about, 404 ---

func (s *site) aboutPage() Page {
	return s.htmlPage("about/index.html", s.pageKey(s.cfgKey, "about", s.cfg.About), func() (pageData, error) {
		d := s.page("about", "about/index.html", "About")
		body, err := markdownHTML(s.cfg.About, nil)
		if err != nil {
			return d, fmt.Errorf("about text: %w", err)
		}
		if strings.TrimSpace(s.cfg.About) == "" {
			body = "<p>This timeline was built from news articles by finding the events they date.</p>"
		}
		d.About = body
		return d, nil
	})
}

func (s *site) notFoundPage() Page {
	return s.htmlPage("404.html", s.pageKey(s.cfgKey, "404"), func() (pageData, error) {
		d := s.page("notfound", "404.html", "Page not found")
		d.Canonical = ""
		if s.cfg.BaseURL != "" {
			// A host serves 404.html at any depth; absolute links keep working there.
			d.Root = s.cfg.BaseURL
		}
		return d, nil
	})
}

// absURL resolves a root-relative path against the base URL, if any. A
// plain path (plainPath) is the resolved base followed by the path itself
// (absBase): a sitemap of 127,000 URLs resolved each through net/url took
// 270 ms and 80 MB on every build, its Key changing with the timeline.
func (s *site) absURL(p string) string {
	if s.cfg.BaseURL == "" {
		return p
	}
	if prefix, ok := s.absBase(); ok && plainPath(p) {
		return prefix + p
	}
	return resolveURL(s.cfg.BaseURL, p)
}

// absBase returns what resolveURL puts before a plain path: resolving "a"
// gives that prefix followed by "a". resolvePath in net/url treats the
// base's part of the joined path alike whatever plain path follows it (only
// "." and ".." segments, which a plain path has none of, change what comes
// before them) and escapes nothing in it; ok is false if the probe does not
// end in "a" (a resolution that appended something after the path, which
// net/url does not do today), and then every URL takes the slow way.
func (s *site) absBase() (string, bool) {
	s.absOnce.Do(func() {
		probe := resolveURL(s.cfg.BaseURL, "a")
		if strings.HasSuffix(probe, "a") && strings.HasPrefix(probe, "http") {
			s.absPrefix, s.absFast = probe[:len(probe)-1], true
		}
	})
	return s.absPrefix, s.absFast
}

// plainPath reports whether p is a relative path of non-empty segments of
// letters, digits, "-", "_", "~" and dots (none "." or ".."), separated by
// single slashes, possibly ending in one: nothing net/url would escape,
// clean or read as a scheme, host, query or fragment.
func plainPath(p string) bool {
	if p == "" {
		return false
	}
	seg := 0 // start of the current segment
	for i := 0; i <= len(p); i++ {
		if i == len(p) || p[i] == '/' {
			switch p[seg:i] {
			case ".", "..":
				return false
			case "":
				if i != len(p) || seg == 0 { // empty only after a final slash
					return false
				}
			}
			seg = i + 1
			continue
		}
		c := p[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '~' || c == '.') {
			return false
		}
	}
	return true
}

// resolveURL is base (an absolute URL) resolved with the reference p, by
// net/url; p itself when either does not parse.
func resolveURL(baseURL, p string) string {
	base, err := url.Parse(baseURL)
	if err != nil {
		return p
	}
	ref, err := url.Parse(p)
	if err != nil {
		return p
	}
	return base.ResolveReference(ref).String()
}
