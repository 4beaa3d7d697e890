package export

import (
	"encoding/csv"
	"fmt"
	"io"
	"strings"

	"github.com/newsline/timeline/timeline"
)

// csvHeader names the columns of events.csv; see the package doc for their meaning.
var csvHeader = []string{"id", "date", "start", "end", "precision", "title", "sources", "url"}

// CSV writes one row per event (events.csv), RFC 4180 with CRLF line ends.
func CSV(tl timeline.Timeline, s Site) ([]byte, error) {
	return bytesOf(func(w io.Writer) error { return WriteCSV(w, tl, s) })
}

// WriteCSV streams events.csv to w row by row.
func WriteCSV(out io.Writer, tl timeline.Timeline, s Site) error {
	p, err := prepare(s, tl)
	if err != nil {
		return fmt.Errorf("events.csv: %w", err)
	}
	sp := p.newSplicer(out, "events.csv", len(tl.Events))
	defer sp.close()
	if sp != nil {
		out = sp
	}
	w := csv.NewWriter(out)
	w.UseCRLF = true
	if err := w.Write(csvHeader); err != nil {
		return fmt.Errorf("events.csv: %w", err)
	}
	if sp != nil {
		w.Flush() // the header; the rows go to out one by one
	}
	for _, i := range p.order(tl.Events, true) {
		ev := &tl.Events[i]
		write := func(io.Writer) error { // rows go through the one writer
			if err := w.Write(safeCells(p.csvRow(i, *ev))); err != nil || sp == nil {
				return err
			}
			w.Flush() // a spliced fragment ends with its row
			return w.Error()
		}
		if sp != nil {
			err = sp.fragment(p.spliceKey("csv", i, ev, ""), write)
		} else {
			err = write(out)
		}
		if err != nil {
			return fmt.Errorf("events.csv: event %s: %w", ev.ID, err)
		}
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return fmt.Errorf("events.csv: %w", err)
	}
	if sp != nil {
		if err := sp.finish(); err != nil {
			return fmt.Errorf("events.csv: %w", err)
		}
	}
	return nil
}

func (p *site) csvRow(i int, ev timeline.Event) []string {
	value, first, last := ev.Start.Value, "", ""
	end, ranged := eventLast(ev)
	if ranged {
		value += "/" + end.Value
	}
	if !ev.Start.IsZero() {
		first = ev.Start.Start.Format("2006-01-02")
		last = lastInstant(end).Format("2006-01-02")
	}
	var titles []string
	for _, src := range p.sources(i, ev) {
		titles = append(titles, oneLine(src.Title))
	}
	return []string{
		ev.ID, value, first, last, ev.Start.Gran.String(),
		oneLine(ev.Title), strings.Join(titles, "; "), p.eventURL(ev),
	}
}

// safeCells keeps spreadsheets from reading a cell as a formula: a leading
// = + - @ (or tab/CR, which some spreadsheets skip before one) gets a ' in front.
func safeCells(cells []string) []string {
	for i, c := range cells {
		c = cleanText(c)
		if c != "" && strings.ContainsRune("=+-@\t\r", rune(c[0])) {
			c = "'" + c
		}
		cells[i] = c
	}
	return cells
}
