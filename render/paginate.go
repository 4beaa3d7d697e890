package render

import (
	"encoding/binary"
	"fmt"
	"io"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/zeebo/xxh3"

	"github.com/newsline/timeline/render/datefmt"
	"github.com/newsline/timeline/timeline"
)

// A timeline of more than paginateAbove events is paginated: the timeline
// page (and the embed page) show the year navigation and the latest events,
// and every year gets its own page, years/YYYY/index.html (with an embed
// counterpart under embed/). A year of more than paginateAbove events is split
// further: its events dated to a month or finer go to month pages
// (years/YYYY/MM/index.html) and its year page keeps the coarser ones (a
// season, a quarter, the whole year) and lists the months. A small site keeps
// one timeline page with every event, as before.
//
// Every listing page shows only its own events and links only to its
// neighbours, so a new article re-renders the pages its events fall in, the
// timeline page and their search shards; nothing else.
//
// A variable so a test can paginate a small timeline.
var paginateAbove = 1000

// latestCount is how many of the latest dated events the timeline page of a
// paginated site shows.
var latestCount = 100

// listing is one page of a paginated timeline listing some of its events.
type listing struct {
	Slug   string  // "2020", "2024-06", "undated", "latest": names the search shard
	Path   string  // "years/2020/index.html"; the embed counterpart is "embed/" + Path
	Label  string  // "2020", "June 2024", "Undated"
	events []int32 // indexes into s.tl.Events, in timeline order
	months []*listing
	year   *listing // a month page's year page
	prev   *listing // the neighbouring year (or month of the same year)
	next   *listing
	digest *[16]byte // what the page shows besides its kind (listingDigest), once computed
	upHash uint64    // xxh3 of Path, for the memo records of the events listed here (upHash)
	at     int32     // index in pagination.listings
	twin   rowTwin   // the plain page's rows, for the embed page
	ents   listingEntities
}

// listingEntities is a listing's pageEntities, made by the first of its
// plain and embed pages to come and given to the second (both list the
// same events), then dropped: it was made twice, ~4% of a warm build's
// samples.
type listingEntities struct {
	mu    sync.Mutex
	made  bool
	uses  int
	table []entityRef // read only by the pages
	refs  refsFunc
}

// shareListingEntities is false in tests that make every page's own.
var shareListingEntities = true

// listingEntities returns l's pageEntities, made once for its two pages.
func (s *site) listingEntities(l *listing) ([]entityRef, refsFunc) {
	e := &l.ents
	e.mu.Lock()
	defer e.mu.Unlock()
	if !shareListingEntities {
		return s.pageEntities(l.events)
	}
	if !e.made {
		e.table, e.refs = s.pageEntities(l.events)
		e.made, e.uses = true, 0
	}
	table, refs := e.table, e.refs
	if e.uses++; e.uses == 2 { // both pages have it: a page rendered again makes it again
		e.made, e.table, e.refs = false, nil, nil
	}
	return table, refs
}

// pagination is the page layout of a large timeline.
type pagination struct {
	years    []*listing // in timeline order
	pages    []*listing // every year and month page: years, each followed by its months
	listings []*listing // the same pages in the order paginate met them (numbers in byEvent)
	byEvent  []int32    // per event: the page it is listed on, an index into listings
	latest   *listing   // the latest dated events, shown on the timeline page
}

