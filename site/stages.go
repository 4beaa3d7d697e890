package site

import (
	"errors"
	"fmt"
	iofs "io/fs"
	"path/filepath"
	"time"

	"github.com/spf13/afero"
	"github.com/zeebo/xxh3"

	"github.com/newsline/timeline/render"
	"github.com/newsline/timeline/timeline"
	"github.com/newsline/timeline/timeline/events"
	"github.com/newsline/timeline/timeline/ingest"
	"github.com/newsline/timeline/timeline/merge"
	"github.com/newsline/timeline/timeline/overrides"
)

// OverridesFile is the editor's corrections file inside the content folder.
const OverridesFile = "overrides.yaml"

// DefaultStages are the real pipeline packages. ExtractAll is left nil: a
// caller that replaces Extract in these stages must see its Extract used, and
// an ExtractAll set here would bypass it (withDefaults puts events.ExtractAll
// beside the default Extract only when both are left nil).
func DefaultStages() Stages {
	return Stages{
		Load:      loadArticles,
		Extract:   events.Extract,
		Merge:     merge.Merge,
		Overrides: applyOverrides,
		Plan:      planPages,
	}
}

// loadArticles reads content/ and seeds/; a raw text in seeds/ without a date
// is skipped (seeds are read "where a sidecar gives the date").
func loadArticles(fs afero.Fs, dirs []string, date time.Time) ([]timeline.Article, []error) {
	return loadArticlesWith(fs, dirs, date, nil, nil, 1)
}

// loadArticlesWith is loadArticles with parse in place of ingest.Parse and read
// in place of reading each file (nil: ingest's own), on workers goroutines;
// Build passes the parse cache (articlecodec.go) and the file cache
// (rawcache.go), both safe for concurrent use.
func loadArticlesWith(fs afero.Fs, dirs []string, date time.Time, parse func(string, []byte, []byte, ingest.Options) (timeline.Article, error),
	read func(string, iofs.FileInfo) ([]byte, error), workers int) ([]timeline.Article, []error) {
	opts := ingest.Options{Date: date, ParseFile: parse, ReadFile: read, Workers: workers}
	if len(dirs) > 1 {
		opts.OptionalDateDirs = dirs[1:]
	}
	return ingest.Load(fs, dirs, opts)
}

// applyOverrides reads content/overrides.yaml, if there is one, and applies it.
func applyOverrides(fs afero.Fs, contentDir string, tl *timeline.Timeline) []error {
	return trackOverrides(fs, contentDir, tl).errs
}

// appliedOverrides is what applying the overrides did, for an incremental plan.
type appliedOverrides struct {
	digest  string   // of the overrides file's bytes; "" when there is none, "?" when unreadable
	touched []string // sorted IDs of the events the entries touched
	errs    []error
	// warnings: entries naming a moved event's old ID, applied to its new one
	warnings []string
}

// trackOverrides is applyOverrides telling which events the overrides
// touched and which file it applied.
func trackOverrides(fs afero.Fs, contentDir string, tl *timeline.Timeline) appliedOverrides {
	return trackOverridesMoved(fs, contentDir, tl, idRecord{})
}

// trackOverridesMoved is trackOverrides with an entry that names an ID no
// event has, but that a moved event had, applied to that event's new ID
// with a warning (redirects.go, remapMovedIDs); prev is the previous site's
// record of IDs.
func trackOverridesMoved(fs afero.Fs, contentDir string, tl *timeline.Timeline, prev idRecord) appliedOverrides {
	name := filepath.Join(contentDir, OverridesFile)
	data, err := afero.ReadFile(fs, name)
	if errors.Is(err, iofs.ErrNotExist) {
		return appliedOverrides{}
	}
	if err != nil {
		return appliedOverrides{digest: "?", errs: []error{fmt.Errorf("%s: %w", name, err)}}
	}
	digest := fmt.Sprintf("%x", xxh3.Hash128(data).Bytes())
	// A bad entry stops nothing else (the shipped overrides.yaml says so):
	// Parse returns the good entries beside its errors, and they apply. Its
	// errors come joined; each is one error of the build, one line of the
	// report and one in its count.
	file, err := overrides.Parse(name, data)
	var errs []error
	if joined, ok := err.(interface{ Unwrap() []error }); ok {
		errs = joined.Unwrap()
	} else if err != nil {
		errs = []error{err}
	}
	if file == nil {
		return appliedOverrides{digest: digest, errs: errs}
	}
	warns := remapMovedIDs(file, tl, prev)
	touched, applyErrs := file.ApplyTracked(tl)
	return appliedOverrides{digest: digest, touched: touched, errs: append(errs, applyErrs...), warnings: warns}
}

// planPages reads the site settings and lists the pages.
func planPages(fs afero.Fs, contentDir string, tl timeline.Timeline) ([]Page, error) {
	cfg, err := render.LoadConfig(fs, contentDir)
	if err != nil {
		return nil, err
	}
	planned, err := render.Plan(tl, cfg)
	if err != nil {
		return nil, err
	}
	return sitePages(planned), nil
}

// sitePages converts render's pages to the build's.
func sitePages(planned []render.Page) []Page {
	pages := make([]Page, len(planned))
	for i, p := range planned {
		pages[i] = Page{Path: p.Path, Key: p.Key, Render: p.Render}
	}
	return pages
}

// extractEach is ExtractAll for an extractor of one article: extract called
// article by article, a panic given to failed (when not nil).
func extractEach(extract func(timeline.Article) []timeline.Event) func([]timeline.Article, func(int, any)) [][]timeline.Event {
	return func(arts []timeline.Article, failed func(int, any)) [][]timeline.Event {
		out := make([][]timeline.Event, len(arts))
		for i, a := range arts {
			if failed == nil {
				out[i] = extract(a)
				continue
			}
			func() {
				defer func() {
					if p := recover(); p != nil {
						out[i] = nil
						failed(i, p)
					}
				}()
				out[i] = extract(a)
			}()
		}
		return out
	}
}

// extractOneOf is Extract for an ExtractAll: one article's events, a panic
// going on.
func extractOneOf(all func([]timeline.Article, func(int, any)) [][]timeline.Event) func(timeline.Article) []timeline.Event {
	return func(a timeline.Article) []timeline.Event {
		return all([]timeline.Article{a}, nil)[0]
	}
}

func (s Stages) withDefaults() Stages {
	d := DefaultStages()
	if s.Load == nil {
		s.Load = d.Load
		s.parseCache = true
	}
	switch {
	case s.Extract == nil && s.ExtractAll == nil:
		s.Extract, s.ExtractAll = d.Extract, events.ExtractAll
	case s.Extract == nil:
		s.Extract = extractOneOf(s.ExtractAll)
	case s.ExtractAll == nil:
		s.ExtractAll = extractEach(s.Extract)
	}
	if s.Merge == nil {
		s.Merge = d.Merge
		s.realMerge = true
	}
	if s.Overrides == nil {
		s.Overrides = d.Overrides
		s.trackedOverrides = true
	}
	if s.Plan == nil {
		s.Plan = d.Plan
	}
	return s
}
