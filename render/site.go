package render

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash"
	"hash/maphash"
	"io"
	"io/fs"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/newsline/timeline/render/datefmt"
	"github.com/newsline/timeline/render/export"
	"github.com/newsline/timeline/templates"
	"github.com/newsline/timeline/timeline"
)

// Version is part of every page Key. Bump it when a change to this package's Go
// code changes output bytes (template and asset changes are hashed on their own).
const Version = "render-5"

// site is a timeline prepared for rendering: lookups built once, shared by pages.
type site struct {
	tl                timeline.Timeline
	cfg               Config
	articles          map[string]int // slug -> index in tl.Articles
	cites             citations      // per event and mention: the cited article's index (resolveCitations)
	entities          []entityRef    // every entity, sorted by kind then name
	entityFlat        []int32        // the events' distinct entities, as sorted indexes into entities, one event after another (entitiesOf)
	entityEnds        []int32        // per event: the end of its entities in entityFlat
	articleEvents     [][]int32      // per article: indexes of the events it reports, in order
	contents          []string       // per article: digest of its text (contentDigest)
	heads             [][16]byte     // per article: digest of its metadata (headDigest)
	eventDigests      [][16]byte     // per digest slot (digestSlot): digest of the event and the metadata of the articles it cites
	linkDigests       [][16]byte     // per digest slot: digest of what a link to it shows (keyWriter.link)
	keys              *keyWriter     // reused for the Keys made on the planning goroutine (the parallel ones borrow keyWriters)
	chromes           sync.Map       // chromeKey -> chrome
	ld                eventLDWriter  // the event pages' JSON-LD writer, made on first use (exports.go)
	dates             fragments      // per event: its date (eventDate)
	dateHTMLs         dateHTMLs      // the dates' HTML by date (eventDate)
	entityItems       fragments      // per entity: its item in an event page's list (entityItem)
	citeTails         fragments      // per article: publisher and date after its title in a citation (citeTail)
	paged             *pagination    // the listing pages of a large timeline; nil for a small one
	cfgKey            string         // hash of the settings and templates
	tlKey             string         // hash of the whole timeline
	memo              *Memo          // the previous plan's, when Changes allow reusing it
	memoAt            []int32        // per event: its record in memo, whose digests it reused; negative none, -1-slot from digestEvents on (nil: no memo)
	slugIDs           bool           // every event ID passes export.IsSlugID (checkNames)
	pathAll           string         // the events' page paths, one after another (eventPaths, path)
	pathEnds          []int32        // per event: the end of its page's path in pathAll
	rowSums           []uint64       // per event, or per digest slot when rowsFromMemo: hash of its listing row (rowHashes, rowSum)
	rowsFromMemo      bool           // the row hashes of the events reusing their memo record are the memo's (rowHashes)
	keyFromMemo       []bool         // per event: its page Key is the memo's (memoKey); nil without a memo
	bufs              *planArrays    // where the per-event arrays above come from (Config.Buffers); see lent
	rowCache          *rowCache      // Config.Buffers' rows, kept for the next plan's pages; nil without Buffers
	rowsPrev          rowMap         // the rows of rowCache this plan's pages may reuse
	twins             twinBudget     // the plain pages' rows held for their embed pages (rowTwin)
	absOnce           sync.Once      // computes absPrefix (absBase)
	absPrefix         string         // the base URL resolved, before a plain path
	absFast           bool           // absPrefix is usable
	stats             PlanStats
	keysReused        atomic.Int64 // event pages whose Key came from the memo
	articleKeysReused atomic.Int64 // article pages whose Key came from the memo
}

// entityRef is an entity in the filter table the script reads.
type entityRef struct {
	Name  string `json:"name"`
	Kind  string `json:"kind"`
	Count int    `json:"count"`
}

// highlight is one temporal expression in an article and the event it dates.
type highlight struct {
	Span    timeline.Span // original-file byte offsets
	EventID string
	Title   string
	seq     int // position in timeline order, which breaks ties
}

func newSite(tl timeline.Timeline, cfg Config) (*site, error) {
	return newSiteFrom(tl, cfg, nil, nil)
}

