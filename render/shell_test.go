package render

import (
	"strings"
	"testing"

	"github.com/newsline/timeline/timeline"
)

// renderAll renders every HTML page of a plan, by path.
func renderAll(t *testing.T, tl timeline.Timeline, cfg Config) map[string]string {
	t.Helper()
	plan, err := Plan(tl, cfg)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, p := range plan {
		var b pageBuf
		if err := p.Render(&b); err != nil {
			t.Fatalf("%s: %v", p.Path, err)
		}
		out[p.Path] = string(b.b)
	}
	return out
}

// TestShellsMatchTheTemplates renders every page of several sites (hostile
// settings and text included, small and paginated) through the shells and
// through html/template, and compares the bytes; it also checks the shells
// are in use for every kind the layout renders.
func TestShellsMatchTheTemplates(t *testing.T) {
	smallPages(t, 60, 15)
	seed, seedCfg := seedTimeline(t)
	hostile := fixture(t)
	for i := range hostile.Events {
		hostile.Events[i].Title += " + \x00 \xff\xfe \ufdd0 'q' \"dq\" <b>&amp;</b> tlShellHole1z"
	}
	hostileCfg := Config{Title: `<script>"T" & 'x' + tlShellHole0z</script>`, Description: "D \x00 \"<&>\" ü",
		BaseURL: "https://school.example/a%20b/", About: "Hi <b>x</b> [y](javascript:alert(1))"}
	cases := []struct {
		name string
		tl   timeline.Timeline
		cfg  Config
	}{
		{"fixture", fixture(t), Config{Title: "Armenia"}},
		{"fixture-base", fixture(t), Config{Title: "Armenia", BaseURL: "https://school.example/history/"}},
		{"hostile", hostile, hostileCfg},
		{"seed", seed, seedCfg},
		{"crowded", crowded(t, 200), Config{Title: "Crowded", BaseURL: "https://school.example/x/"}},
		{"synthetic", synthetic(t, 150), Config{Title: "Synthetic"}},
	}
	for _, c := range cases {
		shellsOff = true
		want := renderAll(t, c.tl, c.cfg)
		shellsOff = false
		got := renderAll(t, c.tl, c.cfg)
		for p, w := range want {
			if got[p] != w {
				t.Errorf("%s: %s differs from the template's bytes:\n got %.300q\nwant %.300q", c.name, p, got[p], w)
			}
		}
	}
}

// TestShellsAreUsed: every layout kind of an ordinary site gets a shell
// (none falls back to the template), so the speed-up is not lost silently.
func TestShellsAreUsed(t *testing.T) {
	smallPages(t, 60, 15)
	for _, cfg := range []Config{{Title: "Armenia"}, {Title: "Armenia", BaseURL: "https://school.example/history/", Description: "About Armenia"}} {
		for _, tl := range []timeline.Timeline{fixture(t), crowded(t, 200)} {
			s, err := newSite(tl, cfg)
			if err != nil {
				t.Fatal(err)
			}
			pages := []Page{s.aboutPage(), s.notFoundPage(), s.eventPage(0), s.articlePage(0)}
			if s.paged == nil {
				pages = append(pages, s.indexPage())
			} else {
				pages = append(pages, s.listingPages()...)
			}
			for _, p := range pages {
				var b pageBuf
				if err := p.Render(&b); err != nil {
					t.Fatal(err)
				}
			}
			kinds := map[string]bool{}
			s.chromes.Range(func(k, v any) bool {
				if k, ok := k.(shellKey); ok {
					if v.(*shell) == noShell {
						t.Errorf("%+v: shell failed its check", k)
					}
					kinds[k.kind] = true
				}
				return true
			})
			want := []string{"index", "event", "article", "about", "notfound"}
			if s.paged != nil {
				want = append(want, "year")
			}
			for _, kind := range want {
				if !kinds[kind] {
					t.Errorf("no shell for %s pages", kind)
				}
			}
		}
	}
}

// TestAppendFieldsMatchesStringsFields: the search data and an event page's
// description collapse whitespace exactly as strings.Fields does, on Unicode
// spaces, invalid UTF-8 and generated strings.
func TestAppendFieldsMatchesStringsFields(t *testing.T) {
	cases := []string{"", " ", "a", "  a  b\t\nc  ", "x\u00a0y\u2003z\u0085w\u3000", "\xff \xfe\xc3 é", "a\x00 b\v\fc\r"}
	alphabet := []string{"a", "b", " ", " ", "é", "\t", "\n", "\u00a0", "\u2028", "\xff", "\xc3", "\x00", "日", "\u0085"}
	seed := uint32(1)
	for n := 0; n < 2000; n++ {
		var b strings.Builder
		for k := 0; k < n%17; k++ {
			seed = seed*1664525 + 1013904223
			b.WriteString(alphabet[int(seed>>16)%len(alphabet)])
		}
		cases = append(cases, b.String())
	}
	for _, c := range cases {
		want := strings.Join(strings.Fields(c), " ")
		if got := string(appendFields([]byte("prefix"), c)); got != "prefix"+want {
			t.Fatalf("%q: got %q, want %q", c, got, "prefix"+want)
		}
		if collapsed(c) && c != want {
			t.Fatalf("%q is not collapsed", c)
		}
		if got := firstSentence(timeline.Event{Mentions: []timeline.Mention{{Text: " \t"}, {Text: c}}}); got != want {
			t.Fatalf("first sentence of %q: got %q, want %q", c, got, want)
		}
	}
}

// TestShellFallsBackToTheTemplate: a site title holding a sentinel's text
// makes the split shell disagree with the template on the probes; such a
// shell is refused and its pages still come out as the template writes them.
func TestShellFallsBackToTheTemplate(t *testing.T) {
	cfg := Config{Title: "Site " + sentinel(holeTitle)}
	s, err := newSite(fixture(t), cfg)
	if err != nil {
		t.Fatal(err)
	}
	var got pageBuf
	if err := s.eventPage(0).Render(&got); err != nil {
		t.Fatal(err)
	}
	refused := false
	s.chromes.Range(func(k, v any) bool {
		if _, ok := k.(shellKey); ok && v.(*shell) == noShell {
			refused = true
		}
		return true
	})
	if !refused {
		t.Fatal("a shell split at the site title's sentinel text was not refused")
	}
	shellsOff = true
	defer func() { shellsOff = false }()
	var want pageBuf
	if err := s.eventPage(0).Render(&want); err != nil {
		t.Fatal(err)
	}
	if string(got.b) != string(want.b) {
		t.Fatalf("fallback page differs from the template's:\n got %.200q\nwant %.200q", got.b, want.b)
	}
}

// TestBodyOffsetWithoutCopy: where the body starts in the raw file, found
// without copying the file when the body ends it.
func TestBodyOffsetWithoutCopy(t *testing.T) {
	for _, c := range []struct {
		raw, body string
		want      int
	}{{"---\ntitle: x\n---\nBody text.", "Body text.", 17}, {"Body text.\nsig", "Body text.", 0}, {"abc", "", -1}, {"abc", "abcd", -1}, {"abc", "abc", 0}} {
		a := &timeline.Article{Raw: []byte(c.raw), Body: c.body}
		if got := bodyOffset(a); got != c.want {
			t.Errorf("bodyOffset(%q, %q) = %d, want %d", c.raw, c.body, got, c.want)
		}
	}
	a := &timeline.Article{Raw: []byte(strings.Repeat("x", 4096) + "body"), Body: "body"}
	if n := testing.AllocsPerRun(10, func() { bodyOffset(a) }); n != 0 {
		t.Errorf("bodyOffset allocates %v times", n)
	}
}
