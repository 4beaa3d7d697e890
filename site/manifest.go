package site

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/crc32"
	"path/filepath"
	"strings"
	"unsafe"

	"github.com/spf13/afero"
	"github.com/zeebo/xxh3"
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
	Digest  string // hash of the pages, also the content of the output's marker file
	// The pages, in the order the Digest hashes them and the file lists
	// them (a build's plan order, which the same pages always have): paths[i]
	// has the Key keys[i]. Two slices and an index of int32 slots, not a map
	// of 127,000 strings to strings: building and filling that map for the
	// previous and the next manifest were most of an incremental build's
	// "clean" and "swap" allocations.
	paths []string
	keys  []string
	index pathIndex // positions of paths, for lookups (decodeManifest builds it)
}

// add appends a page.
func (m *manifest) add(path, key string) {
	m.paths = append(m.paths, path)
	m.keys = append(m.keys, key)
}

// size is the number of pages.
func (m *manifest) size() int { return len(m.paths) }

// lookup returns the position of path, or -1.
func (m *manifest) lookup(path string) int { return m.index.find(m.paths, path) }

// pathIndex finds a path's position: open addressing over XXH3 hashes of
// the paths, at most half full.
type pathIndex struct {
	slots []int32 // position + 1; 0 is empty
}

func newPathIndex(paths []string) pathIndex {
	size := 16
	for size < 2*len(paths) {
		size *= 2
	}
	x := pathIndex{slots: make([]int32, size)}
	mask := uint64(size - 1)
	for i, p := range paths {
		j := xxh3.HashString(p) & mask
		for x.slots[j] != 0 {
			j = (j + 1) & mask
		}
		x.slots[j] = int32(i + 1)
	}
	return x
}

func (x pathIndex) find(paths []string, path string) int {
	if len(x.slots) == 0 {
		return -1
	}
	mask := uint64(len(x.slots) - 1)
	for j := xxh3.HashString(path) & mask; x.slots[j] != 0; j = (j + 1) & mask {
		if i := int(x.slots[j] - 1); paths[i] == path {
			return i
		}
	}
	return -1
}

// markerFile is the output file naming the manifest that describes the output.
const markerFile = ".timeline-manifest"

// manifestFormat is bumped when the encoding below changes.
const manifestFormat = "timeline-manifest-3"

// The on-disk form is manifestFormat and a newline, then uvarint-length
// strings: version, output folder, digest, the page count, and each page's
// path and Key in path order; then a CRC-32 of all that. The decoded strings
// share the file's memory: decoding 127,000 pages from gob allocated two
// strings each and was most of an incremental build's "clean" stage.
func manifestPath(cacheDir string) string { return filepath.Join(cacheDir, "manifest.bin") }

func emptyManifest(opts Options) manifest {
	return manifest{Version: opts.Version, Out: filepath.Clean(opts.OutDir)}
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
	m, err := decodeManifest(data)
	if err != nil || m.Version != empty.Version || m.Out != empty.Out || m.size() == 0 {
		return empty
	}
	marker, err := afero.ReadFile(fs, filepath.Join(opts.OutDir, markerFile))
	if err != nil || string(marker) != m.Digest {
		return empty
	}
	return m
}

var errBadManifest = errors.New("not a readable page manifest")

func encodeManifest(m manifest) []byte {
	buf := make([]byte, 0, 64+len(m.paths)*64)
	buf = append(buf, manifestFormat+"\n"...)
	for _, s := range []string{m.Version, m.Out, m.Digest} {
		buf = appendString(buf, s)
	}
	buf = binary.AppendUvarint(buf, uint64(len(m.paths)))
	for i, p := range m.paths {
		buf = appendString(appendString(buf, p), m.keys[i])
	}
	return binary.LittleEndian.AppendUint32(buf, crc32.ChecksumIEEE(buf))
}

func appendString(buf []byte, s string) []byte {
	return append(binary.AppendUvarint(buf, uint64(len(s))), s...)
}

// decodeManifest reads encodeManifest's form. Nothing writes to data
// afterwards, so its strings may share data's memory.
func decodeManifest(data []byte) (manifest, error) {
	head := manifestFormat + "\n"
	if len(data) < len(head)+4 || string(data[:len(head)]) != head {
		return manifest{}, errBadManifest
	}
	body := data[:len(data)-4]
	if crc32.ChecksumIEEE(body) != binary.LittleEndian.Uint32(data[len(body):]) {
		return manifest{}, errBadManifest
	}
	text := unsafe.String(unsafe.SliceData(body), len(body))
	pos := len(head)
	bad := false
	next := func() string {
		n, w := binary.Uvarint(body[pos:])
		if w <= 0 || n > uint64(len(body)-pos-w) {
			bad, pos = true, len(body)
			return ""
		}
		start := pos + w
		pos = start + int(n)
		return text[start:pos]
	}
	var m manifest
	m.Version, m.Out, m.Digest = next(), next(), next()
	count, w := binary.Uvarint(body[pos:])
	if w <= 0 || count > uint64(len(body)) {
		return manifest{}, errBadManifest
	}
	pos += w
	m.paths, m.keys = make([]string, 0, count), make([]string, 0, count)
	for i := uint64(0); i < count && !bad; i++ {
		p := next()
		m.add(p, next())
	}
	if bad || pos != len(body) || m.size() != int(count) {
		return manifest{}, errBadManifest
	}
	m.index = newPathIndex(m.paths)
	for i, p := range m.paths {
		if m.lookup(p) != i {
			return manifest{}, errBadManifest // a path listed twice
		}
	}
	return m, nil
}

// seal computes the manifest's Digest from its pages, in their order (a
// build's plan order, which the same pages always have).
func (m *manifest) seal() {
	h := sha256.New()
	buf := make([]byte, 0, 64<<10)
	for i, p := range m.paths {
		// Paths hold no NUL (checkPagePath), so the encoding is unambiguous.
		buf = append(append(append(append(buf, p...), 0), m.keys[i]...), 0)
		if len(buf) > 60<<10 {
			h.Write(buf)
			buf = buf[:0]
		}
	}
	h.Write(buf)
	m.Digest = manifestFormat + " " + hex.EncodeToString(h.Sum(nil))
}

// writeMarker writes the marker file for m into the folder about to be published.
func writeMarker(fs afero.Fs, dir string, m manifest) error {
	if err := afero.WriteFile(fs, filepath.Join(dir, markerFile), []byte(m.Digest), 0o644); err != nil {
		return fmt.Errorf("writing the output marker: %w", err)
	}
	return nil
}

func saveManifest(fs afero.Fs, cacheDir string, m manifest) error {
	if err := fs.MkdirAll(cacheDir, 0o755); err != nil {
		return err
	}
	tmp := manifestPath(cacheDir) + ".tmp"
	if err := afero.WriteFile(fs, tmp, encodeManifest(m), 0o644); err != nil {
		return err
	}
	return fs.Rename(tmp, manifestPath(cacheDir))
}

// forgetManifest removes the manifest before the output changes: if the build is
// killed between the swap and the new manifest, the next build renders everything
// rather than trusting a stale record. The manifest.json and manifest.gob of
// older versions go too.
func forgetManifest(fs afero.Fs, cacheDir string) error {
	for _, name := range []string{manifestPath(cacheDir), filepath.Join(cacheDir, "manifest.json"), filepath.Join(cacheDir, "manifest.gob")} {
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
