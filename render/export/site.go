package export

import (
	"bytes"
	"cmp"
	"fmt"
	"io"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/newsline/timeline/timeline"
)

// Site is what the exports need to know about the site besides the timeline.
type Site struct {
	Title       string
	BaseURL     string // "https://school.example/history/armenia/"; empty for relative URLs
	Description string
	// EventURL and ArticleURL give a page's path relative to the site root
	// ("events/ID/"); nil means the default layout. An absolute URL is kept as is.
	EventURL   func(timeline.Event) string
	ArticleURL func(timeline.Article) string
	// EventURLPattern, when set, says that EventURL returns this string
	// with every "{ID}" replaced by the event's ID: the fragment keys then
	// hash the pattern and the ID instead of calling EventURL for every
	// event of every export (most of the keys' cost at 100,000 events).
	EventURLPattern string
	// Updated is the build's "now", derived from content (never time.Now);
	// zero means the latest article publication date.
	Updated time.Time
	// EventDigest, when set, returns a digest of everything about
	// tl.Events[i] (its ID included) and the articles it cites (their titles, slugs and dates)
	// that an export may show; splice digests then hash it instead of those
	// fields. nil: the keys hash the fields themselves.
	EventDigest func(i int) []byte
	// CitedArticle, when set, returns the index in tl.Articles of the
	// article that mention j of tl.Events[i] cites, or -1 when the timeline
	// has none (articles' slugs being unique); nil: mentions are looked up
	// by slug. The feed reads every mention's article to find the newest
	// reports, and the slug lookups were most of its cost.
	CitedArticle func(i, j int) int
	// CitedArticles, when set with CitedArticle, returns what CitedArticle
	// gives for every mention of tl.Events[i] at once: element j is
	// CitedArticle(i, j). The feed reads every event's citations, and
	// through it needs neither the event's mentions nor a call per mention.
	// The slice is read only.
	CitedArticles func(i int) []int32
	// UniqueIDs says that no two events of the timeline share an ID (render
	// checks it), which spares an export proving it to itself.
	UniqueIDs bool
	// SlugIDs says that every event ID passes IsSlugID (render checks it
	// with the IDs' other checks): timeline.json then spares a pass over
	// 100,000 IDs scattered over the heap to prove it to itself.
	SlugIDs bool
	// Order, when set, shares the events' order between the exports of
	// one timeline (see EventOrder).
	Order *EventOrder
	// Splices, when set, gives events.ics, events.csv and timeline.json the
	// previously published copy of their file, whose unchanged fragments they
	// copy instead of rendering, and receives the index of the new copy (see
	// SpliceStore). Output is byte-identical with and without it.
	Splices SpliceStore
}

// site is a Site checked and prepared once per export call.
type site struct {
	Site
	base        *url.URL           // nil when BaseURL is empty; its path ends in "/"
	baseString  string             // base.String(), once needed
	slugs       map[string]int32   // article index by slug (the first of a slug), once needed: articleIndex
	made        map[int32]source   // sources' entries of the articles cited so far
	all         []timeline.Article // tl.Articles, for CitedArticle's indexes
	updated     time.Time
	keyScratch  []byte // fragmentSum's buffer, reused
	context     []byte // fragmentContext's digest for contextKind
	contextKind string
	mask        []byte // fragmentContextWith's digest for maskKind and maskExtra
	maskKind    string
	maskExtra   string
	srcScratch  []source // sources' result, reused
}

func prepare(s Site, tl timeline.Timeline) (*site, error) {
	p := &site{Site: s, all: tl.Articles}
	if strings.TrimSpace(s.BaseURL) != "" {
		u, err := parseBase(s.BaseURL)
		if err != nil {
			return nil, err
		}
		p.base = u
	}
	p.updated = s.Updated.UTC()
	if p.updated.IsZero() {
		p.updated = latestArticleDate(tl.Articles)
	}
	return p, nil
}

