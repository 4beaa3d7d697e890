package site

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/spf13/afero"

	"github.com/newsline/timeline/timeline"
)

func TestCorruptPackIsAMissWithAWarning(t *testing.T) {
	for _, tc := range []struct {
		name    string
		corrupt func(pack []byte) []byte
		misses  int64
	}{
		{"truncated last record", func(p []byte) []byte { return p[:len(p)-3] }, 1},
		{"flipped byte in the last record", func(p []byte) []byte { p[len(p)-10] ^= 0xff; return p }, 1},
		{"garbage after the header", func(p []byte) []byte {
			return append(p[:len(packMagic)+strings.IndexByte(string(p[len(packMagic):]), '\n')+1], "garbage"...)
		}, 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fs, f, opts := newSite(t)
			if _, err := Build(fs, opts); err != nil {
				t.Fatal(err)
			}
			pack := ".timeline-cache/extract.pack"
			data, err := afero.ReadFile(fs, pack)
			if err != nil {
				t.Fatal(err)
			}
			writeFiles(t, fs, map[string]string{pack: string(tc.corrupt(data))})
			f.extracted.Store(0)
			sum, err := Build(fs, opts)
			if err != nil {
				t.Fatal(err)
			}
			if f.extracted.Load() != tc.misses || len(sum.Warnings) != 1 || !strings.Contains(sum.Warnings[0], "extract.pack") {
				t.Errorf("extracted %d, warnings %v; want %d and one warning", f.extracted.Load(), sum.Warnings, tc.misses)
			}
			// The pack was rewritten whole: the next build is all hits, no warning.
			f.extracted.Store(0)
			if sum, err = Build(fs, opts); err != nil || f.extracted.Load() != 0 || len(sum.Warnings) != 0 {
				t.Errorf("after repair: extracted %d, warnings %v, err %v", f.extracted.Load(), sum.Warnings, err)
			}
		})
	}
}

func TestPackGrowsByAppendingAndIsRewrittenWhenMostlyDead(t *testing.T) {
	fs, f, opts := newSite(t)
	if _, err := Build(fs, opts); err != nil {
		t.Fatal(err)
	}
	size := func() int64 {
		fi, err := fs.Stat(".timeline-cache/extract.pack")
		if err != nil {
			t.Fatal(err)
		}
		return fi.Size()
	}
	first := size()
	writeFiles(t, fs, map[string]string{"content/c.txt": "gamma one\n"})
	if _, err := Build(fs, opts); err != nil {
		t.Fatal(err)
	}
	appended := size()
	if appended <= first {
		t.Fatalf("pack %d bytes after adding an article, was %d", appended, first)
	}
	// Change every article: the old records are dead and outnumber the live.
	for i := 0; i < 2; i++ {
		writeFiles(t, fs, map[string]string{
			"content/a.txt": "alpha " + strings.Repeat("x", i) + "\n", "content/b.txt": "beta " + strings.Repeat("y", i) + "\n",
			"content/c.txt": "gamma " + strings.Repeat("z", i) + "\n", "seeds/s.txt": "seed " + strings.Repeat("w", i) + "\n"})
		if _, err := Build(fs, opts); err != nil {
			t.Fatal(err)
		}
	}
	if got := size(); got > appended+appended/2 {
		t.Errorf("pack %d bytes after replacing every article, want it compacted (was %d)", got, appended)
	}
	f.extracted.Store(0)
	if _, err := Build(fs, opts); err != nil || f.extracted.Load() != 0 {
		t.Errorf("after compaction: extracted %d, err %v; want all hits", f.extracted.Load(), err)
	}
}

func TestPackOfAnotherToolVersionIsIgnored(t *testing.T) {
	fs, f, opts := newSite(t)
	if _, err := Build(fs, opts); err != nil {
		t.Fatal(err)
	}
	opts.Version = "test-2"
	f.extracted.Store(0)
	sum, err := Build(fs, opts)
	if err != nil || f.extracted.Load() != 3 || len(sum.Warnings) != 0 {
		t.Errorf("extracted %d, warnings %v, err %v; want 3, none, nil", f.extracted.Load(), sum.Warnings, err)
	}
}

