package site

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/spf13/afero"
)

func TestManifestCodecRoundTripsAndRefusesDamage(t *testing.T) {
	m := manifest{Version: "v1", Out: "public"}
	for i := 0; i < 300; i++ {
		m.add(fmt.Sprintf("events/e%03d/index.html", (i*37)%300), fmt.Sprintf("key%03d", i*7))
	}
	m.add("index.html", "")
	// Lengths of two and three varint bytes (fieldReader reads one-byte
	// ones in place).
	m.add("events/"+strings.Repeat("x", 150)+"/index.html", strings.Repeat("k", 20000))
	m.seal()
	data := encodeManifest(m)
	got, err := decodeManifest(data)
	if err != nil {
		t.Fatal(err)
	}
	if got.Version != m.Version || got.Out != m.Out || got.Digest != m.Digest || got.size() != m.size() {
		t.Fatalf("decoded %+v, want the header and %d pages of %+v", got, m.size(), m)
	}
	for i := range m.n() {
		p, k := m.pair(i)
		if j := got.lookup(p); j != i || got.key(j) != k {
			t.Errorf("%s: found at %d with key %q, want %d and %q", p, j, got.key(max(j, 0)), i, k)
		}
	}
	if j := got.lookup("events/e300/index.html"); j != -1 {
		t.Errorf("a path not listed was found at %d", j)
	}
	// Every truncation and every flipped byte is refused, never half-read.
	for n := 0; n < len(data); n += 97 {
		if _, err := decodeManifest(data[:n]); err == nil {
			t.Errorf("a manifest cut to %d of %d bytes was accepted", n, len(data))
		}
	}
	for i := 0; i < len(data); i += 31 {
		bad := append([]byte(nil), data...)
		bad[i] ^= 0x40
		if _, err := decodeManifest(bad); err == nil {
			t.Errorf("a manifest with byte %d flipped was accepted", i)
		}
	}
	// A path listed twice (the CRC made to match) is refused too.
	twice := manifest{Version: "v1", Out: "public"}
	twice.add("a/index.html", "k1")
	twice.add("a/index.html", "k2")
	if _, err := decodeManifest(encodeManifest(twice)); err == nil {
		t.Error("a manifest listing a path twice was accepted")
	}
}

// The digest depends on the pages and their Keys, in order, as the marker
// in the output records them: equal pages, equal digest.
func TestManifestDigest(t *testing.T) {
	digest := func(pairs ...string) string {
		m := manifest{}
		for i := 0; i < len(pairs); i += 2 {
			m.add(pairs[i], pairs[i+1])
		}
		m.seal()
		return m.Digest
	}
	base := digest("a", "1", "b", "2")
	if digest("a", "1", "b", "2") != base {
		t.Error("the same pages gave two digests")
	}
	for _, other := range []string{digest("a", "1", "b", "3"), digest("a", "1"), digest("a", "1", "c", "2"), digest("a", "1b", "", "2")} {
		if other == base {
			t.Errorf("different pages share the digest %s", base)
		}
	}
}

// A manifest read from the OS file system is mapped: it stays whole when a
// new manifest is saved over its file and when the file is removed (its
// strings point into the old file's bytes), and a damaged file is refused.
func TestMappedManifestOutlivesItsFile(t *testing.T) {
	fs := afero.NewOsFs()
	cache := t.TempDir()
	pages := func(gen int) manifest {
		m := manifest{Version: "v1", Out: "public"}
		for i := 0; i < 2000; i++ {
			m.add(fmt.Sprintf("events/e%04d/index.html", i), fmt.Sprintf("key%d-%d", gen, i))
		}
		m.seal()
		return m
	}
	first := pages(1)
	if err := saveManifest(fs, cache, first); err != nil {
		t.Fatal(err)
	}
	got, ok := readManifest(fs, cache)
	if !ok {
		t.Fatal("the saved manifest was not read")
	}
	if err := saveManifest(fs, cache, pages(2)); err != nil { // renamed over the mapped file
		t.Fatal(err)
	}
	if err := forgetManifest(fs, cache); err != nil {
		t.Fatal(err)
	}
	if got.Digest != first.Digest || !slices.Equal(manifestPairs(got), manifestPairs(first)) {
		t.Fatal("the mapped manifest changed when its file was replaced and removed")
	}
	data := encodeManifest(first)
	data[len(data)/2] ^= 1
	if err := afero.WriteFile(fs, manifestPath(cache), data, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, ok := readManifest(fs, cache); ok {
		t.Error("a damaged mapped manifest was accepted")
	}
}

// manifestPairs lists m's pages by position, removed ones as two "".
func manifestPairs(m manifest) []pagePair {
	out := make([]pagePair, m.n())
	for i := range out {
		out[i].path, out[i].key = m.pair(i)
	}
	return out
}
