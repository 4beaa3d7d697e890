// Package events turns an article's resolved dates into candidate events: dated
// statements (a clause anchored by a date, or by the narrative date carried on
// from an earlier sentence), dated noun phrases ("the 2020 war") and one lead
// event per article at its publication date holding the undated statements.
package events

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/newsline/timeline/timeline"
	"github.com/newsline/timeline/timeline/timex"
)

// Extract returns the candidate events of one article, in text order with the
// lead event first. Mentions point at the original file through a.Offsets;
// IDs are left to the merge.
func Extract(a timeline.Article) []timeline.Event {
	checkLength(a)
	buf := timexPool.Get().(*[]timeline.Timex)
	ts := timex.ResolveAppend((*buf)[:0], a.Text, a.Meta.Date)
	evs := ExtractWith(a, ts)
	// The expressions are read while extracting, never kept: the events
	// copy their dates, and their strings are the text's or the
	// resolver's, not the buffer's.
	clear(ts)
	if cap(ts) <= maxPooledTimexes {
		*buf = ts[:0]
		timexPool.Put(buf)
	}
	return evs
}

// timexPool recycles Extract's buffer of resolved expressions: a new slice
// per article was about 1.8 KB of garbage (17.8 MB per 10,000 articles), as
// much as extraction's own events' Mentions.
var timexPool = sync.Pool{New: func() any { return new([]timeline.Timex) }}

// maxPooledTimexes bounds a recycled buffer (about 190 KB).
const maxPooledTimexes = 1024

// ExtractWith is Extract given the article's already resolved expressions (so
// a caller that resolved them once, or a test, need not resolve again).
func ExtractWith(a timeline.Article, timexes []timeline.Timex) []timeline.Event {
	checkLength(a)
	x := newExtractor(a, timexes)
	defer x.release()
	x.run()
	return x.result()
}

// maxText is the longest text extraction reads (bytes): tokens hold their
// offsets as int32, and a sentence longer than that would come out cut
// short or panic out of range. Ingest never gives more than 1 GB. A
// variable, so that a test can lower it.
var maxText = math.MaxInt32

// checkLength panics, naming the article, when its text is longer than
// maxText: a clear refusal (ExtractAll reports it through failed) where
// the offsets would otherwise wrap unnoticed.
func checkLength(a timeline.Article) {
	if len(a.Text) > maxText {
		panic(fmt.Sprintf("events: %s: its text of %d bytes is longer than the %d extraction reads", a.Path, len(a.Text), maxText))
	}
}

// extractor holds the state of one pass over an article.
type extractor struct {
	a        timeline.Article
	dct      timeline.Date
	timexes  []timeline.Timex
	sents    []sentence
	events   []*timeline.Event
	lead     *timeline.Event
	narr     *timeline.Event   // the event the last sentence dated in its main clause, nil when none
	narrAt   int               // index of the sentence that set narr
	news     []*timeline.Event // recent events told in main clauses (the news), latest last
	names    *nameBook
	lastName string   // the last person named in the sentences before x.named, for "he" in titles (lastNameBefore)
	scratch  *scratch // pooled buffers the sentences live in
	// keyed and byKey find an event by its date, title and end, to merge
	// repeats: see eventOf.
	keyed []keyedEvent
	byKey map[eventKey]*timeline.Event
	// newsMonth: the article gives its news no day (see news.go); leadMonth:
	// and its lede is in the simple past, so the lead event is at the month.
	newsMonth, leadMonth bool
	recentPast           *timeline.Event   // undated past happenings of the publication month
	lastTold             *timeline.Event   // the event the last main clause dated, any precision
	lastToldAt           int               // index of its sentence
	plans                []*timeline.Event // recent events told in the future in main clauses, latest last
	low                  string            // the text with its ASCII capitals lower-cased (asciiLower)
	publisher            string            // the publisher's name, trimmed and lower-cased; "" when none
	newsFrom             time.Time         // recentDays before the publication day (see recent), once per article
	// named and cur: lastName is worked out only as far as a title asks
	// (lastNameBefore), up to the sentence being read, cur.
	named, cur int
}