// paginate lays out the listing pages, or returns nil for a small timeline.
// It first numbers each event's page (byEvent), then cuts every page's list
// of events from one array of all of them, sized by those counts: appended
// to one by one, the lists and their copies were 4-5 MB of fresh memory per
// plan at 116,000 events, and the pointer per event another 0.9 MB.
func (s *site) paginate() *pagination {
	if len(s.tl.Events) <= paginateAbove {
		return nil
	}
	p := &pagination{byEvent: lend(&s.lent().pageOf, len(s.tl.Events))} // every element set below
	var counts []int32                                                  // per page in p.listings
	s.placeInYears(p, &counts)
	s.placeInMonths(p, &counts)
	for i, y := range p.years {
		if i > 0 {
			y.prev, p.years[i-1].next = p.years[i-1], y
		}
		for j := 1; j < len(y.months); j++ {
			y.months[j].prev, y.months[j-1].next = y.months[j-1], y.months[j]
		}
		p.pages = append(p.pages, y)
		p.pages = append(p.pages, y.months...)
	}
	listed, at := lend(&s.lent().listed, len(s.tl.Events)), 0 // every element set below
	for _, l := range p.pages {
		n := int(counts[l.at])
		l.events, at = listed[at:at:at+n], at+n // capped: an append can never reach the next page's
		l.upHash = xxh3.HashString(l.Path)
	}
	for i, k := range p.byEvent {
		l := p.listings[k]
		l.events = append(l.events, int32(i))
	}
	p.latest = &listing{Slug: "latest", Path: "index.html", Label: "Latest events"}
	for i := len(s.tl.Events) - 1; i >= 0 && len(p.latest.events) < latestCount; i-- {
		if !s.tl.Events[i].Start.IsZero() {
			p.latest.events = append(p.latest.events, int32(i))
		}
	}
	for i, j := 0, len(p.latest.events)-1; i < j; i, j = i+1, j-1 {
		p.latest.events[i], p.latest.events[j] = p.latest.events[j], p.latest.events[i]
	}
	return p
}

// addListing numbers l as the next of p.listings.
func (p *pagination) addListing(l *listing, counts *[]int32) {
	l.at = int32(len(p.listings))
	p.listings = append(p.listings, l)
	*counts = append(*counts, 0)
}

// placeInYears puts every event on its year's page (byEvent), counting them.
func (s *site) placeInYears(p *pagination, counts *[]int32) {
	// Keyed by the year itself, not its slug (a string made per event),
	// and the sorted events mostly continue the year before.
	type yearKey struct {
		undated bool
		year    int
	}
	byYear := map[yearKey]*listing{}
	var last *listing
	var lastKey yearKey
	for i := range s.tl.Events {
		start := &s.tl.Events[i].Start
		k := yearKey{undated: start.IsZero()}
		if !k.undated {
			k.year = start.Start.Year()
		}
		if last == nil || k != lastKey {
			last, lastKey = byYear[k], k
			if last == nil {
				slug := yearSlug(*start)
				last = &listing{Slug: slug, Path: "years/" + slug + "/index.html", Label: yearLabel(*start)}
				byYear[k] = last
				p.years = append(p.years, last)
				p.addListing(last, counts)
			}
		}
		p.byEvent[i] = last.at
		(*counts)[last.at]++
	}
}

// placeInMonths moves the events of every year of more than paginateAbove
// events dated to a month or finer onto month pages, numbered in the order
// of their first event; the year page keeps the coarser ones.
func (s *site) placeInMonths(p *pagination, counts *[]int32) {
	months := make([]*[13]*listing, len(p.listings)) // per year page that is split: its months
	for _, y := range p.years {
		if (*counts)[y.at] > int32(paginateAbove) && y.Slug != "undated" {
			months[y.at] = new([13]*listing)
		}
	}
	for i, k := range p.byEvent {
		start := &s.tl.Events[i].Start
		if months[k] == nil || start.Gran < timeline.GranMonth {
			continue // not in a year that is split, or coarser than a month
		}
		y, m := p.listings[k], start.Start.Month()
		l := months[k][m]
		if l == nil {
			slug := fmt.Sprintf("%02d", int(m))
			l = &listing{Slug: y.Slug + "-" + slug, Path: "years/" + y.Slug + "/" + slug + "/index.html",
				Label: monthLabel(start.Start.Year(), m), year: y}
			months[k][m] = l
			y.months = append(y.months, l)
			p.addListing(l, counts)
		}
		p.byEvent[i] = l.at
		(*counts)[l.at]++
		(*counts)[y.at]--
	}
}

