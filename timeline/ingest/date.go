package ingest

import (
	"errors"
	"time"
)

// dateLayouts are the publication-date forms accepted, most common first.
// A time without a zone is read as UTC.
var dateLayouts = []string{
	"2006-01-02",
	time.RFC3339,
	time.RFC3339Nano,
	"2006-01-02T15:04:05",
	"2006-01-02 15:04:05",
	"2006-01-02T15:04",
}

// parseDate reads a publication date: 2024-06-14 or RFC 3339. A bare day is
// UTC midnight; a time keeps the zone it was written in, so the publication
// day is the one the writer saw. Years before 1000 are refused: they are
// typos ("0000-00-00") far more often than news.
func parseDate(s string) (time.Time, error) {
	for _, layout := range dateLayouts {
		t, err := time.Parse(layout, s)
		if err != nil {
			continue
		}
		if t.Year() < 1000 {
			return time.Time{}, errors.New("year before 1000")
		}
		return t, nil
	}
	return time.Time{}, errors.New("want YYYY-MM-DD or RFC 3339 like 2024-06-14T09:30:00Z")
}
