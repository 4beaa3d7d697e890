package ingest

import (
	"bytes"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
	"github.com/newsline/timeline/timeline"
)

// maxFrontMatter bounds the YAML we parse: front matter is a few lines.
const maxFrontMatter = 64 << 10

// splitFrontMatter finds the YAML between a first line "---" and the next
// line "---" (or "..."). It returns the YAML, the byte offset where the body
// starts, and the error to report (naming the line of the opening fence).
func splitFrontMatter(path string, raw []byte) (yamlText []byte, bodyStart int, err error) {
	start := 0
	if bytes.HasPrefix(raw, []byte("\uFEFF")) {
		start = 3
	}
	first, next := lineAt(raw, start)
	switch strings.TrimRight(string(first), " \t\r") {
	case "---":
	case "+++":
		return nil, 0, errorAt(path, 1, ErrNoFrontMatter, "TOML front matter (+++) is not supported; use YAML between --- lines")
	default:
		return nil, 0, errorAt(path, 1, ErrNoFrontMatter, "a Markdown article starts with a --- line, then YAML (title, date...), then ---")
	}
	for pos := next; pos < len(raw); {
		l, after := lineAt(raw, pos)
		if fence := strings.TrimRight(string(l), " \t\r"); fence == "---" || fence == "..." {
			return raw[next:pos], after, nil
		}
		pos = after
	}
	return nil, 0, errorAt(path, 1, ErrFrontMatter, "front matter opened here is never closed by a --- line")
}

// lineAt returns the line starting at pos (without its '\n') and the offset
// of the next line.
func lineAt(raw []byte, pos int) ([]byte, int) {
	if i := bytes.IndexByte(raw[pos:], '\n'); i >= 0 {
		return raw[pos : pos+i], pos + i + 1
	}
	return raw[pos:], len(raw)
}

// decodeMeta reads front matter (or a sidecar) into Meta. firstLine is the
// file line of the YAML's first line, so errors name lines of the file.
// hasDate reports whether a date key was present.
func decodeMeta(path string, data []byte, firstLine int) (m timeline.Meta, hasDate bool, err error) {
	if len(data) > maxFrontMatter {
		return m, false, errorAt(path, firstLine, ErrFrontMatter, "front matter over %d bytes", maxFrontMatter)
	}
	if m, hasDate, ok := quickMeta(data); ok {
		return m, hasDate, nil
	}
	return decodeYAMLMeta(path, data, firstLine)
}

// decodeYAMLMeta is decodeMeta through the YAML parser, for every shape of
// front matter quickMeta does not read.
func decodeYAMLMeta(path string, data []byte, firstLine int) (m timeline.Meta, hasDate bool, err error) {
	file, perr := parser.ParseBytes(data, 0)
	if perr != nil {
		return m, false, yamlError(path, firstLine, perr)
	}
	var docs []*ast.DocumentNode
	for _, d := range file.Docs {
		if d == nil || d.Body == nil {
			continue
		}
		if aliases := ast.Filter(ast.AliasType, d.Body); len(aliases) > 0 {
			return m, false, errorAt(path, nodeLine(aliases[0], firstLine), ErrFrontMatter, "YAML aliases (*name) are not supported")
		}
		docs = append(docs, d)
	}
	if len(docs) == 0 {
		return m, false, nil
	}
	if len(docs) > 1 {
		return m, false, errorAt(path, nodeLine(docs[1].Body, firstLine), ErrFrontMatter, "more than one YAML document")
	}
	mapping, ok := docs[0].Body.(*ast.MappingNode)
	if !ok {
		if mv, single := docs[0].Body.(*ast.MappingValueNode); single {
			mapping = &ast.MappingNode{Values: []*ast.MappingValueNode{mv}}
		} else {
			return m, false, errorAt(path, nodeLine(docs[0].Body, firstLine), ErrFrontMatter, "want key: value lines (title:, date:...)")
		}
	}
	seen := map[string]int{}
	for _, kv := range mapping.Values {
		key := kv.Key.GetToken().Value
		line := nodeLine(kv.Key, firstLine)
		if prev, dup := seen[key]; dup {
			return m, false, errorAt(path, line, ErrFrontMatter, "key %q repeated (first on line %d)", key, prev)
		}
		seen[key] = line
		if err := setKey(&m, key, kv.Value); err != nil {
			return m, false, &Error{Path: path, Line: line, Err: fmt.Errorf("%w: %s: %w", ErrFrontMatter, key, err)}
		}
		if key == "date" {
			hasDate = m.DateText != ""
			if hasDate {
				t, err := parseDate(m.DateText)
				if err != nil {
					return m, false, errorAt(path, line, ErrBadDate, "date %q: %v", m.DateText, err)
				}
				m.Date = t
			}
		}
	}
	return m, hasDate, nil
}

