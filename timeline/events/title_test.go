package events

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestJoinKeptJudgesTidyAsTidyDoes checks that joinKept joins as joining
// the tokens one by one does (joinByToken), or, when it claims the result
// tidy, as respace of that; checks the tidiness joinKept works out while
// joining tokens against tidy's scan of the joined text, whenever joinKept
// claims to know it; checks that renderTidy gives what rendering did before
// it took joinKept's word (joinByToken, then respace unless tidy); and
// checks that a sentence none of whose tokens has cPairedMark gives joins
// with no byte hasPairedMark looks for (mayPair): over the sentences of the
// testdata articles and the seed, with odd spacing and marks added, joining
// all tokens, every other one and random subsets.
func TestJoinKeptJudgesTidyAsTidyDoes(t *testing.T) {
	paths, _ := filepath.Glob("testdata/*.md")
	paths = append(paths, "../../seeds/000_3439a67832322a1f.txt") // the seed, when present
	var texts []string
	for _, p := range paths {
		raw, err := os.ReadFile(p)
		if err != nil {
			continue // the seed may be absent
		}
		texts = append(texts, string(raw))
	}
	texts = append(texts, "He said ( in June ) that they do n't , and ' s ; : ? ! ) no .", "Go (  now)\t\tand\n n  't n ' t stop.\u00a0Then ( x", "a ,b",
		"They met ( in June and left", "They met [ in June and left", "Ann said n and n't and no", "They do n't know", "It is Kestria 's",
		"It rose , then fell ; it rose ( again ) . Why ? No ! So : yes .", "He ' s here , ( and ) ' s , x ) ; ( . It's a ' s b ' s c .",
		"They left ’ s , “ quietly ” , [ at 3 ] .", "Hyphen - dash – and — marks , said O’Brien .")
	r := rand.New(rand.NewPCG(7, 2026))
	known, checked, dropped := 0, 0, 0
	for _, text := range texts {
		for _, sp := range splitSentencesInto(nil, text) {
			s := sentence{text: text[sp.Start:sp.End]}
			s.toks = tokenize(s.text, false)
			for _, tk := range s.toks {
				s.cls |= tk.cls
			}
			for round := 0; round < 12; round++ {
				var keep []int
				for i := range s.toks {
					if round == 0 || round == 1 && i%2 == 0 || round > 1 && r.IntN(3) > 0 {
						keep = append(keep, i)
					}
				}
				got, isTidy, ok := joinKept(&s, keep)
				want := joinByToken(&s, keep)
				if got != want && (!ok || !isTidy || got != respace(want)) {
					t.Fatalf("joinKept(%q, %v) = %q, joining token by token gives %q", s.text, keep, got, want)
				}
				if got != want {
					dropped++
				}
				if !mayPair(&s) && hasPairedMark(want) {
					t.Fatalf("%q has no token of cPairedMark, but joining %v gives %q", s.text, keep, want)
				}
				rendered, renderedTidy := renderTidy(&s, keep)
				if ref := want; !tidy(ref) {
					want = respace(ref)
				}
				if rendered != want || renderedTidy && !tidy(rendered) {
					t.Fatalf("renderTidy(%q, %v) = %q (tidy %v), want %q", s.text, keep, rendered, renderedTidy, want)
				}
				checked++
				if !ok {
					continue
				}
				known++
				if want := tidy(got); isTidy != want {
					t.Fatalf("joinKept(%q, %v) = %q judged tidy %v, tidy says %v", s.text, keep, got, isTidy, want)
				}
			}
		}
	}
	if known < checked/2 {
		t.Errorf("joinKept knew the tidiness of only %d of %d joins", known, checked)
	}
	if dropped == 0 {
		t.Errorf("joinKept left out no space before a mark in %d joins", checked)
	}
}

