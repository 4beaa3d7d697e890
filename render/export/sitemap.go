package export

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"net/url"
	"sort"
	"strings"
	"time"
)

// Limits of one sitemap file (sitemaps.org protocol 0.9).
const (
	sitemapMaxURLs   = 50000
	sitemapMaxURLLen = 2048
)

type sitemapURL struct {
	Loc     string `xml:"loc"`
	LastMod string `xml:"lastmod,omitempty"`
}

type sitemapSet struct {
	XMLName xml.Name     `xml:"urlset"`
	Xmlns   string       `xml:"xmlns,attr"`
	URLs    []sitemapURL `xml:"url"`
}

// Sitemap writes sitemap.xml for the given absolute page URLs, sorted and
// de-duplicated; lastmod (keyed by the URL as given) adds <lastmod> where known.
// A relative or non-http(s) URL is an error: the protocol requires absolute ones,
// so a site without a base URL has no sitemap.
func Sitemap(urls []string, lastmod map[string]time.Time) ([]byte, error) {
	set := sitemapSet{Xmlns: "http://www.sitemaps.org/schemas/sitemap/0.9", URLs: []sitemapURL{}}
	seen := map[string]int{} // normalised URL -> index in set.URLs
	for _, raw := range urls {
		loc, err := sitemapLoc(raw)
		if err != nil {
			return nil, fmt.Errorf("sitemap.xml: %w", err)
		}
		mod := ""
		if t, ok := lastmod[raw]; ok && !t.IsZero() {
			mod = w3cDate(t)
		}
		if i, dup := seen[loc]; dup {
			if mod > set.URLs[i].LastMod { // keep the latest of duplicate entries
				set.URLs[i].LastMod = mod
			}
			continue
		}
		seen[loc] = len(set.URLs)
		set.URLs = append(set.URLs, sitemapURL{Loc: loc, LastMod: mod})
	}
	if len(set.URLs) > sitemapMaxURLs {
		return nil, fmt.Errorf("sitemap.xml: %d URLs, the protocol allows %d per file", len(set.URLs), sitemapMaxURLs)
	}
	sort.Slice(set.URLs, func(i, j int) bool { return set.URLs[i].Loc < set.URLs[j].Loc })
	var b bytes.Buffer
	b.WriteString(xml.Header)
	enc := xml.NewEncoder(&b)
	enc.Indent("", "  ")
	if err := enc.Encode(set); err != nil {
		return nil, fmt.Errorf("sitemap.xml: %w", err)
	}
	b.WriteString("\n")
	return b.Bytes(), nil
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

// w3cDate writes a W3C Datetime: the day alone when the time is midnight UTC.
func w3cDate(t time.Time) string {
	t = t.UTC()
	if t.Equal(t.Truncate(24 * time.Hour)) {
		return t.Format("2006-01-02")
	}
	return t.Format(time.RFC3339)
}
