package site

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math/bits"
	"os"
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
// is this manifest's Digest, a hash of every (path, Key) it lists (chained
// through the deltas of in-place commits: manifestlog.go). The marker is
// written by the same swap or commit that publishes the pages, and the
// manifest is removed before a swap, and saved or extended by the delta only
// after the swap or commit completed (a commit a killed build left is
// finished by cleanStale before the manifest is read), so:
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
	// them (a build's plan order, which the same pages always have): page
	// i's path and Key are pair(i). A page read from manifest.bin is the
	// offset of its entry in the file's text (ents[i], high bit clear), not
	// two strings: the 127,000 pages of the 10k site were 4.4 MB of fresh
	// []string per read, 254,000 pointers for every collection to scan. A
	// page added or re-keyed since (deltas, a build's next manifest) is
	// entAdded and its index in added; a page a delta removed is
	// entRemoved, and its path and Key read "", which no page has
	// (checkPagePath).
	text  string
	ents  []uint32
	added []pagePair
	index pathIndex // positions of paths, for lookups (decodeManifest builds it)
	// dead counts the removed pages.
	dead int
}

// pagePair is a page's path and Key held as strings (manifest.added).
type pagePair struct{ path, key string }

const (
	entAdded   = uint32(1) << 31 // ents[i]&^entAdded indexes added
	entRemoved = ^uint32(0)
)

// n is the number of positions, removed pages included.
func (m *manifest) n() int { return len(m.ents) }

// pair returns page i's path and Key ("" and "" when removed).
func (m *manifest) pair(i int) (path, key string) {
	e := m.ents[i]
	if e&entAdded != 0 {
		if e == entRemoved {
			return "", ""
		}
		a := m.added[e&^entAdded]
		return a.path, a.key
	}
	// Lengths below 128 are one byte, as a page's path and Key have: read in
	// place (vetPages reads every page of the previous site).
	t, at := m.text, int(e)
	if n := int(t[at]); n < 0x80 {
		path, at = t[at+1:at+1+n], at+1+n
		if n := int(t[at]); n < 0x80 {
			return path, t[at+1 : at+1+n]
		}
	}
	r := fieldReader{text: m.text, pos: int(e)} // decodeManifest read it whole
	return r.str(), r.str()
}

// path returns page i's path ("" when removed).
func (m *manifest) path(i int) string {
	e := m.ents[i]
	if e&entAdded != 0 {
		if e == entRemoved {
			return ""
		}
		return m.added[e&^entAdded].path
	}
	r := fieldReader{text: m.text, pos: int(e)}
	return r.str()
}

// key returns page i's Key ("" when removed).
func (m *manifest) key(i int) string {
	_, k := m.pair(i)
	return k
}

// add appends a page.
func (m *manifest) add(path, key string) {
	m.ents = append(m.ents, entAdded|uint32(len(m.added)))
	m.added = append(m.added, pagePair{path, key})
}

// setKey gives page i the Key key.
func (m *manifest) setKey(i int, key string) {
	if e := m.ents[i]; e&entAdded != 0 && e != entRemoved {
		m.added[e&^entAdded].key = key
		return
	}
	path := m.path(i)
	m.ents[i] = entAdded | uint32(len(m.added))
	m.added = append(m.added, pagePair{path, key})
}

// remove removes page i (its position stays, reading "").
func (m *manifest) remove(i int) {
	m.ents[i] = entRemoved
	m.dead++
}

// size is the number of pages.
func (m *manifest) size() int { return len(m.ents) - m.dead }

// lookup returns the position of path, or -1.
func (m *manifest) lookup(path string) int { return m.index.find(m, path) }

// pathIndex finds a path's position: open addressing over XXH3 hashes of
// the paths, at most half full. A slot holds the position + 1 in its low 32
// bits (0 is empty) and the hash's high 32 bits above: a probe compares
// paths only when those match, so building the index of a manifest's
// 127,000 paths reads no path but the one inserted (was: int32 slots, and
// every occupied slot a probe passed compared its path, a random read of
// the path list and of the mapped file: ~10 ms of a fresh 10k build's
// early manifest read, a third of it in memeqbody).
type pathIndex struct {
	slots []uint64
}

// newPathIndex indexes m's paths, skipping removed ones (""); ok is false
// when a path is listed twice.
func newPathIndex(m *manifest) (x pathIndex, ok bool) {
	x = sizedPathIndex(m.n())
	for i := range m.n() {
		if p := m.path(i); p != "" && !x.insertPath(m, i, p) {
			return x, false
		}
	}
	return x, true
}

// sizedPathIndex is an empty index for n paths.
func sizedPathIndex(n int) pathIndex {
	size := 16
	for size < 2*n {
		size *= 2
	}
	return pathIndex{slots: make([]uint64, size)}
}

