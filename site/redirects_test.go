package site

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/spf13/afero"

	"github.com/newsline/timeline/timeline"
	"github.com/newsline/timeline/timeline/merge"
)

// Articles of a fictional town for the redirect tests: one sentence, told
// by three articles published on different days, and one event told only by
// the newest.
const (
	bridgeSentence = "The Varnholt city council approved the new harbour bridge in Storvik on 3 March 2024."
	bridgeNewest   = "---\ntitle: \"Storvik opens its harbour bridge\"\ndate: 2024-06-20\n---\n\n" + bridgeSentence +
		"\n\nThe bridge opened to traffic on 18 June 2024, the mayor of Storvik said.\n"
	bridgeOlder  = "---\ntitle: \"Varnholt council backs Storvik bridge\"\ndate: 2024-03-05\n---\n\n" + bridgeSentence + "\n"
	bridgeOldest = "---\ntitle: \"Storvik bridge vote\"\ndate: 2024-03-04\n---\n\n" + bridgeSentence + "\n"
)

// redirectSite is a real build of the content files on a MemMapFs, with the
// page of each event ID and a --no-cache twin check after every build.
type redirectSite struct {
	t    *testing.T
	fs   afero.Fs
	opts Options
}

func newRedirectSite(t *testing.T) *redirectSite {
	fs := afero.NewMemMapFs()
	writeFiles(t, fs, map[string]string{"content/storvik-bridge.md": bridgeNewest})
	return &redirectSite{t: t, fs: fs, opts: Options{Version: "redirect-test", ContentDir: "content", OutDir: "public",
		CacheDir: ".timeline-cache", SeedsDir: "-", Workers: 2}}
}

// build builds incrementally, then again with --no-cache: both must publish
// the same bytes (the record of IDs lives in the output, which both read).
func (s *redirectSite) build(step string) map[string]string {
	s.t.Helper()
	if _, err := Build(s.fs, s.opts); err != nil {
		s.t.Fatalf("%s: %v", step, err)
	}
	incr := tree(s.t, s.fs, s.opts.OutDir)
	full := s.opts
	full.NoCache = true
	if _, err := Build(s.fs, full); err != nil {
		s.t.Fatalf("%s, --no-cache: %v", step, err)
	}
	if got := tree(s.t, s.fs, s.opts.OutDir); !reflect.DeepEqual(got, incr) {
		for _, name := range slices.Sorted(maps.Keys(got)) {
			if got[name] != incr[name] {
				s.t.Errorf("%s: %s differs between the incremental and the --no-cache build", step, name)
			}
		}
		for name := range incr {
			if _, ok := got[name]; !ok {
				s.t.Errorf("%s: %s is only in the incremental build", step, name)
			}
		}
	}
	return incr
}

// eventPages maps each events/ID/index.html of a site to "page" or to the
// ID it redirects to.
func eventPages(t *testing.T, site map[string]string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for name, body := range site {
		rel := filepath.ToSlash(strings.TrimPrefix(name, "public"+string(filepath.Separator)))
		id, ok := strings.CutPrefix(rel, "events/")
		if !ok {
			continue
		}
		id = strings.TrimSuffix(id, "/index.html")
		_, after, found := strings.Cut(body, `<meta http-equiv="refresh" content="0; url=../`)
		if !found {
			out[id] = "page"
			continue
		}
		to, _, _ := strings.Cut(after, "/index.html")
		out[id] = to
		// The stub's visible link goes where the refresh does, and it is kept
		// out of search engines.
		if !strings.Contains(body, `This event moved to <a href="../`+to+`/index.html">`) || !strings.Contains(body, `<meta name="robots" content="noindex">`) {
			t.Errorf("redirect page for %s:\n%s", id, body)
		}
	}
	return out
}

// approvalID is the ID of the event the bridge sentence dates to 3 March
// (the sentence also tells its article's lead event).
func approvalID(t *testing.T, site map[string]string) string {
	t.Helper()
	for name, body := range site {
		if strings.HasSuffix(name, "index.html") && strings.Contains(name, "events") &&
			strings.Contains(body, `<time datetime="2024-03-03">`) && !strings.Contains(body, "http-equiv") {
			return filepath.Base(filepath.Dir(name))
		}
	}
	t.Fatal("no page for the approval event")
	return ""
}

