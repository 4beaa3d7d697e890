package overrides

import (
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/spf13/afero"

	"github.com/newsline/timeline/timeline"
)

const path = "content/overrides.yaml"

func date(t *testing.T, v string) timeline.Date {
	t.Helper()
	d, err := timeline.ParseDate(v)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func event(t *testing.T, id, start, title, slug string) timeline.Event {
	return timeline.Event{ID: id, Title: title, Start: date(t, start), Mentions: []timeline.Mention{{
		Article: slug, Source: "content/" + slug + ".md", Sentence: timeline.Span{Start: len(id), End: len(id) + 10}, Text: title + ".",
	}}}
}

// sample is a small merged timeline about fictional places.
func sample(t *testing.T) timeline.Timeline {
	flood := event(t, "aaaa000001", "2020", "Storvik flood", "storvik")
	deliveries := event(t, "aaaa000002", "2018", "Arms deliveries to Varnia", "storvik")
	end := date(t, "2020")
	deliveries.End = &end
	return timeline.Timeline{
		Events: []timeline.Event{
			deliveries,
			flood,
			event(t, "aaaa000003", "2020-09-27", "Storvik flood damages the harbour bridge", "harbour"),
			event(t, "aaaa000004", "2024-06-13", "Osterholm council approves harbour budget", "harbour"),
			event(t, "aaaa000005", "2024-06-13", "Quellmark recalls its envoy", "harbour"),
		},
		Articles: []timeline.Article{{Slug: "harbour", Path: "content/harbour.md"}, {Slug: "storvik", Path: "content/storvik.md"}},
	}
}

func parse(t *testing.T, src string) *File {
	t.Helper()
	f, err := Parse(path, []byte(src))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return f
}

func titles(tl timeline.Timeline) []string {
	var out []string
	for _, e := range tl.Events {
		s := e.Start.Value
		if e.End != nil {
			s += "/" + e.End.Value
		}
		out = append(out, e.ID+" "+s+" "+e.Title)
	}
	return out
}

func TestParseReadsEveryKindWithLines(t *testing.T) {
	f := parse(t, `# editor corrections
- id: 0123456789
  date: 2020-09-27
- match: "ambassador"
  on: 2024-06-13
  title: Quellmark recalls its envoy to Osterholm

- id: 12e4567890
  hide: true
- merge: [aaaa000001, aaaa000003]
  title: Storvik flood
- add:
    title: Harbour bridge reopens
    date: 2021-05
    end: 2021-06
    source: https://example.org/report?id=1
    text: |
      The bridge reopened in May.
`)
	if len(f.Entries) != 5 {
		t.Fatalf("got %d entries, want 5", len(f.Entries))
	}
	e := f.Entries
	if e[0].Line != 2 || e[0].ID != "0123456789" || e[0].Date.Value != "2020-09-27" {
		t.Errorf("entry 1: %+v (an ID of digits must stay text, not become a number)", e[0])
	}
	if e[1].Line != 4 || e[1].Match != "ambassador" || e[1].On.Value != "2024-06-13" || e[1].Title != "Quellmark recalls its envoy to Osterholm" {
		t.Errorf("entry 2: %+v", e[1])
	}
	if e[2].Line != 8 || e[2].ID != "12e4567890" || !e[2].Hide {
		t.Errorf("entry 3: %+v (an ID like 12e4567890 must not become a float)", e[2])
	}
	if e[3].Line != 10 || strings.Join(e[3].Merge, ",") != "aaaa000001,aaaa000003" || e[3].Title != "Storvik flood" {
		t.Errorf("entry 4: %+v", e[3])
	}
	if a := e[4].Add; e[4].Line != 12 || a == nil || a.Title != "Harbour bridge reopens" || a.Date.Value != "2021-05" || a.End.Value != "2021-06" || a.Text != "The bridge reopened in May." {
		t.Errorf("entry 5: %+v %+v", e[4], e[4].Add)
	}
}

func TestParseEmptyFiles(t *testing.T) {
	for _, src := range []string{"", "\n", "# no overrides yet\n", "[]\n"} {
		f := parse(t, src)
		if len(f.Entries) != 0 {
			t.Errorf("%q: got %d entries", src, len(f.Entries))
		}
	}
}

func TestParseErrorsNameFileAndLine(t *testing.T) {
	tests := []struct{ name, src, want string }{
		{"invalid date", "- id: aaaa000001\n  date: 2020-13-45\n", `:2: date: "2020-13-45" is not a TIMEX3 date`},
		{"date words", "- id: aaaa000001\n  date: last spring\n", `:2: date: "last spring" is not`},
		{"invalid on", "- match: flood\n  on: soon\n  hide: true\n", `:2: on: "soon" is not`},
		{"invalid end", "- id: aaaa000001\n  end: 2020-02-30\n", `:2: end: "2020-02-30"`},
		{"end before date", "- id: aaaa000001\n  date: 2020-05\n  end: 2019\n", ":1: end 2019 is before date 2020-05"},
		{"id as a path", "- id: ../../etc/passwd\n  hide: true\n", `:1: id "../../etc/passwd": an ID is lower-case`},
		{"id upper case", "- id: ABC\n  hide: true\n", `:1: id "ABC"`},
		{"merge id as a path", "- merge: [aaaa000001, a/b]\n", `:1: merge: "a/b" is not an event ID`},
		{"merge one id", "- merge: [aaaa000001]\n", ":1: merge: name at least two"},
		{"merge not a list", "- merge: aaaa000001\n", ":1: merge: want a list"},
		{"unknown key", "- id: aaaa000001\n  hdie: true\n", `:2: unknown key "hdie"`},
		{"no selector", "- title: Something\n", ":1: an entry selects its event with exactly one of"},
		{"two selectors", "- id: aaaa000001\n  match: flood\n  hide: true\n", ":1: an entry selects its event with exactly one of"},
		{"on with id", "- id: aaaa000001\n  on: 2020\n  hide: true\n", ":1: `on` narrows a `match`"},
		{"changes nothing", "- id: aaaa000001\n", ":1: the entry changes nothing"},
		{"hide and retitle", "- id: aaaa000001\n  hide: true\n  title: X\n", ":1: hide: a hidden event takes no other change"},
		{"hide not a bool", "- id: aaaa000001\n  hide: yes\n", `:2: hide: want true or false, got "yes"`},
		{"title with line break", "- id: aaaa000001\n  title: \"a\\nb\"\n", ":2: title: contains a control character"},
		{"empty title", "- id: aaaa000001\n  title: \"  \"\n", ":2: title: empty"},
		{"add needs fields", "- add:\n    title: X\n", ":1: add: a manual event needs title, date and source"},
		{"add with selector", "- id: aaaa000001\n  add:\n    title: X\n    date: 2020\n    source: harbour\n", ":1: an `add` entry takes nothing else"},
		{"add file URL", "- add:\n    title: X\n    date: 2020\n    source: file:///etc/passwd\n", `:4: add: source: "file:///etc/passwd" is neither`},
		{"add script URL", "- add:\n    title: X\n    date: 2020\n    source: javascript:alert(1)\n", `:4: add: source: "javascript:alert(1)" is neither`},
		{"add path source", "- add:\n    title: X\n    date: 2020\n    source: ../secret.md\n", `:4: add: source: "../secret.md" is neither`},
		{"add bad date", "- add:\n    title: X\n    date: 2020-00\n    source: harbour\n", `:3: add: date: "2020-00" is not`},
		{"add unknown key", "- add:\n    title: X\n    date: 2020\n    source: harbour\n    url: x\n", `:5: add: unknown key "url"`},
		{"not a list", "id: aaaa000001\nhide: true\n", ":1: overrides must be a YAML list"},
		{"entry not a mapping", "- aaaa000001\n", ":1: an entry must be a mapping"},
		{"yaml syntax", "- id: aaaa000001\n  title: 'unterminated\n", ":2: "},
		{"alias value", "- id: &x aaaa000001\n  hide: true\n- id: *x\n  hide: true\n", ":3: id: want a single value"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse(path, []byte(tc.src))
			if err == nil {
				t.Fatalf("no error for %q", tc.src)
			}
			if !strings.Contains(err.Error(), path+tc.want) {
				t.Errorf("error %q does not contain %q", err, path+tc.want)
			}
			var pe *Error
			if !errors.As(err, &pe) || pe.Path != path || pe.Line < 1 {
				t.Errorf("error %q is not an *Error with path and line", err)
			}
		})
	}
}

