package site

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/spf13/afero"

	"github.com/newsline/timeline/timeline"
	"github.com/newsline/timeline/timeline/merge"
)

// stateInput makes n small articles whose events retell a few stories, so
// that events merge across articles.
func stateInput(n int) ([]timeline.Article, [][]timeline.Event, [][32]byte) {
	stories := []string{"Varnia harbour flood", "Quellmark bridge election", "Storvik port strike", "Osterholm arms deal"}
	var arts []timeline.Article
	var per [][]timeline.Event
	var keys [][32]byte
	for a := 0; a < n; a++ {
		slug := fmt.Sprintf("article-%03d", a)
		pub := time.Date(2024, 1, 1+a%28, 0, 0, 0, 0, time.UTC)
		arts = append(arts, timeline.Article{Slug: slug, Path: "content/" + slug + ".md", Meta: timeline.Meta{Date: pub}})
		var evs []timeline.Event
		for k := 0; k < 3; k++ {
			title := stories[(a+k)%len(stories)]
			d, _ := timeline.ParseDate(fmt.Sprintf("2023-0%d", 1+(a+k)%len(stories)))
			text := fmt.Sprintf("In %s the %s happened, officials said.", d.Value, title)
			evs = append(evs, timeline.Event{Title: title, Start: d, Mentions: []timeline.Mention{{Article: slug,
				Source: "content/" + slug + ".md", Sentence: timeline.Span{Start: 100 * k, End: 100*k + len(text)}, Text: text}}})
		}
		per = append(per, evs)
		keys = append(keys, sha256.Sum256([]byte(slug+"\x00"+fmt.Sprint(evs))))
	}
	return arts, per, keys
}

func mergeStateBuild(t *testing.T, fs afero.Fs, version string, arts []timeline.Article, per [][]timeline.Event, keys [][32]byte, noCache bool) (timeline.Changes, []string) {
	t.Helper()
	tl, ch, warnings := mergeWithState(fs, "cache", version, arts, func(i int) []timeline.Event { return per[i] }, keys, noCache, false)
	if want := merge.Merge(arts, per); !reflect.DeepEqual(tl, want) {
		t.Fatalf("timeline differs from merge.Merge's")
	}
	if ok, _ := afero.Exists(fs, filepath.Join("cache", mergeStateFile)); !ok {
		t.Fatalf("no merge state saved")
	}
	if ok, _ := afero.Exists(fs, filepath.Join("cache", mergeStateFile+".tmp")); ok {
		t.Fatalf("temporary state file left behind")
	}
	return ch, warnings
}

func TestMergeWithStateIncremental(t *testing.T) {
	fs := afero.NewMemMapFs()
	arts, per, keys := stateInput(12)
	if ch, w := mergeStateBuild(t, fs, "v1", arts[:11], per[:11], keys[:11], false); ch.Known || len(w) > 0 {
		t.Fatalf("first build: changes %+v, warnings %v; want unknown changes, no warnings", ch, w)
	}
	ch, w := mergeStateBuild(t, fs, "v1", arts, per, keys, false)
	if !ch.Known || len(ch.Changed) == 0 || len(w) > 0 {
		t.Fatalf("after adding an article: changes %+v, warnings %v; want known changes", ch, w)
	}
	ch, w = mergeStateBuild(t, fs, "v1", arts, per, keys, false)
	if !ch.Known || len(ch.Changed)+len(ch.Removed) != 0 || len(w) > 0 {
		t.Fatalf("unchanged input: changes %+v, warnings %v; want none", ch, w)
	}
}