func TestOlderArticleKeepsTheOldPermalinkAsARedirect(t *testing.T) {
	s := newRedirectSite(t)
	first := s.build("first build")
	a := approvalID(t, first)
	if pages := eventPages(t, first); pages[a] != "page" || len(pages) != 3 {
		t.Fatalf("first build's event pages: %v", pages)
	}

	// An older article tells the approval: the event's ID moves to one hashed
	// from the older article, and the old permalink redirects to it.
	writeFiles(t, s.fs, map[string]string{"content/storvik-council.md": bridgeOlder})
	second := s.build("older article added")
	b := approvalID(t, second)
	if b == a {
		t.Fatalf("the approval kept ID %s: the test needs an ID that moves", a)
	}
	pages := eventPages(t, second)
	if pages[a] != b || pages[b] != "page" {
		t.Fatalf("after the older article: %s -> %q, %s -> %q; want a redirect to the new page (%v)", a, pages[a], b, pages[b], pages)
	}
	for id, to := range pages {
		if to != "page" && id != a {
			t.Errorf("unexpected redirect %s -> %s", id, to)
		}
	}

	// A further build (and an unrelated edit) keeps it.
	writeFiles(t, s.fs, map[string]string{"content/unrelated.md": "---\ntitle: \"Osterholm ferry\"\ndate: 2024-05-01\n---\n\nThe Osterholm ferry resumed service on 30 April 2024.\n"})
	if got := eventPages(t, s.build("unrelated article")); got[a] != b {
		t.Errorf("a later build dropped the redirect: %s -> %q", a, got[a])
	}
	if got := eventPages(t, s.build("no change")); got[a] != b {
		t.Errorf("a rebuild without changes dropped the redirect: %s -> %q", a, got[a])
	}

	// An even older article: both old IDs go straight to the newest one.
	writeFiles(t, s.fs, map[string]string{"content/storvik-vote.md": bridgeOldest})
	third := s.build("oldest article added")
	c := approvalID(t, third)
	pages = eventPages(t, third)
	if c == b || pages[a] != c || pages[b] != c {
		t.Errorf("chain: %s -> %q, %s -> %q; want both -> %s", a, pages[a], b, pages[b], c)
	}

	// The oldest article removed: the approval has the second ID again, whose
	// page is the event's own again; the first still redirects, now to it.
	// The third ID's mention is gone with its article: no redirect (the
	// identity rule; see planRedirects).
	mustDo(t, s.fs.Remove("content/storvik-vote.md"))
	back := s.build("oldest article removed")
	pages = eventPages(t, back)
	if approvalID(t, back) != b || pages[b] != "page" || pages[a] != b {
		t.Errorf("back to the second ID: %v; want %s a page, %s redirecting to it", pages, b, a)
	}
	if _, ok := pages[c]; ok {
		t.Errorf("%s: %q, want no page (the mention it was hashed from is deleted)", c, pages[c])
	}
}

// An event that is truly gone gets no redirect: its article deleted, or the
// event hidden by an override. A redirect to a hidden event goes too.
func TestGoneEventsGetNoRedirect(t *testing.T) {
	s := newRedirectSite(t)
	writeFiles(t, s.fs, map[string]string{"content/ferry.md": "---\ntitle: \"Osterholm ferry\"\ndate: 2024-05-01\n---\n\nThe Osterholm ferry resumed service on 30 April 2024.\n"})
	first := s.build("first build")
	a := approvalID(t, first)
	before := eventPages(t, first)

	mustDo(t, s.fs.Remove("content/ferry.md"))
	afterDelete := eventPages(t, s.build("article deleted"))
	if len(afterDelete) != len(before)-2 { // the ferry's lead event and its dated one
		t.Errorf("after deleting an article: %v (before: %v); want its events gone, no redirect", afterDelete, before)
	}
	for id, to := range afterDelete {
		if to != "page" {
			t.Errorf("redirect %s -> %s for a deleted article's event", id, to)
		}
	}

	writeFiles(t, s.fs, map[string]string{"content/storvik-council.md": bridgeOlder})
	moved := s.build("older article added")
	b := approvalID(t, moved)
	if got := eventPages(t, moved); got[a] != b {
		t.Fatalf("%s -> %q, want %s", a, got[a], b)
	}
	writeFiles(t, s.fs, map[string]string{"content/overrides.yaml": "- id: " + b + "\n  hide: true\n"})
	hidden := eventPages(t, s.build("event hidden"))
	if _, ok := hidden[a]; ok {
		t.Errorf("%s: %q; the event it named is hidden, want no page", a, hidden[a])
	}
	if _, ok := hidden[b]; ok {
		t.Errorf("%s: %q; hidden, want no page", b, hidden[b])
	}
}

