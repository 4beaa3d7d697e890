package site

import (
	"reflect"
	"testing"

	"github.com/spf13/afero"
)

// demoFs reads the repository's content/ and seeds/ and keeps every write in memory.
func demoFs(t *testing.T) afero.Fs {
	t.Helper()
	repo := afero.NewReadOnlyFs(afero.NewBasePathFs(afero.NewOsFs(), ".."))
	if ok, _ := afero.DirExists(repo, "content"); !ok {
		t.Skip("the repository's content/ is absent")
	}
	return afero.NewCopyOnWriteFs(repo, afero.NewMemMapFs())
}

// The real pipeline on the demo site: a warm rebuild extracts and renders
// nothing, and its output is byte-identical to a build without caches (the
// cached events survive their JSON round trip unchanged).
func TestDemoSiteWarmRebuildMatchesAFullBuild(t *testing.T) {
	fs := demoFs(t)
	// Output and cache names the repository does not have: a `make site` output
	// in the read-only layer could not be swapped.
	opts := Options{Version: "demo-test", OutDir: "site-test-public", CacheDir: "site-test-cache"}
	first, err := Build(fs, opts)
	if err != nil {
		t.Fatal(err)
	}
	if first.Articles < 2 || first.Events == 0 || first.Pages < 10 || first.Extracted != first.Articles {
		t.Fatalf("first build: %s", first)
	}
	fullSite := tree(t, fs, opts.OutDir)

	warm, err := Build(fs, opts)
	if err != nil {
		t.Fatal(err)
	}
	if warm.Extracted != 0 || warm.CacheHits != first.Articles || warm.Rendered != 0 || warm.Reused != first.Pages {
		t.Errorf("warm rebuild: %s (extracted %d, cache hits %d)", warm, warm.Extracted, warm.CacheHits)
	}
	if got := tree(t, fs, opts.OutDir); !reflect.DeepEqual(got, fullSite) {
		t.Error("warm rebuild differs from the full build")
	}

	// Render everything again from cached events only (manifest gone).
	if err := fs.Remove(manifestPath(opts.CacheDir)); err != nil {
		t.Fatal(err)
	}
	cached, err := Build(fs, opts)
	if err != nil {
		t.Fatal(err)
	}
	if cached.Extracted != 0 || cached.Rendered != first.Pages {
		t.Errorf("render from cache: %s", cached)
	}
	if got := tree(t, fs, opts.OutDir); !reflect.DeepEqual(got, fullSite) {
		for name, body := range got {
			if fullSite[name] != body {
				t.Errorf("%s differs when rendered from cached events", name)
			}
		}
	}
}
