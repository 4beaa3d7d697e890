package events

import "github.com/newsline/timeline/timeline"

// When did the article's own news happen, as far as the article tells?
//
// An article that dates its news to a day ("today", "on Tuesday", "June 3")
// lets every undated statement of the news take that day: the lead event sits
// at the publication date and undated past-tense sentences carry the news day.
// An article that never does so tells the reader only that its news happened
// by the time it was published. Then a statement in the present tense ("the
// store currently sells", "the update works with") is true on the
// publication day, but a happening told in the simple past with no date
// ("Apple released the kit", "Jobs also announced") happened at some day of
// that time the article does not give: it is dated to the publication month,
// not to a day nobody stated. News style backs the distinction: a lede in the
// present perfect ("has released") reports what has just happened, while a
// lede in the simple past normally carries its day, and one that does not
// leaves the day unknown.

// newsUndated reports whether the article gives its news no day: no date
// expression outside quotations and datelines names a day or time within
// recentDays before publication (or the publication day itself).
func (x *extractor) newsUndated() bool {
	if x.dct.IsZero() {
		return false
	}
	for i := range x.sents {
		s := &x.sents[i]
		if isDateline(s) {
			continue
		}
		for _, t := range s.timexes {
			if x.recent(t.Date) && !quotedAt(s, t.Start) {
				return false
			}
		}
	}
	return true
}

// quotedAt reports whether the token starting at byte off of s is quoted.
func quotedAt(s *sentence, off int) bool {
	for i := range s.toks {
		tk := &s.toks[i]
		if int(tk.end) > off {
			return tk.quoted
		}
	}
	return false
}

// ledeInSimplePast reports whether the article's opening statement (its
// first sentence that is not a dateline) is told in the simple past.
func (x *extractor) ledeInSimplePast() bool {
	for i := range x.sents {
		s := &x.sents[i]
		if isDateline(s) || !hasWord(s) {
			continue
		}
		return simplePast(s)
	}
	return false
}

// simplePast reports a sentence told in the simple past: its first finite
// verb is past and its main clause holds no present-tense verb ("iPods sold
// in France already have the volume limited" reads "sold" as a participle;
// "Apple Corps claims that ..." is present). Verbs inside a clause reported
// by a verb of saying ("announced that the price will be cut") keep the
// report in the past.
func simplePast(s *sentence) bool {
	if tenseOf(s) <= 0 {
		return false
	}
	var prev, prev2 uint32 // the classes of the two words before
	prevName := false
	for i := range s.toks {
		tk := &s.toks[i]
		if tk.quoted || !tk.word {
			continue
		}
		w := tk.lower()
		// An -s form is a verb after its subject: a pronoun, a name or a
		// noun with its determiner ("the union claims"), not after a
		// determiner ("the claims") or a possessive.
		subject := prev&cSubject != 0 || prevName || prev2&cDeterminer != 0 && prev&cDeterminer == 0
		present := tk.is(cPresent) && w != "'s" && !tk.is(cModal) ||
			(tk.is(cPresentS) || tk.is(cReporting) && w[len(w)-1] == 's') && subject
		if present && insideReportedClause(s.toks, i) == 0 {
			return false
		}
		prev, prev2, prevName = tk.cls, prev, tk.capitalised() && capFlagsOf(tk)&capOpener == 0
	}
	return true
}

// modals mark no tense of their own.
var modals = set("will", "would", "can", "could", "may", "might", "must", "should", "shall")

// monthOf is the calendar month of a day-precision date.
func monthOf(d timeline.Date) timeline.Date {
	m, err := timeline.ParseDate(d.Start.Format("2006-01"))
	if err != nil {
		return d
	}
	return m
}

// leadDate is the date of the lead event: the publication day, or its month
// when the article gives its news no day and tells it in the simple past.
func (x *extractor) leadDate() timeline.Date {
	if x.leadMonth {
		return monthOf(x.dct)
	}
	return x.dct
}

// undatedPast reports whether an undated sentence that carries no narrative
// date is a statement made at an unknown day of the news: the article gives
// its news no day and the sentence reports, in the simple past, what someone
// announced, said or described. (When the lede itself is in the simple past,
// the lead event is already at the month and holds it.) Other undated past
// sentences are background whose date the article does not give ("The war
// lasted 44 days"); they stay with the lead event as before.
func (x *extractor) undatedPast(s *sentence) bool {
	return x.newsMonth && !x.leadMonth && simplePast(s) && toldInPast(s)
}

// addRecentPast adds an undated past-tense sentence to the article's one
// event of the publication month, titled by the first such sentence.
func (x *extractor) addRecentPast(s *sentence) {
	if x.recentPast == nil {
		title := x.clauseTitle(s, anchor{kind: anchorClause})
		x.recentPast = x.scratch.newEvent() // pooled, copied out by result
		x.recentPast.Title, x.recentPast.Start = title, monthOf(x.dct)
		x.events = append(x.events, x.recentPast)
	}
	x.addMention(x.recentPast, s, x.mention(s, nil))
}

// flashback reports an undated sentence that tells the first occasion of
// something as the background of the news ("When the minister first
// presented the plan, she praised ..."): it happened before the news, at a
// time the article does not give, so it dates no event. Only a subordinate
// "when" clause opening the sentence counts; "first" elsewhere often means
// "at first" on the news day ("Police first denied the reports").
func flashback(s *sentence) bool {
	if len(s.toks) == 0 || s.toks[0].quoted || s.toks[0].lower() != "when" {
		return false
	}
	for _, tk := range s.toks[1:] {
		if tk.text == "," || tk.quoted {
			return false
		}
		switch tk.lower() {
		case "first", "originally", "initially":
			return true
		}
	}
	return false
}

