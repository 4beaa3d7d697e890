package events_test

import (
	"errors"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/newsline/timeline/timeline"
	"github.com/newsline/timeline/timeline/events"
	"github.com/newsline/timeline/timeline/timex"
)

// batchCorpus is articles enough for three batches of ExtractAll, the last
// one short.
func batchCorpus(t *testing.T) []timeline.Article {
	t.Helper()
	return benchCorpus(t, 2*events.BatchArticles+37)
}

// TestExtractAllIsExtract checks ExtractAll, which resolves a batch of
// articles into buffers reused batch after batch (and call after call),
// against Extract article by article: the same events, none of them
// changed by the batches after theirs.
func TestExtractAllIsExtract(t *testing.T) {
	arts := batchCorpus(t)
	want := make([][]timeline.Event, len(arts))
	dated := 0
	for i, a := range arts {
		want[i] = events.Extract(a)
		for _, ev := range want[i] {
			if !ev.Lead {
				dated++
			}
		}
	}
	if dated < len(arts) {
		t.Fatalf("only %d dated events in %d articles: the test would not see dates go wrong", dated, len(arts))
	}
	for call := 0; call < 2; call++ {
		got := events.ExtractAll(arts, nil)
		if len(got) != len(arts) {
			t.Fatalf("call %d: %d results for %d articles", call, len(got), len(arts))
		}
		for i := range arts {
			if !reflect.DeepEqual(got[i], want[i]) {
				t.Fatalf("call %d, article %d (%s): ExtractAll differs from Extract", call, i, arts[i].Path)
			}
		}
	}
	// Long articles: batches cut by their text's size, one a batch alone.
	long := slices.Clone(arts)
	for _, i := range []int{10, 11, 12, 300, 301} {
		a := long[i]
		for len(a.Text) < events.BatchBytes/3 {
			a.Text += "\n\n" + a.Text
		}
		if i == 301 {
			a.Text += "\n\n" + a.Text + "\n\n" + a.Text
		}
		long[i] = a
		want[i] = events.Extract(a)
	}
	got := events.ExtractAll(long, nil)
	for i := range long {
		if !reflect.DeepEqual(got[i], want[i]) {
			t.Fatalf("long articles, article %d (%s): ExtractAll differs from Extract", i, long[i].Path)
		}
	}
	if got := events.ExtractAll(nil, nil); len(got) != 0 {
		t.Fatalf("no articles: %d results", len(got))
	}
	if got := events.ExtractAll(arts[:1], nil); !reflect.DeepEqual(got[0], want[0]) {
		t.Fatal("one article: differs from Extract")
	}
}

// panickyOffsets panics when asked to map an offset: extraction, which
// maps every mention, panics.
type panickyOffsets struct{}

func (panickyOffsets) Original(int) int { panic("offsets: broken") }

// TestExtractAllRecoversPerArticle makes the resolver panic on two articles
// and the extractor on two others, in different batches: failed hears of
// the four in index order, their events are nil, and every other article
// has Extract's events. With failed nil the panic reaches the caller.
func TestExtractAllRecoversPerArticle(t *testing.T) {
	arts := batchCorpus(t)
	want := make([][]timeline.Event, len(arts))
	for i, a := range arts {
		want[i] = events.Extract(a)
	}
	const mark = "zqxresolvepanic"
	resolvePanics := []int{5, events.BatchArticles + 20}
	extractPanics := []int{3, events.BatchArticles + 19, 2*events.BatchArticles + 36}
	for _, i := range resolvePanics {
		arts[i].Text += "\n\n" + mark
	}
	for _, i := range extractPanics {
		if len(want[i]) == 0 {
			t.Fatalf("article %d has no events: its extraction would not map an offset", i)
		}
		arts[i].Offsets = panickyOffsets{}
	}
	defer events.SetResolveAppend(func(dst []timeline.Timex, text string, dct time.Time) []timeline.Timex {
		dst = timex.ResolveAppend(dst, text, dct) // fills the buffer first
		if strings.Contains(text, mark) {
			panic(errors.New("resolver: broken"))
		}
		return dst
	})()

	var failedAt []int
	got := events.ExtractAll(arts, func(i int, p any) {
		failedAt = append(failedAt, i)
		if p == nil {
			t.Errorf("article %d: failed with a nil panic value", i)
		}
	})
	wantFailed := slices.Sorted(slices.Values(append(slices.Clone(resolvePanics), extractPanics...)))
	if !slices.Equal(failedAt, wantFailed) {
		t.Fatalf("failed called for %v, want %v", failedAt, wantFailed)
	}
	for i := range arts {
		if slices.Contains(wantFailed, i) {
			if got[i] != nil {
				t.Errorf("article %d failed but has %d events", i, len(got[i]))
			}
			continue
		}
		if !reflect.DeepEqual(got[i], want[i]) {
			t.Fatalf("article %d (%s): differs from Extract after another article's panic", i, arts[i].Path)
		}
	}

	func() {
		defer func() {
			if p := recover(); p == nil {
				t.Error("failed nil: no panic reached the caller")
			}
		}()
		events.ExtractAll(arts, nil)
	}()
}

// TestBatchBounds checks that ExtractAll's batches cover the articles in
// order, each at most BatchArticles articles and BatchBytes of text (or one
// article), and as long as both bounds let it be.
func TestBatchBounds(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for round := 0; round < 200; round++ {
		arts := make([]timeline.Article, rng.IntN(700))
		for i := range arts {
			n := rng.IntN(4000)
			if rng.IntN(50) == 0 {
				n = rng.IntN(2 * events.BatchBytes)
			}
			arts[i].Text = strings.Repeat("x", n)
		}
		for from := 0; from < len(arts); {
			to := events.BatchEnd(arts, from)
			size := 0
			for _, a := range arts[from:to] {
				size += len(a.Text)
			}
			switch {
			case to <= from:
				t.Fatalf("round %d: empty batch at %d", round, from)
			case to-from > events.BatchArticles:
				t.Fatalf("round %d: batch [%d,%d) of %d articles", round, from, to, to-from)
			case to-from > 1 && size > events.BatchBytes:
				t.Fatalf("round %d: batch [%d,%d) of %d bytes", round, from, to, size)
			case to < len(arts) && to-from < events.BatchArticles && size+len(arts[to].Text) <= events.BatchBytes:
				t.Fatalf("round %d: batch [%d,%d) stops before an article that fits", round, from, to)
			}
			from = to
		}
	}
}
