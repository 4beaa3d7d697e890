package export

import (
	"bytes"
	"cmp"
	"encoding/xml"
	"fmt"
	"io"
	"net/url"
	"slices"
	"strings"
	"time"
)

// Limits of one sitemap file (sitemaps.org protocol 0.9).
const (
	sitemapMaxURLs   = 50000
	sitemapMaxURLLen = 2048
)

// SitemapMaxURLs is how many URLs one sitemap file may list; a larger site
// needs a sitemap index pointing at several files (WriteSitemapIndex).
const SitemapMaxURLs = sitemapMaxURLs

// SitemapURL is one page of a sitemap, or one sitemap file of a sitemap index.
type SitemapURL struct {
	Loc     string    // absolute http(s) URL
	LastMod time.Time // zero when unknown
}

type sitemapURL struct {
	Loc     string `xml:"loc"`
	LastMod string `xml:"lastmod,omitempty"`
}

type sitemapSet struct {
	XMLName xml.Name     `xml:"urlset"`
	Xmlns   string       `xml:"xmlns,attr"`
	URLs    []sitemapURL `xml:"url"`
}

type sitemapIndex struct {
	XMLName  xml.Name     `xml:"sitemapindex"`
	Xmlns    string       `xml:"xmlns,attr"`
	Sitemaps []sitemapURL `xml:"sitemap"`
}

const sitemapNS = "http://www.sitemaps.org/schemas/sitemap/0.9"

// Sitemap writes sitemap.xml for the given absolute page URLs, sorted and
// de-duplicated; lastmod (keyed by the URL as given) adds <lastmod> where known.
// A relative or non-http(s) URL is an error: the protocol requires absolute ones,
// so a site without a base URL has no sitemap. More than SitemapMaxURLs
// distinct URLs is an error: split them with SortSitemap and WriteSitemapIndex.
func Sitemap(urls []string, lastmod map[string]time.Time) ([]byte, error) {
	list := make([]SitemapURL, len(urls))
	for i, u := range urls {
		list[i] = SitemapURL{Loc: u, LastMod: lastmod[u]}
	}
	sorted, err := SortSitemap(list)
	if err != nil {
		return nil, err
	}
	return bytesOf(func(w io.Writer) error { return WriteSitemap(w, sorted) })
}

// SortSitemap checks and percent-encodes every URL, merges duplicates
// (keeping the latest lastmod) and sorts them by URL: the order of the
// entries in a sitemap, and of the URLs across numbered sitemap files.
func SortSitemap(urls []SitemapURL) ([]SitemapURL, error) {
	// The checked URLs alone (not whole entries, 40 bytes each, copied
	// again into the result): the sort reads them densely.
	locs := make([]string, len(urls))
	var checker locChecker
	for i, u := range urls {
		loc, err := checker.check(u.Loc)
		if err != nil {
			return nil, fmt.Errorf("sitemap.xml: %w", err)
		}
		locs[i] = loc
	}
	// Of duplicates, the first given comes first and absorbs the others: a
	// sort by URL and position, of positions (a stable sort of the entries
	// moved them a hundred thousand times log² over).
	order := make([]int32, len(locs))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortFunc(order, func(i, j int32) int {
		if c := strings.Compare(locs[i], locs[j]); c != 0 {
			return c
		}
		return cmp.Compare(i, j)
	})
	merged := make([]SitemapURL, 0, len(locs))
	for _, i := range order {
		u := SitemapURL{Loc: locs[i], LastMod: urls[i].LastMod}
		if n := len(merged); n > 0 && merged[n-1].Loc == u.Loc {
			if w3cMod(u.LastMod) > w3cMod(merged[n-1].LastMod) { // keep the latest of duplicate entries
				merged[n-1].LastMod = u.LastMod
			}
			continue
		}
		merged = append(merged, u)
	}
	return merged, nil
}

func w3cMod(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return w3cDate(t)
}

// WriteSitemap streams one <urlset> of URLs already checked and sorted by
// SortSitemap, one <url> at a time.
func WriteSitemap(w io.Writer, urls []SitemapURL) error {
	if len(urls) > sitemapMaxURLs {
		return fmt.Errorf("sitemap.xml: %d URLs, the protocol allows %d per file", len(urls), sitemapMaxURLs)
	}
	return writeSitemapXMLUnder(w, sitemapSet{Xmlns: sitemapNS}, "urlset", SitemapList{URLs: urls})
}

// WriteSitemapIndex streams a <sitemapindex> naming the sitemap files, for a
// site with more URLs than one sitemap may list.
func WriteSitemapIndex(w io.Writer, sitemaps []SitemapURL) error {
	if len(sitemaps) > sitemapMaxURLs {
		return fmt.Errorf("sitemap.xml: %d sitemaps, the protocol allows %d per index", len(sitemaps), sitemapMaxURLs)
	}
	for _, sm := range sitemaps {
		if _, err := sitemapLoc(sm.Loc); err != nil {
			return fmt.Errorf("sitemap.xml: %w", err)
		}
	}
	return writeSitemapXMLUnder(w, sitemapIndex{Xmlns: sitemapNS}, "sitemapindex", SitemapList{URLs: sitemaps})
}

