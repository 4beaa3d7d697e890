package export

import "testing"

// TestSpliceRecycledBuffersPoisoned: with every recycled index buffer and
// offset list filled with garbage when handed back, spliced exports over
// random edits (read through the process and copied by range) still equal
// full renders: nothing reads a buffer after giving it back, and a buffer
// taken again is written before it is read.
func TestSpliceRecycledBuffersPoisoned(t *testing.T) {
	poisonRecycled = true
	t.Cleanup(func() { poisonRecycled = false })
	checkSpliceEqualsFullRender(t, 4)
	TestSpliceByRangeCopiesEqualsFullRender(t)
	TestVouchedSpliceReadsOnlyWhatItCopies(t)
}
