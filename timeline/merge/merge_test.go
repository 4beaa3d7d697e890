package merge

import (
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/newsline/timeline/timeline"
)

// cand describes one hand-made candidate event, as events.Extract would return it.
type cand struct {
	title, start, end string
	sentence, timex   string // the mention's sentence and date expression
	lead              bool
	entities          []string
}

// art is one article with its candidates.
type art struct {
	slug, pub string
	cands     []cand
}

func mustDate(t testing.TB, v string) timeline.Date {
	t.Helper()
	d, err := timeline.ParseDate(v)
	if err != nil {
		t.Fatalf("bad test date %q: %v", v, err)
	}
	return d
}

// build turns the descriptions into Merge's inputs. Each candidate's sentence
// sits at its own offset; a repeated sentence text gets the same offset, as
// two events told by one sentence would.
func build(t testing.TB, arts ...art) ([]timeline.Article, [][]timeline.Event) {
	t.Helper()
	var articles []timeline.Article
	var per [][]timeline.Event
	for _, a := range arts {
		pub, err := time.Parse("2006-01-02", a.pub)
		if err != nil {
			t.Fatal(err)
		}
		source := "content/" + a.slug + ".md"
		articles = append(articles, timeline.Article{Path: source, Slug: a.slug, Meta: timeline.Meta{Title: a.slug, Date: pub}})
		offsets := map[string]int{}
		var evs []timeline.Event
		for _, c := range a.cands {
			off, ok := offsets[c.sentence]
			if !ok {
				off = 100 * (len(offsets) + 1)
				offsets[c.sentence] = off
			}
			m := timeline.Mention{Article: a.slug, Source: source, Sentence: timeline.Span{Start: off, End: off + len(c.sentence)}, Text: c.sentence, TimexText: c.timex}
			if i := strings.Index(c.sentence, c.timex); c.timex != "" && i >= 0 {
				m.Timex = &timeline.Span{Start: off + i, End: off + i + len(c.timex)}
			}
			ev := timeline.Event{Title: c.title, Start: mustDate(t, c.start), Lead: c.lead, Mentions: []timeline.Mention{m}}
			if c.end != "" {
				end := mustDate(t, c.end)
				ev.End = &end
			}
			for _, name := range c.entities {
				ev.Entities = append(ev.Entities, timeline.Entity{Name: name, Kind: timeline.Place})
			}
			evs = append(evs, ev)
		}
		per = append(per, evs)
	}
	return articles, per
}

// groupsOf summarises a timeline as "start: title [mention count]" lines.
func groupsOf(tl timeline.Timeline) []string {
	var out []string
	for _, e := range tl.Events {
		s := e.Start.Value
		if e.End != nil {
			s += "/" + e.End.Value
		}
		out = append(out, s+": "+e.Title+" ["+strings.Repeat("*", len(e.Mentions))+"]")
	}
	return out
}

// Sentences in the style of the seed article (and of the demo background article).
const (
	sWar1   = "Pashinyan accused Lukashenko of supporting Azerbaijani President Ilham Aliyev ahead of the 2020 Nagorno-Karabakh war, which eventually ended in Yerevan's defeat and Baku's 2023 capture of the breakaway region."
	sWar2   = "\"A member of the CSTO claims to have participated in the preparation of the 44-day war [in 2020], encouraged it and wished victory for Azerbaijan,\" Pashinyan said."
	sWar3   = "He also accused fellow CSTO member Belarusian President Alexander Lukashenko, the Kremlin's closest ally, of supporting Baku's 2020 attack on Armenia."
	sAppeal = "The next day, he poured oil on the fire by issuing a public appeal to Moscow to expel Belarus from the CSTO."
	sRecall = "Later Thursday, Yerevan recalled its ambassador to Minsk for consultations."
	sDown   = "Russian officials and a CSTO spokesman on Thursday sought to downplay the tensions, with Kremlin Dmitry Peskov saying that Russia still sees Armenia as an ally."
	sBgWar  = "In 2020 Armenia and Azerbaijan fought a war over Nagorno-Karabakh that lasted 44 days and ended in Armenia's defeat."
	sBgCap  = "In September 2023 Azerbaijan captured the breakaway region of Nagorno-Karabakh."
	sCap    = "Armenia has become increasingly critical of the CSTO and Russia since they declined to intervene in Azerbaijan's September 2023 capture of the breakaway republic of Nagorno-Karabakh."
)

