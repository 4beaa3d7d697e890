package timex

import (
	"testing"
	"time"
)

// FuzzResolve: no panic on any text, and every expression's span lies inside
// the text and matches its Text. Seeds are in testdata/fuzz/FuzzResolve.
func FuzzResolve(f *testing.F) {
	for _, s := range []string{
		"", "2024-06-12", "between 2018 and 2020", "Sept. 30, 1989", "the 1990s", "'90s", "mid-",
		"12/31/", "3 p.m. EST Thursday", "the year-earlier quarter", "a\u2013b 2018\u20132020", "\xff\xfe2020",
		"May may be", "from May to", "Q3 2012 Q", "twenty-four hours ago",
	} {
		f.Add(s, int64(1718323200))
	}
	f.Fuzz(func(t *testing.T, text string, unix int64) {
		dct := time.Unix(unix%(1<<34), 0).UTC()
		prev := -1
		for _, tx := range Resolve(text, dct) {
			if tx.Start < 0 || tx.Start >= tx.End || tx.End > len(text) {
				t.Fatalf("span [%d,%d) outside text of %d bytes", tx.Start, tx.End, len(text))
			}
			if text[tx.Start:tx.End] != tx.Text {
				t.Fatalf("text %q != text[%d:%d] %q", tx.Text, tx.Start, tx.End, text[tx.Start:tx.End])
			}
			if tx.Start < prev {
				t.Fatalf("not sorted by offset: %d after %d", tx.Start, prev)
			}
			prev = tx.Start
			if tx.Value == "" || tx.Type == "" {
				t.Fatalf("%q: empty type or value", tx.Text)
			}
		}
	})
}
