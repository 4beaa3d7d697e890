package export

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"io"
	"math/rand"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/newsline/timeline/internal/bytediff"
	"github.com/newsline/timeline/timeline"
)

// memSplices is a SpliceStore in memory: the "published" copy of each file
// and the index saved with it.
type memSplices struct {
	mu      sync.Mutex
	files   map[string][]byte
	indexes map[string][]byte
	stats   map[string]SpliceStats
	pending map[string][]byte
	// statsOnly drops the indexes written, as a store does once it has
	// saved them (a benchmark's store, which never publishes again).
	statsOnly bool
}

func newMemSplices() *memSplices {
	return &memSplices{files: map[string][]byte{}, indexes: map[string][]byte{}, stats: map[string]SpliceStats{}, pending: map[string][]byte{}}
}

func (m *memSplices) Previous(file string) (io.ReaderAt, int64, []byte, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	data, ok := m.files[file]
	if !ok {
		return nil, 0, nil, false
	}
	return bytes.NewReader(data), int64(len(data)), m.indexes[file], true
}

func (m *memSplices) Written(file string, index []byte, stats SpliceStats) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if !m.statsOnly {
		m.pending[file] = slices.Clone(index) // the export reuses its memory
	}
	m.stats[file] = stats
}

// publish makes data the published copy of file, with the index its render gave.
func (m *memSplices) publish(file string, data []byte) {
	m.files[file] = data
	m.indexes[file] = m.pending[file]
}

type spliceExport struct {
	file  string
	write func(io.Writer, timeline.Timeline, Site) error
}

var splicedExports = []spliceExport{{"events.ics", WriteICS}, {"events.csv", WriteCSV}, {"timeline.json", WriteTimelineJS}}

// render writes one export with s, failing the test on an error.
func renderExport(t testing.TB, e spliceExport, tl timeline.Timeline, s Site) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := e.write(&b, tl, s); err != nil {
		t.Fatalf("%s: %v", e.file, err)
	}
	return b.Bytes()
}

// randomTimeline is a timeline of n events told by a few articles, with the
// dates, ranges, hostile text, colliding TimelineJS ids and unexportable
// years the exports treat specially.
func randomTimeline(r *rand.Rand, n int) timeline.Timeline {
	var tl timeline.Timeline
	for i := 0; i < 1+n/5; i++ {
		tl.Articles = append(tl.Articles, randomArticle(r, i))
	}
	for i := 0; i < n; i++ {
		tl.Events = append(tl.Events, randomEvent(r, fmt.Sprintf("e%d", i), tl.Articles))
	}
	return tl
}

func randomArticle(r *rand.Rand, i int) timeline.Article {
	return timeline.Article{Slug: fmt.Sprintf("a%d", i), Path: fmt.Sprintf("content/a%d.md", i),
		Meta: timeline.Meta{Title: randomText(r), Date: time.Date(2024, 1, 1+r.Intn(300), 0, 0, 0, 0, time.UTC)}}
}

var spliceDates = []string{"2020", "2023-09", "2024-06-12", "2024-06-12T14:30", "2024-06-13TMO", "2024-W24",
	"2012-Q3", "2019-SU", "199", "20", "0000", "9999", "2024-06-10", "2024-06-14"}

var spliceTexts = []string{"Talks resume", hostile, "a, b; c", "=SUM(A1)", "Ünïcode — text", "", "  spaced  out  ",
	"A long sentence that goes on and on so that the iCalendar lines fold at seventy-five octets, twice over."}

func randomText(r *rand.Rand) string { return spliceTexts[r.Intn(len(spliceTexts))] }

func randomEvent(r *rand.Rand, id string, articles []timeline.Article) timeline.Event {
	if r.Intn(8) == 0 {
		id += ".x" // "e1.x" and "e1-x" share a TimelineJS slug
	} else if r.Intn(8) == 0 {
		id += "-x"
	}
	start, _ := timeline.ParseDate(spliceDates[r.Intn(len(spliceDates))])
	ev := timeline.Event{ID: id, Title: randomText(r), Start: start}
	if r.Intn(5) == 0 {
		end, _ := timeline.ParseDate(spliceDates[r.Intn(len(spliceDates))])
		ev.End = &end
	}
	for k := r.Intn(3); k > 0; k-- {
		a := articles[r.Intn(len(articles))]
		ev.Mentions = append(ev.Mentions, timeline.Mention{Article: a.Slug, Source: a.Path, Text: randomText(r)})
	}
	if r.Intn(10) == 0 {
		ev.Mentions = append(ev.Mentions, timeline.Mention{Article: "gone", Source: "content/gone.md", Text: "Not in the timeline."})
	}
	return ev
}

