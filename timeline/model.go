package timeline

import (
	"slices"
	"time"
)

// Meta is an article's front matter (or its sidecar NAME.yaml for raw text).
type Meta struct {
	Title     string         `yaml:"title" json:"title"`
	Date      time.Time      `yaml:"-" json:"date"` // publication date (UTC midnight when only a day was given)
	DateText  string         `yaml:"date" json:"-"` // the date as written, for error messages
	Source    string         `yaml:"source" json:"source,omitempty"`
	Author    string         `yaml:"author" json:"author,omitempty"`
	Publisher string         `yaml:"publisher" json:"publisher,omitempty"`
	Tags      []string       `yaml:"tags" json:"tags,omitempty"`
	Draft     bool           `yaml:"draft" json:"draft,omitempty"`
	Slug      string         `yaml:"slug" json:"slug,omitempty"`
	Sample    bool           `yaml:"sample" json:"sample,omitempty"` // sample content written for the demo
	Extra     map[string]any `yaml:"-" json:"extra,omitempty"`       // unknown keys, kept not rejected
}

// Span is a half-open range [Start, End) of UTF-8 byte offsets.
type Span struct {
	Start int `json:"start"`
	End   int `json:"end"`
}

// Len is the number of bytes in the span.
func (s Span) Len() int { return s.End - s.Start }

// OffsetMap maps byte offsets of an article's cleaned Text back to byte offsets
// in the file as given, so every event can point at its source.
type OffsetMap interface {
	// Original returns the offset in the original file of the cleaned-text offset i.
	Original(i int) int
}

// Article is one ingested source document.
type Article struct {
	Path     string    // path of the file as given (relative to the content root when built)
	Slug     string    // URL-safe identifier, unique in a build
	Meta     Meta      // front matter or sidecar
	Format   string    // "markdown" or "text"
	Raw      []byte    // the file as given
	Body     string    // the body as given (Markdown source, or raw text), for rendering
	Text     string    // cleaned plain text the extractors read: paragraphs joined, hyphenation undone
	Offsets  OffsetMap // Text offsets -> Raw offsets
	SetAside []Span    // spans of Raw that are not body text (captions, bare URLs, "Related article:" lines)
	Headline string    // headline found in the text, if any (else Meta.Title is used)
}

// TimexType is the TIMEX3 type of a temporal expression.
type TimexType string

// The four TIMEX3 types.
const (
	TypeDate     TimexType = "DATE"
	TypeTime     TimexType = "TIME"
	TypeDuration TimexType = "DURATION"
	TypeSet      TimexType = "SET"
)

// Anchor tells what a value was resolved against.
type Anchor int

// Anchors: the text itself, the publication date, or the narrative's last date.
const (
	AnchorAbsolute    Anchor = iota // the expression carries its own full value ("12 June 2024")
	AnchorPublication               // relative to the publication date ("yesterday", "last year")
	AnchorNarrative                 // relative to the last resolved date ("the next day")
)

// Timex is one temporal expression found in a text and normalised like TimeML's TIMEX3.
type Timex struct {
	Span             // byte offsets into the text that was resolved
	Text   string    // the expression as it appears
	Type   TimexType // DATE, TIME, DURATION or SET
	Value  string    // TIMEX3 value: "2023-09", "P44D", "PRESENT_REF", "XXXX-XX-XX"
	Date   Date      // for DATE and TIME values that name a span; zero otherwise
	Anchor Anchor    // what the value was resolved against
	// Known lists the components the text stated ("year", "month", "day", "weekday"...),
	// as opposed to those implied by the anchor: precision is never invented.
	Known []string
	// RangeEnd is set on the first expression of a range ("between 2018 and 2020",
	// "from May to July 2019", "2018–2020") and holds the value of its last one.
	RangeEnd *Date
}

// Mention is one place in one article that tells of an event.
type Mention struct {
	Article   string // article slug
	Source    string // article path as given
	Sentence  Span   // the sentence, in original-file byte offsets
	Text      string // the sentence, cleaned
	Timex     *Span  // the date expression, in original-file byte offsets; nil when the date is carried
	TimexText string // the date expression as written, if any
}

// EntityKind classifies a named entity for filtering.
type EntityKind string

// Entity kinds.
const (
	Person       EntityKind = "person"
	Place        EntityKind = "place"
	Organisation EntityKind = "organisation"
)

// Entity is a person, place or organisation an event names.
type Entity struct {
	Name string     `json:"name"`
	Kind EntityKind `json:"kind"`
}

// Event is a dated happening, merged from one or more mentions.
type Event struct {
	ID       string    // stable across rebuilds; used in permalinks
	Title    string    // short headline, at most about 80 characters
	Start    Date      // first (or only) date
	End      *Date     // last date of a range, if any
	Lead     bool      // the article's own news, dated at publication
	Manual   bool      // added by an editor override
	Mentions []Mention // where it is told, in article then offset order
	Entities []Entity  // people, places and organisations named
}

// Timeline is the merged result of a build.
type Timeline struct {
	Events   []Event   // sorted by Start, then Title, then ID
	Articles []Article // sorted by publication date, then slug
}

// Changes tells the stages after merging which events of a timeline are the
// same as in the previous build, so an incremental build can reuse what it
// derived from them (page keys, export fragments) instead of recomputing it
// for the whole site.
type Changes struct {
	// Known is false when there is no previous build to compare with (a first
	// build, --no-cache, a new tool version): every event counts as changed.
	Known bool
	// Changed holds, sorted, the IDs of the events that are new or differ in
	// any field from the previous build's event with the same ID.
	Changed []string
	// Removed holds, sorted, the IDs of the previous build's events that are gone.
	Removed []string
}

// Same reports whether the event with this ID is unchanged since the previous
// build: known, and neither changed nor removed.
func (c *Changes) Same(id string) bool {
	if c == nil || !c.Known {
		return false
	}
	if _, found := slices.BinarySearch(c.Changed, id); found {
		return false
	}
	_, found := slices.BinarySearch(c.Removed, id)
	return !found
}
