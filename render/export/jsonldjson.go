package export

// appendEventLD appends the event as json.Marshal writes it (HTML-safe
// string escaping, omitempty fields left out, fields in declaration order)
// without reflection: one event page in a full build of 117,000 paid about
// 8 µs for encoding/json and its allocations. TestAppendEventLDAsMarshal
// compares the two on random events.
func appendEventLD(b []byte, ev *ldEvent) []byte {
	b = appendJSONString(append(b, `{"@context":`...), ev.Context)
	b = appendJSONString(append(b, `,"@type":`...), ev.Type)
	b = appendJSONString(append(b, `,"name":`...), ev.Name)
	b = appendJSONString(append(b, `,"startDate":`...), ev.StartDate)
	if ev.EndDate != "" {
		b = appendJSONString(append(b, `,"endDate":`...), ev.EndDate)
	}
	if ev.Description != "" {
		b = appendJSONString(append(b, `,"description":`...), ev.Description)
	}
	if ev.URL != "" {
		b = appendJSONString(append(b, `,"url":`...), ev.URL)
	}
	if len(ev.Location) > 0 {
		b = appendLDThings(append(b, `,"location":`...), ev.Location)
	}
	if len(ev.About) > 0 {
		b = appendLDThings(append(b, `,"about":`...), ev.About)
	}
	return append(b, '}')
}

func appendLDThings(b []byte, things []ldThing) []byte {
	b = append(b, '[')
	for i := range things {
		if i > 0 {
			b = append(b, ',')
		}
		t := &things[i]
		b = appendJSONString(append(b, `{"@type":`...), t.Type)
		b = appendJSONString(append(b, `,"name":`...), t.Name)
		if t.URL != "" {
			b = appendJSONString(append(b, `,"url":`...), t.URL)
		}
		b = append(b, '}')
	}
	return append(b, ']')
}
