package export

import (
	"encoding/json"
	"fmt"
	"html"
	"net/url"
	"strconv"

	"github.com/newsline/timeline/timeline"
)

type oembed struct {
	Version      string `json:"version"`
	Type         string `json:"type"`
	Title        string `json:"title,omitempty"`
	ProviderName string `json:"provider_name,omitempty"`
	ProviderURL  string `json:"provider_url,omitempty"`
	HTML         string `json:"html"`
	Width        int    `json:"width"`
	Height       int    `json:"height"`
}

// OEmbed writes the oEmbed 1.0 "rich" response for the embed page (oembed.json).
// embedURL is the embed page, absolute or relative to the site root (then
// resolved against BaseURL); width and height are the iframe's size in pixels.
func OEmbed(s Site, embedURL string, width, height int) ([]byte, error) {
	p, err := prepare(s, timeline.Timeline{})
	if err != nil {
		return nil, fmt.Errorf("oembed.json: %w", err)
	}
	if width <= 0 || height <= 0 {
		return nil, fmt.Errorf("oembed.json: size %dx%d: width and height must be positive", width, height)
	}
	src := p.resolve(embedURL)
	if u, err := url.Parse(src); err != nil || (u.Scheme != "" && u.Scheme != "http" && u.Scheme != "https") || src == "" {
		return nil, fmt.Errorf("oembed.json: embed URL %q: want an http(s) URL or a path", embedURL)
	}
	title := firstNonEmpty(oneLine(s.Title), "Timeline")
	out := oembed{
		Version:      "1.0",
		Type:         "rich",
		Title:        title,
		ProviderName: title,
		HTML: `<iframe src="` + html.EscapeString(src) + `" width="` + strconv.Itoa(width) +
			`" height="` + strconv.Itoa(height) + `" title="` + html.EscapeString(title) +
			`" style="border:0;max-width:100%" loading="lazy"></iframe>`,
		Width:  width,
		Height: height,
	}
	if p.base != nil {
		out.ProviderURL = p.base.String()
	}
	b, err := json.Marshal(out)
	if err != nil {
		return nil, fmt.Errorf("oembed.json: %w", err)
	}
	return append(b, '\n'), nil
}
