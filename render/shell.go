package render

import (
	"bytes"
	"fmt"
	"html/template"
	"io"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/newsline/timeline/templates"
)

// A page executed through html/template walks the whole layout (head, meta
// tags, chrome) by reflection, once per page: with 127,000 pages that walk
// cost more than the pages' own content. A shell is the layout rendered by
// html/template once per kind, depth and set of non-empty fields, with
// sentinels in place of the fields that differ from page to page (title,
// description, canonical URL, JSON-LD) and of the "main" template, then split
// at the sentinels. A page is its shell's literal parts with its own fields
// escaped in between, as html/template would escape them there.
//
// Which escaper each hole needs is not written down here: it is learnt from
// the template, by rendering hostile probe values and finding the one of
// appendText, appendHref or verbatim that gives the template's bytes. A shell
// is then checked once against the real template on other hostile values; a
// shell that fails (a template edit moved a field into a context none of the
// escapers covers) is not used, and its pages go through html/template.

// holeField names a page field a shell leaves open.
type holeField uint8

const (
	holeTitle holeField = iota
	holeDescription
	holeCanonical
	holeJSONLD
	holeMain // the kind's "main" template
	nHoleFields
)

// holeEscape is how a hole's value is written.
type holeEscape uint8

const (
	escText holeEscape = iota // text, RCDATA or a quoted attribute (appendText)
	escHref                   // a quoted URL attribute (appendHref)
	escRaw                    // verbatim: a typed value (template.JS) the context passes through
)

type hole struct {
	field holeField
	esc   holeEscape
}

// shell is a layout split at its holes: parts[i] comes before holes[i].
type shell struct {
	parts []string
	holes []hole
	clean bool // every part needs no cleaning (needsNoCleaning)
}

// shellKey is everything besides the holes that the layout reads from a
// page's data (the site settings are the same for every page of a site).
type shellKey struct {
	kind, root, oembed string
	filled             uint8 // bit f: field f is non-empty (its {{if}} and {{with}} branches run)
	article            bool
}

// shellsOff sends every page through the template alone (no shells, no
// deferred rows): tests compare both ways.
var shellsOff bool

// noShell marks a key whose shell failed its check: its pages use the template.
var noShell = &shell{}

// sentinel is the text a shell is rendered with in place of field f: plain
// letters and digits, which every escaper leaves as they are.
func sentinel(f holeField) string { return "tlShellHole" + string(rune('0'+f)) + "z" }

const sentinelPrefix = "tlShellHole"

// fieldsOf reads the hole fields of a page (main excluded).
func fieldsOf(d *pageData) [holeMain]string {
	return [holeMain]string{d.Title, d.Description, d.Canonical, string(d.JSONLD)}
}

// setFields writes the hole fields into a page's data.
func setFields(d *pageData, v [holeMain]string) {
	d.Title, d.Description, d.Canonical, d.JSONLD = v[holeTitle], v[holeDescription], v[holeCanonical], template.JS(v[holeJSONLD])
}

func keyOf(d *pageData) shellKey {
	k := shellKey{kind: d.Kind, root: d.Root, oembed: d.OEmbedHref, article: d.Article != nil}
	for f, v := range fieldsOf(d) {
		if v != "" {
			k.filled |= 1 << f
		}
	}
	if d.jsonld != nil { // written by d.jsonld, never empty (a page without JSON-LD leaves it nil)
		k.filled |= 1 << holeJSONLD
	}
	return k
}

// shellFor returns the shell of a page, building it on first use, or nil when
// the page must go through the template.
func (s *site) shellFor(d *pageData) *shell {
	if shellsOff || pageKinds[d.Kind][1] != "layout" {
		return nil
	}
	k := keyOf(d)
	if sh, ok := s.chromes.Load(k); ok {
		return usable(sh.(*shell))
	}
	sh, err := s.buildShell(*d)
	if err != nil {
		sh = noShell
	}
	got, _ := s.chromes.LoadOrStore(k, sh)
	return usable(got.(*shell))
}

