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

// BenchmarkOriginalSpan maps spans of 40 to 240 bytes, at offsets spread
// over the text as an extraction's mentions are, through the map of the
// events package's test articles (many segments: quotes, apostrophes).
func BenchmarkOriginalSpan(b *testing.B) {
	paths, _ := filepath.Glob("../events/testdata/*.md")
	var maps []*Offsets
	var lens []int
	for _, p := range paths {
		raw, err := os.ReadFile(p)
		if err != nil {
			b.Fatal(err)
		}
		a, err := Parse(filepath.Base(p), raw, nil, Options{Date: day})
		if err != nil {
			b.Fatal(p, err)
		}
		if len(a.Text) > 300 {
			maps, lens = append(maps, a.Offsets.(*Offsets)), append(lens, len(a.Text))
		}
	}
	if len(maps) == 0 {
		b.Skip("no test articles")
	}
	b.ResetTimer()
	sum, x := 0, uint32(1)
	for n := 0; n < b.N; n++ {
		k := n % len(maps)
		x = x*1664525 + 1013904223 // a fixed pseudo-random sequence
		start := int(x>>8) % (lens[k] - 250)
		s, e := maps[k].OriginalSpan(start, start+40+int(x>>24)%200)
		sum += s + e
	}
	if sum == 0 {
		b.Fatal("no spans")
	}
}

// TestSegmentAtIsTheLastSegmentStarting checks segmentAt's binary search
// against a scan, for a rewrite of it to be held to: for maps of 1 to 70 segments of 1 to 3 bytes (so every
// length's halving and every split is met), from every segment from, it
// returns the last segment starting at or before i, for every i from
// segs[from].text to the end of the text.
func TestSegmentAtIsTheLastSegmentStarting(t *testing.T) {
	for n := 1; n <= 70; n++ {
		segs := make([]segment, n)
		text := 0
		for k := range segs {
			segs[k].text = int32(text)
			text += 1 + (k*7+n)%3
		}
		for from := 0; from < n; from++ {
			for i := int(segs[from].text); i < text; i++ {
				want := from
				for k := from; k < n && int(segs[k].text) <= i; k++ {
					want = k
				}
				if got := segmentAt(segs, from, i); got != want {
					t.Fatalf("%d segments, from %d: segmentAt(%d) = %d; want %d", n, from, i, got, want)
				}
			}
		}
	}
}
