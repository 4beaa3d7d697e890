package ingest

import (
	"os"
	"path/filepath"
	"testing"
)

// TestOriginalSpanIsOriginalAndOriginalEnd compares OriginalSpan with the
// two calls it stands for, over every span of up to 80 bytes and spans to
// the end, starting at every offset (and out of range), of texts whose maps
// have many segments: curly quotes, ligatures, rejoined lines and
// hyphenation, Markdown, the seed article and the events package's test
// articles.
func TestOriginalSpanIsOriginalAndOriginalEnd(t *testing.T) {
	type input struct {
		path string
		raw  []byte
	}
	inputs := []input{
		{"q.txt", []byte("\u201cWe will leave,\u201d Pashinyan\u2019s aide said of \u00abthe bloc\u00bb and its \ufb01nal \u2018offer\u2019.")},
		{"h.txt", []byte("The minis-\nter said on\nMonday that the\n\nagree-\nment of \u201cthe \ufb01rst\u201d kind\nwas signed.\n")},
		{"m.md", []byte("---\ntitle: T\ndate: 2024-06-14\n---\n# Head\n\nA *word* and **more** &amp; [a link](http://x.y) \u2019s end.\n\n- item one\n- item \ufb02ow\n")},
	}
	if raw, err := os.ReadFile(seedPath); err == nil {
		inputs = append(inputs, input{"seed.txt", raw})
	}
	paths, _ := filepath.Glob("../events/testdata/*.md")
	for _, p := range paths {
		raw, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		inputs = append(inputs, input{filepath.Base(p), raw})
	}
	var nil0 *Offsets
	spans := 0
	for _, in := range inputs {
		a, err := Parse(in.path, in.raw, nil, Options{Date: day})
		if err != nil {
			t.Fatal(in.path, err)
		}
		om, ok := a.Offsets.(*Offsets)
		if !ok {
			t.Fatalf("%s: Offsets is %T", in.path, a.Offsets)
		}
		n := len(a.Text)
		for _, o := range []*Offsets{om, nil0, {}} {
			for s := -2; s <= n+2; s++ {
				check := func(e int) {
					spans++
					ws, we := o.Original(s), o.OriginalEnd(e)
					if gs, ge := o.OriginalSpan(s, e); gs != ws || ge != we {
						t.Fatalf("%s (%d segments): OriginalSpan(%d, %d) = %d, %d; want %d, %d", in.path, len(o.segsOrNil()), s, e, gs, ge, ws, we)
					}
				}
				for e := s - 1; e <= s+80; e++ {
					check(e)
				}
				for e := s + 81; e <= n+2; e += 97 {
					check(e)
				}
				check(n)
			}
		}
		if len(om.segs) < 3 && n > 0 {
			t.Errorf("%s: %d segments: the map is too simple to test", in.path, len(om.segs))
		}
	}
	t.Logf("%d inputs, %d spans", len(inputs), spans)
}

func (o *Offsets) segsOrNil() []segment {
	if o == nil {
		return nil
	}
	return o.segs
}