func usable(sh *shell) *shell {
	if sh == noShell {
		return nil
	}
	return sh
}

// Probe values: every character the escapers treat differently.
var probes = [2][holeMain]string{
	{`P1 <b>"&amp;'+</b> é ` + "\x00\t\u2028" + ` a:b/c?d=e#f %zz`, `D1 <i> "x" & 'y' + é`, `https://probe.example/a b/"c"?d=<e>&f#g`, `{"a":"<\/script>é"}`},
	{`T2 ' " < > & + ü`, "D2 \x00 <>&\"'+ \u00a0", `../rel/path "q" <>#frag`, `{"b":"x"}`},
}

// mainProbe is the main content of an event page during the check.
const mainProbe = template.HTML("<article class=\"probe\">\n<h1>P &amp; Q</h1>\n</article>\n")

func (s *site) buildShell(d pageData) (*shell, error) {
	t, err := shellTemplate()
	if err != nil {
		return nil, err
	}
	real, err := tmpl(d.Kind)
	if err != nil {
		return nil, err
	}
	if err := d.jsonLDAsField(); err != nil {
		return nil, err
	}
	if d.Chrome, err = s.chrome(real, d); err != nil {
		return nil, err
	}
	have := fieldsOf(&d)
	fill := func(v [holeMain]string) pageData {
		p := d
		for f := range v {
			if have[f] == "" {
				v[f] = ""
			}
		}
		setFields(&p, v)
		return p
	}
	var sentinels [holeMain]string
	for f := range sentinels {
		sentinels[f] = sentinel(holeField(f))
	}
	var out strings.Builder
	if err := t.ExecuteTemplate(&out, "layout", fill(sentinels)); err != nil {
		return nil, err
	}
	sh, err := splitShell(out.String())
	if err != nil {
		return nil, err
	}
	out.Reset()
	if err := t.ExecuteTemplate(&out, "layout", fill(probes[0])); err != nil {
		return nil, err
	}
	if err := sh.learnEscapes(out.String(), probes[0]); err != nil {
		return nil, err
	}
	return sh, s.checkShell(sh, real, fill(probes[1]))
}

// splitShell cuts a layout rendered with sentinels at them.
func splitShell(out string) (*shell, error) {
	sh := &shell{}
	for {
		i := strings.Index(out, sentinelPrefix)
		if i < 0 {
			sh.parts = append(sh.parts, out)
			sh.clean = true
			for _, p := range sh.parts {
				sh.clean = sh.clean && needsNoCleaning([]byte(p))
			}
			return sh, nil
		}
		rest := out[i+len(sentinelPrefix):]
		if len(rest) < 2 || rest[0] < '0' || rest[0] >= '0'+byte(nHoleFields) || rest[1] != 'z' {
			return nil, fmt.Errorf("shell: stray sentinel text")
		}
		sh.parts = append(sh.parts, out[:i])
		sh.holes = append(sh.holes, hole{field: holeField(rest[0] - '0')})
		out = rest[2:]
	}
}

// learnEscapes finds each hole's escaper from the layout rendered with the
// probe values (main still a sentinel).
func (sh *shell) learnEscapes(out string, probe [holeMain]string) error {
	if !strings.HasPrefix(out, sh.parts[0]) {
		return fmt.Errorf("shell: probe output differs before the first hole")
	}
	out = out[len(sh.parts[0]):]
	for i := range sh.holes {
		h := &sh.holes[i]
		next := sh.parts[i+1]
		end := strings.Index(out, next)
		if i+1 == len(sh.holes) {
			end = len(out) - len(next) // the last part ends the page
		}
		if end < 0 || !strings.HasPrefix(out[end:], next) {
			return fmt.Errorf("shell: probe output differs after hole %d", i)
		}
		got := out[:end]
		out = out[end+len(next):]
		if h.field == holeMain {
			if got != sentinel(holeMain) {
				return fmt.Errorf("shell: main is not written as it is")
			}
			continue
		}
		found := false
		for _, esc := range []holeEscape{escText, escHref, escRaw} {
			if string(appendEscaped(nil, esc, probe[h.field])) == got {
				h.esc, found = esc, true
				break
			}
		}
		if !found {
			return fmt.Errorf("shell: no escaper gives the template's bytes for field %d", h.field)
		}
	}
	return nil
}

