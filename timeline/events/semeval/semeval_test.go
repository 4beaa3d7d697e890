package semeval

import (
	"strings"
	"testing"

	"github.com/spf13/afero"

	"github.com/newsline/timeline/timeline"
)

const tml = `<?xml version='1.0' encoding='utf-8'?>
<TimeML><DOCID>42</DOCID>
<DCT><TIMEX3 functionInDocument="CREATION_TIME" tid="t0" type="DATE" value="2009-05-04">2009-05-04</TIMEX3></DCT>
<EXTRAINFO>Port of Vell opens</EXTRAINFO>
<TEXT><s id="1">May 4 , 2009</s><s id="2">The port <EVENT eid="e1">opened</EVENT> on Sunday .</s><s id="3">It was <EVENT eid="e2">built</EVENT> in 2001 &amp; 2002 .</s></TEXT></TimeML>`

const gold = "Port of Vell\n1\t2009-05-03\t42-2-opened\n2\t2001-XX-XX\t42-3-built\n3\tXXXX-XX-XX\t42-3-built\n4\t2001\t99-1-gone\n"

func corpus(t *testing.T) *Corpus {
	t.Helper()
	fs := afero.NewMemMapFs()
	afero.WriteFile(fs, "c/articles/42.tml", []byte(tml), 0o644)
	afero.WriteFile(fs, "c/timelines/vell.txt", []byte(gold), 0o644)
	c, err := Load(fs, "c")
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestLoadRebuildsSentences(t *testing.T) {
	c := corpus(t)
	d := c.Docs["42"]
	if d == nil || d.Article.Meta.Date.Format("2006-01-02") != "2009-05-04" || d.Article.Headline != "Port of Vell opens" {
		t.Fatalf("doc %+v", d)
	}
	sp := d.Sentences[3]
	if got := d.Article.Text[sp.Start:sp.End]; got != "It was built in 2001 & 2002 ." {
		t.Errorf("sentence 3 = %q", got)
	}
	if len(c.Gold) != 2 || c.Gold[1].Value != "2001" || c.Undated != 1 || c.MissingDoc != 1 {
		t.Errorf("gold %+v undated %d missing %d", c.Gold, c.Undated, c.MissingDoc)
	}
}

func TestScoreCountsRecallAndDisagreement(t *testing.T) {
	c := corpus(t)
	d := c.Docs["42"]
	at := func(n int, value string) timeline.Event {
		date, _ := timeline.ParseDate(value)
		return timeline.Event{Start: date, Mentions: []timeline.Mention{{Sentence: d.Sentences[n]}}}
	}
	r := Score(c, func(timeline.Article) []timeline.Event {
		return []timeline.Event{at(2, "2009-05-03T10:00"), at(3, "2001-06"), at(3, "2001")}
	})
	if r.Items != 2 || r.Found != 2 {
		t.Errorf("found %d of %d, want 2 of 2 (a time of day still dates the day)", r.Found, r.Items)
	}
	if r.OnGold != 3 || r.Disagree != 1 || !strings.Contains(r.Conflicts[0], "2001-06") {
		t.Errorf("disagree %d of %d %v, want the month-precise 2001-06 only", r.Disagree, r.OnGold, r.Conflicts)
	}
}

func TestByArticleKeepsEachArticlesMentionsWithTheMergedDate(t *testing.T) {
	day, _ := timeline.ParseDate("2001-06-02")
	year, _ := timeline.ParseDate("2001")
	tl := timeline.Timeline{Events: []timeline.Event{
		{Title: "port built", Start: day, Mentions: []timeline.Mention{{Article: "a"}, {Article: "b"}, {Article: "a"}}},
		{Title: "port sold", Start: year, Mentions: []timeline.Mention{{Article: "b"}}},
	}}
	got := ByArticle(tl)
	if len(got["a"]) != 1 || len(got["a"][0].Mentions) != 2 || got["a"][0].Start.Value != "2001-06-02" {
		t.Errorf("article a: %+v", got["a"])
	}
	if len(got["b"]) != 2 || len(got["b"][0].Mentions) != 1 || got["b"][1].Title != "port sold" {
		t.Errorf("article b: %+v", got["b"])
	}
	if len(tl.Events[0].Mentions) != 3 {
		t.Errorf("the timeline was changed: %+v", tl.Events[0])
	}
}
