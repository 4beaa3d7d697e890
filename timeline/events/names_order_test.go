package events

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/newsline/timeline/timeline"
	"github.com/newsline/timeline/timeline/timex"
)

// TestSurnameAliasIgnoresOrder checks that a surname shared by two people
// named in full refers to the same one whichever is named first: the name
// book no longer visits names in sorted order, and the alias must not come
// to depend on the text's order instead.
func TestSurnameAliasIgnoresOrder(t *testing.T) {
	first := "Minister Ilse Brandt met Governor Aron Brandt in Velden on Monday. "
	second := "Governor Aron Brandt met Minister Ilse Brandt in Velden on Monday. "
	rest := "Brandt said the talks went well."
	for _, text := range []string{first + rest, second + rest} {
		a := timeline.Article{Path: "a.md", Slug: "a", Text: text}
		a.Meta.Date = time.Date(2024, 6, 14, 0, 0, 0, 0, time.UTC)
		x := newExtractor(a, timex.Resolve(a.Text, a.Meta.Date))
		got, kind := "", timeline.EntityKind("")
		for row, n := range x.scratch.nameOf {
			switch n {
			case "Brandt":
				got = x.names.rows[row].canon
			case "Ilse Brandt":
				kind = x.names.rows[row].class
			}
		}
		x.release()
		if got != "Ilse Brandt" || kind != timeline.Person {
			t.Errorf("%q: Brandt -> %q (Ilse Brandt a %q), want the greater full name, Ilse Brandt, a person", text, got, kind)
		}
	}
}

// TestPublisherNamedInText checks a publisher the text names as a run of
// capitalised words: the name book counts the publisher once more, with
// the weight of an organisation, on a row of its own that replaces the
// run's, and the run's events name it as an organisation.
func TestPublisherNamedInText(t *testing.T) {
	a := timeline.Article{Path: "a.md", Slug: "a", Text: "Mayor Ilse Brandt spoke to Velden Courier on Monday. " +
		"Velden Courier said the bridge would open on Tuesday."}
	a.Meta.Date = time.Date(2024, 6, 14, 0, 0, 0, 0, time.UTC)
	a.Meta.Publisher = "The Velden Courier"
	found := false
	for _, ev := range ExtractWith(a, timex.Resolve(a.Text, a.Meta.Date)) {
		for _, e := range ev.Entities {
			if e.Name == "Velden Courier" {
				found = true
				if e.Kind != timeline.Organisation {
					t.Errorf("%q: Velden Courier is a %q, want an organisation", ev.Title, e.Kind)
				}
			}
		}
	}
	if !found {
		t.Error("no event names Velden Courier")
	}
}

// TestLastNameBeforeIsTheLastPersonNamed checks lastNameBefore, which reads
// the sentences for their people only when a title asks, against the name
// the extractor used to keep after every sentence: the last person named in
// the sentences before the current one, whichever sentences ask and in
// whatever steps.
func TestLastNameBeforeIsTheLastPersonNamed(t *testing.T) {
	texts := []string{
		"Minister Ilse Brandt visited Velden on Monday. The weather was cold. She opened the bridge on Tuesday. " +
			"Governor Aron Tarsk arrived on Wednesday. Rain fell. He closed the road on Thursday.",
		"He spoke first. Mayor Ilse Brandt said nothing. Nobody came.",
		"The road closed on Monday. Governor Aron Tarsk spoke on Tuesday.",
	}
	paths, _ := filepath.Glob("testdata/*.md")
	for _, p := range paths {
		raw, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		texts = append(texts, string(raw))
	}
	for _, text := range texts {
		a := timeline.Article{Path: "a.md", Slug: "a", Text: text}
		a.Meta.Date = time.Date(2024, 6, 14, 0, 0, 0, 0, time.UTC)
		for step := 1; step <= 3; step++ {
			x := newExtractor(a, timex.Resolve(a.Text, a.Meta.Date))
			want := "" // the eager reading: after every sentence
			for i := range x.sents {
				if i%step == 0 {
					x.cur = i
					if got := x.lastNameBefore(); got != want {
						t.Errorf("step %d, sentence %d of %.40q: lastNameBefore = %q, want %q", step, i, text, got, want)
					}
				}
				if p := x.names.lastPerson(&x.sents[i]); p != "" {
					want = p
				}
			}
			if step == 1 {
				// After the run, the last sentence's names count too.
				x.run()
				if got := x.lastNameBefore(); got != want {
					t.Errorf("after the run of %.40q: lastNameBefore = %q, want %q", text, got, want)
				}
			}
			x.release()
		}
	}
	// And through the titles: a pronoun names the person named last
	// before it, not the one named after it.
	a := timeline.Article{Path: "a.md", Slug: "a", Text: texts[0]}
	a.Meta.Date = time.Date(2024, 6, 14, 0, 0, 0, 0, time.UTC)
	titles := map[string]bool{}
	for _, ev := range ExtractWith(a, timex.Resolve(a.Text, a.Meta.Date)) {
		titles[ev.Title] = true
	}
	for _, want := range []string{"Ilse Brandt opened the bridge", "Aron Tarsk closed the road"} {
		if !titles[want] {
			t.Errorf("no event titled %q in %v", want, titles)
		}
	}
}
