package events

import (
	"reflect"
	"testing"
	"time"

	"github.com/newsline/timeline/timeline"
)

// FuzzExtract feeds arbitrary text through resolution and extraction: no
// panic, every mention inside the text, every title short and one line; and
// ExtractAll of the article twice (one batch, one buffer) gives Extract's
// events for both.
func FuzzExtract(f *testing.F) {
	for _, s := range []string{
		"The board met on 3 March. It will meet again next week.",
		`"Unclosed quote on Monday. He said "yes" in 2019 [and 2020`,
		"Between 2015 and 2018, X, who (in 1999) left, returned.\n\nThe next day, he said so.",
		"..., , 's 's 2020's the 2020 war [in 2020] of",
		"",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		a := timeline.Article{Path: "f.txt", Text: text}
		a.Meta.Date = time.Date(2024, 6, 14, 0, 0, 0, 0, time.UTC)
		evs := Extract(a)
		if all := ExtractAll([]timeline.Article{a, a}, nil); !reflect.DeepEqual(all[0], evs) || !reflect.DeepEqual(all[1], evs) {
			t.Errorf("ExtractAll differs from Extract")
		}
		for _, ev := range evs {
			if len(ev.Title) > maxTitle+len("…") {
				t.Errorf("title too long: %q", ev.Title)
			}
			for _, m := range ev.Mentions {
				if m.Sentence.Start < 0 || m.Sentence.End > len(text) || m.Sentence.Start > m.Sentence.End {
					t.Errorf("sentence %v outside text of %d bytes", m.Sentence, len(text))
				}
				if m.Timex != nil && (m.Timex.Start < m.Sentence.Start || m.Timex.End > m.Sentence.End) {
					t.Errorf("timex %v outside sentence %v", *m.Timex, m.Sentence)
				}
			}
		}
	})
}
