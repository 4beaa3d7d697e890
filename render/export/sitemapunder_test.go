package export

import (
	"bytes"
	"math/rand"
	"strings"
	"testing"
	"time"
)

// TestSortSitemapUnderAsSortSitemap: whenever SortSitemapUnder takes a list
// of paths under a prefix, it lists them as SortSitemap lists the whole
// URLs, and WriteSitemapUnder writes the bytes WriteSitemap writes; it
// refuses prefixes and paths SortSitemap would rewrite, and duplicates.
// Random paths of hex-like and prefix-sharing segments put many of them
// in runs of equal 8-byte keys at several depths.
func TestSortSitemapUnderAsSortSitemap(t *testing.T) {
	r := rand.New(rand.NewSource(29))
	prefixes := []string{"https://x.example/", "http://x.example/a/", "https://X.Example:8080/h-1/b_2/", "https://x.example/a",
		"https://x.example/a//", "https://x.example/%41/", "https://x.example/a&b/", "https://x.example/./", " https://x.example/",
		"ftp://x.example/", "https://u@x.example/", "https://x.example?q/", "https://x.example/é/"}
	pieces := []string{"events/", "articles/", "0123456789abcdef", "abcdefgh", "a", "b", "-", "-2", "/", "", ".", "..", "%20", "é", "?", "&"}
	taken, refused := 0, 0
	for n := 0; n < 3000; n++ {
		prefix := prefixes[r.Intn(len(prefixes))]
		if r.Intn(2) == 0 {
			prefix = prefixes[r.Intn(3)] // the ones it takes
		}
		clean := r.Intn(3) > 0 // mostly lists of plain, distinct paths, as a site's
		var paths []SitemapURL
		seen := map[string]bool{}
		for k := r.Intn(60); k > 0; k-- {
			p := ""
			for j := r.Intn(5); j > 0; j-- {
				p += pieces[r.Intn(len(pieces))]
			}
			if clean {
				p = strings.NewReplacer("%20", "x", "é", "e", "?", "q", "&", "n", "//", "/w/").Replace(p)
				if !plainPath(p) || seen[p] {
					continue
				}
				seen[p] = true
			}
			var mod time.Time
			if r.Intn(3) == 0 {
				mod = day("2024-06-14").Add(time.Duration(r.Intn(100)) * time.Hour)
			}
			paths = append(paths, SitemapURL{Loc: p, LastMod: mod})
		}
		whole := make([]SitemapURL, len(paths))
		for i, p := range paths {
			whole[i] = SitemapURL{Loc: prefix + p.Loc, LastMod: p.LastMod}
		}
		want, wantErr := SortSitemap(whole)
		got, ok := SortSitemapUnder(prefix, paths)
		if !ok {
			refused++
			if clean && prefixKeeps(prefix) {
				t.Fatalf("%q: refused plain distinct paths %v", prefix, paths)
			}
			continue
		}
		taken++
		if wantErr != nil || got.Len() != len(want) {
			t.Fatalf("%q %v: took %d paths; SortSitemap gives %d, %v", prefix, paths, got.Len(), len(want), wantErr)
		}
		for i := range want {
			if u := got.At(i); prefix+u.Loc != want[i].Loc || !u.LastMod.Equal(want[i].LastMod) {
				t.Fatalf("%q: entry %d is %q %v, SortSitemap's %q %v", prefix, i, prefix+u.Loc, u.LastMod, want[i].Loc, want[i].LastMod)
			}
		}
		var a, b bytes.Buffer
		if err := WriteSitemapList(&a, got); err != nil {
			t.Fatal(err)
		}
		if err := WriteSitemap(&b, want); err != nil {
			t.Fatal(err)
		}
		if a.String() != b.String() {
			t.Fatalf("%q: WriteSitemapList wrote\n%s\nWriteSitemap\n%s", prefix, a.String(), b.String())
		}
	}
	if taken < 1000 || refused < 500 {
		t.Errorf("took %d lists and refused %d: the cases do not cover both ways", taken, refused)
	}
}

// TestSortSitemapUnderRefusesDuplicates: SortSitemap merges equal URLs
// (keeping the latest lastmod), which SortSitemapUnder leaves to it.
func TestSortSitemapUnderRefusesDuplicates(t *testing.T) {
	paths := []SitemapURL{{Loc: "events/0123456789abcdef/"}, {Loc: "a/"}, {Loc: "events/0123456789abcdef/", LastMod: day("2024-06-14")}}
	if _, ok := SortSitemapUnder("https://x.example/", paths); ok {
		t.Error("took a list with a duplicate URL")
	}
	if _, ok := SortSitemapUnder("https://x.example/", paths[:2]); !ok {
		t.Error("refused two distinct plain paths")
	}
}
