package render

import (
	"bytes"
	"math/rand/v2"
	"strings"
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
		want := cleanHTMLText(bytes.Clone(doc))
		if !bytes.Equal(got.Bytes(), want) {
			t.Fatalf("%q: got %q, want %q", doc, got.Bytes(), want)
		}
		if clean := bytes.Equal(doc, want); needsNoCleaning(doc) != clean {
			t.Fatalf("%q: needsNoCleaning = %v, but cleaning it changes it: %v", doc, !clean, !clean)
		}
	}
}

// TestNeedsNoCleaningAtEveryPosition puts every byte value and a few
// characters at every position of an ASCII text (every place in an 8-byte
// word, and the tail) and compares needsNoCleaning with cleanHTMLText.
func TestNeedsNoCleaningAtEveryPosition(t *testing.T) {
	base := []byte("<p class=\"x\">Plain text ~ of forty bytes.</p>")
	var inserts [][]byte
	for c := 0; c < 256; c++ {
		inserts = append(inserts, []byte{byte(c)})
	}
	for _, s := range []string{"é", "\u0085", "\ufdd0", "\uffff", "\U0001fffe", "€", "\xe2\x82", "\xed\xa0\x80", "\n\t\r\f"} {
		inserts = append(inserts, []byte(s))
	}
	for _, ins := range inserts {
		for at := 0; at <= len(base); at++ {
			doc := append(append(append([]byte(nil), base[:at]...), ins...), base[at:]...)
			clean := bytes.Equal(cleanHTMLText(bytes.Clone(doc)), doc)
			if got := needsNoCleaning(doc); got != clean {
				t.Fatalf("%q: needsNoCleaning = %v, want %v", doc, got, clean)
			}
		}
	}
}

// TestShellPagesWithForbiddenFieldsAreCleaned: a shell page whose fields or
// content hold invalid UTF-8 and forbidden characters is cleaned whole (the
// page writer skips the check only when every piece passed it).
func TestShellPagesWithForbiddenFieldsAreCleaned(t *testing.T) {
	tl := fixture(t)
	for i := range tl.Events {
		tl.Events[i].Title += " \xff\x00\x7f\u0085\ufdd0 end"
	}
	plan, err := Plan(tl, Config{Title: "T \x01", BaseURL: "https://school.example/"})
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, p := range plan {
		if !strings.HasSuffix(p.Path, ".html") {
			continue
		}
		var got bytes.Buffer
		if err := p.Render(&got); err != nil {
			t.Fatal(err)
		}
		if !needsNoCleaning(got.Bytes()) {
			t.Errorf("%s: written with characters cleaning replaces", p.Path)
		}
		if strings.HasPrefix(p.Path, "events/") && !strings.Contains(got.String(), "\uFFFD end") {
			t.Errorf("%s: the title's forbidden characters were not replaced", p.Path)
		}
		checked++
	}
	if checked == 0 {
		t.Fatal("no HTML page")
	}
}
