package ingest

import (
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/newsline/timeline/timeline"
)

const seedPath = "../../seeds/000_3439a67832322a1f.txt"

var day = time.Date(2024, 6, 14, 0, 0, 0, 0, time.UTC)

// mustText parses raw text with a fixed date and fails the test on error.
func mustText(t *testing.T, raw string) timeline.Article {
	t.Helper()
	a, err := Parse("x.txt", []byte(raw), nil, Options{Date: day})
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	checkWordsMap(t, a)
	return a
}

func asides(a timeline.Article) []string {
	var out []string
	for _, s := range a.SetAside {
		out = append(out, string(a.Raw[s.Start:s.End]))
	}
	return out
}

func TestCleanJoinsWrappedLinesAndParagraphs(t *testing.T) {
	a := mustText(t, "The talks opened in Vienna\non Monday and ran late.\n\nThey ended on Friday.\n")
	want := "The talks opened in Vienna on Monday and ran late.\n\nThey ended on Friday."
	if a.Text != want {
		t.Errorf("Text =\n%q\nwant\n%q", a.Text, want)
	}
}

func TestCleanPageBreakInsideSentence(t *testing.T) {
	raw := "Officials said the dispute between Paris and\n\n\nhttps://example.org/author/jane-doe\n\nBerlin would last, and the talks stalled at\n\n12\n\n\fa late hour.\n"
	a := mustText(t, raw)
	want := "Officials said the dispute between Paris and Berlin would last, and the talks stalled at a late hour."
	if a.Text != want {
		t.Errorf("Text =\n%q\nwant\n%q", a.Text, want)
	}
	got := asides(a)
	if len(got) != 2 || got[0] != "https://example.org/author/jane-doe" || got[1] != "12" {
		t.Errorf("SetAside = %q", got)
	}
}

func TestCleanParagraphEnds(t *testing.T) {
	tests := []struct{ name, raw, want string }{
		{"sentence end", "He left.\n\nShe stayed.", "He left.\n\nShe stayed."},
		{"quote after period", "\u201cWe go,\u201d he said. \u201cNow.\u201d\n\nShe stayed.", "\"We go,\" he said. \"Now.\"\n\nShe stayed."},
		{"lowercase continuation", "He said that\n\nthe vote failed.", "He said that the vote failed."},
		{"comma continuation", "In May 2021,\n\nTurkey objected.", "In May 2021, Turkey objected."},
		{"heading mid text", "It ended.\n\nBackground Of The War\n\nThe war began in 2014.", "It ended.\n\nBackground Of The War\n\nThe war began in 2014."},
		{"digit before capital", "Sales rose.\nThey peaked in 2020\n\nThe next year fell.", "Sales rose. They peaked in 2020\n\nThe next year fell."},
		{"bullets", "Key facts:\n- Armenia joined in 1992\n- It froze its role\nin 2024\n\u2022 Talks\nA last line.", "Key facts:\n\n- Armenia joined in 1992\n\n- It froze its role in 2024\n\n\u2022 Talks A last line."},
		{"crlf and tabs", "One  line\r\nwrapped\there.\r\n\r\nTwo.", "One line wrapped here.\n\nTwo."},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if a := mustText(t, tc.raw); a.Text != tc.want {
				t.Errorf("Text = %q, want %q", a.Text, tc.want)
			}
		})
	}
}

func TestCleanHyphenation(t *testing.T) {
	tests := []struct{ name, raw, want string }{
		{"syllable break", "The mayor of Stras-\nbourg spoke.", "The mayor of Strasbourg spoke."},
		{"unattested compound is closed up", "A long-\nterm plan.", "A longterm plan."},
		{"attested compound keeps hyphen", "A long-\nterm plan beats a short long-term fix.", "A long-term plan beats a short long-term fix."},
		{"attested closed form", "Their co-\noperation grew; cooperation is rare.", "Their cooperation grew; cooperation is rare."},
		{"capital after hyphen", "The post-\nSoviet states.", "The post-Soviet states."},
		{"multi-hyphen compound", "A state-of-the-\nart system.", "A state-of-the-art system."},
		{"capitalised word used alone", "The Kremlin-\nbacked group, which the Kremlin funds.", "The Kremlin-backed group, which the Kremlin funds."},
		{"short capitalised syllable", "The-\nodore left. The end.", "Theodore left. The end."},
		{"mid-line hyphen untouched", "The Moscow-led bloc met.", "The Moscow-led bloc met."},
		{"dash with space kept as word", "It ended -\nfinally.", "It ended - finally."},
		{"soft hyphen", "The nego\u00ad\ntiations began.", "The negotiations began."},
		{"across a page break", "The mili-\n\nhttps://example.com/p/2\n\ntary base.", "The military base."},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a, err := Parse("x.txt", []byte(tc.raw), nil, Options{Date: day})
			if err != nil {
				t.Fatal(err)
			}
			if a.Text != tc.want {
				t.Errorf("Text = %q, want %q", a.Text, tc.want)
			}
		})
	}
}

