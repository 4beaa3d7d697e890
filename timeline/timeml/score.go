package timeml

import (
	"fmt"
	"io"
	"time"

	"github.com/newsline/timeline/timeline"
)

// Resolver is the function under test (timex.Resolve).
type Resolver func(text string, dct time.Time) []timeline.Timex

// Counts are TempEval-3 Task A tallies.
type Counts struct {
	Gold, System    int // expressions annotated / found
	StrictSys       int // system expressions with a gold one of the very same span
	StrictGold      int // gold expressions with a system one of the very same span
	RelaxedSys      int // system expressions overlapping a gold one
	RelaxedGold     int // gold expressions overlapping a system one
	Matched         int // relaxed one-to-one pairs
	TypeOK, ValueOK int // pairs with the same type / the same value
}

// Add sums counts.
func (c *Counts) Add(o Counts) {
	c.Gold += o.Gold
	c.System += o.System
	c.StrictSys += o.StrictSys
	c.StrictGold += o.StrictGold
	c.RelaxedSys += o.RelaxedSys
	c.RelaxedGold += o.RelaxedGold
	c.Matched += o.Matched
	c.TypeOK += o.TypeOK
	c.ValueOK += o.ValueOK
}

// PRF is precision, recall and F1.
type PRF struct{ P, R, F float64 }

func prf(hitSys, sys, hitGold, gold int) PRF {
	var s PRF
	if sys > 0 {
		s.P = float64(hitSys) / float64(sys)
	}
	if gold > 0 {
		s.R = float64(hitGold) / float64(gold)
	}
	if s.P+s.R > 0 {
		s.F = 2 * s.P * s.R / (s.P + s.R)
	}
	return s
}

// Strict is span precision/recall/F1 on exact spans.
func (c Counts) Strict() PRF { return prf(c.StrictSys, c.System, c.StrictGold, c.Gold) }

// Relaxed is span precision/recall/F1 on overlapping spans.
func (c Counts) Relaxed() PRF { return prf(c.RelaxedSys, c.System, c.RelaxedGold, c.Gold) }

// Value is the F1 of relaxed matches with the exact value, over system and gold counts.
func (c Counts) Value() PRF { return prf(c.ValueOK, c.System, c.ValueOK, c.Gold) }

// TypeAccuracy is the share of relaxed matches with the right TIMEX3 type.
func (c Counts) TypeAccuracy() float64 {
	if c.Matched == 0 {
		return 0
	}
	return float64(c.TypeOK) / float64(c.Matched)
}

// Miss is a gold expression the system did not get with the right value,
// or a system expression with no gold counterpart (Gold empty).
type Miss struct {
	Path     string
	Gold     Gold
	Got      *timeline.Timex // the overlapping system expression, if any
	Spurious bool            // a system expression overlapping no gold one
	SpanOnly bool            // right value, but not the very same span
	Context  string          // the text around it
}

