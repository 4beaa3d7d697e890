package overrides

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/newsline/timeline/timeline"
	"github.com/newsline/timeline/timeline/merge"
)

// Apply applies the entries to tl from top to bottom (a later entry sees the
// result of the earlier ones) and re-sorts the events. It does no I/O and
// depends on nothing but tl and the file, so it runs on every build. An entry
// that matches nothing, or cannot be applied, is skipped and reported as an
// *Error naming the file, the entry's line and the entry; the others still apply.
func (f *File) Apply(tl *timeline.Timeline) []error {
	_, errs := f.ApplyTracked(tl)
	return errs
}

// ApplyTracked is Apply that also returns, sorted and without repeats, the IDs
// of the events the entries touched: changed, hidden, added, or merged (the
// event kept and those folded into it). An incremental build counts them as
// changed, since the merge that reports what changed runs before overrides.
func (f *File) ApplyTracked(tl *timeline.Timeline) (touched []string, errs []error) {
	// Edit a copy of the event list: a caller may still hold the merged
	// timeline (say, to compare builds), and it must not change under it.
	tl.Events = slices.Clone(tl.Events)
	for _, e := range f.Entries {
		ids, err := apply(e, tl)
		touched = append(touched, ids...)
		if err != nil {
			errs = append(errs, &Error{f.Path, e.Line, fmt.Errorf("override %s: %w", describe(e), err)})
		}
	}
	merge.SortEvents(tl.Events)
	slices.Sort(touched)
	return slices.Compact(touched), errs
}

// apply applies one entry and returns the IDs of the events it touched.
func apply(e Entry, tl *timeline.Timeline) ([]string, error) {
	switch {
	case e.Add != nil:
		id, err := add(*e.Add, tl)
		if err != nil {
			return nil, err
		}
		return []string{id}, nil
	case e.Merge != nil:
		i, err := mergeEvents(e.Merge, tl)
		if err != nil {
			return nil, err
		}
		return e.Merge, change(e, &tl.Events[i])
	}
	i, err := find(e, tl.Events)
	if err != nil {
		return nil, err
	}
	touched := []string{tl.Events[i].ID}
	if e.Hide {
		tl.Events = slices.Delete(tl.Events, i, i+1)
		return touched, nil
	}
	return touched, change(e, &tl.Events[i])
}

// find returns the index of the one event the entry selects.
func find(e Entry, events []timeline.Event) (int, error) {
	if e.ID != "" {
		for i, ev := range events {
			if ev.ID == e.ID {
				return i, nil
			}
		}
		return 0, fmt.Errorf("matches no event (no event has ID %q)", e.ID)
	}
	want := strings.ToLower(e.Match)
	var hits []int
	for i, ev := range events {
		if strings.Contains(strings.ToLower(ev.Title), want) && (e.On == nil || e.On.Contains(ev.Start)) {
			hits = append(hits, i)
		}
	}
	if len(hits) > 1 && e.On != nil {
		hits = exactly(hits, events, e.On.Value)
	}
	switch len(hits) {
	case 0:
		return 0, fmt.Errorf("matches no event")
	case 1:
		return hits[0], nil
	}
	var ids []string
	for _, i := range hits {
		ids = append(ids, events[i].ID+" ("+events[i].Start.Value+")")
	}
	return 0, fmt.Errorf("matches %d events: %s; narrow it with `on:` or select by `id:`", len(hits), strings.Join(ids, ", "))
}

// exactly narrows hits to the one event dated exactly value ("on: 2020" picks
// the event dated 2020 over one dated 2020-09-27), if there is exactly one.
func exactly(hits []int, events []timeline.Event, value string) []int {
	var exact []int
	for _, i := range hits {
		if events[i].Start.Value == value {
			exact = append(exact, i)
		}
	}
	if len(exact) == 1 {
		return exact
	}
	return hits
}

// change applies date, end and title changes to one event.
func change(e Entry, ev *timeline.Event) error {
	if e.Date != nil {
		ev.Start = *e.Date
		ev.End = nil // a pinned date replaces the whole span unless `end` is given too
	}
	if e.End != nil {
		if e.End.Start.Before(ev.Start.Start) {
			return fmt.Errorf("end %s is before the event's date %s", e.End.Value, ev.Start.Value)
		}
		end := *e.End
		ev.End = &end
	}
	if e.Title != "" {
		ev.Title = e.Title
	}
	return nil
}

// mergeEvents folds the listed events into the first and returns its index.
func mergeEvents(ids []string, tl *timeline.Timeline) (int, error) {
	index := map[string]int{}
	for i, ev := range tl.Events {
		index[ev.ID] = i
	}
	var missing []string
	for _, id := range ids {
		if _, ok := index[id]; !ok {
			missing = append(missing, strconv.Quote(id))
		}
	}
	if len(missing) > 0 {
		return 0, fmt.Errorf("matches no event for %s", strings.Join(missing, ", "))
	}
	var others []timeline.Event
	drop := map[int]bool{}
	for _, id := range ids[1:] {
		others = append(others, tl.Events[index[id]])
		drop[index[id]] = true
	}
	first := merge.Union(tl.Events[index[ids[0]]], others...)
	kept := tl.Events[:0:0]
	at := 0
	for i, ev := range tl.Events {
		if drop[i] {
			continue
		}
		if ev.ID == first.ID {
			ev, at = first, len(kept)
		}
		kept = append(kept, ev)
	}
	tl.Events = kept
	return at, nil
}

// add appends a manual event and returns its ID; its source is an article
// slug of the build or a URL.
func add(m Manual, tl *timeline.Timeline) (string, error) {
	mention := timeline.Mention{Source: m.Source, Text: m.Text}
	if validSlug.MatchString(m.Source) {
		i := slices.IndexFunc(tl.Articles, func(a timeline.Article) bool { return a.Slug == m.Source })
		if i < 0 {
			return "", fmt.Errorf("source %q: no article has this slug", m.Source)
		}
		mention.Article, mention.Source = tl.Articles[i].Slug, tl.Articles[i].Path
	}
	used := map[string]bool{}
	for _, ev := range tl.Events {
		used[ev.ID] = true
	}
	id := m.ID
	if id != "" && used[id] {
		return "", fmt.Errorf("id %q is already used by another event", id)
	}
	if id == "" {
		id = freeID(merge.IDFor("manual\x00"+m.Source+"\x00"+m.Title), used)
	}
	ev := timeline.Event{ID: id, Title: m.Title, Start: m.Date, Manual: true, Mentions: []timeline.Mention{mention}}
	if m.End != nil {
		end := *m.End
		ev.End = &end
	}
	tl.Events = append(tl.Events, ev)
	return id, nil
}

// freeID returns base, or base-2, base-3... whichever is free first.
func freeID(base string, used map[string]bool) string {
	id := base
	for n := 2; used[id]; n++ {
		id = base + "-" + strconv.Itoa(n)
	}
	return id
}

// describe names an entry in error messages the way the editor wrote it.
func describe(e Entry) string {
	switch {
	case e.Add != nil:
		return fmt.Sprintf("add %q", e.Add.Title)
	case e.Merge != nil:
		return "merge [" + strings.Join(e.Merge, ", ") + "]"
	case e.ID != "":
		return "id " + e.ID
	}
	s := fmt.Sprintf("match %q", e.Match)
	if e.On != nil {
		s += " on " + e.On.Value
	}
	return s
}
