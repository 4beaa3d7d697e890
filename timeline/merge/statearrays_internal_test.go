package merge

import (
	"bytes"
	"testing"
)

// pagesOf runs an array of pages through a statePager whose previous table
// for it is prev (the events file's bytes in file), and returns the new
// table and the bytes the pager appended.
func pagesOf(t *testing.T, file []byte, prev []int64, array []byte) ([]int64, []byte) {
	t.Helper()
	s := &State{}
	s.side.segs = []sideSeg{{at: 0, data: string(file)}}
	var out bytes.Buffer
	side := &sideWriter{stateWriter: stateWriter{out: &out, passed: len(file)}, appendTo: true}
	w := &stateWriter{out: &bytes.Buffer{}}
	w.pages = &statePager{s: s, side: side, prev: [][]int64{prev}}
	w.pageAlign()
	w.b = append(w.b, array...)
	w.endArray()
	side.flush()
	return w.pages.tables[0], out.Bytes()
}

// TestPagerNamesUnchangedPages: pages equal to the previous table's are
// named where they are; changed ones are appended; an array whose previous
// pages lie in more than maxPageRuns runs is written anew in one run.
func TestPagerNamesUnchangedPages(t *testing.T) {
	const n = 2 * maxPageRuns
	array := make([]byte, n*statePage)
	for k := range array {
		array[k] = byte(k/statePage + k%7)
	}
	// The file: the array's pages in order (one run), then the same pages
	// again, for a table that alternates between the two copies.
	file := append(append([]byte(nil), array...), array...)
	contiguous, scattered := make([]int64, n), make([]int64, n)
	for k := range contiguous {
		contiguous[k] = int64(k) * statePage
		scattered[k] = int64(k) * statePage
		if k%2 == 1 {
			scattered[k] += int64(n) * statePage
		}
	}
	changed := append([]byte(nil), array...)
	changed[5*statePage+3]++
	table, added := pagesOf(t, file, contiguous, changed)
	if len(added) != statePage || table[5] != int64(len(file)) || table[4] != contiguous[4] || table[6] != contiguous[6] {
		t.Fatalf("one page changed: %d bytes appended, page 5 at %d: want that page alone appended", len(added), table[5])
	}
	if runs(scattered) <= maxPageRuns {
		t.Fatalf("the scattered table has %d runs", runs(scattered))
	}
	table, added = pagesOf(t, file, scattered, array)
	if len(added) != len(array) || runs(table) != 1 {
		t.Fatalf("a table of %d runs: %d bytes appended in %d runs; want the array anew in one run", runs(scattered), len(added), runs(table))
	}
}
