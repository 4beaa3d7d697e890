package events

import (
	"sort"
	"strings"

	"github.com/newsline/timeline/timeline/timex"
)

// Word lists the rules read. They describe English news prose in general, never
// one article: event nouns, tense markers, function words.

func set(words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}

// eventNouns name happenings; a date modifying one of them dates an event
// ("the 2020 war", "its launch in 2003"). A date modifying any other noun
// ("its 2024 budget contribution") dates nothing by itself.
var eventNouns = set(
	"war", "wars", "attack", "attacks", "capture", "invasion", "offensive", "operation", "conflict",
	"battle", "siege", "bombing", "shelling", "strike", "strikes", "raid", "massacre", "assassination",
	"coup", "uprising", "revolution", "protest", "protests", "riot", "riots", "clashes", "ceasefire",
	"truce", "annexation", "occupation", "withdrawal", "pullout", "takeover", "capitulation", "surrender",
	"election", "elections", "vote", "referendum", "ballot", "inauguration", "resignation", "appointment",
	"summit", "meeting", "talks", "negotiations", "visit", "trip", "conference", "convention", "keynote",
	"debate", "hearing", "trial", "verdict", "ruling", "lawsuit", "suit", "indictment", "arrest",
	"agreement", "deal", "treaty", "accord", "pact", "merger", "acquisition", "purchase", "sale",
	"launch", "release", "debut", "unveiling", "announcement", "opening", "closure", "shutdown",
	"recall", "bankruptcy", "collapse", "crash", "explosion", "fire", "earthquake", "flood", "floods",
	"storm", "hurricane", "typhoon", "tsunami", "eruption", "outbreak", "epidemic", "pandemic",
	"recession", "crisis", "default", "blockade", "embargo", "sanctions", "expulsion", "deportation",
	"independence", "founding", "death", "birth", "funeral", "wedding", "festival", "olympics",
	"games", "championship", "tournament", "final", "cup", "deliveries", "delivery", "shipment",
	"shipments", "exodus", "evacuation", "rescue", "defeat", "victory", "win", "loss", "escalation",
	"crackdown", "reform", "reforms", "dispute", "split", "breakup", "rally", "march", "strike",
	"killing", "killings", "shooting", "hijacking", "kidnapping", "invasions", "mobilisation",
	"mobilization", "blackout", "leak", "leaks", "scandal", "audit", "inquiry", "investigation",
)

// determiners open a noun phrase a date can premodify ("the 2020 war").
var determiners = set("the", "a", "an", "its", "his", "her", "their", "our", "my", "your")

// prepositions that attach a date to what precedes it.
var datePrepositions = set("in", "on", "at", "during", "since", "from", "between", "by", "until", "till", "through", "throughout", "of", "before", "after", "around", "about", "early", "late", "mid", "earlier", "later", "as")

// futureMarkers license a date after the publication date.
var futureMarkers = set("will", "would", "shall", "plans", "plan", "planned", "planning", "scheduled",
	"slated", "expected", "expects", "due", "upcoming", "intends", "intend", "aims", "set", "next", "forthcoming", "'ll", "going")

// presentMarkers are finite verbs of the present tense: a sentence whose first
// finite verb is one of them describes the state of things at publication.
var presentMarkers = set("is", "are", "am", "has", "have", "does", "do", "says", "remains", "remain",
	"seems", "seem", "appears", "include", "includes", "admit", "admits", "believe", "believes",
	"understand", "understands", "see", "sees", "want", "wants", "needs", "need", "know", "knows",
	"think", "thinks", "hope", "hopes", "fear", "fears", "argue", "argues", "insist", "insists",
	"say", "tell", "tells", "warn", "warns", "expect", "expects", "plan", "plans", "continue",
	"continues", "account", "accounts", "lasts", "reflect", "reflects", "show", "shows", "can", "may",
	"must", "will", "could", "should", "'s", "'re", "'ve")

// presentVerbsS are present-tense verbs that double as plural nouns ("its
// design features"): they mark the present only right after a subject
// pronoun or a capitalised name ("It comes in two colours").
var presentVerbsS = set("comes", "goes", "uses", "makes", "offers", "costs", "contains", "features",
	"runs", "supports", "lets", "gives", "takes", "holds", "owns", "sells", "means", "looks", "becomes",
	"provides", "allows", "requires", "describes", "predicts", "adds", "attributes", "estimates",
	"considers", "faces", "leads", "plays", "works", "stands", "states", "displays", "calls")

// subjectPronouns precede a finite verb.
var subjectPronouns = set("it", "he", "she", "this", "that", "which", "who", "one")

