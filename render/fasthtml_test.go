package render

import (
	"encoding/json"
	"html/template"
	"strings"
	"testing"

	"github.com/newsline/timeline/templates"
	"github.com/newsline/timeline/timeline"
)

// The templates eventMain and eventRow.HTML replace, verbatim: the reference
// their bytes are checked against.
const (
	refEventMain = `{{define "main"}}{{with .Event}}<article class="event">
<p class="when">{{.Date.HTML}}</p>
<h1>{{.Title}}</h1>
{{if .Entities}}<ul class="entities" aria-label="People, places and organisations">
{{range .Entities}}{{.HTML}}
{{end}}</ul>
{{end}}<h2>{{.MentionsHeading}}</h2>
{{if .Mentions}}<ol class="mentions">
{{range .Mentions}}<li>
<blockquote><p>{{.Before}}{{if .Mark}}<mark>{{.Mark}}</mark>{{end}}{{.After}}</p></blockquote>
<p class="cite">{{if .Slug}}<a href="{{.Href}}">{{.ArticleTitle}}</a>{{else}}{{.ArticleTitle}}{{end}}{{with .Tail}}{{.HTML}}{{end}}</p>
</li>
{{end}}</ol>
{{else}}<p>{{if .Manual}}Added by the editors of this timeline.{{else}}No source sentence recorded.{{end}}</p>
{{end}}<p class="eid">Event ID <code>{{.ID}}</code></p>
</article>
<nav class="prevnext" aria-label="Previous and next event">
<ul>
{{with .Prev}}<li class="prev"><a rel="prev" href="{{.Href}}"><span class="sr-only">Previous event: </span><span aria-hidden="true">← </span>{{.Title}}</a></li>
{{end}}{{with .Next}}<li class="next"><a rel="next" href="{{.Href}}"><span class="sr-only">Next event: </span>{{.Title}}<span aria-hidden="true"> →</span></a></li>
{{end}}<li class="up"><a href="{{.UpHref}}">Back to the timeline</a></li>
</ul>
</nav>
{{end}}{{end}}`
	refRow = `{{define "rows"}}{{range .Rows}}<li class="ev" id="e-{{.ID}}" data-y="{{.Year}}"{{with .EndYear}} data-y2="{{.}}"{{end}}{{with .EntityRefs}} data-e="{{.}}"{{end}}><span class="when">{{.Date.HTML}}</span> <a class="title" href="{{.Href}}"{{if $.Embed}} target="_top"{{end}}>{{.Title}}</a>{{with .Sources}} <span class="src">{{range $i, $s := .}}{{if $i}}, {{end}}<a href="{{.Href}}"{{if $.Embed}} target="_top"{{end}}>{{.Label}}</a>{{end}}</span>{{end}}</li>
{{end}}{{end}}`
	refDate        = `{{define "date"}}{{if .End}}<span class="sr-only">from </span>{{template "time" .Start}}<span aria-hidden="true">{{if .Spaced}} – {{else}}–{{end}}</span><span class="sr-only"> to </span>{{template "time" .End}}{{else}}{{template "time" .Start}}{{end}}{{end}}`
	refArticleMain = `{{define "main"}}{{with .Article}}<article class="source">
<h1>{{.Headline}}</h1>
<dl class="pub">
{{with .Published}}<dt>Published</dt><dd>{{template "time" .}}</dd>
{{end}}{{with .Author}}<dt>Author</dt><dd>{{.}}</dd>
{{end}}{{with .Publisher}}<dt>Publisher</dt><dd>{{.}}</dd>
{{end}}{{if .Source}}<dt>Source</dt><dd>{{if .SourceIsURL}}<a href="{{.Source}}" rel="nofollow noopener">{{.Source}}</a>{{else}}{{.Source}}{{end}}</dd>
{{end}}{{with .Tags}}<dt>Tags</dt><dd>{{range $i, $t := .}}{{if $i}}, {{end}}{{$t}}{{end}}</dd>
{{end}}</dl>
{{if .Sample}}<p class="note">This is sample content written for the demonstration site.</p>
{{end}}<div class="body">
{{.Body}}
</div>
</article>
{{if .Events}}<section class="dated" aria-labelledby="dated-h">
<h2 id="dated-h">Events dated in this article</h2>
<ol>
{{.EventItems}}</ol>
</section>
{{end}}{{end}}{{end}}`
	refArticleItems = `{{define "items"}}{{range .Events}}<li><span class="when">{{.Date.HTML}}</span> <a href="{{.Href}}">{{.Title}}</a></li>
{{end}}{{end}}`
)