func TestMergeWithStateFallsBack(t *testing.T) {
	arts, per, keys := stateInput(8)
	name := filepath.Join("cache", mergeStateFile)
	events := filepath.Join("cache", mergeEventsFile)
	for _, c := range []struct {
		name    string
		damage  func(fs afero.Fs) // after a first build
		version string
		noCache bool
		warns   bool
	}{
		{"missing", func(fs afero.Fs) { _ = fs.Remove(name) }, "v1", false, false},
		{"other version", nil, "v2", false, false},
		{"no cache", nil, "v1", true, false},
		{"foreign", func(fs afero.Fs) { _ = afero.WriteFile(fs, name, []byte("hello"), 0o644) }, "v1", false, true},
		{"truncated", func(fs afero.Fs) {
			b, _ := afero.ReadFile(fs, name)
			_ = afero.WriteFile(fs, name, b[:len(b)/2], 0o644)
		}, "v1", false, true},
		{"flipped byte", func(fs afero.Fs) {
			b, _ := afero.ReadFile(fs, name)
			b[len(b)-100] ^= 0x5a
			_ = afero.WriteFile(fs, name, b, 0o644)
		}, "v1", false, true},
		{"flipped byte before the events", func(fs afero.Fs) {
			b, _ := afero.ReadFile(fs, name)
			b[len(stateFileHeader("v1"))+40] ^= 0x5a // in the encoding's head, past the padded header
			_ = afero.WriteFile(fs, name, b, 0o644)
		}, "v1", false, true},
		{"events length damaged", func(fs afero.Fs) { // the tail says where the events start
			b, _ := afero.ReadFile(fs, name)
			b[len(b)-12] ^= 0x01
			_ = afero.WriteFile(fs, name, b, 0o644)
		}, "v1", false, true},
		{"events length huge", func(fs afero.Fs) {
			b, _ := afero.ReadFile(fs, name)
			b[len(b)-6] = 0xff
			_ = afero.WriteFile(fs, name, b, 0o644)
		}, "v1", false, true},
		{"events file missing", func(fs afero.Fs) { _ = fs.Remove(events) }, "v1", false, true},
		{"events file cut", func(fs afero.Fs) {
			b, _ := afero.ReadFile(fs, events)
			_ = afero.WriteFile(fs, events, b[:len(b)-1], 0o644)
		}, "v1", false, true},
		{"events file flipped byte", func(fs afero.Fs) {
			b, _ := afero.ReadFile(fs, events)
			b[len(b)/2] ^= 0x5a
			_ = afero.WriteFile(fs, events, b, 0o644)
		}, "v1", false, true},
		{"events file written anew by another state", func(fs afero.Fs) {
			// Another state's save (of other articles) wrote the events
			// file anew and died before renaming its state into place.
			b, _ := afero.ReadFile(fs, name)
			mergeStateBuild(t, fs, "v1", arts[:3], per[:3], keys[:3], true)
			_ = afero.WriteFile(fs, name, b, 0o644)
		}, "v1", false, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			fs := afero.NewMemMapFs()
			mergeStateBuild(t, fs, "v1", arts, per, keys, false)
			if c.damage != nil {
				c.damage(fs)
			}
			ch, w := mergeStateBuild(t, fs, c.version, arts, per, keys, c.noCache)
			if ch.Known {
				t.Errorf("changes known from a state that should not be used")
			}
			if c.warns != (len(w) > 0) {
				t.Errorf("warnings %v, want some: %v", w, c.warns)
			}
			for _, m := range w {
				if !strings.Contains(m, name) {
					t.Errorf("warning %q does not name the file", m)
				}
			}
			// The state saved now is sound again.
			if ch, w := mergeStateBuild(t, fs, c.version, arts, per, keys, false); !ch.Known || len(w) > 0 {
				t.Errorf("next build: changes known %v, warnings %v", ch.Known, w)
			}
		})
	}
}

// TestMergeWithStateUnwritable: a state that cannot be saved is a warning;
// the old one is gone, so the next build cannot take stale changes.
func TestMergeWithStateUnwritable(t *testing.T) {
	arts, per, keys := stateInput(6)
	base := afero.NewMemMapFs()
	mergeStateBuild(t, base, "v1", arts[:5], per[:5], keys[:5], false)
	fs := &failRename{Fs: base}
	tl, ch, w := mergeWithState(fs, "cache", "v1", arts, func(i int) []timeline.Event { return per[i] }, keys, false, false)
	if !reflect.DeepEqual(tl, merge.Merge(arts, per)) || !ch.Known || len(w) != 1 {
		t.Fatalf("changes known %v, warnings %v; want the timeline, known changes and one warning", ch.Known, w)
	}
	if ok, _ := afero.Exists(base, filepath.Join("cache", mergeStateFile)); ok {
		t.Fatalf("the previous state is still there after a failed save")
	}
	_, ch, _ = mergeWithState(base, "cache", "v1", arts, func(i int) []timeline.Event { return per[i] }, keys, false, false)
	if ch.Known {
		t.Fatalf("changes known after a failed save")
	}
}

// failRename is a file system whose renames fail.
type failRename struct{ afero.Fs }

func (f *failRename) Rename(string, string) error { return fmt.Errorf("rename refused") }

