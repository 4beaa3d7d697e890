// Package overrides reads the editor's corrections (content/overrides.yaml)
// and applies them to a merged timeline on every build: pin or correct a
// date, retitle, hide, merge events, add a manual event.
//
// The file is a YAML list. Each entry either selects one event and changes it,
// merges events, or adds one:
//
//	# content/overrides.yaml
//	- id: 3f9a0c12de          # select by ID ...
//	  date: 2020-09-27        # ... and pin its date (TIMEX3 value; `end:` for a range)
//	- match: ambassador       # select by a case-insensitive title substring ...
//	  on: 2024-06-13          # ... optionally only events dated within this (exactly this wins)
//	  title: Armenia recalls its ambassador to Belarus
//	- id: 0b1c2d3e4f
//	  hide: true
//	- merge: [3f9a0c12de, 77aa00bb11]   # the first ID survives; `title`/`date` may follow
//	- add:
//	    title: Harbour bridge reopens
//	    date: 2021-05-03
//	    source: https://example.org/report    # a URL or an article slug
//	    text: optional quotation shown as the source sentence
//
// Parsing reads the YAML syntax tree itself rather than decoding into Go
// types, so an ID such as 0123456789 or 12e4567890 stays the text the editor
// wrote (a YAML decoder would turn them into numbers), and every key keeps its
// line for error messages. Nothing in the file ever becomes a file path: IDs
// are checked against [a-z0-9-], slugs against [a-z0-9_-], URLs must be http(s).
package overrides

import (
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"unicode"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"

	"github.com/newsline/timeline/timeline"
)

// File is a parsed overrides file.
type File struct {
	Path    string
	Entries []Entry
}

// Entry is one override. Exactly one of: a selector (ID or Match) with
// changes, a Merge list (with optional changes to the result), or Add.
type Entry struct {
	Line  int            // line of the entry in the file
	ID    string         // select the event with this ID
	Match string         // or: select the one event whose title contains this (case-insensitive)
	On    *timeline.Date // with Match: only events dated within On; one dated exactly On wins

	Date  *timeline.Date // pin or correct the start date
	End   *timeline.Date // pin or correct the end date (a range)
	Title string         // retitle
	Hide  bool           // drop the event from the timeline

	Merge []string // IDs of events to merge into the first
	Add   *Manual  // a manual event
}

// Manual is an event the editor adds by hand.
type Manual struct {
	ID     string // optional; derived from source and title when empty
	Title  string
	Date   timeline.Date
	End    *timeline.Date
	Source string // http(s) URL, or the slug of an article of the build
	Text   string // optional quotation from the source
}

// Error is a problem at a place in the overrides file.
type Error struct {
	Path string
	Line int
	Err  error
}

func (e *Error) Error() string { return fmt.Sprintf("%s:%d: %v", e.Path, e.Line, e.Err) }
func (e *Error) Unwrap() error { return e.Err }

var (
	validID   = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,63}$`)
	validSlug = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,127}$`)
)

// MaxTitle is the longest title an override may set, in characters.
const MaxTitle = 200

// Parse reads an overrides file. An empty file, or one with comments only, has
// no entries. All problems are reported together, each as an *Error (joined
// with errors.Join when there are several). The File returned with them holds
// the entries that had no problem, so a caller may still apply those: a bad
// entry stops nothing else. After a YAML syntax error no entry is known and
// the File is nil.
func Parse(path string, data []byte) (*File, error) {
	f := &File{Path: path}
	tree, err := parser.ParseBytes(data, 0)
	if err != nil {
		return nil, yamlError(path, err)
	}
	var errs []error
	for _, doc := range tree.Docs {
		if doc == nil || doc.Body == nil {
			continue
		}
		if _, isComment := doc.Body.(*ast.CommentGroupNode); isComment {
			continue
		}
		seq, ok := doc.Body.(*ast.SequenceNode)
		if !ok {
			errs = append(errs, &Error{path, line(doc.Body), errors.New("overrides must be a YAML list of entries (each starting with \"- \")")})
			continue
		}
		for _, node := range seq.Values {
			e, entryErrs := parseEntry(node)
			for _, err := range entryErrs {
				errs = append(errs, &Error{path, err.line, err.err})
			}
			if len(entryErrs) == 0 {
				f.Entries = append(f.Entries, e)
			}
		}
	}
	if len(errs) > 0 {
		return f, errors.Join(errs...)
	}
	return f, nil
}

func yamlError(path string, err error) error {
	var ye yaml.Error
	if errors.As(err, &ye) && ye.GetToken() != nil {
		return &Error{path, ye.GetToken().Position.Line, errors.New(ye.GetMessage())}
	}
	return &Error{path, 1, err}
}