// mutate makes one editor-sized change: events added, removed, retitled or
// redated, an article added (usually the newest, so a new build stamp) or
// retitled (every event it reports changes).
func mutate(r *rand.Rand, tl timeline.Timeline) timeline.Timeline {
	tl.Events = append([]timeline.Event(nil), tl.Events...)
	tl.Articles = append([]timeline.Article(nil), tl.Articles...)
	switch r.Intn(6) {
	case 0:
		for k := 1 + r.Intn(4); k > 0; k-- {
			tl.Events = append(tl.Events, randomEvent(r, fmt.Sprintf("n%d", r.Intn(1e6)), tl.Articles))
		}
	case 1:
		for k := 1 + r.Intn(4); k > 0 && len(tl.Events) > 0; k-- {
			i := r.Intn(len(tl.Events))
			tl.Events = append(tl.Events[:i], tl.Events[i+1:]...)
		}
	case 2:
		if len(tl.Events) > 0 {
			tl.Events[r.Intn(len(tl.Events))].Title = fmt.Sprintf("Retitled %d", r.Intn(100))
		}
	case 3:
		if len(tl.Events) > 0 {
			i := r.Intn(len(tl.Events))
			tl.Events[i].Start, _ = timeline.ParseDate(spliceDates[r.Intn(len(spliceDates))])
		}
	case 4:
		a := randomArticle(r, len(tl.Articles)+r.Intn(1e6))
		a.Meta.Date = time.Date(2025, 1, 1+r.Intn(60), 0, 0, 0, 0, time.UTC)
		tl.Articles = append(tl.Articles, a)
		tl.Events = append(tl.Events, randomEvent(r, fmt.Sprintf("n%d", r.Intn(1e6)), tl.Articles[len(tl.Articles)-1:]))
	case 5:
		i := r.Intn(len(tl.Articles))
		tl.Articles[i].Meta.Title = fmt.Sprintf("Renamed %d", r.Intn(100))
	}
	return tl
}

// TestSpliceEqualsFullRender: over random sequences of edits, each export
// written with the previous copy and its index is byte-identical to a full
// render, with and without a base URL, and most
// fragments are copied rather than rendered.
func TestSpliceEqualsFullRender(t *testing.T) {
	checkSpliceEqualsFullRender(t, 12)
}

// TestSpliceSmallChunks: the same with the splicer's copy chunk (its read
// window and the most copied bytes it queues) cut to sizes that put chunk
// boundaries inside fragments, between them, and every byte.
func TestSpliceSmallChunks(t *testing.T) {
	for _, chunk := range []int{1, 7, 97, 4096} {
		t.Run(fmt.Sprint(chunk), func(t *testing.T) {
			withCopyChunk(t, chunk)
			checkSpliceEqualsFullRender(t, 3)
		})
	}
}

// withCopyChunk sets copyChunk for one test.
func withCopyChunk(t *testing.T, n int) {
	saved := copyChunk
	copyChunk = n
	t.Cleanup(func() { copyChunk = saved })
}

func checkSpliceEqualsFullRender(t *testing.T, seeds int64) {
	t.Helper()
	sites := map[string]Site{"relative": relativeSite(), "absolute": absoluteSite()}
	for seed := int64(1); seed <= seeds; seed++ {
		for name, base := range sites {
			r := rand.New(rand.NewSource(seed))
			store := newMemSplices()
			spliced := base
			spliced.Splices = store
			tl := randomTimeline(r, 20+r.Intn(60))
			var reused, rendered int
			for step := 0; step < 15; step++ {
				if step > 0 {
					tl = mutate(r, tl)
				}
				spliced.Order = new(EventOrder) // as a build's exports share it
				for _, e := range splicedExports {
					want := renderExport(t, e, tl, base)
					got := renderExport(t, e, tl, spliced)
					if !bytes.Equal(got, want) {
						t.Fatalf("seed %d, %s site, step %d: spliced %s differs from a full render:\n%s", seed, name, step, e.file, bytediff.First(got, want))
					}
					store.publish(e.file, got)
					if step > 0 {
						reused += store.stats[e.file].Reused
						rendered += store.stats[e.file].Rendered
					}
				}
			}
			if reused < 5*rendered {
				t.Errorf("seed %d, %s site: %d fragments copied, %d rendered: the splice hardly reuses", seed, name, reused, rendered)
			}
		}
	}
}

