package export

import (
	"bytes"
	"encoding/xml"
	"math/rand"
	"strings"
	"testing"
	"time"
)

type sitemapOut struct {
	XMLName xml.Name `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 urlset"`
	URLs    []struct {
		Loc     string `xml:"loc"`
		LastMod string `xml:"lastmod"`
	} `xml:"url"`
}

func TestSitemapSortedEscapedDeduplicated(t *testing.T) {
	urls := []string{
		"https://school.example/history/armenia/events/b/",
		"https://school.example/history/armenia/?q=1&r=<2>",
		"https://school.example/history/armenia/articles/é x/",
		"https://school.example/history/armenia/events/b/",
	}
	mod := map[string]time.Time{
		urls[0]: day("2024-06-14"),
		urls[1]: time.Date(2024, 6, 20, 12, 30, 0, 0, time.UTC),
	}
	b, err := Sitemap(urls, mod)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(b), xml.Header) || !strings.Contains(string(b), "&amp;") {
		t.Errorf("missing XML declaration or entity escaping:\n%s", b)
	}
	var out sitemapOut
	if err := xml.Unmarshal(b, &out); err != nil {
		t.Fatalf("not a sitemap: %v\n%s", err, b)
	}
	var got []string
	for _, u := range out.URLs {
		got = append(got, u.Loc+" "+u.LastMod)
	}
	want := []string{
		"https://school.example/history/armenia/?q=1&r=<2> 2024-06-20T12:30:00Z",
		"https://school.example/history/armenia/articles/%C3%A9%20x/ ",
		"https://school.example/history/armenia/events/b/ 2024-06-14",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("urls:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestSitemapRefusesRelativeAndOtherSchemes(t *testing.T) {
	for _, bad := range []string{"events/a/", "/events/a/", "javascript:alert(1)", "ftp://x.example/a", "https://x.example/" + strings.Repeat("a", 2100)} {
		if _, err := Sitemap([]string{bad}, nil); err == nil {
			t.Errorf("Sitemap accepted %.40q", bad)
		}
	}
	b, err := Sitemap(nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	var out sitemapOut
	if err := xml.Unmarshal(b, &out); err != nil || len(out.URLs) != 0 {
		t.Errorf("empty sitemap: %v %s", err, b)
	}
}

// TestSitemapEntriesAsEncodingXML: the hand-written entries are the bytes
// encoding/xml's Encoder writes for them (the former implementation), hostile
// text included.
func TestSitemapEntriesAsEncodingXML(t *testing.T) {
	for _, loc := range []string{"https://school.example/a/events/x1/", "https://e.example/?a=1&b='2'", "https://e.example/<\">",
		"https://e.example/\t\n\r", "https://e.example/\x00\x01", "https://e.example/\xff\xfe", "https://e.example/日本/é", "https://e.example/\ufffe\U0001fffe"} {
		for _, lastmod := range []string{"", "2024-06-14", "2024-06-14T10:00:00+02:00"} {
			for _, child := range []string{"url", "sitemap"} {
				var want bytes.Buffer
				enc := xml.NewEncoder(&want)
				enc.Indent("  ", "  ")
				if err := enc.EncodeElement(sitemapURL{Loc: loc, LastMod: lastmod}, xml.StartElement{Name: xml.Name{Local: child}}); err != nil {
					t.Fatal(err)
				}
				got := appendSitemapEntry(nil, child, "", loc, lastmod)
				if string(got) != "\n"+want.String() {
					t.Errorf("%q %q:\n got %q\nwant %q", loc, lastmod, got, "\n"+want.String())
				}
			}
		}
	}
}

// TestLocCheckerAsSitemapLoc: the fast path gives what sitemapLoc gives
// (the same URL, or an error) on random URLs of a few sites whose origins
// and paths mix safe characters with ones url.Parse escapes or refuses.
func TestLocCheckerAsSitemapLoc(t *testing.T) {
	r := rand.New(rand.NewSource(13))
	origins := []string{"https://x.example/", "http://x.example/", "https://X.Example:8080/", "https://u@x.example/",
		"https://[::1]/", "https://x.example", "https://x ex/", "https://x%41.example/", "ftp://x.example/", "https:///",
		"https://x.example?q/", "https://x.example#f/", "HTTPS://x.example/", " https://x.example/", "https://x.example:bad/"}
	pieces := []string{"events", "a1", "b-c", "d_e", "f.g", "~h", "/", "/", "/", "", ".", "..", "%20", "%zz", " ", "?", "#", "é", ":", "@", "\x00", "\\", "[", "A"}
	var c locChecker
	for n := 0; n < 20000; n++ {
		raw := origins[r.Intn(len(origins))]
		for k := r.Intn(6); k > 0; k-- {
			raw += pieces[r.Intn(len(pieces))]
		}
		got, gotErr := c.check(raw)
		want, wantErr := sitemapLoc(raw)
		if got != want || (gotErr == nil) != (wantErr == nil) {
			t.Fatalf("%q: check gives %q, %v; sitemapLoc %q, %v", raw, got, gotErr, want, wantErr)
		}
	}
}