// The record of IDs is read from the previous site: a site built afresh
// (output removed) has no redirects, and a damaged record line is skipped
// with a warning, never turned into a path.
func TestIDRecordIsReadSafely(t *testing.T) {
	s := newRedirectSite(t)
	s.build("first build")
	rec := readFile(t, s.fs, "public/"+idsFile)
	writeFiles(t, s.fs, map[string]string{"public/" + idsFile: rec + "../../etc x\nabc ../x\n../../../y\nok0000000a 0000000000\n"})
	sum, err := Build(s.fs, s.opts)
	if err != nil {
		t.Fatal(err)
	}
	warned := 0
	for _, w := range sum.Warnings {
		if strings.Contains(w, idsFile) && strings.Contains(w, "skipped") {
			warned++
		}
	}
	if warned != 2 {
		t.Errorf("warnings %q: want one per bad line (2)", sum.Warnings)
	}
	site := tree(t, s.fs, "public")
	if pages := eventPages(t, site); pages["ok0000000a"] != "" {
		t.Errorf("a redirect to an event that does not exist: %v", pages)
	}
}

// An override naming the old ID applies to the moved event, with a warning
// naming the file, the line and the new ID, instead of failing the build.
func TestOverrideNamingAMovedIDAppliesToTheNewOne(t *testing.T) {
	s := newRedirectSite(t)
	a := approvalID(t, s.build("first build"))
	writeFiles(t, s.fs, map[string]string{"content/overrides.yaml": "# corrections\n- id: " + a + "\n  title: Varnholt council approves the Storvik bridge\n"})
	s.build("retitled")
	writeFiles(t, s.fs, map[string]string{"content/storvik-council.md": bridgeOlder})
	sum, err := Build(s.fs, s.opts)
	if err != nil {
		t.Fatalf("older article added: %v", err)
	}
	site := tree(t, s.fs, "public")
	b := approvalID(t, site)
	var warned []string
	for _, w := range sum.Warnings {
		if strings.Contains(w, a) {
			warned = append(warned, w)
		}
	}
	if len(warned) != 1 || !strings.HasPrefix(warned[0], "content/overrides.yaml:2: ") || !strings.Contains(warned[0], b) {
		t.Errorf("warnings %q: want one at content/overrides.yaml:2 naming %s and %s", sum.Warnings, a, b)
	}
	page := site[filepath.Join("public", "events", b, "index.html")]
	if !strings.Contains(page, "<h1>Varnholt council approves the Storvik bridge</h1>") {
		t.Errorf("the override did not apply to %s:\n%s", b, page)
	}
	if stub := site[filepath.Join("public", "events", a, "index.html")]; !strings.Contains(stub, ">Varnholt council approves the Storvik bridge</a>") {
		t.Errorf("stub for %s:\n%s", a, stub)
	}
	s.build("again") // and the --no-cache twin agrees
}

// The same history gives the same bytes whatever the number of workers,
// and a failed build leaves the stubs and the record as published.
func TestRedirectsAreDeterministicAndSurviveAFailedBuild(t *testing.T) {
	final := func(workers int) (*redirectSite, map[string]string) {
		s := newRedirectSite(t)
		s.opts.Workers = workers
		s.build("first build")
		writeFiles(t, s.fs, map[string]string{"content/storvik-council.md": bridgeOlder})
		s.build("older article")
		writeFiles(t, s.fs, map[string]string{"content/storvik-vote.md": bridgeOldest})
		return s, s.build("oldest article")
	}
	s, one := final(1)
	_, four := final(4)
	if !reflect.DeepEqual(one, four) {
		t.Error("the same history published different sites with 1 and 4 workers")
	}
	redirects := 0
	for _, to := range eventPages(t, one) {
		if to != "page" {
			redirects++
		}
	}
	if redirects != 2 {
		t.Fatalf("%d redirects, want 2: %v", redirects, eventPages(t, one))
	}
	// The oldest article removed (the approval's ID moves back) and a bad
	// override: nothing is published, the old site stays whole.
	mustDo(t, s.fs.Remove("content/storvik-vote.md"))
	writeFiles(t, s.fs, map[string]string{"content/overrides.yaml": "- id: 0000000000\n  colour: red\n"})
	if _, err := Build(s.fs, s.opts); err == nil {
		t.Fatal("a bad override did not fail the build")
	}
	if got := tree(t, s.fs, "public"); !reflect.DeepEqual(got, one) {
		t.Error("a failed build changed the published site")
	}
}

