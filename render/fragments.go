package render

import (
	"html/template"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/newsline/timeline/render/datefmt"
	"github.com/newsline/timeline/timeline"
)

// fragments keeps the output of one named template per item (event, entity,
// article): HTML that many pages show identically is rendered by html/template
// once, on first use, and reused as template.HTML. The named templates are
// only ever called in HTML text context, where a direct execution starts too,
// so the bytes are those the calling template would have written.
type fragments struct {
	name  string
	slots []atomic.Pointer[template.HTML]
}

func newFragments(name string, n int) fragments {
	return fragments{name: name, slots: make([]atomic.Pointer[template.HTML], n)}
}

// get returns item i's fragment, rendering data() the first time.
func (f *fragments) get(i int, data func() any) (template.HTML, error) {
	slot := &f.slots[i]
	if h := slot.Load(); h != nil {
		return *h, nil
	}
	t, err := tmpl("index") // every template set holds list.html's fragment templates
	if err != nil {
		return "", err
	}
	var b strings.Builder
	if err := t.ExecuteTemplate(&b, f.name, data()); err != nil {
		return "", err
	}
	h := template.HTML(b.String())
	slot.Store(&h)
	return h, nil
}

// eventDate is event i's date or range on a page. Every page that shows it
// (the timeline, the embed, the event's page, its articles' pages) shows the
// same HTML.
type eventDate struct {
	s *site
	i int
}

// HTML is the event's date as dateHTML writes it (the former "date"
// template's bytes, written in Go: executing the template once per event was
// a tenth of the HTML pages' rendering).
func (d eventDate) HTML() (template.HTML, error) {
	slot := &d.s.dates.slots[d.i]
	if h := slot.Load(); h != nil {
		return *h, nil
	}
	ev := &d.s.tl.Events[d.i]
	h := d.s.dateHTMLs.of(ev.Start, ev.End)
	slot.Store(&h)
	return h, nil
}

// dateHTMLs keeps dateHTML's output by the date or range it was made of:
// the 116,000 events of the 10,000-article corpus have 7,176 distinct
// ones, and formatting each event's anew was a third of the listing rows'
// tails (appendRowTail) in a warm build.
type dateHTMLs struct {
	mu   sync.Mutex
	html map[dateKey]template.HTML
}

// dateKey is a start and an end (hasEnd: a range), compared whole: equal
// keys are the same values, whose HTML is the same (dateViewOf and
// dateHTML read nothing else).
type dateKey struct {
	start, end timeline.Date
	hasEnd     bool
}

// of is dateHTML(dateViewOf(start, end)), made once per date.
func (c *dateHTMLs) of(start timeline.Date, end *timeline.Date) template.HTML {
	k := dateKey{start: start}
	if end != nil {
		k.end, k.hasEnd = *end, true
	}
	c.mu.Lock()
	h, ok := c.html[k]
	c.mu.Unlock()
	if ok {
		return h
	}
	h = dateHTML(dateViewOf(start, end))
	c.mu.Lock()
	if c.html == nil {
		c.html = make(map[dateKey]template.HTML)
	}
	c.html[k] = h
	c.mu.Unlock()
	return h
}

// entityItem is one entity in an event page's list, by index into the table.
type entityItem struct {
	s  *site
	id int32
}

// HTML is the "entity" template's output for the entity.
func (e entityItem) HTML() (template.HTML, error) {
	return e.s.entityItems.get(int(e.id), func() any { return e.s.entities[e.id] })
}

// citeTail is what follows an article's title where a sentence is quoted:
// its publisher and publication date.
type citeTail struct {
	s *site
	a int // index in tl.Articles
}

type citeTailView struct {
	Publisher string
	Published *timeView
}

// HTML is the "cite-tail" template's output for the article, written by
// appendCiteTail (executing the template once per article was a twentieth
// of the event pages' cost at 10,000 articles) and kept for the article's
// other quotes.
func (c citeTail) HTML() (template.HTML, error) {
	slot := &c.s.citeTails.slots[c.a]
	if h := slot.Load(); h != nil {
		return *h, nil
	}
	h := template.HTML(appendCiteTail(nil, c.view()))
	slot.Store(&h)
	return h, nil
}

func (c citeTail) view() citeTailView {
	a := &c.s.tl.Articles[c.a]
	v := citeTailView{Publisher: strings.TrimSpace(a.Meta.Publisher)}
	if !a.Meta.Date.IsZero() {
		pub := timeline.DateOf(a.Meta.Date)
		v.Published = &timeView{Text: datefmt.Date(pub), Attr: datetimeAttr(pub)}
	}
	return v
}

// appendCiteTail writes a cite tail as list.html's "cite-tail" template does.
func appendCiteTail(b []byte, v citeTailView) []byte {
	if v.Publisher != "" {
		b = append(b, ", "...)
		b = appendText(b, v.Publisher)
	}
	if v.Published != nil {
		b = append(b, ", "...)
		b = appendTime(b, *v.Published)
	}
	return b
}