// slotTag is the part of a path's hash a slot keeps: the high 32 bits (the
// low ones pick the slot).
const slotTag = uint64(0xffffffff_00000000)

// insert adds m's page i, reporting false (and adding nothing) when another
// position holds the same path. The caller keeps the index at most half
// full (positions are below 2^31: ents).
func (x pathIndex) insert(m *manifest, i int) bool { return x.insertPath(m, i, m.path(i)) }

func (x pathIndex) insertPath(m *manifest, i int, path string) bool {
	mask := uint64(len(x.slots) - 1)
	h := xxh3.HashString(path)
	tag := h & slotTag
	j := h & mask
	for ; x.slots[j] != 0; j = (j + 1) & mask {
		if s := x.slots[j]; s&slotTag == tag && m.path(int(uint32(s)-1)) == path {
			return false
		}
	}
	x.slots[j] = tag | uint64(uint32(i+1))
	return true
}

func (x pathIndex) find(m *manifest, path string) int {
	if len(x.slots) == 0 {
		return -1
	}
	mask := uint64(len(x.slots) - 1)
	h := xxh3.HashString(path)
	tag := h & slotTag
	for j := h & mask; x.slots[j] != 0; j = (j + 1) & mask {
		if s := x.slots[j]; s&slotTag == tag {
			if i := int(uint32(s) - 1); m.path(i) == path {
				return i
			}
		}
	}
	return -1
}

// markerFile is the output file naming the manifest that describes the output.
const markerFile = ".timeline-manifest"

// manifestFormat is bumped when the encoding below changes.
const manifestFormat = "timeline-manifest-4"

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
	m, ok := readManifest(fs, opts.CacheDir)
	if !ok || m.Version != empty.Version || m.Out != empty.Out || m.size() == 0 {
		return empty
	}
	marker, err := afero.ReadFile(fs, filepath.Join(opts.OutDir, markerFile))
	if err != nil || string(marker) != m.Digest {
		return empty
	}
	return m
}

// earlyManifest is the previous manifest, read on a goroutine of its own
// beside a build's first stages (readManifestEarly): at 10,000 articles
// mapping manifest.bin, decoding and checking its 127,000 paths and indexing
// them took 20-30 ms of a fresh incremental build's "clean" stage, on one
// core, after the plan; the cache, load and merge stages before it leave the
// second core mostly idle (merge: about as much CPU as wall time).
type earlyManifest struct {
	done     chan struct{}
	m        manifest
	panicked bool
}

// readManifestEarly starts reading the previous manifest (loadManifest)
// beside the build. What it reads is used only if cleanStale then repairs
// nothing: finishing a killed build's commit, or putting back a previous
// site, may change the output's marker (builder.takeManifest).
func readManifestEarly(fs afero.Fs, opts Options) *earlyManifest {
	e := &earlyManifest{done: make(chan struct{})}
	go func() {
		defer close(e.done)
		defer func() {
			if recover() != nil {
				e.panicked = true // the build reads it again, and reports the panic then
			}
		}()
		e.m = loadManifest(fs, opts)
	}()
	return e
}

// takeManifest returns the previous manifest: the one read early, unless
// the output was repaired since (repaired) or none was read early, when it
// is read now.
func (b *builder) takeManifest(repaired bool) manifest {
	e := b.manifest
	b.manifest = nil
	if e != nil {
		<-e.done
		if !repaired && !e.panicked {
			return e.m
		}
	}
	return loadManifest(b.fs, b.opts)
}

// dropManifest waits for a manifest read early that the build did not
// take (it stopped before publishing), and keeps it for the process's next
// build, as if it had not been read: reading it took the one kept
// (takeKeptManifest), and decoding it again from the file would map the
// file again.
func (b *builder) dropManifest() {
	e := b.manifest
	if e == nil {
		return
	}
	b.manifest = nil
	<-e.done
	if !e.panicked && e.m.size() > 0 {
		keepManifest(b.fs, b.opts.CacheDir, &e.m)
	}
}

// readManifest returns the manifest the cache folder holds: the one this
// process kept, or manifest.bin with its log applied (manifestlog.go).
func readManifest(fs afero.Fs, cacheDir string) (manifest, bool) {
	if kept := takeKeptManifest(fs, cacheDir); kept != nil {
		return *kept, true
	}
	data, mapping, err := readManifestFile(fs, manifestPath(cacheDir))
	if err != nil {
		return manifest{}, false
	}
	m, err := decodeManifest(data)
	if err != nil {
		unmapSection(mapping) // nothing points into it
		return manifest{}, false
	}
	log, err := afero.ReadFile(fs, manifestLogPath(cacheDir))
	switch {
	case err == nil:
		if applyManifestLog(&m, log) != nil {
			return manifest{}, false
		}
	case !os.IsNotExist(err):
		return manifest{}, false
	}
	return m, true
}

