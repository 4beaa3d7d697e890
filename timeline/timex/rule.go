package timex

import (
	"time"

	"github.com/newsline/timeline/timeline"
	"github.com/olebedev/when"
	"github.com/olebedev/when/rules"
)

// expr is one temporal expression a rule found, before anchoring.
type expr struct {
	i, j    int // token span [i, j)
	typ     timeline.TimexType
	pt      point
	isPoint bool   // pt holds the value; otherwise value does
	value   string // fixed value: durations, sets, PRESENT_REF
	rangeTo int    // index of the range's last expression in match.exprs, or -1
}

// match is what a rule found at a trigger: usually one expression, two for ranges.
type match struct {
	end   int // token index after the match
	exprs []expr
}

// rule is one of our rules. It implements when's rules.Rule, so it can be
// added to a when.Parser (parser.Add); Resolve runs the same rules through
// trigger dispatch over the whole text instead of when's first-cluster Parse.
type rule struct {
	name     string
	triggers []int // trigger keys (see keyOf) of the first token
	match    func(d *doc, i int) (match, bool)
}

// Find implements rules.Rule: the first match of the rule in text.
func (r *rule) Find(text string) *rules.Match {
	d := &doc{text: text, toks: tokenize(text, nil)}
	for i := range d.toks {
		if !r.triggeredBy(keyOf(&d.toks[i])) {
			continue
		}
		m, ok := r.match(d, i)
		if !ok || len(m.exprs) == 0 {
			continue
		}
		e := m.exprs[0]
		left, right := int(d.toks[e.i].start), int(d.toks[e.j-1].end)
		return &rules.Match{
			Left: left, Right: right, Text: text[left:right],
			Captures: []string{text[left:right]},
			Applier: func(_ *rules.Match, c *rules.Context, _ *rules.Options, ref time.Time) (bool, error) {
				return applyToContext(e, c, ref), nil
			},
		}
	}
	return nil
}

func (r *rule) triggeredBy(k int) bool {
	for _, t := range r.triggers {
		if t == k {
			return true
		}
	}
	return false
}

// applyToContext fills when's context with the components the expression
// resolves to, so our rules also work inside a plain when.Parser. Only the
// components the value states are set: a month stays a month.
func applyToContext(e expr, c *rules.Context, ref time.Time) bool {
	if !e.isPoint {
		return false
	}
	res := resolvePoint(e.pt, ref, func() int { return -1 })
	if !res.ok {
		return false
	}
	dt, err := timeline.ParseDate(res.value)
	if err != nil {
		return false
	}
	set := func(p **int, v int) { x := v; *p = &x }
	set(&c.Year, dt.Start.Year())
	if dt.Gran >= timeline.GranQuarter {
		set(&c.Month, int(dt.Start.Month()))
	}
	if dt.Gran >= timeline.GranWeek {
		set(&c.Day, dt.Start.Day())
	}
	if dt.Gran == timeline.GranTime {
		set(&c.Hour, dt.Start.Hour())
		set(&c.Minute, dt.Start.Minute())
	}
	return true
}

// Trigger keys: what kind of token a rule may start at.
const (
	keyNone = iota
	keyNum
	keyApos // "'90s"
	keyUnit
	keyClass = 8  // + word class
	keyMod   = 32 // + modifier constant
	numKeys  = keyMod + 80
)

// keyOf classifies a token for dispatch.
func keyOf(t *tok) int {
	switch t.kind {
	case tNum:
		return keyNum
	case tPunct:
		if t.ch == '\'' || t.ch == '\u2019' {
			return keyApos
		}
		return keyNone
	}
	if !t.known {
		return keyNone
	}
	switch t.ent.class {
	case cMod:
		return keyMod + int(t.ent.val)
	case cFiller:
		if t.ent.unit != uNone {
			return keyUnit
		}
		return keyNone
	}
	return keyClass + int(t.ent.class)
}

// dispatcher maps trigger keys to the rules that may start there.
type dispatcher [numKeys][]*rule

func newDispatcher(rs []*rule) *dispatcher {
	var dp dispatcher
	for _, r := range rs {
		for _, k := range r.triggers {
			dp[k] = append(dp[k], r)
		}
	}
	return &dp
}

// longest tries every rule triggered at token i and keeps the longest match
// (the first rule listed wins a tie).
func (dp *dispatcher) longest(d *doc, i int) (match, bool) {
	var best match
	found := false
	k := keyOf(&d.toks[i])
	if (k == keyMod+mThe || k == keyMod+mA) && !mayFollowArticle(d, i+1) {
		return best, false // "the company", "a man": the commonest words end here
	}
	for _, r := range dp[k] {
		m, ok := r.match(d, i)
		if ok && len(m.exprs) > 0 && (!found || m.end > best.end) {
			best, found = m, true
		}
	}
	return best, found
}

// Rules returns our rules as when rules, for use with when.Parser.Add.
func Rules() []rules.Rule {
	out := make([]rules.Rule, len(allRules))
	for i, r := range allRules {
		out[i] = r
	}
	return out
}

// NewWhen returns a when.Parser running our rules instead of when's en rules
// (which read "may be" as May and "2024-06-12" as a clock time). It returns
// the first expression only, as when does; Resolve finds them all.
func NewWhen() *when.Parser {
	p := when.New(&rules.Options{Distance: 1, MatchByOrder: true})
	p.Add(Rules()...)
	return p
}

var dispatch *dispatcher

func init() { dispatch = newDispatcher(allRules) }

// mayFollowArticle reports whether token i can continue an expression that
// starts with "the" or "a": a number, a known word or an apostrophe ("the '90s").
func mayFollowArticle(d *doc, i int) bool {
	if i >= d.n() {
		return false
	}
	t := &d.toks[i]
	return t.kind == tNum || (t.kind == tWord && t.known) || (t.kind == tPunct && (t.ch == '\'' || t.ch == '\u2019'))
}
