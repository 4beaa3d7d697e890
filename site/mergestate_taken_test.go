package site

import (
	"path/filepath"
	"reflect"
	"testing"

	"github.com/spf13/afero"

	"github.com/newsline/timeline/timeline"
	"github.com/newsline/timeline/timeline/merge"
)

// TestTakenStateIsNeverUsed: a build killed after taking the state file
// (renamed aside, takeStateFile) and before saving its own leaves no state:
// the next build merges in full (changes not known), exactly, and its save
// removes the taken file; a build that ends removes the file it took.
func TestTakenStateIsNeverUsed(t *testing.T) {
	fs := afero.NewMemMapFs()
	arts, per, keys := stateInput(8)
	name := filepath.Join("cache", mergeStateFile)
	taken := name + takenSuffix
	mergeStateBuild(t, fs, "v1", arts[:7], per[:7], keys[:7], false)
	if ok, _ := afero.Exists(fs, taken); ok {
		t.Fatal("a finished build left the state file it took")
	}
	// The killed build: it took the state, merged, and died before saving.
	if st, warn := takeMergeState(fs, name, "v1", false, false); st == nil || warn != "" {
		t.Fatalf("taking the saved state: %v %q", st, warn)
	}
	if ok, _ := afero.Exists(fs, taken); !ok {
		t.Fatal("the state file was not moved aside")
	}
	if ok, _ := afero.Exists(fs, name); ok {
		t.Fatal("a taken state is still where the next build reads it")
	}
	tl, ch, w := mergeWithState(fs, "cache", "v1", arts, func(i int) []timeline.Event { return per[i] }, keys, false, false)
	if !reflect.DeepEqual(tl, merge.Merge(arts, per)) || ch.Known || len(w) != 0 {
		t.Fatalf("after a killed build: changes known %v, warnings %v; want Merge's timeline, unknown changes, no warning", ch.Known, w)
	}
	if ok, _ := afero.Exists(fs, taken); ok {
		t.Fatal("the next build's save left the taken file")
	}
	if ch, _ := mergeStateBuild(t, fs, "v1", arts, per, keys, false); !ch.Known {
		t.Fatal("the build after it did not use the saved state")
	}
}
