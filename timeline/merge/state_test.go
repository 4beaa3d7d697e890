package merge_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/newsline/timeline/internal/changediff"
	"github.com/newsline/timeline/timeline"
	"github.com/newsline/timeline/timeline/merge"
)

// world is a site that changes from build to build: articles by slug.
type world struct {
	rng   *rand.Rand
	title func() string
	date  func() timeline.Date
	arts  map[string]timeline.Article
	evs   map[string][]timeline.Event
	next  int
}

func newWorld(rng *rand.Rand, n int) *world {
	title, date := randomWords(rng)
	w := &world{rng: rng, title: title, date: date, arts: map[string]timeline.Article{}, evs: map[string][]timeline.Event{}}
	for k := 0; k < n; k++ {
		w.add()
	}
	return w
}

func (w *world) add() {
	slug := fmt.Sprintf("art%05d", w.next)
	w.next++
	w.arts[slug], w.evs[slug] = randomArticle(w.rng, slug, w.title, w.date)
}

func (w *world) pick() string {
	slugs := w.slugs()
	if len(slugs) == 0 {
		return ""
	}
	return slugs[w.rng.IntN(len(slugs))]
}

func (w *world) slugs() []string {
	var out []string
	for s := range w.arts {
		out = append(out, s)
	}
	slices.Sort(out)
	return out
}

// change makes one random change: add, remove, re-extract (new events),
// move the publication date, rename the slug, duplicate an event (a tie in
// canonical order) or drop one.
func (w *world) change() string {
	slug := w.pick()
	op := w.rng.IntN(8)
	if slug == "" {
		op = 0
	}
	switch op {
	case 0:
		w.add()
		return "add"
	case 1:
		delete(w.arts, slug)
		delete(w.evs, slug)
		return "remove"
	case 2:
		art := w.arts[slug]
		_, evs := randomArticle(w.rng, slug, w.title, w.date)
		w.evs[slug] = evs
		w.arts[slug] = art
		return "edit"
	case 3:
		art := w.arts[slug]
		art.Meta.Date = art.Meta.Date.AddDate(0, 0, w.rng.IntN(600)-300)
		w.arts[slug] = art
		return "pub"
	case 4:
		to := fmt.Sprintf("ren%05d", w.next)
		w.next++
		art := w.arts[slug]
		art.Slug = to
		evs := slices.Clone(w.evs[slug])
		for k := range evs {
			evs[k].Mentions = slices.Clone(evs[k].Mentions)
			for m := range evs[k].Mentions {
				evs[k].Mentions[m].Article = to
			}
		}
		delete(w.arts, slug)
		delete(w.evs, slug)
		w.arts[to], w.evs[to] = art, evs
		return "rename"
	case 5:
		if evs := w.evs[slug]; len(evs) > 0 {
			w.evs[slug] = append(slices.Clone(evs), evs[w.rng.IntN(len(evs))])
		}
		return "duplicate"
	case 6:
		if evs := w.evs[slug]; len(evs) > 0 {
			k := w.rng.IntN(len(evs))
			w.evs[slug] = slices.Delete(slices.Clone(evs), k, k+1)
		}
		return "drop"
	}
	return "none"
}

// input returns the articles in a random order, their events and keys (a
// hash of the slug and the events: what a content key covers).
func (w *world) input() ([]timeline.Article, [][]timeline.Event, [][32]byte) {
	slugs := w.slugs()
	w.rng.Shuffle(len(slugs), func(a, b int) { slugs[a], slugs[b] = slugs[b], slugs[a] })
	arts := make([]timeline.Article, len(slugs))
	per := make([][]timeline.Event, len(slugs))
	keys := make([][32]byte, len(slugs))
	for i, s := range slugs {
		arts[i], per[i] = w.arts[s], w.evs[s]
		b, _ := json.Marshal(per[i])
		keys[i] = sha256.Sum256(append([]byte(s+"\x00"), b...))
	}
	return arts, per, keys
}

func digest(t *testing.T, tl timeline.Timeline) [32]byte {
	t.Helper()
	b, err := json.Marshal(tl)
	if err != nil {
		t.Fatal(err)
	}
	return sha256.Sum256(b)
}

// seqStats sums what a sequence of updates did.
type seqStats struct {
	merge.UpdateStats
	Suffixed int // events with an ID suffix ("-2"...) in the merged timelines

	Appends, Compactions int   // split saves that appended to the events file, or wrote it anew
	KeptBase             int   // split saves that kept the adjacency lists' base
	Appended, Written    int64 // bytes the appending saves appended; the last save that wrote the file anew wrote
	StateBytes           int64 // the split saves' state bytes
}