func TestCacheRoundTripsEvents(t *testing.T) {
	start, _ := timeline.ParseDate("2023-09")
	end, _ := timeline.ParseDate("2024-06-12T10:30")
	events := []timeline.Event{{
		Title: "Armenia froze its participation", Start: start, End: &end, Lead: true,
		Mentions: []timeline.Mention{{Article: "a", Source: "seeds/a.txt", Sentence: timeline.Span{Start: 3, End: 40}, Text: "t", Timex: &timeline.Span{Start: 5, End: 9}, TimexText: "2023"}},
		Entities: []timeline.Entity{{Name: "Armenia", Kind: timeline.Place}},
	}, {Title: "no dates"}}
	fs := afero.NewMemMapFs()
	c := openExtractCache(fs, "cache", "v", true, false)
	key := articleKey("v", timeline.Article{Path: "a"})
	c.put(key, events)
	if err := c.flush(); err != nil {
		t.Fatal(err)
	}
	got, ok, warn := openExtractCache(fs, "cache", "v", true, false).get(key, "a")
	if !ok || warn != "" || !reflect.DeepEqual(got, events) {
		t.Errorf("round trip: ok=%v warn=%q\n got %#v\nwant %#v", ok, warn, got, events)
	}
}

// TestEventCodecCoversEveryField fills every field of an Event (recursively, by
// reflection) with a distinct non-zero value and round-trips it: a field added
// to the model but not to the codec fails here.
func TestEventCodecCoversEveryField(t *testing.T) {
	var e timeline.Event
	n := 0
	fill(reflect.ValueOf(&e).Elem(), &n)
	events := []timeline.Event{e, e}
	got, err := decodeEvents(string(appendEvents(nil, events)))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, events) {
		t.Errorf("round trip lost data:\n got %#v\nwant %#v", got, events)
	}
}

func fill(v reflect.Value, n *int) {
	*n++
	switch v.Kind() {
	case reflect.String:
		v.SetString(strings.Repeat("s", *n))
	case reflect.Int, reflect.Int64, reflect.Int32:
		v.SetInt(int64(*n))
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		fill(v.Elem(), n)
	case reflect.Slice:
		v.Set(reflect.MakeSlice(v.Type(), 2, 2))
		for i := 0; i < 2; i++ {
			fill(v.Index(i), n)
		}
	case reflect.Struct:
		if v.Type() == reflect.TypeOf(time.Time{}) {
			v.Set(reflect.ValueOf(time.Date(2000+*n, 1, 2, 3, 4, 5, 6, time.UTC)))
			return
		}
		for i := 0; i < v.NumField(); i++ {
			fill(v.Field(i), n)
		}
	default:
		panic("fill: add a case for " + v.Type().String())
	}
}

func TestDecodingGarbageNeverPanics(t *testing.T) {
	valid := string(appendEvents(nil, []timeline.Event{{Title: "t", Mentions: []timeline.Mention{{Text: "x"}}}}))
	for i := 0; i < len(valid); i++ {
		for _, b := range []byte{0, 0x7f, 0xff} {
			bad := []byte(valid)
			bad[i] = b
			_, _ = decodeEvents(string(bad)) // must not panic, whatever it returns
		}
		if _, err := decodeEvents(valid[:i]); err == nil {
			t.Errorf("truncated at %d: no error", i)
		}
	}
}

