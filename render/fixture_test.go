package render

import (
	"strings"
	"testing"
	"time"

	"github.com/newsline/timeline/timeline"
)

func mustDate(t testing.TB, v string) timeline.Date {
	t.Helper()
	d, err := timeline.ParseDate(v)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func datePtr(t testing.TB, v string) *timeline.Date {
	d := mustDate(t, v)
	return &d
}

// spanOf finds expr in text after the first occurrence of after (so a test can
// point at one of several occurrences).
func spanOf(t testing.TB, text, after, expr string) *timeline.Span {
	t.Helper()
	base := strings.Index(text, after)
	if base < 0 {
		t.Fatalf("%q not in text", after)
	}
	i := strings.Index(text[base:], expr)
	if i < 0 {
		t.Fatalf("%q not after %q", expr, after)
	}
	return &timeline.Span{Start: base + i, End: base + i + len(expr)}
}

const hostileTitle = `<script>alert("pwned")</script> & "quotes" <img src=x onerror=alert(1)>`

// fixture is a small hand-made timeline: a raw-text article and a Markdown
// article with hostile content, events at several precisions, a range, a
// hostile title and an undated manual event.
func fixture(t testing.TB) timeline.Timeline {
	t.Helper()
	textRaw := "Armenia froze its CSTO membership in February 2024.\n\n" +
		"Azerbaijan took Nagorno-Karabakh in September 2023, after fighting between 2018 and 2020.\n\n" +
		"On 12 June 2024 Pashinyan said Armenia would leave."
	mdFront := "---\ntitle: \"Hostile <b>markdown</b>\"\ndate: 2024-06-20\n---\n"
	mdBody := "# A heading\n\nOn 12 June 2024 the parliament met. <script>alert('raw')</script>\n\n" +
		"<div onclick=\"alert(2)\">block html</div>\n\n" +
		"[click](javascript:alert(3)) and ![a picture](https://evil.example/pixel.png) and [a link with 2019 inside](https://example.org/2019).\n"
	text := timeline.Article{
		Path: "seeds/armenia.txt", Slug: "armenia-csto", Format: "text",
		Raw: []byte(textRaw), Body: textRaw, Text: textRaw,
		Meta: timeline.Meta{Title: "Armenia and the CSTO", Date: time.Date(2024, 6, 14, 0, 0, 0, 0, time.UTC),
			Publisher: "The Moscow Times", Author: "A. Writer", Source: "https://example.com/article", Tags: []string{"Armenia"}},
	}
	md := timeline.Article{
		Path: "content/hostile.md", Slug: "hostile", Format: "markdown",
		Raw: []byte(mdFront + mdBody), Body: mdBody, Text: mdBody,
		Meta: timeline.Meta{Title: hostileTitle, Date: time.Date(2024, 6, 20, 0, 0, 0, 0, time.UTC), Source: "javascript:alert(4)"},
	}
	mdOff := len(mdFront)
	mdSpan := spanOf(t, mdBody, "On", "12 June 2024")
	mdSpan.Start += mdOff
	mdSpan.End += mdOff
	linkSpan := spanOf(t, mdBody, "a link with", "2019")
	linkSpan.Start += mdOff
	linkSpan.End += mdOff
	mention := func(a timeline.Article, sentenceStart, expr string, span *timeline.Span) timeline.Mention {
		body := string(a.Raw)
		i := strings.Index(body, sentenceStart)
		end := strings.IndexAny(body[i:], ".") + i + 1
		return timeline.Mention{Article: a.Slug, Source: a.Path, Sentence: timeline.Span{Start: i, End: end},
			Text: body[i:end], Timex: span, TimexText: expr}
	}
	events := []timeline.Event{
		{ID: "fighting-2018", Title: "Fighting between Armenia and Azerbaijan", Start: mustDate(t, "2018"), End: datePtr(t, "2020"),
			Mentions: []timeline.Mention{mention(text, "Azerbaijan took", "between 2018 and 2020", spanOf(t, textRaw, "fighting", "between 2018 and 2020"))},
			Entities: []timeline.Entity{{Name: "Armenia", Kind: timeline.Place}, {Name: "Azerbaijan", Kind: timeline.Place}}},
		{ID: "link-2019", Title: "Something in a link", Start: mustDate(t, "2019"),
			Mentions: []timeline.Mention{mention(md, "[click]", "2019", linkSpan)}},
		{ID: "karabakh-2023", Title: "Azerbaijan takes Nagorno-Karabakh", Start: mustDate(t, "2023-09"),
			Mentions: []timeline.Mention{mention(text, "Azerbaijan took", "September 2023", spanOf(t, textRaw, "Azerbaijan took", "September 2023"))},
			Entities: []timeline.Entity{{Name: "Azerbaijan", Kind: timeline.Place}, {Name: "Nagorno-Karabakh", Kind: timeline.Place}}},
		{ID: "freeze-2024", Title: "Armenia freezes CSTO membership", Start: mustDate(t, "2024-02"),
			Mentions: []timeline.Mention{mention(text, "Armenia froze", "February 2024", spanOf(t, textRaw, "froze", "February 2024"))},
			Entities: []timeline.Entity{{Name: "CSTO", Kind: timeline.Organisation}}},
		{ID: "pashinyan-2024", Title: hostileTitle, Start: mustDate(t, "2024-06-12"),
			Mentions: []timeline.Mention{
				mention(text, "On 12 June", "12 June 2024", spanOf(t, textRaw, "On", "12 June 2024")),
				mention(md, "On 12 June", "12 June 2024", mdSpan),
			},
			Entities: []timeline.Entity{{Name: "Nikol Pashinyan", Kind: timeline.Person}}},
		{ID: "manual-1", Title: "An editor's note", Manual: true},
	}
	return timeline.Timeline{Events: events, Articles: []timeline.Article{text, md}}
}
