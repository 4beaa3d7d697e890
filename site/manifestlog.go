package site

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"os"
	"path/filepath"
	"sync"

	"github.com/spf13/afero"
)

// An in-place commit changes a few pages of a large site. Rewriting the
// whole manifest for it (127,000 paths and Keys, 8 MB) and hashing every page
// again for the marker cost more than the change, so such a commit appends a
// delta to manifest.log instead, and the marker's digest, a sum over the
// pages (manifest.seal), is updated by the pages the delta changes.
//
// The full manifest (manifest.bin) plus its log describe the output only if
// every record applies to the digest the previous one produced (its Before)
// and the last digest is the output's marker. A record torn by a kill, one
// that does not continue the chain (a full manifest written after it), or
// one removing a page the manifest does not list makes the whole manifest
// unreadable and the next build renders everything, as for a missing
// manifest. The log is folded into manifest.bin when it grows past a
// sixteenth of it (foldShare).
//
// On disk the log is manifestLogFormat and a newline, then records: a
// uvarint length, the body (Before, the count of pages written and each path
// and Key, the count of pages removed and each path, as uvarint-length
// strings) and a CRC-32 of the body.
const manifestLogFormat = "timeline-manifest-log-1"

func manifestLogPath(cacheDir string) string { return filepath.Join(cacheDir, "manifest.log") }

// manifestDelta is what one in-place commit changed.
type manifestDelta struct {
	Before, After string
	paths, keys   []string // pages written, in plan order
	deleted       []string // pages removed, sorted
}

func (d *manifestDelta) set(path, key string) {
	d.paths = append(d.paths, path)
	d.keys = append(d.keys, key)
}

// body encodes the delta without After, which applying it derives.
func (d *manifestDelta) body() []byte {
	buf := appendString(nil, d.Before)
	buf = binary.AppendUvarint(buf, uint64(len(d.paths)))
	for i, p := range d.paths {
		buf = appendString(appendString(buf, p), d.keys[i])
	}
	buf = binary.AppendUvarint(buf, uint64(len(d.deleted)))
	for _, p := range d.deleted {
		buf = appendString(buf, p)
	}
	return buf
}

// seal sets After: m's digest (Before) less the pairs the delta replaces or
// removes, plus the pairs it writes. m is not changed; the delta's paths must
// be distinct, and those removed listed by m and not written.
func (d *manifestDelta) seal(m *manifest) error {
	sum, ok := parsePageSum(d.Before)
	if !ok || m.Digest != d.Before {
		return errBadManifest
	}
	for i, p := range d.paths {
		if j := m.lookup(p); j >= 0 {
			sum.sub(p, m.key(j))
		}
		sum.add(p, d.keys[i])
	}
	for _, p := range d.deleted {
		j := m.lookup(p)
		if j < 0 {
			return errBadManifest
		}
		sum.sub(p, m.key(j))
	}
	d.After = sum.digest()
	return nil
}

// applyTo changes m as the delta says, m's digest with it; m's digest must
// be Before.
func (d *manifestDelta) applyTo(m *manifest) error {
	sum, ok := parsePageSum(d.Before)
	if !ok || m.Digest != d.Before {
		return errBadManifest
	}
	for i, p := range d.paths {
		if checkPlannedPath(p) != nil { // see decodeManifest
			return errBadManifest
		}
		sum.add(p, d.keys[i])
		if j := m.lookup(p); j >= 0 {
			sum.sub(p, m.key(j))
			m.setKey(j, d.keys[i])
			continue
		}
		m.add(p, d.keys[i])
		if 2*m.n() > len(m.index.slots) {
			index, ok := newPathIndex(m)
			if !ok {
				return errBadManifest
			}
			m.index = index
		} else if !m.index.insert(m, m.n()-1) {
			return errBadManifest
		}
	}
	for _, p := range d.deleted {
		j := m.lookup(p)
		if j < 0 {
			return errBadManifest // removing what the manifest does not list
		}
		sum.sub(p, m.key(j))
		m.remove(j)
	}
	m.Digest = sum.digest()
	d.After = m.Digest
	return nil
}

// applyManifestLog applies the log's records to m in order.
func applyManifestLog(m *manifest, data []byte) error {
	head := manifestLogFormat + "\n"
	if len(data) < len(head) || string(data[:len(head)]) != head {
		return errBadManifest
	}
	for rest := data[len(head):]; len(rest) > 0; {
		n, w := binary.Uvarint(rest)
		if w <= 0 || n > uint64(len(rest)-w) || uint64(len(rest)-w)-n < 4 {
			return errBadManifest
		}
		body := rest[w : w+int(n)]
		rest = rest[w+int(n):]
		if crc32.ChecksumIEEE(body) != binary.LittleEndian.Uint32(rest) {
			return errBadManifest
		}
		rest = rest[4:]
		d, err := decodeDelta(body)
		if err != nil {
			return err
		}
		if err := d.applyTo(m); err != nil {
			return err
		}
	}
	return nil
}

