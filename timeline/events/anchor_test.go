package events

import (
	"strings"
	"testing"
)

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
		// a speech tag in mid-sentence names the speaker and reports nothing
		{"The fleet halved in 2019, said the fisheries board, and lost its cannery in 2021.", "2021", false},
		{"The council, said Ms. Varga, voted on Tuesday to close the pier.", "Tuesday", false},
		// but a verb of saying after a comma that goes on with a clause does report
		{"Varga, 54, said the fleet shrank in 2019.", "2019", true},
		{"Varga, 54, said the fleet, which grew in 2019, would be sold.", "2019", true},
	}
	for _, c := range cases {
		s := sentenceOf(t, c.text)
		if got := insideReportedClause(s.toks, tokenAt(t, s, c.at)) > 0; got != c.want {
			t.Errorf("insideReportedClause(%q at %q) = %v, want %v", c.text, c.at, got, c.want)
		}
	}
}

func TestRelativeAside(t *testing.T) {
	cases := []struct {
		text, at, end string // the date's first and last words (end: at if "")
		want          string // the aside's words, "" for none
	}{
		{"Brandt, who had led the city since 2014, resigned.", "2014", "", "who had led the city since 2014"},
		// a comma inside the date does not close the aside
		{"Brandt, born in Port Varda on March 3, 1950, led the city.", "March", "1950", "born in Port Varda on March 3 , 1950"},
		{"The harbour bridge, opened in 1987, was closed.", "1987", "", "opened in 1987"},
		// after a name, "which" opens an aside without its comma; after a
		// common noun it defines the noun
		{"He bought Orvane which was sold in 2005.", "2005", "", "which was sold in 2005"},
		{"The ferries which sailed in 1990 were sold.", "1990", "", ""},
		// the main verb after an appositive, not an aside
		{"The mayor of Tarsk, Ilse Brandt, resigned on Thursday, days after the report.", "Thursday", "", ""},
		// a closing participle phrase, not an aside
		{"The council met on Monday, shocked by the news of 2019.", "2019", "", ""},
		// after a verb, not a name or a noun with its article
		{"The line was sold, renamed in 2004, and sold again.", "2004", "", ""},
	}
	for _, c := range cases {
		s := sentenceOf(t, c.text)
		i, last := tokenAt(t, s, c.at), 0
		if c.end == "" {
			last = i + 1
		} else {
			last = tokenAt(t, s, c.end) + 1
		}
		r0, r1 := relativeAside(s.toks, i, last)
		var words []string
		for k := r0; k < r1; k++ {
			words = append(words, s.toks[k].text)
		}
		if got := strings.Join(words, " "); got != c.want {
			t.Errorf("relativeAside(%q at %q) = %q, want %q", c.text, c.at, got, c.want)
		}
	}
}

func TestIsBaseline(t *testing.T) {
	cases := []struct {
		text, at string
		want     bool
	}{
		{"Fares rose 3.2 percent more than in 2019.", "2019", true},
		{"Fares are up 82% from 2019.", "2019", true},
		// the amount a change started from
		{"Revenue rose to 7.1 billion crowns in 2018 from 5.8 billion crowns in 2017.", "2017", true},
		{"The dividend was 5 pence, up from 4 pence a year earlier.", "a", true},
		{"Revenue rose to 7.1 billion crowns in 2018 from 5.8 billion crowns in 2017.", "2018", false},
		{"The dye works moved from Orlen in 2009.", "2009", false},
		{"Output grew from 2010 to 2014.", "2010", false},
	}
	for _, c := range cases {
		s := sentenceOf(t, c.text)
		if got := isBaseline(s.toks, tokenAt(t, s, c.at)); got != c.want {
			t.Errorf("isBaseline(%q at %q) = %v, want %v", c.text, c.at, got, c.want)
		}
	}
}

func TestMidSpeechTag(t *testing.T) {
	cases := []struct {
		text string
		want string // the tag's tokens after its opening comma, "" for none
	}{
		{"The council, said Ms. Varga, voted to close the pier.", "said Ms . Varga"},
		{"The council, Ms. Varga said, voted to close the pier.", "Ms . Varga said"},
		{"Fares, officials said on Tuesday, will rise.", "officials said on Tuesday"},
		{"The tug sank, said the harbour master, and the crew swam ashore.", "said the harbour master"},
		{"The tug sank, said he, and the crew swam ashore.", "said he"},
		// no tag
		{"The tug sank, the harbour master said.", ""},                               // it ends the sentence
		{"Varga, 54, said the fleet, which grew in 2019, would be sold.", ""},        // a relative clause follows
		{"The bridge, estimated at $5 million, opened in 2015.", ""},                 // no speaker
		{"The port, the mayor said that day, and the union agreed.", ""},             // "that" after the verb
		{"The tug sank, said the harbour master who saw it, and the crew swam.", ""}, // a verb of its own
		{"The port, which the board said, was sold.", ""},
		{"Trade, the mayor said in a long statement to the council, fell.", ""}, // too long after the verb
	}
	for _, c := range cases {
		s := sentenceOf(t, c.text)
		got := ""
		for i := range s.toks {
			if s.toks[i].text != "," {
				continue
			}
			if m := midSpeechTag(s.toks, i); m > 0 {
				var words []string
				for _, tk := range s.toks[i+1 : m] {
					words = append(words, tk.text)
				}
				got = strings.Join(words, " ")
				break
			}
		}
		if got != c.want {
			t.Errorf("midSpeechTag(%q) = %q, want %q", c.text, got, c.want)
		}
	}
}
