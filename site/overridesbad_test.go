package site

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/spf13/afero"

	"github.com/newsline/timeline/timeline"
	"github.com/newsline/timeline/timeline/overrides"
)

// An overrides file with two bad entries among good ones: each problem is
// one error of the build (one line, counted once in "N error(s)"), and the
// good entries still apply, as the shipped overrides.yaml promises ("stops
// nothing else"). With --keep-going the published site keeps the editor's
// corrections; without it, nothing is published anyway, but the same run
// also reports what the good entries ran into (here: an ID that matches no
// event), instead of one problem per run.
func TestBadOverrideEntriesStopNothingElse(t *testing.T) {
	fs := afero.NewMemMapFs()
	writeFiles(t, fs, map[string]string{"content/overrides.yaml": "" +
		"- id: aaaa000001\n  date: 2020-13\n" + // line 1: bad date
		"- id: aaaa000002\n  hide: true\n" + // line 3: good
		"- id: aaaa000003\n  colour: red\n" + // line 5: unknown key
		"- id: nosuchevent\n  hide: true\n" + // line 7: parses, matches nothing
		"- id: aaaa000003\n  title: Harbour bridge in Storvik reopens\n", // line 9: good
	})
	day := func(d int) timeline.Date {
		return timeline.Date{Value: "2024-06-0" + string(rune('0'+d)), Gran: timeline.GranDay,
			Start: time.Date(2024, 6, d, 0, 0, 0, 0, time.UTC), End: time.Date(2024, 6, d+1, 0, 0, 0, 0, time.UTC)}
	}
	tl := timeline.Timeline{Events: []timeline.Event{
		{ID: "aaaa000001", Title: "Storvik flood", Start: day(1)},
		{ID: "aaaa000002", Title: "Osterholm council meets", Start: day(2)},
		{ID: "aaaa000003", Title: "Harbour bridge reopens", Start: day(3)},
	}}
	got := trackOverrides(fs, "content", &tl)
	var lines []string
	for _, err := range got.errs {
		var oe *overrides.Error
		if !errors.As(err, &oe) || strings.Contains(err.Error(), "\n") {
			t.Errorf("error %q is not one *overrides.Error on one line", err)
		}
		lines = append(lines, err.Error())
	}
	want := []string{"content/overrides.yaml:2:", "content/overrides.yaml:6:", "content/overrides.yaml:7:"}
	if len(lines) != len(want) {
		t.Fatalf("errors:\n%s\nwant one each at %v", strings.Join(lines, "\n"), want)
	}
	for i, w := range want {
		if !strings.HasPrefix(lines[i], w) {
			t.Errorf("error %d = %q, want it at %s", i, lines[i], w)
		}
	}
	var titles []string
	for _, ev := range tl.Events {
		titles = append(titles, ev.ID+" "+ev.Title)
	}
	if w := "aaaa000001 Storvik flood|aaaa000003 Harbour bridge in Storvik reopens"; strings.Join(titles, "|") != w {
		t.Errorf("events after the overrides: %q, want %q (the good entries applied)", strings.Join(titles, "|"), w)
	}
}