// pastMarkers are finite verbs of the past tense that carry no -ed ending
// (or too short a word for finiteVerb's -ed rule, which wants over four
// letters): the resolver's irregular pasts (timex.IrregularPasts, one list
// for both readers of tense) and the pasts whose present (or a noun) is the
// same word, which the resolver does not take for the past out of context.
var pastMarkers = set(append(timex.IrregularPasts(),
	"hit", "put", "set", "cut", "shut", "quit", "read", "let", "cost", "beat", "bid", "wound")...)

// reportingVerbs introduce speech; a date inside the reported clause dates the
// reported happening, not the report.
var reportingVerbs = set("said", "says", "say", "told", "tells", "reported", "reports", "announced",
	"announces", "claimed", "claims", "stated", "states", "added", "noted", "wrote", "confirmed",
	"revealed", "admitted", "argued", "insisted", "warned", "alleged", "acknowledged", "explained",
	"denied", "believes", "believed", "thinks", "thought", "indicated", "suggested", "estimated")

// personTitles precede a person's name ("Prime Minister Nikol Pashinyan").
var personTitles = set("President", "Minister", "Chancellor", "King", "Queen", "Prince", "Princess",
	"Mr", "Mrs", "Ms", "Dr", "Sir", "Dame", "Senator", "Sen", "Governor", "Gov", "Mayor", "General",
	"Gen", "Colonel", "Captain", "Judge", "Justice", "Pope", "Bishop", "Ambassador", "Secretary",
	"Chairman", "Chairwoman", "Chair", "CEO", "Director", "Spokesman", "Spokeswoman", "Spokesperson",
	"Premier", "Commander", "Sheikh", "Emir", "Lord", "Lady", "Professor", "Prof", "Rep",
	"Representative", "Deputy", "Speaker", "Chief", "Officer", "Founder", "Co-founder")

// lowerPersonTitles precede a name in running text ("spokesman Vladimir Zainetdinov").
var lowerPersonTitles = set("spokesman", "spokeswoman", "spokesperson", "minister", "president",
	"diplomat", "official", "leader", "chief", "ceo", "founder", "co-founder", "director", "analyst",
	"economist", "lawyer", "chairman", "executive", "journalist", "professor", "envoy", "ambassador")

// orgSuffixes end the names of organisations ("Eurasian Economic Union").
var orgSuffixes = set("Organization", "Organisation", "Ministry", "Bloc", "Union", "Council",
	"Committee", "Party", "Inc", "Corp", "Corporation", "Corps", "Company", "Co", "Ltd", "Times",
	"Bank", "Agency", "Association", "Institute", "University", "College", "Court", "Parliament",
	"Assembly", "Commission", "Group", "Fund", "Service", "Army", "Forces", "Force", "Office",
	"Department", "League", "Federation", "Alliance", "Network", "News", "Post", "Journal", "Tribune",
	"Foundation", "Authority", "Board", "Police", "Navy", "Guard", "Front", "Movement", "Institution",
	"Trust", "Society", "Club", "Team", "Airlines", "Airways", "Holdings", "Industries", "Motors",
	"Systems", "Technologies", "Labs", "Press", "Herald", "Gazette", "Congress", "Senate", "Cabinet",
	"Kremlin", "Pentagon", "Secretariat", "Directorate", "Bureau", "Centre", "Center", "Conference")

// placePrepositions put a place name after them ("in Yerevan", "to Minsk").
var placePrepositions = set("in", "to", "from", "near", "across", "into", "outside", "at", "towards", "toward", "visit", "visited")

// sentenceOpeners are capitalised only because they start a sentence or clause.
var sentenceOpeners = set("The", "A", "An", "But", "And", "Or", "In", "On", "At", "As", "It", "He",
	"She", "They", "We", "I", "You", "This", "That", "These", "Those", "There", "Here", "If",
	"When", "While", "After", "Before", "Since", "Later", "Earlier", "Yesterday", "Today", "Tomorrow",
	"Last", "Next", "Some", "Many", "Most", "Beyond", "Along", "However", "Meanwhile", "Moving",
	"Speaking", "Its", "His", "Her", "Their", "Our", "Five", "One", "Two", "Three", "Four", "First",
	"Then", "During", "Under", "With", "Without", "For", "From", "By", "To", "Of", "Unfortunately",
	"Everything", "Nothing", "Ultimatums", "Pre-orders", "According", "Rather", "Also", "Former",
	"Yes", "No", "Not", "What", "Who", "Why", "How", "Where", "Which", "Both", "Each", "All", "Such",
	"Despite", "Although", "Though", "Because", "Once", "Until", "Over", "About", "Among", "Between",
	"Following", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday",
	"January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
	"November", "December", "Spring", "Summer", "Autumn", "Winter", "Christmas")

// monthsAndDays are capitalised but name times, not entities.
var monthsAndDays = set("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday",
	"January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
	"November", "December")

