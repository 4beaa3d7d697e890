package merge

import (
	"strconv"
	"strings"
	"testing"
)

// TestHashOfIDReadsHexDigits: hashOfID is the number the ID's first
// IDLength hex digits spell, for every digit at every place, and for IDs
// made by IDFor (with a suffix after them too).
func TestHashOfIDReadsHexDigits(t *testing.T) {
	const digits = "0123456789abcdef"
	for place := range IDLength {
		for _, d := range digits {
			id := []byte(strings.Repeat("0", IDLength))
			id[place] = byte(d)
			want, _ := strconv.ParseUint(string(id), 16, 64)
			if got := hashOfID(string(id)); got != want {
				t.Fatalf("hashOfID(%s) = %x, want %x", id, got, want)
			}
		}
	}
	for k := range 2000 {
		id := IDFor(strconv.Itoa(k))
		want, err := strconv.ParseUint(id[:IDLength], 16, 64)
		if err != nil {
			t.Fatal(err)
		}
		if got := hashOfID(id + "-2"); got != want {
			t.Fatalf("hashOfID(%s-2) = %x, want %x", id, got, want)
		}
	}
}
