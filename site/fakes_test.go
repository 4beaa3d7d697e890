package site

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync/atomic"
	"time"

	"github.com/spf13/afero"

	"github.com/newsline/timeline/timeline"
)

// fakePipeline is a small, honest stand-in for the real stages: it reads files,
// makes one event per non-empty line, and plans one page per article plus an
// index, keyed on the data and a "template" file. It counts the work done so
// tests can tell what was extracted and rendered.
type fakePipeline struct {
	extracted  atomic.Int64
	rendered   atomic.Int64
	extraPages []Page // planned after the others
}

func (f *fakePipeline) stages() Stages {
	return Stages{Load: f.load, Extract: f.extract, Merge: f.merge, Overrides: f.overrides, Plan: f.plan}
}

func (f *fakePipeline) load(fs afero.Fs, dirs []string, _ time.Time) ([]timeline.Article, []error) {
	var arts []timeline.Article
	var errs []error
	for _, dir := range dirs {
		_ = afero.Walk(fs, dir, func(p string, info os.FileInfo, err error) error {
			if err != nil || info.IsDir() || !strings.HasSuffix(p, ".txt") {
				return err
			}
			raw, _ := afero.ReadFile(fs, p)
			if strings.HasPrefix(string(raw), "BAD") {
				errs = append(errs, fmt.Errorf("%s:1: bad front matter", p))
				return nil
			}
			slug := strings.TrimSuffix(filepath.Base(p), ".txt")
			arts = append(arts, timeline.Article{Path: p, Slug: slug, Raw: raw, Text: string(raw), Meta: timeline.Meta{Title: slug}})
			return nil
		})
	}
	return arts, errs
}

func (f *fakePipeline) extract(a timeline.Article) []timeline.Event {
	f.extracted.Add(1)
	if strings.Contains(a.Text, "PANIC") {
		panic("extractor exploded")
	}
	var evs []timeline.Event
	for _, line := range strings.Split(a.Text, "\n") {
		if line = strings.TrimSpace(line); line != "" {
			d, _ := timeline.ParseDate("2024-06-14")
			evs = append(evs, timeline.Event{Title: line, Start: d, Mentions: []timeline.Mention{{Article: a.Slug, Source: a.Path}}})
		}
	}
	return evs
}

func (f *fakePipeline) merge(arts []timeline.Article, per [][]timeline.Event) timeline.Timeline {
	tl := timeline.Timeline{Articles: arts}
	for _, evs := range per {
		tl.Events = append(tl.Events, evs...)
	}
	sort.SliceStable(tl.Events, func(i, j int) bool { return tl.Events[i].Title < tl.Events[j].Title })
	for i := range tl.Events {
		tl.Events[i].ID = fmt.Sprintf("e%d", i)
	}
	return tl
}

// overrides: each line of overrides.yaml "hide: TITLE" hides events with that title;
// a title matching nothing is an error, like the real overrides.
func (f *fakePipeline) overrides(fs afero.Fs, content string, tl *timeline.Timeline) []error {
	name := filepath.Join(content, "overrides.yaml")
	data, err := afero.ReadFile(fs, name)
	if err != nil {
		return nil
	}
	var errs []error
	for n, line := range strings.Split(string(data), "\n") {
		title, ok := strings.CutPrefix(line, "hide: ")
		if !ok {
			continue
		}
		kept := tl.Events[:0]
		for _, e := range tl.Events {
			if e.Title != title {
				kept = append(kept, e)
			}
		}
		if len(kept) == len(tl.Events) {
			errs = append(errs, fmt.Errorf("%s:%d: hide %q matches no event", name, n+1, title))
		}
		tl.Events = kept
	}
	return errs
}

func (f *fakePipeline) plan(fs afero.Fs, content string, tl timeline.Timeline) ([]Page, error) {
	tmpl, _ := afero.ReadFile(fs, filepath.Join(content, "template.tmpl"))
	byArticle := map[string][]string{}
	var all []string
	for _, e := range tl.Events {
		byArticle[e.Mentions[0].Article] = append(byArticle[e.Mentions[0].Article], e.Title)
		all = append(all, e.Title)
	}
	pages := []Page{f.page("index.html", string(tmpl), all)}
	for _, a := range tl.Articles {
		pages = append(pages, f.page("articles/"+a.Slug+"/index.html", string(tmpl), byArticle[a.Slug]))
	}
	return append(pages, f.extraPages...), nil
}

func (f *fakePipeline) page(path, tmpl string, lines []string) Page {
	body := tmpl + "\n" + strings.Join(lines, "\n") + "\n"
	sum := sha256.Sum256([]byte(path + "\x00" + body))
	return Page{Path: path, Key: hex.EncodeToString(sum[:8]), Render: func(w io.Writer) error {
		f.rendered.Add(1)
		if strings.Contains(body, "RENDERFAIL") {
			return fmt.Errorf("template: boom")
		}
		_, err := io.WriteString(w, body)
		return err
	}}
}
