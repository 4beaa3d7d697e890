package render

import (
	"bytes"
	"math/rand"
	"strings"
	"testing"

	"github.com/newsline/timeline/render/export"
	"github.com/newsline/timeline/timeline"
)

// writeSearchByEncoder is writeSearch as it was written through
// encoding/json's Encoder (export.JSONStream), the reference.
func writeSearchByEncoder(s *site, b *bytes.Buffer, list []int32) error {
	out := export.NewJSONStream(b)
	out.Raw("window.timelineSearch={")
	n := len(list)
	if list == nil {
		n = len(s.tl.Events)
	}
	for j := 0; j < n; j++ {
		i := j
		if list != nil {
			i = int(list[j])
		}
		ev := &s.tl.Events[i]
		var text []string
		for _, m := range ev.Mentions {
			text = append(text, strings.Join(strings.Fields(m.Text), " "))
		}
		if j > 0 {
			out.Raw(",")
		}
		out.Value(ev.ID)
		out.Raw(":")
		out.Value(strings.Join(text, " "))
	}
	out.Raw("};\n")
	return out.Err()
}

// TestSearchDataAsEncodingJSON: the search data (the whole timeline's, and
// a shard's list) has the bytes encoding/json's Encoder gave, for sentences
// with every character it escapes (controls, quotes, < > &, U+2028,
// invalid UTF-8) and for a timeline large enough to be written in pieces.
func TestSearchDataAsEncodingJSON(t *testing.T) {
	r := rand.New(rand.NewSource(17))
	pieces := []string{"a", " ", "\t\n", "\"", "\\", "<", ">", "&", "\u2028", "\u2029", "\x00", "\x1f", "\xff", "é", "\u00a0", "日本", "\xe2\x80", "'"}
	tl := synthetic(t, 3000)
	for i := range tl.Events {
		if i%3 == 0 {
			continue
		}
		for k := range tl.Events[i].Mentions {
			var b strings.Builder
			for n := r.Intn(30); n > 0; n-- {
				b.WriteString(pieces[r.Intn(len(pieces))])
			}
			tl.Events[i].Mentions[k].Text = b.String()
		}
	}
	tl.Events = append(tl.Events, timeline.Event{ID: "no-mentions"})
	s, err := newSite(tl, Config{Title: "T"})
	if err != nil {
		t.Fatal(err)
	}
	for _, list := range [][]int32{nil, {}, {0, 5, 7, 2999, 3000}} {
		var want, got bytes.Buffer
		if err := writeSearchByEncoder(s, &want, list); err != nil {
			t.Fatal(err)
		}
		if err := s.writeSearch(&got, list); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got.Bytes(), want.Bytes()) {
			i := 0
			for i < min(got.Len(), want.Len()) && got.Bytes()[i] == want.Bytes()[i] {
				i++
			}
			t.Fatalf("list %v: %d bytes, encoding/json's %d; first difference at %d:\n got %.80q\nwant %.80q",
				list, got.Len(), want.Len(), i, got.Bytes()[i:], want.Bytes()[i:])
		}
	}
}