func TestParseReportsAllProblemsAtOnce(t *testing.T) {
	_, err := Parse(path, []byte("- id: aaaa000001\n  date: 2020-13\n- id: BAD\n  hide: true\n"))
	if err == nil || !strings.Contains(err.Error(), path+":2:") || !strings.Contains(err.Error(), path+":3:") {
		t.Errorf("want problems on lines 2 and 3, got %v", err)
	}
}

func TestParseKeepsTheGoodEntriesBesideTheErrors(t *testing.T) {
	f, err := Parse(path, []byte("- id: aaaa000001\n  date: 2020-13\n- id: aaaa000004\n  hide: true\n- id: BAD\n  hide: true\n- id: aaaa000005\n  title: Quellmark recalls its envoy to Varnia\n"))
	if err == nil || f == nil {
		t.Fatalf("Parse = %v, %v: want the good entries and the errors", f, err)
	}
	var lines []int
	for _, e := range f.Entries {
		lines = append(lines, e.Line)
	}
	if fmt.Sprint(lines) != "[3 7]" {
		t.Errorf("entries kept at lines %v, want [3 7] (the two without problems)", lines)
	}
	if _, err := Parse(path, []byte("- id: [unclosed\n")); err == nil {
		t.Error("a YAML syntax error was not reported")
	} else if f, _ := Parse(path, []byte("- id: [unclosed\n")); f != nil {
		t.Errorf("after a YAML syntax error Parse returned entries %+v", f.Entries)
	}
}

