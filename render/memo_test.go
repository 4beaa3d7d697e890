package render

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/newsline/timeline/internal/changediff"
	"github.com/newsline/timeline/timeline"
	"github.com/newsline/timeline/timeline/merge"
)

// referenceChanges is changediff.Between as the plan takes it.
func referenceChanges(prev, next timeline.Timeline) *timeline.Changes {
	ch := changediff.Between(prev, next)
	return &ch
}

// editTimeline returns a copy of tl with a few random edits of the kinds an
// editor's new article or correction makes: events retitled, redated, given
// a mention, added, removed; an article's metadata changed, an article
// added or removed. tl itself is not modified.
func editTimeline(rng *rand.Rand, tl timeline.Timeline, edits int, serial *int) timeline.Timeline {
	out := timeline.Timeline{Events: slices.Clone(tl.Events), Articles: slices.Clone(tl.Articles)}
	for e := 0; e < edits && len(out.Events) > 2; e++ {
		i := rng.IntN(len(out.Events))
		ev := out.Events[i] // a copy: its slices are cloned before editing
		*serial++
		switch rng.IntN(11) {
		case 0:
			ev.Title = fmt.Sprintf("Retitled %d", *serial)
		case 1:
			d, _ := timeline.ParseDate(fmt.Sprintf("%d-%02d", 1850+rng.IntN(200), 1+rng.IntN(12)))
			ev.Start = d
		case 2:
			m := ev.Mentions[0]
			m.Text = fmt.Sprintf("Another report %d.", *serial)
			m.Article = out.Articles[rng.IntN(len(out.Articles))].Slug
			ev.Mentions = append(slices.Clone(ev.Mentions), m)
		case 3:
			ev.ID = fmt.Sprintf("new%05d", *serial)
			out.Events = append(out.Events, ev)
			continue
		case 4:
			out.Events = slices.Delete(out.Events, i, i+1)
			continue
		case 5:
			a := rng.IntN(len(out.Articles))
			out.Articles[a].Meta.Title = fmt.Sprintf("Renamed article %d", *serial)
		case 6:
			a := out.Articles[rng.IntN(len(out.Articles))]
			a.Slug = fmt.Sprintf("added%05d", *serial)
			a.Path = "content/" + a.Slug + ".md"
			out.Articles = append(out.Articles, a)
			m := ev.Mentions[0]
			m.Article = a.Slug // an event now cites the new article
			ev.Mentions = append(slices.Clone(ev.Mentions), m)
		case 8: // new entities (padded, repeated, blank) beside the old ones
			kinds := []timeline.EntityKind{timeline.Person, timeline.Place, timeline.Organisation}
			name := fmt.Sprintf("Entity new %d", *serial)
			ev.Entities = append(slices.Clone(ev.Entities),
				timeline.Entity{Name: "  " + name, Kind: kinds[*serial%3]}, timeline.Entity{Name: name, Kind: kinds[*serial%3]},
				timeline.Entity{Name: " ", Kind: timeline.Place}, timeline.Entity{Name: "Entity 7", Kind: kinds[(*serial+1)%3]})
		case 9: // entities dropped
			if len(ev.Entities) > 0 {
				ev.Entities = slices.Clone(ev.Entities[1:])
			}
		case 10: // an article's text edited where no event is dated
			a := &out.Articles[rng.IntN(len(out.Articles))]
			extra := fmt.Sprintf("\n\nA correction, number %d.\n", *serial)
			a.Raw = append(slices.Clone(a.Raw), extra...)
			a.Body += extra
			a.Text += extra
			continue
		case 7:
			if len(out.Articles) > 2 {
				a := rng.IntN(len(out.Articles))
				out.Articles = slices.Delete(out.Articles, a, a+1) // its citations now find nothing
			}
			continue
		}
		out.Events[i] = ev
	}
	merge.SortEvents(out.Events)
	slices.SortFunc(out.Articles, func(a, b timeline.Article) int {
		if c := a.Meta.Date.Compare(b.Meta.Date); c != 0 {
			return c
		}
		return bytes.Compare([]byte(a.Slug), []byte(b.Slug))
	})
	return out
}