// reportsInPast reports a sentence whose main clause reports, in the past
// tense, what someone said ("Sales are rising, the minister said"; "Prices
// fell. The firm also noted that ..."): the speech act is a past happening
// even when a present-tense verb comes first. A participle after an
// auxiliary ("has announced", "is believed") and a verb inside a reported
// clause ("Analysts say the firm announced") do not count.
func reportsInPast(s *sentence) bool {
	if s.cls&cReporting == 0 {
		return false // saysAt needs a reporting verb
	}
	for i := range s.toks {
		tk := &s.toks[i]
		if tk.quoted || !saysAt(s.toks, i) {
			continue
		}
		w := tk.lower()
		if !tk.is(cPast) && !(len(w) > 4 && w[len(w)-2:] == "ed") {
			continue
		}
		if i > 0 && s.toks[i-1].is(cAux) || i > 1 && s.toks[i-2].is(cAux) && s.toks[i-1].lower() != "and" {
			continue
		}
		if insideReportedClause(s.toks, i) > 0 {
			continue
		}
		return true
	}
	return false
}

// toldInPast reports a sentence whose main clause tells, in the past tense,
// what someone said, announced or described: reportsInPast, or one of the
// verbs of speech that introduce no reported clause ("He described the
// range as ...", "She called the plan a mistake").
func toldInPast(s *sentence) bool {
	if reportsInPast(s) {
		return true
	}
	for i := range s.toks {
		tk := &s.toks[i]
		if tk.quoted || !tk.word || !tk.is(cSpeechAct) || i > 0 && s.toks[i-1].is(cAux) {
			continue
		}
		if insideReportedClause(s.toks, i) == 0 {
			return true
		}
	}
	return false
}

// speechActs are past-tense verbs of speech beside the reporting verbs.
var speechActs = set("described", "called", "declared", "promised", "pledged", "vowed", "urged",
	"predicted", "praised", "criticised", "criticized", "demanded", "replied", "answered",
	"commented", "remarked", "stressed", "emphasised", "emphasized")

// auxiliaries precede a participle: the verb form after them is not a past tense.
var auxiliaries = set("has", "have", "had", "having", "is", "are", "was", "were", "be", "been", "being", "'s", "'ve", "will", "would")

// refersBack returns the event the sentence just before dated in its main
// clause, when this undated past-tense sentence points back at it: it opens
// with a demonstrative and a verb ("This was his third leave", "That marked
// the end of ...") or with the definite event noun that sentence told ("...
// fought a war in 2020. The war lasted 44 days"). The reference is explicit,
// so the date carries at any precision and across a paragraph break.
func (x *extractor) refersBack(idx int, s *sentence) *timeline.Event {
	if x.lastTold == nil || x.lastToldAt != idx-1 || !pastTense(s) || len(s.toks) < 3 || s.toks[0].quoted {
		return nil
	}
	first, second := s.toks[0].lower(), s.toks[1]
	switch {
	case (first == "this" || first == "that") && second.word && (second.is(cPast) || finiteVerb(&second)):
		return x.lastTold
	case first == "the" && second.word && second.is(cEventNoun) && !second.quoted:
		for _, m := range x.lastTold.Mentions {
			if m.Sentence == x.original(x.sents[idx-1].span) && tellsWord(m.Text, second.lower(), second.lower()) {
				return x.lastTold
			}
		}
	}
	return nil
}

// plan returns the future event an undated sentence in the future tense goes
// on telling ("The line will open on 2 May. Trains will run every ten
// minutes."): the latest event the article told in the future in a main
// clause, preferring one that names someone or something the sentence
// names. A future statement someone is reported to make ("will", she said)
// is a statement of the news and stays with it; and with no plan told yet
// the sentence stays with the lead event as before.
func (x *extractor) plan(s *sentence) *timeline.Event {
	if len(x.plans) == 0 || !futureTense(s) || hasReportingVerb(s) {
		return nil
	}
	return x.latestNaming(x.plans, s)
}

// futureTense reports whether the first finite verb outside quotations is
// the future "will" or "shall".
func futureTense(s *sentence) bool {
	for i := range s.toks {
		tk := &s.toks[i]
		if tk.quoted || !tk.word {
			continue
		}
		switch w := tk.lower(); {
		case w == "will" || w == "'ll" || w == "shall":
			return true
		case finiteVerb(tk):
			return false
		}
	}
	return false
}

// latestNaming returns the latest of evs naming a name s names, else the latest.
func (x *extractor) latestNaming(evs []*timeline.Event, s *sentence) *timeline.Event {
	names := x.names.entitiesIn(s)
	for i := len(evs) - 1; i >= 0 && len(names) > 0; i-- {
		if sharesEntity(evs[i].Entities, names) {
			return evs[i]
		}
	}
	return evs[len(evs)-1]
}

// appendRecent appends ev to a list of at most maxNews recent events.
func appendRecent(evs []*timeline.Event, ev *timeline.Event) []*timeline.Event {
	if len(evs) > 0 && evs[len(evs)-1] == ev {
		return evs
	}
	return keepLatest(append(evs, ev))
}

// keepLatest drops the oldest of evs beyond maxNews, moving the others
// down rather than slicing past the oldest: the list keeps its (pooled)
// backing array instead of walking off its end into a new one.
func keepLatest(evs []*timeline.Event) []*timeline.Event {
	if len(evs) > maxNews {
		evs = evs[:copy(evs, evs[len(evs)-maxNews:])]
	}
	return evs
}