func appendEscaped(b []byte, esc holeEscape, v string) []byte {
	switch esc {
	case escText:
		return appendText(b, v)
	case escHref:
		return appendHref(b, v)
	}
	return append(b, v...)
}

// checkShell renders a page both ways on hostile values and compares.
func (s *site) checkShell(sh *shell, real *template.Template, d pageData) error {
	if d.main != nil {
		d.main = nil
		d.Event = &eventView{}
	}
	if d.Event != nil {
		ev := *d.Event
		ev.Main = mainProbe
		d.Event = &ev
	}
	if d.Article != nil {
		av := *d.Article
		av.Main = mainProbe
		d.Article = &av
	}
	if d.Index != nil && d.Index.Years != nil {
		d.Index = s.fewRows(d.Index)
	}
	// The page is written twice, in pooled buffers: for a listing page,
	// fresh ones grown by doubling were most of what a warm build's write
	// stage allocated.
	want, putWant := getPageBuf(&d)
	defer putWant(want)
	got, putGot := getPageBuf(&d)
	defer putGot(got)
	if err := s.templatePage(want, &d); err != nil {
		return err
	}
	if err := s.fillShell(got, sh, &d); err != nil {
		return err
	}
	if string(got.b) != string(want.b) {
		return fmt.Errorf("shell: differs from the template for a %s page", d.Kind)
	}
	return nil
}

// checkedRows is how many rows of each year a listing page's shell check
// writes.
const checkedRows = 2

// fewRows is v with each year's rows cut to its first checkedRows, for the
// shell check. Both ways of writing the page write the rows with the same
// function (appendRow, through expandRows), so all of them, twice over,
// checked no more than two do, and a year page of a large site has
// thousands: the check of its first listing page of each kind was a tenth
// of a warm build's write stage at 2,000 articles.
func (s *site) fewRows(v *indexView) *indexView {
	cut := *v
	all := v.Years
	cut.Years = func(yield func(yearView) bool) {
		for y := range all {
			if len(y.events) > checkedRows {
				y.events = y.events[:checkedRows:checkedRows]
				y.rows.events = y.events
				y.Events = s.rows(y.events, y.rows.root, y.rows.embed, y.rows.refs)
			}
			if !yield(y) {
				return
			}
		}
	}
	return &cut
}

// fillShell writes a page: the shell's parts with the page's fields between.
// It sets w.clean when the parts and every field written need no cleaning,
// so the page writer checks only the fields: valid UTF-8 pieces without
// forbidden characters make a whole without them.
func (s *site) fillShell(w *pageBuf, sh *shell, d *pageData) error {
	v := fieldsOf(d)
	clean := sh.clean
	for i, h := range sh.holes {
		w.b = append(w.b, sh.parts[i]...)
		start := len(w.b)
		var err error
		switch {
		case h.field == holeMain:
			err = s.writeMain(w, d)
		case h.field == holeJSONLD && d.jsonld != nil && h.esc == escRaw:
			w.b, err = d.jsonld(w.b) // verbatim: straight into the page
		case h.field == holeJSONLD && d.jsonld != nil:
			var ld []byte
			if ld, err = d.jsonld(nil); err == nil {
				w.b = appendEscaped(w.b, h.esc, string(ld))
			}
		default:
			w.b = appendEscaped(w.b, h.esc, v[h.field])
		}
		if err != nil {
			return err
		}
		clean = clean && !w.spilled && needsNoCleaning(w.b[start:]) // spilled: cleaned as it went
	}
	w.b = append(w.b, sh.parts[len(sh.parts)-1]...)
	w.clean = clean
	return nil
}

