package events

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/newsline/timeline/timeline"
)

// shiftMap is an OffsetMap for tests: the cleaned text starts n bytes into
// the original file (as if a header had been set aside).
type shiftMap int

func (s shiftMap) Original(i int) int { return i + int(s) }

var pub = time.Date(2021, 3, 5, 0, 0, 0, 0, time.UTC)

// timexAt builds a resolved DATE expression for the first occurrence of expr.
func timexAt(t *testing.T, text, expr, value string) timeline.Timex {
	t.Helper()
	i := strings.Index(text, expr)
	if i < 0 {
		t.Fatalf("%q not in text", expr)
	}
	d, err := timeline.ParseDate(value)
	if err != nil {
		t.Fatal(err)
	}
	return timeline.Timex{Span: timeline.Span{Start: i, End: i + len(expr)}, Text: expr, Type: timeline.TypeDate, Value: value, Date: d}
}

func article(text string) timeline.Article {
	a := timeline.Article{Path: "a.txt", Slug: "a", Text: text, Offsets: shiftMap(10)}
	a.Meta.Date = pub
	a.Meta.Title = "Harbour board votes on new quay"
	return a
}

func TestDurationAndSetDateNothing(t *testing.T) {
	text := "Dockers protested for weeks. The board meets every year."
	a := article(text)
	weeks := timeline.Timex{Span: timeline.Span{Start: 22, End: 27}, Text: "weeks", Type: timeline.TypeDuration, Value: "PXW"}
	every := timeline.Timex{Span: timeline.Span{Start: 45, End: 55}, Text: "every year", Type: timeline.TypeSet, Value: "P1Y"}
	evs := ExtractWith(a, []timeline.Timex{weeks, every})
	if len(evs) != 1 || !evs[0].Lead {
		t.Fatalf("want only the lead event, got %+v", evs)
	}
	// The article gives its news no day and its lede is in the simple past,
	// so the lead event is at the publication month (news.go).
	if evs[0].Start.Value != "2021-03" || len(evs[0].Mentions) != 2 {
		t.Errorf("lead event %s with %d mentions, want 2021-03 with 2", evs[0].Start.Value, len(evs[0].Mentions))
	}
}

func TestNothingAfterPublicationUnlessFuture(t *testing.T) {
	text := "The quay opened on 9 March. The board will vote on 12 March."
	a := article(text)
	evs := ExtractWith(a, []timeline.Timex{
		timexAt(t, text, "9 March", "2021-03-09"), // past tense: a mis-resolved date
		timexAt(t, text, "12 March", "2021-03-12"),
	})
	var got []string
	for _, ev := range evs {
		if !ev.Lead {
			got = append(got, ev.Start.Value+" "+ev.Title)
		}
	}
	if len(got) != 1 || got[0] != "2021-03-12 The board will vote" {
		t.Errorf("got %q, want only the announced vote on 2021-03-12", got)
	}
}

func TestMentionOffsetsMapToOriginal(t *testing.T) {
	text := "The board approved the quay on 2 March."
	a := article(text)
	tx := timexAt(t, text, "2 March", "2021-03-02")
	evs := ExtractWith(a, []timeline.Timex{tx})
	if len(evs) != 2 || !evs[0].Lead || evs[0].Mentions[0].Timex != nil {
		t.Fatalf("got %+v, want the lead event (on the opening sentence, every statement being dated) and the approval", evs)
	}
	evs = evs[1:]
	m := evs[0].Mentions[0]
	if m.Sentence != (timeline.Span{Start: 10, End: 10 + len(text)}) {
		t.Errorf("sentence span %v, want [10,%d)", m.Sentence, 10+len(text))
	}
	if m.Timex == nil || *m.Timex != (timeline.Span{Start: 10 + tx.Start, End: 10 + tx.End}) {
		t.Errorf("timex span %v, want [%d,%d)", m.Timex, 10+tx.Start, 10+tx.End)
	}
	if evs[0].Title != "The board approved the quay" {
		t.Errorf("title %q", evs[0].Title)
	}
}

func TestRangeIsOneEvent(t *testing.T) {
	text := "Auditors said the port lost money between 2016 and 2019."
	a := article(text)
	from := timexAt(t, text, "2016", "2016")
	to := timexAt(t, text, "2019", "2019")
	end := to.Date
	from.RangeEnd = &end
	evs := ExtractWith(a, []timeline.Timex{from, to})
	var dated []timeline.Event
	for _, ev := range evs {
		if !ev.Lead {
			dated = append(dated, ev)
		}
	}
	if len(dated) != 1 || dated[0].Start.Value != "2016" || dated[0].End == nil || dated[0].End.Value != "2019" {
		t.Fatalf("want one 2016..2019 event, got %+v", dated)
	}
	if dated[0].Title != "The port lost money" {
		t.Errorf("title %q, want the reported clause", dated[0].Title)
	}
}

