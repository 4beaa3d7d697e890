// Package ingest reads articles: Markdown with YAML front matter, or raw text
// (PDF or web copy) with a sidecar NAME.yaml, cleaned for the extractors with a
// map from the cleaned text back to the original byte offsets.
//
// Every error is an *Error naming the file and, where one is known, the line.
// No input makes ingest panic (see the fuzz targets).
package ingest

import (
	"io/fs"
	"path/filepath"
	"strings"
	"time"

	"github.com/newsline/timeline/timeline"
)

// Options tune Parse and Load.
type Options struct {
	// Date is the publication date for articles that carry none of their own
	// (a .txt without sidecar date, `--date` on the command line). A date in
	// front matter or a sidecar wins over it.
	Date time.Time
	// IncludeDrafts keeps articles whose front matter says draft: true.
	IncludeDrafts bool
	// MaxBytes refuses larger files; 0 means DefaultMaxBytes (at most 1 GB).
	MaxBytes int64
	// OptionalDateDirs lists directories (as passed to Load) where a .txt
	// with neither sidecar nor Options.Date is skipped silently instead of
	// being an error: `build` reads seeds/ "where a sidecar gives the date".
	OptionalDateDirs []string
	// ParseFile, when set, replaces Parse for each file Load reads: a build
	// wraps Parse in a cache so unchanged articles are not parsed again.
	ParseFile func(path string, raw, sidecar []byte, opts Options) (timeline.Article, error)
	// ReadFile, when set, reads the regular files Load admits (not those
	// reached through a symlink) in place of afero.ReadFile, given what the
	// walk found of each (size, modification time): a build serves files
	// whose path, size and time are unchanged from its cache without opening
	// them. It returns the file's bytes, never nil.
	ReadFile func(path string, info fs.FileInfo) ([]byte, error)
	// Recall, when set, is asked first for each article file Load admits that
	// is a regular file (not a symlink) with, for raw text, a regular sidecar
	// or none: given what the walk found of the file and of its sidecar
	// (File.Raw and File.Sidecar are nil), it returns the article an earlier
	// run parsed from the same bytes, and ok. Load then takes that article
	// without opening the file or its sidecar. A build answers from a record
	// of each file's metadata (size, times, inode) as git's index does.
	Recall func(f File) (a timeline.Article, ok bool)
	// Remember, when set, is told of each article Load parsed from files
	// Recall could have been asked about, with the bytes read: what a later
	// Recall answers from.
	Remember func(f File, a timeline.Article)
	// Listing, when set, answers the walks of the folders from what earlier
	// Loads found, Lstat-ing again only the paths reported changed (see
	// Listing: a server with a file watcher). nil: every Load walks.
	Listing *Listing
	// Workers is how many files Load reads and parses at once (0 or 1: one).
	// The result does not depend on it; ParseFile, ReadFile, Recall and
	// Remember must be safe for concurrent use when it is above one.
	Workers int
}

// File is one article file as Load met it.
type File struct {
	Path        string
	Info        fs.FileInfo // what the walk found of it (its Lstat)
	SidecarInfo fs.FileInfo // the sidecar's (raw text only); nil when there is none
	Raw         []byte      // the bytes read (nil when asking Recall)
	Sidecar     []byte      // the sidecar's bytes read; nil when there is none
}

// hardMaxBytes caps MaxBytes: offset maps hold 32-bit offsets.
const hardMaxBytes = 1 << 30

func (o Options) maxBytes() int64 {
	if o.MaxBytes > 0 {
		return min(o.MaxBytes, hardMaxBytes)
	}
	return DefaultMaxBytes
}

// Parse reads one article from its path (for errors, the format and the
// default slug), its bytes, and for raw text the bytes of its sidecar
// NAME.yaml (nil if none). Formats: .md/.markdown (front matter required),
// .txt, and a path without extension (as "-" for standard input) read as text.
// The article keeps raw as its Raw and its Body shares raw's memory: the
// caller must not write to raw afterwards.
func Parse(path string, raw, sidecar []byte, opts Options) (a timeline.Article, err error) {
	// The YAML and Markdown parsers are third-party code: should one of them
	// panic on some input, report it as that file's error and keep the run
	// going. The fuzz targets call parse directly so such panics are found.
	defer func() {
		if r := recover(); r != nil {
			a, err = timeline.Article{Path: path, Raw: raw}, errorAt(path, 0, ErrFormat, "internal error while parsing (please report): %v", r)
		}
	}()
	return parse(path, raw, sidecar, opts)
}