// parseBase checks and parses a base URL. The result is shared, never
// modified: the last one parsed is kept, since the JSON-LD of every page
// of a build prepares the same site.
func parseBase(raw string) (*url.URL, error) {
	if last := lastBase.Load(); last != nil && last.raw == raw {
		return last.u, nil
	}
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || !u.IsAbs() || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return nil, fmt.Errorf("base URL %q: want an absolute http(s) URL", raw)
	}
	if !strings.HasSuffix(u.Path, "/") {
		u.Path += "/" // so "events/x/" resolves inside a sub-path, not beside it
	}
	u.RawPath, u.RawQuery, u.Fragment = "", "", ""
	lastBase.Store(&parsedBase{raw: raw, u: u})
	return u, nil
}

type parsedBase struct {
	raw string
	u   *url.URL
}

var lastBase atomic.Pointer[parsedBase]

func latestArticleDate(articles []timeline.Article) time.Time {
	var latest time.Time
	for _, a := range articles {
		if a.Meta.Date.After(latest) {
			latest = a.Meta.Date
		}
	}
	return latest.UTC()
}

// host names the site in UIDs and tag-like identifiers.
func (p *site) host() string {
	if p.base != nil {
		return p.base.Host
	}
	return "timeline"
}

// resolve makes a site-root-relative path absolute when a base URL is set.
func (p *site) resolve(path string) string {
	if p.base == nil || path == "" {
		return path
	}
	if plainPath(path) {
		// What ResolveReference gives for such a path, without parsing it
		// (a third of an export's time at 100,000 events).
		if p.baseString == "" {
			p.baseString = p.base.String()
		}
		return p.baseString + path
	}
	ref, err := url.Parse(path)
	if err != nil {
		return path
	}
	return p.base.ResolveReference(ref).String()
}

// plainPath reports whether a relative path needs no parsing to be resolved
// against a base ending in "/": letters, digits and "_-.~/" only, no empty,
// "." or ".." segment, not starting with "/".
func plainPath(path string) bool {
	for i := 0; i < len(path); i++ {
		c := path[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("_-.~/", c) >= 0) {
			return false
		}
	}
	for rest := strings.TrimSuffix(path, "/"); ; {
		seg, after, more := strings.Cut(rest, "/")
		if seg == "" || seg == "." || seg == ".." {
			return false
		}
		if !more {
			return true
		}
		rest = after
	}
}

// absoluteURL is absolute for the URLs resolve makes: one that starts with
// the base URL (an absolute http(s) URL ending in "/"), or has no colon and
// so no scheme, needs no parsing.
func (p *site) absoluteURL(u string) bool {
	if p.baseString != "" && strings.HasPrefix(u, p.baseString) {
		return true
	}
	if !strings.Contains(u, ":") {
		return false // no scheme: a site without a base URL has only these
	}
	return absolute(u)
}

// absolute reports whether u is an absolute http(s) URL.
func absolute(u string) bool {
	parsed, err := url.Parse(u)
	return err == nil && parsed.IsAbs() && parsed.Host != "" && (parsed.Scheme == "http" || parsed.Scheme == "https")
}

func (p *site) eventURL(ev timeline.Event) string {
	if p.EventURL != nil {
		return p.resolve(p.EventURL(ev))
	}
	return p.resolve("events/" + url.PathEscape(ev.ID) + "/")
}

func (p *site) articleURL(a timeline.Article) string {
	if p.ArticleURL != nil {
		return p.resolve(p.ArticleURL(a))
	}
	return p.resolve("articles/" + url.PathEscape(a.Slug) + "/")
}

func (p *site) rootURL() string {
	if p.base == nil {
		return "./"
	}
	return p.base.String()
}

// source is one article that reports an event.
type source struct {
	Title string
	URL   string // empty when the article is not in the timeline
	Date  time.Time
}