func TestMergeDecisions(t *testing.T) {
	tests := []struct {
		name string
		arts []art
		want []string
	}{{
		name: "three mentions of one war in one article become one event",
		arts: []art{{"seed", "2024-06-14", []cand{
			{title: "2020 Nagorno-Karabakh war", start: "2020", sentence: sWar1, timex: "2020"},
			{title: "44-day war", start: "2020", sentence: sWar2, timex: "2020"},
			{title: "Baku's 2020 attack on Armenia", start: "2020", sentence: sWar3, timex: "2020"},
		}}},
		want: []string{"2020: 2020 Nagorno-Karabakh war [***]"},
	}, {
		name: "the same war and capture told by a second article merge across articles",
		arts: []art{
			{"seed", "2024-06-14", []cand{
				{title: "2020 Nagorno-Karabakh war", start: "2020", sentence: sWar1, timex: "2020"},
				{title: "Azerbaijan's capture of Nagorno-Karabakh", start: "2023-09", sentence: sCap, timex: "September 2023"},
			}},
			{"background", "2024-06-20", []cand{
				{title: "Armenia and Azerbaijan fought a war over Nagorno-Karabakh", start: "2020", sentence: sBgWar, timex: "2020"},
				{title: "Azerbaijan captured the breakaway region of Nagorno-Karabakh", start: "2023-09", sentence: sBgCap, timex: "September 2023"},
			}},
		},
		want: []string{
			"2020: Armenia and Azerbaijan fought a war over Nagorno-Karabakh [**]",
			"2023-09: Azerbaijan captured the breakaway region of Nagorno-Karabakh [**]",
		},
	}, {
		name: "three different happenings on one day stay apart",
		arts: []art{{"seed", "2024-06-14", []cand{
			{title: "Pashinyan appeals to Moscow to expel Belarus from the CSTO", start: "2024-06-13", sentence: sAppeal, timex: "The next day"},
			{title: "Yerevan recalls its ambassador to Minsk", start: "2024-06-13", sentence: sRecall, timex: "Later Thursday"},
			{title: "Russian officials downplay the tensions", start: "2024-06-13", sentence: sDown, timex: "Thursday"},
		}}},
		want: []string{
			"2024-06-13: Pashinyan appeals to Moscow to expel Belarus from the CSTO [*]",
			"2024-06-13: Russian officials downplay the tensions [*]",
			"2024-06-13: Yerevan recalls its ambassador to Minsk [*]",
		},
	}, {
		name: "a precise date refines a vague one, in either input order",
		arts: []art{
			{"a", "2021-01-10", []cand{{title: "Storvik flood", start: "2020-09-27", sentence: "The Storvik flood of 27 September 2020 swept away the harbour bridge.", timex: "27 September 2020"}}},
			{"b", "2021-03-02", []cand{{title: "Storvik flood", start: "2020", sentence: "Since the Storvik flood in 2020 the harbour has had no bridge.", timex: "2020"}}},
		},
		want: []string{"2020-09-27: Storvik flood [**]"},
	}, {
		name: "two different days never join through the year that contains both; the year joins the closer one",
		arts: []art{
			{"a", "2021-01-10", []cand{{title: "Storvik flood", start: "2020-09-27", sentence: "The Storvik flood of 27 September 2020 swept away the harbour bridge.", timex: "27 September 2020"}}},
			{"b", "2021-03-02", []cand{{title: "Storvik flood", start: "2020", sentence: "Since the Storvik flood in 2020 the harbour has had no bridge.", timex: "2020"}}},
			{"c", "2021-04-02", []cand{{title: "Storvik flood", start: "2020-03-01", sentence: "The Storvik flood of 1 March 2020 closed the old ferry road.", timex: "1 March 2020"}}},
		},
		want: []string{"2020-03-01: Storvik flood [*]", "2020-09-27: Storvik flood [**]"},
	}, {
		name: "the year joins the day its sentence is closer to, not the first in order",
		arts: []art{
			{"a", "2021-01-10", []cand{{title: "Storvik flood", start: "2020-09-27", sentence: "The Storvik flood of 27 September 2020 swept away the harbour bridge.", timex: "27 September 2020"}}},
			{"b", "2021-03-02", []cand{{title: "Storvik flood", start: "2020", sentence: "Since the Storvik flood in 2020 the old ferry road has stayed closed.", timex: "2020"}}},
			{"c", "2021-04-02", []cand{{title: "Storvik flood", start: "2020-03-01", sentence: "The Storvik flood of 1 March 2020 closed the old ferry road.", timex: "1 March 2020"}}},
		},
		want: []string{"2020-03-01: Storvik flood [**]", "2020-09-27: Storvik flood [*]"},
	}, {
		name: "incompatible dates never merge, whatever the words",
		arts: []art{
			{"a", "2022-01-10", []cand{{title: "Storvik flood", start: "2020", sentence: "The Storvik flood of 2020 swept away the harbour bridge.", timex: "2020"}}},
			{"b", "2022-03-02", []cand{{title: "Storvik flood", start: "2021", sentence: "The Storvik flood of 2021 swept away the harbour bridge.", timex: "2021"}}},
		},
		want: []string{"2020: Storvik flood [*]", "2021: Storvik flood [*]"},
	}, {
		name: "ranges merge only with compatible ranges and refine both ends",
		arts: []art{
			{"a", "2024-06-14", []cand{
				{title: "Belarus delivered weapons to Azerbaijan", start: "2018", end: "2020", sentence: "Belarus secretly delivered advanced weapons to Azerbaijan between 2018 and 2020.", timex: "between 2018 and 2020"},
				{title: "Belarus delivered weapons to Azerbaijan", start: "2018", sentence: "Belarus first delivered weapons to Azerbaijan in 2018.", timex: "2018"},
			}},
			{"b", "2024-07-01", []cand{{title: "Belarusian arms deliveries to Azerbaijan", start: "2018-05", end: "2020", sentence: "Belarusian arms deliveries to Azerbaijan ran from May 2018 to 2020.", timex: "from May 2018 to 2020"}}},
		},
		want: []string{
			"2018: Belarus delivered weapons to Azerbaijan [*]",
			"2018-05/2020: Belarusian arms deliveries to Azerbaijan [**]",
		},
	}, {
		name: "two different wars of one year told in unrelated sentences stay apart",
		arts: []art{
			{"a", "2021-01-10", []cand{{title: "2020 Varnia war", start: "2020", sentence: "Veterans of the 2020 Varnia war marched through Osterholm on Sunday.", timex: "2020"}}},
			{"b", "2021-02-11", []cand{{title: "2020 Quellmark war", start: "2020", sentence: "The 2020 Quellmark war left the southern dam in ruins.", timex: "2020"}}},
		},
		want: []string{"2020: 2020 Quellmark war [*]", "2020: 2020 Varnia war [*]"},
	}, {
		name: "two protests of one day named apart in one article stay apart",
		arts: []art{{"a", "2024-03-05", []cand{
			{title: "Protest in Osterholm", start: "2024-03-04", sentence: "On Monday thousands protested in Osterholm against the dam.", timex: "Monday"},
			{title: "Protest in Quellmark", start: "2024-03-04", sentence: "Farmers also rallied in Quellmark on Monday over grain prices.", timex: "Monday"},
		}}},
		want: []string{"2024-03-04: Protest in Osterholm [*]", "2024-03-04: Protest in Quellmark [*]"},
	}, {
		name: "same actors doing different things on one day stay apart",
		arts: []art{
			{"a", "2024-03-05", []cand{{title: "Osterholm council approves the harbour budget", start: "2024-03-04", sentence: "On Monday the Osterholm council approved the harbour budget for next year.", timex: "Monday"}}},
			{"b", "2024-03-05", []cand{{title: "Osterholm council rejects the harbour tram plan", start: "2024-03-04", sentence: "The Osterholm council on Monday rejected the harbour tram plan.", timex: "Monday"}}},
		},
		want: []string{"2024-03-04: Osterholm council approves the harbour budget [*]", "2024-03-04: Osterholm council rejects the harbour tram plan [*]"},
	}, {
		name: "bare event words in unrelated articles stay apart",
		arts: []art{
			{"a", "2021-01-10", []cand{{title: "the war", start: "2020", sentence: "Veterans of the war of 2020 marched through Osterholm.", timex: "2020"}}},
			{"b", "2021-02-11", []cand{{title: "the war", start: "2020", sentence: "The dam in Quellmark was ruined in the 2020 war.", timex: "2020"}}},
		},
		want: []string{"2020: the war [*]", "2020: the war [*]"},
	}, {
		name: "an attack and a capture by the same actors on compatible dates stay apart",
		arts: []art{{"a", "2024-01-10", []cand{
			{title: "Varnia's attack on Osterholm", start: "2023", sentence: "Varnia's troops attacked Osterholm in 2023 from the northern border.", timex: "2023"},
			{title: "Varnia's capture of Osterholm", start: "2023-09", sentence: "Varnia's troops captured Osterholm in September 2023 from the northern border.", timex: "September 2023"},
		}}},
		want: []string{"2023: Varnia's attack on Osterholm [*]", "2023-09: Varnia's capture of Osterholm [*]"},
	}, {
		name: "overlapping dates that do not nest never merge",
		arts: []art{
			{"a", "2021-01-10", []cand{{title: "Storvik flood", start: "2020-W53", sentence: "The Storvik flood in the last week of 2020 swept away the harbour bridge.", timex: "the last week of 2020"}}},
			{"b", "2022-03-02", []cand{{title: "Storvik flood", start: "2021", sentence: "The Storvik flood in 2021 swept away the harbour bridge.", timex: "2021"}}},
		},
		want: []string{"2020-W53: Storvik flood [*]", "2021: Storvik flood [*]"},
	}, {
		name: "lead events of two articles stay apart unless their headlines are near-identical",
		arts: []art{
			{"a", "2024-05-02", []cand{{title: "Osterholm council approves new harbour budget", start: "2024-05-02", sentence: "The Osterholm council approved the harbour budget.", lead: true}}},
			{"b", "2024-05-02", []cand{{title: "Quellmark mayor opens tram line to Osterholm", start: "2024-05-02", sentence: "The Quellmark mayor opened the tram line to Osterholm harbour.", lead: true}}},
			{"c", "2024-05-02", []cand{{title: "Osterholm council approves new harbour budget", start: "2024-05-02", sentence: "Osterholm councillors voted for the new harbour budget.", lead: true}}},
		},
		want: []string{
			"2024-05-02: Osterholm council approves new harbour budget [**]",
			"2024-05-02: Quellmark mayor opens tram line to Osterholm [*]",
		},
	}, {
		name: "an article's lead event never absorbs its other events",
		arts: []art{{"a", "2024-05-02", []cand{
			{title: "Osterholm council approves harbour budget", start: "2024-05-02", sentence: "The Osterholm council approved the harbour budget, officials said.", lead: true},
			{title: "Osterholm council approves harbour budget", start: "2024-05", sentence: "In May the Osterholm council approved the harbour budget.", timex: "May"},
		}}},
		want: []string{
			"2024-05: Osterholm council approves harbour budget [*]",
			"2024-05-02: Osterholm council approves harbour budget [*]",
		},
	}, {
		name: "two events told by one sentence stay apart",
		arts: []art{{"a", "2024-05-02", []cand{
			{title: "Varnia attack on Osterholm", start: "2020", sentence: "Varnia's 2020 attack on Osterholm followed the 2020 fighting in Osterholm's port.", timex: "2020"},
			{title: "fighting in Osterholm's port", start: "2020", sentence: "Varnia's 2020 attack on Osterholm followed the 2020 fighting in Osterholm's port.", timex: "2020"},
		}}},
		want: []string{"2020: Varnia attack on Osterholm [*]", "2020: fighting in Osterholm's port [*]"},
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			articles, per := build(t, tc.arts...)
			got := groupsOf(Merge(articles, per))
			if !slices.Equal(got, tc.want) {
				t.Errorf("got\n  %s\nwant\n  %s", strings.Join(got, "\n  "), strings.Join(tc.want, "\n  "))
			}
		})
	}
}