// sentence is one sentence of the cleaned text.
type sentence struct {
	span     timeline.Span // in Text
	text     string
	toks     []token
	timexes  []timeline.Timex  // with spans relative to the sentence
	runs     []nameRun         // capitalised names, filled by collectNames
	ents     []timeline.Entity // the classified names, once entsDone is set
	entsDone bool
	inDate   []bool // per token: inside a date expression
	// tense is the sentence's tense (see tenseOf), once tenseDone is set:
	// worked out when a rule first asks, as some sentences are never asked.
	tense     int
	tenseDone bool
	clean     string // text with white space collapsed, for mentions
	newPara   bool   // the sentence opens a paragraph

	// cls is the classes of all its tokens, OR'ed: a rule that looks for a
	// word of some class (a verb of saying, a future marker) skips at once
	// the many sentences holding none.
	cls uint32
}

func newExtractor(a timeline.Article, timexes []timeline.Timex) *extractor {
	sc := getScratch()
	x := &sc.extractor // pooled too: see slab.go
	*x = extractor{a: a, timexes: timexes, scratch: sc}
	x.byKey, x.events, x.keyed = x.scratch.byKey, x.scratch.eventList, x.scratch.keyed[:0]
	x.news, x.plans = x.scratch.news[:0], x.scratch.plans[:0]
	if !a.Meta.Date.IsZero() {
		x.dct = timeline.DateOf(a.Meta.Date)
		x.newsFrom = x.dct.Start.AddDate(0, 0, -recentDays)
	}
	x.publisher = strings.ToLower(strings.TrimSpace(a.Meta.Publisher))
	x.sents = x.splitSentences()
	x.names = collectNames(x.sents, a.Meta.Publisher, x.scratch)
	x.newsMonth = x.newsUndated()
	x.leadMonth = x.newsMonth && x.ledeInSimplePast()
	return x
}

func (x *extractor) splitSentences() []sentence {
	sc := x.scratch
	low, lowBuf := asciiLowerInto(sc.low, x.a.Text)
	x.low, sc.low = low, lowBuf
	return x.scanSentences()
}

// sentenceFiller fills in the sentences of an article, in text order, once
// their spans and tokens are known: their expressions, date marks and clean
// text, in the scratch's shared buffers.
type sentenceFiller struct {
	x     *extractor
	tx    []timeline.Timex
	dates []bool
	k     int // the first expression not before the last sentence
}

func (f *sentenceFiller) fill(s *sentence, spaced bool) {
	x, sp := f.x, s.span
	for f.k < len(x.timexes) && x.timexes[f.k].Start < sp.Start {
		f.k++
	}
	from := len(f.tx)
	for j := f.k; j < len(x.timexes) && x.timexes[j].Start < sp.End; j++ {
		t := x.timexes[j]
		if t.End > sp.End {
			continue
		}
		t.Span = timeline.Span{Start: t.Start - sp.Start, End: t.End - sp.Start}
		f.tx = append(f.tx, t)
	}
	if len(f.tx) > from {
		s.timexes = f.tx[from:len(f.tx):len(f.tx)]
	}
	from = len(f.dates)
	f.dates = slices.Grow(f.dates, len(s.toks))[:from+len(s.toks)]
	clear(f.dates[from:])
	markDates(s, f.dates[from:len(f.dates):len(f.dates)])
	s.clean = s.text
	if spaced {
		s.clean = strings.Join(strings.Fields(s.text), " ") // collapseSpace, the test done
	}
}

// scanSentences cuts the article into sentences (as splitSentencesInto
// does) and tokenizes them in one pass over the text (scanSentence). A
// sentence longer than maxSentence is cut and tokenized again part by part
// (longSentence): only such an article reads some of its text twice.
func (x *extractor) scanSentences() []sentence {
	sc := x.scratch
	text := x.a.Text
	out := sc.sents[:0]
	quote := false
	prevEnd := 0
	buf := sc.toks[:0]
	f := sentenceFiller{x: x, tx: sc.timexes[:0], dates: sc.inDate[:0]}
	for i := skipSpace(text, 0); i < len(text); i = skipSpace(text, i) {
		from := i
		s := sentence{newPara: blankLineIn(text, prevEnd, from)}
		if s.newPara && opensWithQuote(text[from:]) {
			// A quotation running over paragraphs reopens each with a mark.
			quote = false
		}
		first, quoteBefore := len(buf), quote
		var end int
		var spaced, ok bool
		buf, end, i, quote, spaced, ok, s.cls = scanSentence(buf, &x.a.Text, x.low, from, quote)
		if !ok {
			// Its tokens are dropped, and emptied: putScratch clears only
			// up to the length the buffer ends with.
			clear(buf[first:])
			out, buf, quote = x.longSentence(out, buf[:first], &f, s.newPara, from, end, quoteBefore)
			prevEnd = end
			continue
		}
		s.span = timeline.Span{Start: from, End: end}
		s.text = text[from:end]
		s.toks = buf[first:len(buf):len(buf)]
		f.fill(&s, spaced)
		out = append(out, s)
		prevEnd = end
	}
	sc.sents, sc.toks, sc.timexes, sc.inDate = out, buf, f.tx, f.dates
	return out
}