// splitFiles are a split state's two files in memory: the state's bytes and
// the events file, which saves append to (never changing its bytes in
// place: a state decoded before reads them) or write anew.
type splitFiles struct {
	events               []byte
	appends, compactions int
	keptBase             int
	appendedBytes        int64 // by the appending saves
	writtenBytes         int64 // by the last save that wrote the file anew
	stateBytes           int64
}

type splitSaved struct {
	state    []byte
	appended []byte // what the save wrote to the events file
}

// eventsHeader stands for the site's events file header: the state's
// offsets count from the file's start, whatever precedes the encodings.
const eventsHeader = "events file\n"

func (f *splitFiles) save(t *testing.T, st *merge.State) splitSaved {
	t.Helper()
	var out, added bytes.Buffer
	side := merge.EventsSide{Out: &added, At: int64(len(eventsHeader)), Sum: crc32.Checksum([]byte(eventsHeader), crc32.MakeTable(crc32.Castagnoli))}
	at, sum, ok := st.SideAppendable()
	if ok && at == int64(len(f.events)) {
		side = merge.EventsSide{Out: &added, At: at, Sum: sum, Append: true}
	}
	got, err := st.EncodeSplit(&out, side)
	if err != nil {
		t.Fatalf("EncodeSplit: %v", err)
	}
	if got.KeptBase {
		f.keptBase++
	}
	if side.Append {
		f.events = append(f.events, added.Bytes()...) // past the old length: the old bytes stay
		f.appends++
		f.appendedBytes += got.Written
	} else {
		f.events = append([]byte(eventsHeader), added.Bytes()...) // a new file
		f.compactions++
		f.writtenBytes = got.Written
	}
	f.stateBytes += int64(out.Len())
	if got.Len != int64(len(f.events)) || got.Written != int64(added.Len()) ||
		got.Sum != crc32.Checksum(f.events, crc32.MakeTable(crc32.Castagnoli)) {
		t.Fatalf("EncodeSplit says the events file is %d bytes (CRC %08x, %d written); it is %d", got.Len, got.Sum, got.Written, len(f.events))
	}
	return splitSaved{state: out.Bytes(), appended: added.Bytes()}
}

// decode reads the saved state as a fresh process does, with the events
// file's first bytes it names.
func (f *splitFiles) decode(t *testing.T, saved splitSaved) *merge.State {
	t.Helper()
	head, events, tail := cutState(saved.state)
	n, ok := merge.StateSideLength(events)
	if !ok || n > int64(len(f.events)) {
		t.Fatalf("the state names an events file of %d bytes (ok %v); it has %d", n, ok, len(f.events))
	}
	st, err := merge.DecodeStateSplit(head, events, tail, f.events[:n:n], nil)
	if err != nil {
		t.Fatalf("decoding the split state: %v", err)
	}
	return st
}

// cutState cuts an encoding into head, events section and tail.
func cutState(enc []byte) (head, events, tail []byte) {
	cut := len(enc) - merge.StateTailLen
	evLen, _ := merge.StateEventsLength(enc[cut:])
	at := cut - int(evLen)
	return enc[:at], enc[at:cut], enc[cut:]
}

// checkSequence runs steps builds of a changing world, each merged by
// Update from the previous build's state and by Merge from scratch, and
// requires the same timeline and exact changes.
func checkSequence(t *testing.T, w *world, steps, maxChanges int) seqStats {
	t.Helper()
	return checkSequenceVia(t, w, steps, maxChanges, inMemory)
}

// How a sequence carries its state from build to build.
const (
	inMemory     = iota
	decodedEach  // encoded and decoded before every build (fresh processes)
	decodedFirst // decoded once, then updated in memory (a decoded state reused)
	splitEach    // saved split (EncodeSplit, appending to an events file) and decoded before every build
	splitKept    // saved split after every build and kept (SideSaved, a Session), decoded every third build
)

