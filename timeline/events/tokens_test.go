package events

import "testing"

// TestWordBytes8MatchesByteLoop checks the eight-byte word test against
// testing each byte in wordByte, on windows holding every byte value at
// every place, among letters and digits.
func TestWordBytes8MatchesByteLoop(t *testing.T) {
	for c := 0; c < 256; c++ {
		for at := 0; at < 8; at++ {
			for _, fill := range []string{"abcdefgh", "ZYXWVUTS", "01234567", "a1B2c3D4"} {
				b := []byte(fill)
				b[at] = byte(c)
				want := 0
				for want < 8 && wordByte[b[want]] {
					want++
				}
				if got := wordBytes8(string(b)); got != want {
					t.Fatalf("wordBytes8(%q) = %d, want %d", b, got, want)
				}
			}
		}
	}
}

// tokenize splits a text (a sentence or more) into words and punctuation,
// offsets relative to it, as the extractor's tokenizer does (tokenizeText).
// quoteOpen tells whether the text starts inside a quotation.
func tokenize(s string, quoteOpen bool) []token {
	toks, _, _ := tokenizeText(make([]token, 0, len(s)/5+4), s, asciiLower(s), 0, quoteOpen)
	return toks
}
