package timex

// Word classes of the lexicon. A word has one class; units are a separate
// attribute because "second" is both an ordinal and a unit.
const (
	cNone    uint8 = iota
	cMonth         // val 1..12
	cWeekday       // val 0..6 (Sunday = 0)
	cNumWord       // val = number ("twelve", "forty")
	cOrdinal       // val = position ("third")
	cSeason        // val = season index (see seasonCodes)
	cPart          // val = part of day (see partCodes)
	cDeictic       // val = deictic constant
	cMod           // val = modifier constant
	cFiller        // articles and prepositions rules may step over
	cDecade        // val = decade of a century ("nineties" = 9)
	cHoliday       // val = holiday (see holidays)
)

// Units of time (entry.unit).
const (
	uNone uint8 = iota
	uSecond
	uMinute
	uHour
	uDay
	uWeek
	uWeekend
	uFortnight
	uMonth
	uQuarter
	uHalf
	uYear
	uDecade
	uCentury
	uMillennium
)

// Deictic words: they resolve on their own.
const (
	dToday = iota + 1
	dYesterday
	dTomorrow
	dTonight
	dNow
	dCurrently
	dRecently
	dSoon
	dPreviously
	dFuture
	dNoon
	dMidnight
	dOvernight
	dDaily
	dWeekly
	dMonthly
	dQuarterly
	dAnnually
	dHourly
	dLately
	dNowadays
	dFormerly
	dYearly
)

// Modifiers that change or extend an expression.
const (
	mLast = iota + 1
	mNext
	mThis
	mPast
	mComing
	mPrevious
	mFollowing
	mSame
	mThat
	mEarlier
	mLater
	mEarly
	mMid
	mLate
	mAgo
	mBefore
	mAfter
	mThe
	mA
	mBetween
	mFrom
	mTo
	mAnd
	mUntil
	mThrough
	mOf
	mEach
	mEvery
	mFiscal
	mEnd
	mBeginning
	mMiddle
	mRecent
	mSeveral
	mFew
	mCouple
	mNearly
	mMoreThan
	mLessThan
	mAtLeast
	mUpTo
	mOn
	mIn
	mAM
	mPM
	mThese
	mOr
	mAbout
	mSome
	mMany
	mCurrent
	mWithin
	mOver
	mPer
	mSince
	mAt
	mThan
	mOther
	mQ // "Q" of "Q3"
	mNo
)

type entry struct {
	class  uint8
	val    int32
	unit   uint8
	plural bool
	// month names that are also common words ("may", "march") need a
	// neighbouring number or year word to count as months.
	weak bool
}

var lexicon = map[string]entry{}

// partCodes are TIMEX3 parts of day, indexed by cPart val.
var partCodes = [...]string{"", "MO", "AF", "EV", "NI", "MI", "DT"}

// seasonCodes are TIMEX3 seasons, indexed by cSeason val.
var seasonCodes = [...]string{"", "SP", "SU", "FA", "WI"}

func addWords(class uint8, val int32, words ...string) {
	for _, w := range words {
		lexicon[w] = entry{class: class, val: val}
	}
}

