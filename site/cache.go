package site

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"

	"github.com/spf13/afero"

	"github.com/newsline/timeline/timeline"
)

// extractCache stores one JSON file per article extraction, named by the hash of
// everything the extraction reads (the tool version, the article's path, slug,
// metadata and raw bytes). A changed article gets a new name, so entries are never
// overwritten with different content; unreadable entries count as misses.
type extractCache struct {
	fs      afero.Fs
	dir     string
	version string
	read    bool // false with NoCache: always extract, still write
}

type cacheEntry struct {
	Version string           `json:"version"`
	Path    string           `json:"path"`
	Events  []timeline.Event `json:"events"`
}

// articleKey hashes what the extraction of a depends on. Meta stands in for the
// sidecar and the --date option (both only reach extraction through Meta).
func articleKey(version string, a timeline.Article) string {
	h := sha256.New()
	for _, s := range []string{version, a.Path, a.Slug, a.Format} {
		io.WriteString(h, s)
		h.Write([]byte{0})
	}
	if meta, err := json.Marshal(a.Meta); err == nil {
		h.Write(meta)
	} else {
		fmt.Fprintf(h, "%#v", a.Meta) // fmt prints maps sorted: still deterministic
	}
	h.Write([]byte{0})
	h.Write(a.Raw)
	return hex.EncodeToString(h.Sum(nil))
}

func (c *extractCache) file(key string) string {
	return filepath.Join(c.dir, key[:2], key+".json")
}

// get returns the cached events for key; ok is false on a miss. A corrupt
// entry is a miss plus a warning.
func (c *extractCache) get(key string) (events []timeline.Event, ok bool, warn string) {
	if !c.read {
		return nil, false, ""
	}
	data, err := afero.ReadFile(c.fs, c.file(key))
	if err != nil {
		return nil, false, ""
	}
	var e cacheEntry
	if err := json.Unmarshal(data, &e); err != nil || e.Version != c.version {
		return nil, false, fmt.Sprintf("%s: unreadable cache entry, extracting again", c.file(key))
	}
	return e.Events, true, ""
}

func (c *extractCache) put(key, path string, events []timeline.Event) error {
	data, err := json.Marshal(cacheEntry{Version: c.version, Path: path, Events: events})
	if err != nil {
		return fmt.Errorf("%s: caching events: %w", path, err)
	}
	name := c.file(key)
	if err := c.fs.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		return fmt.Errorf("cache: %w", err)
	}
	// Write then rename, so a killed build never leaves a truncated entry behind.
	tmp := name + ".tmp"
	if err := afero.WriteFile(c.fs, tmp, data, 0o644); err != nil {
		return fmt.Errorf("cache: %w", err)
	}
	if err := c.fs.Rename(tmp, name); err != nil {
		return fmt.Errorf("cache: %w", err)
	}
	return nil
}
