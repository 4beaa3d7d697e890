package events

import "github.com/newsline/timeline/timeline"

// JSONEvent is one event as `timeline extract` prints it: a public contract,
// documented in the README. Fields are only ever added, never renamed.
type JSONEvent struct {
	ID       string            `json:"id"`
	Title    string            `json:"title"`
	Start    string            `json:"start"`
	End      string            `json:"end,omitempty"`
	Lead     bool              `json:"lead,omitempty"`
	Text     string            `json:"text"`
	Source   string            `json:"source"`
	Offset   [2]int            `json:"offset"`
	Mentions []JSONMention     `json:"mentions"`
	Entities []timeline.Entity `json:"entities"`
}

// JSONMention is one place an event is told: the sentence and, when the date
// is written there, the date expression, as [start, end) UTF-8 byte offsets
// into the file as given.
type JSONMention struct {
	Source string  `json:"source"`
	Offset [2]int  `json:"offset"`
	Timex  *[2]int `json:"timex"`
}

// ToJSON converts events to their JSON form; the first mention gives the
// event's text, source and offset.
func ToJSON(evs []timeline.Event) []JSONEvent {
	out := make([]JSONEvent, 0, len(evs))
	for _, ev := range evs {
		j := JSONEvent{ID: ev.ID, Title: ev.Title, Start: ev.Start.Value, Lead: ev.Lead,
			Mentions: []JSONMention{}, Entities: ev.Entities}
		if j.Entities == nil {
			j.Entities = []timeline.Entity{}
		}
		if ev.End != nil {
			j.End = ev.End.Value
		}
		for i, m := range ev.Mentions {
			jm := JSONMention{Source: m.Source, Offset: [2]int{m.Sentence.Start, m.Sentence.End}}
			if m.Timex != nil {
				jm.Timex = &[2]int{m.Timex.Start, m.Timex.End}
			}
			j.Mentions = append(j.Mentions, jm)
			if i == 0 {
				j.Text, j.Source, j.Offset = m.Text, m.Source, jm.Offset
			}
		}
		out = append(out, j)
	}
	return out
}