func init() {
	months := []string{"january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"}
	abbr := []string{"jan", "feb", "mar", "apr", "", "jun", "jul", "aug", "sep", "oct", "nov", "dec"}
	for i, m := range months {
		addWords(cMonth, int32(i+1), m)
		if abbr[i] != "" {
			addWords(cMonth, int32(i+1), abbr[i])
		}
	}
	addWords(cMonth, 9, "sept")
	addWords(cMonth, 6, "june")
	for _, w := range []string{"may", "march"} {
		e := lexicon[w]
		e.weak = true
		lexicon[w] = e
	}
	for i, d := range []string{"sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"} {
		addWords(cWeekday, int32(i), d)
	}
	nums := []string{"zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
		"thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"}
	for i, w := range nums {
		addWords(cNumWord, int32(i), w)
	}
	for i, w := range []string{"twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"} {
		addWords(cNumWord, int32(20+10*i), w)
	}
	addWords(cNumWord, 100, "hundred")
	addWords(cNumWord, 1000, "thousand")
	ords := []string{"", "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth", "eleventh", "twelfth",
		"thirteenth", "fourteenth", "fifteenth", "sixteenth", "seventeenth", "eighteenth", "nineteenth", "twentieth"}
	for i, w := range ords {
		if w != "" {
			addWords(cOrdinal, int32(i), w)
		}
	}
	addWords(cOrdinal, 30, "thirtieth")
	for i, w := range []string{"twenties", "thirties", "forties", "fifties", "sixties", "seventies", "eighties", "nineties"} {
		addWords(cDecade, int32(i+2), w)
	}
	// words that only ever follow "the" inside an expression ("the latest quarter")
	addWords(cFiller, 0, "latest", "comparable", "corresponding", "most", "full", "period", "term", "near", "short", "final")
	// words between an article and a unit: "an additional year", "an extra week"
	addWords(cFiller, 0, "additional", "extra")
	// "a while": a vague length (see whileRule)
	addWords(cFiller, 0, "while")
	for k, h := range holidays {
		if k > 0 && !h.before {
			addWords(cHoliday, int32(k), h.word)
		}
	}
	addWords(cSeason, 1, "spring")
	addWords(cSeason, 2, "summer")
	addWords(cSeason, 3, "fall", "autumn")
	addWords(cSeason, 4, "winter")
	for i, d := range []string{"sundays", "mondays", "tuesdays", "wednesdays", "thursdays", "fridays", "saturdays"} {
		lexicon[d] = entry{class: cWeekday, val: int32(i), plural: true}
	}
	for i, w := range []string{"mornings", "afternoons", "evenings", "nights"} {
		lexicon[w] = entry{class: cPart, val: int32(i + 1), plural: true}
	}
	addWords(cPart, 1, "morning")
	addWords(cPart, 2, "afternoon")
	addWords(cPart, 3, "evening")
	addWords(cPart, 4, "night")

	addWords(cDeictic, dToday, "today")
	addWords(cDeictic, dYesterday, "yesterday")
	addWords(cDeictic, dTomorrow, "tomorrow")
	addWords(cDeictic, dTonight, "tonight")
	addWords(cDeictic, dNow, "now")
	addWords(cDeictic, dCurrently, "currently")
	addWords(cDeictic, dRecently, "recently")
	addWords(cDeictic, dLately, "lately")
	addWords(cDeictic, dNowadays, "nowadays")
	addWords(cDeictic, dSoon, "soon")
	addWords(cDeictic, dPreviously, "previously")
	addWords(cDeictic, dFormerly, "formerly")
	addWords(cDeictic, dFuture, "future")
	addWords(cDeictic, dNoon, "noon", "midday")
	addWords(cDeictic, dMidnight, "midnight")
	addWords(cDeictic, dOvernight, "overnight")
	addWords(cDeictic, dDaily, "daily")
	addWords(cDeictic, dWeekly, "weekly")
	addWords(cDeictic, dMonthly, "monthly")
	addWords(cDeictic, dQuarterly, "quarterly")
	addWords(cDeictic, dAnnually, "annually")
	addWords(cDeictic, dYearly, "yearly")
	addWords(cDeictic, dHourly, "hourly")

	mods := map[string]int32{
		"last": mLast, "next": mNext, "this": mThis, "past": mPast, "coming": mComing, "previous": mPrevious,
		"following": mFollowing, "same": mSame, "that": mThat, "earlier": mEarlier, "later": mLater,
		"early": mEarly, "mid": mMid, "late": mLate, "ago": mAgo, "before": mBefore, "after": mAfter,
		"the": mThe, "a": mA, "an": mA, "between": mBetween, "from": mFrom, "to": mTo, "and": mAnd,
		"until": mUntil, "till": mUntil, "through": mThrough, "of": mOf, "each": mEach, "every": mEvery,
		"fiscal": mFiscal, "end": mEnd, "beginning": mBeginning, "start": mBeginning, "middle": mMiddle,
		"recent": mRecent, "several": mSeveral, "few": mFew, "couple": mCouple, "nearly": mNearly,
		"almost": mNearly, "about": mAbout, "around": mAbout, "approximately": mAbout, "some": mSome,
		"many": mMany, "current": mCurrent, "within": mWithin, "over": mOver, "on": mOn, "in": mIn,
		"am": mAM, "pm": mPM, "these": mThese, "or": mOr, "per": mPer, "since": mSince,
		"more": mMoreThan, "less": mLessThan, "least": mAtLeast, "up": mUpTo,
		"at": mAt, "than": mThan, "other": mOther, "q": mQ, "no": mNo,
	}
	for w, v := range mods {
		addWords(cMod, v, w)
	}
	units := map[string]uint8{
		"second": uSecond, "minute": uMinute, "hour": uHour, "day": uDay, "week": uWeek, "weekend": uWeekend,
		"fortnight": uFortnight, "month": uMonth, "quarter": uQuarter, "year": uYear, "decade": uDecade,
		"century": uCentury, "millennium": uMillennium,
	}
	for w, u := range units {
		e := lexicon[w]
		e.unit = u
		if e.class == cNone {
			e.class = cFiller
		}
		lexicon[w] = e
		pl := w + "s"
		switch w {
		case "century":
			pl = "centuries"
		case "millennium":
			pl = "millennia"
		}
		lexicon[pl] = entry{class: cFiller, unit: u, plural: true}
	}
	buildFilter()
}

// lexFilter[first letter][second letter][length] tells whether any lexicon
// word has that shape: most words of a text are rejected without hashing.
var lexFilter [26][27][17]bool

func letterIndex(c byte) int { return int((c | 0x20) - 'a') }

func buildFilter() {
	for w := range lexicon {
		if len(w) > 16 || w[0] < 'a' || w[0] > 'z' {
			continue
		}
		second := 26
		if len(w) > 1 {
			second = letterIndex(w[1])
		}
		lexFilter[letterIndex(w[0])][second][len(w)] = true
	}
}

// lookup returns the lexicon entry of a word of ASCII letters, ignoring case,
// without allocating.
func lookup(w string) (entry, bool) {
	if len(w) > 16 || len(w) == 0 {
		return entry{}, false
	}
	second := 26
	if len(w) > 1 {
		second = letterIndex(w[1])
	}
	if !lexFilter[letterIndex(w[0])][second][len(w)] {
		return entry{}, false
	}
	var buf [16]byte
	e, ok := lexicon[string(lowerASCII(buf[:0], w))]
	return e, ok
}

// inSet looks a word up in a set of lower-case words without allocating.
func inSet(set map[string]bool, w string) bool {
	if len(w) > 16 {
		return false
	}
	var buf [16]byte
	return set[string(lowerASCII(buf[:0], w))]
}

// lowerASCII appends w to dst with ASCII letters lower-cased. Callers pass a
// stack buffer and index a map with string(result), which Go does without
// allocating: this runs for every candidate word of the text.
func lowerASCII(dst []byte, w string) []byte {
	for i := 0; i < len(w); i++ {
		c := w[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		dst = append(dst, c)
	}
	return dst
}
