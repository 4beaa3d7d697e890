// Package timex finds temporal expressions in text and normalises them like
// TimeML's TIMEX3, on top of github.com/olebedev/when extended with our own
// rules: every rule is a when rules.Rule (see Rules and NewWhen), and Resolve
// runs them through trigger dispatch so that every expression of a long text
// is found in one linear pass, not only when's first cluster.
package timex

import (
	"strings"
	"sync"
	"time"

	"github.com/newsline/timeline/timeline"
)

// Resolve finds every temporal expression in text and resolves it against the
// publication date dct (relative expressions) and the narrative (anaphoric ones).
// Offsets in the result are byte offsets into text. The result is sorted by offset.
// A zero dct leaves relative expressions unresolved ("XXXX-XX-XX").
func Resolve(text string, dct time.Time) []timeline.Timex {
	return ResolveAppend(nil, text, dct)
}

// ResolveAppend is Resolve appending the expressions to dst and returning
// the extended slice, so that a caller that reads them only while it works
// (events.Extract) can reuse one buffer across texts. With dst nil the result
// is a new slice of the exact length, as Resolve returns.
func ResolveAppend(dst []timeline.Timex, text string, dct time.Time) []timeline.Timex {
	d := docPool.Get().(*doc)
	d.text, d.toks, d.exprs = text, d.toks[:0], d.exprs[:0]
	defer putDoc(d)
	r := &resolver{d: d}
	if !dct.IsZero() {
		r.dct = time.Date(dct.Year(), dct.Month(), dct.Day(), 0, 0, 0, 0, time.UTC)
	}
	var out collector
	defer out.release()
	// Tokenize a block of paragraphs at a time: memory stays small and warm in
	// cache however long the text; the narrative carries over between blocks.
	for from := 0; from < len(text); {
		to := blockEnd(text, from)
		d.toks = tokenizeRange(text, from, to, d.toks[:0])
		last := 0 // token after the last match: rules may reach back, never over it
		for i := 0; i < d.n(); {
			d.exprs = d.exprs[:0]
			m, ok := dispatch.longest(d, i)
			if !ok {
				i++
				continue
			}
			settle(d, &m, last)
			if isTitle(d, m) {
				i = m.end
				continue
			}
			chunk := out.room(len(m.exprs))
			*chunk = r.emit(*chunk, m)
			i, last = m.end, m.end
		}
		from = to
	}
	if dst == nil {
		return out.result()
	}
	return out.appendTo(dst)
}

// settle keeps a match clear of the previous one and lets an approximating
// word before a date join it ("around Nov. 1", "about 7:15 p.m."), as TimeML does.
func settle(d *doc, m *match, last int) {
	e := &m.exprs[0]
	// not "get around Wednesday's ruling": a possessive day is a determiner,
	// and the word before it belongs to the verb
	if e.isPoint && e.i-1 >= last && !possessiveAt(d, e.j) {
		if k := d.modOf(e.i - 1); k == mAbout || k == mNearly {
			e.i--
		}
	}
	if e.i < last {
		e.i = min(last, e.j-1)
	}
	// "the next two years or so", "the weeks ahead"
	if e.typ == timeline.TypeDuration && len(m.exprs) == 1 {
		switch {
		case d.mod(e.j, mOr) && d.lowerIs(e.j+1, "so"):
			e.j += 2
		case d.lowerIs(e.j, "ahead"):
			e.j++
		}
		m.end = max(m.end, e.j)
	}
}

// blockSize is the text length tokenized at once.
const blockSize = 32 << 10

// blockEnd returns where the block starting at from ends: at a paragraph
// break after blockSize bytes, else at a line break, else at a space (an
// expression never spans a blank line, rarely a line break, never a space
// inside a word).
// docPool recycles the doc, its token buffer and its expression arena
// between calls: growing a fresh buffer for every article was most of
// Resolve's allocation, and the garbage made the collector run while callers
// (extraction) hold a corpus's events. (The doc and its arena were allocated
// per call until session 15: about 2 KB of garbage per article.)
var docPool = sync.Pool{New: func() any { return &doc{exprs: make([]expr, 0, 8)} }}