func seedLike(t *testing.T) []art {
	return []art{
		{"seed", "2024-06-14", []cand{
			{title: "2020 Nagorno-Karabakh war", start: "2020", sentence: sWar1, timex: "2020"},
			{title: "44-day war", start: "2020", sentence: sWar2, timex: "2020"},
			{title: "Baku's 2020 attack on Armenia", start: "2020", sentence: sWar3, timex: "2020"},
			{title: "Pashinyan appeals to Moscow to expel Belarus from the CSTO", start: "2024-06-13", sentence: sAppeal, timex: "The next day"},
			{title: "Yerevan recalls its ambassador to Minsk", start: "2024-06-13", sentence: sRecall, timex: "Later Thursday"},
			{title: "Russian officials downplay the tensions", start: "2024-06-13", sentence: sDown, timex: "Thursday"},
			{title: "Azerbaijan's capture of Nagorno-Karabakh", start: "2023-09", sentence: sCap, timex: "September 2023"},
		}},
		{"background", "2024-06-20", []cand{
			{title: "Armenia and Azerbaijan fought a war over Nagorno-Karabakh", start: "2020", sentence: sBgWar, timex: "2020"},
			{title: "Azerbaijan captured the breakaway region of Nagorno-Karabakh", start: "2023-09", sentence: sBgCap, timex: "September 2023"},
		}},
	}
}

