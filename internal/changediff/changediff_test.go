package changediff

import (
	"reflect"
	"testing"

	"github.com/newsline/timeline/timeline"
)

func TestBetween(t *testing.T) {
	ev := func(id, title string) timeline.Event { return timeline.Event{ID: id, Title: title} }
	prev := timeline.Timeline{Events: []timeline.Event{ev("a", "A"), ev("b", "B"), ev("c", "C")}}
	next := timeline.Timeline{Events: []timeline.Event{ev("d", "D"), ev("a", "A"), ev("b", "B2")}}
	want := timeline.Changes{Known: true, Changed: []string{"b", "d"}, Removed: []string{"c"}}
	if got := Between(prev, next); !reflect.DeepEqual(got, want) {
		t.Errorf("Between = %+v, want %+v", got, want)
	}
	next.Events[1].Mentions = []timeline.Mention{{Article: "x"}}
	if got := Between(prev, next); !reflect.DeepEqual(got.Changed, []string{"a", "b", "d"}) {
		t.Errorf("a mention added is a change: %+v", got)
	}
}