// longSentence appends to out the parts a sentence text[from:end] longer
// than maxSentence is cut into (longCut, as splitSentencesInto cuts it),
// each tokenized on its own (tokenizeText, the text read to the part's
// end), and returns the quotation's state after the last. newPara tells
// whether the sentence opens a paragraph, quote the quotation's state before
// it.
func (x *extractor) longSentence(out []sentence, buf []token, f *sentenceFiller, newPara bool, from, end int, quote bool) ([]sentence, []token, bool) {
	text := x.a.Text
	s := sentence{newPara: newPara}
	for {
		cut := end
		if end-from > maxSentence {
			cut = longCut(text, from)
		}
		first := len(buf)
		buf, quote, s.cls = tokenizeText(buf, text[:cut], x.low[:cut], from, quote)
		s.span = timeline.Span{Start: from, End: cut}
		s.text = text[from:cut]
		s.toks = buf[first:len(buf):len(buf)]
		f.fill(&s, needsCollapse(s.text)) // a part is not trimmed at its end: scanSentence's test would not see its white space
		out = append(out, s)
		if cut == end {
			return out, buf, quote
		}
		next, _ := trimSpan(text, cut, end)
		s = sentence{newPara: blankLineIn(text, cut, next)}
		if s.newPara && opensWithQuote(text[next:]) {
			quote = false
		}
		from = next
	}
}

func opensWithQuote(s string) bool {
	return strings.HasPrefix(s, "\"") || strings.HasPrefix(s, "“") || strings.HasPrefix(s, "«")
}

func (x *extractor) run() {
	for i := range x.sents {
		x.cur = i
		x.sentence(i, &x.sents[i])
	}
	// Past the last sentence: a title built after the run (none is today)
	// sees the last sentence's names too, as when lastName was kept up
	// after every sentence.
	x.cur = len(x.sents)
}

// lastNameBefore returns the person most recently named in the sentences
// before the current one (cur), "" when none is. It reads each sentence once
// at most, from where the last question left off: most articles never ask.
func (x *extractor) lastNameBefore() string {
	for ; x.named < x.cur; x.named++ {
		if p := x.names.lastPerson(&x.sents[x.named]); p != "" {
			x.lastName = p
		}
	}
	return x.lastName
}

// sentence turns one sentence into events or mentions.
func (x *extractor) sentence(idx int, s *sentence) {
	if isDateline(s) || !hasWord(s) {
		return
	}
	mainDated := false
	for i, t := range s.timexes {
		if !x.usable(s, t) || closesRange(s.timexes, i) || x.refinedInSentence(s, i) {
			continue
		}
		if i+1 < len(s.timexes) && closesRange(s.timexes, i+1) {
			// The mention points at the whole range, "2018 and 2020".
			t.End, t.Text = s.timexes[i+1].End, s.text[t.Start:s.timexes[i+1].End]
		}
		a := anchorOf(s, t)
		switch a.kind {
		case anchorNoun:
			x.add(s, t, nounTitle(s, a))
		case anchorClause:
			ev := x.add(s, t, x.clauseTitle(s, a))
			if !a.reported && x.future(t) && !hasReportingVerb(s) {
				mainDated = true // "It will open in 2027": the clause is the future event
				if a.rel1 == 0 {
					x.plans = appendRecent(x.plans, ev)
				}
			}
			if !a.reported && !x.future(t) {
				mainDated = true
				x.lastTold, x.lastToldAt = ev, idx
				// The date's precision first: a day dates the narrative
				// whatever the tense, which is then not worked out
				// (tenseOf) for a sentence no other rule asks it of.
				if t.Date.Gran >= timeline.GranDay || !presentTense(s) {
					x.narr, x.narrAt = ev, idx
				}
				if x.recent(t.Date) {
					x.news = keepLatest(append(x.news, ev))
				}
			}
		}
	}
	if mainDated {
		return
	}
	if ev := x.sinceEvent(s); ev != nil {
		x.addMention(ev, s, x.mention(s, nil))
		return
	}
	if ev := x.refersBack(idx, s); ev != nil {
		x.addMention(ev, s, x.mention(s, nil))
		return
	}
	// The main clause is undated: its date is the narrative's if it goes on
	// telling past events, else the publication date.
	switch carry, plan := x.carried(idx, s), x.plan(s); {
	case x.toldPublisher(s):
		x.narr, x.news = nil, x.news[:0]
		x.addLead(s)
	case carry != nil && pastTense(s):
		x.addMention(carry, s, x.mention(s, nil))
	case plan != nil:
		x.addMention(plan, s, x.mention(s, nil))
	case flashback(s):
		// The first occasion of something, told as background: not the
		// article's news, and no narrative date to carry.
	case x.undatedPast(s):
		x.addRecentPast(s)
	default:
		x.addLead(s)
	}
}