func idsByTitle(tl timeline.Timeline) map[string]string {
	m := map[string]string{}
	for _, e := range tl.Events {
		m[e.Title] = e.ID
	}
	return m
}

func TestIDsAreShortURLSafeAndUnique(t *testing.T) {
	tl := Merge(build(t, seedLike(t)...))
	valid := regexp.MustCompile(`^[0-9a-f]{10}(-[0-9]+)?$`)
	seen := map[string]bool{}
	for _, e := range tl.Events {
		if !valid.MatchString(e.ID) {
			t.Errorf("ID %q of %q is not 10 hex characters", e.ID, e.Title)
		}
		if seen[e.ID] {
			t.Errorf("duplicate ID %q", e.ID)
		}
		seen[e.ID] = true
	}
}

func TestIDsSurviveAddingUnrelatedAndNewerRelatedArticles(t *testing.T) {
	arts := seedLike(t)
	before := Merge(build(t, arts[0]))
	unrelated := art{"harbour", "2024-07-01", []cand{
		{title: "Osterholm harbour reopens", start: "2024-06-30", sentence: "The Osterholm harbour reopened on 30 June.", timex: "30 June"},
	}}
	after := Merge(build(t, arts[0], arts[1], unrelated))
	// The background article (newer) merges into the seed's war and capture:
	// those events keep the seed's IDs; every other seed event keeps its ID too.
	afterIDs := map[string]bool{}
	for _, e := range after.Events {
		afterIDs[e.ID] = true
	}
	for _, e := range before.Events {
		if !afterIDs[e.ID] {
			t.Errorf("event %q lost its ID %s after adding articles", e.Title, e.ID)
		}
	}
	if len(after.Events) != len(before.Events)+1 {
		t.Errorf("got %d events after adding, want %d (background merges, harbour adds one)", len(after.Events), len(before.Events)+1)
	}
}

