package render

import (
	"strings"
	"testing"

	"github.com/zeebo/xxh3"
)

// A Key must not depend on where its bytes were cut into blocks: the
// streamed hash of a large Key equals the one-shot hash of the same bytes.
func TestStreamedKeysEqualOneShot(t *testing.T) {
	write := func(k *keyWriter) {
		for i := 0; i < 3000; i++ {
			k.str(strings.Repeat("x", i%37))
			k.int(i)
			k.bool(i%2 == 0)
		}
		k.str(strings.Repeat("big field ", 500)) // over bigField: written as its digest
	}
	whole := newKeyWriter()
	saved := keyFlushAt
	keyFlushAt = 1 << 30
	whole.reset()
	write(whole)
	want := xxh3.Hash128(whole.buf).Bytes()
	if whole.streaming || whole.digest() != want {
		t.Fatal("an unstreamed Key is not the one-shot hash of its bytes")
	}
	for _, at := range []int{1, 100, 4096} {
		keyFlushAt = at
		k := newKeyWriter()
		k.reset()
		write(k)
		got := k.digest()
		if !k.streaming {
			t.Fatalf("flushing at %d: the Key was not streamed", at)
		}
		if got != want {
			t.Errorf("flushing at %d: digest %x, want %x", at, got, want)
		}
		k.reset() // a reused writer starts afresh
		write(k)
		if k.digest() != want {
			t.Errorf("flushing at %d: a reused writer's digest differs", at)
		}
	}
	keyFlushAt = saved
}

// A string over bigField is written as its digest: changing any byte of it
// still changes the Key, and so does moving bytes between neighbouring fields.
func TestKeysSeeEveryByte(t *testing.T) {
	long := strings.Repeat("a", 3*bigField)
	key := func(fields ...string) string {
		k := newKeyWriter()
		for _, f := range fields {
			k.str(f)
		}
		return k.sum()
	}
	base := key(long, "b")
	for _, other := range []string{
		key(long[:len(long)-1]+"c", "b"),
		key(long[:len(long)-1], "ab"),
		key(long+"b", ""),
		key(long, "c"),
	} {
		if other == base {
			t.Errorf("two different field lists share the Key %s", base)
		}
	}
	if key(long, "b") != base {
		t.Error("the same fields gave two Keys")
	}
}