func refTemplates(t *testing.T) *template.Template {
	t.Helper()
	return template.Must(template.New("ref").Parse(refEventMain + refRow + refArticleItems))
}

// TestFastHTMLMatchesTheTemplates renders every event page's content and
// every timeline row (page and embed) of several timelines, hostile text
// included, both ways, and compares the bytes.
func TestFastHTMLMatchesTheTemplates(t *testing.T) {
	ref := refTemplates(t)
	seed, _ := seedTimeline(t)
	hostile := fixture(t)
	for i := range hostile.Events {
		hostile.Events[i].Title += " + \x00 \xff\xfe \ufdd0 'q' \"dq\" <b>&amp;</b>"
	}
	hostile.Events[0].Mentions[0].Text = "A <sentence> with + and ' and \x00 and \xc3"
	// Mentions of articles the timeline lacks: the cited title is the source, else the slug.
	hostile.Events[1].Mentions = append(hostile.Events[1].Mentions, timeline.Mention{Article: "nowhere", Source: "Elsewhere <b>", Text: "x"},
		timeline.Mention{Article: "nowhere & 2", Text: "y", TimexText: "y", Timex: &timeline.Span{Start: 3, End: 4}})
	for name, tl := range map[string]timeline.Timeline{"fixture": fixture(t), "hostile": hostile, "seed": seed, "synthetic": synthetic(t, 300), "crowded": crowded(t, 120)} {
		s, err := newSite(tl, Config{Title: "Ref", BaseURL: "https://school.example/x/"})
		if err != nil {
			t.Fatal(err)
		}
		for i := range tl.Events {
			for _, root := range []string{"", "../../", "https://h.example/a b/<x>/"} { // the last one takes the slow href path
				v := s.eventView(i, root)
				if i > 0 {
					v.Prev = s.linkTo(i-1, root)
				}
				if i+1 < len(tl.Events) {
					v.Next = s.linkTo(i+1, root)
				}
				var want strings.Builder
				if err := ref.ExecuteTemplate(&want, "main", pageData{Event: v}); err != nil {
					t.Fatal(err)
				}
				got, err := eventMain(v)
				if err != nil {
					t.Fatal(err)
				}
				if string(got) != want.String() {
					t.Fatalf("%s: event %s content differs:\n got %q\nwant %q", name, tl.Events[i].ID, got, want.String())
				}
				direct, err := s.appendEventPage(nil, i, root)
				if err != nil {
					t.Fatal(err)
				}
				if string(direct) != want.String() {
					t.Fatalf("%s: appendEventPage of %s differs:\n got %q\nwant %q", name, tl.Events[i].ID, direct, want.String())
				}
				if i < len(tl.Articles) {
					checkArticleItems(t, ref, s, name, i, root)
				}
				for _, embed := range []bool{false, true} {
					row := s.eventRow(i, root, embed, s.appendEntityRefs)
					want.Reset()
					data := struct {
						Rows  []eventRow
						Embed bool
					}{[]eventRow{row}, embed}
					if err := ref.ExecuteTemplate(&want, "rows", data); err != nil {
						t.Fatal(err)
					}
					got, err := row.HTML()
					if err != nil {
						t.Fatal(err)
					}
					if string(got) != want.String() {
						t.Fatalf("%s: row of %s (embed %v) differs:\n got %q\nwant %q", name, tl.Events[i].ID, embed, got, want.String())
					}
					direct, err := s.appendRow(nil, i, root, embed, s.appendEntityRefs)
					if err != nil {
						t.Fatal(err)
					}
					if string(direct) != want.String() {
						t.Fatalf("%s: appendRow of %s (embed %v) differs:\n got %q\nwant %q", name, tl.Events[i].ID, embed, direct, want.String())
					}
				}
			}
		}
	}
}

// checkArticleItems compares article i's list of dated events both ways.
func checkArticleItems(t *testing.T, ref *template.Template, s *site, name string, i int, root string) {
	t.Helper()
	v := &articleView{}
	for _, e := range s.articleEvents[i] {
		v.Events = append(v.Events, *s.linkTo(int(e), root))
	}
	var want strings.Builder
	if err := ref.ExecuteTemplate(&want, "items", v); err != nil {
		t.Fatal(err)
	}
	got, err := v.EventItems()
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != want.String() {
		t.Fatalf("%s: dated events of article %s differ:\n got %q\nwant %q", name, s.tl.Articles[i].Slug, got, want.String())
	}
}