func TestReorderedInputGivesIdenticalOutput(t *testing.T) {
	arts := seedLike(t)
	articles, per := build(t, arts...)
	want := Merge(articles, per)

	// Reverse the articles and the events inside each.
	rArticles := slices.Clone(articles)
	rPer := slices.Clone(per)
	slices.Reverse(rArticles)
	slices.Reverse(rPer)
	for i := range rPer {
		rPer[i] = slices.Clone(rPer[i])
		slices.Reverse(rPer[i])
	}
	got := Merge(rArticles, rPer)
	if !reflect.DeepEqual(got.Events, want.Events) {
		t.Errorf("reordered input changed the events:\n%v\nvs\n%v", groupsOf(got), groupsOf(want))
	}
	if !reflect.DeepEqual(got.Articles, want.Articles) {
		t.Errorf("reordered input changed the article order")
	}
}

func TestMergeDoesNotModifyInput(t *testing.T) {
	articles, per := build(t, seedLike(t)...)
	snapshot := make([][]timeline.Event, len(per))
	for i, evs := range per {
		for _, e := range evs {
			e.Mentions = slices.Clone(e.Mentions)
			snapshot[i] = append(snapshot[i], e)
		}
	}
	Merge(articles, per)
	if !reflect.DeepEqual(per, snapshot) {
		t.Error("Merge changed its input events")
	}
}

