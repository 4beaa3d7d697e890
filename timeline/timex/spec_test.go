package timex

import (
	"bufio"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/newsline/timeline/timeline"
)

// specCase is one line of testdata/resolve.spec.
type specCase struct {
	line       int
	dct        time.Time
	text       string // brackets removed
	span       timeline.Span
	marked     bool // the text had [brackets]
	typ, value string
	rangeEnd   string
}

// readSpec parses a spec file; lines may continue a text over a line break
// (a case ends at a line holding at least three " | " fields).
func readSpec(path string) ([]specCase, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var cases []specCase
	sc := bufio.NewScanner(f)
	n, pending, start := 0, "", 0
	for sc.Scan() {
		n++
		line := sc.Text()
		if pending == "" && (strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#")) {
			continue
		}
		if pending == "" {
			start = n
			pending = line
		} else {
			pending += "\n" + line
		}
		fields := strings.Split(pending, " | ")
		if len(fields) < 3 {
			continue
		}
		c, err := parseSpecCase(start, fields)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %w", path, start, err)
		}
		cases = append(cases, c)
		pending = ""
	}
	if pending != "" {
		return nil, fmt.Errorf("%s:%d: unfinished case", path, start)
	}
	return cases, sc.Err()
}

func parseSpecCase(line int, f []string) (specCase, error) {
	c := specCase{line: line}
	dct, err := time.Parse("2006-01-02", strings.TrimSpace(f[0]))
	if err != nil {
		return c, fmt.Errorf("publication date: %w", err)
	}
	c.dct = dct
	raw := f[1]
	open, close := strings.Index(raw, "["), strings.Index(raw, "]")
	if open >= 0 && close > open {
		c.marked = true
		c.text = raw[:open] + raw[open+1:close] + raw[close+1:]
		c.span = timeline.Span{Start: open, End: close - 1}
	} else {
		c.text = raw
	}
	c.typ = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(f[2]), "|"))
	if len(f) > 3 {
		c.value = strings.TrimSpace(f[3])
	}
	if len(f) > 4 {
		c.rangeEnd = strings.TrimSpace(f[4])
	}
	if c.typ != "none" && (!c.marked || c.value == "") {
		return c, fmt.Errorf("a positive case needs [brackets] and a value")
	}
	return c, nil
}

func TestResolveSpec(t *testing.T) {
	cases, err := readSpec("testdata/resolve.spec")
	if err != nil {
		t.Fatal(err)
	}
	if len(cases) < 50 {
		t.Fatalf("only %d cases read", len(cases))
	}
	for _, c := range cases {
		got := Resolve(c.text, c.dct)
		where := fmt.Sprintf("resolve.spec:%d %q", c.line, c.text)
		if c.typ == "none" {
			for _, tx := range got {
				if !c.marked || (tx.Start < c.span.End && c.span.Start < tx.End) {
					t.Errorf("%s: want no expression, got %q %s %s", where, tx.Text, tx.Type, tx.Value)
				}
			}
			continue
		}
		var found *timeline.Timex
		for k := range got {
			if got[k].Span == c.span {
				found = &got[k]
			}
		}
		if found == nil {
			t.Errorf("%s: no expression at %q; got %s", where, c.text[c.span.Start:c.span.End], describe(got))
			continue
		}
		if string(found.Type) != c.typ || found.Value != c.value {
			t.Errorf("%s: got %s %s, want %s %s", where, found.Type, found.Value, c.typ, c.value)
		}
		gotEnd := ""
		if found.RangeEnd != nil {
			gotEnd = found.RangeEnd.Value
		}
		if gotEnd != c.rangeEnd {
			t.Errorf("%s: range end %q, want %q", where, gotEnd, c.rangeEnd)
		}
	}
}

func describe(txs []timeline.Timex) string {
	var parts []string
	for _, tx := range txs {
		parts = append(parts, fmt.Sprintf("%q=%s", tx.Text, tx.Value))
	}
	return "[" + strings.Join(parts, " ") + "]"
}