// lineError is a problem found while reading one entry.
type lineError struct {
	line int
	err  error
}

// field is one "key: value" of a mapping, with the key's line.
type field struct {
	key   string
	line  int
	value ast.Node
}

func parseEntry(node ast.Node) (Entry, []lineError) {
	e := Entry{Line: line(node)}
	fields, err := mappingFields(node)
	if err != nil {
		return e, []lineError{*err}
	}
	var errs []lineError
	fail := func(l int, format string, args ...any) {
		errs = append(errs, lineError{l, fmt.Errorf(format, args...)})
	}
	for _, fl := range fields {
		switch fl.key {
		case "id":
			e.ID = scalarOr(fl, fail)
			if e.ID != "" && !validID.MatchString(e.ID) {
				fail(fl.line, "id %q: an ID is lower-case letters, digits and '-'", e.ID)
			}
		case "match":
			e.Match = strings.TrimSpace(scalarOr(fl, fail))
			if e.Match == "" {
				fail(fl.line, "match: empty")
			}
		case "on":
			e.On = dateOr(fl, fail)
		case "date":
			e.Date = dateOr(fl, fail)
		case "end":
			e.End = dateOr(fl, fail)
		case "title":
			e.Title = titleOr(fl, fail)
		case "hide":
			e.Hide = boolOr(fl, fail)
		case "merge":
			e.Merge = idListOr(fl, fail)
		case "add":
			e.Add = manualOr(fl, func(l int, err error) { errs = append(errs, lineError{l, err}) })
		default:
			fail(fl.line, "unknown key %q (known: id, match, on, date, end, title, hide, merge, add)", fl.key)
		}
	}
	if len(errs) == 0 {
		if err := checkShape(e); err != nil {
			errs = append(errs, lineError{e.Line, err})
		}
	}
	return e, errs
}

// checkShape enforces one kind of entry and consistent dates.
func checkShape(e Entry) error {
	selectors := 0
	if e.ID != "" {
		selectors++
	}
	if e.Match != "" {
		selectors++
	}
	changes := e.Date != nil || e.End != nil || e.Title != "" || e.Hide
	switch {
	case e.Add != nil:
		if selectors > 0 || changes || e.Merge != nil || e.On != nil {
			return errors.New("an `add` entry takes nothing else (put the event's fields under `add:`)")
		}
		return nil
	case e.Merge != nil:
		if selectors > 0 || e.On != nil || e.Hide {
			return errors.New("a `merge` entry names its events in the list; it takes no id, match, on or hide")
		}
		if len(e.Merge) < 2 {
			return errors.New("merge: name at least two event IDs")
		}
		return checkRange(e.Date, e.End)
	case selectors != 1:
		return errors.New("an entry selects its event with exactly one of `id` or `match` (or is a `merge` or `add` entry)")
	case e.On != nil && e.Match == "":
		return errors.New("`on` narrows a `match`; it has no use with `id`")
	case !changes:
		return errors.New("the entry changes nothing: give date, end, title or hide")
	case e.Hide && (e.Date != nil || e.End != nil || e.Title != ""):
		return errors.New("hide: a hidden event takes no other change")
	}
	return checkRange(e.Date, e.End)
}

// checkRange refuses a range whose end starts before its start.
func checkRange(start, end *timeline.Date) error {
	if start != nil && end != nil && end.Start.Before(start.Start) {
		return fmt.Errorf("end %s is before date %s", end.Value, start.Value)
	}
	return nil
}

// mappingFields lists the keys of a mapping node; aliases, anchors, tags and
// merge keys are refused (they are not needed, and aliases can blow up).
func mappingFields(node ast.Node) ([]field, *lineError) {
	var values []*ast.MappingValueNode
	switch n := node.(type) {
	case *ast.MappingNode:
		values = n.Values
	case *ast.MappingValueNode:
		values = []*ast.MappingValueNode{n}
	default:
		return nil, &lineError{line(node), errors.New("an entry must be a mapping of keys (like `id:` and `title:`)")}
	}
	fields := make([]field, 0, len(values))
	seen := map[string]bool{}
	for _, mv := range values {
		key, ok := scalarText(mv.Key)
		if !ok || mv.Key.IsMergeKey() {
			return nil, &lineError{line(mv.Key), errors.New("keys must be plain words")}
		}
		if seen[key] {
			return nil, &lineError{line(mv.Key), fmt.Errorf("key %q given twice", key)}
		}
		seen[key] = true
		fields = append(fields, field{key: key, line: line(mv.Key), value: mv.Value})
	}
	return fields, nil
}