// checkSequenceVia is checkSequence; viaBytes encodes the state after each
// build and updates a decoded copy, as a fresh process does.
func checkSequenceVia(t *testing.T, w *world, steps, maxChanges int, mode int) seqStats {
	t.Helper()
	defer merge.ScribbleReused()() // a timeline the state returned lives until its next Update
	arts, per, keys := w.input()
	prev, st := merge.NewState(arts, func(i int) []timeline.Event { return per[i] }, keys)
	if want := merge.Merge(arts, per); !reflect.DeepEqual(prev, want) {
		t.Fatalf("NewState's timeline differs from Merge's")
	}
	prev = detached(prev)
	var total seqStats
	files := &splitFiles{}
	for step := 0; step < steps; step++ {
		var ops []string
		for k := 0; k < 1+w.rng.IntN(maxChanges); k++ {
			ops = append(ops, w.change())
		}
		arts, per, keys = w.input()
		viaBytes := mode == decodedEach || (mode == decodedFirst && step == 0) || mode == splitEach || mode == splitKept && step%3 == 2
		switch {
		case mode == splitEach || mode == splitKept:
			saved := files.save(t, st)
			if !st.SideSaved(saved.appended) {
				t.Fatalf("step %d: the state refused what its save appended", step)
			}
			if viaBytes {
				st = files.decode(t, saved)
			}
		case viaBytes:
			var err error
			if st, err = merge.DecodeState(st.Encode(nil)); err != nil {
				t.Fatalf("step %d: decoding the state: %v", step, err)
			}
		}
		got, changes := st.Update(arts, func(i int) []timeline.Event { return per[i] }, keys)
		want := merge.Merge(arts, per)
		if !reflect.DeepEqual(got, want) || digest(t, got) != digest(t, want) {
			t.Fatalf("step %d (%v): Update's timeline differs from Merge's (%d vs %d events)", step, ops, len(got.Events), len(want.Events))
		}
		if st.Stats.Full {
			t.Fatalf("step %d (%v): Update fell back to a whole merge", step, ops)
		}
		// A decoded state holds the old events (stored in the state), so
		// its changes are exact too.
		if ref := changediff.Between(prev, want); !reflect.DeepEqual(changes, ref) {
			t.Fatalf("step %d (%v): changes %+v, want %+v", step, ops, changes, ref)
		}
		if viaBytes && st.Stats.Materialized != 0 {
			t.Fatalf("step %d (%v): a decoded state built %d kept events from their members", step, ops, st.Stats.Materialized)
		}
		total.Removed += st.Stats.Removed
		total.Added += st.Stats.Added
		total.Flipped += st.Stats.Flipped
		total.Reclustered += st.Stats.Reclustered
		total.Recombined += st.Stats.Recombined
		for _, ev := range want.Events {
			if strings.Contains(ev.ID, "-") {
				total.Suffixed++
			}
		}
		prev = want
	}
	total.Appends, total.Compactions, total.KeptBase = files.appends, files.compactions, files.keptBase
	total.Appended, total.Written, total.StateBytes = files.appendedBytes, files.writtenBytes, files.stateBytes
	return total
}

// TestUpdateEqualsMerge: random sequences of changes on small worlds, where
// every rule fires (shared sentences give equal ID hashes and -2 suffixes).
func TestUpdateEqualsMerge(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 2026))
	var total seqStats
	for seq := 0; seq < 150; seq++ {
		w := newWorld(rng, 1+rng.IntN(12))
		st := checkSequence(t, w, 12, 3)
		total.Added += st.Added
		total.Removed += st.Removed
		total.Reclustered += st.Reclustered
		total.Recombined += st.Recombined
		total.Suffixed += st.Suffixed
	}
	t.Logf("candidates added %d, removed %d; reclustered %d; events recombined %d; suffixed IDs seen %d",
		total.Added, total.Removed, total.Reclustered, total.Recombined, total.Suffixed)
	if total.Suffixed == 0 {
		t.Error("no ID with a -N suffix: the sequences do not test hash runs")
	}
}

// TestUpdateCrossesMaxPosting: worlds large enough that blocking lists grow
// past MaxPosting and shrink back under it as articles come and go.
func TestUpdateCrossesMaxPosting(t *testing.T) {
	if testing.Short() {
		t.Skip("large worlds")
	}
	rng := rand.New(rand.NewPCG(9, 2026))
	flips := 0
	for seq := 0; seq < 3; seq++ {
		w := newWorld(rng, 0)
		// Three nested values only, so lists of one value and stem hold
		// about MaxPosting candidates.
		values := []string{"2020", "2020-09", "2020-09-27", "2020-09-27"}
		w.date = func() timeline.Date {
			d, _ := timeline.ParseDate(values[rng.IntN(len(values))])
			return d
		}
		vocab := []string{"Varnia", "Quellmark", "Storvik", "harbour", "war", "attack", "flood", "the"}
		w.title = func() string {
			t := vocab[rng.IntN(len(vocab))]
			for k := rng.IntN(3); k > 0; k-- {
				t += " " + vocab[rng.IntN(len(vocab))]
			}
			return t
		}
		for k := 0; k < 900+rng.IntN(200); k++ {
			w.add()
		}
		st := checkSequence(t, w, 25, 40)
		flips += st.Flipped
	}
	if flips == 0 {
		t.Errorf("no blocking list crossed MaxPosting: the test does not test that")
	}
	t.Logf("%d lists crossed MaxPosting", flips)
}