// readManifestFile returns manifest.bin's bytes. On the operating system's
// file system the file is mapped, not read: the decoded manifest's strings
// point into its bytes, and reading the 8 MB manifest of the 10k site into
// fresh heap cost more than decoding it (fresh memory: see readMergeState).
// The mapping (returned to unmap when decoding fails) is otherwise never
// unmapped: the manifest, kept across a Session's builds, points into it. It
// cannot change under the build: manifest.bin is never written in place
// (saveManifest renames a new file over it, forgetManifest removes it; the
// mapping keeps the old file), as for the mapped merge state and pack.
func readManifestFile(fs afero.Fs, name string) (data, mapping []byte, err error) {
	if _, isOS := fs.(*afero.OsFs); !isOS || !mapManifest {
		data, err = afero.ReadFile(fs, name)
		return data, nil, err
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, nil, err
	}
	if fi.Size() > 0 && fi.Size() <= 1<<30 {
		if data, mapping, err = mapSection(f, 0, int(fi.Size())); err == nil {
			return data, mapping, nil
		}
	}
	data, err = io.ReadAll(f) // empty, huge, or mapping unsupported
	return data, nil, err
}

// mapManifest turns readManifestFile's mapping on; off only to measure it.
var mapManifest = true

var errBadManifest = errors.New("not a readable page manifest")

func encodeManifest(m manifest) []byte {
	buf := make([]byte, 0, 64+m.n()*64)
	buf = append(buf, manifestFormat+"\n"...)
	for _, s := range []string{m.Version, m.Out, m.Digest} {
		buf = appendString(buf, s)
	}
	buf = binary.AppendUvarint(buf, uint64(m.size()))
	for i := range m.n() {
		if p, k := m.pair(i); p != "" { // not removed by a delta
			buf = appendString(appendString(buf, p), k)
		}
	}
	return binary.LittleEndian.AppendUint32(buf, crc32.ChecksumIEEE(buf))
}

func appendString(buf []byte, s string) []byte {
	return append(binary.AppendUvarint(buf, uint64(len(s))), s...)
}

// fieldReader reads the uvarint-prefixed strings and uvarint counts of the
// manifest and its log; the strings it returns share text's memory. Once a
// read fails, bad is set and every later read gives nothing.
type fieldReader struct {
	text string
	pos  int
	bad  bool
}

func (r *fieldReader) uvarint() (uint64, int) {
	// One byte, as every length of a page's path and Key is: read in place
	// (the copy below was a memmove per field, 254,000 per manifest).
	if r.pos < len(r.text) && r.text[r.pos] < 0x80 {
		return uint64(r.text[r.pos]), 1
	}
	var buf [binary.MaxVarintLen64]byte
	return binary.Uvarint(buf[:copy(buf[:], r.text[r.pos:])])
}

func (r *fieldReader) str() string {
	n, w := r.uvarint()
	if w <= 0 || n > uint64(len(r.text)-r.pos-w) {
		r.bad, r.pos = true, len(r.text)
		return ""
	}
	start := r.pos + w
	r.pos = start + int(n)
	return r.text[start:r.pos]
}

// count reads a number of entries, at most the text's length.
func (r *fieldReader) count() uint64 {
	n, w := r.uvarint()
	if w <= 0 || n > uint64(len(r.text)) {
		r.bad, r.pos = true, len(r.text)
		return 0
	}
	r.pos += w
	return n
}

// done says every read succeeded and the text is used up.
func (r *fieldReader) done() bool { return !r.bad && r.pos == len(r.text) }

// decodeManifest reads encodeManifest's form. Nothing writes to data
// afterwards, so its strings may share data's memory.
func decodeManifest(data []byte) (manifest, error) {
	head := manifestFormat + "\n"
	if len(data) < len(head)+4 || string(data[:len(head)]) != head {
		return manifest{}, errBadManifest
	}
	body := data[:len(data)-4]
	if uint64(len(body)) >= uint64(entAdded) { // entries are offsets below 2^31 (uint64: int may be 32 bits)
		return manifest{}, errBadManifest
	}
	if crc32.ChecksumIEEE(body) != binary.LittleEndian.Uint32(data[len(body):]) {
		return manifest{}, errBadManifest
	}
	r := fieldReader{text: unsafe.String(unsafe.SliceData(body), len(body)), pos: len(head)}
	next := r.str
	var m manifest
	m.Version, m.Out, m.Digest = next(), next(), next()
	count := r.count()
	if r.bad {
		return manifest{}, errBadManifest
	}
	// Room for the pages the next deltas add (manifestDelta.applyTo), which
	// would otherwise copy ents at the first one.
	room := count + count/16 + 16
	m.text, m.ents = r.text, make([]uint32, 0, room)
	index := sizedPathIndex(int(count))
	for i := uint64(0); i < count && !r.bad; i++ {
		at := r.pos
		p := next()
		next()
		m.ents = append(m.ents, uint32(at))
		// Pages the next build finds unchanged are not checked again (vetPages).
		r.bad = r.bad || checkPlannedPath(p) != nil
		if !r.bad && !index.insertPath(&m, int(i), p) {
			return manifest{}, errBadManifest // a path listed twice
		}
	}
	if !r.done() || m.size() != int(count) {
		return manifest{}, errBadManifest
	}
	m.index = index
	return m, nil
}