func TestCleanSetsAsideNonBody(t *testing.T) {
	raw := strings.Join([]string{
		"Talks Collapse in Geneva",
		"",
		"Negotiators left Geneva on Friday after the talks collapsed.",
		"",
		"Leaders pose for a photo in Vilnius before the talks.",
		"John Smith / Reuters",
		"",
		"Photo: Associated Press",
		"",
		"Read more: How the Bloc",
		"Was Built",
		"",
		"The talks continued on Tuesday.",
		"",
		"Advertisement",
		"",
		"Related: Earlier coverage",
		"The envoy said talks would resume.",
		"",
		"Related article: Armenia says it will leave",
		"the bloc by 2025",
		"",
		"Talks resumed.",
	}, "\n")
	a := mustText(t, raw)
	want := "Negotiators left Geneva on Friday after the talks collapsed.\n\nThe talks continued on Tuesday.\n\nThe envoy said talks would resume.\n\nTalks resumed."
	if a.Text != want {
		t.Errorf("Text =\n%q\nwant\n%q", a.Text, want)
	}
	wantAside := []string{"Talks Collapse in Geneva", "Leaders pose for a photo in Vilnius before the talks.", "John Smith / Reuters",
		"Photo: Associated Press", "Read more: How the Bloc", "Was Built", "Advertisement", "Related: Earlier coverage",
		"Related article: Armenia says it will leave", "the bloc by 2025"}
	if got := asides(a); strings.Join(got, "|") != strings.Join(wantAside, "|") {
		t.Errorf("SetAside =\n%q\nwant\n%q", got, wantAside)
	}
}

func TestCleanWebCopy(t *testing.T) {
	raw := strings.Join([]string{
		"Ukraine and Russia swap prisoners",
		"",
		"By Jane Roe and Max Mustermann",
		"Updated 14:32 GMT, 3 March 2023",
		"Share",
		"",
		"KYIV, March 3 (Reuters) - Ukraine and Russia exchanged 130 prisoners of war on Friday, officials said.",
		"The swap was the first since January.",
		"Image: A released soldier hugs his mother. Reuters / Valentyn Ogirenko",
		"\u201cWe are home,\u201d one soldier said.",
		"Advertisement",
		"By the end of the day, buses had left Sumy.",
	}, "\n")
	a := mustText(t, raw)
	want := "KYIV, March 3 (Reuters) - Ukraine and Russia exchanged 130 prisoners of war on Friday, officials said. The swap was the first since January.\n\n\"We are home,\" one soldier said.\n\nBy the end of the day, buses had left Sumy."
	if a.Text != want {
		t.Errorf("Text =\n%q\nwant\n%q\naside %q", a.Text, want, asides(a))
	}
	if got := len(a.SetAside); got != 6 {
		t.Errorf("SetAside = %q, want 6 lines", asides(a))
	}
}

func TestCleanKeepsBodyThatLooksLikeNonBody(t *testing.T) {
	tests := []string{
		// a wrapped first sentence is not a headline
		"Armenian Prime Minister Nikol Pashinyan\nsaid on Wednesday that talks failed.",
		// a caption credit must end its block
		"He quoted John Smith / Reuters\nas the source of the claim.",
		// a slash inside a sentence
		"Revenue grew in the 2023 / 2024 season.",
		// a number inside a paragraph is not a page number
		"Turnout was\n42\npercent.",
		// a one-line first paragraph cut by a page break is not a headline
		"The envoy said on Monday that\n\nthe talks would resume.",
		// a sentence starting with "By" is not a byline
		"By the end of 2023 the bloc had lost two members.",
	}
	for _, raw := range tests {
		a := mustText(t, raw)
		if len(a.SetAside) != 0 {
			t.Errorf("%q: set aside %q", raw, asides(a))
		}
	}
}

func TestCleanQuotesNormalisedRawKept(t *testing.T) {
	raw := "\u201cWe will leave,\u201d Pashinyan\u2019s aide said of \u00abthe bloc\u00bb and its \ufb01nal \u2018offer\u2019."
	a := mustText(t, raw)
	want := "\"We will leave,\" Pashinyan's aide said of \"the bloc\" and its final 'offer'."
	if a.Text != want {
		t.Errorf("Text = %q, want %q", a.Text, want)
	}
	if string(a.Raw) != raw || a.Body != raw {
		t.Error("Raw/Body changed")
	}
}

