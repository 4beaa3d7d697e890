package timex

import (
	"fmt"
	"testing"

	"github.com/newsline/timeline/timeline"
)

// TestPooledDocLeavesResultsAlone resolves texts one after another, so each
// call reuses the doc, tokens and expression arena the call before returned
// to the pool: a result must not change when later calls run, and a text
// resolved again must give what it gave first.
func TestPooledDocLeavesResultsAlone(t *testing.T) {
	texts := []string{
		"On March 3, 2021, the council met. Between 2018 and 2020 the plan stalled; last week it was revived, and on Friday the vote was held.",
		"The 2020 election came two years after the 2018 one. The next day, officials said the count would end by June 30.",
		newsText(t, 20000),
		"In early October this year the accord was signed; in the next few days the president will present it, and in April next year it takes effect.",
	}
	dump := func(ts []timeline.Timex) string {
		s := ""
		for _, x := range ts {
			s += fmt.Sprintf("%v %q %s %s %v %v|", x.Span, x.Text, x.Type, x.Value, x.Date, x.RangeEnd != nil)
		}
		return s
	}
	var first []string
	var kept [][]timeline.Timex
	for _, tx := range texts {
		r := Resolve(tx, friday)
		kept = append(kept, r)
		first = append(first, dump(r))
		if len(r) == 0 {
			t.Fatalf("no expression in %.40q", tx)
		}
	}
	for round := 0; round < 3; round++ {
		for i := len(texts) - 1; i >= 0; i-- {
			if got := dump(Resolve(texts[i], friday.AddDate(0, 0, round))); round == 0 && got != first[i] {
				t.Fatalf("text %d resolved again: %s\nwant %s", i, got, first[i])
			}
		}
	}
	for i, r := range kept {
		if got := dump(r); got != first[i] {
			t.Fatalf("text %d's result changed after later calls: %s\nwant %s", i, got, first[i])
		}
	}
}

// TestPutDocDropsTheText checks that a doc returned to the pool holds no
// text and no expression (whose values and points may hold strings), so
// the pool keeps no article alive, and that one huge buffer is not kept.
func TestPutDocDropsTheText(t *testing.T) {
	text := "Between 2018 and 2020, and on Friday."
	d := &doc{text: text, toks: make([]tok, 3, maxPooledToks+1), exprs: make([]expr, 0, 8)}
	d.exprs = append(d.exprs, expr{i: 1, j: 2, value: text[8:12], typ: timeline.TypeDate, rangeTo: -1}, expr{value: "P2Y"})
	d.exprs = d.exprs[:1] // an expression past the length is cleared too
	putDoc(d)
	if d.text != "" || len(d.exprs) != 0 || d.toks != nil {
		t.Fatalf("pooled doc keeps text %q, %d expressions, tokens of capacity %d", d.text, len(d.exprs), cap(d.toks))
	}
	for i, e := range d.exprs[:cap(d.exprs)] {
		if e != (expr{}) {
			t.Fatalf("pooled arena keeps expression %d: %+v", i, e)
		}
	}
}
