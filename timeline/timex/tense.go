package timex

import "slices"

// Tense: which way an underspecified date points ("on Wednesday" in "said on
// Wednesday" is the last one, in "will meet on Wednesday" the next one).

// tenseDir returns -1 (past), +1 (future) or the default for the expression:
// the nearest tense marker in its sentence decides.
func (r *resolver) tenseDir(e expr) int {
	d := r.d
	if e.pt.weekday >= 0 && e.pt.month == 0 && possessiveAt(d, e.j) {
		// "Wednesday's ruling" names the day of a thing, not of the clause's
		// verb ("ways to get around Wednesday's ruling"); a thing reported by
		// its day is mostly done ("Thursday's closing price")
		return -1
	}
	// the preposition outweighs the verb: "postponed until Tuesday" looks
	// ahead, "closed since March" back; a fronted "Until Tuesday, they had"
	// tells what held up to then, so the verb decides
	switch {
	case (d.lowerIs(e.i-1, "until") || d.lowerIs(e.i-1, "till")) && !d.toks[e.i-1].upper && !d.lowerIs(e.i-2, "up"):
		if lastedUntil(d, e.i-1) {
			return pastDone // "the strike lasted until February": a state that ended then
		}
		return 1
	case (d.lowerIs(e.i-1, "to") || (d.lowerIs(e.i-1, "for") && rescheduledBefore(d, e.i-1))) && movedBefore(d, e.i-1):
		return 1 // "postponed to March", "extended to the end of July", "rescheduled for July 20": the new date
	case d.lowerIs(e.i-1, "since") || sinceBefore(d, e.i):
		return -1
	case (d.lowerIs(e.i-1, "by") || d.lowerIs(e.i-1, "effective")) && e.pt.month > 0 && e.pt.weekday < 0:
		return 1 // a deadline or a start: "finish the work by August", "effective Feb. 1"
	}
	best, at := clauseMarker(d, e.i, e.j)
	if best < 0 && donePast(d, at, e.i) {
		return pastDone
	}
	if best == 0 {
		if e.pt.weekday >= 0 {
			return -1 // news reports mostly tell what happened
		}
		return 0
	}
	return best
}

// lastedUntil reports whether the "until" at k follows, within three words
// of its own clause, the simple past of a verb of lasting ("lasted",
// "remained in office", "stayed there"): the state ended at the date, which
// lies behind. Not in reported speech ("said the offer remained open until
// March" may be a present told in the past), and not after a verb that moves
// a date ("was postponed until March"), which is no verb of lasting.
func lastedUntil(d *doc, k int) bool {
	v := -1
	for b := k - 1; b >= 0 && b >= k-3; b-- {
		if d.toks[b].kind != tWord {
			return false
		}
		if inSet(lastedVerbs, d.textOf(b)) {
			v = b
			break
		}
	}
	if v < 0 || d.lowerIs(v-1, "had") || d.lowerIs(v-1, "have") || d.lowerIs(v-1, "has") {
		return false // "has remained closed until now": a perfect reaches to the present
	}
	if v > 0 && inSet(passiveAux, d.textOf(v-1)) {
		return false // "the hearing was continued until July 9", "the order was stayed": put off, not lasting
	}
	if d.lowerIs(v, "stayed") && v+1 < k && inSet(stayedObjects, d.textOf(v+1)) {
		return false // "a judge stayed the order until July 1": suspended it, which lies ahead
	}
	if d.lowerIs(v, "ruled") && d.lowerIs(v+1, "out") {
		return false // "the bank ruled out cuts until September": none before then, which lies ahead
	}
	for b := v - 1; b >= 0 && v-b <= 30 && !sentenceEndAt(d, b); b-- {
		if d.toks[b].kind == tWord && inSet(sayingVerbs, d.textOf(b)) {
			return false
		}
	}
	return true
}

// lastedVerbs are simple pasts of verbs of lasting.
var lastedVerbs = map[string]bool{"lasted": true, "remained": true, "stayed": true, "continued": true,
	"persisted": true, "served": true, "lived": true, "reigned": true, "ruled": true, "survived": true}

