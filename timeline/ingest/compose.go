package ingest

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/goccy/go-yaml"
)

// Draft is what `timeline new` is given besides the pasted text.
type Draft struct {
	Title  string    // empty: the first sentence of the text, cut to about 80 characters
	Date   time.Time // publication date, required
	Source string    // http(s) URL of the original, optional
}

// Composed is a Markdown article made from pasted text.
type Composed struct {
	Slug     string
	Markdown []byte
	SetAside []string // the lines left out (captions, bare URLs...), for the user to check
}

// Compose cleans pasted raw text exactly as a .txt article is cleaned (lines
// joined, hyphenation undone, captions, URLs and "Related article:" lines
// left out), keeps the original quotes for display, escapes what Markdown
// would read as markup, and writes front matter. Parsing the result gives
// the same Text as parsing the pasted text as .txt.
func Compose(name string, raw []byte, d Draft) (Composed, error) {
	if err := checkBytes(name, raw, DefaultMaxBytes); err != nil {
		return Composed{}, err
	}
	if d.Date.IsZero() {
		return Composed{}, errorAt(name, 0, ErrNoDate, "pass --date YYYY-MM-DD (the publication date)")
	}
	if err := checkURL(d.Source); err != nil {
		return Composed{}, errorAt(name, 0, ErrFrontMatter, "source: %v", err)
	}
	c := cleanText(raw, 0, false)
	paras := strings.Split(string(c.text), "\n\n")
	if len(c.text) == 0 {
		return Composed{}, errorAt(name, 0, ErrEmpty, "no body text left after setting aside captions, URLs and headlines")
	}
	title := strings.TrimSpace(d.Title)
	if title == "" {
		title = firstSentence(paras[0], 80)
	}
	slug := Slugify(title, 60)
	if slug == "" {
		slug = "article-" + d.Date.Format("2006-01-02")
	}
	fm, err := frontMatterYAML(title, d)
	if err != nil {
		return Composed{}, err
	}
	var md bytes.Buffer
	md.WriteString("---\n")
	md.Write(fm)
	md.WriteString("---\n")
	for _, p := range paras {
		md.WriteString("\n" + escapeMarkdown(p) + "\n")
	}
	out := Composed{Slug: slug, Markdown: md.Bytes()}
	for _, s := range c.setAside {
		out.SetAside = append(out.SetAside, string(raw[s.Start:s.End]))
	}
	if _, err := Parse(slug+".md", out.Markdown, nil, Options{}); err != nil {
		return Composed{}, fmt.Errorf("composed article does not read back (please report): %w", err)
	}
	return out, nil
}

func frontMatterYAML(title string, d Draft) ([]byte, error) {
	date := d.Date.Format(time.RFC3339)
	if d.Date.Equal(d.Date.Truncate(24*time.Hour)) && d.Date.Location() == time.UTC {
		date = d.Date.Format("2006-01-02")
	}
	fm := struct {
		Title  string `yaml:"title"`
		Date   string `yaml:"date"`
		Source string `yaml:"source,omitempty"`
	}{title, date, d.Source}
	out, err := yaml.Marshal(fm)
	if err != nil {
		return nil, errors.New("cannot write front matter: " + err.Error())
	}
	return out, nil
}

// firstSentence returns the text up to its first sentence end, cut at a
// word boundary to at most max bytes (with an ellipsis when cut).
func firstSentence(p string, max int) string {
	for i := 0; i < len(p); i++ {
		if strings.IndexByte(".!?", p[i]) >= 0 && (i+1 == len(p) || p[i+1] == ' ') && i > 0 {
			p = p[:i]
			break
		}
	}
	if len(p) <= max {
		return p
	}
	cut := strings.LastIndexByte(p[:max], ' ')
	if cut <= 0 {
		cut = max
		for cut > 0 && p[cut]&0xC0 == 0x80 {
			cut--
		}
	}
	return p[:cut] + "…"
}

// escapeMarkdown escapes a one-line paragraph so Markdown reads it as the
// plain text it is: inline markup characters everywhere, block markers at
// the start (#, >, -, +, =, |, "1." lists).
func escapeMarkdown(p string) string {
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		c := p[i]
		if strings.IndexByte("\\`*_[]<>&", c) >= 0 || (i == 0 && strings.IndexByte("#>-+=|~", c) >= 0) {
			b.WriteByte('\\')
		}
		b.WriteByte(c)
	}
	s := b.String()
	// an ordered-list marker: digits then . or ) at the start
	j := 0
	for j < len(s) && j < 9 && s[j] >= '0' && s[j] <= '9' {
		j++
	}
	if j > 0 && j < len(s) && (s[j] == '.' || s[j] == ')') {
		s = s[:j] + "\\" + s[j:]
	}
	return s
}

// ParseDate reads a publication date as written in front matter or on the
// command line: 2024-06-14 or RFC 3339.
func ParseDate(s string) (time.Time, error) {
	t, err := parseDate(strings.TrimSpace(s))
	if err != nil {
		return t, fmt.Errorf("%w %q: %v", ErrBadDate, s, err)
	}
	return t, nil
}