// TestShortTitleKnowingNoPairsIsShortTitle checks shortTitleFrom told that
// a title is tidy and holds no quotation mark or bracket, when so (tidy,
// hasPairedMark), against shortTitle, which is told nothing: on the joins
// of the sentences of the testdata articles and the seed, and on odd
// texts, whole and respaced, short and over-long.
func TestShortTitleKnowingNoPairsIsShortTitle(t *testing.T) {
	paths, _ := filepath.Glob("testdata/*.md")
	paths = append(paths, "../../seeds/000_3439a67832322a1f.txt") // the seed, when present
	titles := []string{"", " ", "a", "the war ,", "He said ( in June ) that they do n't , and ' s ; : ? ! ) no .",
		"Go (  now)\t\tand\n n  't n ' t stop.\u00a0Then ( x", strings.Repeat("Verran ", 20), strings.Repeat("Verran", 20),
		"The founder and chair of the harbour board of Osk Trust Ilse Marren has quietly retired",
		"the council (which met late voted", "iPhone sales rose", "a ’ b … c – d",
		"the chief executive of Teral Lines marked the final crossing of the old ferry by unveiling a bronze plaque."}
	r := rand.New(rand.NewPCG(11, 2026))
	for _, p := range paths {
		raw, err := os.ReadFile(p)
		if err != nil {
			continue // the seed may be absent
		}
		text := string(raw)
		for _, sp := range splitSentencesInto(nil, text) {
			s := sentence{text: text[sp.Start:sp.End]}
			s.toks = tokenize(s.text, false)
			titles = append(titles, s.text, collapseSpace(s.text))
			for round := 0; round < 8; round++ {
				var keep []int
				for i := range s.toks {
					if round == 0 || r.IntN(4) > 0 {
						keep = append(keep, i)
					}
				}
				titles = append(titles, joinByToken(&s, keep))
			}
		}
	}
	for _, title := range titles {
		for _, x := range []string{title, respace(title), tidySpacing(title)} {
			if got, want := shortTitleFrom(x, tidy(x), hasPairedMark(x)), shortTitle(x); got != want {
				t.Fatalf("shortTitleFrom(%q, %v, %v) = %q, shortTitle gives %q", x, tidy(x), hasPairedMark(x), got, want)
			}
		}
	}
}

// joinByToken joins kept tokens one by one, with the text between two
// neighbours (one space when it is white space) and one space between
// tokens not neighbours: what joinKept must give, in place or copied.
func joinByToken(s *sentence, keep []int) string {
	out := ""
	for k, i := range keep {
		if k > 0 {
			switch gap := s.text[s.toks[keep[k-1]].end:s.toks[i].start]; {
			case keep[k-1] != i-1:
				out += " "
			case strings.TrimSpace(gap) == "" && gap != "":
				out += " "
			default:
				out += gap
			}
		}
		out += s.toks[i].text
	}
	return out
}

// TestTitleEndHelpersMatchTheirDefinitions checks trimEndMarks against
// strings.TrimRight with endMarks, isDangler against the danglers list
// lower-cased, and maxDangler against the list, on words and endings of
// every kind.
func TestTitleEndHelpersMatchTheirDefinitions(t *testing.T) {
	longest := 0
	for w := range danglers {
		longest = max(longest, len(w))
	}
	if longest != maxDangler {
		t.Fatalf("maxDangler = %d, the longest dangler has %d bytes", maxDangler, longest)
	}
	words := []string{"", " ", "a", "A", "The", "THE", "Between", "betweenx", "BETWEEN", "Amid", "amid—", "x –", "x—", "x-",
		"x ,;:", "x\u2013", "x\u2012", "x\u2015", "é", "Ünder", "İn", "\u212Aeep", "Armenia", "Armenia.", "war,", "to;", "x\x93", "x\xe2\x80"}
	for w := range danglers {
		words = append(words, w, strings.ToUpper(w), strings.ToUpper(w[:1])+w[1:]+" ")
	}
	for _, w := range words {
		if got, want := trimEndMarks(w), strings.TrimRight(w, endMarks); got != want {
			t.Errorf("trimEndMarks(%q) = %q, want %q", w, got, want)
		}
		if got, want := isDangler(w), danglers[strings.ToLower(w)]; got != want {
			t.Errorf("isDangler(%q) = %v, want %v", w, got, want)
		}
	}
}

// TestIsPhraseStarterMatchesList checks isPhraseStarter's packed table
// against phraseStarters lower-casing the word: every starter in any case
// and with a mark attached, and words that differ from one by a letter.
func TestIsPhraseStarterMatchesList(t *testing.T) {
	words := []string{"", "I", "In.", "Moscow", "Ünder", "ALONGSIDE", "Alongsides", "throughout"}
	for w := range phraseStarters {
		words = append(words, w, strings.ToUpper(w), strings.ToUpper(w[:1])+w[1:], w+",", w[:len(w)-1], "x"+w)
	}
	for _, w := range words {
		if got, want := isPhraseStarter(w), phraseStarters[strings.ToLower(w)]; got != want {
			t.Errorf("isPhraseStarter(%q) = %v, want %v", w, got, want)
		}
	}
}
