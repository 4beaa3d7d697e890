package merge

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// TestStemmerMatchesContentStems: the stemmer's IDs spell the same stems as
// contentStems, on random text mixing ASCII of every class, apostrophes
// (straight and curly), non-ASCII letters, digits and marks, invalid UTF-8,
// and words of eight bytes and longer (read eight bytes at a time).
func TestStemmerMatchesContentStems(t *testing.T) {
	pieces := []string{"a", "e", "k", "s", "ing", "ed", "ies", "Z", "Q", "War", "7", "0", " ", "  ", ",", ".", "-", "'", "’",
		"'s", "é", "É", "ß", "İ", "Σ", "ж", "٣", "\u0301", "\xff", "\xe2\x80", "—", "\t", "\n", "said", "the", "Belarus", "x",
		"Governments", "INTERNATIONALLY", "abcdefgh", "Nagorno-Karabakh"}
	rng := rand.New(rand.NewPCG(8, 9))
	interner := map[string]int32{}
	st := newStemmer(interner)
	for trial := 0; trial < 5000; trial++ {
		var b strings.Builder
		for k := rng.IntN(30); k > 0; k-- {
			b.WriteString(pieces[rng.IntN(len(pieces))])
		}
		text := b.String()
		if got, want := stemsSpelled(st, interner, text), contentStems(text, nil); !slices.Equal(got, want) {
			t.Fatalf("%q: stemmer gives %q, contentStems %q", text, got, want)
		}
	}
	// Words read in place and words spelled in the buffer are keyed alike:
	// every slot holds the hash and head wordKey gives its word, so a word
	// is found whichever way it is read (and the table grows consistently).
	filled := 0
	for _, s := range st.cache.slots {
		if s.word == "" {
			continue
		}
		filled++
		if h, head := wordKey(s.word); s.hash != h || s.head != head {
			t.Fatalf("%q cached with hash %#x head %#x, wordKey gives %#x %#x", s.word, s.hash, s.head, h, head)
		}
	}
	if filled != st.cache.used { // a word filled twice: looked up in a table since grown
		t.Fatalf("%d slots filled, the table counts %d", filled, st.cache.used)
	}
}

// TestStemmerGrowsMidText: the word table grows while one text is read, after
// words read in place and after words spelled in the buffer (apostrophes,
// non-ASCII letters), and every word is still found once and stemmed as
// contentStems stems it.
func TestStemmerGrowsMidText(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	pool := make([]string, 3000)
	for k := range pool {
		var w []byte
		for c := 2 + rng.IntN(12); c > 0; c-- {
			w = append(w, byte('a'+rng.IntN(26)))
		}
		pool[k] = string(w)
	}
	var b strings.Builder
	for k := 0; k < 20000; k++ {
		w := pool[rng.IntN(1+min(k/2, len(pool)-1))] // new words early, repeats throughout
		switch rng.IntN(5) {
		case 0:
			b.WriteString(w + "'s")
		case 1:
			b.WriteString(w + "é")
		case 4: // spelled, though it is the same word as the ASCII one
			b.WriteString(w + "—")
		case 2:
			b.WriteString(strings.ToUpper(w[:1]) + w[1:])
		default:
			b.WriteString(w)
		}
		b.WriteString(" ")
	}
	text := b.String()
	interner := map[string]int32{}
	st := newStemmer(interner)
	if got, want := stemsSpelled(st, interner, text), contentStems(text, nil); !slices.Equal(got, want) {
		t.Fatalf("stemmer and contentStems differ on a long text")
	}
	filled := 0
	for _, s := range st.cache.slots {
		if s.word != "" {
			filled++
		}
	}
	if filled != st.cache.used || len(st.cache.slots) <= 1024 {
		t.Fatalf("%d slots filled, the table counts %d (%d slots)", filled, st.cache.used, len(st.cache.slots))
	}
}

// stemsSpelled stems text with st and spells each stem ID back through the
// stemmer's interner, to compare with contentStems.
func stemsSpelled(st *stemmer, interner map[string]int32, text string) []string {
	ids := st.appendIDs(text, nil)
	names := make([]string, len(interner))
	for w, id := range interner {
		names[id] = w
	}
	got := make([]string, 0, len(ids))
	for _, id := range ids {
		got = append(got, names[id])
	}
	return got
}