// sources lists the articles an event's mentions come from, in mention
// order, once each; ev is tl.Events[i] (i < 0: an event the export does
// not index). The list is valid until the next call (an export writes its
// file from one goroutine, using each list at once).
func (p *site) sources(i int, ev timeline.Event) []source {
	out := p.srcScratch[:0]
	for j, m := range ev.Mentions {
		if mentionedBefore(ev.Mentions[:j], m.Article) {
			continue
		}
		k, ok := p.citedIndex(i, j, m.Article)
		if !ok {
			out = append(out, source{Title: firstNonEmpty(m.Source, m.Article)})
			continue
		}
		// An export cites each article for about a dozen events, and its
		// title and URL were a fifth of a full export's cost: made once.
		src, made := p.made[k]
		if !made {
			a := &p.all[k]
			src = source{Title: articleTitle(*a), URL: p.articleURL(*a), Date: a.Meta.Date.UTC()}
			if p.made == nil {
				p.made = map[int32]source{}
			}
			p.made[k] = src
		}
		out = append(out, src)
	}
	p.srcScratch = out
	return out
}

// citedIndex is the index in the timeline's articles of the one that
// mention j of tl.Events[i] cites (slug), by CitedArticle when the site
// gives it and i is known: a warm build's exports render a few fragments,
// for which articleIndex built a map of every article (10,000 at the scale
// site's size, ~5 ms per build).
func (p *site) citedIndex(i, j int, slug string) (int32, bool) {
	if p.CitedArticle != nil && i >= 0 {
		k := p.CitedArticle(i, j)
		return int32(k), k >= 0 && k < len(p.all)
	}
	return p.articleIndex(slug)
}

// articleIndex is the index in the timeline's articles of the first with
// this slug. The index by slug is made on first use, and shared by the
// exports of a build through their EventOrder: each export made its own
// map of every article (10,000 at the scale site's size), three or four
// per build, where a warm build's exports render a few fragments.
func (p *site) articleIndex(slug string) (int32, bool) {
	if p.slugs == nil {
		if p.Order != nil {
			p.slugs = p.Order.slugIndex(p.all)
		} else {
			p.slugs = slugIndex(p.all)
		}
	}
	k, ok := p.slugs[slug]
	return k, ok
}

// slugIndex maps each slug to its first article.
func slugIndex(articles []timeline.Article) map[string]int32 {
	m := make(map[string]int32, len(articles))
	for i := range articles {
		if _, dup := m[articles[i].Slug]; !dup {
			m[articles[i].Slug] = int32(i)
		}
	}
	return m
}

// mentionedBefore reports whether one of the mentions comes from the article
// (events have a few mentions: a scan beats a set).
func mentionedBefore(ms []timeline.Mention, slug string) bool {
	for _, m := range ms {
		if m.Article == slug {
			return true
		}
	}
	return false
}

// firstReported is the publication date of the earliest article reporting
// ev, tl.Events[i], or the build date for an event no article reports (an
// editor's manual event).
func (p *site) firstReported(i int, ev *timeline.Event) time.Time {
	return p.firstReportedBy(i, ev, nil)
}

// firstReportedBy is firstReported reading the articles' dates in dates
// (articleDates) when it is not nil: the feed reads them for every event,
// and there the articles' own Meta.Date, each in a large Article of its
// own, and the mentions themselves, read only for the cited article's
// index when CitedArticle gives it, were most of its cost.
func (p *site) firstReportedBy(i int, ev *timeline.Event, dates []time.Time) time.Time {
	var first time.Time
	for j := range ev.Mentions {
		k := -1
		if p.CitedArticle != nil {
			k = p.CitedArticle(i, j)
		} else if a, ok := p.articleIndex(ev.Mentions[j].Article); ok {
			k = int(a)
		}
		if k < 0 || k >= len(p.all) {
			continue
		}
		var d time.Time
		if dates != nil {
			d = dates[k]
		} else {
			d = p.all[k].Meta.Date.UTC()
		}
		if !d.IsZero() && (first.IsZero() || d.Before(first)) {
			first = d
		}
	}
	if first.IsZero() {
		return p.updated
	}
	return first
}