// TestEscapersMatchHTMLTemplate: text, attribute and href escaping agree
// with html/template on hostile strings, the href fallback included.
func TestEscapersMatchHTMLTemplate(t *testing.T) {
	tmpl := template.Must(template.New("e").Parse(`{{.}}|<p title="{{.}}">|<a href="{{.}}">`))
	for _, s := range []string{"", "plain", "a+b", "<x> & \"y\" 'z'", "\x00nul", "bad \xff\xfe utf8", "\ufdd0\ufffe", "é ü 日本",
		"../../events/a_b-c.d/index.html#e-x", "javascript:alert(1)", "https://example.org/a b?c=d&e=f", "#frag ment", "/root", "a\tb\nc", "%41%zz",
		"https://school.example/history/events/a_b/index.html", "http://h.example:8080/a%20b/c%2Fd#x", "https://x.example/%zz",
		"https://x.example/%4", "https://x.example/%", "HTTPS://x.example/", "https://x.example/a:b", "http://", "https:x/y",
		"https://x.example/a+b", "javascript://x", "https://x.example/a?b=c", "https://x.example/é"} {
		var want strings.Builder
		if err := tmpl.Execute(&want, s); err != nil {
			t.Fatal(err)
		}
		got := string(appendText(nil, s)) + `|<p title="` + string(appendText(nil, s)) + `">|<a href="` + string(appendHref(nil, s)) + `">`
		if got != want.String() {
			t.Errorf("%q:\n got %q\nwant %q", s, got, want.String())
		}
		if got, want := string(appendHTMLEscaped(nil, s)), template.HTMLEscapeString(s); got != want { // the marks' and plain articles' escaper
			t.Errorf("appendHTMLEscaped(%q) = %q, want %q", s, got, want)
		}
	}
}

// TestDateHTMLMatchesTheTemplate writes every event's date of several
// timelines, and hostile dates, with dateHTML and with the former "date"
// template (calling list.html's "time"), and compares.
func TestDateHTMLMatchesTheTemplate(t *testing.T) {
	ref := template.Must(template.Must(template.New("list").ParseFS(templates.FS, "list.html")).Parse(refDate))
	check := func(name string, v dateView) {
		t.Helper()
		var want strings.Builder
		if err := ref.ExecuteTemplate(&want, "date", v); err != nil {
			t.Fatal(err)
		}
		if got := dateHTML(v); string(got) != want.String() {
			t.Fatalf("%s: got %q, want %q", name, got, want.String())
		}
	}
	seed, _ := seedTimeline(t)
	for name, tl := range map[string]timeline.Timeline{"fixture": fixture(t), "seed": seed, "synthetic": synthetic(t, 300), "crowded": crowded(t, 120)} {
		for _, ev := range tl.Events {
			check(name+"/"+ev.ID, dateViewOf(ev.Start, ev.End))
		}
	}
	hostile := timeView{Text: "<b>\"1\" & '2' + \x00 \xff</b>", Attr: "2024\"><x>+&'"}
	for _, v := range []dateView{
		{Start: hostile}, {Start: timeView{Text: hostile.Text}}, {Start: hostile, End: &hostile},
		{Start: timeView{Text: "a"}, End: &timeView{Text: "b", Attr: "2020"}, Spaced: true},
		{Start: timeView{Text: "a", Attr: "2019"}, End: &timeView{Text: "b"}},
	} {
		check("hostile", v)
	}
}

