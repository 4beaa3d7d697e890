package e2e

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/newsline/timeline/timeline"
)

// testBaseURL is where the export test pretends the site is published, so the
// sitemap (absolute URLs only) is written and every export carries full URLs.
const testBaseURL = "https://timeline.example/course/"

var (
	publishedOnce sync.Once
	publishedRes  builtSite
)

// publishedSite is the seed site built with a base URL (timeline.yaml at the
// project root; a base_url in content/_index.md would win, which is fine).
func publishedSite(t testing.TB) builtSite {
	t.Helper()
	seedSite(t) // fails early and clearly if the pipeline is broken
	publishedOnce.Do(func() {
		root := filepath.Join(workDir, "published")
		for _, dir := range []string{"content", "seeds"} {
			if err := copyTree(filepath.Join(repoRoot(), dir), filepath.Join(root, dir)); err != nil {
				publishedRes.Err = err
				return
			}
		}
		cfg := "base_url: " + testBaseURL + "\n"
		if err := os.WriteFile(filepath.Join(root, "timeline.yaml"), []byte(cfg), 0o644); err != nil {
			publishedRes.Err = err
			return
		}
		publishedRes = buildSite(t, root, false)
	})
	if publishedRes.Err != nil {
		t.Fatalf("building the seed site with a base URL failed: %v", publishedRes.Err)
	}
	return publishedRes
}

// exportable are the events the exports promise to carry: those with a known
// span inside years 1..9999 (render/export/doc.go).
func exportable(events []timeline.Event) []timeline.Event {
	var out []timeline.Event
	for _, e := range events {
		if !e.Start.IsZero() && e.Start.Start.Year() >= 1 && e.Start.Start.Year() <= 9999 {
			out = append(out, e)
		}
	}
	return out
}

// tljsPage loads the site's timeline.json into TimelineJS3 itself, served from
// e2e/node_modules on the same origin.
const tljsPage = `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>TimelineJS3</title>
<link rel="stylesheet" href="/_e2e/node_modules/@knight-lab/timelinejs/dist/css/timeline.css">
<script src="/_e2e/node_modules/@knight-lab/timelinejs/dist/js/timeline.js"></script>
</head><body><div id="tl" style="width: 1000px; height: 600px"></div>
<script>
window.__tlReady = false;
window.__tl = new TL.Timeline('tl', '/timeline.json', {
  script_path: '/_e2e/node_modules/@knight-lab/timelinejs/dist/js/',
  font: null, language: 'en', hash_bookmark: false, track_events: [], soundcite: false
});
window.__tl.on('loaded', () => { window.__tlReady = true; });
</script></body></html>`

// TestTimelineJSLoadsEveryEvent opens timeline.json in TimelineJS3 in Chromium:
// one slide per exported event, headlines as in the file, no console error.
func TestTimelineJSLoadsEveryEvent(t *testing.T) {
	nodeModule(t, "@knight-lab/timelinejs/dist/js/timeline.js")
	s := publishedSite(t)
	raw, err := os.ReadFile(filepath.Join(s.Out, "timeline.json"))
	if err != nil {
		t.Fatal(err)
	}
	var data struct {
		Events []struct {
			UniqueID string `json:"unique_id"`
			Text     struct {
				Headline string `json:"headline"`
			} `json:"text"`
			StartDate map[string]any `json:"start_date"`
		} `json:"events"`
	}
	if err := json.Unmarshal(raw, &data); err != nil {
		t.Fatalf("timeline.json: %v", err)
	}
	want := exportable(s.Timeline.Events)
	if len(data.Events) != len(want) {
		t.Errorf("timeline.json has %d events, the timeline %d exportable", len(data.Events), len(want))
	}
	srv := serveSite(t, s.Out, map[string]string{"tljs.html": tljsPage})
	tb := newTab(t, srv.URL, tabOptions{width: 1100, height: 700})
	tb.open(testPrefix + "tljs.html")
	if !waitFor(tb, `window.__tlReady`, 15*time.Second) {
		t.Fatalf("TimelineJS3 never fired 'loaded' for timeline.json")
	}
	slides := evalIn[[]string](tb, `[...document.querySelectorAll('.tl-slide:not(.tl-slide-titleslide) .tl-headline')].map(h => h.textContent.trim())`)
	markers := evalIn[int](tb, `document.querySelectorAll('.tl-timemarker').length`)
	if len(slides) != len(data.Events) || markers != len(data.Events) {
		t.Errorf("TimelineJS3 shows %d slides and %d markers for %d events", len(slides), markers, len(data.Events))
	}
	got := map[string]bool{}
	for _, h := range slides {
		got[normSpace(h)] = true
	}
	for _, e := range data.Events {
		if h := normSpace(htmlText(e.Text.Headline)); !got[h] {
			t.Errorf("TimelineJS3 shows no slide headed %q (%s)", h, e.UniqueID)
		}
	}
	tb.screenshots("timelinejs")
	tb.assertClean()
}

