package site

import (
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"reflect"
	"slices"
	"testing"

	"github.com/spf13/afero"
)

// indexedPack builds a pack of n records through the cache (as a build puts
// them) and returns its file system and options.
func indexedPack(t *testing.T, n int) (afero.Fs, Options) {
	t.Helper()
	fs := afero.NewMemMapFs()
	o := Options{CacheDir: "cache", Version: "idx-test"}
	c := openExtractCache(fs, o.CacheDir, o.Version, true, false)
	for i := 0; i < n; i++ {
		c.putRecord(keyOf(i), fmt.Sprintf("payload %d %s", i, make([]byte, i%40)))
	}
	c.putRecordParts(keyOf(1000), "head, then ", "a body") // last: the pack's tail spans both parts
	if err := c.flush(); err != nil {
		t.Fatal(err)
	}
	return fs, o
}

func keyOf(i int) (k [32]byte) {
	copy(k[:], fmt.Sprintf("key-%06d", i))
	return k
}

// scanned opens the pack ignoring its index: what the index must reproduce.
func scanned(t *testing.T, fs afero.Fs, o Options) *extractCache {
	t.Helper()
	c := &extractCache{fs: fs, file: o.CacheDir + "/extract.pack", version: o.Version, records: map[[32]byte]packEntry{}}
	data, err := afero.ReadFile(fs, c.file)
	if err != nil {
		t.Fatal(err)
	}
	c.parse(data, 0)
	return c
}

// Opening a pack through its index finds every record the pack holds, at the
// same place, with the same dead count, after the pack was written new,
// appended to (superseding records) and compacted.
func TestIndexDescribesThePack(t *testing.T) {
	fs, o := indexedPack(t, 50)
	check := func(step string) {
		t.Helper()
		c := openExtractCache(fs, o.CacheDir, o.Version, true, false)
		want := scanned(t, fs, o)
		if !c.indexed {
			t.Errorf("%s: the index was not used", step)
		}
		if !reflect.DeepEqual(c.records, want.records) || c.dead != want.dead {
			t.Errorf("%s: %d records (%d dead) through the index, %d (%d dead) scanned", step, len(c.records), c.dead, len(want.records), want.dead)
		}
		for key, e := range c.records {
			if !e.sound(key) {
				t.Errorf("%s: record %q located by the index is not sound", step, key[:10])
			}
		}
	}
	check("new")
	c := openExtractCache(fs, o.CacheDir, o.Version, true, false)
	for i := 0; i < 50; i++ {
		c.use(keyOf(i))
	}
	c.putRecord(keyOf(3), "superseded")
	c.putRecord(keyOf(99), "appended")
	if err := c.flush(); err != nil {
		t.Fatal(err)
	}
	check("appended")
	if c := openExtractCache(fs, o.CacheDir, o.Version, true, false); c.dead != 1 {
		t.Errorf("appended pack: %d dead records, want 1 (the superseded one)", c.dead)
	}
	c = openExtractCache(fs, o.CacheDir, o.Version, true, false)
	for i := 0; i < 5; i++ { // most records dead: compacted
		c.use(keyOf(i))
	}
	if err := c.flush(); err != nil {
		t.Fatal(err)
	}
	check("compacted")
	if c := openExtractCache(fs, o.CacheDir, o.Version, true, false); len(c.records) != 5 {
		t.Errorf("compacted pack holds %d records, want 5", len(c.records))
	}
}

