// Package bytediff shows tests where two outputs that should be
// byte-identical part.
package bytediff

import "fmt"

// First describes the first byte at which got and want differ, with the
// bytes around it (60 on each side), for a test's failure message.
func First[T string | []byte](got, want T) string {
	i := 0
	for i < len(got) && i < len(want) && got[i] == want[i] {
		i++
	}
	from := max(0, i-60)
	return fmt.Sprintf("at byte %d (sizes %d, %d):\ngot  %q\nwant %q", i, len(got), len(want),
		got[from:min(len(got), i+60)], want[from:min(len(want), i+60)])
}
