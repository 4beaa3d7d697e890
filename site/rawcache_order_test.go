package site

import (
	"cmp"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/spf13/afero"

	"github.com/newsline/timeline/timeline/ingest"
)

// A pack rewritten by a compaction lays out, in path order, each file record
// followed by the parsed article it names, then each article's events, then
// the other records by key (recallOrder): the order the next build's load
// stage reads them in. Before, the whole pack was sorted by key, so each
// recalled file touched two records at random places of the pack.
func TestCompactedPackIsInRecallOrder(t *testing.T) {
	fs := countOpens(afero.NewMemMapFs(), "")
	opts, _ := recallSite(t, fs, "")
	o := opts.withDefaults()
	first := runFront(t, fs, opts) // every file recalled: the keys of all are known
	known := first.cache.known
	if len(known) != 10 {
		t.Fatalf("%d keys known, want 10", len(known))
	}

	// The pack as an older compaction left it (sorted by key), with one
	// article's events undecodable under a sound CRC, so that the next
	// build extracts them again and compacts the pack.
	old := openExtractCache(fs, o.CacheDir, o.Version, true, false)
	var recs []packRecord
	for key, e := range old.records {
		recs = append(recs, packRecord{key: key, events: e.enc()})
	}
	slices.SortFunc(recs, func(a, b packRecord) int { return cmp.Compare(string(a.key[:]), string(b.key[:])) })
	bad := known["content/a03.md"]
	for i := range recs {
		if recs[i].key == bad {
			recs[i].events = "\x05garbage"
		}
	}
	writeFiles(t, fs, map[string]string{old.file: string(appendRecords([]byte(old.header()), recs))})
	if err := fs.Remove(old.indexFile()); err != nil {
		t.Fatal(err)
	}

	got := runFront(t, fs, opts)
	if !got.cache.compacted {
		t.Fatal("the pack was not compacted")
	}
	checkFrontAsNoCache(t, fs, opts, got, "after the repair")

	packed := openExtractCache(fs, o.CacheDir, o.Version, true, false)
	type at struct {
		key [32]byte
		off int64
	}
	var order []at
	for key, e := range packed.records {
		order = append(order, at{key, e.off})
	}
	slices.SortFunc(order, func(a, b at) int { return cmp.Compare(a.off, b.off) })

	paths := make([]string, 0, len(known))
	for p := range known {
		paths = append(paths, p)
	}
	slices.Sort(paths)
	memo := &fileMemo{version: o.Version, opts: ingest.Options{Date: o.Date}}
	var want [][32]byte
	for _, p := range paths {
		fileKey := memo.fileKey(p)
		e, ok := packed.records[fileKey]
		if !ok {
			t.Fatalf("no file record for %s", p)
		}
		parseKey, ok := fileRecordParseKey(e.enc())
		if !ok {
			t.Fatalf("the file record of %s does not parse", p)
		}
		if _, ok := packed.records[parseKey]; !ok {
			t.Fatalf("no parse record for %s", p)
		}
		want = append(want, fileKey, parseKey)
	}
	for _, p := range paths {
		want = append(want, got.cache.known[p])
	}
	if len(order) < len(want) {
		t.Fatalf("%d records in the pack, want at least %d", len(order), len(want))
	}
	for i, key := range want {
		if order[i].key != key {
			t.Fatalf("record %d of the pack is not the one recallOrder puts there (%d records, %d placed)", i, len(order), len(want))
		}
	}
	for i := len(want) + 1; i < len(order); i++ {
		if string(order[i-1].key[:]) > string(order[i].key[:]) {
			t.Errorf("records %d and %d, after the placed ones, are not in key order", i-1, i)
		}
	}

	again := runFront(t, fs, opts)
	if again.parsed != 1 || again.x.hits != 10 {
		t.Errorf("after the compaction: parsed %d, %d hits; want 1 (the undated seed) and 10", again.parsed, again.x.hits)
	}
	checkFrontAsNoCache(t, fs, opts, again, "compacted")
}

// fileRecordParseKey finds the parse record's key after the stamps as
// stamps writes them, with and without the operating system's fields and a
// sidecar, and says no, without panicking, for a record cut anywhere before
// the key's end.
func TestFileRecordParseKeySkipsTheStamps(t *testing.T) {
	dir := t.TempDir()
	name := filepath.Join(dir, "a.md")
	if err := os.WriteFile(name, []byte("text"), 0o644); err != nil {
		t.Fatal(err)
	}
	osInfo, err := os.Stat(name)
	if err != nil {
		t.Fatal(err)
	}
	if !stampOf(osInfo).sys {
		t.Log("no inode or ctime on this system: the OS case is the memory one")
	}
	mem := afero.NewMemMapFs()
	if err := afero.WriteFile(mem, "a.md", []byte("some longer text"), 0o600); err != nil {
		t.Fatal(err)
	}
	memInfo, err := mem.Stat("a.md")
	if err != nil {
		t.Fatal(err)
	}
	var parseKey, extractKey [32]byte
	for i := range parseKey {
		parseKey[i], extractKey[i] = byte(i+1), byte(0xff-i)
	}
	heads := map[string][]byte{}
	for _, info := range []struct {
		name string
		info os.FileInfo
	}{{"os", osInfo}, {"mem", memInfo}} {
		for _, side := range []struct {
			name string
			info os.FileInfo
		}{{"no sidecar", nil}, {"os sidecar", osInfo}, {"mem sidecar", memInfo}} {
			heads[info.name+", "+side.name] = stamps(nil, ingest.File{Info: info.info, SidecarInfo: side.info})
		}
	}
	// Extreme values: negative times, the widest varints.
	wide := fileStamp{size: -1 << 63, mtime: 1<<63 - 1, mode: 1<<32 - 1, sys: true, ino: 1<<64 - 1, dev: 1<<64 - 1, ctime: -1}
	heads["wide, wide sidecar"] = wide.append(append(wide.append(nil), 1))
	for name, head := range heads {
		rec := string(append(append(append(append([]byte{}, head...), parseKey[:]...), extractKey[:]...), "raw bytes"...))
		if got, ok := fileRecordParseKey(rec); !ok || got != parseKey {
			t.Errorf("%s: got %x, %v; want %x", name, got, ok, parseKey)
		}
		for n := 0; n < len(head)+fileRecordKeys; n++ {
			if _, ok := fileRecordParseKey(rec[:n]); ok {
				t.Errorf("%s: cut at %d of %d: ok", name, n, len(head)+fileRecordKeys)
			}
		}
	}
	for _, rec := range []string{"", "\x80", "\x01\x01\x01\x02", "\x01\x01\x01\x00\x02"} {
		if _, ok := fileRecordParseKey(rec); ok {
			t.Errorf("%q: ok", rec)
		}
	}
}