// An index that does not match its pack is ignored and the pack read whole:
// damaged, truncated, of another version, or written for a pack since
// replaced; records appended after it (a build killed before writing its
// index) are read from the pack.
func TestIndexThatDoesNotMatchIsIgnored(t *testing.T) {
	for _, tc := range []struct {
		name    string
		change  func(fs afero.Fs, pack, idx string)
		indexed bool // the index still serves the part it covers
	}{
		{"damaged", func(fs afero.Fs, pack, idx string) { flipByte(t, fs, idx, 60) }, false},
		{"truncated", func(fs afero.Fs, pack, idx string) { truncate(t, fs, idx, 100) }, false},
		{"pack replaced", func(fs afero.Fs, pack, idx string) {
			c := scanned(t, fs, Options{CacheDir: "cache", Version: "idx-test"})
			var recs []packRecord
			for i := 49; i >= 0; i-- { // same records, other order
				recs = append(recs, packRecord{key: keyOf(i), events: c.records[keyOf(i)].enc()})
			}
			writeFiles(t, fs, map[string]string{pack: string(appendRecords([]byte(c.header()), recs))})
		}, false},
		{"appended after", func(fs afero.Fs, pack, idx string) {
			data := readFile(t, fs, pack)
			writeFiles(t, fs, map[string]string{pack: data + string(appendRecords(nil, []packRecord{{key: keyOf(77), events: "late"}}))})
		}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fs, o := indexedPack(t, 50)
			c := openExtractCache(fs, o.CacheDir, o.Version, true, false)
			tc.change(fs, c.file, c.indexFile())
			got := openExtractCache(fs, o.CacheDir, o.Version, true, false)
			want := scanned(t, fs, o)
			if !reflect.DeepEqual(got.records, want.records) || got.indexed {
				t.Errorf("%d records through the index, %d scanned; indexed %v", len(got.records), len(want.records), got.indexed)
			}
			if covered, ok := got.readIndex([]byte(readFile(t, fs, c.file)), false); ok != tc.indexed {
				t.Errorf("index used: %v (covering %d bytes), want %v", ok, covered, tc.indexed)
			}
			// The build flushing this pack writes an index that matches it.
			got.use(keyOf(1))
			for i := 0; i < 50; i++ {
				got.use(keyOf(i))
			}
			if err := got.flush(); err != nil {
				t.Fatal(err)
			}
			if again := openExtractCache(fs, o.CacheDir, o.Version, true, false); !again.indexed {
				t.Error("the next build did not write a matching index")
			}
		})
	}
}

// An index that passes its own checks but points at the wrong bytes (a stale
// one whose pack tail happens to match) cannot serve a wrong record: each is
// checked, key and CRC, when used.
func TestIndexPointingAtWrongBytesOnlyMisses(t *testing.T) {
	fs, o := indexedPack(t, 20)
	c := openExtractCache(fs, o.CacheDir, o.Version, true, false)
	var entries []indexEntry
	for key, e := range c.records {
		entries = append(entries, indexEntry{key: key, off: e.off, n: int64(len(e.enc()))})
	}
	// Swap two records' places.
	entries[0].key, entries[1].key = entries[1].key, entries[0].key
	swapped := [][32]byte{entries[0].key, entries[1].key}
	var tail [tailLen]byte
	if !c.tailOf(&tail) {
		t.Fatal("no tail")
	}
	c.saveIndex(entries, 0, c.size, tail)
	got := openExtractCache(fs, o.CacheDir, o.Version, true, false)
	if !got.indexed {
		t.Fatal("the doctored index was not used")
	}
	for _, k := range swapped {
		if enc, ok := got.peek(k); ok {
			t.Errorf("served %q for a key whose record the index misplaced", enc)
		}
	}
	if ws := got.damageWarnings(); len(ws) != 1 {
		t.Errorf("warnings %v, want one", ws)
	}
}