// ScoreDoc resolves one document and compares it with the gold annotations.
func ScoreDoc(doc Doc, resolve Resolver) (Counts, []Miss) {
	sys := resolve(doc.Text, doc.DCT)
	c := Counts{Gold: len(doc.Timexes), System: len(sys)}
	overlap := func(a, b timeline.Span) bool { return a.Start < b.End && b.Start < a.End }
	used := make([]bool, len(sys))
	for _, s := range sys {
		strict, relaxed := false, false
		for _, g := range doc.Timexes {
			if overlap(s.Span, g.Span) {
				relaxed = true
				strict = strict || (s.Start == g.Start && s.End == g.End)
			}
		}
		if strict {
			c.StrictSys++
		}
		if relaxed {
			c.RelaxedSys++
		}
	}
	var misses []Miss
	for _, g := range doc.Timexes {
		best := -1
		for k, s := range sys {
			if !overlap(s.Span, g.Span) {
				continue
			}
			if s.Start == g.Start && s.End == g.End {
				c.StrictGold++
			}
			if best < 0 || (used[best] && !used[k]) {
				best = k
			}
		}
		if best < 0 {
			misses = append(misses, Miss{Path: doc.Path, Gold: g, Context: context(doc.Text, g.Span)})
			continue
		}
		c.RelaxedGold++
		if used[best] {
			misses = append(misses, Miss{Path: doc.Path, Gold: g, Got: &sys[best], Context: context(doc.Text, g.Span)})
			continue
		}
		used[best] = true
		c.Matched++
		s := sys[best]
		if string(s.Type) == g.Type {
			c.TypeOK++
		}
		if s.Value == g.Value {
			c.ValueOK++
			if s.Span != g.Span {
				misses = append(misses, Miss{Path: doc.Path, Gold: g, Got: &sys[best], SpanOnly: true, Context: context(doc.Text, g.Span)})
			}
		} else {
			misses = append(misses, Miss{Path: doc.Path, Gold: g, Got: &sys[best], Context: context(doc.Text, g.Span)})
		}
	}
	for k, s := range sys {
		hit := false
		for _, g := range doc.Timexes {
			hit = hit || overlap(s.Span, g.Span)
		}
		if !hit {
			misses = append(misses, Miss{Path: doc.Path, Got: &sys[k], Spurious: true, Context: context(doc.Text, s.Span)})
		}
	}
	return c, misses
}

// context returns up to 40 bytes on each side of a span, on one line.
func context(text string, s timeline.Span) string {
	a, b := max(0, s.Start-40), min(len(text), s.End+40)
	for a > 0 && a < len(text) && text[a]&0xC0 == 0x80 {
		a--
	}
	for b < len(text) && text[b]&0xC0 == 0x80 {
		b++
	}
	out := []byte(text[a:s.Start] + "[" + text[s.Start:s.End] + "]" + text[s.End:b])
	for i, c := range out {
		if c == '\n' || c == '\t' || c == '\r' {
			out[i] = ' '
		}
	}
	return string(out)
}

// WriteCounts prints the TempEval-3 Task A figures of one corpus.
func WriteCounts(w io.Writer, name string, c Counts) error {
	s, r, v := c.Strict(), c.Relaxed(), c.Value()
	_, err := fmt.Fprintf(w, "%-10s docs gold=%d system=%d\n"+
		"  strict   P=%.4f R=%.4f F1=%.4f\n"+
		"  relaxed  P=%.4f R=%.4f F1=%.4f\n"+
		"  type     accuracy=%.4f (%d/%d relaxed matches)\n"+
		"  value    P=%.4f R=%.4f F1=%.4f\n",
		name, c.Gold, c.System, s.P, s.R, s.F, r.P, r.R, r.F, c.TypeAccuracy(), c.TypeOK, c.Matched, v.P, v.R, v.F)
	return err
}

// WriteMisses prints each miss on one line.
func WriteMisses(w io.Writer, misses []Miss) error {
	for _, m := range misses {
		var err error
		switch {
		case m.Spurious:
			_, err = fmt.Fprintf(w, "SPURIOUS %s %q %s %s | %s\n", m.Path, m.Got.Text, m.Got.Type, m.Got.Value, m.Context)
		case m.SpanOnly:
			_, err = fmt.Fprintf(w, "SPAN     %s %q gold %s %s got %q | %s\n", m.Path, m.Gold.Text, m.Gold.Type, m.Gold.Value, m.Got.Text, m.Context)
		case m.Got == nil:
			_, err = fmt.Fprintf(w, "MISSED   %s %q gold %s %s | %s\n", m.Path, m.Gold.Text, m.Gold.Type, m.Gold.Value, m.Context)
		default:
			_, err = fmt.Fprintf(w, "WRONG    %s %q gold %s %s got %q %s %s | %s\n", m.Path, m.Gold.Text, m.Gold.Type, m.Gold.Value, m.Got.Text, m.Got.Type, m.Got.Value, m.Context)
		}
		if err != nil {
			return err
		}
	}
	return nil
}