// yearSlug names a year's page folder: the year's digits, or "undated".
func yearSlug(d timeline.Date) string {
	if d.IsZero() {
		return "undated"
	}
	return strconv.Itoa(d.Start.Year())
}

func monthLabel(year int, m time.Month) string {
	d, err := timeline.ParseDate(fmt.Sprintf("%04d-%02d", year, int(m)))
	if err != nil || year < 1 || year > 9999 {
		return m.String() + " " + datefmt.Year(year)
	}
	return datefmt.Date(d)
}

// upHash is xxh3 of upPath(i), which the memo keeps per event: hashed
// once per listing page, not once per event.
func (s *site) upHash(i int) uint64 {
	if s.paged == nil {
		return indexHash
	}
	return s.paged.listings[s.paged.byEvent[i]].upHash
}

var indexHash = xxh3.HashString("index.html")

// upPath is the page an event's "Back to the timeline" link leads to.
func (s *site) upPath(i int) string {
	if s.paged == nil {
		return "index.html"
	}
	return s.paged.listings[s.paged.byEvent[i]].Path
}

// pageEntities numbers the entities of the listed events for one page: the
// filter table of a listing page holds only its own events' entities, counted
// on the page, so a new article elsewhere never changes it. The table keeps
// the site table's order (kind, then name).
func (s *site) pageEntities(list []int32) ([]entityRef, refsFunc) {
	// The page's entities are the sorted distinct ids its events name; an
	// entity's number on the page is its place among them (found by binary
	// search: a map of them was a sixth of the listing pages' allocations).
	n := 0
	for _, e := range list {
		n += len(s.entitiesOf(int(e)))
	}
	ids := make([]int32, 0, n)
	for _, e := range list {
		ids = append(ids, s.entitiesOf(int(e))...)
	}
	slices.Sort(ids)
	ids = slices.Compact(ids)
	table := make([]entityRef, len(ids))
	for j, id := range ids {
		table[j] = entityRef{Name: s.entities[id].Name, Kind: s.entities[id].Kind}
	}
	local := func(id int32) int {
		j, _ := slices.BinarySearch(ids, id)
		return j
	}
	for _, e := range list {
		for _, id := range s.entitiesOf(int(e)) {
			table[local(id)].Count++
		}
	}
	refs := func(b []byte, i int) []byte {
		for j, id := range s.entitiesOf(i) {
			if j > 0 {
				b = append(b, ' ')
			}
			b = strconv.AppendInt(b, int64(local(id)), 10)
		}
		return b
	}
	return table, refs
}

// pagedView is what the pages of a paginated timeline add to the timeline view.
type pagedView struct {
	Heading string    // h1 of a year or month page
	Search  string    // the page's search shard, from the site root
	NavName string    // "Years" or "Months": what the pager steps through
	NavHead string    // heading of the list of pages ("Browse by year", "Months")
	Nav     []navLink // the timeline page's years, or a split year's months
	Up      *navLink  // the page above (the timeline page, or a month's year)
	Prev    *navLink
	Next    *navLink
	Note    string // what the page lists, when it is not obvious
	Events  bool   // the page lists events itself (a split year may only list months)
}

type navLink struct{ Label, Href, CountText string }

// searchShard is the path of a listing's search data.
func searchShard(l *listing) string { return "search/" + l.Slug + ".js" }

// listingHref links to listing l from a page at root; on embed pages the
// links stay inside the frame.
func listingHref(l *listing, root string, embed bool) string {
	if embed {
		return root + "embed/" + l.Path
	}
	return root + l.Path
}

func (s *site) navTo(l *listing, root string, embed bool) *navLink {
	if l == nil {
		return nil
	}
	return &navLink{Label: l.Label, Href: listingHref(l, root, embed), CountText: plural(s.listed(l), "event")}
}

// listed counts the events a listing shows, its months' included.
func (s *site) listed(l *listing) int {
	n := len(l.events)
	for _, m := range l.months {
		n += len(m.events)
	}
	return n
}

