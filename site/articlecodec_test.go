package site

import (
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/spf13/afero"

	"github.com/newsline/timeline/internal/newscorpus"
	"github.com/newsline/timeline/timeline"
	"github.com/newsline/timeline/timeline/events"
	"github.com/newsline/timeline/timeline/ingest"
)

// fieldNames lists a struct type's field names.
func fieldNames(v any) []string {
	t := reflect.TypeOf(v)
	names := make([]string, t.NumField())
	for i := range names {
		names[i] = t.Field(i).Name
	}
	return names
}

// A field added to Article, Meta or ingest.Options must be added to the
// article codec (or to parseKey) too; this test names the ones it knows.
func TestArticleCodecCoversEveryField(t *testing.T) {
	known := map[string]string{
		"Article": "Path Slug Meta Format Raw Body Text Offsets SetAside Headline",
		"Meta":    "Title Date DateText Source Author Publisher Tags Draft Slug Sample Extra",
		"Options": "Date IncludeDrafts MaxBytes OptionalDateDirs ParseFile ReadFile Recall Remember Listing Workers", // ReadFile, Recall, Remember, Listing, Workers: not read by Parse
	}
	for name, v := range map[string]any{"Article": timeline.Article{}, "Meta": timeline.Meta{}, "Options": ingest.Options{}} {
		if got := strings.Join(fieldNames(v), " "); got != known[name] {
			t.Errorf("%s fields are now %q: encode the new ones in articlecodec.go (appendArticle, or parseKey for options), then update this list", name, got)
		}
	}

	var m timeline.Meta
	n := 0
	v := reflect.ValueOf(&m).Elem()
	for i := 0; i < v.NumField(); i++ {
		if v.Type().Field(i).Name != "Extra" { // an article with Extra is never cached
			fill(v.Field(i), &n)
		}
	}
	raw := []byte("---\nfront matter\n---\nthe body")
	offsets := parsed(t, "x.md", "---\ntitle: T\ndate: 2024-01-02\n---\nAn \u201cofficial\u201d said.\n").Offsets
	for _, body := range []string{"the body", "not a suffix"} {
		a := timeline.Article{Path: "content/x.md", Slug: "x", Meta: m, Format: "markdown", Raw: raw, Body: body,
			Text: "the text", Offsets: offsets, SetAside: []timeline.Span{{Start: 1, End: 2}, {Start: 3, End: 4}}, Headline: "H"}
		enc, ok := appendArticle(nil, a)
		if !ok {
			t.Fatal("article not encodable")
		}
		got, err := decodeArticle(string(enc), a.Path, a.Raw)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, a) {
			t.Errorf("round trip lost data:\n got %#v\nwant %#v", got, a)
		}
	}
	if _, ok := appendArticle(nil, timeline.Article{Meta: timeline.Meta{Extra: map[string]any{"k": 1}}}); ok {
		t.Error("an article with unknown front matter keys was encoded: their YAML values cannot round-trip exactly")
	}
}