// TestUpdateReadsOnlyWhatChanged: adding an unrelated article reads its own
// events only, and the changes name its events only.
func TestUpdateReadsOnlyWhatChanged(t *testing.T) {
	arts, per := syntheticArticles(200)
	keys := keysOf(arts, per)
	_, st := merge.NewState(arts, func(i int) []timeline.Event { return per[i] }, keys)
	extra := timeline.Article{Slug: "zzz-new", Meta: timeline.Meta{Date: time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)}}
	d, _ := timeline.ParseDate("2030-01-01")
	evs := []timeline.Event{{Title: "Unheard-of quux ceremony", Start: d, Lead: true, Mentions: []timeline.Mention{{
		Article: "zzz-new", Source: "content/zzz-new.md", Sentence: timeline.Span{Start: 0, End: 20}, Text: "Unheard-of quux ceremony."}}}}
	arts2, per2 := append(slices.Clone(arts), extra), append(slices.Clone(per), evs)
	read := map[int]bool{}
	got, changes := st.Update(arts2, func(i int) []timeline.Event { read[i] = true; return per2[i] }, keysOf(arts2, per2))
	if !reflect.DeepEqual(got, merge.Merge(arts2, per2)) {
		t.Fatal("Update's timeline differs from Merge's")
	}
	if len(read) != 1 || !read[len(arts2)-1] {
		t.Errorf("read the events of articles %v, want only the new one", read)
	}
	if len(changes.Changed) != 1 || len(changes.Removed) != 0 || !changes.Known {
		t.Errorf("changes %+v, want one changed event", changes)
	}
}

// TestDecodedUpdateReadsOnlyWhatChanged: a decoded state holds its events,
// so it reads no unchanged article either and builds none of its events from
// their members; an event with a time its encoding cannot give back exactly
// (another zone) is stored by its members and built from them.
func TestDecodedUpdateReadsOnlyWhatChanged(t *testing.T) {
	arts, per := syntheticArticles(200)
	zoned := -1
	for i := range per {
		if len(per[i]) > 0 && zoned < 0 {
			per[i] = slices.Clone(per[i])
			per[i][0].Start.Start = per[i][0].Start.Start.In(time.FixedZone("X", 3600))
			zoned = i
		}
	}
	keys := keysOf(arts, per)
	_, st := merge.NewState(arts, func(i int) []timeline.Event { return per[i] }, keys)
	st, err := merge.DecodeState(st.Encode(nil))
	if err != nil {
		t.Fatal(err)
	}
	extra := timeline.Article{Slug: "zzz-new", Meta: timeline.Meta{Date: time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)}}
	d, _ := timeline.ParseDate("2030-01-01")
	evs := []timeline.Event{{Title: "Unheard-of quux ceremony", Start: d, Lead: true, Mentions: []timeline.Mention{{
		Article: "zzz-new", Source: "content/zzz-new.md", Sentence: timeline.Span{Start: 0, End: 20}, Text: "Unheard-of quux ceremony."}}}}
	arts2, per2 := append(slices.Clone(arts), extra), append(slices.Clone(per), evs)
	var read sync.Map
	got, changes := st.Update(arts2, func(i int) []timeline.Event { read.Store(i, true); return per2[i] }, keysOf(arts2, per2))
	if !reflect.DeepEqual(got, merge.Merge(arts2, per2)) {
		t.Fatal("Update's timeline differs from Merge's")
	}
	var readList []int
	read.Range(func(k, _ any) bool { readList = append(readList, k.(int)); return true })
	slices.Sort(readList)
	if len(readList) != 2 || readList[0] != zoned || readList[1] != len(arts2)-1 {
		t.Errorf("read the events of articles %v, want only %d (a zoned time) and the new one", readList, zoned)
	}
	if st.Stats.Materialized != 1 {
		t.Errorf("built %d kept events from their members, want 1 (the zoned one)", st.Stats.Materialized)
	}
	if len(changes.Changed) != 1 || len(changes.Removed) != 0 || !changes.Known {
		t.Errorf("changes %+v, want one changed event", changes)
	}
}

// TestUpdateRefusesUnusableSlugs: an empty slug or one holding a NUL byte
// (which would break the slug order of candidates) is merged from scratch,
// exactly, as a repeated one is (TestUpdateFallsBack).
func TestUpdateRefusesUnusableSlugs(t *testing.T) {
	for _, slug := range []string{"", "bad\x00slug"} {
		rng := rand.New(rand.NewPCG(5, 6))
		w := newWorld(rng, 6)
		arts, per, keys := w.input()
		_, st := merge.NewState(arts, func(i int) []timeline.Event { return per[i] }, keys)
		arts[0].Slug = slug
		per[0] = slices.Clone(per[0])
		for k := range per[0] {
			per[0][k].Mentions = slices.Clone(per[0][k].Mentions)
			for m := range per[0][k].Mentions {
				per[0][k].Mentions[m].Article = slug
			}
		}
		keys[0][0]++
		got, changes := st.Update(arts, func(i int) []timeline.Event { return per[i] }, keys)
		if !reflect.DeepEqual(got, merge.Merge(arts, per)) || changes.Known || !st.Stats.Full {
			t.Errorf("slug %q: want an exact whole merge with unknown changes, got known=%v full=%v", slug, changes.Known, st.Stats.Full)
		}
	}
}