// TestSeedCleaning checks the seed's known PDF defects are handled by the
// general rules above.
func TestSeedCleaning(t *testing.T) {
	raw, err := os.ReadFile(seedPath)
	if err != nil {
		t.Skip("seed article absent:", err)
	}
	a, err := Parse("000.txt", raw, nil, Options{Date: day})
	if err != nil {
		t.Fatal(err)
	}
	checkWordsMap(t, a)
	for _, want := range []string{
		"the longer the rift between Yerevan and Moscow lasts, the less likely",
		"First Pashinyan enlisted the support of the U.S., then he decided to make a withdrawal statement. Unfortunately, all these steps show that Armenia is starting to halt its activities",
		"The Moscow Times' sources",
		"Moscow-led Collective Security Treaty Organization",
		"a military-political bloc",
	} {
		if !strings.Contains(a.Text, want) {
			t.Errorf("Text lacks %q", want)
		}
	}
	for _, bad := range []string{"http", "TASS", "Related article", "Screwed", "Military Bloc", "\u2019", "\u201c"} {
		if strings.Contains(a.Text, bad) {
			t.Errorf("Text holds %q", bad)
		}
	}
	if n := len(a.SetAside); n != 6 {
		t.Errorf("SetAside: %d spans %q, want 6 (headline, 2 caption lines, URL, 2 related lines)", n, asides(a))
	}
}

var wordRE = regexp.MustCompile(`\S+`)

// checkWordsMap verifies the offset map: every word of Text is found in Raw
// at the mapped span, modulo quote normalisation, line-end hyphenation and
// whatever lies between the halves of a rejoined word.
func checkWordsMap(t *testing.T, a timeline.Article) {
	t.Helper()
	om, ok := a.Offsets.(*Offsets)
	if !ok {
		t.Fatalf("Offsets is %T", a.Offsets)
	}
	prev := 0
	for i := 0; i <= len(a.Text); i++ {
		o := om.Original(i)
		if o < prev || o > len(a.Raw) {
			t.Fatalf("Original(%d) = %d: not monotonic or out of range (prev %d, raw %d)", i, o, prev, len(a.Raw))
		}
		prev = o
	}
	for _, loc := range wordRE.FindAllStringIndex(a.Text, -1) {
		word := a.Text[loc[0]:loc[1]]
		rs, re := om.Original(loc[0]), om.OriginalEnd(loc[1])
		ok := false
		for _, got := range normaliseForMatch(withoutSetAside(a, rs, re)) {
			ok = ok || got == word || strings.ReplaceAll(got, "-", "") == strings.ReplaceAll(word, "-", "")
		}
		if !ok {
			t.Errorf("word %q at text %d maps to raw %d..%d = %q", word, loc[0], rs, re, a.Raw[rs:re])
		}
	}
}

// withoutSetAside returns raw[rs:re] with the set-aside lines inside it
// replaced by a line break, so a word hyphenated around a page footer and
// again over the next line break ("A-", footer, "A-", "A") still reads as one.
func withoutSetAside(a timeline.Article, rs, re int) string {
	var b strings.Builder
	at := rs
	for _, s := range a.SetAside {
		if s.Start >= at && s.End <= re {
			b.Write(a.Raw[at:s.Start])
			b.WriteByte('\n')
			at = s.End
		}
	}
	b.Write(a.Raw[at:re])
	return b.String()
}

// normaliseForMatch applies the same character normalisation as Text to a
// raw span and returns the candidates a word may be: all its lines joined
// (a word hyphenated over several lines), or only its first and last line
// (a word broken around a set-aside page footer).
func normaliseForMatch(s string) []string {
	lines := strings.FieldsFunc(s, func(r rune) bool { return r == '\n' || r == '\r' || r == '\f' })
	for i := range lines {
		lines[i] = normalLine(strings.TrimFunc(lines[i], isSpace))
	}
	out := []string{strings.Join(lines, "")}
	if len(lines) > 2 {
		out = append(out, lines[0]+lines[len(lines)-1])
	}
	return out
}

func normalLine(s string) string {
	var b strings.Builder
	for _, r := range s {
		if repl, changed := normalForm(r, true); changed {
			b.WriteString(repl)
		} else {
			b.WriteRune(r)
		}
	}
	return b.String()
}
