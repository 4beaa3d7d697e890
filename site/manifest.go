package site

import (
	"bytes"
	"crypto/sha256"
	"encoding/gob"
	"encoding/hex"
	"fmt"
	"io"
	"path/filepath"
	"sort"
	"strings"

	"github.com/spf13/afero"
)

// manifest records what the published site holds (each page's Key), so the next
// build can leave pages whose Key did not change where they are.
//
// Why an unchanged page costs no file operation at all: the manifest is trusted
// only when the output folder carries the marker file (markerFile) whose content
// is this manifest's Digest, a hash of every (path, Key) it lists. The marker is
// written by the same swap or commit that publishes the pages, and the manifest
// is removed before any output change and saved only after it completed, so:
//   - a build killed between the two leaves no manifest: the next build renders
//     everything;
//   - an output replaced or rebuilt by anything else (another cache folder,
//     `rm -rf public`, a copy of another site) has no marker or another digest:
//     everything renders;
//   - another cache folder building the very same pages writes the same digest,
//     and then the output does hold what this manifest says.
//
// What it cannot see is a hand edit or deletion of single files inside the output
// (the previous per-page size check only saw some of those); --no-cache repairs it.
type manifest struct {
	Version string // tool version that wrote it
	Out     string // the output folder it describes
	Digest  string // hash of Pages, also the content of the output's marker file
	Pages   map[string]string
	sorted  []string // Pages' paths in order, set by seal
}

// markerFile is the output file naming the manifest that describes the output.
const markerFile = ".timeline-manifest"

// manifestFormat is bumped when the encoding below changes.
const manifestFormat = "timeline-manifest-2"

// manifestFile is the on-disk form: sorted parallel slices decode far faster
// than a JSON map of 30,000 entries.
type manifestFile struct {
	Format, Version, Out, Digest string
	Paths, Keys                  []string
}

func manifestPath(cacheDir string) string { return filepath.Join(cacheDir, "manifest.gob") }

func emptyManifest(opts Options) manifest {
	return manifest{Version: opts.Version, Out: filepath.Clean(opts.OutDir), Pages: map[string]string{}}
}

// loadManifest returns the previous manifest when it describes this output folder
// as it is now, built by this tool version; otherwise an empty one (everything
// renders).
func loadManifest(fs afero.Fs, opts Options) manifest {
	empty := emptyManifest(opts)
	if opts.NoCache {
		return empty
	}
	data, err := afero.ReadFile(fs, manifestPath(opts.CacheDir))
	if err != nil {
		return empty
	}
	var f manifestFile
	if gob.NewDecoder(bytes.NewReader(data)).Decode(&f) != nil || f.Format != manifestFormat ||
		f.Version != empty.Version || f.Out != empty.Out || len(f.Paths) != len(f.Keys) || len(f.Paths) == 0 {
		return empty
	}
	marker, err := afero.ReadFile(fs, filepath.Join(opts.OutDir, markerFile))
	if err != nil || string(marker) != f.Digest {
		return empty
	}
	m := manifest{Version: f.Version, Out: f.Out, Digest: f.Digest, Pages: make(map[string]string, len(f.Paths))}
	for i, p := range f.Paths {
		m.Pages[p] = f.Keys[i]
	}
	return m
}

// seal computes the manifest's Digest from its pages.
func (m *manifest) seal() {
	paths := m.sortedPaths()
	m.sorted = paths
	h := sha256.New()
	for _, p := range paths {
		// Paths hold no NUL (checkPagePath), so the encoding is unambiguous.
		io.WriteString(h, p)
		io.WriteString(h, "\x00"+m.Pages[p]+"\x00")
	}
	m.Digest = manifestFormat + " " + hex.EncodeToString(h.Sum(nil))
}

func (m manifest) sortedPaths() []string {
	paths := make([]string, 0, len(m.Pages))
	for p := range m.Pages {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	return paths
}

// writeMarker writes the marker file for m into the folder about to be published.
func writeMarker(fs afero.Fs, dir string, m manifest) error {
	if err := afero.WriteFile(fs, filepath.Join(dir, markerFile), []byte(m.Digest), 0o644); err != nil {
		return fmt.Errorf("writing the output marker: %w", err)
	}
	return nil
}

func saveManifest(fs afero.Fs, cacheDir string, m manifest) error {
	f := manifestFile{Format: manifestFormat, Version: m.Version, Out: m.Out, Digest: m.Digest}
	f.Paths = m.sorted
	if len(f.Paths) != len(m.Pages) {
		f.Paths = m.sortedPaths()
	}
	f.Keys = make([]string, len(f.Paths))
	for i, p := range f.Paths {
		f.Keys[i] = m.Pages[p]
	}
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(f); err != nil {
		return err
	}
	if err := fs.MkdirAll(cacheDir, 0o755); err != nil {
		return err
	}
	tmp := manifestPath(cacheDir) + ".tmp"
	if err := afero.WriteFile(fs, tmp, buf.Bytes(), 0o644); err != nil {
		return err
	}
	return fs.Rename(tmp, manifestPath(cacheDir))
}

// forgetManifest removes the manifest before the output changes: if the build is
// killed between the swap and the new manifest, the next build renders everything
// rather than trusting a stale record. The manifest.json of older versions goes too.
func forgetManifest(fs afero.Fs, cacheDir string) error {
	for _, name := range []string{manifestPath(cacheDir), filepath.Join(cacheDir, "manifest.json")} {
		if err := fs.Remove(name); err != nil {
			if ok, _ := afero.Exists(fs, name); ok {
				return err
			}
		}
	}
	return nil
}

// isReservedPath reports whether a page path would overwrite the marker file.
func isReservedPath(p string) bool { return strings.EqualFold(p, markerFile) }