func TestApplyEachAction(t *testing.T) {
	tests := []struct {
		name, src string
		want      []string
	}{{
		name: "pin a more precise date",
		src:  "- id: aaaa000001\n  date: 2020-09-27\n",
		want: []string{"aaaa000002 2018/2020 Arms deliveries to Varnia", "aaaa000001 2020-09-27 Storvik flood", "aaaa000003 2020-09-27 Storvik flood damages the harbour bridge", "aaaa000004 2024-06-13 Osterholm council approves harbour budget", "aaaa000005 2024-06-13 Quellmark recalls its envoy"},
	}, {
		name: "correct a range: date alone replaces it, date and end keep one",
		src:  "- id: aaaa000002\n  date: 2019\n- id: aaaa000001\n  date: 2019\n  end: 2021-02\n",
		want: []string{"aaaa000002 2019 Arms deliveries to Varnia", "aaaa000001 2019/2021-02 Storvik flood", "aaaa000003 2020-09-27 Storvik flood damages the harbour bridge", "aaaa000004 2024-06-13 Osterholm council approves harbour budget", "aaaa000005 2024-06-13 Quellmark recalls its envoy"},
	}, {
		name: "retitle by case-insensitive match narrowed by date",
		src:  "- match: STORVIK FLOOD\n  on: 2020-09\n  title: Flood wrecks the Storvik harbour bridge\n",
		want: []string{"aaaa000002 2018/2020 Arms deliveries to Varnia", "aaaa000001 2020 Storvik flood", "aaaa000003 2020-09-27 Flood wrecks the Storvik harbour bridge", "aaaa000004 2024-06-13 Osterholm council approves harbour budget", "aaaa000005 2024-06-13 Quellmark recalls its envoy"},
	}, {
		name: "on picks the event dated exactly that over those inside it",
		src:  "- match: storvik flood\n  on: 2020\n  title: Storvik floods of 2020\n",
		want: []string{"aaaa000002 2018/2020 Arms deliveries to Varnia", "aaaa000001 2020 Storvik floods of 2020", "aaaa000003 2020-09-27 Storvik flood damages the harbour bridge", "aaaa000004 2024-06-13 Osterholm council approves harbour budget", "aaaa000005 2024-06-13 Quellmark recalls its envoy"},
	}, {
		name: "hide",
		src:  "- id: aaaa000004\n  hide: true\n",
		want: []string{"aaaa000002 2018/2020 Arms deliveries to Varnia", "aaaa000001 2020 Storvik flood", "aaaa000003 2020-09-27 Storvik flood damages the harbour bridge", "aaaa000005 2024-06-13 Quellmark recalls its envoy"},
	}, {
		name: "merge keeps the first ID, takes a new date and title",
		src:  "- merge: [aaaa000001, aaaa000003]\n  date: 2020-09-27\n  title: Storvik flood\n",
		want: []string{"aaaa000002 2018/2020 Arms deliveries to Varnia", "aaaa000001 2020-09-27 Storvik flood", "aaaa000004 2024-06-13 Osterholm council approves harbour budget", "aaaa000005 2024-06-13 Quellmark recalls its envoy"},
	}, {
		name: "later entries see earlier ones",
		src:  "- id: aaaa000005\n  title: Quellmark recalls its envoy to Osterholm\n- match: envoy to osterholm\n  date: 2024-06-14\n",
		want: []string{"aaaa000002 2018/2020 Arms deliveries to Varnia", "aaaa000001 2020 Storvik flood", "aaaa000003 2020-09-27 Storvik flood damages the harbour bridge", "aaaa000004 2024-06-13 Osterholm council approves harbour budget", "aaaa000005 2024-06-14 Quellmark recalls its envoy to Osterholm"},
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tl := sample(t)
			if errs := parse(t, tc.src).Apply(&tl); len(errs) > 0 {
				t.Fatalf("Apply: %v", errs)
			}
			got := titles(tl)
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("got\n  %s\nwant\n  %s", strings.Join(got, "\n  "), strings.Join(tc.want, "\n  "))
			}
		})
	}
}

