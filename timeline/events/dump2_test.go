package events

import (
	"fmt"
	"os"
	"testing"

	"github.com/newsline/timeline/timeline/ingest"
)

func TestDumpSeed(t *testing.T) {
	p := os.Getenv("DUMPFILE")
	if p == "" {
		t.Skip()
	}
	raw, _ := os.ReadFile(p)
	side, _ := os.ReadFile(ingest.SidecarPath(p))
	a, err := ingest.Parse(p, raw, side, ingest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range Extract(a) {
		fmt.Println(e.Start.Value, "«"+e.Title+"»", e.Entities)
		for _, m := range e.Mentions {
			tx := ""
			if m.Timex != nil {
				tx = m.TimexText
			}
			fmt.Printf("    [%s] %.110s\n", tx, m.Text)
		}
	}
}