// TestUpdateFallsBack: input the state cannot follow (a mention naming
// another article, a repeated slug) is merged from scratch, exactly.
func TestUpdateFallsBack(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	w := newWorld(rng, 6)
	arts, per, keys := w.input()
	_, st := merge.NewState(arts, func(i int) []timeline.Event { return per[i] }, keys)
	arts = append(arts, arts[0])
	per = append(per, per[0])
	keys = append(keys, keys[0])
	got, changes := st.Update(arts, func(i int) []timeline.Event { return per[i] }, keys)
	if !reflect.DeepEqual(got, merge.Merge(arts, per)) || changes.Known || !st.Stats.Full {
		t.Fatalf("repeated slug: want an exact whole merge with unknown changes, got known=%v full=%v", changes.Known, st.Stats.Full)
	}
	arts, per, keys = w.input()
	got, _ = st.Update(arts, func(i int) []timeline.Event { return per[i] }, keys)
	if !reflect.DeepEqual(got, merge.Merge(arts, per)) {
		t.Fatal("after a fallback: timeline differs")
	}
	for i := range per {
		if len(per[i]) > 0 && len(per[i][0].Mentions) > 0 {
			per[i] = slices.Clone(per[i])
			per[i][0].Mentions = slices.Clone(per[i][0].Mentions)
			per[i][0].Mentions[0].Article = "elsewhere"
			keys[i][0]++
			break
		}
	}
	got, changes = st.Update(arts, func(i int) []timeline.Event { return per[i] }, keys)
	if !reflect.DeepEqual(got, merge.Merge(arts, per)) || changes.Known {
		t.Fatal("foreign mention: want an exact whole merge with unknown changes")
	}
}

// detached is tl with its own event array: a timeline the state returned
// shares the state's, which the next Update overwrites.
func detached(tl timeline.Timeline) timeline.Timeline {
	tl.Events = slices.Clone(tl.Events)
	return tl
}

func keysOf(arts []timeline.Article, per [][]timeline.Event) [][32]byte {
	keys := make([][32]byte, len(arts))
	for i := range arts {
		b, _ := json.Marshal(per[i])
		keys[i] = sha256.Sum256(append([]byte(arts[i].Slug+"\x00"), b...))
	}
	return keys
}

// syntheticArticles makes n articles of distinct made-up stories.
func syntheticArticles(n int) ([]timeline.Article, [][]timeline.Event) {
	rng := rand.New(rand.NewPCG(5, 6))
	title, date := randomWords(rng)
	var arts []timeline.Article
	var per [][]timeline.Event
	for a := 0; a < n; a++ {
		art, evs := randomArticle(rng, fmt.Sprintf("s%04d", a), title, date)
		arts, per = append(arts, art), append(per, evs)
	}
	return arts, per
}

// TestDecodedStateUpdates: each build starts from the previous state
// encoded and decoded, as in a fresh process.
func TestDecodedStateUpdates(t *testing.T) {
	rng := rand.New(rand.NewPCG(10, 2026))
	for seq := 0; seq < 60; seq++ {
		checkSequenceVia(t, newWorld(rng, 1+rng.IntN(12)), 8, 3, decodedEach)
		checkSequenceVia(t, newWorld(rng, 1+rng.IntN(12)), 8, 3, decodedFirst)
	}
	checkSequenceVia(t, newWorld(rng, 300), 10, 10, decodedEach)
	checkSequenceVia(t, newWorld(rng, 300), 10, 10, decodedFirst)
}