// sinceEvent returns the earlier event an undated sentence counts from with
// "since" and an event noun of no date of its own ("Since its launch, the
// store has sold 3 billion songs"): the latest event of the article dated in
// a sentence that told that happening by the noun or its verb ("launched the
// store on April 28, 2003"). A state "since" an event starts with it.
func (x *extractor) sinceEvent(s *sentence) *timeline.Event {
	if s.cls&cSince == 0 {
		return nil // most sentences: no "since"
	}
	for i := range s.toks {
		tk := &s.toks[i]
		if tk.quoted || !tk.is(cDatePrep) || tk.lower() != "since" || i+2 >= len(s.toks) {
			continue
		}
		det, noun := s.toks[i+1], s.toks[i+2]
		if !det.is(cDeterminer) || !noun.is(cEventNoun) || s.inDate[i+2] {
			continue
		}
		if i+4 < len(s.toks) && (s.inDate[i+3] || s.inDate[i+4]) {
			continue // "since its launch in 2003" is dated by its own expression
		}
		if ev := x.eventTelling(noun.lower()); ev != nil {
			return ev
		}
	}
	return nil
}

// eventTelling returns the latest past event whose dated mention holds the
// event noun or a form of its verb ("launch": "launched"; "opening": "opened").
func (x *extractor) eventTelling(noun string) *timeline.Event {
	base := noun
	if len(noun) > 6 {
		base = strings.TrimSuffix(noun, "ing")
	}
	for i := len(x.events) - 1; i >= 0; i-- {
		ev := x.events[i]
		if x.dct.IsZero() || !ev.Start.Start.Before(x.dct.Start) {
			continue
		}
		for _, m := range ev.Mentions {
			if m.Timex != nil && tellsWord(m.Text, noun, base) {
				return ev
			}
		}
	}
	return nil
}

// tellsWord reports whether text holds noun, or base with a verb ending.
func tellsWord(text, noun, base string) bool {
	if isASCII(text) && isASCII(noun) {
		return tellsWordASCII(text, noun, base)
	}
	return tellsWordGeneral(text, noun, base)
}

// tellsWordGeneral is tellsWord for any text: its words lower-cased, split
// and trimmed of what is not a letter.
func tellsWordGeneral(text, noun, base string) bool {
	for _, w := range strings.Fields(strings.ToLower(text)) {
		w = strings.TrimFunc(w, func(r rune) bool { return !unicode.IsLetter(r) })
		if w == noun {
			return true
		}
		if rest, ok := strings.CutPrefix(w, base); ok {
			switch rest {
			case "", "s", "es", "d", "ed", "ing":
				return true
			}
		}
	}
	return false
}

