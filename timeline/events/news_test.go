package events

import (
	"testing"

	"github.com/newsline/timeline/timeline"
)

// sentenceOf returns the only sentence of text, tokenised as Extract does.
func sentenceOf(t *testing.T, text string) *sentence {
	t.Helper()
	a := timeline.Article{Path: "a.txt", Slug: "a", Text: text}
	a.Meta.Date = pub
	x := newExtractor(a, nil)
	t.Cleanup(func() { putScratch(x.scratch) })
	if len(x.sents) != 1 {
		t.Fatalf("%q: %d sentences", text, len(x.sents))
	}
	return &x.sents[0]
}

func TestSimplePast(t *testing.T) {
	cases := []struct {
		text string
		want bool
	}{
		{"The harbour board approved the new quay.", true},
		{"During a meeting held at its offices, the board approved the quay.", true},
		{"The board also announced that the quay will open to ferries.", true}, // "will" is reported
		{"The board has approved the new quay.", false},                        // present perfect
		{"Ferries sold in Osk already have larger engines.", false},            // "sold" is a participle
		{"The union claims that the board ignored its members.", false},        // present report
		{"The quay costs 4 million crowns.", false},
	}
	for _, c := range cases {
		if got := simplePast(sentenceOf(t, c.text)); got != c.want {
			t.Errorf("simplePast(%q) = %v, want %v", c.text, got, c.want)
		}
	}
}

func TestReportsInPast(t *testing.T) {
	cases := []struct {
		text string
		want bool
	}{
		{"Most dockers are members, the union noted.", true},
		{"Ferries are full, but the board also noted that more will come.", true},
		{"The board has announced a second quay.", false},            // participle after an auxiliary
		{"Dockers say the board announced too little.", false},       // inside a reported clause
		{"The recently announced quay is half built.", false},        // an adjective
		{"Dockers are angry about the quay.", false},                 // no speech at all
		{"\"The board said nothing,\" is what dockers tell.", false}, // quoted
	}
	for _, c := range cases {
		if got := reportsInPast(sentenceOf(t, c.text)); got != c.want {
			t.Errorf("reportsInPast(%q) = %v, want %v", c.text, got, c.want)
		}
	}
}

func TestFlashback(t *testing.T) {
	cases := []struct {
		text string
		want bool
	}{
		{"When the board first proposed the quay, dockers welcomed it.", true},
		{"When the quay originally opened, it served fishing boats.", true},
		{"When the vote closed, the chairman thanked the dockers.", false}, // no first occasion
		{"The board first proposed the quay, then withdrew it.", false},    // "at first", not a clause
		{"Dockers cheered when the board first proposed the quay.", false}, // "when" does not open
		{"\"When we first met, we argued,\" the chairman said.", false},    // quoted
	}
	for _, c := range cases {
		if got := flashback(sentenceOf(t, c.text)); got != c.want {
			t.Errorf("flashback(%q) = %v, want %v", c.text, got, c.want)
		}
	}
}
