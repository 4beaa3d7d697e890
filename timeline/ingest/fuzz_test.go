package ingest

import (
	"os"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/newsline/timeline/timeline"
)

// Fuzz targets call parse, not Parse, so a panic in our code or in the YAML
// and Markdown parsers is found instead of recovered. Seed corpus:
// testdata/fuzz/<Target>/. Run: go test -run '^$' -fuzz FuzzClean -fuzztime 20s ./timeline/ingest

// FuzzClean feeds raw PDF/web text through the cleaner.
func FuzzClean(f *testing.F) {
	if seed, err := os.ReadFile(seedPath); err == nil {
		f.Add(seed)
	}
	f.Add([]byte("A long-\nterm plan between Paris and\n\n\nhttps://x.org/a\n\nBerlin.\n\fPhoto: X / Y\n"))
	f.Fuzz(func(t *testing.T, raw []byte) {
		a, err := parse("x.txt", raw, nil, Options{Date: day})
		if err != nil {
			if _, ok := err.(*Error); !ok {
				t.Fatalf("error %v is %T, want *Error", err, err)
			}
			return
		}
		checkInvariants(t, a)
		checkWordsMap(t, a)
	})
}

// FuzzFrontMatter feeds Markdown files with (broken) front matter.
func FuzzFrontMatter(f *testing.F) {
	f.Add([]byte(goodMD))
	f.Add([]byte("---\ndate: &d 2024-06-14\ntitle: *d\n---\n"))
	f.Add([]byte("---\ntitle: [\n---\n"))
	f.Fuzz(func(t *testing.T, raw []byte) {
		a, err := parse("x.md", raw, nil, Options{})
		if err != nil {
			if e, ok := err.(*Error); !ok || e.Path != "x.md" {
				t.Fatalf("error %v is %T, want *Error naming x.md", err, err)
			}
			return
		}
		checkInvariants(t, a)
	})
}

// checkInvariants holds for every article parse accepts.
func checkInvariants(t *testing.T, a timeline.Article) {
	t.Helper()
	if !utf8.ValidString(a.Text) {
		t.Fatalf("Text not UTF-8: %q", a.Text)
	}
	if strings.ContainsFunc(a.Text, func(r rune) bool { return r < 0x20 && r != '\n' || r == 0x7F }) {
		t.Fatalf("control character in Text %q", a.Text)
	}
	if !slugForm.MatchString(a.Slug) {
		t.Fatalf("slug %q", a.Slug)
	}
	prev := 0
	for i := 0; i <= len(a.Text); i++ {
		o := a.Offsets.Original(i)
		if o < prev || o > len(a.Raw) {
			t.Fatalf("Original(%d) = %d (prev %d, len(Raw) %d)", i, o, prev, len(a.Raw))
		}
		prev = o
	}
	for _, s := range a.SetAside {
		if s.Start < 0 || s.Start > s.End || s.End > len(a.Raw) {
			t.Fatalf("SetAside %v out of Raw (%d)", s, len(a.Raw))
		}
	}
}
