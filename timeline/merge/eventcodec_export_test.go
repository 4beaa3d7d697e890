package merge

import "github.com/newsline/timeline/timeline"

// EncodeEvents returns each event's stored encoding (appendEvent), "" for
// one the codec cannot store.
func EncodeEvents(evs []timeline.Event) []string {
	out := make([]string, len(evs))
	for k := range evs {
		if b, ok := appendEvent(nil, &evs[k]); ok {
			out[k] = string(b)
		}
	}
	return out
}

// DecodeEvents decodes encs into out (by index) with one reader, as a
// predecoder's worker does, skipping "".
func DecodeEvents(encs []string, out []timeline.Event) error {
	var er eventReader
	for k, enc := range encs {
		if enc == "" {
			continue
		}
		out[k] = timeline.Event{}
		if err := er.event(enc, &out[k]); err != nil {
			return err
		}
	}
	return nil
}