// TestMergeWithStateWriteFails: a write failing part-way through the state
// (a full disk) is a warning and leaves neither the temporary file nor a
// state behind.
func TestMergeWithStateWriteFails(t *testing.T) {
	arts, per, keys := stateInput(6)
	for _, failAt := range []int{1, 2} {
		base := afero.NewMemMapFs()
		mergeStateBuild(t, base, "v1", arts, per, keys, false)
		fs := &failFs{Fs: base, failAt: failAt}
		_, _, w := mergeWithState(fs, "cache", "v1", arts, func(i int) []timeline.Event { return per[i] }, keys, false, false)
		if len(w) != 1 || !strings.Contains(w[0], errDiskFull.Error()) {
			t.Errorf("write %d fails: warnings %v, want the failure", failAt, w)
		}
		for _, f := range []string{mergeStateFile, mergeStateFile + ".tmp"} {
			if ok, _ := afero.Exists(base, filepath.Join("cache", f)); ok {
				t.Errorf("write %d fails: %s left behind", failAt, f)
			}
		}
	}
}

// TestMergeStateAppendsItsEvents: a save after a small change appends the
// few encodings it changed to the events file (never changing the bytes
// already there, which a state read before points into) instead of writing
// every event again; bytes a killed save appended, which no state names, do
// not keep the state from being used, and the next save writes the events
// file anew; so does a save once most of the file is encodings no event
// names.
func TestMergeStateAppendsItsEvents(t *testing.T) {
	fs := afero.NewMemMapFs()
	arts, per, keys := stateInput(40)
	events := filepath.Join("cache", mergeEventsFile)
	mergeStateBuild(t, fs, "v1", arts[:39], per[:39], keys[:39], false)
	first, _ := afero.ReadFile(fs, events)
	ch, w := mergeStateBuild(t, fs, "v1", arts, per, keys, false)
	if !ch.Known || len(w) > 0 {
		t.Fatalf("after adding an article: changes known %v, warnings %v", ch.Known, w)
	}
	second, _ := afero.ReadFile(fs, events)
	if !bytes.HasPrefix(second, first) || len(second) == len(first) {
		t.Fatalf("events file %d -> %d bytes (prefix kept %v): want the changed events appended",
			len(first), len(second), bytes.HasPrefix(second, first))
	}
	if ch, w := mergeStateBuild(t, fs, "v1", arts, per, keys, false); !ch.Known || len(w) > 0 {
		t.Fatalf("unchanged: changes known %v, warnings %v", ch.Known, w)
	}
	if again, _ := afero.ReadFile(fs, events); !bytes.Equal(again, second) {
		t.Fatalf("events file %d -> %d bytes with nothing changed: want it as it was", len(second), len(again))
	}
	// Bytes of a save that died appending: the state names the bytes
	// before them, and is used.
	_ = afero.WriteFile(fs, events, append(second, "half an encoding"...), 0o644)
	ch, w = mergeStateBuild(t, fs, "v1", arts[:39], per[:39], keys[:39], false)
	if !ch.Known || len(w) > 0 {
		t.Fatalf("with bytes no state names after the events: changes known %v, warnings %v", ch.Known, w)
	}
	third, _ := afero.ReadFile(fs, events)
	if bytes.HasPrefix(third, second) || !bytes.HasPrefix(third, []byte(mergeEventsHeader)) {
		t.Fatal("the save after them did not write the events file anew")
	}
	// Removing and adding articles back and forth appends their events
	// each time, until the file is written anew.
	sizes := []int{len(third)}
	for k := 0; k < 40; k++ {
		n := 39 + k%2
		if ch, w := mergeStateBuild(t, fs, "v1", arts[:n], per[:n], keys[:n], false); !ch.Known || len(w) > 0 {
			t.Fatalf("round %d: changes known %v, warnings %v", k, ch.Known, w)
		}
		b, _ := afero.ReadFile(fs, events)
		sizes = append(sizes, len(b))
	}
	shrank := false
	for k := 1; k < len(sizes); k++ {
		shrank = shrank || sizes[k] < sizes[k-1]
	}
	if !shrank || slices.Max(sizes) > 2*(sizes[0]+1<<20) { // merge.SideSlack: 1 MB of garbage is always let be
		t.Fatalf("events file sizes %v: want appends, then a file written anew before it doubles (past 1 MB)", sizes)
	}
}

// TestMergeStateOfUnusableSlugs: articles the state cannot follow (a
// repeated slug) leave a state that keeps nothing, and with it no events
// file to name: the next build reads it without a warning and merges in
// full, as before the events file.
func TestMergeStateOfUnusableSlugs(t *testing.T) {
	fs := afero.NewMemMapFs()
	arts, per, keys := stateInput(5)
	arts[4].Slug = arts[3].Slug
	for build := 0; build < 3; build++ {
		if ch, w := mergeStateBuild(t, fs, "v1", arts, per, keys, false); ch.Known || len(w) > 0 {
			t.Fatalf("build %d: changes known %v, warnings %v; want unknown changes and no warning", build, ch.Known, w)
		}
	}
}