// classTable maps the words of some lists to class bits, with a filter in
// front: a word the filter rejects is surely in no list, so the many words of
// a text that are listed nowhere (most names, most words) cost a
// multiplication and a bit test. A word the filter lets through is found in
// an open-addressing table of the listed words. Most words are at most eight
// bytes long: those are packed into an integer, hashed and compared as one,
// with no string comparison; longer ones are hashed with FNV-1a.
type classTable struct {
	classes map[string]uint32 // the lists' words, as built (tests read it)
	filter  [filterBits / 64]uint64
	slots   []classSlot // the words of classes at their hash, or after it
	mask    uint32      // len(slots) - 1
}

type classSlot struct {
	key   uint64 // the word packed (packWord), when it has at most eight bytes
	n     uint32 // the word's length; 0 for an empty slot
	class uint32
	word  string
}

// filterBits sizes the filter: a few hundred words set about 2% of its bits.
const filterBits = 1 << 14

func newClassTable(classes map[string]uint32) *classTable {
	t := &classTable{classes: classes}
	size := 16
	for size < 4*len(classes) {
		size *= 2 // at most a quarter full: probes stay short
	}
	t.slots, t.mask = make([]classSlot, size), uint32(size-1)
	words := make([]string, 0, len(classes))
	for w := range classes {
		words = append(words, w)
	}
	sort.Strings(words) // a fixed layout, whatever the map's order
	for _, w := range words {
		if w == "" {
			continue
		}
		h := filterSlot(w)
		t.filter[h/64] |= 1 << (h % 64)
		sl := classSlot{n: uint32(len(w)), class: classes[w], word: w}
		i := wordHash(w)
		if len(w) <= 8 {
			sl.key = packWord(w)
			i = packedHash(sl.key, len(w))
		}
		for i &= t.mask; t.slots[i].n != 0; i = (i + 1) & t.mask {
		}
		t.slots[i] = sl
	}
	return t
}

// filterSlot hashes a word's first and last bytes and its length.
func filterSlot(w string) uint32 {
	h := uint32(w[0]) | uint32(w[len(w)-1])<<8 | uint32(len(w)&0xff)<<16
	return (h * 0x9E3779B1) >> (32 - 14)
}

// wordHash is FNV-1a over the bytes of w.
func wordHash(w string) uint32 {
	h := uint32(2166136261)
	for i := 0; i < len(w); i++ {
		h = (h ^ uint32(w[i])) * 16777619
	}
	return h
}

// packWord packs the bytes of a word of at most eight bytes into an integer,
// the first byte lowest. With its length it identifies the word. It reads
// the word in at most two loads that may overlap (a byte read twice lands in
// the same place both times) rather than byte by byte.
func packWord(w string) uint64 {
	switch n := len(w); {
	case n >= 4:
		lo := uint64(w[0]) | uint64(w[1])<<8 | uint64(w[2])<<16 | uint64(w[3])<<24
		hi := uint64(w[n-4]) | uint64(w[n-3])<<8 | uint64(w[n-2])<<16 | uint64(w[n-1])<<24
		return lo | hi<<(8*(n-4))
	case n > 0:
		return uint64(w[0]) | uint64(w[n/2])<<(8*(n/2)) | uint64(w[n-1])<<(8*(n-1))
	}
	return 0
}

// packedHash hashes a packed word and its length.
func packedHash(k uint64, n int) uint32 {
	return uint32(((k ^ uint64(n)<<59) * 0x9E3779B97F4A7C15) >> 32)
}

// get returns the classes of w, 0 when it is in no list.
func (t *classTable) get(w string) uint32 {
	if !t.mayHold(w) {
		return 0
	}
	return t.lookup(w)
}

// mayHold is get's filter: false when w is surely in no list. It is small
// enough to be inlined, so the tokenizer, which looks up every word and
// finds most in no list, tests it before calling lookup.
func (t *classTable) mayHold(w string) bool {
	if len(w) == 0 {
		return true // the empty word is looked up in the map
	}
	h := filterSlot(w)
	return t.filter[h>>6]>>(h&63)&1 != 0
}

// lookup is get past the filter: the word's slot in the table.
func (t *classTable) lookup(w string) uint32 {
	if w == "" {
		return t.classes[w]
	}
	n := uint32(len(w))
	if n <= 8 {
		return t.lookupPacked(packWord(w), len(w))
	}
	for i := wordHash(w) & t.mask; ; i = (i + 1) & t.mask {
		sl := &t.slots[i]
		if sl.n == 0 {
			return 0
		}
		if sl.n == n && sl.word == w {
			return sl.class
		}
	}
}