// TestSpliceSurvivesDamage: a previous copy or index that does not match
// (bytes changed on disk, truncated, another file's index, a damaged index)
// never changes the output: the file is rendered in full. Every fragment's
// own CRC is checked when the file is opened, so a changed fragment is
// caught even when the CRC of the bytes outside the fragments is made to
// match.
func TestSpliceSurvivesDamage(t *testing.T) {
	r := rand.New(rand.NewSource(7))
	tl := randomTimeline(r, 60)
	s := absoluteSite()
	for _, e := range splicedExports {
		store := newMemSplices()
		s.Splices = store
		good := renderExport(t, e, tl, s)
		store.publish(e.file, good)
		index := store.indexes[e.file]
		want := renderExport(t, e, tl, Site{Title: s.Title, BaseURL: s.BaseURL, EventURL: s.EventURL, Updated: s.Updated})
		damages := map[string]func(){
			"a byte changed": func() {
				store.files[e.file] = bytes.Clone(good)
				store.files[e.file][len(good)/2] ^= 0x20
			},
			// The index's CRC of the bytes outside the fragments made to
			// match those of the changed file (the whole file's CRC, which
			// the previous index format kept): only the fragment's own CRC
			// can tell.
			"a byte changed, gap CRC forged": func() {
				changed := bytes.Clone(good)
				changed[len(good)/2] ^= 0x20
				store.files[e.file] = changed
				forged := bytes.Clone(index)
				binary.LittleEndian.PutUint32(forged[len(forged)-12:], crc32.Checksum(changed, castagnoli))
				binary.LittleEndian.PutUint32(forged[len(forged)-4:], crc32.Checksum(forged[:len(forged)-4], castagnoli))
				store.indexes[e.file] = forged
			},
			"truncated": func() { store.files[e.file] = good[:len(good)-7] },
			"index of another file": func() {
				other := splicedExports[0].file
				if other == e.file {
					other = splicedExports[1].file
				}
				s2 := s
				s2.Splices = store
				renderExport(t, spliceExport{other, map[string]func(io.Writer, timeline.Timeline, Site) error{
					"events.ics": WriteICS, "events.csv": WriteCSV}[other]}, tl, s2)
				store.indexes[e.file] = store.pending[other]
			},
			"index bit flipped": func() {
				store.indexes[e.file] = bytes.Clone(index)
				store.indexes[e.file][len(index)/2] ^= 1
			},
			"index cut": func() { store.indexes[e.file] = index[:len(index)/2] },
			"no index":  func() { store.indexes[e.file] = nil },
		}
		for name, damage := range damages {
			store.files[e.file], store.indexes[e.file] = good, index
			damage()
			got := renderExport(t, e, tl, s)
			if !bytes.Equal(got, want) {
				t.Errorf("%s, %s: output differs from a full render:\n%s", e.file, name, bytediff.First(got, want))
			}
			st := store.stats[e.file]
			if st.Reused != 0 {
				t.Errorf("%s, %s: %d fragments copied from a file that does not match its index", e.file, name, st.Reused)
			}
		}
	}
}