func TestSameSentenceSameDateExpressionGetsDistinctIDs(t *testing.T) {
	s := "Varnia's 2020 attack on Osterholm followed the 2020 fighting in Osterholm's port."
	a := art{"a", "2024-05-02", []cand{
		{title: "Varnia attack on Osterholm", start: "2020", sentence: s, timex: "2020"},
		{title: "fighting in Osterholm's port", start: "2020", sentence: s, timex: "2020"},
	}}
	tl := Merge(build(t, a))
	if len(tl.Events) != 2 || tl.Events[0].ID == tl.Events[1].ID {
		t.Fatalf("want two events with distinct IDs, got %+v", tl.Events)
	}
	again := Merge(build(t, a))
	if !reflect.DeepEqual(idsByTitle(tl), idsByTitle(again)) {
		t.Error("collision resolution is not deterministic")
	}
}

func TestEventsSortedByStartThenTitle(t *testing.T) {
	tl := Merge(build(t, seedLike(t)...))
	for i := 1; i < len(tl.Events); i++ {
		a, b := tl.Events[i-1], tl.Events[i]
		if c := a.Start.Compare(b.Start); c > 0 || (c == 0 && a.Title > b.Title) {
			t.Errorf("events out of order: %s %q before %s %q", a.Start, a.Title, b.Start, b.Title)
		}
	}
	if tl.Articles[0].Slug != "seed" || tl.Articles[1].Slug != "background" {
		t.Errorf("articles not sorted by publication date: %s, %s", tl.Articles[0].Slug, tl.Articles[1].Slug)
	}
}

func TestMergedEventKeepsAllMentionsAndEntities(t *testing.T) {
	a := art{"a", "2021-01-10", []cand{{title: "Storvik flood", start: "2020-09-27", sentence: "The Storvik flood of 27 September 2020 swept away the harbour bridge.", timex: "27 September 2020", entities: []string{"Storvik"}}}}
	b := art{"b", "2021-03-02", []cand{{title: "Storvik flood", start: "2020", sentence: "Since the Storvik flood in 2020 the harbour has had no bridge.", timex: "2020", entities: []string{"Storvik", "Osterholm"}}}}
	tl := Merge(build(t, b, a))
	if len(tl.Events) != 1 {
		t.Fatalf("want one event, got %v", groupsOf(tl))
	}
	e := tl.Events[0]
	if len(e.Mentions) != 2 || e.Mentions[0].Article != "a" || e.Mentions[1].Article != "b" {
		t.Errorf("mentions not in article order: %+v", e.Mentions)
	}
	if len(e.Entities) != 2 || e.Entities[0].Name != "Osterholm" || e.Entities[1].Name != "Storvik" {
		t.Errorf("entities not the sorted union: %+v", e.Entities)
	}
}

func TestContentStems(t *testing.T) {
	tests := []struct{ a, b string }{
		{"Belarusian arms", "Belarus's arms"},
		{"Armenia’s defeat", "the Armenian defeat"},
		{"the 44-day war", "the fighting"},
		{"Baku's attack", "Baku attacked"},
		{"capture of the region", "seizure of the regions"},
		{"Nagorno-Karabakh", "Nagorno Karabakh"},
		{"said on Monday in June 2020", ""},
	}
	for _, tc := range tests {
		a, b := contentStems(tc.a, nil), contentStems(tc.b, nil)
		if strings.Join(a, " ") != strings.Join(b, " ") {
			t.Errorf("%q -> %v, %q -> %v: want equal", tc.a, a, tc.b, b)
		}
	}
}

func TestIDsIgnoreOffsetsDateExpressionSpansAndContentRoot(t *testing.T) {
	articles, per := build(t, seedLike(t)...)
	want := idsByTitle(Merge(articles, per))
	// An edit earlier in the file shifts every offset; a better resolver
	// widens a date expression; the site is built from another folder.
	// None of these may move a permalink.
	for _, evs := range per {
		for i := range evs {
			ms := slices.Clone(evs[i].Mentions)
			for k := range ms {
				ms[k].Sentence.Start += 57
				ms[k].Sentence.End += 57
				ms[k].TimexText = "in " + ms[k].TimexText
				ms[k].Source = "/srv/site/" + ms[k].Source // built from elsewhere
			}
			evs[i].Mentions = ms
		}
	}
	got := idsByTitle(Merge(articles, per))
	if !reflect.DeepEqual(got, want) {
		t.Errorf("IDs moved:\n%v\nvs\n%v", got, want)
	}
}