// A build killed between the two renames of its swap leaves the previous
// site as public.old-…: the next build reads the record there (before the
// publish stage puts the folder back) and keeps the redirects.
func TestRedirectsSurviveAnInterruptedSwap(t *testing.T) {
	s := newRedirectSite(t)
	a := approvalID(t, s.build("first build"))
	writeFiles(t, s.fs, map[string]string{"content/storvik-council.md": bridgeOlder})
	b := approvalID(t, s.build("older article"))
	mustDo(t, s.fs.Rename("public", "public.old-0123456789ab"))
	sum, err := Build(s.fs, s.opts)
	if err != nil {
		t.Fatal(err)
	}
	if got := eventPages(t, tree(t, s.fs, "public")); got[a] != b {
		t.Errorf("after an interrupted swap: %s -> %q, want %s (warnings %q)", a, got[a], b, sum.Warnings)
	}
}

// A merge entry naming a moved ID merges the event it moved to; listing
// both the old and the new ID of one event merges it once, never folding
// it into itself (which would drop it).
func TestMergeOverrideNamingAMovedID(t *testing.T) {
	s := newRedirectSite(t)
	first := s.build("first build")
	a := approvalID(t, first)
	opened := ""
	for id, kind := range eventPages(t, first) {
		if kind == "page" && strings.Contains(first[filepath.Join("public", "events", id, "index.html")], "<h1>The bridge opened to traffic</h1>") {
			opened = id
		}
	}
	if opened == "" {
		t.Fatal("no page for the opening")
	}
	writeFiles(t, s.fs, map[string]string{"content/storvik-council.md": bridgeOlder})
	b := approvalID(t, s.build("older article"))

	writeFiles(t, s.fs, map[string]string{"content/overrides.yaml": "- merge: [" + a + ", " + b + "]\n  title: Storvik bridge approved\n"})
	sum, err := Build(s.fs, s.opts)
	if err != nil {
		t.Fatalf("merge of an old and a new ID of one event: %v", err)
	}
	site := tree(t, s.fs, "public")
	if page := site[filepath.Join("public", "events", b, "index.html")]; !strings.Contains(page, "<h1>Storvik bridge approved</h1>") {
		t.Errorf("%s after merging it with its old ID (warnings %q):\n%s", b, sum.Warnings, page)
	}

	writeFiles(t, s.fs, map[string]string{"content/overrides.yaml": "- merge: [" + opened + ", " + a + "]\n"})
	if _, err := Build(s.fs, s.opts); err != nil {
		t.Fatalf("merge naming a moved ID: %v", err)
	}
	pages := eventPages(t, tree(t, s.fs, "public"))
	if pages[opened] != "page" || pages[b] != opened || pages[a] != opened {
		t.Errorf("after merging %s into %s: %v; want %s and %s redirecting to it", b, opened, pages, a, b)
	}
}

// goneIDs against a map of every ID, over random edits of a list: events
// added, removed, moved far or near, and IDs reused.
func TestGoneIDsIsExact(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 21))
	for round := range 2000 {
		n := rng.IntN(40)
		was := make([]string, n)
		for i := range was {
			was[i] = fmt.Sprintf("%010x", rng.Uint64()>>24)
		}
		cur := slices.Clone(was)
		for range rng.IntN(6) {
			switch k := rng.IntN(4); {
			case k == 0 && len(cur) > 0:
				i := rng.IntN(len(cur))
				cur = slices.Delete(cur, i, i+1)
			case k == 1:
				cur = slices.Insert(cur, rng.IntN(len(cur)+1), fmt.Sprintf("%010x", rng.Uint64()>>24))
			case k == 2 && len(cur) > 1:
				i, j := rng.IntN(len(cur)), rng.IntN(len(cur))
				cur[i], cur[j] = cur[j], cur[i]
			case k == 3 && len(cur) > 0 && len(was) > 0: // an old ID back, elsewhere
				cur = slices.Insert(cur, rng.IntN(len(cur)+1), was[rng.IntN(len(was))])
				cur = slices.Compact(cur)
			}
		}
		seen := map[string]bool{}
		cur = slices.DeleteFunc(cur, func(id string) bool { dup := seen[id]; seen[id] = true; return dup })
		tl := timeline.Timeline{}
		for _, id := range cur {
			tl.Events = append(tl.Events, timeline.Event{ID: id})
		}
		var want []string
		for _, id := range was {
			if !seen[id] {
				want = append(want, id)
			}
		}
		got := goneIDs(&tl, was)
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Fatalf("round %d: was %v, now %v: gone %v, want %v", round, was, cur, got, want)
		}
	}
}

