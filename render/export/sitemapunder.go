package export

import (
	"cmp"
	"encoding/binary"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
)

// SitemapList is a sitemap's entries in order, URLs[Order[k]] for k from 0
// (URLs as they lie when Order is nil), the URL of each being Prefix+Loc.
type SitemapList struct {
	Prefix string
	URLs   []SitemapURL
	Order  []int32
}

// Len is the number of entries.
func (l SitemapList) Len() int {
	if l.Order != nil {
		return len(l.Order)
	}
	return len(l.URLs)
}

// At is the k-th entry, its Loc relative to Prefix.
func (l SitemapList) At(k int) SitemapURL {
	if l.Order != nil {
		return l.URLs[l.Order[k]]
	}
	return l.URLs[k]
}

// Slice is the entries from to to-1.
func (l SitemapList) Slice(from, to int) SitemapList {
	if l.Order != nil {
		l.Order = l.Order[from:to:to]
	} else {
		l.URLs = l.URLs[from:to:to]
	}
	return l
}

// SortSitemapUnder is SortSitemap for a site whose URLs are all prefix
// followed by a path (the Loc of each entry of paths): it returns the list
// of paths in the order SortSitemap gives prefix+Loc, without copying
// them (paths must not change while the list is used). ok is false unless
// SortSitemap would keep every URL exactly as prefix+Loc and merge none:
// prefix is an http(s) origin and a plain folder path SortSitemap keeps
// as it is and XML needs no escaping in, every Loc is "" or a plain path
// (see plainPath), every URL is shorter than the protocol's limit, and no
// two are equal. The caller then takes SortSitemap's way, which says what
// is wrong.
//
// Why: a site's 127,000 page URLs share the base URL. Made whole, they were
// 6 MB of strings per sitemap rendering, and a sort that compared their
// common head over and over; sorted as paths by 8 bytes at a time, they
// cost a fraction.
func SortSitemapUnder(prefix string, paths []SitemapURL) (list SitemapList, ok bool) {
	if !prefixKeeps(prefix) {
		return SitemapList{}, false
	}
	for _, u := range paths {
		if (u.Loc != "" && !plainPath(u.Loc)) || len(prefix)+len(u.Loc) >= sitemapMaxURLLen {
			return SitemapList{}, false
		}
	}
	keys := getPathKeys(len(paths))
	defer pathKeys.Put(&keys)
	for i := range keys {
		keys[i].i = int32(i)
	}
	if sortPaths(keys, paths, 0) {
		return SitemapList{}, false // duplicates: SortSitemap merges them
	}
	order := make([]int32, len(keys))
	for n, k := range keys {
		order[n] = k.i
	}
	return SitemapList{Prefix: prefix, URLs: paths, Order: order}, true
}

// prefixKeeps reports whether SortSitemap keeps prefix+p as it is for every
// plain path p and for p = "" (locChecker's fast way: an origin sitemapLoc
// keeps, then a plain path), and whether the prefix needs no XML escaping,
// so that its bytes can be written before each path's.
func prefixKeeps(prefix string) bool {
	origin, path, ok := splitOrigin(prefix)
	if !ok || (path != "" && (!plainPath(path) || !strings.HasSuffix(path, "/"))) {
		return false
	}
	if loc, err := sitemapLoc(origin); err != nil || loc != origin {
		return false
	}
	for i := 0; i < len(prefix); i++ {
		if c := prefix[i]; c < 0x20 || c >= 0x7f || c == '"' || c == '\'' || c == '&' || c == '<' || c == '>' {
			return false
		}
	}
	return true
}

// pathKey is a path's position and 8 of its bytes, big-endian.
type pathKey struct {
	key uint64
	i   int32
}

// pathKeys recycles sortPaths' keys (2 MB for a 127,000-URL sitemap,
// rendered again by every build that changes an event; no pointers, so
// keeping them costs the collector nothing).
var pathKeys sync.Pool

func getPathKeys(n int) []pathKey {
	if p, ok := pathKeys.Get().(*[]pathKey); ok && cap(*p) >= n {
		return (*p)[:n]
	}
	return make([]pathKey, n)
}

// sortPaths sorts keys by their paths' bytes from off on, 8 at a time: by
// the 8 bytes at off (missing ones as zero, which no plain path holds, so
// a shorter path comes first as in a string comparison), then each run of
// equal keys by the next 8. It reports whether two paths are equal: keys
// that hold all of their paths' bytes and are equal.
func sortPaths(keys []pathKey, paths []SitemapURL, off int) (dup bool) {
	long := false
	for n := range keys {
		p := paths[keys[n].i].Loc
		keys[n].key = bytes8(p, off)
		long = long || len(p) > off+8
	}
	slices.SortFunc(keys, func(a, b pathKey) int { return cmp.Compare(a.key, b.key) })
	for from := 0; from < len(keys); {
		to := from + 1
		for to < len(keys) && keys[to].key == keys[from].key {
			to++
		}
		if to-from > 1 && (!long || sortPaths(keys[from:to], paths, off+8)) {
			return true
		}
		from = to
	}
	return false
}

// bytes8 is p's bytes off to off+8 as a big-endian number, zero-padded.
func bytes8(p string, off int) uint64 {
	if off+8 <= len(p) {
		return binary.BigEndian.Uint64([]byte(p[off : off+8]))
	}
	var b [8]byte
	if off < len(p) {
		copy(b[:], p[off:])
	}
	return binary.BigEndian.Uint64(b[:])
}

// WriteSitemapList is WriteSitemap for a list SortSitemapUnder returned
// (or SortSitemap's URLs as a list, or a Slice of either): the same bytes,
// without making the URLs.
func WriteSitemapList(w io.Writer, list SitemapList) error {
	if n := list.Len(); n > sitemapMaxURLs {
		return fmt.Errorf("sitemap.xml: %d URLs, the protocol allows %d per file", n, sitemapMaxURLs)
	}
	return writeSitemapXMLUnder(w, sitemapSet{Xmlns: sitemapNS}, "urlset", list)
}
