package timex

// doc is a tokenized text with the helpers rules use to read it.
type doc struct {
	text string
	toks []tok
	// exprs is the arena the expressions of matches are carved from; Resolve
	// empties it before each top-level dispatch, once the match before has
	// been emitted (nothing keeps a match longer)
	exprs []expr
}

// single returns a match of the one expression e, its slice carved from the
// arena (capped at one, so nothing appends into a neighbour).
func (d *doc) single(e expr) match {
	d.exprs = append(d.exprs, e)
	k := len(d.exprs)
	return match{end: e.j, exprs: d.exprs[k-1 : k : k]}
}

func (d *doc) n() int { return len(d.toks) }

// word returns the lexicon entry of token i if it is a known word.
func (d *doc) word(i int) (entry, bool) {
	if i < 0 || i >= len(d.toks) || d.toks[i].kind != tWord || !d.toks[i].known {
		return entry{}, false
	}
	return d.toks[i].ent, true
}

func (d *doc) is(i int, class uint8) bool {
	e, ok := d.word(i)
	return ok && e.class == class
}

func (d *doc) mod(i int, m int32) bool {
	e, ok := d.word(i)
	return ok && e.class == cMod && e.val == m
}

// modIn returns the modifier constant of token i if it is a modifier word.
func (d *doc) modOf(i int) int32 {
	e, ok := d.word(i)
	if !ok || e.class != cMod {
		return 0
	}
	return e.val
}

func (d *doc) unit(i int) (uint8, bool) {
	e, ok := d.word(i)
	if !ok || e.unit == uNone {
		return uNone, false
	}
	return e.unit, e.plural
}

func (d *doc) punct(i int, r rune) bool {
	return i >= 0 && i < len(d.toks) && d.toks[i].kind == tPunct && d.toks[i].ch == r
}

func (d *doc) dash(i int) bool {
	return i >= 0 && i < len(d.toks) && d.toks[i].kind == tPunct && isDash(d.toks[i].ch)
}

// glued reports whether token i follows token i-1 with no space.
func (d *doc) glued(i int) bool {
	return i > 0 && i < len(d.toks) && d.toks[i].gap == gNone
}

func (d *doc) num(i int) (int, bool) {
	if i < 0 || i >= len(d.toks) || d.toks[i].kind != tNum || d.toks[i].ord {
		return 0, false
	}
	return int(d.toks[i].val), true
}

func (d *doc) textOf(i int) string {
	return d.text[d.toks[i].start:d.toks[i].end]
}

// lowerIs compares the lower-cased word i with w (w must be lower case).
func (d *doc) lowerIs(i int, w string) bool {
	if i < 0 || i >= len(d.toks) || d.toks[i].kind != tWord {
		return false
	}
	s := d.textOf(i)
	if len(s) != len(w) {
		return false
	}
	for k := 0; k < len(s); k++ {
		c := s[k]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != w[k] {
			return false
		}
	}
	return true
}

// isolatedNumber reports whether the number at i stands alone: not part of
// "2,020", "3.5", "$2020", "20%", "737-800" or a phone number.
func (d *doc) isolatedNumber(i int) bool {
	if i > 0 && d.glued(i) {
		p := d.toks[i-1]
		if p.kind == tPunct {
			switch p.ch {
			case '$', '#', '\u20ac', '\u00a3', '\u00a5', '.', ',', '+', '/', ':', '-', '\u2013':
				if p.ch == '-' || p.ch == '\u2013' {
					// "mid-2022" and "2018-2020" are fine; "737-800" is not
					if i > 1 && d.glued(i-1) && d.toks[i-2].kind == tNum && d.toks[i-2].ndig != 4 {
						return false
					}
					break
				}
				return false
			}
		}
		if p.kind == tNum || p.kind == tWord {
			return false
		}
	}
	if i+1 < len(d.toks) && d.glued(i+1) {
		nx := d.toks[i+1]
		switch {
		case nx.kind == tNum:
			return false
		case nx.kind == tWord && !(nx.known && nx.ent.unit != uNone):
			if !d.lowerIs(i+1, "s") {
				return false
			}
		case nx.kind == tPunct && nx.ch == '%':
			return false
		case nx.kind == tPunct && (nx.ch == '/' || nx.ch == ':'):
			if i+2 < len(d.toks) && d.glued(i+2) && d.toks[i+2].kind == tNum {
				return false
			}
		case nx.kind == tPunct && (nx.ch == '.' || nx.ch == ','):
			if i+2 < len(d.toks) && d.glued(i+2) && d.toks[i+2].kind == tNum {
				return false
			}
		}
	}
	return true
}

// possessiveAt reports whether a glued "'s" starts at token i ("Friday's vote").
func possessiveAt(d *doc, i int) bool {
	return (d.punct(i, '\'') || d.punct(i, '\u2019')) && d.glued(i) && d.glued(i+1) && d.lowerIs(i+1, "s")
}