var tagRE = regexp.MustCompile(`<[^>]*>`)

// htmlText is the text a browser shows for a small HTML fragment.
func htmlText(s string) string {
	r := strings.NewReplacer("&amp;", "&", "&lt;", "<", "&gt;", ">", "&quot;", `"`, "&#39;", "'", "&#34;", `"`)
	return r.Replace(tagRE.ReplaceAllString(s, ""))
}

// icalEvent is what ical.js reads back from events.ics.
type icalEvent struct {
	UID     string `json:"uid"`
	Summary string `json:"summary"`
	Start   string `json:"start"`
	End     string `json:"end"`
	AllDay  bool   `json:"allDay"`
}

const icalScript = `const ICAL = require('ical.js'); const fs = require('fs');
const cal = new ICAL.Component(ICAL.parse(fs.readFileSync(process.argv[1], 'utf8')));
if (cal.name !== 'vcalendar') throw new Error('not a VCALENDAR: ' + cal.name);
for (const p of ['version', 'prodid']) if (!cal.getFirstPropertyValue(p)) throw new Error('VCALENDAR lacks ' + p);
const out = cal.getAllSubcomponents('vevent').map(v => { const e = new ICAL.Event(v);
  if (!v.getFirstPropertyValue('dtstamp')) throw new Error('VEVENT ' + e.uid + ' lacks DTSTAMP');
  return {uid: e.uid, summary: e.summary, start: e.startDate.toString(), end: e.endDate ? e.endDate.toString() : '', allDay: e.startDate.isDate}; });
process.stdout.write(JSON.stringify(out));`

// TestICSReadByICALJS parses events.ics with ical.js (Mozilla's parser): one
// VEVENT per exportable event, with the right start, end and all-day flag.
func TestICSReadByICALJS(t *testing.T) {
	node := lookTool(t, "node", "apt-get install -y nodejs")
	nodeModule(t, "ical.js/dist/ical.es5.cjs")
	s := publishedSite(t)
	cmd := exec.Command(node, "-e", icalScript, filepath.Join(s.Out, "events.ics"))
	cmd.Dir = e2eDir()
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("ical.js refused events.ics: %v\n%s", err, stderr.String())
	}
	var got []icalEvent
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatal(err)
	}
	want := exportable(s.Timeline.Events)
	if len(got) != len(want) {
		t.Errorf("events.ics has %d events, the timeline %d exportable", len(got), len(want))
	}
	byUID := map[string]icalEvent{}
	for _, g := range got {
		if _, dup := byUID[g.UID]; dup {
			t.Errorf("events.ics repeats UID %s", g.UID)
		}
		byUID[g.UID] = g
	}
	for _, e := range want {
		g, ok := byUID[e.ID+"@timeline.example"]
		if !ok {
			t.Errorf("events.ics has no VEVENT for %s (UID %s@timeline.example)", e.ID, e.ID)
			continue
		}
		wantStart, wantEnd, allDay := expectedSpan(e)
		if g.AllDay != allDay {
			t.Errorf("%s (%s): all-day %v, want %v", e.ID, e.Start.Value, g.AllDay, allDay)
		}
		if g.Start != wantStart {
			t.Errorf("%s (%s): DTSTART %s, want %s", e.ID, e.Start.Value, g.Start, wantStart)
		}
		if wantEnd != "" && g.End != wantEnd {
			t.Errorf("%s (%s): DTEND %s, want %s (exclusive end of the span)", e.ID, e.Start.Value, g.End, wantEnd)
		}
		if normSpace(g.Summary) != normSpace(e.Title) {
			t.Errorf("%s: SUMMARY %q, want the title %q", e.ID, g.Summary, e.Title)
		}
	}
}