// newSiteFrom is newSite reusing prev's digests for the events ch says are
// unchanged (see Memo).
func newSiteFrom(tl timeline.Timeline, cfg Config, prev *Memo, ch *timeline.Changes) (*site, error) {
	cfg = cfg.withDefaults()
	if cfg.BaseURL != "" {
		base, err := normaliseBaseURL(cfg.BaseURL)
		if err != nil {
			return nil, fmt.Errorf("render: base URL: %w", err)
		}
		cfg.BaseURL = base
	}
	s := &site{tl: tl, cfg: cfg, bufs: cfg.Buffers.arrays(), articles: make(map[string]int, len(tl.Articles)), keys: newKeyWriter(),
		dates: newFragments("date", len(tl.Events)), citeTails: newFragments("cite-tail", len(tl.Articles))}
	if err := s.checkNames(); err != nil {
		return nil, err
	}
	s.cites = s.resolveCitations()
	ver, err := templateVersion()
	if err != nil {
		return nil, err
	}
	s.cfgKey = hashOf(Version, ver, cfg)
	if cfg.Buffers != nil {
		if rows, ok := cfg.Buffers.rows.begin(s.cfgKey); ok {
			s.rowCache, s.rowsPrev = &cfg.Buffers.rows, rows
		}
	}
	s.contents = make([]string, len(tl.Articles))
	s.heads = make([][16]byte, len(tl.Articles))
	inParallel(len(tl.Articles), func(lo, hi int) {
		k := borrowKeyWriter()
		defer returnKeyWriter(k)
		for i := lo; i < hi; i++ {
			s.contents[i] = contentDigest(k, &tl.Articles[i])
			s.heads[i] = headDigest(k, &tl.Articles[i])
		}
	})
	// The articles' event lists and the pagination read only the timeline
	// and the citations and write only their own fields and arrays: they
	// are made beside matchMemo and the entity index, which read neither
	// (a fifth of a warm plan's CPU, run one after the other before).
	paged := goDo(func() {
		s.indexArticleEvents()
		s.paged = s.paginate()
	})
	defer paged.wait() // even on a panic below: its arrays are the next plan's (lent)
	s.memoAt, s.stats.MemoRefuse = s.matchMemo(prev, ch)
	if s.memoAt != nil {
		s.memo, s.stats.MemoUsed = prev, true
		s.indexEntitiesFrom(prev)
	} else {
		s.indexEntities()
	}
	s.entityItems = newFragments("entity", len(s.entities))
	if p := paged.wait(); p != nil {
		panic(p)
	}
	s.stats.Events = len(tl.Events)
	s.eventDigests, s.linkDigests = s.digestEvents()
	s.rowSums = s.rowHashes()
	s.tlKey = s.timelineKey()
	return s, nil
}

// checkNames refuses IDs and slugs that cannot be a folder name, and duplicates.
// Ingest and merge should never produce them; this is the last guard before a
// name becomes a path.
func (s *site) checkNames() error {
	for i, a := range s.tl.Articles {
		if !safeSegment(a.Slug) {
			return fmt.Errorf("render: %s: article slug %q is not a safe folder name", a.Path, a.Slug)
		}
		if j, dup := s.articles[a.Slug]; dup {
			return fmt.Errorf("render: %s and %s share the slug %q", s.tl.Articles[j].Path, a.Path, a.Slug)
		}
		s.articles[a.Slug] = i
	}
	// The IDs lie scattered over the heap; copied once into the pages'
	// paths, one string in event order, the passes after this one (here,
	// matchMemo, the event pages, the memo) read them in order from there.
	s.eventPaths()
	ids := newIDSetIn(&s.lent().slots, len(s.tl.Events))
	s.slugIDs = true
	for i := range s.tl.Events {
		id := s.eventID(i)
		// Checked here, where the IDs are read anyway, for timeline.json;
		// a slug (lower-case letters, digits, inner dashes) of up to 200
		// bytes is a safe segment, which spares a second scan of nearly
		// every ID.
		slug := export.IsSlugID(id)
		s.slugIDs = s.slugIDs && slug
		if !(slug && len(id) <= maxSegment) && !safeSegment(id) {
			return fmt.Errorf("render: event %q (%q) has an ID that is not a safe folder name", id, s.tl.Events[i].Title)
		}
		if !ids.add(id, i, s.eventID) {
			return fmt.Errorf("render: two events share the ID %q", id)
		}
	}
	return nil
}

