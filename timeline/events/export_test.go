package events

import (
	"time"

	"github.com/newsline/timeline/timeline"
)

// BatchArticles and BatchBytes are batchArticles and batchBytes, and
// BatchEnd is batchEnd, for the external tests.
const (
	BatchArticles = batchArticles
	BatchBytes    = batchBytes
)

var BatchEnd = batchEnd

// SetResolveAppend makes ExtractAll resolve with f until restore is called.
func SetResolveAppend(f func([]timeline.Timex, string, time.Time) []timeline.Timex) (restore func()) {
	old := resolveAppend
	resolveAppend = f
	return func() { resolveAppend = old }
}