// passiveAux before a verb of lasting makes it a passive of another sense:
// "was continued" (adjourned), "were stayed" (suspended).
var passiveAux = map[string]bool{"was": true, "were": true, "is": true, "are": true, "be": true, "been": true, "being": true}

// stayedObjects after "stayed" make it the transitive "suspended" ("stayed
// the ruling", "stayed its order"), not "remained" ("stayed that way").
var stayedObjects = map[string]bool{"a": true, "an": true, "the": true, "its": true, "his": true, "her": true, "their": true}

// sayingVerbs report speech, whose content may be a present told in the past.
var sayingVerbs = map[string]bool{"said": true, "says": true, "told": true, "tells": true, "reported": true,
	"announced": true, "added": true, "stated": true, "claimed": true, "insisted": true, "warned": true}

// movedBefore reports whether a verb that moves a date ("postponed",
// "delayed", "extended"; not "moved" or "pushed", which move prices as often:
// "rates moved to April highs") comes right before the preposition
// at k: the date after it is where the thing was moved to, which lies ahead
// as after "until".
func movedBefore(d *doc, k int) bool {
	v := k - 1
	if d.lowerIs(v, "back") || d.lowerIs(v, "forward") || d.lowerIs(v, "off") {
		v--
	}
	if v < 0 || d.toks[v].kind != tWord {
		return false
	}
	return inSet(movedVerbs, d.textOf(v))
}

// rescheduledBefore reports whether "rescheduled" (or "reset") comes right
// before the "for" at k: after "delayed for" or "postponed for" a month is
// as often what was delayed ("imports were delayed for April").
func rescheduledBefore(d *doc, k int) bool {
	return d.lowerIs(k-1, "rescheduled") || d.lowerIs(k-1, "reschedule") || d.lowerIs(k-1, "reschedules")
}

// movedVerbs move an event to another date.
var movedVerbs = map[string]bool{"postponed": true, "postpone": true, "postpones": true, "delayed": true,
	"delay": true, "delays": true, "extended": true, "extend": true, "extends": true, "deferred": true,
	"defer": true, "defers": true, "adjourned": true, "adjourn": true, "adjourns": true, "rescheduled": true,
	"reschedule": true, "reschedules": true}

// pastDone is tenseDir's answer for a date told by a finished action of its
// own clause ("changed to a calendar year in December"): it lies behind even
// when a month so near the publication date would otherwise be taken as is.
const pastDone = -2

// clauseTense returns the tense of the clause holding tokens [i, j): the
// nearest tense marker before or after them in the sentence (-1, +1 or 0).
func clauseTense(d *doc, i, j int) int {
	t, _ := clauseMarker(d, i, j)
	return t
}

// clauseMarker is clauseTense that also returns the marker's token (-1 if none).
func clauseMarker(d *doc, i, j int) (int, int) {
	best, bestDist, at := 0, 1<<30, -1
	for k := i - 1; k >= 0 && i-k <= 30; k-- {
		if sentenceEndAt(d, k) {
			break
		}
		if t := tenseOf(d, k); t != 0 {
			best, bestDist, at = t, i-k, k
			break
		}
	}
	for k := j; k < d.n() && k-j < 30; k++ {
		if d.toks[k].gap == gPara || sentenceEndAt(d, k) || clauseMarkAt(d, k) {
			break // what follows a closing quote or parenthesis is another clause ("(4 a.m. Thursday),'' he said")
		}
		if t := tenseOf(d, k); t != 0 {
			if k-j+1 < bestDist {
				best, at = t, k
			}
			break
		}
	}
	return best, at
}

