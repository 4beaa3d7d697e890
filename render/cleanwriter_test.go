package render

import (
	"bytes"
	"math/rand/v2"
	"testing"
)

// TestCleanWriterMatchesWholePageCleaning: any bytes, written in any pieces,
// come out as cleanHTMLText makes of them in one piece.
func TestCleanWriterMatchesWholePageCleaning(t *testing.T) {
	pieces := [][]byte{[]byte("<p>plain</p>"), []byte("é€😀"), []byte("\xe2\x82"), []byte("\xac"), {0}, {0x7f}, {0xc2, 0x85},
		[]byte("\ufdd0\uffff\U0001fffe"), []byte("\xff\xfe"), []byte("\xf0\x9f"), []byte("\t\n\f\r"), []byte("\x01"), []byte("\uFFFD"),
		[]byte("<p class=\"plain\">a longer run of printable ASCII ~}|{ text</p>"), []byte("0123456789abcdef\x7f0123456789abcdef"),
		[]byte("01234567\x1f89abcdef01234567")}
	rng := rand.New(rand.NewPCG(1, 2))
	for n := 0; n < 5000; n++ {
		var doc []byte
		for k := rng.IntN(12); k >= 0; k-- {
			doc = append(doc, pieces[rng.IntN(len(pieces))]...)
		}
		var got bytes.Buffer
		cw := &cleanWriter{w: &got}
		for rest := doc; len(rest) > 0; {
			cut := min(len(rest), 1+rng.IntN(4+20*rng.IntN(2)))
			if _, err := cw.Write(rest[:cut]); err != nil {
				t.Fatal(err)
			}
			rest = rest[cut:]
		}
		if err := cw.Close(); err != nil {
			t.Fatal(err)
		}
		if want := cleanHTMLText(bytes.Clone(doc)); !bytes.Equal(got.Bytes(), want) {
			t.Fatalf("%q: got %q, want %q", doc, got.Bytes(), want)
		}
	}
}