// TestArticleMainMatchesTheTemplate writes every article page's content of
// several timelines, and hostile articles, with appendArticleMain and with
// the former article.html (calling list.html's real "time" template).
func TestArticleMainMatchesTheTemplate(t *testing.T) {
	ref := template.Must(template.Must(template.New("list").ParseFS(templates.FS, "list.html")).Parse(refArticleMain))
	check := func(name string, v *articleView) {
		t.Helper()
		var want strings.Builder
		if err := ref.ExecuteTemplate(&want, "main", pageData{Article: v}); err != nil {
			t.Fatal(err)
		}
		got, err := appendArticleMain(nil, v)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != want.String() {
			t.Fatalf("%s: got %q\nwant %q", name, got, want.String())
		}
	}
	seed, _ := seedTimeline(t)
	hostile := fixture(t)
	for i := range hostile.Articles {
		a := &hostile.Articles[i]
		a.Meta.Author, a.Meta.Publisher = "A <b>\"x\"</b> & 'y' + \x00", "P\xff\xfe <i>"
		a.Meta.Tags = []string{"t<1>", "", "t&2"}
		a.Meta.Source = []string{"https://news.example/a b?c=<d>&e", "not a URL <x>", "javascript:alert(1)", "https://x.example/ok"}[i%4]
		a.Meta.Sample = i%2 == 0
	}
	for name, tl := range map[string]timeline.Timeline{"fixture": fixture(t), "hostile": hostile, "seed": seed, "synthetic": synthetic(t, 300)} {
		s, err := newSite(tl, Config{Title: "Ref"})
		if err != nil {
			t.Fatal(err)
		}
		for i := range tl.Articles {
			d, err := s.articleData(i)
			if err != nil {
				t.Fatal(err)
			}
			deferred := *d.Article
			want, err := appendArticleMain(nil, &deferred) // the body written straight in
			if err != nil {
				t.Fatal(err)
			}
			if err := d.Article.fillBody(); err != nil { // the template reads .Body
				t.Fatal(err)
			}
			check(name+"/"+tl.Articles[i].Slug, d.Article)
			if got, _ := appendArticleMain(nil, d.Article); string(got) != string(want) {
				t.Fatalf("%s: the deferred body differs:\n got %q\nwant %q", tl.Articles[i].Slug, want, got)
			}
		}
	}
	check("empty", &articleView{Headline: "H"})
	check("no attr", &articleView{Headline: "H", Published: &timeView{Text: "the 1990s"}, Tags: []string{"one"}})
}

// TestEntitiesJSONMatchesMarshal: the filter table is written as
// json.Marshal writes it, hostile names included.
func TestEntitiesJSONMatchesMarshal(t *testing.T) {
	names := []string{"", "plain", `q"b\s/`, "<script>&amp;</script>", "\x00\x01\b\f\n\r\t\x1f\x7f", "bad \xff\xfe \xc3", "é ü 日本 😀",
		"\u2028\u2029", "\ufdd0\ufffe", "a+b='c'"}
	tables := [][]entityRef{nil, {}}
	for i, n := range names {
		tables = append(tables, []entityRef{{Name: n, Kind: names[(i+3)%len(names)], Count: i - 2}, {Name: "x", Kind: "person", Count: 1 << 40}})
	}
	for _, table := range tables {
		want, err := json.Marshal(table)
		if err != nil {
			t.Fatal(err)
		}
		if got := (&indexView{Entities: table}).EntitiesJSON(); string(got) != string(want) {
			t.Errorf("got %q\nwant %q", got, want)
		}
	}
}

// TestCiteTailMatchesTheTemplate writes every article's cite tail of
// several timelines, and hostile tails, with appendCiteTail and with
// list.html's "cite-tail" template, and compares.
func TestCiteTailMatchesTheTemplate(t *testing.T) {
	ref := template.Must(template.New("list").ParseFS(templates.FS, "list.html"))
	check := func(name string, v citeTailView) {
		t.Helper()
		var want strings.Builder
		if err := ref.ExecuteTemplate(&want, "cite-tail", v); err != nil {
			t.Fatal(err)
		}
		if got := string(appendCiteTail(nil, v)); got != want.String() {
			t.Fatalf("%s: got %q, want %q", name, got, want.String())
		}
	}
	seed, _ := seedTimeline(t)
	hostile := fixture(t)
	for i := range hostile.Articles {
		hostile.Articles[i].Meta.Publisher = " P <b>\"x\"</b> & 'y' + \x00 \xff "
	}
	for name, tl := range map[string]timeline.Timeline{"fixture": fixture(t), "hostile": hostile, "seed": seed, "synthetic": synthetic(t, 300)} {
		s, err := newSite(tl, Config{Title: "Ref"})
		if err != nil {
			t.Fatal(err)
		}
		for i := range tl.Articles {
			check(name+"/"+tl.Articles[i].Slug, citeTail{s, i}.view())
		}
	}
	check("empty", citeTailView{})
	check("no date", citeTailView{Publisher: "P"})
	check("no attr", citeTailView{Published: &timeView{Text: "the <1990s>"}})
}