// writeMain writes the kind's "main" template. An event or article page's is
// its content alone ({{.Event.Main}}, {{.Article.Main}}), written by Go code
// (fasthtml.go) straight into the page: the check above compares it with
// the template's.
func (s *site) writeMain(w *pageBuf, d *pageData) error {
	var err error
	switch {
	case d.main != nil:
		w.b, err = d.main(w.b)
		return err
	case d.Kind == "event" && d.Event != nil && d.Event.Main != "":
		w.b = append(w.b, d.Event.Main...)
		return nil
	case d.Kind == "event" && d.Event != nil:
		w.b, err = appendEventMain(w.b, d.Event)
		return err
	case d.Kind == "article" && d.Article != nil && d.Article.Main != "":
		w.b = append(w.b, d.Article.Main...)
		return nil
	case d.Kind == "article" && d.Article != nil:
		w.b, err = appendArticleMain(w.b, d.Article)
		return err
	}
	t, err := tmpl(d.Kind)
	if err != nil {
		return err
	}
	start := len(w.b)
	if err := t.ExecuteTemplate(w, "main", d); err != nil {
		return err
	}
	return expandRows(w, start, d)
}

var shellTmpl struct {
	once sync.Once
	t    *template.Template
	err  error
}

// shellTemplate is the layout with "main" replaced by its sentinel.
func shellTemplate() (*template.Template, error) {
	shellTmpl.once.Do(func() {
		t, err := template.New("shell").ParseFS(templates.FS, "layout.html", "list.html")
		if err == nil {
			t, err = t.Parse(`{{define "main"}}` + sentinel(holeMain) + `{{end}}`)
		}
		shellTmpl.t, shellTmpl.err = t, err
	})
	return shellTmpl.t, shellTmpl.err
}

// pageBuf collects a page before it is cleaned and written.
type pageBuf struct {
	b     []byte
	clean bool // fillShell found the page needs no cleaning
	// spill, when set, takes the rows of a listing page (expandRows) in
	// pieces of about spillAt bytes as they are made, cleaning them, so the
	// page never sits whole in memory; spilled says it took some.
	spill   *cleanWriter
	spilled bool
}

// spillAt is how many bytes a listing page's buffer holds before its rows
// go on to the page's file. A year page of the 10,000-article site is about
// 0.8 MB: held whole, the 26 listing pages an incremental build rewrites
// grew their buffers through 15 MB, memory a fresh process touches for the
// first time (about 5 ms per MB on the virtual machines the builds run on).
var spillAt = 64 << 10

// spillRows passes what buf holds on to its spill, once it holds spillAt
// bytes or more.
func (p *pageBuf) spillRows() error {
	if p.spill == nil || len(p.b) < spillAt {
		return nil
	}
	p.spilled = true
	_, err := p.spill.Write(p.b)
	p.b = p.b[:0]
	return err
}

func (p *pageBuf) Write(b []byte) (int, error) {
	p.b = append(p.b, b...)
	return len(b), nil
}

// The methods below make a pageBuf a goldmark util.BufWriter, so Markdown
// renders into it without a bufio.Writer of its own.

func (p *pageBuf) WriteString(s string) (int, error) {
	p.b = append(p.b, s...)
	return len(s), nil
}

func (p *pageBuf) WriteByte(c byte) error {
	p.b = append(p.b, c)
	return nil
}

func (p *pageBuf) WriteRune(r rune) (int, error) {
	n := len(p.b)
	p.b = utf8.AppendRune(p.b, r)
	return len(p.b) - n, nil
}

func (p *pageBuf) Available() int { return cap(p.b) - len(p.b) }
func (p *pageBuf) Buffered() int  { return len(p.b) }
func (p *pageBuf) Flush() error   { return nil }

// pageBufs recycles page buffers; a buffer grown past maxPooledPage by a
// large page is dropped rather than kept.
var pageBufs = sync.Pool{New: func() any { return &pageBuf{b: make([]byte, 0, 16<<10)} }}

