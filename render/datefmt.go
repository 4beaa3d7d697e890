package render

import (
	"fmt"
	"strings"

	"github.com/newsline/timeline/render/datefmt"
	"github.com/newsline/timeline/timeline"
)

// year4 is fmt.Sprintf("%04d", y) for 0 <= y <= 9999, without fmt's
// formatting machinery (a row's date, for every year, season, quarter and
// half date on a listing page rendered).
func year4(y int) string {
	b := [4]byte{byte('0' + y/1000), byte('0' + y/100%10), byte('0' + y/10%10), byte('0' + y%10)}
	return string(b[:])
}

// datetimeAttr gives the HTML datetime attribute for a date: the value itself
// when HTML can say it at that precision, else the year that contains it, else
// "" (decades and coarser: the template then uses <span>, not <time>).
func datetimeAttr(d timeline.Date) string {
	if d.IsZero() {
		return ""
	}
	y := d.Start.Year()
	if y < 1 || y > 9999 {
		return ""
	}
	switch d.Gran {
	case timeline.GranYear, timeline.GranHalf, timeline.GranQuarter, timeline.GranSeason:
		return year4(y)
	case timeline.GranMonth:
		return d.Start.Format("2006-01")
	case timeline.GranWeek:
		wy, w := d.Start.ISOWeek()
		return fmt.Sprintf("%04d-W%02d", wy, w)
	case timeline.GranDay:
		return d.Start.Format("2006-01-02")
	case timeline.GranTime:
		if _, clock, _ := strings.Cut(d.Value, "T"); clock != "" && clock[0] >= '0' && clock[0] <= '9' {
			return d.Start.Format("2006-01-02T15:04")
		}
		return d.Start.Format("2006-01-02")
	}
	return ""
}

// timeView is one date as the templates show it.
type timeView struct {
	Text string // human text at the date's precision
	Attr string // machine-readable datetime attribute, "" when HTML has no form for it
}

// dateView is a date or range as the templates show it. When End is set the
// template reads it as "from Start to End" to screen readers.
type dateView struct {
	Start  timeView
	End    *timeView
	Spaced bool // separate the parts with " – " because they contain spaces
}

func dateViewOf(start timeline.Date, end *timeline.Date) dateView {
	first, last, spaced := datefmt.Parts(start, end)
	v := dateView{Start: timeView{first, datetimeAttr(start)}, Spaced: spaced}
	if last != "" {
		v.End = &timeView{last, datetimeAttr(*end)}
	}
	return v
}
