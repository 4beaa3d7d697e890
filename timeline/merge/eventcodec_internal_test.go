package merge

import (
	"reflect"
	"testing"
	"time"

	"github.com/newsline/timeline/timeline"
)

// TestEventCodecFields: the codec writes every field of these types; a
// field added to the model must be added to eventcodec.go (and this count).
func TestEventCodecFields(t *testing.T) {
	for typ, want := range map[reflect.Type]int{
		reflect.TypeFor[timeline.Event]():   8,
		reflect.TypeFor[timeline.Date]():    4,
		reflect.TypeFor[timeline.Mention](): 6,
		reflect.TypeFor[timeline.Entity]():  2,
		reflect.TypeFor[timeline.Span]():    2,
	} {
		if got := typ.NumField(); got != want {
			t.Errorf("%s has %d fields, the state's event codec writes %d: update eventcodec.go", typ, got, want)
		}
	}
}

func codecSamples() []timeline.Event {
	d, _ := timeline.ParseDate("2024-06-12")
	end, _ := timeline.ParseDate("2024-W25")
	full := timeline.Event{ID: "abc", Title: "Flood in Varnia", Start: d, End: &end, Lead: true, Manual: true,
		Mentions: []timeline.Mention{
			{Article: "a", Source: "content/a.md", Sentence: timeline.Span{Start: 3, End: 90}, Text: "The flood.",
				Timex: &timeline.Span{Start: 10, End: 20}, TimexText: "12 June"},
			{Article: "a", Source: "seeds/a.txt", Sentence: timeline.Span{Start: -1, End: 1 << 40}, Text: ""},
			{Article: "b", Source: "seeds/a.txt", Text: "x"},
		},
		Entities: []timeline.Entity{{Name: "Varnia", Kind: timeline.Place}, {Name: "Ann", Kind: timeline.Person},
			{Name: "UN", Kind: timeline.Organisation}, {Name: "odd", Kind: "other"}, {Name: "", Kind: ""}},
	}
	empty := timeline.Event{ID: "e", Mentions: []timeline.Mention{}, Entities: []timeline.Entity{}}
	nanos := timeline.Event{ID: "n", Start: timeline.Date{Value: "X", Gran: timeline.GranTime,
		Start: time.Date(1, 1, 1, 0, 0, 0, 5, time.UTC), End: time.Date(9999, 12, 31, 23, 59, 59, 999999999, time.UTC)}}
	return []timeline.Event{full, empty, {ID: "zero"}, nanos}
}

// TestEventCodecRoundTrip: decoded events are deeply equal to the encoded
// ones (nil and empty lists, nil pointers, zero and nanosecond times).
func TestEventCodecRoundTrip(t *testing.T) {
	for _, ev := range codecSamples() {
		b, ok := appendEvent(nil, &ev)
		if !ok {
			t.Fatalf("%s: not encodable", ev.ID)
		}
		got := timeline.Event{ID: ev.ID}
		var r eventReader
		if err := r.event(string(b), &got); err != nil {
			t.Fatalf("%s: %v", ev.ID, err)
		}
		if !reflect.DeepEqual(got, ev) {
			t.Errorf("%s: decoded %+v, want %+v", ev.ID, got, ev)
		}
		for n := 0; n < len(b); n++ { // every truncation is refused, never a panic
			if err := r.event(string(b[:n]), &timeline.Event{}); err == nil {
				t.Errorf("%s: %d of %d bytes decoded without error", ev.ID, n, len(b))
			}
		}
	}
}

// TestEventCodecRefusesZonedTimes: a time decodeTime would not give back
// identical (another zone; the local zone, with a monotonic reading) makes
// the event unencodable.
func TestEventCodecRefusesZonedTimes(t *testing.T) {
	for name, tm := range map[string]time.Time{
		"zone":  time.Date(2024, 6, 12, 0, 0, 0, 0, time.FixedZone("X", 3600)),
		"local": time.Now(),
	} {
		ev := codecSamples()[0]
		end := *ev.End
		end.End = tm
		ev.End = &end
		if b, ok := appendEvent([]byte("x"), &ev); ok || string(b) != "x" {
			t.Errorf("%s: encoded an event with a time it cannot give back", name)
		}
	}
}
