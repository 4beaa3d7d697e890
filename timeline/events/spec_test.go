package events_test

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/newsline/timeline/timeline"
	"github.com/newsline/timeline/timeline/events"
	"github.com/newsline/timeline/timeline/ingest"
	"github.com/newsline/timeline/timeline/merge"
)

// TestSpecs runs every testdata/NAME.md (or NAME.txt with NAME.yaml) through ingest, extraction and the
// merge, and checks the events against testdata/NAME.events (format in the
// header of kestria_envoy.events).
func TestSpecs(t *testing.T) {
	specs, _ := filepath.Glob("testdata/*.events")
	// testdata/rules holds short articles pinning one rule each; kept apart
	// so that the benchmarks' corpus (built from testdata/*.md) stays the same.
	rules, _ := filepath.Glob("testdata/rules/*.events")
	specs = append(specs, rules...)
	if len(specs) == 0 {
		t.Fatal("no testdata/*.events")
	}
	for _, spec := range specs {
		t.Run(strings.TrimPrefix(spec, "testdata/"), func(t *testing.T) {
			article := strings.TrimSuffix(spec, ".events") + ".md"
			if _, err := os.Stat(article); err != nil {
				article = strings.TrimSuffix(article, ".md") + ".txt" // raw text with a sidecar
			}
			tl := extractFile(t, article)
			checkSpec(t, spec, tl)
		})
	}
}

// extractFile ingests one file and returns its merged events.
func extractFile(t *testing.T, path string) timeline.Timeline {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	sidecar, _ := os.ReadFile(ingest.SidecarPath(path))
	if filepath.Ext(path) == ".md" {
		sidecar = nil
	}
	a, err := ingest.Parse(path, raw, sidecar, ingest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return merge.Merge([]timeline.Article{a}, [][]timeline.Event{events.Extract(a)})
}

func checkSpec(t *testing.T, spec string, tl timeline.Timeline) {
	t.Helper()
	f, err := os.Open(spec)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	pub := tl.Articles[0].Meta.Date
	allowedFuture := map[int]bool{}
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if err := checkLine(line, tl, allowedFuture); err != nil {
			t.Errorf("%s:%d: %s: %v", spec, n, line, err)
		}
	}
	for i, ev := range tl.Events {
		if !ev.Start.Start.Before(timeline.DateOf(pub).End) && !allowedFuture[i] {
			t.Errorf("%s: event after publication not in the spec: %s %q", spec, ev.Start.Value, ev.Title)
		}
	}
	if t.Failed() {
		for _, ev := range tl.Events {
			t.Logf("  %s %s lead=%v %q (%d mentions) %v", ev.Start.Value, endValue(ev), ev.Lead, ev.Title, len(ev.Mentions), ev.Entities)
		}
	}
}

func endValue(ev timeline.Event) string {
	if ev.End == nil {
		return ""
	}
	return ".." + ev.End.Value
}

func checkLine(line string, tl timeline.Timeline, future map[int]bool) error {
	head, text, _ := strings.Cut(line, "|")
	text = strings.ToLower(strings.TrimSpace(text))
	fields := strings.Fields(head)
	if len(fields) == 0 {
		return fmt.Errorf("empty check")
	}
	switch fields[0] {
	case "lead", "event", "mention":
		if len(fields) != 2 {
			return fmt.Errorf("want %s DATE | text", fields[0])
		}
		start, end, _ := strings.Cut(fields[1], "..")
		for i, ev := range tl.Events {
			if ev.Start.Value != start || endValue(ev) != strings.TrimPrefix(".."+end, "..") && end != "" && endValue(ev) != ".."+end {
				continue
			}
			if end == "" && ev.End != nil || end != "" && (ev.End == nil || ev.End.Value != end) {
				continue
			}
			if fields[0] == "lead" && !ev.Lead {
				continue
			}
			if fields[0] == "mention" {
				for _, m := range ev.Mentions {
					if strings.Contains(strings.ToLower(m.Text), text) {
						return nil
					}
				}
				continue
			}
			if strings.Contains(strings.ToLower(ev.Title), text) {
				future[i] = true
				return nil
			}
		}
		return fmt.Errorf("no such event")
	case "nomention":
		if len(fields) != 2 {
			return fmt.Errorf("want nomention DATE | text")
		}
		for _, ev := range tl.Events {
			if ev.Start.Value != fields[1] {
				continue
			}
			for _, m := range ev.Mentions {
				if strings.Contains(strings.ToLower(m.Text), text) {
					return fmt.Errorf("event %q has the mention %q", ev.Title, m.Text)
				}
			}
		}
		return nil
	case "none":
		for _, ev := range tl.Events {
			if !ev.Lead && strings.Contains(strings.ToLower(ev.Title), text) {
				return fmt.Errorf("unwanted event %s %q", ev.Start.Value, ev.Title)
			}
		}
		return nil
	case "count":
		if len(fields) != 3 {
			return fmt.Errorf("want count DATE N")
		}
		want, err := strconv.Atoi(fields[2])
		if err != nil {
			return err
		}
		got := 0
		for _, ev := range tl.Events {
			if ev.Start.Value == fields[1] {
				got++
			}
		}
		if got != want {
			return fmt.Errorf("%d events at %s", got, fields[1])
		}
		return nil
	case "entity":
		if len(fields) < 3 {
			return fmt.Errorf("want entity NAME KIND")
		}
		name := strings.Join(fields[1:len(fields)-1], " ")
		kind := timeline.EntityKind(fields[len(fields)-1])
		for _, ev := range tl.Events {
			for _, e := range ev.Entities {
				if e.Name == name && e.Kind == kind {
					return nil
				}
			}
		}
		return fmt.Errorf("no event names %s as %s", name, kind)
	}
	return fmt.Errorf("unknown check %q", fields[0])
}
