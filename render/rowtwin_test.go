package render

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
)

// TestEmbedRowsFromPlainRows renders the pages of a paginated timeline
// whose embed pages take their rows from their plain pages (rowTwin): in
// plan order (plain, then embed: rows taken), embed pages first (none
// taken), and all at once on four goroutines (-race), without and with a
// Session's PlanBuffers (its first plan: no rows kept; its second: kept
// rows), and in plan order twice. Every page must be the bytes of a plan
// whose pages make every row and their own entity table (twinMax 0,
// shareListingEntities off), and in plan order rows must have been taken. Some titles
// and an article's label need escaping.
func TestEmbedRowsFromPlainRows(t *testing.T) {
	defer func(n int) { paginateAbove = n }(paginateAbove)
	paginateAbove = 40
	tl := synthetic(t, 1500)
	for i := range tl.Events {
		if i%7 == 0 {
			tl.Events[i].Title = fmt.Sprintf(`"Quoted" & <b>%d</b> 'title'`, i)
		}
	}
	tl.Articles = slices.Clone(tl.Articles)
	tl.Articles[1].Meta.Publisher = `Publisher <&> "x"`
	cfg := Config{Title: "Twins"}

	want := map[string][]byte{}
	func() {
		defer func(n int64, share bool) { twinMax, shareListingEntities = n, share }(twinMax, shareListingEntities)
		twinMax, shareListingEntities = 0, false
		before := twinRowsTaken.Load()
		pages, err := Plan(tl, cfg)
		if err != nil {
			t.Fatal(err)
		}
		for _, pg := range pages {
			want[pg.Path] = renderBytes(t, pg)
		}
		if n := twinRowsTaken.Load() - before; n != 0 {
			t.Fatalf("twinMax 0: %d rows taken, want none", n)
		}
	}()

	check := func(what string, pages []Page, order string) {
		t.Helper()
		got := make([][]byte, len(pages))
		switch order {
		case "plan":
			for i, pg := range pages {
				got[i] = renderBytes(t, pg)
			}
		case "plan, twice":
			for range 2 {
				for i, pg := range pages {
					got[i] = renderBytes(t, pg)
				}
			}
		case "embed first":
			for i, pg := range pages {
				if bytes.HasPrefix([]byte(pg.Path), []byte("embed/")) {
					got[i] = renderBytes(t, pg)
				}
			}
			for i, pg := range pages {
				if got[i] == nil {
					got[i] = renderBytes(t, pg)
				}
			}
		case "parallel":
			var wg sync.WaitGroup
			var mu sync.Mutex
			var errs []error
			next := make(chan int)
			for range 4 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := range next {
						var b bytes.Buffer
						if err := pages[i].Render(&b); err != nil {
							mu.Lock()
							errs = append(errs, err)
							mu.Unlock()
						}
						got[i] = b.Bytes()
					}
				}()
			}
			for i := range pages {
				next <- i
			}
			close(next)
			wg.Wait()
			if len(errs) > 0 {
				t.Fatal(errs[0])
			}
		}
		for i, pg := range pages {
			if w, ok := want[pg.Path]; !ok || !bytes.Equal(got[i], w) {
				t.Fatalf("%s, %s: %s differs from the page made row by row", what, order, pg.Path)
			}
		}
	}
	for _, order := range []string{"plan", "plan, twice", "embed first", "parallel"} {
		before := twinRowsTaken.Load()
		pages, err := Plan(tl, cfg)
		if err != nil {
			t.Fatal(err)
		}
		check("no buffers", pages, order)
		taken := twinRowsTaken.Load() - before
		switch {
		case order == "plan" && taken == 0:
			t.Errorf("plan order: no row taken from a plain page")
		case order == "embed first" && taken != 0:
			t.Errorf("embed pages first: %d rows taken, want none", taken)
		}
		t.Logf("%s: %d rows taken", order, taken)

		lent := cfg
		lent.Buffers = &PlanBuffers{}
		for _, build := range []string{"first", "second"} {
			before := twinRowsTaken.Load()
			pages, err := Plan(tl, lent)
			if err != nil {
				t.Fatal(err)
			}
			check("buffers, "+build, pages, order)
			if order == "plan" && twinRowsTaken.Load() == before {
				t.Errorf("buffers, %s plan: no row taken from a plain page", build)
			}
		}
		if lent.Buffers.RowsReused() == 0 {
			t.Errorf("%s: the second plan reused no kept row", order)
		}
	}
}

func renderBytes(t *testing.T, pg Page) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := pg.Render(&b); err != nil {
		t.Fatalf("%s: %v", pg.Path, err)
	}
	return b.Bytes()
}

// BenchmarkListingPairs renders the listing pages (years/ and embed/, each
// plain page followed by its embed page, as a build writes them) of a
// 10,000-event site planned afresh for each iteration (the plan is not
// timed), with the embed pages taking their rows from the plain pages'
// (twins=on) or making them (twins=off).
func BenchmarkListingPairs(b *testing.B) {
	defer func(n int) { paginateAbove = n }(paginateAbove)
	paginateAbove = 200
	tl := synthetic(b, 10000)
	cfg := Config{Title: "Benchmark", BaseURL: "https://school.example/history/"}
	for _, on := range []bool{true, false} {
		b.Run(fmt.Sprintf("twins=%v", on), func(b *testing.B) {
			defer func(n int64) { twinMax = n }(twinMax)
			if !on {
				twinMax = 0
			}
			var buf bytes.Buffer
			b.ReportAllocs()
			rows := 0
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				plan, err := Plan(tl, cfg)
				if err != nil {
					b.Fatal(err)
				}
				var pages []Page
				for _, p := range plan {
					if strings.HasPrefix(p.Path, "years/") || strings.HasPrefix(p.Path, "embed/") || p.Path == "index.html" {
						pages = append(pages, p)
					}
				}
				b.StartTimer()
				before := twinRowsTaken.Load()
				for _, p := range pages {
					buf.Reset()
					if err := p.Render(&buf); err != nil {
						b.Fatal(err)
					}
				}
				rows = int(twinRowsTaken.Load() - before)
			}
			b.ReportMetric(float64(rows), "rows-taken")
		})
	}
}