func TestApplyMergeUnitesMentions(t *testing.T) {
	tl := sample(t)
	if errs := parse(t, "- merge: [aaaa000003, aaaa000001]\n").Apply(&tl); len(errs) > 0 {
		t.Fatal(errs)
	}
	for _, e := range tl.Events {
		if e.ID == "aaaa000003" {
			if len(e.Mentions) != 2 || e.Mentions[0].Article != "harbour" || e.Mentions[1].Article != "storvik" {
				t.Errorf("merged mentions: %+v", e.Mentions)
			}
			return
		}
	}
	t.Error("merged event lost its ID")
}

func TestApplyAdd(t *testing.T) {
	tl := sample(t)
	f := parse(t, `- add:
    title: Harbour bridge reopens
    date: 2021-05-03
    source: harbour
    text: The bridge reopened on 3 May.
- add:
    id: bridge-tender
    title: Bridge tender published
    date: 2021-01
    source: https://example.org/tender
`)
	if errs := f.Apply(&tl); len(errs) > 0 {
		t.Fatal(errs)
	}
	valid := regexp.MustCompile(`^[a-z0-9-]+$`)
	var found int
	for _, e := range tl.Events {
		if !e.Manual {
			continue
		}
		found++
		if !valid.MatchString(e.ID) {
			t.Errorf("manual event ID %q is not URL-safe", e.ID)
		}
		switch e.Title {
		case "Harbour bridge reopens":
			m := e.Mentions[0]
			if m.Article != "harbour" || m.Source != "content/harbour.md" || m.Text != "The bridge reopened on 3 May." || e.Start.Value != "2021-05-03" {
				t.Errorf("slug-sourced manual event: %+v", e)
			}
		case "Bridge tender published":
			if e.ID != "bridge-tender" || e.Mentions[0].Source != "https://example.org/tender" || e.Mentions[0].Article != "" {
				t.Errorf("URL-sourced manual event: %+v", e)
			}
		}
	}
	if found != 2 {
		t.Errorf("got %d manual events, want 2", found)
	}
	// The derived ID is stable from build to build.
	again := sample(t)
	f.Apply(&again)
	if strings.Join(titles(tl), "|") != strings.Join(titles(again), "|") {
		t.Error("applying the same overrides twice gave different timelines")
	}
}

func TestApplyErrorsNameTheEntry(t *testing.T) {
	tests := []struct{ name, src, want string }{
		{"unknown id", "- id: ffff000000\n  hide: true\n", `content/overrides.yaml:1: override id ffff000000: matches no event`},
		{"match nothing", "- match: volcano\n  title: X\n", `content/overrides.yaml:1: override match "volcano": matches no event`},
		{"match outside its date", "- match: storvik flood\n  on: 2021\n  title: X\n", `override match "storvik flood" on 2021: matches no event`},
		{"on coarser than the event", "- match: storvik flood damages\n  on: 2020-09-27T10:00\n  title: X\n", `on 2020-09-27T10:00: matches no event`},
		{"on a week holding no such event", "- match: storvik flood\n  on: 2020-W40\n  title: X\n", `matches no event`},
		{"ambiguous match", "- match: storvik flood\n  title: X\n", `override match "storvik flood": matches 2 events: aaaa000001 (2020), aaaa000003 (2020-09-27)`},
		{"merge unknown id", "- merge: [aaaa000001, ffff000000]\n", `override merge [aaaa000001, ffff000000]: matches no event for "ffff000000"`},
		{"add unknown slug", "- add:\n    title: X\n    date: 2020\n    source: nowhere\n", `override add "X": source "nowhere": no article has this slug`},
		{"add taken id", "- add:\n    id: aaaa000001\n    title: X\n    date: 2020\n    source: harbour\n", `override add "X": id "aaaa000001" is already used`},
		{"end before the event", "- id: aaaa000003\n  end: 2019\n", `override id aaaa000003: end 2019 is before the event's date 2020-09-27`},
		{"hidden then used", "- id: aaaa000004\n  hide: true\n- id: aaaa000004\n  title: X\n", `content/overrides.yaml:3: override id aaaa000004: matches no event`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tl := sample(t)
			errs := parse(t, tc.src).Apply(&tl)
			if len(errs) != 1 || !strings.Contains(errs[0].Error(), tc.want) {
				t.Errorf("got %v, want one error containing %q", errs, tc.want)
			}
		})
	}
}