// tellsWordASCII is tellsWord for ASCII text and noun, reading the words in
// place instead of lower-casing and splitting a copy of the text: it is asked
// of every dated mention of the article, for each "since" sentence.
func tellsWordASCII(text, noun, base string) bool {
	for i := 0; i < len(text); {
		for i < len(text) && asciiSpace[text[i]] {
			i++
		}
		j := i
		for j < len(text) && !asciiSpace[text[j]] {
			j++
		}
		if j == i {
			break
		}
		w := trimNonLetters(text[i:j])
		i = j
		if len(w) < len(base) || !strings.EqualFold(w[:len(base)], base) {
			continue // every match starts with base, a prefix of noun
		}
		if strings.EqualFold(w, noun) {
			return true
		}
		switch rest := w[len(base):]; {
		case rest == "", strings.EqualFold(rest, "s"), strings.EqualFold(rest, "es"), strings.EqualFold(rest, "d"),
			strings.EqualFold(rest, "ed"), strings.EqualFold(rest, "ing"):
			return true
		}
	}
	return false
}

// asciiSpace marks the ASCII bytes strings.Fields splits at.
var asciiSpace = [256]bool{'\t': true, '\n': true, '\v': true, '\f': true, '\r': true, ' ': true}

// trimNonLetters trims the bytes that are not ASCII letters from both ends
// of an ASCII word.
func trimNonLetters(w string) string {
	for len(w) > 0 && !isASCIILetter(w[0]) {
		w = w[1:]
	}
	for len(w) > 0 && !isASCIILetter(w[len(w)-1]) {
		w = w[:len(w)-1]
	}
	return w
}

func isASCIILetter(c byte) bool { return 'a' <= c|0x20 && c|0x20 <= 'z' }

// carried returns the event an undated past-tense sentence goes on telling:
// the day the sentence just before (in the same paragraph) dated, or else the news the article
// reports (a day at most two weeks before publication): the latest news event
// naming someone or something the sentence names, else the latest news event. Older dates do not carry further: a
// flashback ("In April, a blog obtained a prototype") is followed by a return
// to the news more often than by more of the past.
func (x *extractor) carried(idx int, s *sentence) *timeline.Event {
	if x.narr != nil && x.narrAt == idx-1 && !s.newPara && x.narr.Start.Gran >= timeline.GranDay {
		return x.narr
	}
	if len(x.news) == 0 {
		return nil
	}
	names := x.names.entitiesIn(s)
	if len(names) == 0 {
		return x.news[len(x.news)-1]
	}
	for i := len(x.news) - 1; i >= 0; i-- {
		if sharesEntity(x.news[i].Entities, names) {
			return x.news[i]
		}
	}
	return x.news[len(x.news)-1]
}

func sharesEntity(a, b []timeline.Entity) bool {
	for _, x := range a {
		for _, y := range b {
			if x.Name == y.Name {
				return true
			}
		}
	}
	return false
}

// maxNews bounds the news events a carried sentence is matched against.
const maxNews = 8

// recentDays is how far before publication a day still counts as the news.
const recentDays = 14

// recent reports whether a date is a day of the news: day precision or finer,
// within recentDays before the publication date (or on it).
func (x *extractor) recent(d timeline.Date) bool {
	if x.dct.IsZero() || d.Gran < timeline.GranDay || !d.Start.Before(x.dct.End) {
		return false
	}
	return !d.Start.Before(x.newsFrom)
}

// hasWord reports whether a sentence has any word (not just a stray quote).
func hasWord(s *sentence) bool {
	for i := range s.toks {
		tk := &s.toks[i]
		if tk.word {
			return true
		}
	}
	return false
}

// future reports whether a date lies after the publication date.
func (x *extractor) future(t timeline.Timex) bool {
	return !x.dct.IsZero() && !t.Date.Start.Before(x.dct.End)
}

// refinedInSentence reports whether expression i is a coarser date that
// another usable expression of the same sentence refines ("Yesterday, at this
// year's conference, ..."): the finer date is the one the clause means.
func (x *extractor) refinedInSentence(s *sentence, i int) bool {
	t := s.timexes[i]
	if t.Date.Gran <= timeline.GranDecade {
		return false // "in the 1970s ..., and in 1975 ...": an era and a happening in it
	}
	for j, o := range s.timexes {
		if j != i && x.usable(s, o) && o.Date.Gran > t.Date.Gran && t.Date.Contains(o.Date) && t.RangeEnd == nil {
			return true
		}
	}
	return false
}