// latestView is the timeline page (or embed page) of a paginated site: the
// summary and strip of the whole timeline, the years, the latest events.
func (s *site) latestView(root string, embed bool) *indexView {
	p := s.paged
	v := s.listingRows(p.latest, root, embed)
	years := make([]yearView, len(p.years))
	for i, y := range p.years {
		years[i] = yearView{Label: y.Label, Anchor: "y" + y.Slug, count: s.listed(y)}
		if y.Slug == "undated" {
			years[i].Anchor = "undated"
		}
	}
	v.Strip = stripOf(years, func(year int) string {
		return listingHref(&listing{Path: "years/" + strconv.Itoa(year) + "/index.html"}, root, embed)
	})
	if v.Strip != nil {
		v.FirstYear, v.LastYear = v.Strip.firstYear, v.Strip.lastYear
	}
	v.Summary = s.summary(v)
	v.EmbedSnippet = s.embedSnippet()
	v.Paged.NavHead = "Browse by year"
	for _, y := range p.years {
		v.Paged.Nav = append(v.Paged.Nav, *s.navTo(y, root, embed))
	}
	v.Paged.Note = fmt.Sprintf("The latest %s by date; every event is on the page of its year.", plural(len(p.latest.events), "event"))
	return v
}

// listingView is a year or month page.
func (s *site) listingView(l *listing, root string, embed bool) *indexView {
	v := s.listingRows(l, root, embed)
	pv := v.Paged
	pv.Heading = l.Label
	v.Summary = plural(s.listed(l), "event") + " in " + l.Label + "."
	if n, err := strconv.Atoi(l.Slug[:min(4, len(l.Slug))]); err == nil && l.Slug != "undated" {
		v.FirstYear, v.LastYear = n, n
	}
	if l.Slug == "undated" {
		v.Summary = plural(len(l.events), "event") + " without a date."
	}
	pv.NavName = "Years"
	pv.Up = &navLink{Label: "All years", Href: root + pick(embed, "embed/", "") + "index.html"}
	if l.year != nil {
		pv.NavName = "Months"
		pv.Up = s.navTo(l.year, root, embed)
	}
	pv.Prev, pv.Next = s.navTo(l.prev, root, embed), s.navTo(l.next, root, embed)
	if len(l.months) > 0 {
		pv.NavHead = "Months"
		for _, m := range l.months {
			pv.Nav = append(pv.Nav, *s.navTo(m, root, embed))
		}
		pv.Note = "Events dated to a month or a day are on the month pages; this page lists those dated only to " + l.Label + " or a part of it."
	}
	return v
}

// listingRows is the part of a listing page's view that its events make.
func (s *site) listingRows(l *listing, root string, embed bool) *indexView {
	table, refs := s.listingEntities(l)
	v := &indexView{Entities: table, Large: len(l.events) >= largeTimeline,
		Paged: &pagedView{Search: searchShard(l), Events: len(l.events) > 0}, slots: &rowSlots{twin: &l.twin}}
	var years []yearView
	if len(l.events) > 0 {
		years = s.yearGroups(l.events)
	}
	v.Years = s.yearSeq(years, root, embed, refs, v.slots)
	return v
}

func pick(cond bool, yes, no string) string {
	if cond {
		return yes
	}
	return no
}

// listingPages are the pages of a paginated timeline: the timeline and embed
// pages, every year and month page and its embed counterpart.
func (s *site) listingPages() []Page {
	p := s.paged
	pages := []Page{
		s.htmlPage("index.html", s.listingKey(p.latest, "index"), func() (pageData, error) {
			d := s.page("index", "index.html", "")
			d.Index = s.latestView(d.Root, false)
			return d, nil
		}),
		s.htmlPage("embed/index.html", s.listingKey(p.latest, "embed"), func() (pageData, error) {
			d := s.page("embed", "embed/index.html", "Embedded timeline")
			d.Embed, d.Canonical = true, ""
			d.Index = s.latestView(d.Root, true)
			return d, nil
		}),
	}
	for _, l := range p.pages {
		pages = append(pages,
			s.htmlPage(l.Path, s.listingKey(l, "year"), func() (pageData, error) {
				d := s.page("year", l.Path, l.Label)
				d.Index = s.listingView(l, d.Root, false)
				return d, nil
			}),
			s.htmlPage("embed/"+l.Path, s.listingKey(l, "embed"), func() (pageData, error) {
				d := s.page("embed", "embed/"+l.Path, l.Label+" · Embedded timeline")
				d.Embed, d.Canonical = true, ""
				d.Index = s.listingView(l, d.Root, true)
				return d, nil
			}))
	}
	return pages
}