// lookupPacked is lookup of a word of n bytes, 1 to 8, given packed (packWord):
// the tokenizer packs a word in one load from the text around it.
func (t *classTable) lookupPacked(k uint64, n int) uint32 {
	for i := packedHash(k, n) & t.mask; ; i = (i + 1) & t.mask {
		sl := &t.slots[i]
		if sl.n == 0 {
			return 0
		}
		if sl.key == k && sl.n == uint32(n) {
			return sl.class
		}
	}
}

// Word classes: the lower-case lists a word belongs to, as bits. A token
// carries the classes of its lower-case form (token.cls), looked up once
// when the sentence is tokenised, so the rules, which ask the same few lists
// of the same words many times over, test a bit instead of hashing the word
// again for each question.
const (
	cEventNoun   uint32 = 1 << iota // eventNouns
	cDeterminer                     // determiners
	cDatePrep                       // datePrepositions
	cFuture                         // futureMarkers
	cPresent                        // presentMarkers
	cPresentS                       // presentVerbsS
	cSubject                        // subjectPronouns
	cPast                           // pastMarkers
	cReporting                      // reportingVerbs
	cLowerTitle                     // lowerPersonTitles
	cPlacePrep                      // placePrepositions
	cSaid                           // saidWords
	cModal                          // modals
	cSpeechAct                      // speechActs
	cAux                            // auxiliaries
	cTailStarter                    // tailStarters
	cPhrasePrep                     // phrasePrepositions
	cSince                          // sinceWords
	cJoin                           // conjunctions
	cCapWord                        // capWords: its written form may be one of capFlags
	cRelative                       // relativeWords
	cAmount                         // amountWords

	// cPairedMark is no list's: the tokenizer gives it to a token whose
	// text holds a byte hasPairedMark looks for (a quotation mark, a
	// bracket, or 0xE2, which leads “, ”, ’ and the dashes), so a
	// sentence's classes (sentence.cls) tell whether a title made of its
	// tokens may hold one, without a scan of the title's bytes.
	cPairedMark
	// cComma and cCutMark are no list's either: the marks "," and ";",
	// ":", "-", "!", "?" (cutTail's, but for the dashes, which are
	// cPairedMark), given by the tokenizer (markClass), so a title's
	// steps, which look for them among its words, test a bit.
	cComma
	cCutMark
)

// classLists pairs each lower-case list with its class bit.
var classLists = []struct {
	words map[string]bool
	class uint32
}{
	{eventNouns, cEventNoun}, {determiners, cDeterminer}, {datePrepositions, cDatePrep},
	{futureMarkers, cFuture}, {presentMarkers, cPresent}, {presentVerbsS, cPresentS},
	{subjectPronouns, cSubject}, {pastMarkers, cPast}, {reportingVerbs, cReporting},
	{lowerPersonTitles, cLowerTitle}, {placePrepositions, cPlacePrep}, {saidWords, cSaid},
	{modals, cModal}, {speechActs, cSpeechAct}, {auxiliaries, cAux}, {tailStarters, cTailStarter},
	{phrasePrepositions, cPhrasePrep}, {sinceWords, cSince}, {conjunctions, cJoin},
	{capWords, cCapWord}, {relativeWords, cRelative}, {amountWords, cAmount},
}

// capWords are the words of capFlags lower-cased (strings.ToLower, which is
// how the tokenizer lower-cases a word: asciiLower is the same for ASCII): a
// token whose lower-case form is none of them is written as no word of
// capFlags, and its capFlags are 0 without a look-up (capFlagsOf).
var capWords = func() map[string]bool {
	m := map[string]bool{}
	for w := range capFlags.classes {
		m[strings.ToLower(w)] = true
	}
	return m
}()

// capFlagsOf is capFlags.get(tk.text), looked up only when the token's
// classes say its word may be in the table.
func capFlagsOf(tk *token) uint32 {
	if tk.cls&cCapWord == 0 {
		return 0
	}
	return capFlags.get(tk.text)
}

// conjunctions join two verb phrases or clauses of a dated sentence, which a
// title keeps only the dated one of (datedConjunct).
var conjunctions = set("and", "but")

// relativeWords open a relative clause.
var relativeWords = set("who", "which", "whose", "whom", "where")

// sinceWords is "since" alone: a sentence holding no token of its class
// (sentence.cls) has none to count from, and sinceEvent skips it.
var sinceWords = set("since")

// wordClasses gives the classes of a lower-case word; it is built from the lists.
var wordClasses = func() *classTable {
	m := map[string]uint32{}
	for _, l := range classLists {
		for w, ok := range l.words {
			if ok {
				m[w] |= l.class
			}
		}
	}
	return newClassTable(m)
}()

// classOf returns the classes of a lower-case word that is not a token's.
func classOf(w string) uint32 { return wordClasses.get(w) }