// writeSitemapXMLUnder writes the document element without children (less
// its end tag), each entry at depth 1, then the end tag: the bytes
// encoding/xml would write for the whole document, indented by two spaces.
// The entries are those of list, in its order.
func writeSitemapXMLUnder(w io.Writer, empty any, root string, list SitemapList) error {
	var head bytes.Buffer
	head.WriteString(xml.Header)
	enc := xml.NewEncoder(&head)
	enc.Indent("", "  ")
	if err := enc.Encode(empty); err != nil {
		return fmt.Errorf("sitemap.xml: %w", err)
	}
	end := "</" + root + ">"
	if _, err := w.Write(bytes.TrimSuffix(head.Bytes(), []byte(end))); err != nil {
		return fmt.Errorf("sitemap.xml: %w", err)
	}
	child := "url"
	if root == "sitemapindex" {
		child = "sitemap"
	}
	// The entries are written by appendSitemapEntry, with the bytes
	// encoding/xml wrote for them (indented at depth 1), without its reflection:
	// a 126,000-URL sitemap spent most of its time there.
	buf := make([]byte, 0, 64<<10)
	n := list.Len()
	for i := 0; i < n; i++ {
		u := list.At(i)
		buf = appendSitemapEntry(buf, child, list.Prefix, u.Loc, w3cMod(u.LastMod))
		if len(buf) >= 60<<10 || i == n-1 {
			if _, err := w.Write(buf); err != nil {
				return fmt.Errorf("sitemap.xml: %w", err)
			}
			buf = buf[:0]
		}
	}
	if n > 0 {
		end = "\n" + end
	}
	if _, err := io.WriteString(w, end+"\n"); err != nil {
		return fmt.Errorf("sitemap.xml: %w", err)
	}
	return nil
}

// appendSitemapEntry appends one entry as encoding/xml's Encoder, indented
// by two spaces at depth 1, wrote sitemapURL{prefix+loc, lastmod}: a new
// line, then the element with its children on lines of their own (lastmod
// omitted when empty). A prefix needs no escaping (prefixKeeps), so the
// escaped URL is the prefix and the escaped loc.
func appendSitemapEntry(b []byte, child, prefix, loc, lastmod string) []byte {
	b = append(b, "\n  <"...)
	b = append(b, child...)
	b = append(b, ">\n    <loc>"...)
	b = append(b, prefix...)
	b = appendXMLText(b, loc)
	b = append(b, "</loc>"...)
	if lastmod != "" {
		b = append(b, "\n    <lastmod>"...)
		b = appendXMLText(b, lastmod)
		b = append(b, "</lastmod>"...)
	}
	b = append(b, "\n  </"...)
	b = append(b, child...)
	return append(b, '>')
}

// appendXMLText escapes character data as encoding/xml does (xml.EscapeText).
func appendXMLText(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f || c == '"' || c == '\'' || c == '&' || c == '<' || c == '>' {
			var out bytes.Buffer
			xml.EscapeText(&out, []byte(s)) // the rare case: let encoding/xml do it
			return append(b, out.Bytes()...)
		}
	}
	return append(b, s...)
}

// sitemapLoc checks a URL and writes it percent-encoded (RFC 3986) as the protocol asks;
// encoding/xml then entity-escapes it.
func sitemapLoc(raw string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return "", fmt.Errorf("URL %q: %w", raw, err)
	}
	if !u.IsAbs() || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return "", fmt.Errorf("URL %q: want an absolute http(s) URL", raw)
	}
	loc := u.String()
	if len(loc) >= sitemapMaxURLLen {
		return "", fmt.Errorf("URL %q: %d characters, the protocol allows fewer than %d", raw, len(loc), sitemapMaxURLLen)
	}
	return loc, nil
}

// locChecker is sitemapLoc for many URLs of one site: a URL made of an
// origin ("https://host/") it has seen sitemapLoc keep as it is, and a
// path of unreserved characters without empty or dot segments, is one
// sitemapLoc would keep as it is too (the path needs no escaping, and the
// origin ends where url.Parse ends the host). url.Parse and String were
// two thirds of a 127,000-URL sitemap's cost.
type locChecker struct{ origin string }

func (c *locChecker) check(raw string) (string, error) {
	if origin, path, ok := splitOrigin(raw); ok && (path == "" || plainPath(path)) && len(raw) < sitemapMaxURLLen {
		if origin == c.origin {
			return raw, nil
		}
		if loc, err := sitemapLoc(origin); err == nil && loc == origin {
			c.origin = origin
			return raw, nil
		}
	}
	return sitemapLoc(raw)
}

// splitOrigin cuts an http(s) URL after the "/" that ends its host.
func splitOrigin(raw string) (origin, path string, ok bool) {
	rest, found := strings.CutPrefix(raw, "https://")
	if !found {
		if rest, found = strings.CutPrefix(raw, "http://"); !found {
			return "", "", false
		}
	}
	i := strings.IndexAny(rest, "/?#")
	if i < 0 || rest[i] != '/' {
		return "", "", false
	}
	n := len(raw) - len(rest) + i + 1
	return raw[:n], raw[n:], true
}

// w3cDate writes a W3C Datetime: the day alone when the time is midnight UTC.
func w3cDate(t time.Time) string {
	t = t.UTC()
	if t.Equal(t.Truncate(24 * time.Hour)) {
		return t.Format("2006-01-02")
	}
	return t.Format(time.RFC3339)
}