const maxPooledPage = 1 << 20

func putPageBuf(buf *pageBuf) { recycle(&pageBufs, maxPooledPage, buf) }

func recycle(pool *sync.Pool, max int, buf *pageBuf) {
	if cap(buf.b) <= max {
		buf.b, buf.clean, buf.spill, buf.spilled = buf.b[:0], false, nil, false
		pool.Put(buf)
	}
}

// listingBufs recycles the buffers of the pages that list events (the
// timeline, year and month pages, hundreds of KB to a few MB each), apart
// from the others': taking a buffer an event page had left at a few KB,
// a listing page grew it by doubling, twice its size in garbage (half of
// what a warm build's write stage allocated on the 2,000-article scale
// site), and one past maxPooledPage was dropped.
var listingBufs = sync.Pool{New: func() any { return &pageBuf{b: make([]byte, 0, 64<<10)} }}

const maxPooledListing = 16 << 20

// getPageBuf takes a buffer for d's page from the pool for its kind of
// page; putBuf gives it back.
func getPageBuf(d *pageData) (buf *pageBuf, putBuf func(*pageBuf)) {
	if d.Index != nil {
		return listingBufs.Get().(*pageBuf), func(b *pageBuf) { recycle(&listingBufs, maxPooledListing, b) }
	}
	return pageBufs.Get().(*pageBuf), putPageBuf
}

// writePage renders a page into a pooled buffer, then cleans and writes it.
// A listing page's rows go on to w as they are made (pageBuf.spill), all of
// the page through one cleanWriter: the bytes are the same.
func (s *site) writePage(w io.Writer, d *pageData) error {
	buf, putBuf := getPageBuf(d)
	defer putBuf(buf)
	if d.Index != nil { // a listing page: its own cleanWriter, which the buffer keeps while it renders
		buf.spill = &cleanWriter{w: w}
	}
	cw := buf.spill
	err := s.renderPage(buf, d)
	buf.spill = nil
	switch {
	case err != nil:
		return err
	case !buf.spilled && (buf.clean || needsNoCleaning(buf.b)):
		_, err := w.Write(buf.b)
		return err
	case cw == nil:
		cw = &cleanWriter{w: w}
	}
	if _, err := cw.Write(buf.b); err != nil {
		return err
	}
	return cw.Close()
}

// renderPage appends a page's HTML (not yet cleaned) to buf: through its
// shell, or through html/template when it has no usable shell.
func (s *site) renderPage(buf *pageBuf, d *pageData) error {
	buf.clean = false
	if d.Index != nil && d.Index.slots != nil {
		d.Index.slots.pending = d.Index.slots.pending[:0]
		d.Index.slots.entities, d.Index.slots.haveEntities = nil, false
	}
	if sh := s.shellFor(d); sh != nil {
		return s.fillShell(buf, sh, d)
	}
	return s.templatePage(buf, d)
}

// templatePage appends a page's HTML as html/template writes it.
func (s *site) templatePage(buf *pageBuf, d *pageData) error {
	start := len(buf.b)
	if err := s.execute(buf, *d); err != nil {
		return err
	}
	return expandRows(buf, start, d)
}

// rowSlots holds the rows a page's template left placeholders for
// (yearView.Rows), and its filter table when it left one for that
// (indexView.EntitiesJSON): the page writer appends them in place.
type rowSlots struct {
	twin         *rowTwin // the page's listing's, shared by its plain and embed pages; nil: none
	pending      []rowList
	entities     []entityRef
	haveEntities bool
}

// entitiesMark is the filter table's placeholder, in the page's JSON script,
// where the template writes no "<" of its own (see rowsMark).
const entitiesMark = "<!--tl-entities-->"

// rowList is the rows of some events on a page, written by appendRow.
type rowList struct {
	s      *site
	events []int32
	root   string
	embed  bool
	refs   refsFunc
}