// eventID is tl.Events[i].ID, read from the event's page path (path).
func (s *site) eventID(i int) string {
	p := s.path(i)
	return p[len(eventDir) : len(p)-len(indexFile)]
}

// idSet finds a repeated event ID: an open-addressing table of the IDs'
// hashes, comparing two IDs only when their hashes match. A map of 116,000
// IDs was a sixth of a warm plan; a slot here is 8 bytes, one cache miss.
// The hash is seeded per process, so no set of IDs can be made to collide.
type idSet struct {
	seed  maphash.Seed
	slots []idSlot
}

// idSlot is a slot of idSet: 32 bits of the ID's hash and the index of its
// event + 1 (0: empty).
type idSlot struct{ tag, at uint32 }

func newIDSet(n int) *idSet {
	var slots []idSlot
	return newIDSetIn(&slots, n)
}

// newIDSetIn is newIDSet on the array in *buf (lend), emptied.
func newIDSetIn(buf *[]idSlot, n int) *idSet {
	size := 16
	for size < 2*n {
		size *= 2
	}
	slots := lend(buf, size)
	clear(slots)
	return &idSet{seed: maphash.MakeSeed(), slots: slots}
}

// add adds id, event i's; false when an event added before has it
// (idOf gives an event's ID).
func (t *idSet) add(id string, i int, idOf func(int) string) bool {
	h := maphash.String(t.seed, id)
	tag, mask := uint32(h>>32), uint64(len(t.slots)-1)
	for k := h & mask; ; k = (k + 1) & mask {
		sl := &t.slots[k]
		if sl.at == 0 {
			*sl = idSlot{tag: tag, at: uint32(i + 1)}
			return true
		}
		if sl.tag == tag && idOf(int(sl.at-1)) == id {
			return false
		}
	}
}

// indexEntities numbers the distinct entities (blank names dropped, names
// trimmed), counts the events naming each, and lists each event's entities as
// indexes into the sorted table: one map lookup per entity mention.
func (s *site) indexEntities() {
	ids := map[timeline.Entity]int32{}
	var found []timeline.Entity
	var counts []int
	ends := lend(&s.lent().entityEnds, len(s.tl.Events)) // every element set below
	total := 0
	for i := range s.tl.Events {
		total += len(s.tl.Events[i].Entities)
	}
	flat := lend(&s.lent().entities, total)[:0]
	for i := range s.tl.Events {
		start := len(flat)
		for _, en := range s.tl.Events[i].Entities {
			en.Name = strings.TrimSpace(en.Name)
			if en.Name == "" {
				continue
			}
			id, ok := ids[en]
			if !ok {
				id = int32(len(found))
				ids[en] = id
				found = append(found, en)
				counts = append(counts, 0)
			}
			if slices.Contains(flat[start:], id) {
				continue
			}
			flat = append(flat, id)
			counts[id]++
		}
		ends[i] = int32(len(flat))
	}
	order := make([]int32, len(found))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortFunc(order, func(a, b int32) int { return compareEntities(found[a], found[b]) })
	rank := make([]int32, len(found))
	s.entities = make([]entityRef, len(found))
	for r, id := range order {
		rank[id] = int32(r)
		s.entities[r] = entityRef{Name: found[id].Name, Kind: string(found[id].Kind), Count: counts[id]}
	}
	for j := range flat {
		flat[j] = rank[flat[j]]
	}
	s.entityFlat, s.entityEnds = flat, ends
	for i := range ends {
		slices.Sort(s.entitiesOf(i))
	}
}

// entitiesOf is event i's distinct entities, as sorted indexes into
// s.entities: a part of one array, capped. An end per event instead of a
// slice header per event spares a fresh plan 2.3 MB at 116,000 events.
func (s *site) entitiesOf(i int) []int32 {
	from := int32(0)
	if i > 0 {
		from = s.entityEnds[i-1]
	}
	to := s.entityEnds[i]
	return s.entityFlat[from:to:to]
}

func compareEntities(a, b timeline.Entity) int {
	if c := strings.Compare(string(a.Kind), string(b.Kind)); c != 0 {
		return c
	}
	return strings.Compare(a.Name, b.Name)
}