// donePast reports whether the past marker at token at, before the date at
// token i, is an action verb whose own clause holds the date: not a verb of
// saying (what is said may lie ahead: "said the vote is in December"), not an
// auxiliary, and with no infinitive or new clause between ("agreed to buy it
// in February" looks ahead).
func donePast(d *doc, at, i int) bool {
	if at < 0 || at >= i || i-at > 12 || d.toks[at].kind != tWord || inSet(notDone, d.textOf(at)) {
		return false
	}
	if inSet(determiners, d.textOf(i-1)) {
		return false // "gave no reason for the Jan. 14 deadline": the date names a thing
	}
	for k := at + 1; k < i; k++ {
		t := &d.toks[k]
		infinitive := d.mod(k, mTo) && !inSet(determiners, d.textOf(k+1)) && d.toks[k+1].kind == tWord
		if t.kind == tPunct || infinitive || d.lowerIs(k, "that") || d.lowerIs(k, "would") {
			return false
		}
	}
	for k := at - 1; k >= 0 && at-k <= 12 && !sentenceEndAt(d, k); k-- {
		if t := tenseOf(d, k); t != 0 {
			// "will redeem its preferred shares on Oct. 31": an adjective, not the verb
			return t < 0
		}
	}
	return true
}

// notDone are past forms that do not fix a date in the past: verbs of saying
// and thinking, auxiliaries, and adverbs that tenseOf reads as past.
var notDone = map[string]bool{"said": true, "told": true, "was": true, "were": true, "had": true, "did": true,
	"reported": true, "announced": true, "disclosed": true, "added": true, "noted": true, "stated": true,
	"indicated": true, "predicted": true, "estimated": true, "expected": true, "thought": true, "knew": true,
	"meant": true, "ago": true, "reportedly": true, "confirmed": true, "warned": true, "agreed": true,
	"decided": true, "planned": true, "scheduled": true, "hoped": true, "wanted": true, "promised": true}

// modalBefore reports whether a modal of possibility ("may", "could") comes
// shortly before token i in its sentence, not as "may have" (a past guess):
// what it says lies ahead.
func modalBefore(d *doc, i int) bool {
	for k := i - 1; k >= 0 && i-k <= 6; k-- {
		if sentenceEndAt(d, k) {
			return false
		}
		if k+1 < d.n() && d.toks[k].kind == tWord && inSet(modals, d.textOf(k)) && !d.lowerIs(k+1, "have") {
			return true
		}
	}
	return false
}

var modals = map[string]bool{"may": true, "might": true, "could": true, "can": true, "should": true, "must": true}

// clauseMarkAt reports whether token k is a quotation mark or a parenthesis:
// the words beyond it belong to another clause (the attribution after a quote,
// the sentence around an aside), whose tense is not the expression's.
func clauseMarkAt(d *doc, k int) bool {
	t := d.toks[k]
	if t.kind != tPunct {
		return false
	}
	switch t.ch {
	case '"', '\u201c', '\u201d', '(', ')', '`':
		return true
	case '\'', '\u2019':
		// a doubled apostrophe is a quotation mark (''); a single one is a
		// possessive or an elision
		return d.punct(k+1, t.ch) && d.glued(k+1) || d.punct(k-1, t.ch) && d.glued(k)
	}
	return false
}

// sentenceEndAt reports whether token k ends a sentence.
func sentenceEndAt(d *doc, k int) bool {
	t := d.toks[k]
	if t.gap == gPara && k > 0 {
		return true
	}
	if t.kind != tPunct || (t.ch != '.' && t.ch != '!' && t.ch != '?' && t.ch != ';') {
		return false
	}
	if t.ch == '.' && k > 0 && d.toks[k-1].kind == tWord && len(d.textOf(k-1)) <= 2 {
		return false // "U.S.", "a.m."
	}
	if t.ch == '.' && k > 0 && d.is(k-1, cMonth) && isAbbrevMonth(d, k-1) {
		return false // "Sept. 30", but "results in mid-November." ends its sentence
	}
	return k+1 >= d.n() || d.toks[k+1].gap != gNone
}