// closesRange reports whether expression i is the last part of a range the
// expression before it opened ("between 2018 and 2020"): the range is one event.
func closesRange(ts []timeline.Timex, i int) bool {
	if i == 0 {
		return false
	}
	prev := ts[i-1]
	return prev.RangeEnd != nil && prev.RangeEnd.Value == ts[i].Value && ts[i].Start-prev.End <= 16
}

// usable reports whether an expression can date an event: a DATE or TIME naming
// a span, not after the publication date unless the sentence speaks of the future.
func (x *extractor) usable(s *sentence, t timeline.Timex) bool {
	if t.Type != timeline.TypeDate && t.Type != timeline.TypeTime {
		return false
	}
	if t.Date.IsZero() {
		return false
	}
	if !x.dct.IsZero() && !t.Date.Start.Before(x.dct.End) && !speaksOfFuture(s) {
		return false
	}
	return true
}

// eventKey identifies an event of one article: repeats of it are merged.
type eventKey struct {
	start, title, end string
	ranged            bool
}

// add records a dated event found in sentence s, or adds a mention to an event
// of the same article with the same date and title.
func (x *extractor) add(s *sentence, t timeline.Timex, title string) *timeline.Event {
	m := x.mention(s, &t)
	key := eventKey{start: t.Date.Value, title: title}
	if t.RangeEnd != nil {
		key.end, key.ranged = t.RangeEnd.Value, true
	}
	if ev := x.eventOf(key); ev != nil {
		x.addMention(ev, s, m)
		return ev
	}
	ev := x.scratch.newEvent()
	ev.Title, ev.Start = title, t.Date
	if t.RangeEnd != nil && !t.RangeEnd.IsZero() {
		end := *t.RangeEnd
		ev.End = &end
	}
	x.addMention(ev, s, m)
	x.keep(key, ev)
	x.events = append(x.events, ev)
	return ev
}

// keyedEvent is an event of the article with its key.
type keyedEvent struct {
	key eventKey
	ev  *timeline.Event
}

// maxScannedEvents is how many dated events an article may have before
// eventOf looks them up in a map rather than comparing the keys one by one:
// an article has a handful, for which hashing a key of three strings cost
// more than the comparisons, most of which fail at a string's length.
const maxScannedEvents = 16

// eventOf returns the event with the given key, nil when none was kept.
func (x *extractor) eventOf(key eventKey) *timeline.Event {
	if len(x.keyed) > maxScannedEvents {
		return x.byKey[key]
	}
	for i := range x.keyed {
		if x.keyed[i].key == key {
			return x.keyed[i].ev
		}
	}
	return nil
}

// keep records ev under key (which eventOf did not find), in the map too
// once there are more than maxScannedEvents.
func (x *extractor) keep(key eventKey, ev *timeline.Event) {
	x.keyed = append(x.keyed, keyedEvent{key, ev})
	switch {
	case len(x.keyed) == maxScannedEvents+1:
		for _, k := range x.keyed {
			x.byKey[k.key] = k.ev
		}
	case len(x.keyed) > maxScannedEvents+1:
		x.byKey[key] = ev
	}
}

// addMention adds a mention of sentence s to ev with the names it holds.
func (x *extractor) addMention(ev *timeline.Event, s *sentence, m timeline.Mention) {
	ev.Mentions = x.scratch.appendMention(ev.Mentions, m)
	for _, e := range x.names.entitiesIn(s) {
		if !hasEntity(ev.Entities, e.Name) {
			ev.Entities = x.scratch.appendEntity(ev.Entities, e)
		}
	}
}

// hasEntity reports whether a name is listed already: a scan, as an event
// lists a few names, cheaper than a set per event.
func hasEntity(ents []timeline.Entity, name string) bool {
	for _, e := range ents {
		if e.Name == name {
			return true
		}
	}
	return false
}

func (x *extractor) addLead(s *sentence) {
	if x.dct.IsZero() {
		return
	}
	if x.lead == nil {
		x.lead = x.scratch.newEvent() // pooled, copied out by result
		x.lead.Title, x.lead.Start, x.lead.Lead = x.leadTitle(s), x.leadDate(), true
	}
	x.addMention(x.lead, s, x.mention(s, nil))
}

// leadTitle is the headline, else the title, else the article's first sentence.
func (x *extractor) leadTitle(first *sentence) string {
	for _, t := range []string{x.a.Headline, x.a.Meta.Title} {
		if t = strings.TrimSpace(t); t != "" {
			return shortTitle(t)
		}
	}
	if len(x.sents) > 0 {
		first = &x.sents[0]
	}
	return shortTitle(first.text)
}

