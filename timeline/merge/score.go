package merge

import (
	"slices"
	"time"

	"github.com/newsline/timeline/timeline"
)

// Scoring. Two candidate events that passed the hard rules (see compatible)
// are one event when
//
//	score = 0.40*class + 0.30*dice(title stems) + 0.30*dice(context stems)
//	      + 0.20*class*sameArticle                                  >= Threshold (0.60)
//
// Title stems are the content stems of the titles with event words taken out;
// event words are folded into a few classes (war/attack/conflict/fighting,
// capture/seizure/takeover/offensive, ...) and class is 1 when both titles name
// the same class and their names do not conflict (see namesConflict: "2020
// Varnia war" and "2020 Quellmark war" share a class, not a war). Context stems
// are those of the titles, the mention sentences and the entity names. Dice is
// 2|A∩B|/(|A|+|B|).
//
// Why these weights: a shared class alone (0.40) never suffices across
// articles; with it, some shared title words or context carry the pair over
// ("Armenia and Azerbaijan fought a war over Nagorno-Karabakh" and "the 2020
// Nagorno-Karabakh war"). Inside one article, the same kind of happening on
// compatible dates with no conflicting names is one happening ("the 2020
// Nagorno-Karabakh war", "the 44-day war [in 2020]" and "Baku's 2020 attack on
// Armenia"): an article that told two would name them apart. Without a shared
// class the score reaches the threshold only when titles and sentences are
// the same, so such events merge only through near-identical titles (below):
// deliberately cautious, as an editor can merge two events with an override
// but cannot split one, and three different things done on one day must stay
// three events ("approves" and "rejects" the same budget differ by one word).
//
// Near-identical titles (title Dice >= 0.90 over at least two stems, same
// event classes) merge outright; they are also the only way two articles'
// lead events merge.
const (
	Threshold     = 0.60
	NearIdentical = 0.90

	weightClass       = 0.40
	weightTitle       = 0.30
	weightContext     = 0.30
	weightSameArticle = 0.20
)

// score rates how likely a and b tell the same happening, in [0, 1.3]; pairs are joined highest first.
func (x *pairIndex) score(a, b *pairCand) float64 {
	// The title Dice, computed once for nearIdentical's test and the score.
	titles := dice(x.title(a), x.title(b))
	if a.classes == b.classes && a.nTitle >= 2 && b.nTitle >= 2 && titles >= NearIdentical {
		return 1 + weightContext*dice(x.context(a), x.context(b)) // context ranks rival near-identical pairs
	}
	shared := a.classes&b.classes != 0
	if a.classes != 0 && b.classes != 0 && !shared {
		return 0 // "war" and "capture" on compatible dates are still two happenings
	}
	s := weightTitle*titles + weightContext*dice(x.context(a), x.context(b))
	if shared && !x.namesConflict(a, b) {
		s += weightClass
		if a.article == b.article {
			s += weightSameArticle
		}
	}
	return s
}

// namesConflict: both titles name something beside the event word, and
// neither names anything the other's title, sentences or entities mention.
// A bare "44-day war" names nothing and conflicts with nobody.
func (x *pairIndex) namesConflict(a, b *pairCand) bool {
	if a.nTitle == 0 || b.nTitle == 0 {
		return false
	}
	return common(x.title(a), x.context(b)) == 0 && common(x.title(b), x.context(a)) == 0
}

// nearIdentical: the titles share nearly all their content stems (at least
// two) and name the same kinds of happening.
func (x *pairIndex) nearIdentical(a, b *pairCand) bool {
	return a.classes == b.classes && a.nTitle >= 2 && b.nTitle >= 2 && dice(x.title(a), x.title(b)) >= NearIdentical
}

// compatible holds the hard rules no score can override.
func (x *pairIndex) compatible(a, b *pairCand) bool {
	if !x.datesCompatible(a.start, b.start) {
		return false
	}
	if (a.end >= 0) != (b.end >= 0) {
		return false // a range and a single date are different kinds of statement
	}
	if a.end >= 0 && !x.datesCompatible(a.end, b.end) {
		return false
	}
	if a.article == b.article && a.lead != b.lead {
		return false // the extractor already decided what is the article's own news
	}
	if a.lead && b.lead && a.article != b.article && !x.nearIdentical(a, b) {
		return false // two articles' own news are one story only under one headline
	}
	if a.source >= 0 && b.source >= 0 && a.source != b.source {
		return true // sentences are told apart by source: none can be shared
	}
	sb := x.sentences(b)
	for _, s := range x.sentences(a) {
		if slices.Contains(sb, s) {
			return false // events told by one sentence were extracted apart on purpose
		}
	}
	return true
}

// datesCompatible: the spans x.dates[i] and x.dates[j] are compatible. Most pairs scored
// share their start date, and one span ID is one span (with its value), so
// the same ID needs only the span's known flag (a span contains itself).
func (x *pairIndex) datesCompatible(i, j int32) bool {
	if i == j {
		return x.dates[i].known
	}
	return x.dates[i].compatible(&x.dates[j])
}

// span is a date's covered span [from, to) as plain numbers, so the hard
// rules compare dates without touching timeline.Date's time.Time values.
type span struct {
	from, to instant
	known    bool // the date resolved to a span
}

// instant is a time.Time reduced to Unix seconds and nanoseconds: it orders
// the same way (time.Time's Before/After compare instants, not locations).
type instant struct {
	sec  int64
	nsec int32
}

func spanOf(d timeline.Date) span {
	if d.IsZero() {
		return span{}
	}
	return span{from: instantOf(d.Start), to: instantOf(d.End), known: true}
}

func instantOf(t time.Time) instant { return instant{t.Unix(), int32(t.Nanosecond())} }

func (x instant) before(y instant) bool {
	return x.sec < y.sec || (x.sec == y.sec && x.nsec < y.nsec)
}

// contains is timeline.Date.Contains: o lies wholly inside s.
func (s span) contains(o span) bool {
	return s.known && o.known && !o.from.before(s.from) && !s.to.before(o.to)
}

// compatible: equal, or one contains the other. Unresolved dates merge with
// nothing. The spans are read in place (a span is 40 bytes).
func (s *span) compatible(o *span) bool { return s.contains(*o) || o.contains(*s) }

// dice is 2|A∩B|/(|A|+|B|) over sorted, duplicate-free slices.
func dice(a, b []int32) float64 {
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	return 2 * float64(common(a, b)) / float64(len(a)+len(b))
}

// common is |A∩B| over sorted, duplicate-free slices.
func common(a, b []int32) int {
	n := 0
	for i, j := 0, 0; i < len(a) && j < len(b); {
		switch {
		case a[i] == b[j]:
			n++
			i++
			j++
		case a[i] < b[j]:
			i++
		default:
			j++
		}
	}
	return n
}