// firstReportedIn is firstReportedBy of an event whose mentions cite the
// articles ks (Site.CitedArticles), with dates from articleDates.
func (p *site) firstReportedIn(ks []int32, dates []time.Time) time.Time {
	var first time.Time
	for _, k := range ks {
		if k < 0 || int(k) >= len(dates) {
			continue
		}
		if d := dates[k]; !d.IsZero() && (first.IsZero() || d.Before(first)) {
			first = d
		}
	}
	if first.IsZero() {
		return p.updated
	}
	return first
}

// exportableFlags is, when the site's shared order (Site.Order) is made of
// events, whether each event is exportable, as the order read it (element
// i is exportable(&events[i])); nil otherwise. It makes the order if no
// export has yet. Read only.
func (p *site) exportableFlags(events []timeline.Event) []bool {
	o := p.Order
	if o == nil || len(events) == 0 {
		return nil
	}
	p.order(events, true)
	if o.first != &events[0] || o.n != len(events) {
		return nil
	}
	return o.exp
}

// articleDates is each article's Meta.Date in UTC, for firstReportedBy.
func (p *site) articleDates() []time.Time {
	dates := make([]time.Time, len(p.all))
	for k := range p.all {
		dates[k] = p.all[k].Meta.Date.UTC()
	}
	return dates
}

// firstSentence is the cleaned sentence of the event's first mention.
func firstSentence(ev timeline.Event) string {
	for _, m := range ev.Mentions {
		if t := strings.TrimSpace(m.Text); t != "" {
			return t
		}
	}
	return ""
}

// articleTitle follows the model: the headline found in the text, else the front matter title.
func articleTitle(a timeline.Article) string {
	return cleanText(firstNonEmpty(a.Headline, a.Meta.Title, a.Slug))
}

func firstNonEmpty(values ...string) string {
	for _, v := range values {
		if strings.TrimSpace(v) != "" {
			return v
		}
	}
	return ""
}

// orderedEvents returns the exportable events (see exportable) in timeline
// order, as indexes into events; the sort is repeated here so output never
// depends on how the caller sorted. The exports stream a timeline of a
// hundred thousand events without a second copy of it.
func orderedEvents(events []timeline.Event, keepAll bool) []int {
	return orderEvents(events, keepAll, nil)
}

// orderEvents is orderedEvents, also setting exp[i], when exp is given (with
// keepAll), to whether event i is exportable: read where the ordering reads
// each event's date anyway, so that EventOrder's exportable subsequence need
// not read the 116,000 events again (4 ms of a kept-10k build's exports,
// nearly all waiting on memory).
func orderEvents(events []timeline.Event, keepAll bool, exp []bool) []int {
	out := make([]int, 0, len(events))
	for i := range events {
		if keepAll || exportable(&events[i]) {
			out = append(out, i)
		}
	}
	// A timeline comes sorted by date (merge orders each date's events by
	// title): then only the runs of one date need sorting, a few events
	// each, where a sort of the whole was a tenth of an incremental export.
	// One pass checks the order and sorts the runs it finds.
	start := 0
	var keys []idKey // sortByID's, reused from run to run
	var prev *timeline.Date
	if len(out) > 0 {
		prev = &events[out[0]].Start
		if exp != nil {
			exp[out[0]] = exportableDate(prev)
		}
	}
	for k := 1; k <= len(out); k++ {
		if k < len(out) {
			cur := &events[out[k]].Start
			if exp != nil {
				exp[out[k]] = exportableDate(cur)
			}
			c := compareDates(prev, cur)
			prev = cur
			if c > 0 { // not sorted by date: sort the whole
				if exp != nil { // the events after k, not yet read (the runs sorted so far lie before k)
					for _, i := range out[k+1:] {
						exp[i] = exportable(&events[i])
					}
				}
				slices.SortFunc(out, func(i, j int) int { return compareEvents(events, i, j) })
				return out
			}
			if c == 0 {
				continue
			}
		}
		if k-start > 1 {
			keys = sortByID(events, out[start:k], keys)
		}
		start = k
	}
	return out
}

