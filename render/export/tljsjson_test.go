package export

import (
	"bytes"
	"encoding/json"
	"math/rand"
	"strings"
	"testing"

	"github.com/newsline/timeline/internal/bytediff"
)

// TestAppendSlideAsMarshal: appendSlide writes what a json.Encoder with
// SetEscapeHTML(false) writes (no newline), on
// random slides (every optional field present or not) whose strings mix
// every ASCII byte, invalid UTF-8, multi-byte runes and U+2028/U+2029.
func TestAppendSlideAsMarshal(t *testing.T) {
	r := rand.New(rand.NewSource(5))
	pieces := []string{"\u2028", "\u2029", "é", "日本", "\U0001F600", "\xff", "\xe2\x80", "\xed\xa0\x80", "<p>", "&amp;", `"q"`, `\`, "plain text "}
	for c := 0; c < 128; c++ {
		pieces = append(pieces, string(rune(c)))
	}
	text := func() string {
		var b strings.Builder
		for k := r.Intn(12); k > 0; k-- {
			b.WriteString(pieces[r.Intn(len(pieces))])
		}
		return b.String()
	}
	num := func() *int {
		if r.Intn(2) == 0 {
			return nil
		}
		v := r.Intn(20000) - 10000
		return &v
	}
	date := func() *tljsDate {
		if r.Intn(3) == 0 {
			return nil
		}
		return &tljsDate{Year: r.Intn(20000) - 10000, Month: num(), Day: num(), Hour: num(), Minute: num(), Second: num()}
	}
	var buf []byte
	for n := 0; n < 20000; n++ {
		s := tljsSlide{StartDate: date(), EndDate: date(), Text: tljsText{Headline: text(), Text: text()}, UniqueID: text()}
		if r.Intn(2) == 0 {
			s.DisplayDate = text()
		}
		var enc bytes.Buffer
		e := json.NewEncoder(&enc)
		e.SetEscapeHTML(false)
		if err := e.Encode(&s); err != nil {
			t.Fatal(err)
		}
		want := bytes.TrimSuffix(enc.Bytes(), []byte("\n"))
		buf = appendSlide(buf[:0], &s)
		if !bytes.Equal(buf, want) {
			t.Fatalf("slide %d:\n%s", n, bytediff.First(buf, want))
		}
	}
}

// TestAppendEventLDAsMarshal: appendEventLD writes what json.Marshal writes,
// on random events (every optional field present or not, empty and nil
// lists) whose strings mix every ASCII byte, invalid UTF-8 and U+2028.
func TestAppendEventLDAsMarshal(t *testing.T) {
	r := rand.New(rand.NewSource(6))
	pieces := []string{"\u2028", "\u2029", "é", "日本", "\U0001F600", "\xff", "\xe2\x80", "<p>", "&amp;", `"q"`, `\`, "https://x.example/a?b=1&c=2"}
	for c := 0; c < 128; c++ {
		pieces = append(pieces, string(rune(c)))
	}
	text := func() string {
		var b strings.Builder
		for k := r.Intn(6); k > 0; k-- {
			b.WriteString(pieces[r.Intn(len(pieces))])
		}
		return b.String()
	}
	things := func() []ldThing {
		switch r.Intn(4) {
		case 0:
			return nil
		case 1:
			return []ldThing{}
		}
		out := make([]ldThing, 1+r.Intn(3))
		for i := range out {
			out[i] = ldThing{Type: text(), Name: text(), URL: text()}
		}
		return out
	}
	var buf []byte
	for n := 0; n < 20000; n++ {
		ev := ldEvent{Context: text(), Type: text(), Name: text(), StartDate: text(), EndDate: text(),
			Description: text(), URL: text(), Location: things(), About: things()}
		want, err := json.Marshal(ev)
		if err != nil {
			t.Fatal(err)
		}
		buf = appendEventLD(buf[:0], &ev)
		if !bytes.Equal(buf, want) {
			t.Fatalf("event %d:\n%s", n, bytediff.First(buf, want))
		}
	}
}
