package site

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/afero"

	"github.com/newsline/timeline/timeline"
	"github.com/newsline/timeline/timeline/merge"
)

// The merge cache (merge.Cache) keeps the scored pairs of event candidates
// between builds, so merging after adding one article scores only the pairs
// that involve it. Its result equals merge.Merge whatever the cache holds, as
// long as the merging code is the same: the file therefore starts with the tool
// version, and a cache of another version (or --no-cache, or a damaged file)
// starts empty. A cache that cannot be saved only costs time next build.

const mergeCacheMagic = "timeline-merge-cache-1\n"

func mergeCachePath(cacheDir string) string { return filepath.Join(cacheDir, "merge.cache") }

// loadMergeCache returns the previous build's merge cache, or an empty one and
// a warning saying why it could not be used (none when there simply is none).
func loadMergeCache(fs afero.Fs, opts Options) (*merge.Cache, string) {
	if opts.NoCache {
		return merge.NewCache(), ""
	}
	name := mergeCachePath(opts.CacheDir)
	data, err := afero.ReadFile(fs, name)
	if os.IsNotExist(err) {
		return merge.NewCache(), ""
	}
	if err != nil {
		return merge.NewCache(), fmt.Sprintf("%s: %v (merging every pair again)", name, err)
	}
	header := mergeCacheMagic + opts.Version + "\n"
	if !bytes.HasPrefix(data, []byte(header)) {
		return merge.NewCache(), "" // another tool version: its scores may differ
	}
	c, err := merge.DecodeCache(data[len(header):])
	if err != nil {
		return merge.NewCache(), fmt.Sprintf("%s: %v (merging every pair again)", name, err)
	}
	return c, ""
}

// saveMergeCache writes c for the next build (write, then rename).
func saveMergeCache(fs afero.Fs, opts Options, c *merge.Cache) error {
	name := mergeCachePath(opts.CacheDir)
	if err := fs.MkdirAll(opts.CacheDir, 0o755); err != nil {
		return fmt.Errorf("saving the merge cache: %w", err)
	}
	if err := writeParts(fs, name+".tmp", []byte(mergeCacheMagic+opts.Version+"\n"), c.Encode()); err != nil {
		return fmt.Errorf("saving the merge cache: %w", err)
	}
	if err := fs.Rename(name+".tmp", name); err != nil {
		return fmt.Errorf("saving the merge cache: %w", err)
	}
	return nil
}

// cachedMerge merges with the cache loaded from the cache folder and saves it
// back; it stands in for the Merge stage when that is the real merge.
func (b *builder) cachedMerge(articles []timeline.Article, perArticle [][]timeline.Event) timeline.Timeline {
	c, warning := loadMergeCache(b.fs, b.opts)
	if warning != "" {
		b.warn(warning)
	}
	tl := c.Merge(articles, perArticle)
	stats := c.Stats()
	b.sum.MergeReused, b.sum.MergeFull = stats.Reused, stats.Full
	if err := saveMergeCache(b.fs, b.opts, c); err != nil {
		b.warn(err.Error())
	}
	return tl
}

// writeParts writes the parts one after the other into a new file name: the
// encoded cache is large, and joining it to its header would copy it whole.
func writeParts(fs afero.Fs, name string, parts ...[]byte) error {
	f, err := fs.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return err
	}
	for _, p := range parts {
		if _, err := f.Write(p); err != nil {
			f.Close()
			return err
		}
	}
	return f.Close()
}
