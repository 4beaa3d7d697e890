package events

import (
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
		got, kind := x.names.alias["Brandt"], x.names.kinds["Ilse Brandt"]
		x.release()
		if got != "Ilse Brandt" || kind != timeline.Person {
			t.Errorf("%q: Brandt -> %q (Ilse Brandt a %q), want the greater full name, Ilse Brandt, a person", text, got, kind)
		}
	}
}