// TestSpliceNewBaseURL: a site moved to another base URL (or given one, or
// losing it) gets every URL right in copied fragments, even when the
// events' digests (Site.EventDigest, which render makes without the base
// URL) are unchanged.
func TestSpliceNewBaseURL(t *testing.T) {
	r := rand.New(rand.NewSource(14))
	tl := randomTimeline(r, 50)
	digests := eventDigests(tl, tl)
	bases := []string{"https://a.example/x/", "https://b.example/x/", "", "https://a.example/x/"}
	// Without a URL pattern, and with one (as render gives: the keys then
	// hash what all fragments share once, fragmentContext).
	shapes := map[string]func(s Site) Site{
		"default URLs": func(s Site) Site { return s },
		"URL pattern": func(s Site) Site {
			s.EventURL = func(ev timeline.Event) string { return "events/" + ev.ID + "/" }
			s.EventURLPattern = "events/{ID}/"
			return s
		},
	}
	for shape, with := range shapes {
		for _, e := range splicedExports {
			store := newMemSplices()
			for k, base := range bases {
				s := with(Site{Title: "T", BaseURL: base, Updated: day("2024-06-20"), EventDigest: digests, Splices: store})
				got := renderExport(t, e, tl, s)
				want := renderExport(t, e, tl, with(Site{Title: "T", BaseURL: base, Updated: day("2024-06-20")}))
				if !bytes.Equal(got, want) {
					t.Fatalf("%s, %s, base %q after %q: spliced output differs:\n%s", shape, e.file, base, bases[max(k-1, 0)], bytediff.First(got, want))
				}
				store.publish(e.file, got)
			}
		}
	}
}

// TestSpliceNewURLPattern: a new page layout (another event URL pattern)
// renders the fragments again.
func TestSpliceNewURLPattern(t *testing.T) {
	r := rand.New(rand.NewSource(15))
	tl := randomTimeline(r, 50)
	digests := eventDigests(tl, tl)
	patterns := []string{"events/{ID}/", "e/{ID}.html", "events/{ID}/"}
	for _, e := range splicedExports {
		store := newMemSplices()
		for k, pattern := range patterns {
			site := func(s Site) Site {
				s.EventURL = func(ev timeline.Event) string { return strings.ReplaceAll(pattern, "{ID}", ev.ID) }
				s.EventURLPattern = pattern
				return s
			}
			base := Site{Title: "T", BaseURL: "https://a.example/x/", Updated: day("2024-06-20")}
			spliced := base
			spliced.EventDigest, spliced.Splices = digests, store
			got := renderExport(t, e, tl, site(spliced))
			want := renderExport(t, e, tl, site(base))
			if !bytes.Equal(got, want) {
				t.Fatalf("%s, pattern %q after %q: spliced output differs:\n%s", e.file, pattern, patterns[max(k-1, 0)], bytediff.First(got, want))
			}
			store.publish(e.file, got)
		}
	}
}

// TestNewerArticleLeavesOtherVEVENTs: an article newer than every other,
// with an event of its own, changes no other event's VEVENT (each DTSTAMP
// is its event's newest source's date, not the site's newest article's),
// so a spliced build renders that one VEVENT and copies the rest; the
// events that cite it get its date.
func TestNewerArticleLeavesOtherVEVENTs(t *testing.T) {
	r := rand.New(rand.NewSource(3))
	tl := randomTimeline(r, 40)
	store := newMemSplices()
	s := relativeSite()
	s.Splices = store
	before := renderExport(t, splicedExports[0], tl, s)
	store.publish("events.ics", before)
	newest := timeline.Article{Slug: "newest", Path: "content/newest.md", Meta: timeline.Meta{Title: "Newest", Date: time.Date(2030, 5, 6, 0, 0, 0, 0, time.UTC)}}
	tl.Articles = append(tl.Articles, newest)
	start, _ := timeline.ParseDate("2024-06-12")
	tl.Events = append(tl.Events, timeline.Event{ID: "from-newest", Title: "Told in the newest", Start: start,
		Mentions: []timeline.Mention{{Article: "newest", Source: newest.Path, Text: "It happened."}}})
	got := renderExport(t, splicedExports[0], tl, s)
	want := renderExport(t, splicedExports[0], tl, relativeSite())
	if !bytes.Equal(got, want) {
		t.Fatalf("spliced events.ics differs:\n%s", bytediff.First(got, want))
	}
	if st := store.stats["events.ics"]; st.Rendered != 1 || st.Reused == 0 {
		t.Errorf("newest article: %d rendered, %d copied; want only its event's VEVENT rendered", st.Rendered, st.Reused)
	}
	oldEvents, newEvents := veventsByUID(before), veventsByUID(got)
	if len(oldEvents) < 20 || len(newEvents) != len(oldEvents)+1 {
		t.Fatalf("%d VEVENTs before, %d after", len(oldEvents), len(newEvents))
	}
	for uid, v := range oldEvents {
		if newEvents[uid] != v {
			t.Errorf("VEVENT %s changed:\n%s", uid, bytediff.First([]byte(newEvents[uid]), []byte(v)))
		}
	}
	if v := newEvents["from-newest@timeline"]; !strings.Contains(v, "\r\nDTSTAMP:20300506T000000Z\r\n") {
		t.Errorf("the newest article's event has no DTSTAMP of its date:\n%s", v)
	}
}

