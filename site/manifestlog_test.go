package site

import (
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/spf13/afero"
)

// liveManifest is m's pages without the ones a delta removed, sealed
// afresh: what a full build of the same pages records.
func liveManifest(m manifest) manifest {
	out := manifest{Version: m.Version, Out: m.Out}
	for _, pg := range manifestPairs(m) {
		if pg.path != "" {
			out.add(pg.path, pg.key)
		}
	}
	out.seal()
	return out
}

func pageMap(m manifest) map[string]string {
	out := map[string]string{}
	for _, pg := range manifestPairs(m) {
		if pg.path != "" {
			out[pg.path] = pg.key
		}
	}
	return out
}

// randomDelta changes, adds and removes a few of m's pages.
func randomDelta(rng *rand.Rand, m manifest, step int) manifestDelta {
	d := manifestDelta{Before: m.Digest}
	gone := map[string]bool{}
	for _, pg := range manifestPairs(m) {
		p := pg.path
		if p == "" {
			continue
		}
		switch rng.Intn(20) {
		case 0:
			d.set(p, fmt.Sprintf("k%d-%d", step, rng.Intn(1000)))
		case 1:
			gone[p] = true
		}
	}
	for i := 0; i < rng.Intn(4); i++ {
		d.set(fmt.Sprintf("events/n%d-%d/index.html", step, i), fmt.Sprintf("k%d", rng.Intn(1000)))
	}
	for p := range gone {
		d.deleted = append(d.deleted, p)
	}
	sort.Strings(d.deleted)
	return d
}

// A delta's digest, computed without touching the manifest, is the digest
// applying it gives, and the digest a full seal of the resulting pages
// gives; the log written for a chain of deltas reads back to the same pages.
func TestManifestDeltaDigestEqualsAFullSeal(t *testing.T) {
	rng := rand.New(rand.NewSource(6))
	fs := afero.NewMemMapFs()
	m := manifest{Version: "v", Out: "public"}
	for i := 0; i < 200; i++ {
		m.add(fmt.Sprintf("events/e%d/index.html", i), fmt.Sprintf("k%d", i))
	}
	m.seal()
	var ok bool
	if m.index, ok = newPathIndex(&m); !ok {
		t.Fatal("index refused distinct paths")
	}
	mustDo(t, saveManifest(fs, "cache", m))
	for step := 0; step < 40; step++ {
		d := randomDelta(rng, m, step)
		mustDo(t, d.seal(&m))
		after := d.After
		mustDo(t, appendManifestLog(fs, "cache", &m, d))
		if m.Digest != after {
			t.Fatalf("step %d: applying gave %s, sealing %s", step, m.Digest, after)
		}
		if full := liveManifest(m); full.Digest != after {
			t.Fatalf("step %d: a full seal of the same pages gives %s, the delta %s", step, full.Digest, after)
		}
		read, ok := readManifest(fs, "cache")
		if !ok || read.Digest != m.Digest || fmt.Sprint(pageMap(read)) != fmt.Sprint(pageMap(m)) {
			t.Fatalf("step %d: read back %v (%d pages, digest %s), want %d pages, %s", step, ok, read.size(), read.Digest, m.size(), m.Digest)
		}
	}
}