// samePlan fails unless the two plans list the same pages with the same
// Keys, and (when render is set) the same bytes.
func samePlan(t *testing.T, what string, got, want []Page, render bool) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d pages, want %d", what, len(got), len(want))
	}
	for i := range want {
		if got[i].Path != want[i].Path || got[i].Key != want[i].Key {
			t.Fatalf("%s: page %d is %s %s, want %s %s", what, i, got[i].Path, got[i].Key, want[i].Path, want[i].Key)
		}
		if !render {
			continue
		}
		var g, w bytes.Buffer
		if err := got[i].Render(&g); err != nil {
			t.Fatal(err)
		}
		if err := want[i].Render(&w); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(g.Bytes(), w.Bytes()) {
			t.Fatalf("%s: %s differs from a full plan's", what, want[i].Path)
		}
	}
}

// sameMemo fails unless the memo inc writes (copying from the memo it was
// given) is the one a plan of tl without a memo writes, byte for byte.
func sameMemo(t *testing.T, what string, inc *Incremental, tl timeline.Timeline, cfg Config) {
	t.Helper()
	fresh, err := PlanIncremental(tl, cfg, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := fresh.AppendMemo(nil)
	var w bytes.Buffer
	if err := inc.WriteMemo(&w); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(w.Bytes(), want) {
		t.Fatalf("%s: the memo WriteMemo wrote (%d bytes) is not the one a full plan appends (%d bytes)", what, w.Len(), len(want))
	}
	if got := inc.AppendMemo(nil); !bytes.Equal(got, want) {
		n := 0
		for n < min(len(got), len(want)) && got[n] == want[n] {
			n++
		}
		t.Fatalf("%s: the memo written (%d bytes) differs from a full plan's (%d bytes) at byte %d", what, len(got), len(want), n)
	}
}

// copied is how many events' entries AppendMemo copies.
func (c memoCopies) copied() int {
	n := 0
	for _, run := range c.runs {
		n += run.n
	}
	return n
}

// roundTrip encodes the memo of a plan and reads it back, as a build does
// between two runs.
func roundTrip(t *testing.T, r *Incremental) *Memo {
	t.Helper()
	prefix := []byte("what a caller writes before\n")
	data := r.AppendMemo(prefix)
	if string(data[:len(prefix)]) != string(prefix) {
		t.Fatal("AppendMemo changed the bytes before it")
	}
	// As a build does: the bytes read from the file are the memo's.
	m, err := ParseMemoOwned(data[len(prefix):])
	if err != nil {
		t.Fatalf("reading back a memo: %v", err)
	}
	return m
}

// TestWriteMemoStreams: WriteMemo writes what AppendMemo appends, in
// chunks (here of a few hundred bytes, so copies and encoded entries
// alternate across many), and returns the writer's first error.
func TestWriteMemoStreams(t *testing.T) {
	defer func(n int) { memoChunk = n }(memoChunk)
	memoChunk = 300
	cfg := Config{Title: "Stream"}
	tl := synthetic(t, 400)
	first, err := PlanIncremental(tl, cfg, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	serial := 0
	next := editTimeline(rand.New(rand.NewPCG(3, 4)), tl, 6, &serial)
	inc, err := PlanIncremental(next, cfg, roundTrip(t, first), referenceChanges(tl, next))
	if err != nil {
		t.Fatal(err)
	}
	if c := inc.memoCopies(); c.copied() < len(next.Events)/2 || len(c.runs) < 2 {
		t.Fatalf("copies %d events in %d runs of %d events", c.copied(), len(c.runs), len(next.Events))
	}
	sameMemo(t, "small chunks", inc, next, cfg)
	writes := &countingWriter{}
	if err := inc.WriteMemo(writes); err != nil {
		t.Fatal(err)
	}
	if writes.calls < 10 {
		t.Errorf("a %d-byte memo was written in %d writes with chunks of %d bytes", writes.n, writes.calls, memoChunk)
	}
	failing := &countingWriter{failAfter: 3}
	if err := inc.WriteMemo(failing); !errors.Is(err, errFull) {
		t.Errorf("a failing writer gave %v", err)
	}
}

var errFull = errors.New("disk full")

// countingWriter counts writes and bytes; after failAfter writes (0: never)
// every write fails.
type countingWriter struct{ calls, n, failAfter int }

func (w *countingWriter) Write(p []byte) (int, error) {
	w.calls++
	if w.failAfter > 0 && w.calls > w.failAfter {
		return 0, errFull
	}
	w.n += len(p)
	return len(p), nil
}

// TestPlanIncrementalMatchesFullPlan chains randomized edits: each plan gets
// the previous plan's memo and the reference Changes, and must list the
// pages, Keys and bytes of a full plan, while reusing most digests.
func TestPlanIncrementalMatchesFullPlan(t *testing.T) {
	for _, paged := range []bool{false, true} {
		t.Run(fmt.Sprintf("paged=%v", paged), func(t *testing.T) {
			if paged {
				defer func(n int) { paginateAbove = n }(paginateAbove)
				paginateAbove = 2 // years split, and an added event moves others to another part
			}
			rng := rand.New(rand.NewPCG(8, uint64(len(fmt.Sprint(paged)))))
			cfg := Config{Title: "Memo", BaseURL: "https://example.org/t/"}
			tl := synthetic(t, 300)
			first, err := PlanIncremental(tl, cfg, nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			memo, serial, reused, articles, copied := roundTrip(t, first), 0, 0, 0, 0
			for round := 0; round < 40; round++ {
				next := editTimeline(rng, tl, 1+rng.IntN(4), &serial)
				inc, err := PlanIncremental(next, cfg, memo, referenceChanges(tl, next))
				if err != nil {
					t.Fatal(err)
				}
				full, err := Plan(next, cfg)
				if err != nil {
					t.Fatal(err)
				}
				samePlan(t, fmt.Sprintf("round %d", round), inc.Pages, full, round%4 == 0)
				if !inc.Stats.MemoUsed || inc.Stats.MemoRefuse {
					t.Fatalf("round %d: memo not used (%+v)", round, inc.Stats)
				}
				sameMemo(t, fmt.Sprintf("round %d", round), inc, next, cfg)
				copied += inc.memoCopies().copied()
				reused += inc.Stats.Digests
				articles += inc.Stats.Articles
				if inc.Stats.Keys > inc.Stats.Digests {
					t.Fatalf("round %d: %d Keys reused from %d digests", round, inc.Stats.Keys, inc.Stats.Digests)
				}
				tl, memo = next, roundTrip(t, inc)
			}
			if reused < 40*250 {
				t.Errorf("reused %d digests over 40 rounds of a 300-event timeline with a few edits each: the memo is hardly used", reused)
			}
			if articles == 0 {
				t.Error("no article page Key came from the memo")
			}
			if copied < reused/2 {
				t.Errorf("the memos copied %d events' entries of the previous memos, of %d reused digests", copied, reused)
			}
		})
	}
}

// TestPlanIncrementalRefusesWhatItCanCatch gives plans memos and Changes
// that do not fit the timeline in ways cheap checks catch; each must plan
// as a full plan does.
func TestPlanIncrementalRefusesWhatItCanCatch(t *testing.T) {
	cfg := Config{Title: "Memo"}
	tl := synthetic(t, 300)
	first, err := PlanIncremental(tl, cfg, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	data := first.AppendMemo(nil)
	allSame := &timeline.Changes{Known: true}

	moved := timeline.Timeline{Articles: tl.Articles, Events: slices.Clone(tl.Events)}
	for i := range moved.Events {
		moved.Events[i].Start.Start = moved.Events[i].Start.Start.AddDate(0, 0, 1)
	}
	retitled := timeline.Timeline{Articles: tl.Articles, Events: slices.Clone(tl.Events)}
	for i := range retitled.Events {
		if i%3 == 0 {
			retitled.Events[i].Title += " (corrected)"
		}
	}
	for _, c := range []struct {
		name string
		tl   timeline.Timeline
		cfg  Config
		ch   *timeline.Changes
	}{
		{"every date moved, Changes says none", moved, cfg, allSame},
		{"a third retitled, Changes says none", retitled, cfg, allSame},
		{"other settings", tl, Config{Title: "Other"}, allSame},
		{"Changes unknown", tl, cfg, &timeline.Changes{}},
		{"no Changes", tl, cfg, nil},
	} {
		memo, err := ParseMemo(data)
		if err != nil {
			t.Fatal(err)
		}
		inc, err := PlanIncremental(c.tl, c.cfg, memo, c.ch)
		if err != nil {
			t.Fatal(err)
		}
		full, err := Plan(c.tl, c.cfg)
		if err != nil {
			t.Fatal(err)
		}
		samePlan(t, c.name, inc.Pages, full, false)
		if inc.Stats.Digests != 0 || inc.Stats.Keys != 0 || inc.Stats.Articles != 0 {
			t.Errorf("%s: reused %+v", c.name, inc.Stats)
		}
	}
	// The honest case reuses everything.
	memo, _ := ParseMemo(data)
	inc, err := PlanIncremental(tl, cfg, memo, allSame)
	if err != nil {
		t.Fatal(err)
	}
	if inc.Stats.Digests != len(tl.Events) || inc.Stats.Keys != len(tl.Events) || inc.Stats.Articles != len(tl.Articles) {
		t.Errorf("an unchanged timeline reused %+v of %d events", inc.Stats, len(tl.Events))
	}
}

// TestParseMemoRejectsDamage flips, cuts and extends a memo: every damaged
// copy is refused, never read as another memo.
func TestParseMemoRejectsDamage(t *testing.T) {
	r, err := PlanIncremental(synthetic(t, 120), Config{}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	data := r.AppendMemo(nil)
	if _, err := ParseMemo(data); err != nil {
		t.Fatalf("intact memo: %v", err)
	}
	for _, at := range []int{0, 5, len(memoFormat) + 3, len(data) / 2, len(data) - 5, len(data) - 1} {
		bad := slices.Clone(data)
		bad[at] ^= 0x20
		if _, err := ParseMemo(bad); err == nil {
			t.Errorf("a memo with byte %d flipped was accepted", at)
		}
	}
	for _, bad := range [][]byte{nil, data[:len(data)/2], data[:len(data)-1], append(slices.Clone(data), 0)} {
		if _, err := ParseMemo(bad); err == nil {
			t.Errorf("a memo of %d bytes (of %d) was accepted", len(bad), len(data))
		}
	}
}

// BenchmarkAppendMemo encodes the memo of a 20,000-event plan, as every build
// that plans does, and reports its size.
func BenchmarkAppendMemo(b *testing.B) {
	r, err := PlanIncremental(synthetic(b, 20000), Config{}, nil, nil)
	if err != nil {
		b.Fatal(err)
	}
	var n int
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		n = len(r.AppendMemo(nil))
	}
	b.ReportMetric(float64(n)/(1<<20), "MB")
}

// TestPlanIncrementalChecksMemoRows: a memo whose row hashes do not match
// its events (every one off by a bit) gives the listing pages the Keys a
// full plan gives, the sampled recomputation catching it.
func TestPlanIncrementalChecksMemoRows(t *testing.T) {
	defer func(n int) { paginateAbove = n }(paginateAbove)
	paginateAbove = 2
	cfg := Config{Title: "Rows", BaseURL: "https://example.org/t/"}
	tl := synthetic(t, 300)
	first, err := PlanIncremental(tl, cfg, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := range first.s.rowSums {
		first.s.rowSums[i] ^= 1
	}
	inc, err := PlanIncremental(tl, cfg, roundTrip(t, first), &timeline.Changes{Known: true})
	if err != nil {
		t.Fatal(err)
	}
	if !inc.Stats.MemoUsed || inc.Stats.Digests != len(tl.Events) {
		t.Fatalf("the memo's digests were not reused: %+v", inc.Stats)
	}
	full, err := Plan(tl, cfg)
	if err != nil {
		t.Fatal(err)
	}
	samePlan(t, "rows off by a bit", inc.Pages, full, false)
	sameMemo(t, "rows off by a bit", inc, tl, cfg)
}

// TestMemoPlanKeepsOnlyFreshDigests: a plan reusing the memo keeps digests
// and row hashes only for the events it hashed afresh (the others are read
// in the memo), and its pages, Keys, bytes and memo are a full plan's.
func TestMemoPlanKeepsOnlyFreshDigests(t *testing.T) {
	defer func(n int) { paginateAbove = n }(paginateAbove)
	paginateAbove = 2
	cfg := Config{Title: "Fresh digests", BaseURL: "https://example.org/t/"}
	tl := synthetic(t, 300)
	first, err := PlanIncremental(tl, cfg, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	changed := []string{tl.Events[3].ID, tl.Events[150].ID, tl.Events[299].ID}
	inc, err := PlanIncremental(tl, cfg, roundTrip(t, first), &timeline.Changes{Known: true, Changed: changed})
	if err != nil {
		t.Fatal(err)
	}
	if !inc.Stats.MemoUsed || inc.Stats.Digests != len(tl.Events)-len(changed) {
		t.Fatalf("stats %+v, want the memo used for all but %d events", inc.Stats, len(changed))
	}
	if n := len(inc.s.eventDigests); n != len(changed) || len(inc.s.linkDigests) != n || !inc.s.rowsFromMemo || len(inc.s.rowSums) != n {
		t.Fatalf("%d digests, %d link digests, %d row hashes (from memo %v), want %d each",
			n, len(inc.s.linkDigests), len(inc.s.rowSums), inc.s.rowsFromMemo, len(changed))
	}
	full, err := Plan(tl, cfg)
	if err != nil {
		t.Fatal(err)
	}
	samePlan(t, "three events changed", inc.Pages, full, true)
	sameMemo(t, "three events changed", inc, tl, cfg)
}