// compareDates is a.Compare(*b) (timeline.Date.Compare), told equal
// without copying either date when their fields are: most neighbours of a
// sorted timeline share their date (116,745 events on 7,176 dates at
// 10,000 articles), and Date.Compare takes both by value (two 56-byte
// copies), comparing the starts, the ends and the values in calls. Equal
// fields are equal dates; dates differing in a field (another zone of the
// same instant, say) are compared by Date.Compare itself.
func compareDates(a, b *timeline.Date) int {
	if a.Start == b.Start && a.End == b.End && a.Value == b.Value {
		return 0
	}
	return a.Compare(*b)
}

// sortByID sorts a run of events with equal starts as compareEvents does:
// by ID, then position. The IDs' first eight bytes are compared as one
// integer, from a list beside the run, and the events themselves are read
// only on a tie: comparing through the events (170 bytes apart, their IDs
// elsewhere again) was most of an incremental export's ordering. The list
// is made in keys, returned for the next run: one per run took 1.7 MB per
// build at 10,000 articles, in thousands of small runs.
func sortByID(events []timeline.Event, run []int, keys []idKey) []idKey {
	keys = slices.Grow(keys[:0], len(run))[:len(run)]
	for n, i := range run {
		keys[n] = idKey{prefix: idPrefix(events[i].ID), i: i}
	}
	slices.SortFunc(keys, func(a, b idKey) int {
		if c := cmp.Compare(a.prefix, b.prefix); c != 0 {
			return c
		}
		if c := strings.Compare(events[a.i].ID, events[b.i].ID); c != 0 {
			return c
		}
		return cmp.Compare(a.i, b.i)
	})
	for n := range keys {
		run[n] = keys[n].i
	}
	return keys
}

type idKey struct {
	prefix uint64
	i      int
}

// idPrefix is the first eight bytes of id as a big-endian integer, zero
// padded: a < b as integers means a < b as strings (equal prefixes say
// nothing).
func idPrefix(id string) uint64 {
	var p uint64
	for n := 0; n < 8; n++ {
		p <<= 8
		if n < len(id) {
			p |= uint64(id[n])
		}
	}
	return p
}

// compareEvents is the export order: start, ID, then position (a stable
// sort by start and ID, as a total order any sort reproduces).
func compareEvents(events []timeline.Event, i, j int) int {
	a, b := &events[i], &events[j]
	if c := a.Start.Compare(b.Start); c != 0 {
		return c
	}
	if c := strings.Compare(a.ID, b.ID); c != 0 {
		return c
	}
	return cmp.Compare(i, j)
}

// EventOrder lets the exports of one build share the order of its
// timeline's events: the first export to need it sorts, the others wait
// for it. Give the exports of one timeline a new EventOrder in Site.Order;
// they trust that its events do not change in the meantime (a call with
// another timeline, a different slice or length, sorts its own).
type EventOrder struct {
	slugsMu  sync.Mutex
	slugs    map[string]int32 // slugIndex of articles (first, nArticles)
	firstArt *timeline.Article
	nArts    int
	once     sync.Once
	all      []int  // every event, in export order
	exp      []bool // exp[i]: event i is exportable (set with all)
	some     []int  // the exportable events of all, in order (someOnce)
	someOnce sync.Once
	first    *timeline.Event
	n        int
}