// seal computes the manifest's Digest from its pages.
//
// The digest is a sum, not a hash of a list: each page's (path, Key) pair is
// hashed with SHA-256 and the hashes are added modulo 2^256. The pages of a
// site are a set (no path twice), so equal pages give equal digests in any
// order, and an in-place commit that changes a few pages derives the next
// digest from the previous one by subtracting the old pairs and adding the
// new ones (manifestDelta) instead of hashing 127,000 pages again; a full
// build of the same pages writes the very same digest.
func (m *manifest) seal() {
	var sum pageSum
	for i := range m.n() {
		if p, k := m.pair(i); p != "" { // not removed by a delta
			sum.add(p, k)
		}
	}
	m.Digest = sum.digest()
}

// pageSum is the sum of page pairs' SHA-256 hashes, as four 64-bit limbs,
// least significant first.
type pageSum [4]uint64

func parsePageSum(digest string) (pageSum, bool) {
	var s pageSum
	hexSum, ok := strings.CutPrefix(digest, manifestFormat+" ")
	raw, err := hex.DecodeString(hexSum)
	if !ok || err != nil || len(raw) != 32 {
		return s, false
	}
	for i := range s {
		s[i] = binary.BigEndian.Uint64(raw[32-8*(i+1):])
	}
	return s, true
}

func (s pageSum) digest() string {
	var raw [32]byte
	for i, limb := range s {
		binary.BigEndian.PutUint64(raw[32-8*(i+1):], limb)
	}
	return manifestFormat + " " + hex.EncodeToString(raw[:])
}

// pairHash hashes one page; paths hold no NUL (checkPagePath), so the
// encoding is unambiguous.
func pairHash(path, key string) pageSum {
	var buf [160]byte
	h := sha256.Sum256(append(append(append(append(buf[:0], path...), 0), key...), 0))
	var s pageSum
	for i := range s {
		s[i] = binary.BigEndian.Uint64(h[32-8*(i+1):])
	}
	return s
}

func (s *pageSum) add(path, key string) {
	h := pairHash(path, key)
	var carry uint64
	for i := range s {
		s[i], carry = bits.Add64(s[i], h[i], carry)
	}
}

func (s *pageSum) sub(path, key string) {
	h := pairHash(path, key)
	var borrow uint64
	for i := range s {
		s[i], borrow = bits.Sub64(s[i], h[i], borrow)
	}
}

// writeMarker writes the marker file naming the digest of the pages about
// to be published into their folder.
func writeMarker(fs afero.Fs, dir string, digest string) error {
	if err := afero.WriteFile(fs, filepath.Join(dir, markerFile), []byte(digest), 0o644); err != nil {
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
	if err := fs.Rename(tmp, manifestPath(cacheDir)); err != nil {
		return err
	}
	// The log's records continue an older digest: left, they would only
	// make the manifest unreadable.
	return removeIfExists(fs, manifestLogPath(cacheDir))
}

func removeIfExists(fs afero.Fs, name string) error {
	if err := fs.Remove(name); err != nil {
		if ok, _ := afero.Exists(fs, name); ok {
			return err
		}
	}
	return nil
}

// forgetManifest removes the manifest before the output changes: if the build is
// killed between the swap and the new manifest, the next build renders everything
// rather than trusting a stale record. Its log, and the manifest.json and
// manifest.gob of older versions, go too.
func forgetManifest(fs afero.Fs, cacheDir string) error {
	keepManifest(fs, cacheDir, nil)
	for _, name := range []string{manifestPath(cacheDir), manifestLogPath(cacheDir), filepath.Join(cacheDir, "manifest.json"), filepath.Join(cacheDir, "manifest.gob")} {
		if err := removeIfExists(fs, name); err != nil {
			return err
		}
	}
	return nil
}

// isReservedPath reports whether a page path would overwrite the marker file.
// Both names start with '.', which no other character folds to (see
// TestReservedNamesStartWithADot): a path starting otherwise is neither, and
// the folds are not compared (two calls per page of 127,000 in a manifest's
// read).
func isReservedPath(p string) bool {
	if p == "" || p[0] != '.' {
		return false
	}
	return strings.EqualFold(p, markerFile) || strings.EqualFold(p, buildMarker) // buildMarker: stale.go
}
