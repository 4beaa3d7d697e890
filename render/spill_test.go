package render

import (
	"strings"
	"testing"

	"github.com/newsline/timeline/internal/bytediff"
	"github.com/newsline/timeline/timeline"
)

// withSpillAt sets spillAt for one test.
func withSpillAt(t *testing.T, n int) {
	saved := spillAt
	spillAt = n
	t.Cleanup(func() { spillAt = saved })
}

// hostileSynthetic is a synthetic timeline whose titles need cleaning
// (controls, invalid UTF-8, noncharacters) and hold multi-byte text, some
// of them and not others, so that pieces of a listing page passed on as
// its rows are made meet clean and unclean text.
func hostileSynthetic(t *testing.T, n int) timeline.Timeline {
	tl := synthetic(t, n)
	bad := []string{"NUL\x00 here", "bell\x07", "bad\xff\xfe bytes", "C1 \u0085", "nonchar \uFFFF", "split \xe2\x82", "é ü ñ 漢字"}
	for i := range tl.Events {
		if i%3 == 0 {
			tl.Events[i].Title += " " + bad[i%len(bad)]
		}
	}
	return tl
}

// TestSpilledListingPagesEqualWholeOnes: with listing pages passed on to
// their file a few rows at a time (pieces of 1 byte, 97 bytes, 4 KB), every
// page of a site with hostile titles is byte for byte what the page held
// whole gives, whether its shell is used or html/template writes it.
func TestSpilledListingPagesEqualWholeOnes(t *testing.T) {
	for _, shells := range []bool{true, false} {
		saved := shellsOff
		shellsOff = !shells
		tl := hostileSynthetic(t, 400)
		cfg := Config{Title: "Spill"}
		withSpillAt(t, 1<<40)
		want := build(t, tl, cfg)
		for _, at := range []int{1, 97, 4096} {
			spillAt = at
			got := build(t, tl, cfg)
			if len(got) != len(want) {
				t.Fatalf("shells %v, spill at %d: %d files, want %d", shells, at, len(got), len(want))
			}
			for p, page := range want {
				if got[p] != page {
					t.Fatalf("shells %v, spill at %d: %s differs from the page held whole:\n%s", shells, at, p, bytediff.First(got[p], page))
				}
			}
		}
		shellsOff = saved
	}
}

// TestListingPagesAreSpilled: a listing page (the timeline, a year) reaches
// its writer in many writes, none much over spillAt bytes, rather than in one.
func TestListingPagesAreSpilled(t *testing.T) {
	withSpillAt(t, 4096)
	pages, err := Plan(synthetic(t, 400), Config{Title: "Spill"}) // clean: a page held whole is one write
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, pg := range pages {
		if pg.Path != "index.html" && !strings.HasPrefix(pg.Path, "years/") {
			continue
		}
		var w writeSizes
		if err := pg.Render(&w); err != nil {
			t.Fatal(err)
		}
		if w.total < 4*4096 {
			continue
		}
		checked++
		if w.writes < w.total/(2*4096) || w.largest > w.total/2 {
			t.Errorf("%s: %d bytes in %d writes, the largest %d: not passed on as its rows were made", pg.Path, w.total, w.writes, w.largest)
		}
	}
	if checked == 0 {
		t.Fatal("no listing page of 16 KB or more to check")
	}
}

type writeSizes struct{ writes, total, largest int }

func (w *writeSizes) Write(p []byte) (int, error) {
	w.writes++
	w.total += len(p)
	w.largest = max(w.largest, len(p))
	return len(p), nil
}