// expectedSpan is the iCalendar rendering of an event's dates that the date
// model implies: a date without a time of day is all-day, from the first day
// covered to the day after the last (DTEND exclusive); a time of day is the
// article's wall-clock time, floating (no zone). ical.js prints dates as
// YYYY-MM-DD and floating date-times as YYYY-MM-DDThh:mm:ss.
func expectedSpan(e timeline.Event) (start, end string, allDay bool) {
	last := e.Start
	if e.End != nil && !e.End.IsZero() {
		last = *e.End
	}
	allDay = e.Start.Gran != timeline.GranTime || last.Gran != timeline.GranTime
	if allDay {
		start = e.Start.Start.Format("2006-01-02")
		if last.End.Equal(last.End.Truncate(24 * time.Hour)) {
			end = last.End.Format("2006-01-02")
		}
		return start, end, true
	}
	return e.Start.Start.UTC().Format("2006-01-02T15:04:05"), last.End.UTC().Format("2006-01-02T15:04:05"), false
}

const feedScript = `import json, sys, feedparser
d = feedparser.parse(sys.argv[1])
print(json.dumps({"bozo": d.bozo, "error": str(d.get("bozo_exception", "")), "version": d.version,
  "title": d.feed.get("title", ""), "id": d.feed.get("id", ""), "updated": d.feed.get("updated", ""),
  "links": [l.get("href", "") for l in d.feed.get("links", [])],
  "entries": [{"id": e.get("id", ""), "title": e.get("title", ""), "link": e.get("link", ""),
               "updated": e.get("updated", ""), "has_updated": e.get("updated_parsed") is not None,
               "summary": e.get("summary", "")} for e in d.entries]}))`

// TestAtomFeedReadByFeedparser parses feed.atom with Debian's python3-feedparser.
func TestAtomFeedReadByFeedparser(t *testing.T) {
	py := debianPython(t, "feedparser")
	s := publishedSite(t)
	out, err := exec.Command(py, "-c", feedScript, filepath.Join(s.Out, "feed.atom")).Output()
	if err != nil {
		t.Fatalf("feedparser: %v", err)
	}
	var feed struct {
		Bozo    bool   `json:"bozo"`
		Error   string `json:"error"`
		Version string `json:"version"`
		Title   string `json:"title"`
		ID      string `json:"id"`
		Updated string `json:"updated"`
		Entries []struct {
			ID, Title, Link, Updated, Summary string
			HasUpdated                        bool `json:"has_updated"`
		} `json:"entries"`
	}
	if err := json.Unmarshal(out, &feed); err != nil {
		t.Fatal(err)
	}
	if feed.Bozo {
		t.Errorf("feedparser found feed.atom malformed: %s", feed.Error)
	}
	if feed.Version != "atom10" {
		t.Errorf("feedparser reads feed.atom as %q, want atom10", feed.Version)
	}
	if feed.Title == "" || feed.ID == "" || feed.Updated == "" {
		t.Errorf("feed lacks title, id or updated: %q %q %q", feed.Title, feed.ID, feed.Updated)
	}
	want := exportable(s.Timeline.Events)
	if len(feed.Entries) != len(want) {
		t.Errorf("feed has %d entries, the timeline %d exportable events", len(feed.Entries), len(want))
	}
	titles := map[string]bool{}
	for _, e := range want {
		titles[normSpace(e.Title)] = true
	}
	ids := map[string]bool{}
	for _, e := range feed.Entries {
		if ids[e.ID] {
			t.Errorf("feed repeats entry id %s", e.ID)
		}
		ids[e.ID] = true
		if !titles[normSpace(e.Title)] {
			t.Errorf("feed entry %q matches no event title", e.Title)
		}
		if !e.HasUpdated {
			t.Errorf("feed entry %q has no readable updated date (%q)", e.Title, e.Updated)
		}
		if !strings.HasPrefix(e.Link, testBaseURL) {
			t.Errorf("feed entry %q links to %q, want an absolute URL under %s", e.Title, e.Link, testBaseURL)
		} else if !publishedFileExists(s.Out, e.Link) {
			t.Errorf("feed entry %q links to %s, which the site does not have", e.Title, e.Link)
		}
	}
}

