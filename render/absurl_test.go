package render

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// TestAbsURLMatchesNetURL: absURL, which appends a plain path to the
// resolved base, returns what net/url's resolution returns, for bases with
// dot segments, escapes, ports, user info, a forced empty query, and for
// paths plain or not.
func TestAbsURLMatchesNetURL(t *testing.T) {
	bases := []string{
		"https://school.example/history/", "https://school.example/", "http://x.example",
		"https://x.example/a/./b/", "https://x.example/a/../", "https://x.example/a/b/../../c/",
		"https://u:p@x.example:8080/%7Euser/", "https://x.example/b%20c/", "https://x.example/b c/",
		"https://X.Example/Up/", "http://[::1]:80/p/", "https://x.example/?", "https://x.example/a?q=1",
		"https://x.example/a#f", "https://x.example//double/", "https://x.example/a:b/", "https://x.example/no-slash",
	}
	paths := []string{
		"events/abc/", "about/", "a", "index.html", "articles/a.b-c_d~e/", "sitemap-1.xml",
		"", ".", "..", "./a", "a/../b", "a/./b", "/abs", "a//b", "a:b/", "a b/", "a%20b/", "a?q", "a#f",
		"...", "a/.../", "ab/../", "http://other.example/", "//host/p",
	}
	rng := rand.New(rand.NewPCG(3, 4))
	alphabet := "abcXYZ019-_~./:%?# "
	for range 3000 {
		var b strings.Builder
		for range 1 + rng.IntN(12) {
			b.WriteByte(alphabet[rng.IntN(len(alphabet))])
		}
		paths = append(paths, b.String())
	}
	plain := 0
	for _, base := range bases {
		s := &site{cfg: Config{BaseURL: base}}
		for _, p := range paths {
			if got, want := s.absURL(p), resolveURL(base, p); got != want {
				t.Errorf("base %q, path %q: %q, want %q", base, p, got, want)
			}
			if plainPath(p) {
				plain++
			}
		}
	}
	if plain < 1000 {
		t.Errorf("only %d plain paths tried: the fast way is hardly tested", plain)
	}
	if _, ok := (&site{cfg: Config{BaseURL: "https://school.example/history/"}}).absBase(); !ok {
		t.Error("a plain base URL does not take the fast way")
	}
}