// TestSplitStateUpdates: each build starts from the previous state saved
// split (its events' encodings in an events file that saves append to) and
// decoded, or kept after its save as a Session keeps it; the timelines and
// changes are Merge's, and saves append rather than write every encoding.
func TestSplitStateUpdates(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 2026))
	var appends, compactions, keptBase int
	add := func(got seqStats) {
		appends, compactions, keptBase = appends+got.Appends, compactions+got.Compactions, keptBase+got.KeptBase
	}
	for seq := 0; seq < 40; seq++ {
		for _, mode := range []int{splitEach, splitKept} {
			add(checkSequenceVia(t, newWorld(rng, 1+rng.IntN(12)), 8, 3, mode))
		}
	}
	for _, mode := range []int{splitEach, splitKept} {
		add(checkSequenceVia(t, newWorld(rng, 300), 10, 10, mode))
		// One change at a time to 300 articles: the adjacency lists'
		// base is kept, and only the lists changed since are named.
		small := checkSequenceVia(t, newWorld(rng, 300), 30, 1, mode)
		add(small)
		if small.KeptBase < small.Appends/2 {
			t.Errorf("mode %d, one change at a time: %d of %d saves kept the adjacency base", mode, small.KeptBase, small.Appends)
		}
		// What a save writes (the state and what it appends) is a
		// fraction of what the events file holds: the arrays' unchanged
		// pages, lists and encodings are named, not written.
		saves := int64(small.Appends + small.Compactions)
		perSave := (small.Appended + small.StateBytes) / saves
		t.Logf("mode %d, one change at a time: %d bytes written per save (state %d, appended %d); the events file written anew: %d",
			mode, perSave, small.StateBytes/saves, small.Appended/int64(max(small.Appends, 1)), small.Written)
		if small.Appends == 0 || 2*perSave > small.Written {
			t.Errorf("mode %d, one change at a time: %d bytes written per save, the events file written anew %d", mode, perSave, small.Written)
		}
		// What one change should append: the arrays' changed pages (a
		// page or two at each of the 11 arrays' ends, beside a few of
		// the sentence table's), the changed events' encodings and
		// lists: 26-34 KB a save here, against 212-223 KB for the whole
		// file and 42 KB for the state file. A fifth of the file and 12
		// pages a save at most, and the state file a quarter.
		perAppend := small.Appended / int64(max(small.Appends, 1))
		if 5*perAppend > small.Written || perAppend > 12*4096 || 4*small.StateBytes/saves > small.Written {
			t.Errorf("mode %d, one change at a time: %d bytes appended per save (state file %d), the events file written anew %d: want at most a fifth and 48 KB (a quarter)",
				mode, perAppend, small.StateBytes/saves, small.Written)
		}
	}
	t.Logf("%d saves appended (%d keeping the adjacency base), %d wrote the events file anew", appends, keptBase, compactions)
	if appends < 4*compactions {
		t.Errorf("%d saves appended, %d wrote the events file anew: saves should mostly append", appends, compactions)
	}
}

// TestDecodeStateRefusesDamage: truncated, flipped or foreign bytes give
// ErrCorruptState, never a panic or a state.
func TestDecodeStateRefusesDamage(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 2026))
	w := newWorld(rng, 20)
	arts, per, keys := w.input()
	_, st := merge.NewState(arts, func(i int) []timeline.Event { return per[i] }, keys)
	good := st.Encode(nil)
	if _, err := merge.DecodeState(good); err != nil {
		t.Fatalf("decoding a good state: %v", err)
	}
	var streamed bytes.Buffer
	if err := st.EncodeTo(&streamed); err != nil || !bytes.Equal(streamed.Bytes(), good) {
		t.Fatalf("EncodeTo wrote other bytes than Encode (error %v)", err)
	}
	cases := map[string][]byte{"empty": nil, "foreign": []byte("hello, world, this is not a state")}
	for _, n := range []int{1, 10, len(good) / 2, len(good) - 1} {
		cases[fmt.Sprintf("cut to %d", n)] = good[:n]
	}
	for k := 0; k < 50; k++ {
		b := slices.Clone(good)
		b[rng.IntN(len(b))] ^= byte(1 + rng.IntN(255))
		cases[fmt.Sprintf("flip %d", k)] = b
	}
	for name, b := range cases {
		if s, err := merge.DecodeState(b); err == nil || s != nil || !errors.Is(err, merge.ErrCorruptState) {
			t.Errorf("%s: got state %v, error %v; want ErrCorruptState", name, s != nil, err)
		}
	}
}

// FuzzDecodeState: no bytes make DecodeState, or an Update of what it
// accepts, panic; an accepted state still merges exactly.
func FuzzDecodeState(f *testing.F) {
	rng := rand.New(rand.NewPCG(12, 2026))
	w := newWorld(rng, 4)
	arts, per, keys := w.input()
	_, st := merge.NewState(arts, func(i int) []timeline.Event { return per[i] }, keys)
	f.Add(st.Encode(nil))
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := merge.DecodeState(b)
		if err != nil {
			return
		}
		got, _ := s.Update(arts, func(i int) []timeline.Event { return per[i] }, keys)
		if !reflect.DeepEqual(got, merge.Merge(arts, per)) {
			t.Fatal("an accepted state merged wrongly")
		}
	})
}