func TestNounPhraseAndClauseInOneSentence(t *testing.T) {
	text := "On 1 March the mayor blamed the 2019 strike on the board."
	a := article(text)
	evs := ExtractWith(a, []timeline.Timex{
		timexAt(t, text, "1 March", "2021-03-01"),
		timexAt(t, text, "2019", "2019"),
	})
	titles := map[string]string{}
	for _, ev := range evs {
		titles[ev.Start.Value] = ev.Title
	}
	if titles["2019"] != "Strike on the board" {
		t.Errorf("2019: %q, want the dated noun phrase", titles["2019"])
	}
	if !strings.HasPrefix(titles["2021-03-01"], "The mayor blamed") {
		t.Errorf("2021-03-01: %q, want the clause", titles["2021-03-01"])
	}
}

func TestNarrativeCarriesToNextSentence(t *testing.T) {
	text := "Port director Ana Rell resigned on 3 March. She thanked the staff. The quay is busy."
	a := article(text)
	evs := ExtractWith(a, []timeline.Timex{timexAt(t, text, "3 March", "2021-03-03")})
	for _, ev := range evs {
		switch ev.Start.Value {
		case "2021-03-03":
			if len(ev.Mentions) != 2 || !strings.Contains(ev.Mentions[1].Text, "thanked") || ev.Mentions[1].Timex != nil {
				t.Errorf("resignation mentions %+v, want the carried 'thanked' sentence without timex", ev.Mentions)
			}
		case "2021-03-05":
			if len(ev.Mentions) != 1 || !strings.Contains(ev.Mentions[0].Text, "busy") {
				t.Errorf("lead mentions %+v, want the present-tense sentence", ev.Mentions)
			}
		}
	}
}

func TestTitlesAreShortAndBalanced(t *testing.T) {
	long := `"The harbour board, which has met in secret for years, approved a plan to rebuild every quay and warehouse along the northern shore`
	// Cut where a phrase begins, on a word a headline can end on.
	if got := shortTitle(long); got != "The harbour board, which has met in secret for years, approved a plan" {
		t.Errorf("shortTitle = %q", got)
	}
	for long, want := range map[string]string{
		"Officials of the Verran port authority said the ferry operator had intended to resume crossings":   "Officials of the Verran port authority said the ferry operator had intended…",
		"The Selm council voted to close the old tram depot, located in the harbour district of the city":   "The Selm council voted to close the old tram depot",
		"Engineers traced the outage at the Dunmore plant to a faulty valve relating to the cooling system": "Engineers traced the outage at the Dunmore plant to a faulty valve",
		"The Kell Institute filed a complaint against shipping and logistics giant Marrow Freight in court": "The Kell Institute filed a complaint",
	} {
		if got := shortTitle(long); got != want {
			t.Errorf("shortTitle(%q) = %q, want %q", long, got, want)
		}
	}
	// A cut keeps the verb; a word cut ends on no auxiliary.
	verbLate := "The founder and longtime chair of the board of trustees of the Osk Harbour Trust Ilse Marren has retired"
	if got := shortTitle(verbLate); !strings.HasSuffix(got, "…") || strings.HasSuffix(got, "of…") {
		t.Errorf("shortTitle(%q) = %q, want a word cut (no verbless phrase), on no function word", verbLate, got)
	}
	if got := shortTitle("The founder and chair of the harbour board of Osk Trust Ilse Marren has quietly retired"); !strings.HasSuffix(got, "Marren…") {
		t.Errorf("shortTitle = %q, want the cut before the auxiliary 'has'", got)
	}
	// With no phrase to end at, a word cut is marked as a cut.
	got := shortTitle(strings.Repeat("Verran ", 20))
	if len(got) > maxTitle+len("…") || !strings.HasSuffix(got, "…") {
		t.Errorf("shortTitle = %q", got)
	}
	if got := shortTitle("iPhone sales rose"); got != "iPhone sales rose" {
		t.Errorf("shortTitle kept no small first letter of a name: %q", got)
	}
	if got := shortTitle("the council (which met late voted"); strings.ContainsAny(got, "()") || got[0] != 'T' {
		t.Errorf("shortTitle = %q", got)
	}
}

func TestEntities(t *testing.T) {
	text := "Prime Minister Lio Varne met the Harbour Workers Union in Tessaly on 2 March. Varne said talks went well."
	a := article(text)
	evs := ExtractWith(a, []timeline.Timex{timexAt(t, text, "2 March", "2021-03-02")})
	want := map[string]timeline.EntityKind{"Lio Varne": timeline.Person, "Harbour Workers Union": timeline.Organisation, "Tessaly": timeline.Place}
	for _, ev := range evs {
		if ev.Start.Value != "2021-03-02" {
			continue
		}
		for _, e := range ev.Entities {
			if want[e.Name] == e.Kind {
				delete(want, e.Name)
			}
		}
	}
	if len(want) > 0 {
		t.Errorf("missing entities %v", want)
	}
}