// hasReportingVerb reports whether a sentence reports speech ("he said").
func hasReportingVerb(s *sentence) bool {
	if s.cls&cReporting == 0 {
		return false // saysAt needs a reporting verb
	}
	for i := range s.toks {
		tk := &s.toks[i]
		if !tk.quoted && saysAt(s.toks, i) {
			return true
		}
	}
	return false
}

// toldPublisher reports whether an undated sentence tells what a source told
// the publisher itself ("... told The Moscow Times"): the article's own news.
func (x *extractor) toldPublisher(s *sentence) bool {
	if x.publisher == "" {
		return false
	}
	if isASCII(s.text) {
		// The article's lower-cased text (asciiLower) is strings.ToLower
		// of an ASCII sentence, without a copy per question.
		return strings.Contains(x.low[s.span.Start:s.span.End], x.publisher)
	}
	return strings.Contains(strings.ToLower(s.text), x.publisher)
}

// isASCII reports whether s is all ASCII. It reads eight bytes at a time:
// it is asked of whole sentences (toldPublisher, for every undated one).
func isASCII(s string) bool {
	i := 0
	for ; i+8 <= len(s); i += 8 {
		if load8(s, i)&(0x80*ones8) != 0 {
			return false
		}
	}
	for ; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// mention builds a Mention of sentence s with its date expression t (nil when
// the date is carried), in original-file offsets.
func (x *extractor) mention(s *sentence, t *timeline.Timex) timeline.Mention {
	m := timeline.Mention{
		Article:  x.a.Slug,
		Source:   x.a.Path,
		Sentence: x.original(s.span),
		Text:     s.clean,
	}
	if t != nil {
		sp := x.original(timeline.Span{Start: s.span.Start + t.Start, End: s.span.Start + t.End})
		m.Timex = x.scratch.span(sp)
		m.TimexText = t.Text
	}
	return m
}

// endMapper is implemented by offset maps that can map the end of a span
// exactly (covering the whole of a replaced last character).
type endMapper interface{ OriginalEnd(end int) int }

// spanMapper is implemented by offset maps that map a span's start and end
// in one call (ingest.Offsets: OriginalSpan), the same as Original and
// OriginalEnd.
type spanMapper interface {
	OriginalSpan(start, end int) (int, int)
}

func (x *extractor) original(sp timeline.Span) timeline.Span {
	if x.a.Offsets == nil {
		return sp
	}
	if sm, ok := x.a.Offsets.(spanMapper); ok {
		s, e := sm.OriginalSpan(sp.Start, sp.End)
		return timeline.Span{Start: s, End: e}
	}
	out := timeline.Span{Start: x.a.Offsets.Original(sp.Start)}
	if em, ok := x.a.Offsets.(endMapper); ok {
		out.End = em.OriginalEnd(sp.End)
	} else {
		out.End = x.a.Offsets.Original(sp.End)
	}
	return out
}

func (x *extractor) result() []timeline.Event {
	if x.lead == nil && len(x.sents) > 0 && (x.a.Headline != "" || x.a.Meta.Title != "") {
		// Every statement is dated, but the headline still reports the
		// article's news: the lead event points at the opening sentence.
		x.addLead(&x.sents[0])
	}
	if x.lead == nil && len(x.events) == 0 {
		return nil
	}
	x.finishMentions()
	x.finishEntities()
	out := make([]timeline.Event, 0, len(x.events)+1)
	if x.lead != nil {
		out = append(out, *x.lead)
	}
	for _, ev := range x.events {
		out = append(out, *ev)
	}
	return out
}

// isDateline reports whether a sentence is nothing but a date ("June 6, 2005").
func isDateline(s *sentence) bool {
	for i := range s.toks {
		tk := &s.toks[i]
		if tk.word && !s.inDate[i] {
			return false
		}
	}
	return len(s.timexes) > 0
}

// markDates sets s.inDate to inDate (all false, one per token) marking which
// tokens lie inside a date expression.
func markDates(s *sentence, inDate []bool) {
	s.inDate = inDate
	for _, t := range s.timexes {
		first, last := tokensWithin(s.toks, t.Start, t.End)
		for i := first; i < last; i++ {
			inDate[i] = true
		}
	}
}

// tokensWithin returns the tokens [first, last) lying within the bytes
// [start, end) of their sentence (first == last when none does). The tokens
// are in text order and do not overlap, so those inside are a run: the
// first starting at or after start, found by binary search, and the ones
// after it that end by end. An expression costs a few steps, not a pass
// over the sentence's tokens.
func tokensWithin(toks []token, start, end int) (first, last int) {
	lo, hi := 0, len(toks)
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		if int(toks[mid].start) < start {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	last = lo
	for last < len(toks) && int(toks[last].end) <= end {
		last++
	}
	return lo, last
}

// collapseSpace turns every run of white space into one space and trims the
// ends; text that needs no change is returned as is, without copying.
func collapseSpace(s string) string {
	if !needsCollapse(s) {
		return s
	}
	return strings.Join(strings.Fields(s), " ")
}

// needsCollapse reports whether s holds a newline, tab or carriage return,
// two spaces in a row, or a space at either end: the white space
// collapseSpace changes (other white space it changes only alongside these).
// scanSentence finds the same of a sentence while it reads it.
func needsCollapse(s string) bool {
	n := len(s)
	if n == 0 {
		return false
	}
	if s[0] == ' ' || s[n-1] == ' ' {
		return true
	}
	// Eight bytes at a time, with no branch per byte: a text's spaces come
	// at no regular place, and a test for each was often mispredicted. Two
	// spaces in a row are a space whose next byte, in these eight or the
	// first of the next eight, is a space too.
	var prev uint64 // the spaces (spaceBytes) of the eight bytes before
	i := 0
	for ; i+8 <= n; i += 8 {
		w := load8(s, i)
		sp := spaceBytes(w)
		if sp&(sp>>8|prev>>56)|zeroByte(w^'\n'*ones8)|zeroByte(w^'\t'*ones8)|zeroByte(w^'\r'*ones8) != 0 {
			return true
		}
		prev = sp
	}
	for ; i < n; i++ { // the last few bytes
		c := s[i]
		if c == '\n' || c == '\t' || c == '\r' || c == ' ' && s[i-1] == ' ' {
			return true
		}
	}
	return false
}

// speaksOfFuture reports whether a sentence announces something to come.
func speaksOfFuture(s *sentence) bool {
	if s.cls&cFuture == 0 {
		return false
	}
	for i := range s.toks {
		tk := &s.toks[i]
		if tk.word && tk.is(cFuture) {
			return true
		}
	}
	return false
}

// finiteTense scans the words outside quotations for the first finite verb
// and reports +1 for a past tense, -1 for a present tense and 0 when none is seen.
func finiteTense(s *sentence) int {
	var prev uint32 // the classes of the word before ("it", "the"), 0 after a possessive
	prevCap := false
	for i := range s.toks {
		tk := &s.toks[i]
		if tk.quoted || !tk.word {
			if !tk.quoted && tk.text == "'s" {
				prev = 0
			}
			continue
		}
		switch {
		case tk.is(cPast):
			return 1
		case tk.is(cPresent):
			return -1
		case tk.is(cPresentS) && (prev&cSubject != 0 || prevCap):
			return -1
		case len(tk.low) > 4 && strings.HasSuffix(tk.low, "ed") && !tk.capitalised() && prev&cDeterminer == 0:
			return 1
		}
		prev, prevCap = tk.cls, tk.capitalised() && capFlagsOf(tk)&capOpener == 0
	}
	return 0
}

// tenseOf returns the tense of a sentence's main clause: +1 past, -1
// present, 0 none seen (finiteTense), and past when a present-tense
// sentence reports in the past what someone said (reportsInPast). It is
// worked out on the first question and kept: a sentence no rule asks
// (one in five of the bench corpus's) costs no scan for its verbs.
func tenseOf(s *sentence) int {
	if !s.tenseDone {
		s.tense = finiteTense(s)
		if s.tense < 0 && reportsInPast(s) {
			s.tense = 1
		}
		s.tenseDone = true
	}
	return s.tense
}

func pastTense(s *sentence) bool    { return tenseOf(s) >= 0 }
func presentTense(s *sentence) bool { return tenseOf(s) < 0 }