// TestUpdateOnCorpus: change sequences on the real candidates of generated
// news articles (about 10,000 candidates, much merging across articles):
// articles removed, put back, re-dated, renamed.
func TestUpdateOnCorpus(t *testing.T) {
	if testing.Short() {
		t.Skip("extracts a corpus")
	}
	arts, per, _ := extractedCorpus(t, 10_000)
	rng := rand.New(rand.NewPCG(13, 2026))
	w := &world{rng: rng, arts: map[string]timeline.Article{}, evs: map[string][]timeline.Event{}}
	w.title, w.date = randomWords(rng)
	var spare []string // slugs of corpus articles held back, added by the "add" change
	for i := range arts {
		w.arts[arts[i].Slug], w.evs[arts[i].Slug] = arts[i], per[i]
		if rng.IntN(10) == 0 {
			spare = append(spare, arts[i].Slug)
		}
	}
	held := map[string]timeline.Article{}
	heldEvs := map[string][]timeline.Event{}
	for _, s := range spare {
		held[s], heldEvs[s] = w.arts[s], w.evs[s]
		delete(w.arts, s)
		delete(w.evs, s)
	}
	// Changes: put back a held article, hold one back, or re-date or rename one.
	change := func() string {
		switch rng.IntN(4) {
		case 0:
			for s, a := range held {
				w.arts[s], w.evs[s] = a, heldEvs[s]
				delete(held, s)
				return "add"
			}
		case 1:
			s := w.pick()
			held[s], heldEvs[s] = w.arts[s], w.evs[s]
			delete(w.arts, s)
			delete(w.evs, s)
			return "remove"
		}
		return w.change() // pub, rename and the others on real events
	}
	arts2, per2, keys := w.input()
	prev, st := merge.NewState(arts2, func(i int) []timeline.Event { return per2[i] }, keys)
	prev = detached(prev)     // the state's array, which its Updates reuse
	var streamed bytes.Buffer // a state of several MB: EncodeTo passes it on in pieces
	if err := st.EncodeTo(&streamed); err != nil || !bytes.Equal(streamed.Bytes(), st.Encode(nil)) || streamed.Len() <= 1<<20 {
		t.Fatalf("EncodeTo wrote other bytes than Encode (%d bytes, error %v)", streamed.Len(), err)
	}
	for step := 0; step < 15; step++ {
		var ops []string
		for k := 0; k < 1+rng.IntN(4); k++ {
			ops = append(ops, change())
		}
		arts2, per2, keys = w.input()
		got, changes := st.Update(arts2, func(i int) []timeline.Event { return per2[i] }, keys)
		want := merge.Merge(arts2, per2)
		if !reflect.DeepEqual(got, want) || st.Stats.Full {
			t.Fatalf("step %d (%v): Update differs from Merge (full %v)", step, ops, st.Stats.Full)
		}
		if ref := changediff.Between(prev, want); !reflect.DeepEqual(changes, ref) {
			t.Fatalf("step %d (%v): changes %d/%d, want %d/%d", step, ops, len(changes.Changed), len(changes.Removed), len(ref.Changed), len(ref.Removed))
		}
		prev = want
	}
}

// FuzzDecodeStateBody mutates the state's bytes and then mends the
// checksum, so the decoder's own checks (not the CRC) meet the damage: no
// bytes may make DecodeState, or an Update of a state it accepts, panic.
// (A state with a valid checksum that lies cannot always be told from a
// true one; the checksum guards against damage, the keys against stale
// input.)
func FuzzDecodeStateBody(f *testing.F) {
	const magic = "newsline merge state\n"
	rng := rand.New(rand.NewPCG(14, 2026))
	w := newWorld(rng, 4)
	arts, per, keys := w.input()
	_, st := merge.NewState(arts, func(i int) []timeline.Event { return per[i] }, keys)
	good := st.Encode(nil)
	f.Add(good[len(magic) : len(good)-4])
	table := crc32.MakeTable(crc32.Castagnoli)
	f.Fuzz(func(t *testing.T, body []byte) {
		b := append([]byte(magic), body...)
		b = binary.LittleEndian.AppendUint32(b, crc32.Checksum(body, table))
		s, err := merge.DecodeState(b)
		if err != nil {
			return
		}
		s.Update(arts, func(i int) []timeline.Event { return per[i] }, keys)
	})
}

// TestEncodedStateStaysSmall: the candidates an update removes are not
// stored, so a state updated many times encodes to about the size of a
// fresh state of the same input (the interners keep old words).
func TestEncodedStateStaysSmall(t *testing.T) {
	rng := rand.New(rand.NewPCG(15, 2026))
	w := newWorld(rng, 10)
	arts, per, keys := w.input()
	_, st := merge.NewState(arts, func(i int) []timeline.Event { return per[i] }, keys)
	slug := w.pick()
	for k := 0; k < 60; k++ {
		_, w.evs[slug] = randomArticle(rng, slug, w.title, w.date)
		arts, per, keys = w.input()
		st.Update(arts, func(i int) []timeline.Event { return per[i] }, keys)
		if st.Stats.Full {
			t.Fatal("fell back to a whole merge")
		}
	}
	_, fresh := merge.NewState(arts, func(i int) []timeline.Event { return per[i] }, keys)
	got, want := len(st.Encode(nil)), len(fresh.Encode(nil))
	if got > want+want/4+4096 {
		t.Errorf("state after 60 updates encodes to %d bytes, a fresh one to %d", got, want)
	}
	again, err := merge.DecodeState(st.Encode(nil))
	if err != nil {
		t.Fatal(err)
	}
	got2, _ := again.Update(arts, func(i int) []timeline.Event { return per[i] }, keys)
	if !reflect.DeepEqual(got2, merge.Merge(arts, per)) || again.Stats.Full {
		t.Fatal("the compacted state does not merge exactly")
	}
}

