package timeml

import (
	"bytes"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/newsline/timeline/timeline"
	"github.com/spf13/afero"
)

func loadSample(t *testing.T) Doc {
	t.Helper()
	data, err := os.ReadFile("testdata/sample.tml")
	if err != nil {
		t.Fatal(err)
	}
	fs := afero.NewMemMapFs()
	if err := afero.WriteFile(fs, "corpus/a.tml", data, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := afero.WriteFile(fs, "corpus/notes.txt", []byte("ignored"), 0o644); err != nil {
		t.Fatal(err)
	}
	docs, err := Load(fs, []string{"corpus"})
	if err != nil || len(docs) != 1 {
		t.Fatalf("Load: %d docs, %v", len(docs), err)
	}
	return docs[0]
}

func TestReadStripsTagsAndKeepsOffsets(t *testing.T) {
	d := loadSample(t)
	if !d.DCT.Equal(time.Date(2024, 6, 14, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("DCT %v", d.DCT)
	}
	if strings.Contains(d.Text, "<") || !strings.Contains(d.Text, "profits & sales") {
		t.Errorf("text not stripped and decoded: %q", d.Text)
	}
	if len(d.Timexes) != 3 {
		t.Fatalf("%d timexes", len(d.Timexes))
	}
	for _, g := range d.Timexes {
		if d.Text[g.Start:g.End] != g.Text {
			t.Errorf("%s: offsets point at %q", g.Text, d.Text[g.Start:g.End])
		}
	}
	if g := d.Timexes[2]; g.Type != "DURATION" || g.Value != "P2M" || g.Text != "the past two months" {
		t.Errorf("third timex %+v", g)
	}
}

func TestReadErrorsNameFileAndLine(t *testing.T) {
	_, err := Read("bad.tml", []byte("<TimeML>\n<TEXT>\n<TIMEX3 value=\"2020\">2020</TEXT>\n</TimeML>"))
	if err == nil || !strings.HasPrefix(err.Error(), "bad.tml:") {
		t.Errorf("malformed XML: %v", err)
	}
	_, err = Read("nodct.tml", []byte("<TimeML><TEXT>x</TEXT></TimeML>"))
	if err == nil || !strings.Contains(err.Error(), "nodct.tml:1: no <DCT>") {
		t.Errorf("missing DCT: %v", err)
	}
}

// A fake resolver with one exact hit, one partial span with a wrong value,
// one miss and one spurious expression gives known figures.
func TestScoreDoc(t *testing.T) {
	d := loadSample(t)
	span := func(s string) timeline.Span {
		i := strings.Index(d.Text, s)
		return timeline.Span{Start: i, End: i + len(s)}
	}
	fake := func(text string, dct time.Time) []timeline.Timex {
		return []timeline.Timex{
			{Span: span("Wednesday"), Text: "Wednesday", Type: "DATE", Value: "2024-06-12"},
			{Span: span("two months"), Text: "two months", Type: "DURATION", Value: "P3M"},
			{Span: span("Officials"), Text: "Officials", Type: "DATE", Value: "X"},
		}
	}
	c, misses := ScoreDoc(d, fake)
	want := Counts{Gold: 3, System: 3, StrictSys: 1, StrictGold: 1, RelaxedSys: 2, RelaxedGold: 2, Matched: 2, TypeOK: 2, ValueOK: 1}
	if c != want {
		t.Errorf("counts %+v, want %+v", c, want)
	}
	if f := c.Strict().F; f < 0.333 || f > 0.334 {
		t.Errorf("strict F1 %.4f, want 1/3", f)
	}
	if v := c.Value(); v.P < 0.333 || v.P > 0.334 || v.R < 0.333 || v.R > 0.334 {
		t.Errorf("value P/R %+v, want 1/3", v)
	}
	if len(misses) != 3 {
		t.Fatalf("%d misses, want wrong value + missed + spurious", len(misses))
	}
	var buf bytes.Buffer
	if err := WriteMisses(&buf, misses); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, s := range []string{`WRONG    corpus/a.tml "the past two months" gold DURATION P2M got "two months" DURATION P3M`, `MISSED   corpus/a.tml "2023" gold DATE 2023`, `SPURIOUS corpus/a.tml "Officials"`} {
		if !strings.Contains(out, s) {
			t.Errorf("misses output lacks %q:\n%s", s, out)
		}
	}
}

// The real corpus, when present next to the repository.
func TestLoadTempEval3(t *testing.T) {
	docs, err := Load(afero.NewOsFs(), []string{"../../../shared/te3"})
	if err != nil {
		if _, statErr := os.Stat("../../../shared/te3"); statErr != nil {
			t.Skip("../shared/te3 absent: the TempEval-3 corpus lives outside the repository")
		}
		t.Fatal(err)
	}
	gold := 0
	for _, d := range docs {
		gold += len(d.Timexes)
	}
	if len(docs) != 256 || gold != 1822 {
		t.Errorf("%d docs, %d gold expressions; want 256 and 1822", len(docs), gold)
	}
}