// scalarText returns the text of a scalar node as the editor wrote it (quotes
// removed), never a number or boolean reinterpretation.
func scalarText(node ast.Node) (string, bool) {
	switch n := node.(type) {
	case *ast.StringNode:
		return n.Value, true
	case *ast.LiteralNode:
		return n.Value.Value, true
	case *ast.NullNode:
		return "", true
	case *ast.IntegerNode, *ast.FloatNode, *ast.BoolNode, *ast.InfinityNode, *ast.NanNode:
		return n.GetToken().Value, true
	}
	return "", false
}

func scalarOr(fl field, fail func(int, string, ...any)) string {
	s, ok := scalarText(fl.value)
	if !ok {
		fail(fl.line, "%s: want a single value", fl.key)
	}
	return s
}

func dateOr(fl field, fail func(int, string, ...any)) *timeline.Date {
	s := strings.TrimSpace(scalarOr(fl, fail))
	d, err := timeline.ParseDate(s)
	if err != nil {
		fail(fl.line, "%s: %q is not a TIMEX3 date value (like 2020, 2023-09 or 2024-06-13)", fl.key, s)
		return nil
	}
	return &d
}

func titleOr(fl field, fail func(int, string, ...any)) string {
	s := strings.TrimSpace(scalarOr(fl, fail))
	switch {
	case s == "":
		fail(fl.line, "%s: empty", fl.key)
	case len([]rune(s)) > MaxTitle:
		fail(fl.line, "%s: longer than %d characters", fl.key, MaxTitle)
	case strings.IndexFunc(s, unicode.IsControl) >= 0:
		fail(fl.line, "%s: contains a control character or line break", fl.key)
	}
	return s
}

func boolOr(fl field, fail func(int, string, ...any)) bool {
	s, _ := scalarText(fl.value)
	switch s {
	case "true":
		return true
	case "false":
		return false
	}
	fail(fl.line, "%s: want true or false, got %q", fl.key, s)
	return false
}

func idListOr(fl field, fail func(int, string, ...any)) []string {
	seq, ok := fl.value.(*ast.SequenceNode)
	if !ok {
		fail(fl.line, "%s: want a list of event IDs, like [3f9a0c12de, 77aa00bb11]", fl.key)
		return nil
	}
	ids := []string{}
	seen := map[string]bool{}
	for _, v := range seq.Values {
		id, ok := scalarText(v)
		switch {
		case !ok || !validID.MatchString(id):
			fail(line(v), "%s: %q is not an event ID (lower-case letters, digits and '-')", fl.key, id)
		case seen[id]:
			fail(line(v), "%s: %q listed twice", fl.key, id)
		default:
			seen[id] = true
			ids = append(ids, id)
		}
	}
	return ids
}

func manualOr(fl field, fail func(int, error)) *Manual {
	fields, err := mappingFields(fl.value)
	if err != nil {
		fail(err.line, fmt.Errorf("add: %w", err.err))
		return nil
	}
	m := &Manual{}
	var errs int
	f := func(l int, format string, args ...any) { errs++; fail(l, fmt.Errorf("add: "+format, args...)) }
	var date *timeline.Date
	for _, sub := range fields {
		switch sub.key {
		case "id":
			m.ID = scalarOr(sub, f)
			if !validID.MatchString(m.ID) {
				f(sub.line, "id %q: an ID is lower-case letters, digits and '-'", m.ID)
			}
		case "title":
			m.Title = titleOr(sub, f)
		case "date":
			date = dateOr(sub, f)
		case "end":
			m.End = dateOr(sub, f)
		case "source":
			m.Source = strings.TrimSpace(scalarOr(sub, f))
			if err := checkSource(m.Source); err != nil {
				f(sub.line, "source: %v", err)
			}
		case "text":
			m.Text = strings.TrimSpace(scalarOr(sub, f))
		default:
			f(sub.line, "unknown key %q (known: id, title, date, end, source, text)", sub.key)
		}
	}
	switch {
	case errs > 0:
		return nil
	case m.Title == "" || date == nil || m.Source == "":
		fail(fl.line, errors.New("add: a manual event needs title, date and source"))
		return nil
	}
	m.Date = *date
	if err := checkRange(date, m.End); err != nil {
		fail(fl.line, fmt.Errorf("add: %w", err))
		return nil
	}
	return m
}

// checkSource accepts an http(s) URL or an article slug.
func checkSource(s string) error {
	if validSlug.MatchString(s) {
		return nil
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("%q is neither an http(s) URL nor an article slug", s)
	}
	return nil
}

func line(node ast.Node) int {
	if node == nil || node.GetToken() == nil {
		return 1
	}
	return node.GetToken().Position.Line
}
