package export

import (
	"bytes"
	"encoding/csv"
	"reflect"
	"strings"
	"testing"

	"github.com/newsline/timeline/timeline"
)

func readCSV(t *testing.T, b []byte) [][]string {
	t.Helper()
	rows, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil {
		t.Fatalf("encoding/csv cannot read the output: %v\n%s", err, b)
	}
	return rows
}

func TestCSVRowsAndColumns(t *testing.T) {
	tl := fixture(t)
	b, err := CSV(tl, absoluteSite())
	if err != nil {
		t.Fatal(err)
	}
	rows := readCSV(t, b)
	if !reflect.DeepEqual(rows[0], csvHeader) {
		t.Fatalf("header = %v", rows[0])
	}
	if len(rows) != len(tl.Events)+1 {
		t.Fatalf("%d rows, want %d", len(rows), len(tl.Events)+1)
	}
	byID := map[string][]string{}
	for _, r := range rows[1:] {
		byID[r[0]] = r
	}
	want := map[string][]string{ // id: date, start, end, precision
		"r1820": {"2018/2020", "2018-01-01", "2020-12-31", "year"},
		"m2309": {"2023-09", "2023-09-01", "2023-09-30", "month"},
		"w24":   {"2024-W24", "2024-06-10", "2024-06-16", "week"},
		"t1430": {"2024-06-12T14:30", "2024-06-12", "2024-06-12", "time"},
		"q3":    {"2012-Q3", "2012-07-01", "2012-09-30", "quarter"},
	}
	for id, w := range want {
		if got := byID[id][1:5]; !reflect.DeepEqual(got, w) {
			t.Errorf("%s: date/start/end/precision = %v, want %v", id, got, w)
		}
	}
	if got := byID["d0612"][6]; got != `Older <b>report</b>; =HYPERLINK("http://evil")` {
		t.Errorf("sources = %q", got)
	}
	if got := byID["d0612"][7]; got != "https://school.example/history/armenia/events/d0612/" {
		t.Errorf("url = %q", got)
	}
}

func TestCSVHostileCells(t *testing.T) {
	tl := fixture(t)
	b, err := CSV(tl, relativeSite())
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasSuffix(b, []byte("\r\n")) || bytes.Contains(bytes.ReplaceAll(b, []byte("\r\n"), nil), []byte("\r")) {
		t.Error("rows must end in CRLF and no bare CR may remain")
	}
	rows := readCSV(t, b)
	byID := map[string][]string{}
	for _, r := range rows[1:] {
		if len(r) != len(csvHeader) {
			t.Fatalf("row has %d cells: %q", len(r), r)
		}
		byID[r[0]] = r
	}
	for id, want := range map[string]string{
		"d0612": oneLine(hostile), // commas, quotes, newline: quoted, not split
		"w24":   "'@week event",
		"q3":    "'+quarter event",
		"multi": "'-2+3 multi-day",
		"y2020": "A year event",
	} {
		if got := byID[id][5]; got != want {
			t.Errorf("%s title = %q, want %q", id, got, want)
		}
	}
	if got := byID["m2309"][6]; got != `'=HYPERLINK("http://evil")` {
		t.Errorf("formula in sources not defused: %q", got)
	}
	for _, r := range rows {
		for _, cell := range r {
			if cell != "" && strings.ContainsRune("=+-@", rune(cell[0])) {
				t.Errorf("cell starts with a formula character: %q", cell)
			}
		}
	}
}

func TestCSVKeepsUndatedEvents(t *testing.T) {
	tl := timeline.Timeline{Events: []timeline.Event{{ID: "u", Title: "Undated", Start: timeline.Date{Value: "XXXX-XX-XX"}}}}
	b, err := CSV(tl, Site{})
	if err != nil {
		t.Fatal(err)
	}
	rows := readCSV(t, b)
	if len(rows) != 2 || !reflect.DeepEqual(rows[1][:5], []string{"u", "XXXX-XX-XX", "", "", "unknown"}) {
		t.Errorf("rows = %q", rows)
	}
}