// searchShards are the search data of a paginated timeline: one file per
// listing page with its own events' sentences, loaded by that page only.
// A shard's events are its page's, so a new article changes the shards of
// the pages it changes and no other.
func (s *site) searchShards() []Page {
	var pages []Page
	for _, l := range append([]*listing{s.paged.latest}, s.paged.pages...) {
		pages = append(pages, Page{Path: searchShard(l), Key: s.shardKey(l), Render: func(w io.Writer) error {
			return s.writeSearch(w, l.events)
		}})
	}
	return pages
}

// listingKey hashes what a listing page shows: its settings, its kind and
// its digest (listingDigest), which the page and its embed counterpart share,
// so the rows of a listing are hashed once per plan, not once per page.
func (s *site) listingKey(l *listing, kind string) string {
	if l.digest == nil {
		d := s.listingDigest(l)
		l.digest = &d
	}
	k := s.keys
	k.reset()
	k.str(s.cfgKey)
	k.str(kind)
	k.bytes(l.digest[:])
	return k.sum()
}

// listingDigest hashes a listing's place in the layout, its rows, and for
// the timeline page the years and their counts.
func (s *site) listingDigest(l *listing) [16]byte {
	k := s.keys
	k.reset()
	k.str(l.Path)
	k.str(l.Label)
	for _, n := range []*listing{l.year, l.prev, l.next} {
		if n == nil {
			k.list(-1)
			continue
		}
		k.list(1)
		k.str(n.Path)
		k.str(n.Label)
	}
	k.list(len(l.months))
	for _, m := range l.months {
		k.str(m.Path)
		k.str(m.Label)
		k.int(len(m.events))
	}
	if l == s.paged.latest {
		// The summary, the strip and the year list cover the whole timeline.
		k.int(len(s.tl.Events))
		k.int(len(s.tl.Articles))
		k.list(len(s.paged.years))
		for _, y := range s.paged.years {
			k.str(y.Path)
			k.str(y.Label)
			k.int(s.listed(y))
		}
	}
	k.list(len(l.events))
	var row [8]byte
	for _, e := range l.events {
		binary.LittleEndian.PutUint64(row[:], s.rowSum(int(e))) // rowKey's content, hashed (rowHashes)
		k.bytes(row[:])
	}
	return k.digest()
}

// rowKey writes what an event's row shows: its link, its entities and the
// articles it cites.
func (s *site) rowKey(k *keyWriter, i int) {
	k.linkTo(s, i)
	k.list(len(s.entitiesOf(i)))
	for _, id := range s.entitiesOf(i) {
		k.str(s.entities[id].Name)
		k.str(s.entities[id].Kind)
	}
	var buf [8]*timeline.Article
	cited := s.citedArticles(buf[:0], i)
	for _, a := range cited {
		k.str(a.Slug)
		k.str(citedLabel(a, cited))
	}
}

// shardKey hashes a search shard: its events' digests, which cover the IDs
// and sentences it holds (and more, so a shard may be rewritten with the same
// bytes when an event's title changes; its page changes then anyway). The
// sentences were hashed a second time here before.
func (s *site) shardKey(l *listing) string {
	k := s.keys
	k.reset()
	k.str(Version)
	k.str("search")
	k.list(len(l.events))
	for _, e := range l.events {
		k.bytes(s.eventDigest(int(e)))
	}
	return k.sum()
}
