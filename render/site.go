package render

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/newsline/timeline/templates"
	"github.com/newsline/timeline/timeline"
)

// Version is part of every page Key. Bump it when a change to this package's Go
// code changes output bytes (template and asset changes are hashed on their own).
const Version = "render-1"

// site is a timeline prepared for rendering: lookups built once, shared by pages.
type site struct {
	tl            timeline.Timeline
	cfg           Config
	articles      map[string]int          // slug -> index in tl.Articles
	entities      []entityRef             // every entity, sorted by kind then name
	entityIdx     map[timeline.Entity]int // entity -> index in entities
	highlights    map[string][]highlight  // article slug -> dated expressions to mark
	articleEvents map[string][]int        // article slug -> indexes of the events it reports, in order
	cfgKey        string                  // hash of the settings and templates
	tlKey         string                  // hash of the whole timeline
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
}

func newSite(tl timeline.Timeline, cfg Config) (*site, error) {
	cfg = cfg.withDefaults()
	if cfg.BaseURL != "" {
		base, err := normaliseBaseURL(cfg.BaseURL)
		if err != nil {
			return nil, fmt.Errorf("render: base URL: %w", err)
		}
		cfg.BaseURL = base
	}
	s := &site{tl: tl, cfg: cfg, articles: make(map[string]int, len(tl.Articles))}
	if err := s.checkNames(); err != nil {
		return nil, err
	}
	s.indexEntities()
	s.indexHighlights()
	ver, err := templateVersion()
	if err != nil {
		return nil, err
	}
	s.cfgKey = hashOf(Version, ver, cfg)
	s.tlKey = hashOf(s.cfgKey, timelineDigest(tl))
	return s, nil
}

// checkNames refuses IDs and slugs that cannot be a folder name, and duplicates.
// Ingest and merge should never produce them; this is the last guard before a
// name becomes a path.
func (s *site) checkNames() error {
	for i, a := range s.tl.Articles {
		if !segmentOK.MatchString(a.Slug) {
			return fmt.Errorf("render: %s: article slug %q is not a safe folder name", a.Path, a.Slug)
		}
		if j, dup := s.articles[a.Slug]; dup {
			return fmt.Errorf("render: %s and %s share the slug %q", s.tl.Articles[j].Path, a.Path, a.Slug)
		}
		s.articles[a.Slug] = i
	}
	ids := make(map[string]bool, len(s.tl.Events))
	for _, ev := range s.tl.Events {
		if !segmentOK.MatchString(ev.ID) {
			return fmt.Errorf("render: event %q (%q) has an ID that is not a safe folder name", ev.ID, ev.Title)
		}
		if ids[ev.ID] {
			return fmt.Errorf("render: two events share the ID %q", ev.ID)
		}
		ids[ev.ID] = true
	}
	return nil
}

func (s *site) indexEntities() {
	counts := map[timeline.Entity]int{}
	for _, ev := range s.tl.Events {
		for _, en := range uniqueEntities(ev.Entities) {
			counts[en]++
		}
	}
	s.entities = make([]entityRef, 0, len(counts))
	for en, n := range counts {
		s.entities = append(s.entities, entityRef{Name: en.Name, Kind: string(en.Kind), Count: n})
	}
	sort.Slice(s.entities, func(i, j int) bool {
		a, b := s.entities[i], s.entities[j]
		if a.Kind != b.Kind {
			return a.Kind < b.Kind
		}
		return a.Name < b.Name
	})
	s.entityIdx = make(map[timeline.Entity]int, len(s.entities))
	for i, e := range s.entities {
		s.entityIdx[timeline.Entity{Name: e.Name, Kind: timeline.EntityKind(e.Kind)}] = i
	}
}

// uniqueEntities drops duplicates and blank names, sorted by kind then name.
func uniqueEntities(in []timeline.Entity) []timeline.Entity {
	seen := map[timeline.Entity]bool{}
	var out []timeline.Entity
	for _, en := range in {
		en.Name = strings.TrimSpace(en.Name)
		if en.Name == "" || seen[en] {
			continue
		}
		seen[en] = true
		out = append(out, en)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Kind != out[j].Kind {
			return out[i].Kind < out[j].Kind
		}
		return out[i].Name < out[j].Name
	})
	return out
}

// indexHighlights collects, per article, the temporal expressions that date an
// event. An expression dating several events links to the first in timeline order.
func (s *site) indexHighlights() {
	s.highlights = map[string][]highlight{}
	s.articleEvents = map[string][]int{}
	seen := map[string]map[timeline.Span]bool{}
	for i, ev := range s.tl.Events {
		for _, m := range ev.Mentions {
			if list := s.articleEvents[m.Article]; len(list) == 0 || list[len(list)-1] != i {
				s.articleEvents[m.Article] = append(list, i)
			}
			if m.Timex == nil || m.Timex.Len() <= 0 {
				continue
			}
			if seen[m.Article] == nil {
				seen[m.Article] = map[timeline.Span]bool{}
			}
			if seen[m.Article][*m.Timex] {
				continue
			}
			seen[m.Article][*m.Timex] = true
			s.highlights[m.Article] = append(s.highlights[m.Article], highlight{Span: *m.Timex, EventID: ev.ID, Title: ev.Title})
		}
	}
	for slug := range s.highlights {
		h := s.highlights[slug]
		sort.SliceStable(h, func(i, j int) bool { return h[i].Span.Start < h[j].Span.Start })
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

// articleDigest is what an article contributes to the bytes of any page.
type articleDigest struct {
	Path, Slug, Format, Headline string
	Meta                         timeline.Meta
	Content                      string // hash of Raw, Body and Text
}

func digestArticle(a *timeline.Article) articleDigest {
	return articleDigest{Path: a.Path, Slug: a.Slug, Format: a.Format, Headline: a.Headline, Meta: a.Meta,
		Content: hashOf(a.Raw, a.Body, a.Text, a.SetAside)}
}

func timelineDigest(tl timeline.Timeline) string {
	arts := make([]articleDigest, len(tl.Articles))
	for i := range tl.Articles {
		arts[i] = digestArticle(&tl.Articles[i])
	}
	return hashOf(tl.Events, arts)
}
