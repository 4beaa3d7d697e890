package timex

import (
	"os"
	"slices"
	"strings"
	"testing"
	"time"
)

var friday = time.Date(2024, 6, 14, 0, 0, 0, 0, time.UTC)

// Our rules run inside a plain when.Parser, without when's known defects.
func TestWhenParserWithOurRules(t *testing.T) {
	w := NewWhen()
	r, err := w.Parse("It was signed on 2024-06-12 in Paris.", friday)
	if err != nil || r == nil {
		t.Fatalf("Parse: %v %v", r, err)
	}
	if r.Text != "2024-06-12" || r.Time.Format("2006-01-02 15:04") != "2024-06-12 00:00" {
		t.Errorf("ISO date read as %q %v, want the day 2024-06-12", r.Text, r.Time)
	}
	if r, _ := w.Parse("It may be true.", friday); r != nil {
		t.Errorf(`"may be" parsed as %q`, r.Text)
	}
	r, _ = w.Parse("He spoke on Wednesday.", friday)
	if r == nil || r.Time.Format("2006-01-02") != "2024-06-12" {
		t.Errorf("bare weekday: got %v, want the past Wednesday 2024-06-12", r)
	}
}

// Known lists what the text stated, never what the anchor implied.
func TestKnownComponents(t *testing.T) {
	for _, c := range []struct {
		text  string
		known []string
	}{
		{"in September 2023", []string{"year", "month"}},
		{"on 12 June", []string{"month", "day"}},
		{"on Wednesday", []string{"weekday"}},
		{"in the 1990s", []string{"decade"}},
		// the words fix the day, though they do not write its number
		{"on the first Monday of July", []string{"month", "day", "weekday"}},
		{"on the last day of May 2024", []string{"year", "month", "day"}},
	} {
		got := Resolve(c.text, friday)
		if len(got) != 1 {
			t.Fatalf("%q: %d expressions", c.text, len(got))
		}
		if !slices.Equal(got[0].Known, c.known) {
			t.Errorf("%q: known %v, want %v", c.text, got[0].Known, c.known)
		}
	}
}

// Every expression is found, not only the first cluster, with exact offsets.
func TestSeedArticle(t *testing.T) {
	raw, err := os.ReadFile("../../seeds/000_3439a67832322a1f.txt")
	if err != nil {
		t.Skip("seed article absent:", err)
	}
	text := string(raw)
	got := Resolve(text, friday)
	values := map[string]bool{}
	for _, tx := range got {
		if text[tx.Start:tx.End] != tx.Text {
			t.Fatalf("offsets of %q are wrong", tx.Text)
		}
		values[strings.ReplaceAll(tx.Text, "\n", " ")+"="+tx.Value] = true
	}
	for _, want := range []string{"September 2023=2023-09", "this week=2024-W24", "Wednesday=2024-06-12",
		"The next day=2024-06-13", "2018=2018", "2020=2020", "Thursday=2024-06-13", "44-day=P44D"} {
		if !values[want] {
			t.Errorf("seed: missing %s in %v", want, describe(got))
		}
	}
	for _, tx := range got {
		if tx.Text == "2018" && (tx.RangeEnd == nil || tx.RangeEnd.Value != "2020") {
			t.Errorf("between 2018 and 2020: range end %v", tx.RangeEnd)
		}
	}
}

// A zero publication date leaves relative dates unresolved instead of guessing.
func TestNoPublicationDate(t *testing.T) {
	got := Resolve("He left on Wednesday, 12 June 2024.", time.Time{})
	if len(got) != 1 || got[0].Value != "2024-06-12" {
		t.Errorf("absolute date without DCT: %v", describe(got))
	}
	got = Resolve("He left yesterday.", time.Time{})
	if len(got) != 1 || got[0].Value != "XXXX-XX-XX" {
		t.Errorf("relative date without DCT: %v", describe(got))
	}
}

// The output is identical run to run.
func TestDeterministic(t *testing.T) {
	text := newsText(t, 20000)
	a, b := Resolve(text, friday), Resolve(text, friday)
	if len(a) != len(b) {
		t.Fatal("different counts")
	}
	for i := range a {
		if a[i].Span != b[i].Span || a[i].Value != b[i].Value {
			t.Fatalf("run differs at %d", i)
		}
	}
}

// Resolve is safe for concurrent use (the site build resolves articles in parallel).
func TestConcurrentResolve(t *testing.T) {
	text := newsText(t, 30000)
	want := Resolve(text, friday)
	done := make(chan []string, 4)
	for g := 0; g < 4; g++ {
		go func() {
			var vals []string
			for _, tx := range Resolve(text, friday) {
				vals = append(vals, tx.Value+strings.Join(tx.Known, ","))
			}
			done <- vals
		}()
	}
	for g := 0; g < 4; g++ {
		vals := <-done
		if len(vals) != len(want) {
			t.Fatalf("goroutine got %d expressions, want %d", len(vals), len(want))
		}
		for i, v := range vals {
			if w := want[i].Value + strings.Join(want[i].Known, ","); v != w {
				t.Fatalf("expression %d: %q, want %q", i, v, w)
			}
		}
	}
}
