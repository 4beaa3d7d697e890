package export

import (
	"encoding/json"
	"fmt"

	"github.com/newsline/timeline/timeline"
)

const schemaContext = "https://schema.org"

type ldThing struct {
	Type string `json:"@type"`
	Name string `json:"name"`
	URL  string `json:"url,omitempty"`
}

type ldNewsArticle struct {
	Context          string     `json:"@context"`
	Type             string     `json:"@type"`
	Headline         string     `json:"headline"`
	DatePublished    string     `json:"datePublished,omitempty"`
	Author           *ldThing   `json:"author,omitempty"`
	Publisher        *ldThing   `json:"publisher,omitempty"`
	URL              string     `json:"url,omitempty"`
	MainEntityOfPage string     `json:"mainEntityOfPage,omitempty"`
	IsBasedOn        string     `json:"isBasedOn,omitempty"`
	Keywords         []string   `json:"keywords,omitempty"`
	IsPartOf         *ldWebSite `json:"isPartOf,omitempty"`
}

type ldWebSite struct {
	Type string `json:"@type"`
	Name string `json:"name"`
	URL  string `json:"url,omitempty"`
}

type ldEvent struct {
	Context     string    `json:"@context"`
	Type        string    `json:"@type"`
	Name        string    `json:"name"`
	StartDate   string    `json:"startDate"`
	EndDate     string    `json:"endDate,omitempty"`
	Description string    `json:"description,omitempty"`
	URL         string    `json:"url,omitempty"`
	Location    []ldThing `json:"location,omitempty"`
	About       []ldThing `json:"about,omitempty"`
}

// NewsArticleJSONLD writes a schema.org NewsArticle for an article page. The
// bytes can go inside <script type="application/ld+json"> as they are.
func NewsArticleJSONLD(a timeline.Article, s Site) ([]byte, error) {
	p, err := prepare(s, timeline.Timeline{})
	if err != nil {
		return nil, fmt.Errorf("article %s: JSON-LD: %w", a.Path, err)
	}
	u := p.articleURL(a)
	out := ldNewsArticle{
		Context:  schemaContext,
		Type:     "NewsArticle",
		Headline: truncateRunes(articleTitle(a), 110), // schema.org consumers cut longer headlines
	}
	if !a.Meta.Date.IsZero() {
		out.DatePublished = w3cDate(a.Meta.Date)
	}
	if name := oneLine(a.Meta.Author); name != "" {
		out.Author = &ldThing{Type: "Person", Name: name}
	}
	if name := oneLine(a.Meta.Publisher); name != "" {
		out.Publisher = &ldThing{Type: "Organization", Name: name}
	}
	if absolute(u) { // JSON-LD does not resolve a relative "url" against the page
		out.URL, out.MainEntityOfPage = u, u
	}
	if src := oneLine(a.Meta.Source); absolute(src) {
		out.IsBasedOn = src
	}
	for _, tag := range a.Meta.Tags {
		if tag = oneLine(tag); tag != "" {
			out.Keywords = append(out.Keywords, tag)
		}
	}
	if title := oneLine(s.Title); title != "" {
		out.IsPartOf = &ldWebSite{Type: "WebSite", Name: title, URL: p.siteURL()}
	}
	return marshalLD(out)
}

// EventJSONLD writes a schema.org Event for an event page, dated at the
// precision the text gave.
func EventJSONLD(ev timeline.Event, s Site) ([]byte, error) {
	p, err := prepare(s, timeline.Timeline{})
	if err != nil {
		return nil, fmt.Errorf("event %s: JSON-LD: %w", ev.ID, err)
	}
	if ev.Start.IsZero() {
		return nil, fmt.Errorf("event %s: JSON-LD: date %q names no calendar span", ev.ID, ev.Start.Value)
	}
	out := ldEvent{
		Context:     schemaContext,
		Type:        "Event",
		Name:        oneLine(ev.Title),
		Description: oneLine(firstSentence(ev)),
	}
	if u := p.eventURL(ev); p.absoluteURL(u) {
		out.URL = u
	}
	out.StartDate, out.EndDate = ldDates(ev)
	for _, ent := range ev.Entities {
		name := oneLine(ent.Name)
		switch {
		case name == "":
		case ent.Kind == timeline.Place:
			out.Location = append(out.Location, ldThing{Type: "Place", Name: name})
		case ent.Kind == timeline.Person:
			out.About = append(out.About, ldThing{Type: "Person", Name: name})
		case ent.Kind == timeline.Organisation:
			out.About = append(out.About, ldThing{Type: "Organization", Name: name})
		}
	}
	return appendEventLD(make([]byte, 0, 512), &out), nil
}

// ldDates gives ISO 8601 dates at the known precision; a precision ISO 8601
// cannot write (quarter, week, season...) becomes its first and last day.
func ldDates(ev timeline.Event) (start, end string) {
	last, ranged := eventLast(ev)
	start = isoDate(ev.Start)
	if start == "" {
		start = ev.Start.Start.Format("2006-01-02")
		if !ranged {
			end = lastInstant(ev.Start).Format("2006-01-02")
		}
	}
	if ranged {
		end = isoDate(last)
		if end == "" {
			end = lastInstant(last).Format("2006-01-02")
		}
	}
	if end == start {
		end = ""
	}
	return start, end
}

func (p *site) siteURL() string {
	if p.base == nil {
		return ""
	}
	return p.base.String()
}

// marshalLD uses encoding/json's HTML escaping: <, > and & become \u003c,
// \u003e and \u0026, so "</script>" in a title cannot close the script element.
func marshalLD(v any) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("JSON-LD: %w", err)
	}
	return b, nil
}

func truncateRunes(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