// setKey stores one front matter value in its Meta field, or in Extra.
func setKey(m *timeline.Meta, key string, v ast.Node) error {
	var err error
	switch key {
	case "title":
		m.Title, err = scalar(v)
	case "date":
		m.DateText, err = scalar(v)
	case "source":
		if m.Source, err = scalar(v); err == nil {
			err = checkURL(m.Source)
		}
	case "author":
		m.Author, err = scalar(v)
	case "publisher":
		m.Publisher, err = scalar(v)
	case "slug":
		if m.Slug, err = scalar(v); err == nil && m.Slug != "" {
			err = checkSlug(m.Slug)
		}
	case "tags":
		m.Tags, err = stringList(v)
	case "draft":
		m.Draft, err = boolean(v)
	case "sample":
		m.Sample, err = boolean(v)
	default:
		var val any
		if err = yaml.NodeToValue(v, &val); err == nil {
			if m.Extra == nil {
				m.Extra = map[string]any{}
			}
			m.Extra[key] = val
		}
	}
	return err
}

// scalar returns a scalar's text as written (2024-06-14 stays a string, 42
// stays "42"); null is "".
func scalar(v ast.Node) (string, error) {
	switch n := v.(type) {
	case nil, *ast.NullNode:
		return "", nil
	case *ast.StringNode:
		return n.Value, nil
	case *ast.LiteralNode:
		return strings.TrimRight(n.Value.Value, "\n"), nil
	case *ast.IntegerNode, *ast.FloatNode, *ast.BoolNode:
		return v.GetToken().Value, nil
	case *ast.TagNode:
		return "", errors.New("YAML tags (!!) are not supported")
	}
	return "", fmt.Errorf("want a single value, got a %s", strings.ToLower(v.Type().String()))
}

func stringList(v ast.Node) ([]string, error) {
	seq, ok := v.(*ast.SequenceNode)
	if !ok {
		s, err := scalar(v)
		if err != nil || s == "" {
			return nil, err
		}
		return []string{s}, nil
	}
	var out []string
	for _, item := range seq.Values {
		s, err := scalar(item)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

func boolean(v ast.Node) (bool, error) {
	switch n := v.(type) {
	case nil, *ast.NullNode:
		return false, nil
	case *ast.BoolNode:
		return n.Value, nil
	}
	return false, errors.New("want true or false")
}

// checkURL accepts only absolute http(s) URLs: a source becomes a link on
// the site, and a "javascript:" link survives any amount of HTML escaping.
func checkURL(s string) error {
	if s == "" {
		return nil
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("want an http:// or https:// URL, got %q", s)
	}
	return nil
}

// yamlPos is go-yaml's "[line:column]" inside messages, relative to the YAML.
var yamlPos = regexp.MustCompile(`\[\d+:\d+\]`)

// yamlError turns a go-yaml error into an *Error on the right file line.
func yamlError(path string, firstLine int, err error) error {
	var ye yaml.Error
	if errors.As(err, &ye) && ye.GetToken() != nil {
		msg := yamlPos.ReplaceAllStringFunc(ye.GetMessage(), func(p string) string {
			var l, c int
			fmt.Sscanf(p, "[%d:%d]", &l, &c)
			return fmt.Sprintf("line %d", firstLine+l-1)
		})
		return errorAt(path, firstLine+ye.GetToken().Position.Line-1, ErrFrontMatter, "%s", msg)
	}
	return errorAt(path, firstLine, ErrFrontMatter, "%v", err)
}

func nodeLine(n ast.Node, firstLine int) int {
	if n == nil || n.GetToken() == nil {
		return firstLine
	}
	return firstLine + n.GetToken().Position.Line - 1
}