// TestMarkDatesMarksTokensInsideExpressions checks markDates's binary
// search against its definition, a token inside some expression, on
// sentences of words and marks with random expressions, overlapping,
// touching or cutting through tokens, in text order or not.
func TestMarkDatesMarksTokensInsideExpressions(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 2026))
	words := []string{"In", "June", "2020", ",", "the", "war", "ended", "(", "on", "3", "March", ")", "."}
	for n := 0; n < 3000; n++ {
		var b strings.Builder
		for k := r.IntN(20); k >= 0; k-- {
			b.WriteString(words[r.IntN(len(words))])
			if r.IntN(3) > 0 {
				b.WriteByte(' ')
			}
		}
		s := sentence{text: b.String()}
		s.toks = tokenize(s.text, false)
		for k := r.IntN(4); k > 0; k-- {
			start := r.IntN(len(s.text) + 1)
			s.timexes = append(s.timexes, timeline.Timex{Span: timeline.Span{Start: start, End: start + r.IntN(len(s.text)-start+1)}})
		}
		if r.IntN(2) == 0 {
			sort.Slice(s.timexes, func(i, j int) bool { return s.timexes[i].Start < s.timexes[j].Start })
		}
		markDates(&s, make([]bool, len(s.toks)))
		for i, tk := range s.toks {
			want := false
			for _, tx := range s.timexes {
				want = want || tx.Start <= int(tk.start) && int(tk.end) <= tx.End
			}
			if s.inDate[i] != want {
				t.Fatalf("%q, expressions %v: token %d %q inDate=%v, want %v", s.text, s.timexes, i, tk.text, s.inDate[i], want)
			}
		}
	}
}

// TestRepeatsMergeAmongManyEvents checks that a statement told twice is one
// event with two mentions, both among an article's first few dated events
// (found by comparing keys) and past maxScannedEvents (found in the map).
func TestRepeatsMergeAmongManyEvents(t *testing.T) {
	n := 3 * maxScannedEvents
	year := func(d int) string { return fmt.Sprint(1950 + d) }
	// Plan 2 is told again while the article has three dated events, plans
	// n-1 and 3 once it has all n (3 was kept before the map was filled).
	repeated := []int{2, n - 1, 3}
	order := []int{1, 2, 3, 2}
	for d := 4; d <= n; d++ {
		order = append(order, d)
	}
	order = append(order, n-1, 3)
	var b strings.Builder
	for _, d := range order {
		fmt.Fprintf(&b, "In %s, the council approved plan %d. ", year(d), d)
	}
	text := b.String()
	var ts []timeline.Timex
	for at := 0; ; {
		i := strings.Index(text[at:], "In ")
		if i < 0 {
			break
		}
		at += i + len("In ")
		end := at + 4
		d, err := timeline.ParseDate(text[at:end])
		if err != nil {
			t.Fatal(err)
		}
		ts = append(ts, timeline.Timex{Span: timeline.Span{Start: at, End: end}, Text: text[at:end], Type: timeline.TypeDate, Value: d.Value, Date: d})
	}
	want := map[string]int{}
	for d := 1; d <= n; d++ {
		want[fmt.Sprintf("%s The council approved plan %d", year(d), d)] = 1
	}
	for _, d := range repeated {
		want[fmt.Sprintf("%s The council approved plan %d", year(d), d)] = 2
	}
	got := map[string]int{}
	for _, ev := range ExtractWith(article(text), ts) {
		if !ev.Lead {
			got[ev.Start.Value+" "+ev.Title] += len(ev.Mentions)
			if got[ev.Start.Value+" "+ev.Title] != len(ev.Mentions) {
				t.Errorf("%s %q is more than one event", ev.Start.Value, ev.Title)
			}
		}
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("mentions per dated event:\n got %v\nwant %v", got, want)
	}
}

// A blank line ends the carrying of a date however it is written: the
// sentence splitter ends a paragraph at a line of spaces or a CRLF blank
// line, and the narrative must stop there too (ingest normalises its own
// texts, but API callers pass text as it is). The date is older than the
// news, so only the narrative can carry it.
func TestNarrativeStopsAtAnyBlankLine(t *testing.T) {
	for _, gap := range []string{"\n\n", "\r\n\r\n", "\n \t\n", "\r\n  \r\n"} {
		text := "Port director Ana Rell resigned on 3 March 2019." + gap + "She thanked the staff."
		evs := ExtractWith(article(text), []timeline.Timex{timexAt(t, text, "3 March 2019", "2019-03-03")})
		for _, ev := range evs {
			if ev.Start.Value == "2019-03-03" && len(ev.Mentions) != 1 {
				t.Errorf("gap %q: resignation has %d mentions, want 1 (the new paragraph is not carried)", gap, len(ev.Mentions))
			}
		}
	}
	for _, gap := range []string{" ", "\n", "\r\n", "\n   "} {
		text := "Port director Ana Rell resigned on 3 March 2019." + gap + "She thanked the staff."
		evs := ExtractWith(article(text), []timeline.Timex{timexAt(t, text, "3 March 2019", "2019-03-03")})
		found := false
		for _, ev := range evs {
			found = found || ev.Start.Value == "2019-03-03" && len(ev.Mentions) == 2
		}
		if !found {
			t.Errorf("gap %q: the next sentence of the paragraph is not carried", gap)
		}
	}
}
