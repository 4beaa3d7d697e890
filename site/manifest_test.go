package site

import (
	"fmt"
	"testing"
)

func TestManifestCodecRoundTripsAndRefusesDamage(t *testing.T) {
	m := manifest{Version: "v1", Out: "public", Pages: map[string]string{}}
	for i := 0; i < 300; i++ {
		m.Pages[fmt.Sprintf("events/e%03d/index.html", i)] = fmt.Sprintf("key%03d", i*7)
	}
	m.Pages["index.html"] = ""
	m.seal()
	data := encodeManifest(m, m.order)
	got, err := decodeManifest(data)
	if err != nil {
		t.Fatal(err)
	}
	if got.Version != m.Version || got.Out != m.Out || got.Digest != m.Digest || len(got.Pages) != len(m.Pages) {
		t.Fatalf("decoded %+v, want the header and %d pages of %+v", got, len(m.Pages), m)
	}
	for p, k := range m.Pages {
		if got.Pages[p] != k {
			t.Errorf("%s: key %q, want %q", p, got.Pages[p], k)
		}
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
}