// maxPooledToks bounds a recycled buffer (a block is at most 2*blockSize bytes).
const maxPooledToks = 1 << 16

// maxPooledExprs bounds a recycled expression arena.
const maxPooledExprs = 1 << 10

// putDoc returns d to the pool. The tokens and expressions are the
// resolver's scratch: nothing returned points into them. The text and the
// expressions' strings are dropped so that the pool keeps no text alive, and
// a buffer one huge block grew is not kept.
func putDoc(d *doc) {
	d.text = ""
	clear(d.exprs[:cap(d.exprs)])
	d.exprs = d.exprs[:0]
	if cap(d.exprs) > maxPooledExprs {
		d.exprs = make([]expr, 0, 8)
	}
	if cap(d.toks) > maxPooledToks {
		d.toks = nil
	}
	docPool.Put(d)
}

func blockEnd(text string, from int) int {
	if len(text)-from <= 2*blockSize {
		return len(text)
	}
	lo, hi := from+blockSize, from+2*blockSize
	if k := strings.Index(text[lo:hi], "\n\n"); k >= 0 {
		return lo + k + 1
	}
	if k := strings.IndexByte(text[lo:hi], '\n'); k >= 0 {
		return lo + k + 1
	}
	if k := strings.IndexByte(text[lo:hi], ' '); k >= 0 {
		return lo + k + 1
	}
	return hi
}

// resolver anchors expressions and remembers the narrative's last dates.
type resolver struct {
	d   *doc
	dct time.Time
	// the last resolved date of the narrative at day, month and year precision
	lastDay, lastMonth, lastYear time.Time
	lastQuarter                  time.Time            // the last quarter named
	lastGran                     timeline.Granularity // precision of the last date
	partYear                     bool                 // the last period named is a run of months ("the nine months")
}

// emit resolves a match's expressions onto out, which has room for them.
func (r *resolver) emit(out []timeline.Timex, m match) []timeline.Timex {
	base := len(out)
	var from time.Time // the start of the range whose end comes next
	for k, e := range m.exprs {
		tx, ok := r.resolveExpr(e, from)
		if !ok {
			return out[:base]
		}
		out = append(out, tx)
		from = time.Time{}
		// a start that names only a year holds any month of it, so an end
		// without a year is read on its own ("between 2019 and March" runs
		// to the March just past, as the writer would otherwise name 2019's)
		if e.rangeTo == k+1 && tx.Date.Gran > timeline.GranYear {
			from = tx.Date.Start
		}
	}
	for k, e := range m.exprs {
		if e.rangeTo >= 0 && base+e.rangeTo < len(out) {
			end := out[base+e.rangeTo].Date
			// "between 2020 and 2018" names no span: a range never ends before it starts.
			if !end.IsZero() && !end.Start.Before(out[base+k].Date.Start) {
				out[base+k].RangeEnd = &end
			}
		}
	}
	return out
}

