package export

import (
	"bytes"
	"fmt"
	"io"
	"math/rand"
	"testing"

	"github.com/newsline/timeline/internal/bytediff"
)

// vouchingStore is memSplices vouching for every previous file, counting
// the bytes read from them.
type vouchingStore struct {
	*memSplices
	read int64
}

func (v *vouchingStore) Previous(file string) (io.ReaderAt, int64, []byte, bool) {
	r, size, index, ok := v.memSplices.Previous(file)
	if !ok {
		return nil, 0, nil, false
	}
	return countingReader{r: r, n: &v.read}, size, index, true
}

func (v *vouchingStore) Vouched(string) bool { return true }

type countingReader struct {
	r io.ReaderAt
	n *int64
}

func (c countingReader) ReadAt(b []byte, off int64) (int, error) {
	m, err := c.r.ReadAt(b, off)
	*c.n += int64(m)
	return m, err
}

// TestVouchedSpliceReadsOnlyWhatItCopies: over random edits, an export whose
// store vouches for the previous file is byte-identical to a full render, and
// reads from the previous file only the bytes its destination copies (no
// whole-file check); the stats say the file was vouched for.
func TestVouchedSpliceReadsOnlyWhatItCopies(t *testing.T) {
	for seed := int64(1); seed <= 6; seed++ {
		r := rand.New(rand.NewSource(seed))
		base := absoluteSite()
		store := &vouchingStore{memSplices: newMemSplices()}
		spliced := base
		spliced.Splices = store
		tl := randomTimeline(r, 30+r.Intn(50))
		reused := 0
		for step := 0; step < 10; step++ {
			if step > 0 {
				tl = mutate(r, tl)
			}
			for _, e := range splicedExports {
				want := renderExport(t, e, tl, base)
				var dst countingRange
				store.read = 0
				if err := e.write(&dst, tl, spliced); err != nil {
					t.Fatalf("%s: %v", e.file, err)
				}
				where := fmt.Sprintf("seed %d, step %d, %s", seed, step, e.file)
				if !bytes.Equal(dst.Bytes(), want) {
					t.Fatalf("%s: vouched splice differs from a full render:\n%s", where, bytediff.First(dst.Bytes(), want))
				}
				st := store.stats[e.file]
				if step > 0 && !st.Vouched {
					t.Fatalf("%s: the previous file was not taken on the store's word", where)
				}
				if store.read != dst.copied {
					t.Fatalf("%s: %d bytes read from the previous file, %d copied", where, store.read, dst.copied)
				}
				reused += st.Reused
				store.publish(e.file, dst.Bytes())
			}
		}
		if reused == 0 {
			t.Errorf("seed %d: nothing reused", seed)
		}
	}
}

// TestVouchedFileOfAnotherSizeIsNotTrusted: the store's word does not
// override the index's own checks; a vouched file whose size is not the
// index's is rendered in full.
func TestVouchedFileOfAnotherSizeIsNotTrusted(t *testing.T) {
	r := rand.New(rand.NewSource(3))
	base := absoluteSite()
	store := &vouchingStore{memSplices: newMemSplices()}
	spliced := base
	spliced.Splices = store
	tl := randomTimeline(r, 40)
	for _, e := range splicedExports {
		store.publish(e.file, renderExport(t, e, tl, spliced))
		store.files[e.file] = append(bytes.Clone(store.files[e.file]), '\n')
		want := renderExport(t, e, tl, base)
		var dst countingRange
		if err := e.write(&dst, tl, spliced); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(dst.Bytes(), want) {
			t.Fatalf("%s: differs from a full render:\n%s", e.file, bytediff.First(dst.Bytes(), want))
		}
		if st := store.stats[e.file]; st.Reused != 0 || st.Vouched {
			t.Errorf("%s: a file of another size was trusted (%+v)", e.file, st)
		}
	}
}

// countingRange is a range-copying destination counting the bytes it copies.
type countingRange struct {
	bytes.Buffer
	copied int64
}

func (c *countingRange) CopyRange(src io.ReaderAt, off, n int64) error {
	buf := make([]byte, n)
	if m, err := src.ReadAt(buf, off); int64(m) != n {
		return fmt.Errorf("copying %d bytes at %d: %d read (%v)", n, off, m, err)
	}
	c.copied += n
	_, err := c.Write(buf)
	return err
}
