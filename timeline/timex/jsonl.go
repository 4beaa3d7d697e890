package timex

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/newsline/timeline/timeline"
)

// Line is one line of `timeline timex` output: a public, stable contract.
type Line struct {
	Start    int    `json:"start"` // UTF-8 byte offset into the file as given
	End      int    `json:"end"`   // exclusive
	Text     string `json:"text"`
	Type     string `json:"type"`                // DATE, TIME, DURATION or SET
	Value    string `json:"value"`               // TIMEX3 value
	RangeEnd string `json:"range_end,omitempty"` // last value of a range, on its first expression
}

// WriteJSONLines writes one JSON object per expression, one per line.
func WriteJSONLines(w io.Writer, txs []timeline.Timex) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(true)
	for _, tx := range txs {
		l := Line{Start: tx.Start, End: tx.End, Text: tx.Text, Type: string(tx.Type), Value: tx.Value}
		if tx.RangeEnd != nil {
			l.RangeEnd = tx.RangeEnd.Value
		}
		if err := enc.Encode(l); err != nil {
			return fmt.Errorf("write timex line: %w", err)
		}
	}
	return nil
}