// veventsByUID splits a calendar into its VEVENTs' bytes, by UID.
func veventsByUID(cal []byte) map[string]string {
	out := map[string]string{}
	for _, v := range strings.SplitAfter(string(cal), "END:VEVENT\r\n") {
		begin := strings.Index(v, "BEGIN:VEVENT\r\n")
		if begin < 0 {
			continue
		}
		v = v[begin:]
		uid, _, _ := strings.Cut(v[strings.Index(v, "UID:")+len("UID:"):], "\r\n")
		out[uid] = v
	}
	return out
}

// flakyReader fails every read that reaches past limit.
type flakyReader struct {
	r     io.ReaderAt
	limit int64
}

func (f flakyReader) ReadAt(b []byte, off int64) (int, error) {
	if off+int64(len(b)) > f.limit {
		return 0, fmt.Errorf("read at %d: device error", off)
	}
	return f.r.ReadAt(b, off)
}

// flakyStore hands out the published copy behind a flakyReader, after
// its whole-file check has read it once.
type flakyStore struct {
	*memSplices
	limit int64
}

func (f *flakyStore) Previous(file string) (io.ReaderAt, int64, []byte, bool) {
	r, size, index, ok := f.memSplices.Previous(file)
	return &checkedOnce{r: r, later: flakyReader{r, f.limit}}, size, index, ok
}

// checkedOnce serves the reads of the whole-file check, then fails as later does.
type checkedOnce struct {
	r, later io.ReaderAt
	checked  int64
}

func (c *checkedOnce) ReadAt(b []byte, off int64) (int, error) {
	if off == c.checked { // the check reads the file front to back
		n, err := c.r.ReadAt(b, off)
		c.checked += int64(n)
		return n, err
	}
	c.checked = -1
	return c.later.ReadAt(b, off)
}

// TestSpliceReadFailure: the previous file failing part-way through the
// copies (after its whole-file check passed) costs renders, never a wrong
// byte, whatever the chunk size.
func TestSpliceReadFailure(t *testing.T) {
	r := rand.New(rand.NewSource(11))
	tl := randomTimeline(r, 80)
	edited := mutate(r, tl)
	for _, chunk := range []int{copyChunk, 64} {
		withCopyChunk(t, chunk)
		for _, e := range splicedExports {
			mem := newMemSplices()
			s := absoluteSite()
			s.Splices = mem
			good := renderExport(t, e, tl, s)
			mem.publish(e.file, good)
			store := &flakyStore{memSplices: mem, limit: int64(len(good) / 2)}
			s.Splices = store
			got := renderExport(t, e, edited, s)
			if want := renderExport(t, e, edited, absoluteSite()); !bytes.Equal(got, want) {
				t.Fatalf("chunk %d, %s: output differs from a full render:\n%s", chunk, e.file, bytediff.First(got, want))
			}
			// A small window reads the first half before the failure.
			if st := mem.stats[e.file]; chunk < len(good)/4 && st.Reused == 0 || st.Rendered < len(tl.Events)/4 {
				t.Errorf("chunk %d, %s: %d copied, %d rendered; want copies before the failure and renders after", chunk, e.file, st.Reused, st.Rendered)
			}
		}
	}
}

// failingWriter accepts n bytes, then fails.
type failingWriter struct{ n int }

func (f *failingWriter) Write(b []byte) (int, error) {
	if len(b) > f.n {
		k := f.n
		f.n = 0
		return k, fmt.Errorf("disk full")
	}
	f.n -= len(b)
	return len(b), nil
}

// TestSpliceWriteFailure: a write that fails while copied bytes are queued
// or passed on is reported, at any point of the file.
func TestSpliceWriteFailure(t *testing.T) {
	r := rand.New(rand.NewSource(12))
	tl := randomTimeline(r, 60)
	edited := mutate(r, tl)
	withCopyChunk(t, 256)
	for _, e := range splicedExports {
		store := newMemSplices()
		s := absoluteSite()
		s.Splices = store
		good := renderExport(t, e, tl, s)
		store.publish(e.file, good)
		size := len(renderExport(t, e, edited, absoluteSite()))
		for _, at := range []int{0, 10, size / 3, size - 5} {
			if err := e.write(&failingWriter{n: at}, edited, s); err == nil || !strings.Contains(err.Error(), "disk full") {
				t.Errorf("%s, write failing after %d bytes: error %v, want disk full", e.file, at, err)
			}
		}
	}
}