// rowsMark starts a placeholder; the template cannot write it otherwise: every
// value it prints in a listing page's text is escaped ("<" as "&lt;") and the
// JSON in its scripts has "<" as "\u003c".
const rowsMark = "<!--tl-rows "

func (r *rowSlots) add(rows rowList) template.HTML {
	r.pending = append(r.pending, rows)
	return template.HTML(rowsMark + strconv.Itoa(len(r.pending)-1) + "-->")
}

// expandRows replaces the placeholders written into buf since start by the
// rows they stand for.
func expandRows(buf *pageBuf, start int, d *pageData) error {
	if d.Index == nil || d.Index.slots == nil || len(d.Index.slots.pending) == 0 && !d.Index.slots.haveEntities {
		return nil
	}
	slots := d.Index.slots
	tmp := pageBufs.Get().(*pageBuf)
	defer putPageBuf(tmp)
	tmp.b = append(tmp.b, buf.b[start:]...)
	buf.b = buf.b[:start]
	rest := tmp.b
	var err error
	var rec rowRecorder // the rows written, for the site's rowCache
	var cache *rowCache // the pages' rows are all of one site
	if len(slots.pending) > 0 {
		cache = slots.pending[0].s.rowCache
	}
	if cache != nil {
		n := 0
		for _, rows := range slots.pending {
			n += len(rows.events)
		}
		rec.keys, rec.rows = make([]uint64, 0, n), make([]cachedRow, 0, n)
		if !slots.pending[0].embed { // an embed page keeps no rows
			rec.sizeFor(cache, n)
		}
	}
	// The rows of a listing's plain page go to its embed page (rowTwin).
	var record, taken *twinRows
	if len(slots.pending) > 0 && slots.twin != nil {
		first := slots.pending[0]
		switch {
		case first.embed:
			if taken = slots.twin.take(); taken != nil {
				defer taken.release()
				if first.root != "../"+taken.root {
					taken = nil // not the plain page's rows one level down
				}
			}
		default:
			n := 0
			for _, rows := range slots.pending {
				n += len(rows.events)
			}
			if record = slots.twin.record(&first.s.twins, first.root, n); record != nil {
				defer func() { slots.twin.recorded(record) }()
			}
		}
	}
	n := 0 // rows written
	for k, rows := range slots.pending {
		mark := rowsMark + strconv.Itoa(k) + "-->"
		i := bytes.Index(rest, []byte(mark))
		if i < 0 {
			return fmt.Errorf("render: the rows of year %d lost their place in the page", k)
		}
		buf.b = append(buf.b, rest[:i]...)
		look := newRowLook(rows.root, rows.embed)
		for _, e := range rows.events {
			switch {
			case taken != nil:
				buf.b, err = rows.s.appendRowTwin(buf.b, int(e), &look, rows.refs, &rec, taken, n)
			case record != nil:
				start := len(buf.b)
				var head, refs int
				if buf.b, head, refs, err = rows.s.appendRowParts(buf.b, int(e), &look, rows.refs, &rec); err == nil {
					record.add(int(e), buf.b[start:], head-start, refs-start)
				}
			default:
				buf.b, err = rows.s.appendRowCached(buf.b, int(e), &look, rows.refs, &rec)
			}
			if err != nil {
				return err
			}
			n++
			if err = buf.spillRows(); err != nil {
				return err
			}
		}
		rest = rest[i+len(mark):]
	}
	if cache != nil {
		cache.keep(&rec)
	}
	if slots.haveEntities {
		i := bytes.Index(rest, []byte(entitiesMark))
		if i < 0 {
			return fmt.Errorf("render: the filter table lost its place in the page")
		}
		buf.b = append(buf.b, rest[:i]...)
		buf.b = appendEntitiesJSON(buf.b, slots.entities)
		rest = rest[i+len(entitiesMark):]
	}
	buf.b = append(buf.b, rest...)
	slots.pending = slots.pending[:0]
	slots.entities, slots.haveEntities = nil, false
	return nil
}