func parsed(t *testing.T, path, raw string) timeline.Article {
	t.Helper()
	a, err := ingest.Parse(path, []byte(raw), nil, ingest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// Real articles (the generated corpus, Markdown and raw text with nil and empty
// lists) decode to exactly what ingest.Parse returns.
func TestParsedArticlesRoundTrip(t *testing.T) {
	c := newscorpus.New(7)
	var arts []timeline.Article
	for i := 0; i < 20; i++ {
		arts = append(arts, parsed(t, "content/a.md", string(c.Article(i))))
	}
	arts = append(arts,
		parsed(t, "content/tags.md", "---\ntitle: T\ndate: 2024-01-02\ntags: []\nslug: s\n---\nText.\n"),
		parsed(t, "content/empty.md", "---\ntitle: T\ndate: 2024-01-02T10:30:00+02:00\n---\n"),
	)
	txt, err := ingest.Parse("seeds/r.txt", []byte("RELATED ARTICLE: x\nA ﬁrst line, hy-\nphenated.\n"), []byte("date: 2024-06-14\ntitle: R\n"), ingest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	arts = append(arts, txt)
	for _, a := range arts {
		enc, ok := appendArticle(nil, a)
		if !ok {
			t.Fatalf("%s: not encodable", a.Path)
		}
		got, err := decodeArticle(string(enc), a.Path, a.Raw)
		if err != nil {
			t.Fatalf("%s: %v", a.Path, err)
		}
		if !reflect.DeepEqual(got, a) {
			t.Errorf("%s: round trip differs:\n got %#v\nwant %#v", a.Path, got, a)
		}
	}
}

func TestDecodingGarbageArticleNeverPanics(t *testing.T) {
	a := parsed(t, "content/a.md", string(newscorpus.New(3).Article(0)))
	enc, _ := appendArticle(nil, a)
	for n := 0; n < len(enc); n += 1 + n/50 {
		if _, err := decodeArticle(string(enc[:n]), a.Path, a.Raw); err == nil {
			t.Errorf("truncated to %d bytes: no error", n)
		}
	}
	for i := 0; i < len(enc); i += 7 {
		bad := []byte(string(enc))
		bad[i] ^= 0xff
		_, _ = decodeArticle(string(bad), a.Path, a.Raw) // must not panic
	}
}

func TestParseKeyChangesWithWhatParseReads(t *testing.T) {
	base := parseKey("v", "p.txt", []byte("raw"), nil, ingest.Options{})
	for name, k := range map[string][32]byte{
		"version":       parseKey("w", "p.txt", []byte("raw"), nil, ingest.Options{}),
		"path":          parseKey("v", "q.txt", []byte("raw"), nil, ingest.Options{}),
		"bytes":         parseKey("v", "p.txt", []byte("raw!"), nil, ingest.Options{}),
		"empty sidecar": parseKey("v", "p.txt", []byte("raw"), []byte{}, ingest.Options{}),
		"date option":   parseKey("v", "p.txt", []byte("raw"), nil, ingest.Options{Date: time.Date(2024, 1, 2, 0, 0, 0, 0, time.UTC)}),
		"size limit":    parseKey("v", "p.txt", []byte("raw"), nil, ingest.Options{MaxBytes: 10}),
	} {
		if k == base {
			t.Errorf("changing the %s keeps the parse key", name)
		}
	}
	if parseKey("v", "p.txt", []byte("ab"), []byte("c"), ingest.Options{}) == parseKey("v", "p.txt", []byte("a"), []byte("bc"), ingest.Options{}) {
		t.Error("bytes moved between the file and its sidecar keep the key")
	}
}

// The real pipeline on a generated corpus: after adding, changing and deleting
// articles, each cached incremental build publishes exactly what a --no-cache
// build of the same content publishes, and parses and extracts only the
// articles whose bytes changed.
//
// On the operating system's file system the same runs with the pack mapped
// into memory (Options.MapCache), which each build also appends to or renames
// a new pack over while the mapping is in use.
func TestIncrementalBuildMatchesAFullBuild(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a 30-article site six times")
	}
	t.Run("memory", func(t *testing.T) { checkIncrementalSteps(t, afero.NewMemMapFs(), "", false) })
	// Files just written are too recent to be served by their stat
	// (racyWindow); these runs trust them, as later builds would.
	defer func(w time.Duration) { racyWindow = w }(racyWindow)
	racyWindow = -time.Hour
	t.Run("memory-stat", func(t *testing.T) { checkIncrementalSteps(t, afero.NewMemMapFs(), "", false) })
	t.Run("os-mapped-stat", func(t *testing.T) { checkIncrementalSteps(t, afero.NewOsFs(), t.TempDir(), true) })
}

func checkIncrementalSteps(t *testing.T, fs afero.Fs, root string, mapped bool) {
	at := func(name string) string { return filepath.Join(root, name) }
	corpus := newscorpus.New(11)
	files := map[string]string{}
	for i := 0; i < 30; i++ {
		files[at("content/article-"+string(rune('a'+i/10))+string(rune('0'+i%10))+".md")] = string(corpus.Article(i))
	}
	writeFiles(t, fs, files)
	opts := Options{ContentDir: at("content"), SeedsDir: "-", OutDir: at("public"), CacheDir: at("cache"),
		Version: "incr-test", Workers: 2, MapCache: mapped}
	if _, err := Build(fs, opts); err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		name   string
		change func()
		parsed int
	}{
		{"add", func() { writeFiles(t, fs, map[string]string{at("content/added.md"): string(corpus.Article(100))}) }, 1},
		{"change", func() {
			writeFiles(t, fs, map[string]string{at("content/article-a3.md"): string(corpus.Article(101))})
		}, 1},
		{"delete", func() {
			if err := fs.Remove(at("content/article-b7.md")); err != nil {
				t.Fatal(err)
			}
		}, 0},
	}
	for _, step := range steps {
		step.change()
		incr, err := Build(fs, opts)
		if err != nil {
			t.Fatalf("%s: %v", step.name, err)
		}
		if incr.Parsed != step.parsed || incr.Extracted != step.parsed || incr.Reused == 0 {
			t.Errorf("%s: parsed %d, extracted %d, reused %d pages; want %d, %d, some", step.name, incr.Parsed, incr.Extracted, incr.Reused, step.parsed, step.parsed)
		}
		checkSameAsFullBuild(t, fs, opts, step.name)
	}
}

// checkSameAsFullBuild builds the same content without caches elsewhere and
// compares the two sites file by file. The full build's output is given the
// site's record of event IDs (redirects.go), the one input a build takes
// from the previous site: what it publishes depends on the site's history
// (the old permalinks of moved events), and a site must be what a full
// build makes of its own record (a fixed point: every ID it lists lives or
// redirects to an event that lives).
func checkSameAsFullBuild(t *testing.T, fs afero.Fs, opts Options, step string) {
	t.Helper()
	full := opts
	beside := filepath.Dir(opts.OutDir)
	full.NoCache, full.OutDir, full.CacheDir = true, filepath.Join(beside, "public-full"), filepath.Join(beside, "cache-full")
	if rec, err := afero.ReadFile(fs, filepath.Join(opts.OutDir, idsFile)); err == nil {
		writeFiles(t, fs, map[string]string{filepath.Join(full.OutDir, idsFile): string(rec)})
	}
	if _, err := Build(fs, full); err != nil {
		t.Fatalf("%s, full build: %v", step, err)
	}
	want, got := relTree(t, fs, full.OutDir), relTree(t, fs, opts.OutDir)
	if len(got) != len(want) {
		t.Errorf("%s: the site has %d files, a full build %d", step, len(got), len(want))
	}
	for name, body := range want {
		if got[name] != body {
			t.Errorf("%s: %s differs from a full build", step, name)
		}
	}
}

// relTree is tree with the paths made relative to root.
func relTree(t *testing.T, fs afero.Fs, root string) map[string]string {
	out := map[string]string{}
	for name, body := range tree(t, fs, root) {
		out[strings.TrimPrefix(name, root+"/")] = body
	}
	return out
}

// A recalled article's offset map, left encoded until used, answers as the
// parsed article's does, from many goroutines at once, and the extractor
// finds the same events in it (it asks the map for span ends too).
func TestLazyOffsetsAnswerAsParsed(t *testing.T) {
	raw := []byte("---\ntitle: T\ndate: 2024-06-14\n---\nAn \u201cofficial\u201d said on Monday\nthe talks would re-\nsume on 3 May 2025.\n\nOn Friday \ufb01ve ministers met.\n")
	parsed, err := ingest.Parse("content/t.md", raw, nil, ingest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	enc, ok := appendArticle(nil, parsed)
	if !ok {
		t.Fatal("not encodable")
	}
	lazy, err := decodeArticleLazily(string(enc), parsed.Path, raw)
	if err != nil {
		t.Fatal(err)
	}
	if _, isLazy := lazy.Offsets.(*lazyOffsets); !isLazy {
		t.Fatalf("offsets are %T, want left encoded", lazy.Offsets)
	}
	if got, want := events.Extract(lazy), events.Extract(parsed); !reflect.DeepEqual(got, want) {
		t.Error("events extracted through the lazy map differ")
	}
	p := parsed.Offsets.(*ingest.Offsets)
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			l := lazy.Offsets.(*lazyOffsets)
			for i := -1; i <= len(parsed.Text)+1; i++ {
				if l.Original(i) != p.Original(i) || l.OriginalEnd(i) != p.OriginalEnd(i) {
					t.Errorf("offset %d: lazy %d/%d, parsed %d/%d", i, l.Original(i), l.OriginalEnd(i), p.Original(i), p.OriginalEnd(i))
					return
				}
			}
		}()
	}
	wg.Wait()
	if again, ok := appendArticle(nil, lazy); !ok || string(again) != string(enc) {
		t.Error("an article with a lazy map does not encode as the parsed one")
	}
	enc[len(enc)-len(parsed.Headline)-3] ^= 0xff // inside the map or what follows: a decode error, never a panic later
	if a, err := decodeArticleLazily(string(enc), parsed.Path, raw); err == nil {
		_ = a.Offsets.Original(3)
	}
}