// A Session (timeline serve) keeps the redirects as a build on its own does.
func TestSessionBuildsKeepRedirects(t *testing.T) {
	s := newRedirectSite(t)
	var warm Session
	build := func(step string) map[string]string {
		t.Helper()
		if _, err := warm.Build(s.fs, s.opts); err != nil {
			t.Fatalf("%s: %v", step, err)
		}
		return tree(t, s.fs, "public")
	}
	a := approvalID(t, build("first build"))
	writeFiles(t, s.fs, map[string]string{"content/storvik-council.md": bridgeOlder})
	second := build("older article")
	b := approvalID(t, second)
	if got := eventPages(t, second); got[a] != b {
		t.Errorf("%s -> %q, want %s", a, got[a], b)
	}
	if got := eventPages(t, build("again")); got[a] != b {
		t.Errorf("a later Session build: %s -> %q, want %s", a, got[a], b)
	}
	warm.Wait()
	checkSameAsFullBuild(t, s.fs, s.opts, "after the Session")
}

// mentionHolders on a timeline large enough to run on several workers finds
// the events holding a mention that hashes to each ID (merge.IDFor of the
// slug, a NUL and the text, its source path when it has no slug), in event
// order, each once, and nothing for an editor's events.
func TestMentionHoldersMatchesMergeIDs(t *testing.T) {
	tl := timeline.Timeline{Events: make([]timeline.Event, 20000)}
	for i := range tl.Events {
		tl.Events[i].ID = fmt.Sprintf("e%d", i)
		for k := range 1 + i%3 {
			m := timeline.Mention{Article: fmt.Sprintf("article-%d", i/7), Text: fmt.Sprintf("Sentence %d of the Osterholm report.", (i*3+k)%25000)}
			if i%11 == 0 {
				m.Article, m.Source = "", fmt.Sprintf("content/raw-%d.txt", i/7)
			}
			tl.Events[i].Mentions = append(tl.Events[i].Mentions, m)
		}
		tl.Events[i].Manual = i%97 == 5
	}
	// One sentence in events far apart (events told by one sentence): both
	// hold it, the earlier first.
	tl.Events[19998].Mentions = append(tl.Events[19998].Mentions, tl.Events[3].Mentions[len(tl.Events[3].Mentions)-1])
	idOf := func(m timeline.Mention) string {
		where := m.Article
		if where == "" {
			where = m.Source
		}
		return merge.IDFor(where + "\x00" + m.Text)
	}
	var lost []string
	want := map[string][]int{}
	for _, i := range []int{3, 5, 4242, 9999, 15001, 19999} {
		id := idOf(tl.Events[i].Mentions[len(tl.Events[i].Mentions)-1])
		lost = append(lost, id+"-2")
		want[id] = nil
	}
	for i, ev := range tl.Events {
		if ev.Manual {
			continue
		}
		for _, m := range ev.Mentions {
			if list, ok := want[idOf(m)]; ok && (len(list) == 0 || list[len(list)-1] != i) {
				want[idOf(m)] = append(list, i)
			}
		}
	}
	got := mentionHolders(&tl, lost, nil)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("holders %v, want %v", got, want)
	}
	if shared := want[idOf(tl.Events[3].Mentions[len(tl.Events[3].Mentions)-1])]; len(shared) != 2 {
		t.Errorf("the test needs a sentence two events far apart hold: %v", shared)
	}
	if len(want[idOf(tl.Events[5].Mentions[0])]) != 0 {
		t.Error("the test needs an editor's event whose mention no other holds")
	}
}