// irregularPasts are simple pasts that carry no "-ed" a reader could find
// by their ending (or too short a word for that rule: "died", "sued"), none
// of them another common word of news: not "hit", "put", "set" or "cut",
// whose present is the same word. Both tense readers take them: this
// package's (pastWords) and extraction's (timeline/events, through
// IrregularPasts), so a verb added here is past to both.
var irregularPasts = []string{
	"said", "was", "were", "had", "did", "told", "went", "came",
	"took", "gave", "made", "met", "saw", "began", "left", "held",
	"won", "lost", "fell", "rose", "sold", "bought", "spoke", "wrote",
	"got", "paid", "led", "ran", "sent", "spent", "struck",
	"found", "became", "brought", "built", "chose", "drew", "flew",
	"grew", "knew", "meant", "shot", "stood", "thought",
	"understood", "wore",
	"fought", "broke", "drove", "kept", "sought", "taught", "threw",
	"withdrew", "overtook", "underwent", "oversaw", "undertook", "overthrew",
	"felt", "heard", "froze", "hid", "lit", "rode", "rang",
	"sang", "sank", "fled", "shook", "stole", "swept", "swore",
	"tore", "woke", "caught", "dug", "ate", "blew", "forgot",
	"forgave", "upheld", "withheld", "slid", "spun", "stuck",
	"dealt", "mistook", "arose", "shrank", "sprang", "wept",
	"slept", "lent", "leapt", "knelt", "forbade", "foresaw",
	"died", "sued", "owed", "laid",
}

// IrregularPasts returns the simple pasts without a findable "-ed" that the
// resolver reads as the past tense wherever they stand (a new slice: the
// caller may keep or change it). Extraction builds its list of past
// verbs from it, so the two readers of tense agree on these words.
func IrregularPasts() []string { return slices.Clone(irregularPasts) }

// pastWords mark the past tense: the irregular pasts and a few words that
// tell of a finished happening.
var pastWords = func() map[string]bool {
	m := map[string]bool{
		"born": true, // "was born on July 4": a finished event ("will be born" is a passive infinitive)
		"ago":  true, "reportedly": true,
		// not pasts: the present is the same word (samePast reads them as
		// participles), and "last" is mostly "last year"
		"hit": false, "put": false, "set": false, "last": false,
	}
	for _, w := range irregularPasts {
		m[w] = true
	}
	return m
}()

// planWords look ahead only before "to" (see tenseOf).
var planWords = map[string]bool{"plan": true, "plans": true, "planned": true, "planning": true, "going": true}

// toFuture look ahead before "to": "set to resume", "is to meet", "forecast
// to hit", "likely to rule".
var toFuture = map[string]bool{"set": true, "is": true, "are": true, "due": true, "poised": true, "slated": true,
	"forecast": true, "projected": true, "likely": true}

var futureWords = map[string]bool{
	"would": true, "'d": false,
	"will": true, "shall": true, "ll": true, "tomorrow": true, "upcoming": true, "scheduled": true,
	"expects": true, "expected": true, "intends": true, "due": true,
	"next": true, "coming": true, "wo": true,
}