// A cached article whose record has a sound CRC but whose offset map is not
// one AppendBinary wrote (a CRC-32 is no signature: anyone who can write the
// cache can compute one) is a miss when it is recalled: the article is
// parsed again and the site is what a full build makes. The recall checks
// the map it leaves encoded (ingest.CheckBinary); unchecked, the first page
// or extraction to use it would panic. The cache key names the executable
// (toolVersion), so an encoder of another build never wrote records this
// one reads: the check is the one thing between such a record and a crash.
func TestOffsetMapUnderASoundCRCIsAMiss(t *testing.T) {
	defer func(w time.Duration) { racyWindow = w }(racyWindow)
	racyWindow = -time.Hour // recall files by their stat, the lazy decoding's path
	fs := afero.NewMemMapFs()
	corpus := newscorpus.New(5)
	files := map[string]string{}
	for i := range 6 {
		files["content/article-"+string(rune('a'+i))+".txt"] = string(corpus.Article(i))
	}
	writeFiles(t, fs, files)
	date := time.Date(2024, 6, 14, 0, 0, 0, 0, time.UTC) // plain text: no front matter read
	opts := Options{ContentDir: "content", SeedsDir: "-", OutDir: "public", CacheDir: "cache", Version: "forged-test", Workers: 2, Date: date}
	if _, err := Build(fs, opts); err != nil {
		t.Fatal(err)
	}
	raw := []byte(files["content/article-c.txt"])
	parsed, err := ingest.Parse("content/article-c.txt", raw, nil, ingest.Options{Date: date})
	if err != nil {
		t.Fatal(err)
	}
	bin, _ := parsed.Offsets.(*ingest.Offsets).AppendBinary(nil)
	if len(bin) < 20 {
		t.Fatalf("the article's map has %d bytes: too few segments to forge", len(bin))
	}
	o := opts.withDefaults()
	old := openExtractCache(fs, o.CacheDir, o.Version, true, false)
	var recs []packRecord
	var offs []int64
	forged := 0
	for key, e := range old.records {
		enc := e.enc()
		if i := strings.Index(enc, string(bin)); i >= 0 {
			b := []byte(enc)
			b[i+len(bin)-1] = 2 // the last segment's copied flag: neither 0 nor 1
			enc = string(b)
			forged++
		}
		recs, offs = append(recs, packRecord{key: key, events: enc}), append(offs, e.off)
	}
	if forged != 1 {
		t.Fatalf("%d records hold the article's map, want its parsed form's only", forged)
	}
	sort.Sort(byOffset{recs, offs}) // the pack's order
	writeFiles(t, fs, map[string]string{old.file: string(appendRecords([]byte(old.header()), recs))})
	if err := fs.RemoveAll("public"); err != nil { // every page written again: every map read
		t.Fatal(err)
	}
	sum, err := Build(fs, opts)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Parsed != 1 {
		t.Errorf("parsed %d articles, want the forged one only", sum.Parsed)
	}
	checkSameAsFullBuild(t, fs, opts, "forged map")
}

type byOffset struct {
	recs []packRecord
	offs []int64
}

func (b byOffset) Len() int           { return len(b.recs) }
func (b byOffset) Less(i, j int) bool { return b.offs[i] < b.offs[j] }
func (b byOffset) Swap(i, j int) {
	b.recs[i], b.recs[j] = b.recs[j], b.recs[i]
	b.offs[i], b.offs[j] = b.offs[j], b.offs[i]
}