// indexArticleEvents lists, per article, the events it reports (in timeline
// order): every plan needs them for the article pages' Keys and memo
// checks. The expressions each article marks (highlights) are derived from
// these lists only for the article pages planned or rendered afresh: sorting
// them for all 10,000 articles was most of this pass.
func (s *site) indexArticleEvents() {
	s.articleEvents = lend(&s.lent().articleLists, len(s.tl.Articles)) // every element set by presizeArticleEvents
	s.presizeArticleEvents()
	for i := range s.tl.Events {
		for j := range s.tl.Events[i].Mentions {
			a := s.cites.of(i, j)
			if a < 0 {
				continue
			}
			if list := s.articleEvents[a]; len(list) == 0 || list[len(list)-1] != int32(i) {
				s.articleEvents[a] = append(list, int32(i))
			}
		}
	}
}

// highlights collects the temporal expressions of article a that date an
// event, by start offset. An expression dating several events links to the
// first in timeline order.
func (s *site) highlights(a int) []highlight {
	var hs []highlight
	for _, e := range s.articleEvents[a] {
		ev := &s.tl.Events[e]
		for j, m := range ev.Mentions {
			if s.cites.of(int(e), j) != a || m.Timex == nil || m.Timex.Len() <= 0 {
				continue
			}
			hs = append(hs, highlight{Span: *m.Timex, EventID: ev.ID, Title: ev.Title, seq: len(hs)})
		}
	}
	// Equal spans side by side, the first in timeline order first; keep it.
	slices.SortFunc(hs, func(x, y highlight) int {
		return cmp.Or(cmp.Compare(x.Span.Start, y.Span.Start), cmp.Compare(x.Span.End, y.Span.End), cmp.Compare(x.seq, y.seq))
	})
	hs = slices.CompactFunc(hs, func(x, y highlight) bool { return x.Span == y.Span })
	slices.SortFunc(hs, func(x, y highlight) int {
		return cmp.Or(cmp.Compare(x.Span.Start, y.Span.Start), cmp.Compare(x.seq, y.seq))
	})
	return hs
}

// presizeArticleEvents gives every article's event list its final capacity,
// carved from one shared array: growing 10,000 lists by appending copied
// them repeatedly.
func (s *site) presizeArticleEvents() {
	ne := lend(&s.lent().articleCounts, len(s.tl.Articles))
	clear(ne)
	total := 0
	for i := range s.tl.Events {
		for j := range s.tl.Events[i].Mentions {
			if a := s.cites.of(i, j); a >= 0 {
				ne[a]++ // an upper bound: an event counts once per article
				total++
			}
		}
	}
	es := lend(&s.lent().articleEvents, total)[:0]
	for a := range s.tl.Articles {
		s.articleEvents[a] = es[len(es) : len(es) : len(es)+int(ne[a])]
		es = es[:len(es)+int(ne[a])]
	}
}

// article returns the article with the slug, if the timeline has it.
func (s *site) article(slug string) (*timeline.Article, bool) {
	i, ok := s.articles[slug]
	if !ok {
		return nil, false
	}
	return &s.tl.Articles[i], true
}

// articleTitle follows the model: headline found in the text, else the front matter title.
func articleTitle(a *timeline.Article) string {
	for _, t := range []string{a.Headline, a.Meta.Title, a.Slug} {
		if t = strings.TrimSpace(t); t != "" {
			return t
		}
	}
	return a.Slug
}

// sourceLabel is the short name of an article in lists: its publisher, else its title.
func sourceLabel(a *timeline.Article) string {
	if p := strings.TrimSpace(a.Meta.Publisher); p != "" {
		return p
	}
	return articleTitle(a)
}

// citedLabel is the text of a timeline row's link to article a, one of the
// distinct articles the row cites (cited). It is sourceLabel, unless another
// of them has the same: two links with one text ("The Moscow Times, ..., The
// Moscow Times") to two articles told a reader, or a screen reader's list of
// links, nothing about which is which. Then the publication date is added,
// "The Moscow Times (14 June 2024)", or, when that is shared too (or
// unknown), the article's title.
func citedLabel(a *timeline.Article, cited []*timeline.Article) string {
	label := sourceLabel(a)
	if len(cited) < 2 {
		return label
	}
	same, sameDay := false, false
	day := publishedText(a)
	for _, o := range cited {
		if o == a || sourceLabel(o) != label {
			continue
		}
		same = true
		sameDay = sameDay || publishedText(o) == day
	}
	switch {
	case !same:
		return label
	case day != "" && !sameDay:
		return label + " (" + day + ")"
	}
	return label + " (" + articleTitle(a) + ")"
}

