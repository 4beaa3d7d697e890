package events

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestJoinKeptJudgesTidyAsTidyDoes checks that joinKept joins as joining
// the tokens one by one does (joinByToken), and checks the tidiness joinKept works out
// while joining tokens against tidy's scan of the joined text, whenever
// joinKept claims to know it: over the sentences of the testdata articles
// and the seed, with odd spacing and marks added, joining all tokens, every
// other one and random subsets.
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
		"They met ( in June and left", "They met [ in June and left", "Ann said n and n't and no", "They do n't know", "It is Kestria 's")
	r := rand.New(rand.NewPCG(7, 2026))
	known, checked := 0, 0
	for _, text := range texts {
		for _, sp := range splitSentencesInto(nil, text) {
			s := sentence{text: text[sp.Start:sp.End]}
			s.toks = tokenize(s.text, false)
			for round := 0; round < 12; round++ {
				var keep []int
				for i := range s.toks {
					if round == 0 || round == 1 && i%2 == 0 || round > 1 && r.IntN(3) > 0 {
						keep = append(keep, i)
					}
				}
				got, isTidy, ok := joinKept(&s, keep)
				if want := joinByToken(&s, keep); got != want {
					t.Fatalf("joinKept(%q, %v) = %q, joining token by token gives %q", s.text, keep, got, want)
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
