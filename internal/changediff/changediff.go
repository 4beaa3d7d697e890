// Package changediff is the reference for timeline.Changes in tests: the
// plain diff of two whole timelines, against which the incremental merge's
// own report and the plans that trust it are checked. It is too slow for a
// build (it compares every event), which is why builds do not use it.
package changediff

import (
	"reflect"
	"slices"

	"github.com/newsline/timeline/timeline"
)

// Between returns what changed from prev to next: an event of next is
// changed when prev has no event with its ID or one that differs in any
// field; an ID of prev that next lacks is removed.
func Between(prev, next timeline.Timeline) timeline.Changes {
	old := make(map[string]*timeline.Event, len(prev.Events))
	for i := range prev.Events {
		old[prev.Events[i].ID] = &prev.Events[i]
	}
	ch := timeline.Changes{Known: true}
	for i := range next.Events {
		ev := &next.Events[i]
		if o, ok := old[ev.ID]; !ok || !reflect.DeepEqual(*o, *ev) {
			ch.Changed = append(ch.Changed, ev.ID)
		}
		delete(old, ev.ID)
	}
	for id := range old {
		ch.Removed = append(ch.Removed, id)
	}
	slices.Sort(ch.Changed)
	slices.Sort(ch.Removed)
	return ch
}