// resolveExpr resolves one expression. from is the start of the range the
// expression ends, or zero: an end that states no year lies in the start's
// year, or the next if it would fall before the start (see rangeEnd).
func (r *resolver) resolveExpr(e expr, from time.Time) (timeline.Timex, bool) {
	d := r.d
	start, end := int(d.toks[e.i].start), int(d.toks[e.j-1].end)
	tx := timeline.Timex{Span: timeline.Span{Start: start, End: end}, Text: d.text[start:end], Type: e.typ}
	if !e.isPoint {
		tx.Value = e.value
		tx.Anchor = timeline.AnchorPublication
		if e.typ == timeline.TypeDuration || e.typ == timeline.TypeSet {
			tx.Anchor = timeline.AnchorAbsolute
		}
		if e.typ == timeline.TypeDuration && d.mod(e.i, mThe) && yearToDate(e.value) {
			// "for the nine months": the report now counts a part of the year,
			// so "a year earlier" and "the 1988 period" are that year, not a quarter
			r.lastGran, r.partYear = timeline.GranYear, true
		}
		return tx, true
	}
	p := e.pt
	anchor, kind := r.anchorFor(p)
	switch {
	case p.thatQuarter && p.quarter > 0 && !r.lastQuarter.IsZero():
		// "the quarter ended July 31" after the report named its quarter
		p, anchor, kind = relPoint(anchorNarr, uQuarter, 0), r.lastQuarter, timeline.AnchorNarrative
	case p.thatQuarter && p.quarter > 0:
		p.thatQuarter = false // the quarter its end date tells
	case p.yearBack && (r.lastGran == timeline.GranQuarter || (p.quarterNoun && !r.lastQuarter.IsZero())):
		p, anchor, kind = relPoint(anchorNarr, uQuarter, -4), r.lastQuarter, timeline.AnchorNarrative
	case p.yearBack && p.quarterNoun:
		p = relPoint(anchorDCT, uQuarter, -5) // the last completed quarter, a year before
	case p.thatQuarter && p.yearDig == 4 && r.partYear:
		p.thatQuarter = false // "the nine months ... the 1988 period": that year's
	case p.thatQuarter && p.yearDig == 4:
		// "the 1988 quarter": that year's quarter of the same number as the narrative's
		ref := r.lastQuarter
		if ref.IsZero() {
			ref = r.dct.AddDate(0, -3, 0) // the last completed quarter
		}
		if !ref.IsZero() {
			year := p.year
			p = relPoint(anchorNarr, uQuarter, 0)
			anchor = time.Date(year, ref.Month(), 1, 0, 0, 0, 0, time.UTC)
		}
	case p.thatQuarter && !r.lastQuarter.IsZero():
		p, anchor, kind = relPoint(anchorNarr, uQuarter, 0), r.lastQuarter, timeline.AnchorNarrative
	case p.thatQuarter:
		p = relPoint(anchorDCT, uQuarter, -1)
	}
	var res resolved
	if !from.IsZero() && p.yearOfRange() {
		res = p.rangeEnd(from)
	} else {
		res = resolvePoint(p, anchor, func() int { return r.tenseDir(e) })
	}
	if !res.ok {
		return tx, false
	}
	tx.Value, tx.Known = res.value, res.known
	tx.Anchor = kind
	if dt, err := timeline.ParseDate(res.value); err == nil {
		tx.Date = dt
		switch {
		case e.pt.thatQuarter && e.pt.yearDig == 4 && e.pt.quarter == 0:
			// "the 1988 period" compares with the narrative's quarter without
			// moving it, but tells that the narrative counts quarters
			r.lastGran = dt.Gran
		case periodBoundary(d, e.i) && (r.lastGran == timeline.GranQuarter || r.partYear):
			// "the quarter ended Sept. 30": the date only bounds the period the
			// report counts, so "a year ago" still compares that period
			gran, part := r.lastGran, r.partYear
			r.remember(dt)
			r.lastGran, r.partYear = gran, part
		case !p.yearBack && !e.pt.yearBack:
			// a comparison ("a year ago") does not move the narrative
			r.remember(dt)
		}
	}
	return tx, true
}

// periodBoundary reports whether the expression at token i closes a period
// named just before it ("the quarter ended Sept. 30", "nine months ending June 30").
func periodBoundary(d *doc, i int) bool {
	return d.lowerIs(i-1, "ended") || d.lowerIs(i-1, "ending")
}

// anchorFor picks what a point is resolved against.
func (r *resolver) anchorFor(p point) (time.Time, timeline.Anchor) {
	if !p.underspecified() && !p.relative {
		return r.dct, timeline.AnchorAbsolute
	}
	if p.anchor != anchorNarr {
		return r.dct, timeline.AnchorPublication
	}
	ref := r.lastYear
	switch {
	case p.unit == uDay || p.unit == uWeek || p.weekday >= 0 || p.part > 0:
		ref = r.lastDay
	case p.unit == uQuarter && !r.lastQuarter.IsZero():
		ref = r.lastQuarter
	case p.unit == uMonth || p.unit == uQuarter:
		ref = r.lastMonth
	}
	if ref.IsZero() || (p.nearNarr && !r.dct.IsZero() && (ref.After(r.dct) || r.dct.Sub(ref) > 7*24*time.Hour)) {
		return r.dct, timeline.AnchorPublication
	}
	return ref, timeline.AnchorNarrative
}