// An index with a right CRC whose offsets or lengths wrap around uint64 (a
// crafted or corrupted file) is ignored and the pack read whole, without a
// panic: each entry's offset delta is checked before it is added, and the
// record's end without an addition (was: off+n+4 > cov, passed by an
// offset of 2^64-8 and a length of 5, then text[off-32:] panicked in every
// build until --no-cache).
func TestIndexWithWrappingOffsetsIsIgnored(t *testing.T) {
	fs, o := indexedPack(t, 20)
	c := openExtractCache(fs, o.CacheDir, o.Version, true, false)
	data := []byte(readFile(t, fs, c.file))
	cov := uint64(len(data))
	type pair struct{ delta, n uint64 }
	// The real entries as deltas, in pack order.
	var real []pair
	offs := slices.Sorted(func(yield func(int64) bool) {
		for _, e := range c.records {
			if !yield(e.off) {
				return
			}
		}
	})
	byOff := map[int64][32]byte{}
	for k, e := range c.records {
		byOff[e.off] = k
	}
	prev := uint64(0)
	for _, off := range offs {
		real = append(real, pair{uint64(off) - prev, uint64(len(c.records[byOff[off]].enc()))})
		prev = uint64(off)
	}
	write := func(pairs []pair) {
		buf := []byte(indexMagic + c.version + "\n")
		buf = binary.AppendUvarint(buf, cov)
		buf = append(buf, data[cov-tailLen:]...)
		buf = binary.AppendUvarint(buf, 0)
		buf = binary.AppendUvarint(buf, uint64(len(pairs)))
		for i, p := range pairs {
			k := keyOf(5000 + i)
			if i < len(offs) {
				k = byOff[offs[i]]
			}
			buf = append(buf, k[:]...)
			buf = binary.AppendUvarint(buf, p.delta)
			buf = binary.AppendUvarint(buf, p.n)
		}
		buf = binary.LittleEndian.AppendUint32(buf, crc32.ChecksumIEEE(buf))
		writeFiles(t, fs, map[string]string{c.indexFile(): string(buf)})
	}
	last := real[len(real)-1]
	lastOff := prev
	for _, tc := range []struct {
		name  string
		pairs []pair
		ok    bool
	}{
		{"as written", real, true},
		{"first at 2^64-8", append([]pair{{^uint64(0) - 7, 5}}, real...), false},
		{"a delta back before the last", append(slices.Clone(real), pair{^uint64(0) - 40, 5}), false},
		{"a delta past the pack", append(slices.Clone(real), pair{cov, 0}), false},
		{"a delta of 2^64-1", append(slices.Clone(real), pair{^uint64(0), 0}), false},
		{"a length of 2^64-1", append(slices.Clone(real[:len(real)-1]), pair{last.delta, ^uint64(0)}), false},
		{"a length wrapping off+n+4", append(slices.Clone(real[:len(real)-1]), pair{last.delta, ^uint64(0) - lastOff - 2}), false},
		{"a length past the CRC", append(slices.Clone(real[:len(real)-1]), pair{last.delta, cov - lastOff - 3}), false},
		{"a length up to the CRC", append(slices.Clone(real[:len(real)-1]), pair{last.delta, cov - lastOff - 4}), true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			write(tc.pairs)
			defer func() {
				if p := recover(); p != nil {
					t.Fatalf("panicked: %v", p)
				}
			}()
			got := &extractCache{fs: fs, file: c.file, version: c.version}
			if _, ok := got.readIndex(data, false); ok != tc.ok {
				t.Errorf("index used: %v, want %v", ok, tc.ok)
			}
			opened := openExtractCache(fs, o.CacheDir, o.Version, true, false)
			if want := scanned(t, fs, o); !tc.ok && (!reflect.DeepEqual(opened.records, want.records) || opened.indexed) {
				t.Errorf("%d records opened, %d scanned; indexed %v", len(opened.records), len(want.records), opened.indexed)
			}
		})
	}
}

func flipByte(t *testing.T, fs afero.Fs, name string, at int) {
	t.Helper()
	data := []byte(readFile(t, fs, name))
	data[at] ^= 0x40
	writeFiles(t, fs, map[string]string{name: string(data)})
}

func truncate(t *testing.T, fs afero.Fs, name string, n int) {
	t.Helper()
	writeFiles(t, fs, map[string]string{name: readFile(t, fs, name)[:n]})
}

// BenchmarkOpenPack opens the kept site's extraction pack (mapped, through
// its index) as a fresh build's cache stage does, and reports the heap it
// allocates: the records map, memory touched for the first time in a build
// on its own. The site is BenchmarkIncremental's (TIMELINE_BENCH_DIR).
//
//	TIMELINE_BENCH_DIR=/tmp/incr10k go test -run '^$' -bench OpenPack -benchmem ./site
func BenchmarkOpenPack(b *testing.B) {
	dir := keptBenchDir(b, "a kept site (BenchmarkIncremental's)")
	opts := scaleOptions(dir)
	for b.Loop() {
		c := openExtractCache(afero.NewOsFs(), opts.CacheDir, opts.Version, true, true)
		if !c.indexed || len(c.records) == 0 {
			b.Fatalf("pack not opened through its index (%d records, warnings %q)", len(c.records), c.warnings)
		}
		releaseResident(c.mapping)
	}
}