// publishedFileExists maps an absolute URL under testBaseURL to the output
// folder, the way a static host serves it (a folder means its index.html).
func publishedFileExists(out, link string) bool {
	rel := strings.TrimPrefix(link, testBaseURL)
	if i := strings.IndexAny(rel, "#?"); i >= 0 {
		rel = rel[:i]
	}
	rel, err := url.PathUnescape(rel)
	if err != nil {
		return false
	}
	p := filepath.Join(out, filepath.FromSlash(rel))
	if fi, err := os.Stat(p); err == nil && fi.IsDir() {
		p = filepath.Join(p, "index.html")
	}
	_, err = os.Stat(p)
	return err == nil
}

var (
	w3cDatetime = regexp.MustCompile(`^\d{4}(-\d{2}(-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?)?)?$`)
	changefreqs = map[string]bool{"always": true, "hourly": true, "daily": true, "weekly": true, "monthly": true, "yearly": true, "never": true}
)

// TestSitemapFollowsTheProtocol checks sitemap.xml against sitemaps.org 0.9:
// the urlset namespace, absolute http(s) locs under the site, at most 50,000
// URLs and 50 MB, W3C dates, valid changefreq and priority; and every loc
// must exist in the output.
func TestSitemapFollowsTheProtocol(t *testing.T) {
	s := publishedSite(t)
	raw, err := os.ReadFile(filepath.Join(s.Out, "sitemap.xml"))
	if err != nil {
		t.Fatalf("a site with a base URL has no sitemap.xml: %v", err)
	}
	if len(raw) > 50<<20 {
		t.Errorf("sitemap.xml is %d bytes, the limit is 50 MB", len(raw))
	}
	if !bytes.HasPrefix(raw, []byte("<?xml")) {
		t.Errorf("sitemap.xml lacks the XML declaration")
	}
	var set struct {
		XMLName xml.Name
		URLs    []struct {
			Loc        string `xml:"loc"`
			Lastmod    string `xml:"lastmod"`
			Changefreq string `xml:"changefreq"`
			Priority   string `xml:"priority"`
		} `xml:"url"`
	}
	if err := xml.Unmarshal(raw, &set); err != nil {
		t.Fatalf("sitemap.xml is not well-formed XML: %v", err)
	}
	if set.XMLName.Space != "http://www.sitemaps.org/schemas/sitemap/0.9" || set.XMLName.Local != "urlset" {
		t.Errorf("root element is {%s}%s, want urlset in the sitemaps.org 0.9 namespace", set.XMLName.Space, set.XMLName.Local)
	}
	if n := len(set.URLs); n == 0 || n > 50000 {
		t.Errorf("sitemap.xml lists %d URLs, want 1..50000", n)
	}
	seen := map[string]bool{}
	for _, u := range set.URLs {
		loc := strings.TrimSpace(u.Loc)
		parsed, err := url.Parse(loc)
		switch {
		case err != nil || !parsed.IsAbs() || (parsed.Scheme != "http" && parsed.Scheme != "https"):
			t.Errorf("loc %q is not an absolute http(s) URL", loc)
		case !strings.HasPrefix(loc, testBaseURL):
			t.Errorf("loc %q lies outside the site %s", loc, testBaseURL)
		case len(loc) >= 2048:
			t.Errorf("loc %q is longer than 2,048 characters", truncate(loc, 80))
		case !publishedFileExists(s.Out, loc):
			t.Errorf("loc %s names a page the site does not have", loc)
		}
		if seen[loc] {
			t.Errorf("loc %s listed twice", loc)
		}
		seen[loc] = true
		if u.Lastmod != "" && !w3cDatetime.MatchString(u.Lastmod) {
			t.Errorf("lastmod %q of %s is not a W3C datetime", u.Lastmod, loc)
		}
		if u.Changefreq != "" && !changefreqs[u.Changefreq] {
			t.Errorf("changefreq %q of %s is not allowed", u.Changefreq, loc)
		}
		if u.Priority != "" {
			var p float64
			if _, err := fmt.Sscan(u.Priority, &p); err != nil || p < 0 || p > 1 {
				t.Errorf("priority %q of %s is not in 0.0..1.0", u.Priority, loc)
			}
		}
	}
	for _, e := range s.Timeline.Events {
		if !seen[testBaseURL+"events/"+e.ID+"/"] && !seen[testBaseURL+"events/"+e.ID+"/index.html"] {
			t.Errorf("sitemap.xml lacks the page of event %s", e.ID)
		}
	}
}