func decodeDelta(body []byte) (manifestDelta, error) {
	r := fieldReader{text: string(body)} // the log's bytes are not kept
	next := r.str
	d := manifestDelta{Before: next()}
	for i, n := uint64(0), r.count(); i < n && !r.bad; i++ {
		p := next()
		d.set(p, next())
	}
	for i, n := uint64(0), r.count(); i < n && !r.bad; i++ {
		d.deleted = append(d.deleted, next())
	}
	if !r.done() {
		return manifestDelta{}, errBadManifest
	}
	return d, nil
}

// appendManifestLog records a committed delta after prev (which it turns
// into the manifest of the output now published), folding the log into a
// full manifest when it has grown past 1/foldShare of it.
func appendManifestLog(fs afero.Fs, cacheDir string, prev *manifest, d manifestDelta) error {
	if err := d.applyTo(prev); err != nil {
		_ = forgetManifest(fs, cacheDir)
		return fmt.Errorf("the delta does not follow the manifest: %w", err)
	}
	if len(d.paths) == 0 && len(d.deleted) == 0 { // nothing changed: the chain stays where it is
		keepManifest(fs, cacheDir, prev)
		return nil
	}
	name := manifestLogPath(cacheDir)
	body := d.body()
	rec := binary.AppendUvarint(nil, uint64(len(body)))
	rec = binary.LittleEndian.AppendUint32(append(rec, body...), crc32.ChecksumIEEE(body))
	f, err := fs.OpenFile(name, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return err
	}
	size := int64(-1)
	if fi, err := f.Stat(); err == nil {
		size = fi.Size()
	}
	if size == 0 {
		rec = append([]byte(manifestLogFormat+"\n"), rec...)
	}
	_, werr := f.Write(rec)
	if cerr := f.Close(); werr == nil {
		werr = cerr
	}
	if werr == nil && size < 0 {
		werr = errors.New("cannot tell the log's size")
	}
	if werr != nil {
		_ = forgetManifest(fs, cacheDir) // a half-written record must not be read as the chain's end
		return werr
	}
	if base, err := fs.Stat(manifestPath(cacheDir)); err == nil && size+int64(len(rec)) > base.Size()/foldShare {
		if err := saveManifest(fs, cacheDir, *prev); err != nil { // folds the log in, and removes it
			return err
		}
	}
	keepManifest(fs, cacheDir, prev)
	return nil
}

// foldShare sets when the log is folded into the full manifest: past
// 1/foldShare of its size. Every fresh process replays the whole log (a
// 10,000-article site's 92-page delta is about 5 KB; the manifest 8 MB), and
// a fold rewrites the manifest (about 50 ms there): at 16, a fold every
// hundred or so such builds, and at most about 500 KB to replay.
const foldShare = 16

// A process that builds again (timeline serve) keeps the manifest it saved,
// and the next build takes it instead of reading and decoding manifest.bin
// and its log, for as long as both files still carry the stamps they had
// when it was kept (size, mtime, inode, ctime: sysStamp); another process's
// build or a removed file makes it read them again. Only on the OS file
// system, where those stamps exist.
var keptManifest struct {
	sync.Mutex
	cacheDir string
	base     fileStamp
	log      fileStamp // zero: no log
	m        *manifest
}

// keepManifest keeps m, the manifest the cache folder's files now describe.
func keepManifest(fs afero.Fs, cacheDir string, m *manifest) {
	base, log, ok := manifestStamps(fs, cacheDir)
	keptManifest.Lock()
	defer keptManifest.Unlock()
	keptManifest.m = nil
	if ok {
		keptManifest.cacheDir, keptManifest.base, keptManifest.log, keptManifest.m = cacheDir, base, log, m
	}
}

// takeKeptManifest returns the kept manifest when it still describes the
// cache folder's files, and forgets it: the build that takes it owns it.
func takeKeptManifest(fs afero.Fs, cacheDir string) *manifest {
	base, log, ok := manifestStamps(fs, cacheDir)
	keptManifest.Lock()
	defer keptManifest.Unlock()
	m := keptManifest.m
	keptManifest.m = nil
	if !ok || m == nil || keptManifest.cacheDir != cacheDir || keptManifest.base != base || keptManifest.log != log {
		return nil
	}
	return m
}

// manifestStamps stats manifest.bin and the log (a zero stamp when there is
// none); ok is false when the file system cannot give stamps that change
// with the bytes.
func manifestStamps(fs afero.Fs, cacheDir string) (base, log fileStamp, ok bool) {
	if _, isOS := fs.(*afero.OsFs); !isOS {
		return base, log, false
	}
	fi, err := fs.Stat(manifestPath(cacheDir))
	if err != nil {
		return base, log, false
	}
	base = stampOf(fi)
	if fi, err := fs.Stat(manifestLogPath(cacheDir)); err == nil {
		log = stampOf(fi)
		if !log.sys {
			return base, log, false
		}
	} else if !os.IsNotExist(err) {
		return base, log, false
	}
	return base, log, base.sys
}
