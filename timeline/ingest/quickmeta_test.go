package ingest

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/newsline/timeline/internal/newscorpus"
)

// quickAgrees fails t when quickMeta reads data and the full parse does not
// give the same Meta and date flag without error. It returns whether
// quickMeta read it.
func quickAgrees(t *testing.T, data []byte) bool {
	t.Helper()
	qm, qHas, ok := quickMeta(data)
	if !ok {
		return false
	}
	fm, fHas, err := decodeYAMLMeta("f.md", data, 2)
	if err != nil {
		t.Errorf("quickMeta read %q, the full parse fails: %v", data, err)
		return true
	}
	if !reflect.DeepEqual(qm, fm) || qHas != fHas {
		t.Errorf("front matter %q:\nquick %+v %v\nfull  %+v %v", data, qm, qHas, fm, fHas)
	}
	return true
}

// TestQuickMetaReadsTheCommonShape: the generated corpus's front matter and
// the repository's articles and sidecars are read by quickMeta (else it is
// no faster) and as the full parse reads them.
func TestQuickMetaReadsTheCommonShape(t *testing.T) {
	gen := newscorpus.New(20240614)
	for i := 0; i < 300; i++ {
		fm, _, err := splitFrontMatter("a.md", gen.Article(i))
		if err != nil {
			t.Fatal(err)
		}
		if !quickAgrees(t, fm) {
			t.Fatalf("quickMeta gives up on the generated front matter %q", fm)
		}
	}
	read, total := 0, 0
	for _, pattern := range []string{"../../content/*.md", "../../seeds/*.yaml", "testdata/*.md", "testdata/*.yaml"} {
		paths, _ := filepath.Glob(pattern)
		for _, p := range paths {
			raw, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			fm := raw
			if strings.HasSuffix(p, ".md") {
				if fm, _, err = splitFrontMatter(p, raw); err != nil {
					continue // a test file with broken front matter on purpose
				}
			}
			total++
			if quickAgrees(t, fm) {
				read++
			}
		}
	}
	t.Logf("quickMeta read %d of the repository's %d front matters", read, total)
}

// TestQuickMetaAgreesWithYAML builds front matter from keys and values
// chosen to sit on both sides of what quickMeta reads (quotes, colons,
// hashes, nulls, booleans, numbers, lists, odd spacing, non-ASCII,
// repeated and unknown keys): whatever it reads must be read as the YAML
// parser reads it, and it must read the plain ones.
func TestQuickMetaAgreesWithYAML(t *testing.T) {
	keys := []string{"title", "date", "source", "author", "publisher", "slug", "tags", "draft", "sample", "extra", "Title"}
	values := []string{"", " ", "  Plain words", "Plain title", "Plain title ", "plain.with_dots/and-hyphens",
		`"Quoted: with # and 'quotes'"`, `""`, `"café – ü"`, `"a\"b"`, `"a \ b"`, `"tab	in"`, `'single'`, `'it''s'`,
		"2024-06-14", "2024-6-14", "2024-06-14T09:30:00Z", "1999-01-01", "0999-01-01", "2024", "42", "0x1F", "1e3", ".5", "-1",
		"https://example.org/a", "http://x", "https:/x", "javascript:alert(1)", "ftp://example.org", "https://",
		"true", "false", "True", "FALSE", "yes", "no", "on", "null", "Null", "NULL", "~", "nullable",
		"a #b", "a: b", "a:b", "-x", "x-", "?x", "&x", "*x", "!x", "|", ">", "%x", "@x", "`x`",
		"[a, b]", "[a,b]", "[]", "[ ]", "[a, ]", `["a"]`, "[a b, c.d]", "[a: b]", "[null]", "[true, 2]", "[a, [b]]", "{a: b}",
		"kestria-envoy", "Kestria Envoy", "a/../b", "Über", "x\r"}
	r := rand.New(rand.NewPCG(1, 2))
	read := 0
	for n := 0; n < 20000; n++ {
		var b strings.Builder
		for lines := 1 + r.IntN(5); lines > 0; lines-- {
			switch r.IntN(12) {
			case 0:
				b.WriteString("\n") // a blank line
			case 1:
				b.WriteString("# a comment: [with] \"marks\"\n")
			case 2:
				b.WriteString(" # an indented comment\n")
			}
			b.WriteString(keys[r.IntN(len(keys))])
			b.WriteString(":")
			if v := values[r.IntN(len(values))]; v != "" {
				b.WriteString(" ")
				b.WriteString(v)
			}
			b.WriteString("\n")
		}
		if quickAgrees(t, []byte(b.String())) {
			read++
		}
	}
	if read < 500 {
		t.Errorf("quickMeta read only %d of 20,000 front matters", read)
	}
	t.Logf("quickMeta read %d of 20,000", read)
}

// FuzzQuickMeta: whatever front matter quickMeta reads, the YAML parser
// reads alike (go test -fuzz FuzzQuickMeta ./timeline/ingest).
func FuzzQuickMeta(f *testing.F) {
	for _, s := range []string{"title: \"T\"\ndate: 2024-06-14\ntags: [a, b]\n", "draft: true\nslug: a-b\n",
		"source: https://example.org/x\n# note\n\nauthor: A B\n", "title: null\n", "tags: [a, ]\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) { quickAgrees(t, data) })
}