// publishedText is an article's publication date as pages show it, or "".
func publishedText(a *timeline.Article) string {
	if a.Meta.Date.IsZero() {
		return ""
	}
	return datefmt.Date(timeline.DateOf(a.Meta.Date))
}

// citedArticles appends to buf the distinct articles event i cites, in the
// order of its mentions (what its timeline row links to).
func (s *site) citedArticles(buf []*timeline.Article, i int) []*timeline.Article {
	for j := range s.tl.Events[i].Mentions {
		if a := s.cites.first(i, j); a >= 0 {
			buf = append(buf, &s.tl.Articles[a])
		}
	}
	return buf
}

// --- keys ---

var tmplVersion struct {
	once sync.Once
	sum  string
	err  error
}

// templateVersion hashes every embedded template and asset, so editing one
// changes every Key that depends on it.
func templateVersion() (string, error) {
	tmplVersion.once.Do(func() {
		h := sha256.New()
		tmplVersion.err = fs.WalkDir(templates.FS, ".", func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			data, err := templates.FS.ReadFile(p)
			if err != nil {
				return err
			}
			fmt.Fprintf(h, "%s\x00%d\x00", p, len(data))
			h.Write(data)
			return nil
		})
		tmplVersion.sum = hex.EncodeToString(h.Sum(nil))
	})
	return tmplVersion.sum, tmplVersion.err
}

// hashOf hashes values by their JSON encoding (deterministic: struct field
// order, sorted map keys). Strings are written as they are.
func hashOf(parts ...any) string {
	h := sha256.New()
	for _, p := range parts {
		writeHashPart(h, p)
	}
	return hex.EncodeToString(h.Sum(nil)[:12])
}

func writeHashPart(h hash.Hash, p any) {
	switch v := p.(type) {
	case string:
		io.WriteString(h, strconv.Itoa(len(v))+":"+v)
	case []byte:
		io.WriteString(h, strconv.Itoa(len(v))+":")
		h.Write(v)
	default:
		data, err := json.Marshal(v)
		if err != nil {
			data = []byte(fmt.Sprintf("%#v", v))
		}
		h.Write(data)
	}
	h.Write([]byte{0})
}

// digestEvents hashes every event once, with the metadata (not the text) of
// the articles it cites: the part of an event's page Key, the timeline's
// Key and the export fragments' keys that the event makes. It also hashes
// each event's link once (links): the pages linking to an event (its
// neighbours, listings, articles) hash those 16 bytes instead of its fields.
// An event the memo has (memoAt) reads both there (eventDigest, linkDigest),
// so only the others get a slot in out and links: copied for all 116,000
// events, the two arrays were 3.7 MB of memory a fresh process touched
// first (about 5 ms per MB). Event i's slot is i without a memo, else
// -1-memoAt[i], which numbers the events without a record here.
func (s *site) digestEvents() (out, links [][16]byte) {
	n := len(s.tl.Events)
	if s.memoAt != nil {
		n = 0
		for i, j := range s.memoAt {
			if j < 0 {
				s.memoAt[i] = int32(-1 - n)
				n++
			}
		}
		s.stats.Digests = len(s.memoAt) - n
	}
	out = lend(&s.lent().digests, n)
	links = lend(&s.lent().links, n)
	inParallel(len(s.tl.Events), func(lo, hi int) {
		k := borrowKeyWriter()
		defer returnKeyWriter(k)
		for i := lo; i < hi; i++ {
			if slot, fresh := s.digestSlot(i); fresh {
				out[slot], links[slot] = s.digestEvent(k, i)
			}
		}
	})
	return out, links
}

// digestSlot returns event i's slot in eventDigests and linkDigests, or
// false when its digests are its memo record's.
func (s *site) digestSlot(i int) (int, bool) {
	if s.memoAt == nil {
		return i, true
	}
	if j := s.memoAt[i]; j < 0 {
		return int(-1 - j), true
	}
	return 0, false
}

