package events

import "testing"

// tokenAt returns the index of the first token of s whose text is word.
func tokenAt(t *testing.T, s *sentence, word string) int {
	t.Helper()
	for i := range s.toks {
		if s.toks[i].text == word {
			return i
		}
	}
	t.Fatalf("%q: no token %q", s.text, word)
	return -1
}

func TestInsideReportedClause(t *testing.T) {
	cases := []struct {
		text, at string
		want     bool
	}{
		{"The mayor said the quay closed in 2014.", "2014", true},
		{"Auditors reported, citing the accounts, that the port lost money in 2019.", "2019", true},
		// a comma opening a participle phrase ends the reported clause,
		// and "added" with an object reported nothing
		{"The line added night crossings to its routes, prompting the port to sue in 1998.", "1998", false},
		// a participle of saying goes on reporting
		{"The mayor said the port lost money, adding that the quay closed in 2014.", "2014", true},
		{"The mayor said the port lost money, saying the quay closed in 2014.", "2014", true},
	}
	for _, c := range cases {
		s := sentenceOf(t, c.text)
		if got := insideReportedClause(s.toks, tokenAt(t, s, c.at)) > 0; got != c.want {
			t.Errorf("insideReportedClause(%q at %q) = %v, want %v", c.text, c.at, got, c.want)
		}
	}
}