// tenseOf returns the tense a word marks: -1 past, +1 future, 0 none.
func tenseOf(d *doc, k int) int {
	t := d.toks[k]
	if t.kind != tWord || t.end-t.start > 14 {
		return 0
	}
	w := d.textOf(k)
	if inSet(planWords, w) {
		// "plans to", "planning to", "planned to": an intention looks ahead; the
		// noun ("vacation plans") and the adjective ("the planned trip") do not
		switch {
		case d.lowerIs(k-1, "had") || d.lowerIs(k-1, "previously"):
			return -1 // "had planned to", "as previously planned": a plan of the past
		case !d.mod(k+1, mTo):
			return 0
		}
		return 1
	}
	if (d.lowerIs(k, "was") || d.lowerIs(k, "were")) && inSet(planWords, d.textOf(min(k+1, d.n()-1))) && d.mod(k+2, mTo) {
		return 1 // "were planning to drive": the plan, not the past, sets the direction
	}
	if inSet(futureWords, w) {
		if d.mod(k+1, mTo) && d.lowerIs(k, "next") {
			return 0 // "next to the embassy" is a place
		}
		if d.lowerIs(k-1, "had") || d.lowerIs(k-2, "had") || d.lowerIs(k-1, "previously") {
			return -1 // "had been due to expire", "as previously planned": a plan of the past
		}
		return 1
	}
	// "set to resume", "is to meet", "as soon as", "as early as"
	if (inSet(toFuture, w) && d.mod(k+1, mTo)) || (d.lowerIs(k, "as") && k > 1 && (d.lowerIs(k-1, "soon") || d.lowerIs(k-1, "early")) && d.lowerIs(k-2, "as")) {
		return 1
	}
	past := inSet(pastWords, w) || (len(w) <= 4 && inSet(samePast, w) && participleSlot(d, k)) ||
		// a regular past: "-ed", but not "succeed" or "United", nor an
		// adjective ("a still unspecified date", "its revised plan")
		(len(w) > 4 && w[len(w)-2:] == "ed" && w[len(w)-3] != 'e' && !t.upper && !t.known && !adjectiveSlot(d, k))
	if past && (d.lowerIs(k-1, "be") || d.lowerIs(k-1, "is") || d.lowerIs(k-1, "are")) {
		// a passive infinitive ("will be paid", "to be held") or present ("the
		// rebate is paid on July 1", "the fair is held in May") tells no tense
		return 0
	}
	if past {
		return -1
	}
	return 0
}

// determiners before which an "-ed" word is an adjective, not a verb.
var determiners = map[string]bool{"a": true, "an": true, "the": true, "this": true, "that": true, "these": true,
	"those": true, "its": true, "his": true, "her": true, "their": true, "our": true, "my": true, "your": true,
	"no": true, "any": true, "every": true, "each": true, "still": true, "very": true, "newly": true, "most": true}

// adjectiveSlot reports whether the word at k follows a determiner or an
// "-ly" adverb after one ("a hastily arranged meeting").
func adjectiveSlot(d *doc, k int) bool {
	for b := k - 1; b >= 0 && b >= k-2; b-- {
		t := d.toks[b]
		if t.kind != tWord || t.end-t.start > 16 {
			return false
		}
		w := d.textOf(b)
		if inSet(determiners, w) {
			return true
		}
		if !(len(w) > 3 && w[len(w)-2:] == "ly") {
			return false
		}
	}
	return false
}

// sinceBefore reports whether "since" opens the phrase holding token i
// ("since shortly after the Oct. 23 attack"): what it dates lies behind.
func sinceBefore(d *doc, i int) bool {
	for k := i - 1; k >= 0 && k >= i-5; k-- {
		if d.toks[k].kind != tWord {
			return false
		}
		if d.lowerIs(k, "since") {
			return true
		}
	}
	return false
}

// samePast are verbs whose past and present forms are one word: they tell a
// tense only as a participle (see participleSlot).
var samePast = map[string]bool{"set": true, "hit": true, "put": true, "cut": true, "shut": true}

// participleSlot reports whether the word at k stands between a noun and
// "on", "in" or "at", where a samePast verb is a past participle ("its record
// high set on Aug. 6", "the plant shut in March").
func participleSlot(d *doc, k int) bool {
	if !(d.mod(k+1, mOn) || d.mod(k+1, mIn) || d.lowerIs(k+1, "at")) {
		return false
	}
	if k == 0 {
		return false
	}
	prev := &d.toks[k-1]
	return prev.kind == tWord && !prev.known && !inSet(notSubject, d.textOf(k-1))
}

// notSubject are words after which a verb is not a participle: "to set",
// "will set", "they set", "is set".
var notSubject = map[string]bool{"to": true, "will": true, "would": true, "can": true, "could": true, "may": true,
	"might": true, "must": true, "should": true, "shall": true, "do": true, "does": true, "not": true, "they": true,
	"we": true, "you": true, "i": true, "is": true, "are": true, "be": true, "been": true, "being": true, "was": true,
	"were": true, "has": true, "have": true, "had": true}