func TestUndecodableRecordIsExtractedAgainAndCompactedAway(t *testing.T) {
	fs, f, opts := newSite(t)
	if _, err := Build(fs, opts); err != nil {
		t.Fatal(err)
	}
	o := opts.withDefaults()
	old := openExtractCache(fs, o.CacheDir, o.Version, true, false)
	var recs []packRecord
	for key, e := range old.records {
		recs = append(recs, packRecord{key: key, events: e.enc()})
	}
	recs[0].events = "\x05garbage" // a sound CRC around events that do not decode
	writeFiles(t, fs, map[string]string{old.file: string(appendRecords([]byte(old.header()), recs))})
	f.extracted.Store(0)
	sum, err := Build(fs, opts)
	if err != nil || f.extracted.Load() != 1 || len(sum.Warnings) != 1 {
		t.Fatalf("extracted %d, warnings %v, err %v; want 1 and one warning", f.extracted.Load(), sum.Warnings, err)
	}
	again := openExtractCache(fs, o.CacheDir, o.Version, true, false)
	if len(again.records) != 3 || again.dead != 0 {
		t.Errorf("pack after the repair: %d records, %d dead; want 3 and 0", len(again.records), again.dead)
	}
}

func TestPackThatCannotBeWrittenOnlyWarns(t *testing.T) {
	mem, f, opts := newSite(t)
	if _, err := Build(mem, opts); err != nil {
		t.Fatal(err)
	}
	writeFiles(t, mem, map[string]string{"content/c.txt": "gamma\n"})
	// The first file write of the build is the new pack record.
	sum, err := Build(&failFs{Fs: mem, failAt: 1}, opts)
	if err != nil || !sum.Published || len(sum.Warnings) != 1 || !strings.Contains(sum.Warnings[0], "cache") {
		t.Fatalf("published %v, warnings %v, err %v; want published with one cache warning", sum.Published, sum.Warnings, err)
	}
	f.extracted.Store(0)
	if sum, err = Build(mem, opts); err != nil || f.extracted.Load() != 1 || len(sum.Warnings) != 0 {
		t.Errorf("next build: extracted %d, warnings %v, err %v; want the lost record extracted again, quietly", f.extracted.Load(), sum.Warnings, err)
	}
}

// writeRecord writes the bytes appendRecords lays out, which parse reads.
func TestWriteRecordMatchesAppendRecords(t *testing.T) {
	for _, enc := range []string{"", "x", strings.Repeat("events\x00", 300)} {
		key := sha256.Sum256([]byte(enc))
		var got bytes.Buffer
		w := bufio.NewWriter(&got)
		if err := writeRecord(w, key, enc); err != nil {
			t.Fatal(err)
		}
		w.Flush()
		if want := appendRecords(nil, []packRecord{{key: key, events: enc}}); !bytes.Equal(got.Bytes(), want) {
			t.Errorf("%d-byte record: wrote %x, want %x", len(enc), got.Bytes(), want)
		}
	}
}

// Decoded events share slabs, but appending to one event's mentions or
// entities never writes over the next event's.
func TestDecodedEventsDoNotShareRoomToGrow(t *testing.T) {
	span := timeline.Span{Start: 1, End: 2}
	evs := []timeline.Event{
		{ID: "a", Mentions: []timeline.Mention{{Article: "x", Timex: &span}}, Entities: []timeline.Entity{{Name: "P", Kind: timeline.Person}}},
		{ID: "b", Mentions: []timeline.Mention{{Article: "y", Timex: &span}}, Entities: []timeline.Entity{{Name: "Q", Kind: timeline.Place}}},
	}
	got, err := decodeEvents(string(appendEvents(nil, evs)))
	if err != nil {
		t.Fatal(err)
	}
	got[0].Mentions = append(got[0].Mentions, timeline.Mention{Article: "z"})
	got[0].Entities = append(got[0].Entities, timeline.Entity{Name: "R"})
	*got[0].Mentions[0].Timex = timeline.Span{Start: 7, End: 8}
	if got[1].Mentions[0].Article != "y" || got[1].Entities[0].Name != "Q" || *got[1].Mentions[0].Timex != span {
		t.Errorf("changing the first event changed the second: %+v", got[1])
	}
}