func parse(path string, raw, sidecar []byte, opts Options) (timeline.Article, error) {
	a := timeline.Article{Path: path, Raw: raw}
	if err := checkBytes(path, raw, opts.maxBytes()); err != nil {
		return a, err
	}
	switch ext := strings.ToLower(filepath.Ext(path)); ext {
	case ".md", ".markdown":
		return parseMarkdown(a, opts)
	case ".txt", "":
		return parseText(a, sidecar, opts)
	default:
		return a, errorAt(path, 0, ErrFormat, "%q: want .md (Markdown with front matter) or .txt (raw text)", ext)
	}
}

func parseMarkdown(a timeline.Article, opts Options) (timeline.Article, error) {
	fm, bodyStart, err := splitFrontMatter(a.Path, a.Raw)
	if err != nil {
		return a, err
	}
	meta, hasDate, err := decodeMeta(a.Path, fm, 2)
	if err != nil {
		return a, err
	}
	if !hasDate && opts.Date.IsZero() {
		return a, errorAt(a.Path, 1, ErrNoDate, "front matter needs date: YYYY-MM-DD (the publication date)")
	}
	a.Meta = withDate(meta, hasDate, opts)
	a.Format = "markdown"
	a.Body = bodyOf(a.Raw, bodyStart)
	c, headline := markdownText(a.Raw, bodyStart, true)
	a.Text, a.Offsets, a.SetAside, a.Headline = ownedString(c.text), c.offsets, c.setAside, headline // c.text is ours alone
	a.Slug, err = slugFor(a.Path, meta.Slug)
	return a, err
}

func parseText(a timeline.Article, sidecar []byte, opts Options) (timeline.Article, error) {
	var meta timeline.Meta
	hasDate := false
	if sidecar != nil {
		sp := SidecarPath(a.Path)
		if err := checkBytes(sp, sidecar, maxFrontMatter); err != nil {
			return a, err
		}
		var err error
		if meta, hasDate, err = decodeMeta(sp, sidecar, 1); err != nil {
			return a, err
		}
	}
	if !hasDate && opts.Date.IsZero() {
		if sidecar != nil {
			return a, errorAt(SidecarPath(a.Path), 1, ErrNoDate, "the sidecar needs date: YYYY-MM-DD (or pass --date)")
		}
		return a, errorAt(a.Path, 0, ErrNoDate, "add %s with date: YYYY-MM-DD, or pass --date", filepath.Base(SidecarPath(a.Path)))
	}
	a.Meta = withDate(meta, hasDate, opts)
	a.Format = "text"
	a.Body = bodyOf(a.Raw, 0)
	c := cleanText(a.Raw, 0, true)
	a.Text, a.Offsets, a.SetAside = ownedString(c.text), c.offsets, c.setAside // c.text is ours alone
	var err error
	a.Slug, err = slugFor(a.Path, meta.Slug)
	return a, err
}

// withDate fills the date from Options when the file gave none.
func withDate(m timeline.Meta, hasDate bool, opts Options) timeline.Meta {
	if !hasDate {
		m.Date = opts.Date
		m.DateText = opts.Date.Format(time.RFC3339)
		if opts.Date.Equal(opts.Date.Truncate(24 * time.Hour)) {
			m.DateText = opts.Date.Format("2006-01-02")
		}
	}
	return m
}

// slugFor returns the front matter slug (already validated) or one made
// from the file name.
func slugFor(path, fromMeta string) (string, error) {
	if fromMeta != "" {
		return fromMeta, nil
	}
	base := filepath.Base(path)
	if base == "-" {
		return "stdin", nil
	}
	if s := Slugify(strings.TrimSuffix(base, filepath.Ext(base)), maxSlug); s != "" {
		return s, nil
	}
	return "", errorAt(path, 0, ErrUnsafeSlug, "no slug can be made from the file name; add slug: to the front matter or sidecar")
}

// SidecarPath is where the metadata of a raw text file lives: NAME.yaml.
func SidecarPath(path string) string {
	return strings.TrimSuffix(path, filepath.Ext(path)) + ".yaml"
}
