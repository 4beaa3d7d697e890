// Package export turns a merged timeline.Timeline into the machine-readable files
// the static site links to. Every function returns bytes and touches no file
// system; render (package render) decides where the bytes go.
//
// API (stable; render calls it):
//
//	type Site struct{ Title, BaseURL, Description string; EventURL, ArticleURL func(...) string; Updated time.Time }
//	TimelineJS(tl, site) -> timeline.json    (TimelineJS3 JSON)
//	ICS(tl, site)        -> events.ics       (iCalendar, RFC 5545)
//	CSV(tl, site)        -> events.csv       (RFC 4180)
//	Atom(tl, site)       -> feed.atom        (Atom 1.0, RFC 4287)
//	Sitemap(urls, lastmod) -> sitemap.xml    (sitemaps.org 0.9)
//	OEmbed(site, embedURL, w, h) -> oembed.json (oEmbed 1.0, type "rich")
//	NewsArticleJSONLD(article, site), EventJSONLD(event, site) -> schema.org JSON-LD
//
// Streaming forms (what render uses, so a site-wide file is never held whole in
// memory; same bytes): WriteTimelineJS, WriteICS, WriteCSV, WriteAtom(w, tl, site);
// SortSitemap(urls) then WriteSitemap(w, sorted) for one <urlset> of at most
// SitemapMaxURLs (50,000) URLs, WriteSitemapIndex(w, files) for a <sitemapindex>.
//
// Incremental rewrites: with Site.Splices (a SpliceStore) set, events.ics,
// events.csv and timeline.json copy the fragments (VEVENT, row, slide) of
// unchanged events from the previously published copy of the file, guided by
// an index the store keeps, and render only the others; the bytes are those
// of a full render (see SpliceStore).
//
// URLs: EventURL and ArticleURL return paths relative to the site root (nil means
// "events/ID/" and "articles/SLUG/"). When Site.BaseURL is set every URL in the
// output is resolved against it and is absolute; when it is empty the URLs stay
// relative to the site root, which is where render writes the export files, so
// they still resolve. Sitemap needs absolute URLs and refuses relative ones.
//
// Determinism: no output depends on the clock, map order or the machine. Site.Updated
// is the "now" of the build and must be derived from content (render passes the
// latest article date); when it is zero the latest article publication date is used.
// Events are written in timeline order (Date.Compare, then ID).
//
// Exportable events: those whose Start has a known span starting in years 1 to
// 9999. The others are left out of every export except CSV, where an undated one
// appears with empty start and end. iCalendar also leaves out an event whose span
// ends after 9999-12-31 (its exclusive DTEND could not be written).
//
// What each format promises (what engineer F's real-client checks can rely on):
//
//   - TimelineJS: {"title":{...},"events":[...]} loads in TimelineJS3 3.x unchanged.
//     start_date/end_date carry only the components the date knows: a year-precision
//     date has only "year", a month "year"+"month", a day adds "day", a TIME adds
//     "hour" (and "minute"/"second" when stated). Ranges use end_date (the last unit
//     of the range's end, inclusive). Precisions TimelineJS cannot express (week,
//     quarter, half, season, decade, century, millennium, parts of a day) become the
//     span they cover (start_date..end_date) with a slide-level "display_date" such as
//     "week 24 of 2024" or "second quarter of 2024" (the pages' wording, package datefmt). unique_id is "ev-" + the event ID reduced
//     to TimelineJS's slug alphabet [a-z0-9-] (so TimelineJS keeps it unchanged).
//     headline and text are HTML (TimelineJS renders them as HTML): every piece of
//     source text in them is HTML-escaped. Strings are escaped as encoding/json does
//     with SetEscapeHTML(false): < > & of that HTML are written as they are (the
//     file is fetched and parsed as JSON, never embedded in a page; a literal
//     "<script" cannot occur, as source text is escaped first).
//   - ICS: one VEVENT per event, UID "<event ID>@<BaseURL host or 'timeline'>".
//     Dates without a time of day are all-day: DTSTART;VALUE=DATE and an exclusive
//     DTEND;VALUE=DATE, so "2023-09" is 20230901..20231001, "2018".."2020" is
//     20180101..20210101 and "2024-W24" is 20240610..20240617. TIME precision is a
//     floating date-time, without Z (DTSTART..DTEND = the hour/minute/part of day
//     stated): the article's wall-clock time, whose zone TIMEX3 does not give, so
//     every calendar shows it as written instead of moving it by its offset from
//     UTC. A range
//     mixing a time and a day becomes all-day. The calendar has no METHOD
//     (a snapshot, not a scheduling message), so DTSTAMP is when the event's
//     information was last revised: the publication date of the newest article
//     it cites (the Unix epoch when none is dated), never a site-wide date, so
//     a new article leaves the VEVENTs of events it does not report unchanged. SUMMARY = title; DESCRIPTION = date as written, first sentence,
//     sources (each its title, and "<URL>" only when absolute: a calendar cannot
//     resolve a relative link); URL only when absolute (BaseURL set). TRANSP:TRANSPARENT (history does
//     not make anyone busy). Folding at 75 octets and TEXT escaping as
//     github.com/arran4/golang-ical serialises them (the calendar's header is the
//     library's; each VEVENT is written by veventWriter, tested byte-identical to
//     the library's serialisation); control characters other than newline and tab
//     are removed first.
//   - CSV: header id,date,start,end,precision,title,sources,url; CRLF line ends;
//     date is the TIMEX3 value ("2018/2020" for a range), start and end the first and
//     last calendar day covered (YYYY-MM-DD, end inclusive), precision the start's
//     granularity name, sources the titles of the reporting articles separated by
//     a semicolon and a space. A cell starting with = + - @ tab or CR gets a leading ' (formula injection).
//   - Atom: one entry per event, newest first, the newest AtomEntries only; entry updated = publication date of
//     the earliest article that reports the event (an editor's override-added event
//     without article uses Site.Updated); entry id = the absolute event URL when
//     BaseURL is set, else a urn:uuid (name-based, SHA-1) of the event ID: both stable
//     across rebuilds. summary is type="html", escaped.
//   - Sitemap: <urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">, one <url>
//     per distinct absolute http(s) URL, sorted, <lastmod> in W3C date format when known.
//   - oEmbed: version "1.0", type "rich", html = one <iframe> with escaped src and
//     title, width and height as given; provider_url when BaseURL is set.
//   - JSON-LD: "@context":"https://schema.org", NewsArticle / Event; <, > and & are
//     written as \u003c \u003e \u0026 so the bytes can sit inside
//     <script type="application/ld+json"> unchanged. Dates are ISO 8601 at the
//     precision known ("2020", "2023-09", "2024-06-12", or a date-time without a
//     zone, "2024-06-12T14:30:00", the article's wall-clock time); other
//     precisions give startDate/endDate as first and last day. "url" is written only
//     when absolute (JSON-LD does not resolve a relative one against the page).
//     Event places become "location" (Place), people and organisations "about".
//
// Text: every piece of source text is first made valid UTF-8 without control
// characters (newline and tab kept where the format allows; titles are one line).
//
// Tests: go test ./render/export/ (hand-made timeline with every precision and
// hostile text; ICS round-trips through the library's parser, Atom and sitemap
// through encoding/xml, CSV through encoding/csv); FuzzExportText checks every
// format parses back for any title; TestSpliceEqualsFullRender compares spliced
// and full renders over random edit sequences; BenchmarkExports10k prints CPU
// and wall ms per export, full and spliced.
package export
