package events

import (
	"fmt"
	"os"
	"sort"
	"testing"

	"github.com/spf13/afero"

	"github.com/newsline/timeline/timeline/events/semeval"
	"github.com/newsline/timeline/timeline/timex"
)

func TestDumpCorpus(t *testing.T) {
	doc := os.Getenv("DUMPDOC")
	if doc == "" {
		t.Skip()
	}
	c, err := semeval.Load(afero.NewOsFs(), "../../../shared/semeval2015-timeline-trial")
	if err != nil {
		t.Fatal(err)
	}
	gold := map[int][]string{}
	for _, g := range c.Gold {
		if g.Doc == doc {
			gold[g.Sent] = append(gold[g.Sent], g.Value)
		}
	}
	d := c.Docs[doc]
	tx := timex.Resolve(d.Article.Text, d.Article.Meta.Date)
	evs := ExtractWith(d.Article, tx)
	got := map[int][]string{}
	for _, e := range evs {
		for _, m := range e.Mentions {
			for n, sp := range d.Sentences {
				if m.Sentence.Start >= sp.Start && m.Sentence.Start < sp.End {
					got[n] = append(got[n], e.Start.Value+" «"+e.Title+"»")
				}
			}
		}
	}
	var ids []int
	for n := range d.Sentences {
		ids = append(ids, n)
	}
	sort.Ints(ids)
	fmt.Println("DCT", d.Article.Meta.Date.Format("2006-01-02"))
	for _, n := range ids {
		sp := d.Sentences[n]
		var txs []string
		for _, x := range tx {
			if x.Start >= sp.Start && x.End <= sp.End {
				txs = append(txs, x.Text+"="+x.Value+"/"+string(x.Type))
			}
		}
		fmt.Printf("%d gold=%v got=%v tx=%v\n   %s\n", n, gold[n], got[n], txs, d.Article.Text[sp.Start:sp.End])
	}
}
