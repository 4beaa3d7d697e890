package ingest

import (
	"html"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/newsline/timeline/timeline"
)

const te3Dir = "../../../shared/te3"

var (
	tmlText  = regexp.MustCompile(`(?s)<TEXT>(.*?)</TEXT>`)
	tmlTag   = regexp.MustCompile(`<(/?)([A-Za-z0-9]+)[^>]*>`)
	tmlTimex = "TIMEX3"
)

// stripTimeML returns the plain text of a TimeML document's TEXT and the
// spans of its TIMEX3 expressions in that text.
func stripTimeML(doc string) (string, []timeline.Span) {
	m := tmlText.FindStringSubmatch(doc)
	if m == nil {
		return "", nil
	}
	var b strings.Builder
	var spans []timeline.Span
	src, open := m[1], -1
	last := 0
	for _, loc := range tmlTag.FindAllStringSubmatchIndex(src, -1) {
		b.WriteString(html.UnescapeString(src[last:loc[0]]))
		last = loc[1]
		if src[loc[4]:loc[5]] != tmlTimex {
			continue
		}
		if loc[3] > loc[2] { // closing tag
			if open >= 0 {
				spans = append(spans, timeline.Span{Start: open, End: b.Len()})
			}
			open = -1
		} else {
			open = b.Len()
		}
	}
	b.WriteString(html.UnescapeString(src[last:]))
	return b.String(), spans
}

// TestCleaningKeepsCorpusDates runs the cleaner over the 256 TempEval-3
// news texts (well-formed prose, one paragraph per line) and checks that the
// rules for PDF debris do not throw away dated body text: at most 1% of the
// 1,822 annotated temporal expressions may fall in set-aside lines, and
// hardly any line of such clean prose may be set aside at all.
func TestCleaningKeepsCorpusDates(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(te3Dir, "*", "*.tml"))
	if len(files) == 0 {
		t.Skip("TempEval-3 corpus absent at " + te3Dir + " (it lives outside the project)")
	}
	total, lost, asideLines := 0, 0, 0
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		text, timexes := stripTimeML(string(data))
		if strings.TrimSpace(text) == "" {
			continue
		}
		a, err := Parse(filepath.Base(f)+".txt", []byte(text), nil, Options{Date: day})
		if err != nil {
			t.Errorf("%s: %v", f, err)
			continue
		}
		asideLines += len(a.SetAside)
		for _, s := range a.SetAside {
			t.Logf("%s: set aside %q", filepath.Base(f), text[s.Start:s.End])
		}
		for _, tx := range timexes {
			total++
			for _, s := range a.SetAside {
				if tx.Start < s.End && s.Start < tx.End {
					lost++
					t.Logf("%s: %q set aside in %q", filepath.Base(f), text[tx.Start:tx.End], text[s.Start:s.End])
					break
				}
			}
		}
	}
	t.Logf("%d files, %d temporal expressions, %d in set-aside lines, %d lines set aside", len(files), total, lost, asideLines)
	if lost*100 > total {
		t.Errorf("%d of %d temporal expressions set aside (more than 1%%)", lost, total)
	}
	if asideLines*20 > len(files) {
		t.Errorf("%d lines of clean prose set aside in %d files (more than one per 20 files)", asideLines, len(files))
	}
}