// yearToDate reports whether a duration value is a run of months that is no
// quarter and no year ("P9M", "P6M"): the span an interim report covers.
func yearToDate(v string) bool {
	if len(v) < 3 || v[0] != 'P' || v[len(v)-1] != 'M' || strings.IndexByte(v, 'T') >= 0 {
		return false
	}
	n := 0
	for _, c := range v[1 : len(v)-1] {
		if c < '0' || c > '9' {
			return false
		}
		n = 10*n + int(c-'0')
	}
	return n >= 2 && n <= 11 && n != 3
}

// remember records a resolved date as the narrative's latest at its precision.
func (r *resolver) remember(dt timeline.Date) {
	if dt.IsZero() {
		return
	}
	r.lastGran, r.partYear = dt.Gran, false
	if dt.Gran == timeline.GranQuarter && r.reportQuarter(dt.Start) {
		r.lastQuarter = dt.Start
	}
	if dt.Gran >= timeline.GranDay {
		r.lastDay = dt.Start
	}
	if dt.Gran >= timeline.GranMonth {
		r.lastMonth = dt.Start
	}
	if dt.Gran >= timeline.GranYear {
		r.lastYear = dt.Start
	}
}

// reportQuarter reports whether a quarter named becomes the one the narrative
// counts.
func (r *resolver) reportQuarter(q time.Time) bool {
	last := r.lastQuarter
	if last.IsZero() || r.dct.IsZero() {
		return true
	}
	done := func(t time.Time) bool { return !t.AddDate(0, 3, 0).After(r.dct) }
	switch {
	case done(last) && !done(q):
		return false // a forecast ("losses through the third quarter of 1990")
	case q.Year() != last.Year():
		return true
	}
	return q.After(last) && done(q)
}

// isTitle reports whether a match is part of a name: a unit or a deictic word
// capitalised after another word is a title ("ABC's \"This Week\"", "CBS's
// \"60 Minutes\"", "VOA Today"), as a holiday's "Day" is not ("Election Day").
func isTitle(d *doc, m match) bool {
	for k := m.exprs[0].i; k < m.end; k++ {
		t := &d.toks[k]
		if !t.upper || !t.known || k == 0 || t.gap >= gLine {
			continue
		}
		prev := &d.toks[k-1]
		if prev.kind == tPunct || (prev.kind == tWord && prev.known && prev.ent.class == cHoliday) || inNewYear(d, k) ||
			possessiveAt(d, k-2) && k >= 3 && d.toks[k-3].known && d.toks[k-3].ent.class == cHoliday {
			continue // "Christmas Day", "New Year's Day", "Valentine's Day" are names of days, not titles
		}
		if t.ent.unit != uNone || (t.ent.class == cDeictic && prev.kind == tWord) {
			// in a headline every word is capitalised, so capitals tell nothing
			// ("Ferry Talks Resume This Week")
			return !titleCaseLine(d, k)
		}
	}
	return false
}

// titleCaseLine reports whether the line holding token k (up to 24 tokens
// either way) capitalises all its words but short function words: a headline.
func titleCaseLine(d *doc, k int) bool {
	from, to := k, k+1
	for from > 0 && k-from < 24 && d.toks[from].gap < gLine {
		from--
	}
	for to < d.n() && to-k < 24 && d.toks[to].gap < gLine {
		to++
	}
	words := 0
	for i := from; i < to; i++ {
		t := &d.toks[i]
		if t.kind != tWord {
			continue
		}
		if !t.upper && !inSet(headlineLower, d.textOf(i)) {
			return false
		}
		words++
	}
	return words >= 3
}

// headlineLower are the words a Title Case headline leaves in lower case.
var headlineLower = map[string]bool{"a": true, "an": true, "the": true, "of": true, "in": true, "on": true, "at": true,
	"to": true, "for": true, "and": true, "or": true, "but": true, "by": true, "with": true, "as": true, "from": true,
	"s": true}