func TestApplyGoesOnAfterAnError(t *testing.T) {
	tl := sample(t)
	errs := parse(t, "- id: ffff000000\n  hide: true\n- id: aaaa000004\n  hide: true\n").Apply(&tl)
	if len(errs) != 1 || len(tl.Events) != 4 {
		t.Errorf("want one error and the second entry applied; got %v and %d events", errs, len(tl.Events))
	}
}

func TestExampleOverridesFileParses(t *testing.T) {
	data, err := readRepoFile("../../content/overrides.yaml")
	if err != nil {
		t.Skipf("no content/overrides.yaml: %v", err)
	}
	if _, err := Parse("content/overrides.yaml", data); err != nil {
		t.Errorf("the example overrides file does not parse: %v", err)
	}
}

// readRepoFile reads a file of the repository (through afero, like all I/O).
func readRepoFile(name string) ([]byte, error) {
	return afero.ReadFile(afero.NewOsFs(), name)
}

func TestApplyLeavesTheCallersEventsAlone(t *testing.T) {
	tl := sample(t)
	before := titles(tl)
	held := tl.Events // another holder of the merged events
	if errs := parse(t, "- id: aaaa000001\n  title: Renamed\n- id: aaaa000002\n  hide: true\n").Apply(&tl); len(errs) > 0 {
		t.Fatal(errs)
	}
	if got := titles(timeline.Timeline{Events: held}); strings.Join(got, "|") != strings.Join(before, "|") {
		t.Errorf("Apply changed the events another holder sees:\n%v", got)
	}
}

// TestApplyTrackedNamesEveryEventItChanged checks what an incremental build
// relies on: every event that differs after the overrides, or is gone or new,
// is among the touched IDs (and nothing the entries did not touch is).
func TestApplyTrackedNamesEveryEventItChanged(t *testing.T) {
	cases := map[string]struct {
		src  string
		want []string
	}{
		"pin":                {"- id: aaaa000001\n  date: 2020-09-27\n", []string{"aaaa000001"}},
		"retitle by match":   {"- match: storvik flood\n  on: 2020-09\n  title: Bridge falls\n", []string{"aaaa000003"}},
		"hide":               {"- id: aaaa000004\n  hide: true\n", []string{"aaaa000004"}},
		"merge":              {"- merge: [aaaa000003, aaaa000001]\n", []string{"aaaa000001", "aaaa000003"}},
		"add":                {"- add:\n    id: manual-1\n    date: 2021\n    title: Harbour reopens\n    source: harbour\n", []string{"manual-1"}},
		"failed entry":       {"- id: nosuchevent\n  title: X\n", nil},
		"two entries, twice": {"- id: aaaa000005\n  title: A\n- id: aaaa000005\n  title: B\n", []string{"aaaa000005"}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			before := sample(t)
			after := sample(t)
			touched, _ := parse(t, tc.src).ApplyTracked(&after)
			if strings.Join(touched, ",") != strings.Join(tc.want, ",") {
				t.Errorf("touched %v, want %v", touched, tc.want)
			}
			old := map[string]timeline.Event{}
			for _, e := range before.Events {
				old[e.ID] = e
			}
			isTouched := map[string]bool{}
			for _, id := range touched {
				isTouched[id] = true
			}
			for _, e := range after.Events {
				if o, ok := old[e.ID]; (!ok || !reflect.DeepEqual(o, e)) && !isTouched[e.ID] {
					t.Errorf("event %s changed but is not reported", e.ID)
				}
				delete(old, e.ID)
			}
			for id := range old {
				if !isTouched[id] {
					t.Errorf("event %s is gone but not reported", id)
				}
			}
		})
	}
}
