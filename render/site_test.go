package render

import (
	"bytes"
	"io/fs"
	"path"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"github.com/spf13/afero"

	"github.com/newsline/timeline/timeline"
)

// build writes a site into a fresh MemMapFs and returns every file by its
// slash path relative to the output root.
func build(t testing.TB, tl timeline.Timeline, cfg Config) map[string]string {
	t.Helper()
	mem := afero.NewMemMapFs()
	if err := Site(mem, "/out", tl, cfg); err != nil {
		t.Fatal(err)
	}
	files := map[string]string{}
	err := afero.Walk(mem, "/out", func(p string, info fs.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return err
		}
		data, err := afero.ReadFile(mem, p)
		files[strings.TrimPrefix(p, "/out/")] = string(data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func htmlFiles(files map[string]string) []string {
	var out []string
	for p := range files {
		if strings.HasSuffix(p, ".html") {
			out = append(out, p)
		}
	}
	sort.Strings(out)
	return out
}

func TestSiteWritesEveryPage(t *testing.T) {
	files := build(t, fixture(t), Config{Title: "Armenia"})
	for _, want := range []string{
		"index.html", "about/index.html", "404.html", "embed/index.html",
		"assets/site.css", "assets/site.js", "search.js",
		"events/fighting-2018/index.html", "events/pashinyan-2024/index.html", "events/manual-1/index.html",
		"articles/armenia-csto/index.html", "articles/hostile/index.html",
		"timeline.json", "events.ics", "events.csv", "feed.atom",
	} {
		if _, ok := files[want]; !ok {
			t.Errorf("missing %s", want)
		}
	}
	if _, ok := files["sitemap.xml"]; ok {
		t.Error("sitemap.xml written without a base URL (the protocol needs absolute URLs)")
	}
	if strings.Contains(files["index.html"], "sitemap.xml") {
		t.Error("index links to a sitemap that was not written")
	}
	withBase := build(t, fixture(t), Config{Title: "Armenia", BaseURL: "https://school.example/history/armenia"})
	if !strings.Contains(withBase["sitemap.xml"], "https://school.example/history/armenia/events/pashinyan-2024/") {
		t.Errorf("sitemap lacks the event's absolute URL under the sub-path:\n%s", withBase["sitemap.xml"])
	}
}

func TestDatesAtTheirPrecision(t *testing.T) {
	index := build(t, fixture(t), Config{})["index.html"]
	for _, want := range []string{
		`<time datetime="2023-09">September 2023</time>`,
		`<time datetime="2024-06-12">12 June 2024</time>`,
		`<span class="sr-only">from </span><time datetime="2018">2018</time><span aria-hidden="true">–</span><span class="sr-only"> to </span><time datetime="2020">2020</time>`,
	} {
		if !strings.Contains(index, want) {
			t.Errorf("index lacks %s", want)
		}
	}
	if !strings.Contains(index, `id="e-fighting-2018" data-y="2018" data-y2="2020"`) {
		t.Error("a range should carry its last year for the year filter")
	}
	for _, bad := range []string{"1 January", "1 September", "2018-01-01"} {
		if strings.Contains(index, bad) {
			t.Errorf("index claims more precision than known: %q", bad)
		}
	}
	// Events appear in timeline order.
	last := -1
	for _, id := range []string{"fighting-2018", "link-2019", "karabakh-2023", "freeze-2024", "pashinyan-2024", "manual-1"} {
		i := strings.Index(index, `id="e-`+id+`"`)
		if i < last {
			t.Errorf("event %s out of order", id)
		}
		last = i
	}
}

var (
	scriptTag    = regexp.MustCompile(`(?i)<script([^>]*)>`)
	anyTag       = regexp.MustCompile(`<[a-zA-Z][^<>]*>`)
	quotedValue  = regexp.MustCompile(`"[^"]*"`)
	eventAttr    = regexp.MustCompile(`(?i)\son[a-z]+\s*=`)
	forbiddenTag = regexp.MustCompile(`(?i)^<(img|iframe|object|embed|div onclick|base)\b`)
)

func TestHostileTextIsEscaped(t *testing.T) {
	files := build(t, fixture(t), Config{Title: `<script>alert("title")</script>`, About: "Hi <script>alert(5)</script> [x](javascript:alert(6))"})
	for _, p := range htmlFiles(files) {
		page := files[p]
		for _, m := range scriptTag.FindAllStringSubmatch(page, -1) {
			attrs := m[1]
			if !strings.Contains(attrs, `src="`) && !strings.Contains(attrs, `type="application/ld+json"`) &&
				!strings.Contains(attrs, `type="application/json"`) {
				t.Errorf("%s: unexpected script element %s", p, m[0])
			}
		}
		for _, tag := range anyTag.FindAllString(page, -1) {
			if eventAttr.MatchString(quotedValue.ReplaceAllString(tag, `""`)) {
				t.Errorf("%s: event-handler attribute in %s", p, tag)
			}
			if forbiddenTag.MatchString(tag) {
				t.Errorf("%s: element that fetches or frames content: %s", p, tag)
			}
		}
		if regexp.MustCompile(`href="javascript:`).MatchString(page) {
			t.Errorf("%s: javascript: link came through", p)
		}
	}
	if !strings.Contains(files["events/pashinyan-2024/index.html"], `<h1>&lt;script&gt;alert(&#34;pwned&#34;)&lt;/script&gt;`) {
		t.Error("hostile event title not shown escaped as its h1")
	}
	article := files["articles/hostile/index.html"]
	if !strings.Contains(article, "<!-- raw HTML omitted -->") {
		t.Error("raw HTML in Markdown should be omitted by goldmark")
	}
	if strings.Contains(article, "evil.example/pixel.png\"") && strings.Contains(article, "<img") {
		t.Error("Markdown image should become a link, not be fetched")
	}
	// JSON-LD stays inside its script element: no "</" inside it.
	for _, p := range htmlFiles(files) {
		page := files[p]
		for _, block := range regexp.MustCompile(`(?s)<script type="application/(?:ld\+)?json"[^>]*>(.*?)</script>`).FindAllStringSubmatch(page, -1) {
			if strings.Contains(block[1], "<") {
				t.Errorf("%s: JSON inside <script> contains '<': %.80s", p, block[1])
			}
		}
	}
}

var attrURL = regexp.MustCompile(`\s(href|src|content)="([^"]*)"`)
var idAttr = regexp.MustCompile(`\sid="([^"]+)"`)

// TestLinksAreRelativeAndResolve checks every href and src of every page: no
// absolute asset URL, no root-relative link (they break under a sub-path and
// file://), and every internal link names a file (and anchor) that exists.
func TestLinksAreRelativeAndResolve(t *testing.T) {
	for _, base := range []string{"", "https://school.example/history/armenia/"} {
		checkLinks(t, build(t, fixture(t), Config{BaseURL: base}), base)
	}
}

// checkLinks checks every href and src of every page of a built site.
func checkLinks(t *testing.T, files map[string]string, base string) {
	t.Helper()
	{
		ids := map[string]map[string]bool{}
		for _, p := range htmlFiles(files) {
			ids[p] = map[string]bool{}
			for _, m := range idAttr.FindAllStringSubmatch(files[p], -1) {
				ids[p][m[1]] = true
			}
		}
		for _, p := range htmlFiles(files) {
			page := files[p]
			for _, m := range attrURL.FindAllStringSubmatch(page, -1) {
				attr, u := m[1], htmlUnescape(m[2])
				if attr == "content" && !strings.HasPrefix(u, "http") {
					continue
				}
				checkURL(t, files, ids, p, page, attr, u, base)
			}
		}
	}
}

func checkURL(t *testing.T, files map[string]string, ids map[string]map[string]bool, p, page, attr, u, base string) {
	t.Helper()
	switch {
	case strings.HasPrefix(u, "http://") || strings.HasPrefix(u, "https://"):
		if base == "" && attr != "href" {
			t.Errorf("%s: absolute %s URL %q without a base URL", p, attr, u)
		}
		if attr == "src" && !(p == "404.html" && base != "" && strings.HasPrefix(u, base)) {
			t.Errorf("%s: asset fetched from an absolute URL %q", p, u)
		}
		ok := strings.HasPrefix(u, "https://example.") || strings.HasPrefix(u, "https://evil.example/") ||
			(base != "" && strings.HasPrefix(u, base))
		if !ok {
			t.Errorf("%s: unexpected absolute URL %q", p, u)
		}
		if base != "" && strings.HasPrefix(u, base) && p != "404.html" && !isMetaURL(page, u) {
			t.Errorf("%s: internal link %q should be relative", p, u)
		}
		return
	case strings.HasPrefix(u, "/") || strings.HasPrefix(u, "//"):
		t.Errorf("%s: root-relative URL %q breaks under a sub-path and file://", p, u)
		return
	case u == "" || strings.Contains(u, ":"):
		return // goldmark's emptied dangerous link; mailto: etc.
	}
	target, frag, _ := strings.Cut(u, "#")
	target, _, _ = strings.Cut(target, "?")
	resolved := p
	if target != "" {
		resolved = path.Join(path.Dir(p), target)
		if strings.HasSuffix(target, "/") {
			resolved += "/index.html"
		}
	}
	if _, ok := files[resolved]; !ok {
		t.Errorf("%s: link %q points at missing %s", p, u, resolved)
		return
	}
	if frag != "" && strings.HasSuffix(resolved, ".html") && !ids[resolved][frag] && frag != "main" {
		t.Errorf("%s: link %q names anchor #%s missing from %s", p, u, frag, resolved)
	}
}

// isMetaURL reports whether u occurs in page only in canonical/og/oEmbed metadata.
func isMetaURL(page, u string) bool {
	return strings.Contains(page, `rel="canonical" href="`+u+`"`) || strings.Contains(page, `property="og:url" content="`+u+`"`) ||
		strings.Contains(page, `json+oembed"`) && strings.HasSuffix(u, "oembed.json")
}

func htmlUnescape(s string) string {
	return strings.NewReplacer("&amp;", "&", "&#34;", `"`, "&#39;", "'", "&lt;", "<", "&gt;", ">").Replace(s)
}

func TestBuildIsDeterministic(t *testing.T) {
	cfg := Config{Title: "Armenia", BaseURL: "https://school.example/a/"}
	a, b := build(t, fixture(t), cfg), build(t, fixture(t), cfg)
	if len(a) != len(b) {
		t.Fatalf("%d files, then %d", len(a), len(b))
	}
	for p, data := range a {
		if b[p] != data {
			t.Errorf("%s differs between two builds", p)
		}
	}
	pa, err := Plan(fixture(t), cfg)
	if err != nil {
		t.Fatal(err)
	}
	pb, _ := Plan(fixture(t), cfg)
	for i := range pa {
		if pa[i].Path != pb[i].Path || pa[i].Key != pb[i].Key {
			t.Errorf("page %d: %s/%s then %s/%s", i, pa[i].Path, pa[i].Key, pb[i].Path, pb[i].Key)
		}
	}
}

// TestKeysFollowContent: changing one event's title changes its page, its
// neighbours (prev/next show the title), the timeline and exports, and
// nothing else; the bytes of a page whose Key is unchanged are unchanged.
func TestKeysFollowContent(t *testing.T) {
	cfg := Config{Title: "Armenia"}
	before, err := Plan(fixture(t), cfg)
	if err != nil {
		t.Fatal(err)
	}
	tl := fixture(t)
	tl.Events[2].Title = "Azerbaijan captures Nagorno-Karabakh"
	after, err := Plan(tl, cfg)
	if err != nil {
		t.Fatal(err)
	}
	changed := map[string]bool{}
	for i := range before {
		if before[i].Key != after[i].Key {
			changed[before[i].Path] = true
			continue
		}
		if !renderSame(t, before[i], after[i]) {
			t.Errorf("%s: same Key but different bytes", before[i].Path)
		}
	}
	for _, want := range []string{"events/karabakh-2023/index.html", "events/link-2019/index.html", "events/freeze-2024/index.html",
		"index.html", "embed/index.html", "timeline.json", "articles/armenia-csto/index.html"} {
		if !changed[want] {
			t.Errorf("%s: Key did not change", want)
		}
	}
	for _, same := range []string{"events/fighting-2018/index.html", "events/pashinyan-2024/index.html", "about/index.html", "assets/site.css", "404.html"} {
		if changed[same] {
			t.Errorf("%s: Key changed though its content did not", same)
		}
	}
}

func TestPlanRefusesUnsafeNames(t *testing.T) {
	for _, slug := range []string{"../escape", "/abs", "a/b", "", ".hidden", `a\b`} {
		tl := fixture(t)
		tl.Articles[1].Slug = slug
		if _, err := Plan(tl, Config{}); err == nil || !strings.Contains(err.Error(), "content/hostile.md") {
			t.Errorf("slug %q: want an error naming the article, got %v", slug, err)
		}
	}
	tl := fixture(t)
	tl.Events[0].ID = "../../etc"
	if _, err := Plan(tl, Config{}); err == nil {
		t.Error("event ID with ../ accepted")
	}
	tl = fixture(t)
	tl.Events[1].ID = tl.Events[0].ID
	if _, err := Plan(tl, Config{}); err == nil {
		t.Error("duplicate event IDs accepted")
	}
}

func TestAccessibilityBasics(t *testing.T) {
	checkAccessibility(t, build(t, fixture(t), Config{Title: "Armenia", Language: "hy"}), "hy")
}

// checkAccessibility checks the landmarks, headings and language of every page.
func checkAccessibility(t *testing.T, files map[string]string, lang string) {
	t.Helper()
	for _, p := range htmlFiles(files) {
		page := files[p]
		if n := strings.Count(page, "<h1"); n != 1 {
			t.Errorf("%s: %d h1 elements, want 1", p, n)
		}
		if !strings.Contains(page, `<html lang="`+lang+`"`) {
			t.Errorf("%s: no lang attribute", p)
		}
		if !strings.Contains(page, `<main id="main"`) {
			t.Errorf("%s: no main landmark", p)
		}
		if !strings.HasPrefix(p, "embed/") && !strings.Contains(page, `class="skip" href="#main"`) {
			t.Errorf("%s: no skip link", p)
		}
		checkHeadingOrder(t, p, page)
	}
}

var headingTag = regexp.MustCompile(`<h([1-6])`)

func checkHeadingOrder(t *testing.T, p, page string) {
	prev := 0
	for _, m := range headingTag.FindAllStringSubmatch(page, -1) {
		level := int(m[1][0] - '0')
		if level > prev+1 {
			t.Errorf("%s: heading h%d follows h%d", p, level, prev)
		}
		prev = level
	}
}

func TestEventPageQuotesAndHighlights(t *testing.T) {
	files := build(t, fixture(t), Config{})
	page := files["events/karabakh-2023/index.html"]
	want := `<blockquote><p>Azerbaijan took Nagorno-Karabakh in <mark>September 2023</mark>, after fighting between 2018 and 2020.</p></blockquote>`
	if !strings.Contains(page, want) {
		t.Errorf("event page lacks the quoted sentence with its date marked:\n%s", page)
	}
	if !strings.Contains(page, `rel="prev" href="../../events/link-2019/index.html"`) ||
		!strings.Contains(page, `rel="next" href="../../events/freeze-2024/index.html"`) {
		t.Error("prev/next links missing or wrong")
	}
	art := files["articles/armenia-csto/index.html"]
	if !strings.Contains(art, `in <mark id="t89"><a href="../../events/karabakh-2023/index.html"`) {
		t.Errorf("article does not link its date expression to the event:\n%s", art)
	}
	md := files["articles/hostile/index.html"]
	if !strings.Contains(md, `On <mark id="t74"><a href="../../events/pashinyan-2024/index.html"`) {
		t.Errorf("markdown article does not mark its date expression:\n%s", md)
	}
	if !strings.Contains(md, `a link with <mark id="t275">2019</mark> inside</a>`) {
		t.Error("a date inside a Markdown link should be marked without a nested link")
	}
	if !strings.Contains(md, "<h2>A heading</h2>") {
		t.Error("Markdown headings should move below the page's h1")
	}
}

func TestEmbedPage(t *testing.T) {
	files := build(t, fixture(t), Config{Title: "Armenia"})
	page := files["embed/index.html"]
	if strings.Contains(page, `<header class="site"`) || strings.Contains(page, `<footer`) {
		t.Error("embed page carries site chrome")
	}
	if !strings.Contains(page, `href="../events/karabakh-2023/index.html" target="_top"`) {
		t.Error("embed deep links should open at the top level")
	}
	if !strings.Contains(page, `id="e-karabakh-2023"`) {
		t.Error("embed page lacks in-frame event anchors")
	}
	if !strings.Contains(files["index.html"], "&lt;iframe src=&#34;embed/index.html&#34;") {
		t.Error("index lacks the embed snippet")
	}
	// Without a base URL the oEmbed iframe src could only be relative, which
	// another site's page cannot load: no oembed.json, no discovery link.
	if _, ok := files["oembed.json"]; ok {
		t.Errorf("oembed.json written without a base URL:\n%s", files["oembed.json"])
	}
	for _, p := range htmlFiles(files) {
		if strings.Contains(files[p], "json+oembed") {
			t.Errorf("%s announces an oembed.json that was not written", p)
		}
	}
	withBase := build(t, fixture(t), Config{Title: "Armenia", BaseURL: "https://school.example/history/armenia"})
	if !strings.Contains(withBase["embed/index.html"], `type="application/json+oembed" title="Armenia" href="https://school.example/history/armenia/oembed.json"`) {
		t.Error("embed page lacks the oEmbed discovery link")
	}
	if o := withBase["oembed.json"]; !strings.Contains(o, `"type":"rich"`) || !strings.Contains(o, `src=\"https://school.example/history/armenia/embed/index.html\"`) {
		t.Errorf("oembed.json: %s", o)
	}
}

func TestSeedBudget(t *testing.T) {
	files := build(t, fixture(t), Config{})
	total := len(files["index.html"]) + len(files["assets/site.css"]) + len(files["assets/site.js"])
	t.Logf("index.html + CSS + JS = %d bytes", total)
	if total > 50*1024 {
		t.Errorf("timeline page with CSS and JS weighs %d bytes, budget 50 KB", total)
	}
}

func TestControlCharactersAndInvalidUTF8AreReplaced(t *testing.T) {
	tl := fixture(t)
	tl.Events[0].Title = "NUL\x00 bell\x07 bad\xff\xfe byte \u0085 nonchar \uFFFF end"
	tl.Articles[0].Meta.Title = "Title\x00with NUL"
	files := build(t, tl, Config{})
	for _, p := range htmlFiles(files) {
		page := files[p]
		if !utf8.ValidString(page) {
			t.Errorf("%s: invalid UTF-8", p)
		}
		for _, bad := range []string{"\x00", "\x07", "\u0085", "\uFFFF"} {
			if strings.Contains(page, bad) {
				t.Errorf("%s: contains %q", p, bad)
			}
		}
	}
	if !strings.Contains(files["events/fighting-2018/index.html"], "<h1>NUL\uFFFD bell\uFFFD bad\uFFFD") {
		t.Error("replaced characters should show as U+FFFD in the title")
	}
}

// TestPagesRenderConcurrently: a build may render pages in parallel; each
// Render must give the same bytes as a sequential one.
func TestPagesRenderConcurrently(t *testing.T) {
	pages, err := Plan(fixture(t), Config{Title: "Armenia"})
	if err != nil {
		t.Fatal(err)
	}
	want := make([]string, len(pages))
	for i, p := range pages {
		var b bytes.Buffer
		if err := p.Render(&b); err != nil {
			t.Fatal(err)
		}
		want[i] = b.String()
	}
	got := make([]string, len(pages))
	var wg sync.WaitGroup
	for i, p := range pages {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var b bytes.Buffer
			if err := p.Render(&b); err != nil {
				t.Error(err)
			}
			got[i] = b.String()
		}()
	}
	wg.Wait()
	for i := range pages {
		if got[i] != want[i] {
			t.Errorf("%s: concurrent render differs", pages[i].Path)
		}
	}
}

// TestSitemapSplitsOverTheLimit: a site with more URLs than one sitemap may
// list gets sitemap.xml as an index of numbered sitemaps that together list
// every page once, each within the limit.
func TestSitemapSplitsOverTheLimit(t *testing.T) {
	cfg := Config{Title: "Armenia", BaseURL: "https://school.example/a/"}
	single := build(t, fixture(t), cfg)["sitemap.xml"]
	if !strings.Contains(single, "<urlset") || strings.Count(single, "<url>") != 10 {
		t.Fatalf("small site: want one urlset of 10 URLs:\n%s", single)
	}
	defer func(n int) { sitemapLimit = n }(sitemapLimit)
	sitemapLimit = 4
	files := build(t, fixture(t), cfg)
	index := files["sitemap.xml"]
	if !strings.Contains(index, "<sitemapindex") || strings.Count(index, "<sitemap>") != 3 {
		t.Fatalf("want an index of 3 sitemaps:\n%s", index)
	}
	var all []string
	for n := 1; n <= 3; n++ {
		name := sitemapFile(n)
		if !strings.Contains(index, "<loc>https://school.example/a/"+name+"</loc>") {
			t.Errorf("index does not name %s", name)
		}
		part := files[name]
		locs := regexp.MustCompile(`<loc>([^<]*)</loc>`).FindAllStringSubmatch(part, -1)
		if len(locs) == 0 || len(locs) > 4 {
			t.Errorf("%s lists %d URLs, want 1 to 4", name, len(locs))
		}
		for _, l := range locs {
			all = append(all, l[1])
		}
	}
	var want []string
	for _, l := range regexp.MustCompile(`<loc>([^<]*)</loc>`).FindAllStringSubmatch(single, -1) {
		want = append(want, l[1])
	}
	if strings.Join(all, "\n") != strings.Join(want, "\n") {
		t.Errorf("numbered sitemaps list:\n%s\nwant:\n%s", strings.Join(all, "\n"), strings.Join(want, "\n"))
	}
	if _, ok := files[sitemapFile(4)]; ok {
		t.Error("an empty fourth sitemap was written")
	}
}