// A log cut anywhere inside a record, with a flipped byte, or continuing a
// digest the full manifest does not have is refused whole; cut between
// records it is an earlier state, whose digest no longer matches the
// output's marker.
func TestManifestLogRefusesDamage(t *testing.T) {
	fs := afero.NewMemMapFs()
	m := manifest{Version: "v", Out: "public"}
	m.add("index.html", "k0")
	for i := 0; i < 100; i++ { // large enough that three records do not fold the log
		m.add(fmt.Sprintf("events/a%d/index.html", i), "k1")
	}
	m.seal()
	m.index, _ = newPathIndex(&m)
	mustDo(t, saveManifest(fs, "cache", m))
	digests := []string{m.Digest}
	for step := 0; step < 3; step++ {
		d := manifestDelta{Before: m.Digest}
		d.set(fmt.Sprintf("events/b%d/index.html", step), "k")
		d.set("index.html", fmt.Sprintf("k0-%d", step))
		mustDo(t, appendManifestLog(fs, "cache", &m, d))
		digests = append(digests, m.Digest)
	}
	data, err := afero.ReadFile(fs, manifestLogPath("cache"))
	mustDo(t, err)
	for n := 0; n < len(data); n++ {
		mustDo(t, afero.WriteFile(fs, manifestLogPath("cache"), data[:n], 0o644))
		got, ok := readManifest(fs, "cache")
		if ok && (got.Digest == m.Digest || !contains(digests, got.Digest)) {
			t.Errorf("a log cut to %d of %d bytes read as %q", n, len(data), got.Digest)
		}
	}
	for i := 0; i < len(data); i++ {
		bad := append([]byte(nil), data...)
		bad[i] ^= 0x20
		mustDo(t, afero.WriteFile(fs, manifestLogPath("cache"), bad, 0o644))
		if got, ok := readManifest(fs, "cache"); ok && got.Digest == m.Digest {
			t.Errorf("a log with byte %d flipped was read whole", i)
		}
	}
	// A full manifest written after the log (a build killed before removing
	// it): the log continues another digest.
	mustDo(t, afero.WriteFile(fs, manifestLogPath("cache"), data, 0o644))
	other := liveManifest(m)
	other.setKey(0, "changed")
	other.seal()
	mustDo(t, afero.WriteFile(fs, manifestPath("cache"), encodeManifest(other), 0o644))
	if _, ok := readManifest(fs, "cache"); ok {
		t.Error("a log continuing another manifest's digest was applied")
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// Incremental builds on the OS file system append to the log, fold it into
// the full manifest when it grows, reuse the unchanged pages whether the
// manifest is kept in memory or read back, and publish what a full build
// does; a manifest written by another process is read, not the kept one.
func TestInPlaceCommitsAppendToTheManifestLog(t *testing.T) {
	root := t.TempDir()
	fs := afero.NewOsFs()
	f := &fakePipeline{}
	opts := Options{Stages: f.stages(), Version: "v", SeedsDir: "-", Workers: 2,
		ContentDir: filepath.Join(root, "content"), OutDir: filepath.Join(root, "public"), CacheDir: filepath.Join(root, "cache")}
	files := map[string]string{}
	for i := 0; i < 120; i++ { // a manifest some records long before folding (foldShare)
		files[fmt.Sprintf("%s/a%03d.txt", opts.ContentDir, i)] = fmt.Sprintf("line %d\n", i)
	}
	writeFiles(t, fs, files)
	if _, err := Build(fs, opts); err != nil {
		t.Fatal(err)
	}
	logged, folded := false, false
	for step := 0; step < 40; step++ {
		if step%2 == 1 {
			keepManifest(fs, opts.CacheDir, nil) // as a new process: read the files
		}
		name := fmt.Sprintf("%s/a%03d.txt", opts.ContentDir, step)
		if step%7 == 3 {
			mustDo(t, fs.Remove(name))
		} else {
			writeFiles(t, fs, map[string]string{name: fmt.Sprintf("line %d, step %d\n", step, step)})
		}
		sum, err := Build(fs, opts)
		if err != nil {
			t.Fatal(err)
		}
		if sum.Reused < sum.Pages-3 {
			t.Fatalf("step %d: %s: the manifest was not trusted", step, sum)
		}
		if _, err := os.Stat(manifestLogPath(opts.CacheDir)); err == nil {
			logged = true
		} else if logged {
			folded = true
		}
		if step%5 == 4 {
			checkSameAsFullBuild(t, fs, opts, fmt.Sprintf("step %d", step))
		}
	}
	if !logged || !folded {
		t.Errorf("log written %v, folded into the manifest %v; want both", logged, folded)
	}
	// Another process's build: the files' stamps change, the kept manifest
	// is not taken.
	kept, _ := readManifest(fs, opts.CacheDir)
	keepManifest(fs, opts.CacheDir, &kept)
	other := liveManifest(kept)
	other.setKey(0, "another process")
	mustDo(t, saveManifest(fs, opts.CacheDir, other))
	if got, ok := readManifest(fs, opts.CacheDir); !ok || got.key(0) != "another process" {
		t.Errorf("after another process saved the manifest, read %v with first key %q", ok, got.key(0))
	}
}

// A commit a build of the previous version left (pages staged at their
// paths, no list of them in the journal) is still finished.
func TestRollForwardOfAStagedTreeWithoutAList(t *testing.T) {
	fs := afero.NewMemMapFs()
	writeFiles(t, fs, map[string]string{
		"public/index.html":                                   "old",
		"public/events/a/index.html":                          "old a",
		"public.commit-00000000000a/deleted":                  `["events/a/index.html"]`,
		"public.commit-00000000000a/site/index.html":          "new",
		"public.commit-00000000000a/site/events/b/index.html": "new b",
	})
	if _, err := cleanStale(fs, "public", 2); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"public/index.html": "new", "public/events/b/index.html": "new b"}
	if got := tree(t, fs, "public"); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("site = %v, want %v", got, want)
	}
	wantNoFolder(t, fs, "public.commit-00000000000a")
}

// A journal naming a file outside the staged folder or a page outside the
// output is refused before anything moves.
func TestRollForwardRefusesABadJournal(t *testing.T) {
	for _, entry := range []string{`{"n":"../x","p":"index.html"}`, `{"n":"p0","p":"../escape"}`, `{"n":"p0","p":"/abs"}`} {
		fs := afero.NewMemMapFs()
		writeFiles(t, fs, map[string]string{
			"public/index.html":                  "old",
			"public.commit-00000000000a/deleted": `[]`,
			"public.commit-00000000000a/written": "[" + entry + "]",
			"public.commit-00000000000a/site/p0": "new",
		})
		if _, err := cleanStale(fs, "public", 2); err == nil {
			t.Errorf("journal entry %s: accepted", entry)
		}
		if got := readFile(t, fs, "public/index.html"); got != "old" {
			t.Errorf("journal entry %s: index = %q", entry, got)
		}
	}
}