// TestOEmbedFollowsTheSpec checks oembed.json against oEmbed 1.0 (section
// 2.3.4): version "1.0", a known type, and for "rich" an html iframe with
// width and height; the iframe must point at the site's embed page.
func TestOEmbedFollowsTheSpec(t *testing.T) {
	s := publishedSite(t)
	raw, err := os.ReadFile(filepath.Join(s.Out, "oembed.json"))
	if err != nil {
		t.Fatal(err)
	}
	var o map[string]any
	if err := json.Unmarshal(raw, &o); err != nil {
		t.Fatalf("oembed.json is not JSON: %v", err)
	}
	if o["version"] != "1.0" {
		t.Errorf("version %v, want the string \"1.0\"", o["version"])
	}
	typ, _ := o["type"].(string)
	switch typ {
	case "rich", "video":
		h, _ := o["html"].(string)
		src := regexp.MustCompile(`<iframe[^>]*\ssrc="([^"]*)"`).FindStringSubmatch(h)
		if src == nil {
			t.Errorf("html %q holds no iframe with a src", h)
		} else if got := strings.ReplaceAll(src[1], "&amp;", "&"); got != testBaseURL+"embed/" && got != testBaseURL+"embed/index.html" {
			t.Errorf("iframe src %q, want the embed page under %s", got, testBaseURL)
		}
		if !strings.Contains(h, "title=") {
			t.Errorf("the iframe in html has no title (frames need an accessible name)")
		}
		for _, k := range []string{"width", "height"} {
			if n, ok := o[k].(float64); !ok || n <= 0 || n != float64(int(n)) {
				t.Errorf("%s = %v, want a positive integer", k, o[k])
			}
		}
	case "photo", "link":
	default:
		t.Errorf("type %q is not an oEmbed type", typ)
	}
	for _, k := range []string{"provider_url", "author_url", "thumbnail_url"} {
		if v, ok := o[k].(string); ok && !strings.HasPrefix(v, "http") {
			t.Errorf("%s %q is not an absolute URL", k, v)
		}
	}
	_, tw := o["thumbnail_width"]
	_, th := o["thumbnail_height"]
	_, tu := o["thumbnail_url"]
	if (tw || th || tu) && !(tw && th && tu) {
		t.Errorf("thumbnail_url, thumbnail_width and thumbnail_height must come together")
	}
}
