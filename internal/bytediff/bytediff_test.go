package bytediff

import (
	"strings"
	"testing"
)

func TestFirstNamesTheByteWhereTheyPart(t *testing.T) {
	got := First("abcdef", "abcXef")
	if !strings.HasPrefix(got, "at byte 3 (sizes 6, 6)") || !strings.Contains(got, `"abcdef"`) || !strings.Contains(got, `"abcXef"`) {
		t.Errorf("First = %q", got)
	}
	if got := First([]byte("ab"), []byte("abc")); !strings.HasPrefix(got, "at byte 2 (sizes 2, 3)") {
		t.Errorf("First of a prefix = %q", got)
	}
}
