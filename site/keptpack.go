package site

import (
	"fmt"
	"io"
	"unsafe"

	"github.com/spf13/afero"
)

// keptPack is the extraction pack as a session's build left it (Session):
// the records it held, those the build appended included, so that the next
// build of the session opens the cache without reading the pack or its
// index. Without it, a server that does not map the pack (timeline serve:
// see Options.MapCache) read the whole pack into the heap on every rebuild,
// about 110 MB for 10,000 articles.
//
// Trust: the kept records are used only when the pack file still has the
// stamp (fileStamp) it had after the build that kept them, that is when no
// other build has appended to it, compacted it or removed it since. Records
// are named by the hash of everything their payload depends on, so a kept
// record is right whatever happened to the file; the stamp keeps the records'
// offsets (for the index) and the dead-record count true to the file. Each
// record is still checked (key and CRC) on first use in every build.
type keptPack struct {
	file, version string
	records       map[[32]byte]packEntry
	dead          int
	size          int64
	stamp         fileStamp // the pack's
	index         fileStamp // the index's; indexStale: none or not readable
	indexStale    bool
	mapping       []byte         // the mapped pack the records point into (nil: read into the heap)
	recalled      *recalledFiles // the recalled files' notes (rawcache_session.go), trusted as the records are
}

// keep returns what the next build of a session needs of this cache, after
// a successful flush that appended to the pack (or left it as it was); nil
// when the pack was written anew, compacted or not read (--no-cache), or
// when the records appended cannot be read back.
func (c *extractCache) keep() *keptPack {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.read || c.rewrite || c.compacted || c.err != nil || !c.flushed {
		return nil
	}
	info, err := c.fs.Stat(c.file)
	if err != nil {
		return nil
	}
	k := &keptPack{file: c.file, version: c.version, records: c.records, dead: c.dead, size: c.size, stamp: stampOf(info),
		mapping: c.mapping, recalled: c.nextRecalled}
	if c.sink != nil {
		if err := k.readAppended(c.fs, c.sink); err != nil {
			return nil
		}
	}
	if k.size != info.Size() {
		return nil // written to besides this build's records
	}
	if idx, err := c.fs.Stat(c.indexFile()); err == nil {
		k.index = stampOf(idx)
	} else {
		k.indexStale = true
	}
	return k
}

// readAppended reads back the records the sink appended to the pack and
// adds them to the kept records, superseding those of the same key.
func (k *keptPack) readAppended(fs afero.Fs, sink *packSink) error {
	from := k.size
	buf := make([]byte, sink.pos-from)
	f, err := fs.Open(k.file)
	if err != nil {
		return err
	}
	defer f.Close()
	if _, err := f.ReadAt(buf, from); err != nil && err != io.EOF {
		return err
	}
	text := unsafe.String(unsafe.SliceData(buf), len(buf))
	for _, e := range sink.entries {
		at := e.off - from
		if at < 32 || at+e.n+4 > int64(len(buf)) {
			return fmt.Errorf("%s: appended record out of place", k.file)
		}
		if _, dup := k.records[e.key]; dup {
			k.dead++
		}
		k.records[e.key] = packEntry{rec: text[at-32 : at+e.n+4], off: e.off}
	}
	k.size = sink.pos
	return nil
}

// reopen returns the cache of the next build from the kept records, when the
// pack is still the file they describe (see keptPack); nil otherwise.
func (k *keptPack) reopen(fs afero.Fs, file, version string, read bool) *extractCache {
	if k == nil || !read || file != k.file || version != k.version {
		return nil
	}
	info, err := fs.Stat(file)
	if err != nil || stampOf(info) != k.stamp {
		return nil
	}
	// c.mapped stays 0: the mapping's resident pages are not taken off the
	// build's memory limit again (reserveOutsideHeap), as the build that
	// mapped it did. Taken off, a warm 10k build ran 13 collections instead
	// of 2 over the heap the session keeps (4.7 CPU s instead of 2.1-2.9)
	// and peaked at 466 MB instead of 501-519 (README, Warm rebuilds).
	c := &extractCache{fs: fs, file: file, version: version, read: true, records: k.records, dead: k.dead, size: k.size, mapping: k.mapping,
		fresh: map[[32]byte]bool{}, damaged: map[[32]byte]bool{}, recalled: k.recalled,
		used: make(map[[32]byte]bool, len(k.records)), known: make(map[string][32]byte, len(k.records)/3)}
	idx, err := fs.Stat(c.indexFile())
	c.indexed = !k.indexStale && err == nil && stampOf(idx) == k.index
	return c
}