// slugIndex is slugIndex(articles), made once for the exports sharing o;
// articles other than those it was made of get their own. The map is
// read only.
func (o *EventOrder) slugIndex(articles []timeline.Article) map[string]int32 {
	if len(articles) == 0 {
		return map[string]int32{}
	}
	o.slugsMu.Lock()
	defer o.slugsMu.Unlock()
	if o.slugs == nil {
		o.slugs, o.firstArt, o.nArts = slugIndex(articles), &articles[0], len(articles)
	}
	if o.firstArt != &articles[0] || o.nArts != len(articles) {
		return slugIndex(articles)
	}
	return o.slugs
}

// order is orderedEvents through the site's shared EventOrder, if any.
// The result is read only.
func (p *site) order(events []timeline.Event, keepAll bool) []int {
	o := p.Order
	if o == nil || len(events) == 0 {
		return orderedEvents(events, keepAll)
	}
	o.once.Do(func() {
		o.exp = make([]bool, len(events))
		o.all, o.first, o.n = orderEvents(events, true, o.exp), &events[0], len(events)
	})
	if o.first != &events[0] || o.n != len(events) {
		return orderedEvents(events, keepAll)
	}
	if keepAll {
		return o.all
	}
	o.someOnce.Do(func() { // shared by the exports that skip unexportable dates
		o.some = make([]int, 0, len(o.all)) // a subsequence of a sorted list is sorted
		for _, i := range o.all {
			if o.exp[i] {
				o.some = append(o.some, i)
			}
		}
	})
	return o.some
}

// bytesOf runs a streaming writer into memory, for the []byte forms of the API.
func bytesOf(write func(io.Writer) error) ([]byte, error) {
	var b bytes.Buffer
	if err := write(&b); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// exportable reports whether an event can be placed on a calendar: its start
// has a known span in years 1 to 9999 (what ISO 8601 dates, iCalendar and most
// readers can write without an era or an expanded year).
func exportable(ev *timeline.Event) bool { return exportableDate(&ev.Start) }

// exportableDate is exportable of an event starting at d.
func exportableDate(d *timeline.Date) bool {
	t := d.Start
	if t.Location() == time.UTC {
		// As below, without Year's calendar arithmetic (a tenth of the
		// exports' shared ordering): in UTC, years 1 to 9999 are exactly
		// the instants from 0001-01-01 up to 10000-01-01. The zero time
		// is 0001-01-01 UTC, so it is excluded as IsZero excludes it.
		return t.After(firstExportable) && t.Before(pastExportable)
	}
	y := t.Year()
	return !d.IsZero() && y >= 1 && y <= 9999
}

// firstExportable and pastExportable bound exportable's UTC instants.
var firstExportable, pastExportable = time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)

// cleanText makes source text safe for every format: valid UTF-8, newlines as
// "\n", and no control characters except newline and tab (XML, iCalendar TEXT
// and most CSV readers reject or mangle them).
func cleanText(s string) string {
	if isClean(s, false) {
		return s // most text is: skip the four copies below
	}
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	return strings.Map(func(r rune) rune {
		if r == '\n' || r == '\t' {
			return r
		}
		if unicode.IsControl(r) {
			return -1
		}
		return r
	}, s)
}

// oneLine collapses all whitespace runs to single spaces, for titles.
func oneLine(s string) string {
	if isClean(s, true) {
		return s
	}
	return strings.Join(strings.Fields(cleanText(s)), " ")
}

// isClean reports whether cleanText (oneLine when line is true) would return
// s unchanged: valid UTF-8 without control characters other than newline and
// tab (and, for one line, without those, nor leading, trailing or doubled spaces).
func isClean(s string, line bool) bool {
	if line && s != "" && (s[0] == ' ' || s[len(s)-1] == ' ') {
		return false
	}
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '\n' || c == '\t':
				if line {
					return false
				}
			case c < 0x20 || c == 0x7f:
				return false
			case line && c == ' ' && i+1 < len(s) && s[i+1] == ' ':
				return false
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 || unicode.IsControl(r) || line && unicode.IsSpace(r) {
			return false
		}
		i += size
	}
	return true
}