// TestFindOldRecords: records are found in order, out of order and after
// gaps, and a digest the index lacks is not found, even one that shares its
// first eight bytes with a record.
func TestFindOldRecords(t *testing.T) {
	r := rand.New(rand.NewSource(9))
	const n = 500
	old := &oldFile{recs: make([]byte, n*recordSize), count: n}
	for j := 0; j < n; j++ {
		r.Read(old.recs[j*recordSize : j*recordSize+16])
		if j%50 == 1 { // same prefix as the record before
			copy(old.recs[j*recordSize:j*recordSize+8], old.recs[(j-1)*recordSize:])
		}
	}
	order := r.Perm(n)
	copy(order[:200], slices.Sorted(slices.Values(order[:200]))) // a run in file order, then random
	// Out of order, the first tableAfterMisses lookups may answer "not
	// there" (the fragment is then rendered); never another record.
	missed := 0
	for _, j := range order {
		got, ok := old.find(old.key(j))
		if ok && got != j {
			t.Fatalf("record %d: found %d", j, got)
		}
		if !ok {
			if missed++; missed > tableAfterMisses || old.byKey != nil {
				t.Fatalf("record %d not found after %d misses (table made: %v)", j, missed, old.byKey != nil)
			}
		}
	}
	if old.byKey == nil {
		t.Fatal("a file met out of order was never indexed")
	}
	for _, j := range order {
		if got, ok := old.find(old.key(j)); !ok || got != j {
			t.Fatalf("record %d: found %d, %v", j, got, ok)
		}
	}
	for k := 0; k < 100; k++ {
		missing := old.key(r.Intn(n))
		missing[8+r.Intn(8)] ^= 1
		if j, ok := old.find(missing); ok {
			t.Fatalf("a digest not in the index found record %d", j)
		}
	}
}

// TestFindCrowdedDigests: an index whose digests all share their first
// bytes (forged) gets no table to search, rather than one whose searches
// take quadratic time, and never yields another record's fragment.
func TestFindCrowdedDigests(t *testing.T) {
	r := rand.New(rand.NewSource(10))
	const n = 5000
	old := &oldFile{recs: make([]byte, n*recordSize), count: n}
	for j := 0; j < n; j++ {
		r.Read(old.recs[j*recordSize+8 : j*recordSize+16])
	}
	for k := 0; k < 1000; k++ {
		j := r.Intn(n)
		if got, ok := old.find(old.key(j)); ok && got != j {
			t.Fatalf("record %d: found record %d", j, got)
		}
	}
	if len(old.byKey) != 1 {
		t.Errorf("crowded digests were put in a table of %d slots", len(old.byKey))
	}
}

// TestParseIndexNeverPanics: every cut and many random corruptions of a
// valid index are refused or parsed, never a panic.
func TestParseIndexNeverPanics(t *testing.T) {
	store := newMemSplices()
	s := relativeSite()
	s.Splices = store
	data := renderExport(t, splicedExports[0], randomTimeline(rand.New(rand.NewSource(2)), 30), s)
	index := store.pending["events.ics"]
	if _, err := parseIndex("events.ics", index, int64(len(data))); err != nil {
		t.Fatalf("a valid index is refused: %v", err)
	}
	for cut := 0; cut < len(index); cut++ {
		_, _ = parseIndex("events.ics", index[:cut], int64(len(data)))
	}
	r := rand.New(rand.NewSource(4))
	for k := 0; k < 2000; k++ {
		b := bytes.Clone(index)
		for f := 1 + r.Intn(4); f > 0; f-- {
			b[r.Intn(len(b))] = byte(r.Intn(256))
		}
		// A forged trailer CRC lets the corruption reach the parser.
		binary.LittleEndian.PutUint32(b[len(b)-4:], crc32.Checksum(b[:len(b)-4], castagnoli))
		_, _ = parseIndex("events.ics", b, int64(len(data)))
	}
}