func TestCollidingIDsFollowPositionInTheSentence(t *testing.T) {
	s := "Varnia's 2019 attack on Osterholm followed the 2018 fighting in Osterholm's port."
	first := cand{title: "Varnia attack on Osterholm", start: "2019", sentence: s, timex: "2019"}
	second := cand{title: "fighting in Osterholm's port", start: "2018", sentence: s, timex: "2018"}
	for _, order := range [][]cand{{first, second}, {second, first}} {
		ids := idsByTitle(Merge(build(t, art{"a", "2024-05-02", order})))
		if strings.HasSuffix(ids[first.title], "-2") || !strings.HasSuffix(ids[second.title], "-2") {
			t.Errorf("want the earlier date expression to keep the plain hash: %v", ids)
		}
	}
}

func TestMergeOddInputDoesNotPanic(t *testing.T) {
	if tl := Merge(nil, nil); len(tl.Events) != 0 || len(tl.Articles) != 0 {
		t.Errorf("empty input gave %+v", tl)
	}
	undated := timeline.Event{Title: "Something undated"} // zero date, no mentions
	twice := []timeline.Event{undated, undated}
	tl := Merge(nil, [][]timeline.Event{twice, {undated}}) // more event lists than articles
	if len(tl.Events) != 3 {
		t.Fatalf("undated events must stay apart, got %d", len(tl.Events))
	}
	seen := map[string]bool{}
	for _, e := range tl.Events {
		if e.ID == "" || seen[e.ID] {
			t.Errorf("missing or duplicate ID %q", e.ID)
		}
		seen[e.ID] = true
	}
}

// TestSharedSlicesStayTheInputs: Merge may hand out the input's own mention
// and entity slices when they are sorted already; it must neither sort the
// input's in place nor leave room after them that an append to the output
// would write into.
func TestSharedSlicesStayTheInputs(t *testing.T) {
	art := timeline.Article{Slug: "a", Path: "content/a.md", Meta: timeline.Meta{Date: time.Date(2024, 6, 14, 0, 0, 0, 0, time.UTC)}}
	day, _ := timeline.ParseDate("2024-06-12")
	mention := func(off int) timeline.Mention {
		return timeline.Mention{Article: "a", Source: "content/a.md", Sentence: timeline.Span{Start: off, End: off + 40}, Text: "Sentence " + strconv.Itoa(off)}
	}
	sorted := []timeline.Entity{{Name: "Quellmark", Kind: timeline.Place}, {Name: "Varnia", Kind: timeline.Place}}
	unsorted := []timeline.Entity{{Name: "Varnia", Kind: timeline.Place}, {Name: "Quellmark", Kind: timeline.Place}}
	per := [][]timeline.Event{{
		{Title: "Varnia budget vote", Start: day, Mentions: []timeline.Mention{mention(0), mention(100)}, Entities: slices.Clip(sorted)},
		{Title: "Storvik harbour opening", Start: day, Mentions: []timeline.Mention{mention(300), mention(200)}, Entities: slices.Clip(unsorted)},
	}}
	// Backing arrays longer than the slices: an output append must not reach them.
	backing := append(slices.Clone(per[0][0].Mentions), mention(999))
	per[0][0].Mentions = backing[:2]
	want := [][]timeline.Event{{cloneEvent(per[0][0]), cloneEvent(per[0][1])}}
	tl := Merge([]timeline.Article{art}, per)
	for i := range tl.Events {
		ev := &tl.Events[i]
		ev.Mentions = append(ev.Mentions, mention(777))
		ev.Entities = append(ev.Entities, timeline.Entity{Name: "Osterholm", Kind: timeline.Place})
	}
	if !reflect.DeepEqual(per, want) {
		t.Errorf("Merge or appends to its output changed the input:\n got %+v\nwant %+v", per, want)
	}
	if backing[2].Sentence.Start != 999 {
		t.Errorf("an append to an output event's mentions wrote past the input slice")
	}
}

func cloneEvent(e timeline.Event) timeline.Event {
	e.Mentions, e.Entities = slices.Clone(e.Mentions), slices.Clone(e.Entities)
	return e
}
