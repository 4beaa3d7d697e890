package events

import (
	"errors"
	"fmt"
	"os"

	"github.com/spf13/afero"

	"github.com/newsline/timeline/timeline"
	"github.com/newsline/timeline/timeline/ingest"
	"github.com/newsline/timeline/timeline/merge"
)

// ExtractFiles reads, cleans and extracts every file, then merges the events
// within and across them (what `timeline extract` prints). A raw text file's
// sidecar NAME.yaml is read when present. Every file that fails is reported;
// the others are still extracted.
func ExtractFiles(fsys afero.Fs, paths []string, opts ingest.Options) (timeline.Timeline, []error) {
	var (
		articles []timeline.Article
		per      [][]timeline.Event
		errs     []error
	)
	for _, p := range paths {
		a, err := readArticle(fsys, p, opts)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		articles = append(articles, a)
		per = append(per, Extract(a))
	}
	return merge.Merge(articles, per), errs
}

func readArticle(fsys afero.Fs, path string, opts ingest.Options) (timeline.Article, error) {
	raw, err := afero.ReadFile(fsys, path)
	if err != nil {
		return timeline.Article{}, fmt.Errorf("%s: %w", path, err)
	}
	var sidecar []byte
	if sp := ingest.SidecarPath(path); sp != path {
		sidecar, err = afero.ReadFile(fsys, sp)
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			return timeline.Article{}, fmt.Errorf("%s: %w", sp, err)
		}
	}
	return ingest.Parse(path, raw, sidecar, opts)
}