// TestDecodeStateRefusesDamagedEvents: bytes of the stored events changed
// (the checksum mended) never make DecodeState or an Update panic (a changed
// string or number inside an event cannot be told from a true one: the
// checksum is what guards against damage).
func TestDecodeStateRefusesDamagedEvents(t *testing.T) {
	const magic = "newsline merge state\n"
	rng := rand.New(rand.NewPCG(16, 2026))
	w := newWorld(rng, 12)
	arts, per, keys := w.input()
	_, st := merge.NewState(arts, func(i int) []timeline.Event { return per[i] }, keys)
	good := st.Encode(nil)
	body := good[len(magic) : len(good)-4]
	table := crc32.MakeTable(crc32.Castagnoli)
	refused := 0
	for k := 0; k < 1000; k++ {
		b := append([]byte(magic), body...)
		at := len(magic) + len(body)*2/3 + rng.IntN(len(body)/3) // the events are stored last
		b[at] ^= byte(1 + rng.IntN(255))
		b = binary.LittleEndian.AppendUint32(b, crc32.Checksum(b[len(magic):], table))
		s, err := merge.DecodeState(b)
		if err != nil {
			refused++
			continue
		}
		s.Update(arts, func(i int) []timeline.Event { return per[i] }, keys)
	}
	if refused == 0 {
		t.Error("no damaged event section was refused: the test does not reach the event decoder")
	}
	t.Logf("%d of 1000 damaged states refused", refused)
}

// TestSplitStateRefusesAnotherEventsFile: a split state decoded with
// events file bytes other than those it was saved with (one flipped, cut,
// longer, or another save's file) is refused, never used.
func TestSplitStateRefusesAnotherEventsFile(t *testing.T) {
	arts, per := syntheticArticles(30)
	_, st := merge.NewState(arts, func(i int) []timeline.Event { return per[i] }, keysOf(arts, per))
	files := &splitFiles{}
	saved := files.save(t, st)
	head, events, tail := cutState(saved.state)
	good := files.events
	if _, err := merge.DecodeStateSplit(head, events, tail, good, nil); err != nil {
		t.Fatalf("the events file it was saved with: %v", err)
	}
	_, other := merge.NewState(arts[:20], func(i int) []timeline.Event { return per[i] }, keysOf(arts[:20], per[:20]))
	otherFiles := &splitFiles{}
	otherFiles.save(t, other)
	cases := map[string][]byte{
		"cut":     good[:len(good)-1],
		"longer":  append(append([]byte(nil), good...), 0),
		"another": otherFiles.events,
		"none":    nil,
	}
	for _, at := range []int{0, len(eventsHeader), len(good) / 2, len(good) - 1} {
		b := append([]byte(nil), good...)
		b[at] ^= 0x5a
		cases[fmt.Sprintf("flip at %d", at)] = b
	}
	for what, side := range cases {
		if s, err := merge.DecodeStateSplit(head, events, tail, side, nil); err == nil || s != nil || !errors.Is(err, merge.ErrCorruptState) {
			t.Errorf("%s: state %v, error %v; want ErrCorruptState", what, s != nil, err)
		}
	}
	if s, err := merge.DecodeState(saved.state); err == nil || s != nil {
		t.Errorf("a split state decoded without its events file: error %v", err)
	}
}

// TestSplitStateDecodesDamagedEventsFileSafely: the events file is checked
// (CRC) while the state is decoded from it, so decoding runs on damaged
// bytes: flipped bytes anywhere in it (the arrays' pages, adjacency lists,
// encodings) give ErrCorruptState, never a panic or a state.
func TestSplitStateDecodesDamagedEventsFileSafely(t *testing.T) {
	rng := rand.New(rand.NewPCG(16, 2026))
	w := newWorld(rng, 60)
	arts, per, keys := w.input()
	_, st := merge.NewState(arts, func(i int) []timeline.Event { return per[i] }, keys)
	files := &splitFiles{}
	saved := files.save(t, st)
	head, events, tail := cutState(saved.state)
	good := files.events
	for k := 0; k < 400; k++ {
		b := append([]byte(nil), good...)
		for n := 1 + rng.IntN(3); n > 0; n-- {
			b[rng.IntN(len(b))] ^= byte(1 + rng.IntN(255))
		}
		if s, err := merge.DecodeStateSplit(head, events, tail, b, nil); err == nil || s != nil || !errors.Is(err, merge.ErrCorruptState) {
			t.Fatalf("damage %d: state %v, error %v; want ErrCorruptState", k, s != nil, err)
		}
	}
}