// eventDigest is event i's digest (digestEvents), 16 bytes to read only:
// they may be the memo's own.
func (s *site) eventDigest(i int) []byte {
	if slot, fresh := s.digestSlot(i); fresh {
		return s.eventDigests[slot][:]
	}
	return s.memo.digestBytes(int(s.memoAt[i]))
}

// linkDigest is event i's link digest (digestEvents), read only as
// eventDigest.
func (s *site) linkDigest(i int) []byte {
	if slot, fresh := s.digestSlot(i); fresh {
		return s.linkDigests[slot][:]
	}
	return s.memo.linkBytes(int(s.memoAt[i]))
}

// digestEvent hashes event i (see digestEvents).
func (s *site) digestEvent(k *keyWriter, i int) (digest, link [16]byte) {
	ev := &s.tl.Events[i]
	k.reset()
	k.event(ev)
	for j := range ev.Mentions {
		if a := s.cites.first(i, j); a >= 0 {
			k.bytes(s.heads[a][:])
		}
	}
	digest = k.digest()
	k.reset()
	k.link(ev)
	return digest, k.digest()
}

// timelineKey hashes the settings and everything in the timeline that a
// site-wide page (the timeline and embed pages, search.js) or export can
// show: the events (their digests cover the heads of the articles they
// cite) and every article's head. Not the articles' text (contentDigest):
// only an article's own page shows it, and its Key has it; with it here,
// an edit to an article's text that changes no event (a blank line
// appended) rewrote every export, 170 MB at 10,000 articles.
func (s *site) timelineKey() string {
	k := s.keys
	k.reset()
	k.str(s.cfgKey)
	k.list(len(s.tl.Events))
	for i := range s.tl.Events {
		k.bytes(s.eventDigest(i))
	}
	k.list(len(s.tl.Articles))
	for i := range s.tl.Articles {
		k.bytes(s.heads[i][:])
	}
	return k.sum()
}

// pageKey hashes a few strings: the Key of a page that depends on nothing else.
func (s *site) pageKey(parts ...string) string {
	k := s.keys
	k.reset()
	for _, p := range parts {
		k.str(p)
	}
	return k.sum()
}

// citations holds, for every mention of every event, the index of the article
// it cites in tl.Articles (-1 when the timeline has no such article): one map
// lookup per mention per plan, where the digests, highlights and listing
// keys each looked every mention's slug up again (at 10,000 articles those
// lookups were a tenth of an incremental build's CPU).
type citations struct {
	start []int32 // per event: where its mentions start in index; one more entry at the end
	index []int32
}

// resolveCitations looks every mention's article up once, on all CPUs.
func (s *site) resolveCitations() citations {
	c := citations{start: lend(&s.lent().citeStart, len(s.tl.Events)+1)}
	c.start[0] = 0
	for i := range s.tl.Events {
		c.start[i+1] = c.start[i] + int32(len(s.tl.Events[i].Mentions))
	}
	c.index = lend(&s.lent().citeIndex, int(c.start[len(s.tl.Events)]))
	slugs := newSlugTable(s.tl.Articles)
	inParallel(len(s.tl.Events), func(lo, hi int) {
		for i := lo; i < hi; i++ {
			for j := range s.tl.Events[i].Mentions {
				c.index[int(c.start[i])+j] = int32(slugs.find(s.tl.Events[i].Mentions[j].Article))
			}
		}
	})
	return c
}

// of is the index of the article that mention j of event i cites, or -1.
func (c citations) of(i, j int) int { return int(c.index[int(c.start[i])+j]) }

// ofEvent is of(i, j) for every mention j of event i, in order. Read only.
func (c citations) ofEvent(i int) []int32 { return c.index[c.start[i]:c.start[i+1]:c.start[i+1]] }

// first is of(i, j) when no earlier mention of event i cites the same
// article, else -1: each cited article counts once per event, as
// reportedBefore has it (slugs are unique, so equal slugs are equal indexes).
func (c citations) first(i, j int) int {
	row := c.index[c.start[i]:c.start[i+1]]
	a := row[j]
	if a < 0 || slices.Contains(row[:j], a) {
		return -1
	}
	return int(a)
}
